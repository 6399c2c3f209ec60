{{/*
One instance's own Redis (its job queues), when bundled: append-only persistence and noeviction,
so a restart loses no job (docs/architecture.md "Storage"). Its NetworkPolicy admits only the
instance's pods and workers. ctx = dict "root" $ "inst" INSTANCE
*/}}
{{- define "atrium.redis" -}}
{{- $root := .root -}}
{{- $inst := .inst -}}
{{- $base := printf "%s-%s" (include "atrium.fullname" $root) $inst.name -}}
{{- $name := printf "%s-redis" $base -}}
{{- $labels := dict "root" $root "component" "redis" "instance" $inst.name -}}
{{- if eq $inst.redis.type "bundled" }}
{{- $bundled := $inst.redis.bundled }}
{{- if not $bundled.existingSecret }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ $name }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
  annotations:
    helm.sh/resource-policy: keep
type: Opaque
data:
  REDIS_PASSWORD: {{ include "atrium.keptSecretValue" (dict "root" $root "name" $name "key" "REDIS_PASSWORD" "new" (randAlphaNum 40)) }}
{{- end }}
---
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
    - name: redis
      port: 6379
      targetPort: redis
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $name }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
spec:
  serviceName: {{ $name }}
  replicas: 1
  selector:
    matchLabels:
      {{- include "atrium.selectorLabels" $labels | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "atrium.labels" $labels | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      # The official image's redis user.
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        runAsGroup: 999
        fsGroup: 999
        fsGroupChangePolicy: OnRootMismatch
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: redis
          image: {{ printf "%s:%s" $root.Values.bundledImages.redis.repository $root.Values.bundledImages.redis.tag | quote }}
          imagePullPolicy: {{ $root.Values.bundledImages.redis.pullPolicy }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          # The password goes in on standard input (`redis-server -`), not on the command line.
          command:
            - sh
            - -c
            - |
              exec redis-server - --dir /data --appendonly yes --appendfsync everysec --maxmemory-policy noeviction --protected-mode no <<EOF
              requirepass $REDIS_PASSWORD
              EOF
          env:
            - name: REDIS_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $bundled.existingSecret | default $name }}
                  key: REDIS_PASSWORD
            # redis-cli in the probes reads the password from here.
            - name: REDISCLI_AUTH
              value: $(REDIS_PASSWORD)
          ports:
            - name: redis
              containerPort: 6379
          readinessProbe:
            exec:
              command: [redis-cli, ping]
            periodSeconds: 10
            timeoutSeconds: 3
          livenessProbe:
            exec:
              command: [redis-cli, ping]
            initialDelaySeconds: 20
            periodSeconds: 20
            timeoutSeconds: 3
          resources:
            {{- toYaml $bundled.resources | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: /data
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
  volumeClaimTemplates:
    - metadata:
        name: data
        labels:
          {{- include "atrium.selectorLabels" $labels | nindent 10 }}
      spec:
        accessModes: [ReadWriteOnce]
        {{- with $bundled.storage.storageClass }}
        storageClassName: {{ . | quote }}
        {{- end }}
        resources:
          requests:
            storage: {{ $bundled.storage.size }}
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
  # Redis connects nowhere.
  policyTypes: [Ingress, Egress]
  egress: []
  ingress:
    - from:
        {{- range list "instance" "worker" }}
        - podSelector:
            matchLabels:
              {{- include "atrium.selectorLabels" (dict "root" $root "component" . "instance" $inst.name) | nindent 14 }}
        {{- end }}
      ports:
        - port: 6379
          protocol: TCP
{{- end }}
{{- end }}
{{- end -}}
