{{/* An instance's own settings. ctx = dict "root" $ "inst" INSTANCE */}}
{{- define "atrium.instanceEnv" -}}
{{- $root := .root -}}
{{- $inst := .inst -}}
{{- $base := printf "%s-%s" (include "atrium.fullname" $root) $inst.name -}}
- name: NODE_NAME
  value: {{ $inst.name | quote }}
- name: PORTAL_URL
  value: {{ include "atrium.url" (dict "root" $root "host" $root.Values.portal.host) | quote }}
- name: NODE_ID_TOKEN_ALG
  value: {{ $inst.idTokenAlg | quote }}
- name: NODE_CLIENT_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "atrium.nodeSecretName" . }}
      key: NODE_CLIENT_ID
- name: NODE_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "atrium.nodeSecretName" . }}
      key: NODE_CLIENT_SECRET
- name: ORIGINALS_PATH
  value: /data/originals
- name: CACHE_PATH
  value: /data/cache
{{- with $inst.disableFeatures }}
- name: ATRIUM_DISABLE_FEATURES
  value: {{ join "," . | quote }}
{{- end }}
- name: SESSION_MAX_AGE
  value: {{ $inst.sessionMaxAge | quote }}
- name: SESSION_IDLE
  value: {{ $inst.sessionIdle | quote }}
{{- include "atrium.databaseEnv" (dict "root" $root "db" $inst.database "base" $base) }}
{{- include "atrium.redisEnv" . }}
{{- with $inst.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Where an instance's pods and workers see the library. */}}
{{- define "atrium.libraryMounts" -}}
- name: originals
  mountPath: /data/originals
  {{- if .originalsReadOnly }}
  readOnly: true
  {{- end }}
- name: cache
  mountPath: /data/cache
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* The originals and cache volumes of an instance. ctx = dict "name" BASE "inst" INSTANCE */}}
{{- define "atrium.libraryVolumes" -}}
{{- range $volume := list "originals" "cache" }}
{{- $v := get $.inst $volume }}
- name: {{ $volume }}
  {{- if eq $v.type "pvc" }}
  persistentVolumeClaim:
    claimName: {{ $.name }}-{{ $volume }}
  {{- else if eq $v.type "existingClaim" }}
  persistentVolumeClaim:
    claimName: {{ $v.existingClaim }}
  {{- else }}
  hostPath:
    path: {{ $v.hostPath }}
    type: Directory
  {{- end }}
{{- end }}
- name: tmp
  emptyDir: {}
{{- end -}}

{{/*
An instance's media workers: a Deployment scaled by worker.replicas, reading its Redis, its
originals (read-only) and writing its cache; health and /metrics on the worker port.
ctx = dict "root" $ "inst" INSTANCE
*/}}
{{- define "atrium.worker" -}}
{{- $root := .root -}}
{{- $inst := .inst -}}
{{- $name := printf "%s-%s-worker" (include "atrium.fullname" $root) $inst.name -}}
{{- $labels := dict "root" $root "component" "worker" "instance" $inst.name -}}
{{- $worker := $inst.worker }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
spec:
  replicas: {{ $worker.replicas }}
  selector:
    matchLabels:
      {{- include "atrium.selectorLabels" $labels | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "atrium.labels" $labels | nindent 8 }}
    spec:
      {{- include "atrium.podCommon" (dict "root" $root "spec" $inst) | trim | nindent 6 }}
      # Running jobs get WORKER_SHUTDOWN_GRACE (25 s) to finish, then are handed back.
      terminationGracePeriodSeconds: 40
      containers:
        - name: worker
          image: {{ include "atrium.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: [worker]
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          ports:
            - name: metrics
              containerPort: 8090
          env:
            {{- include "atrium.commonEnv" $root | nindent 12 }}
            - name: WORKER_PORT
              value: "8090"
            # glibc's allocator grows under libvips; two arenas keep the worker's memory flat.
            - name: MALLOC_ARENA_MAX
              value: "2"
            - name: WORKER_CONCURRENCY_METADATA
              value: {{ $worker.concurrency.metadata | quote }}
            - name: WORKER_CONCURRENCY_THUMBNAILS
              value: {{ $worker.concurrency.thumbnails | quote }}
            - name: WORKER_CONCURRENCY_VIDEO
              value: {{ $worker.concurrency.video | quote }}
            {{- include "atrium.redisEnv" . | nindent 12 }}
            - name: WORKER_INSTANCES
              value: {{ list (dict "name" $inst.name "redisUrl" "$(REDIS_URL)" "originalsPath" "/data/originals" "cachePath" "/data/cache") | toJson | quote }}
            {{- with $worker.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          readinessProbe:
            httpGet: { path: /readyz, port: metrics }
            periodSeconds: 10
            timeoutSeconds: 3
          livenessProbe:
            httpGet: { path: /healthz, port: metrics }
            initialDelaySeconds: 10
            periodSeconds: 20
            timeoutSeconds: 3
          resources:
            {{- toYaml $worker.resources | nindent 12 }}
          volumeMounts:
            {{- include "atrium.libraryMounts" (dict "originalsReadOnly" true) | nindent 12 }}
      volumes:
        {{- include "atrium.libraryVolumes" (dict "name" (printf "%s-%s" (include "atrium.fullname" $root) $inst.name) "inst" $inst) | nindent 8 }}
---
# Names the workers' metrics port for the ServiceMonitor; nothing else connects to workers.
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "atrium.selectorLabels" $labels | nindent 4 }}
  ports:
    - name: metrics
      port: 8090
      targetPort: metrics
{{- if $root.Values.networkPolicy.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $name }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "atrium.selectorLabels" $labels | nindent 6 }}
  {{- if eq $inst.redis.type "bundled" }}
  # Workers reach DNS and their own Redis, nothing else (no database, no portal, no other library).
  policyTypes: [Ingress, Egress]
  egress:
    {{- include "atrium.dnsEgressRule" $root | nindent 4 }}
    - to:
        - podSelector:
            matchLabels:
              {{- include "atrium.selectorLabels" (dict "root" $root "component" "redis" "instance" $inst.name) | nindent 14 }}
      ports:
        - { port: 6379, protocol: TCP }
  {{- else }}
  policyTypes: [Ingress]
  {{- end }}
  ingress:
    {{- include "atrium.metricsIngressRule" $root | nindent 4 }}
{{- end }}
{{- end -}}

{{/*
A migration hook Job. ctx = dict "root" $ "name" NAME "service" portal|instance "labels" LABEL_CTX
"spec" VALUES "env" DATABASE_ENV "deployed" DEPLOYMENT_NAME (present when the service already runs)
*/}}
{{- define "atrium.migrationJob" -}}
{{- $root := .root -}}
{{- $hook := "post-install" -}}
{{- if $root.Release.IsUpgrade -}}
{{- $hook = ternary "pre-upgrade" "post-upgrade" (not (empty (lookup "apps/v1" "Deployment" $root.Release.Namespace .deployed))) -}}
{{- end }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}
  labels:
    {{- include "atrium.labels" .labels | nindent 4 }}
  annotations:
    helm.sh/hook: {{ $hook }}
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $root.Values.migrations.backoffLimit }}
  activeDeadlineSeconds: {{ $root.Values.migrations.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "atrium.labels" .labels | nindent 8 }}
    spec:
      restartPolicy: Never
      {{- include "atrium.podCommon" (dict "root" $root "spec" .spec) | trim | nindent 6 }}
      containers:
        - name: migrate
          image: {{ include "atrium.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          args: [{{ .service }}, migrate]
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          env:
            {{- include "atrium.commonEnv" $root | nindent 12 }}
            {{- .env | nindent 12 }}
          resources:
            {{- toYaml $root.Values.migrations.resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
{{- end -}}
