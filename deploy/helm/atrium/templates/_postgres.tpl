{{/*
One service's own database (the portal's, or one instance's): a bundled Postgres StatefulSet, a
CloudNativePG Cluster, or nothing (external). Its NetworkPolicy admits only the client pods named.
ctx = dict "root" $ "base" NAME_PREFIX "db" DATABASE_VALUES "instance" INSTANCE_NAME_OR_EMPTY
          "clients" LIST_OF_CLIENT_COMPONENTS
*/}}
{{- define "atrium.database" -}}
{{- $root := .root -}}
{{- $labels := dict "root" $root "component" (ternary "postgres" "portal-postgres" (ne .instance "")) "instance" .instance -}}
{{- if eq .db.type "bundled" }}
{{- $bundled := .db.bundled }}
{{- $name := printf "%s-postgres" .base }}
{{- if not $bundled.existingSecret }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ $name }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
  annotations:
    # The database keeps the password it was created with: never delete or regenerate it.
    helm.sh/resource-policy: keep
type: Opaque
data:
  POSTGRES_PASSWORD: {{ include "atrium.keptSecretValue" (dict "root" $root "name" $name "key" "POSTGRES_PASSWORD" "new" (randAlphaNum 40)) }}
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
    - name: postgres
      port: 5432
      targetPort: postgres
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
      # The official image's postgres user.
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
        runAsGroup: 999
        fsGroup: 999
        fsGroupChangePolicy: OnRootMismatch
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: postgres
          image: {{ printf "%s:%s" $root.Values.bundledImages.postgres.repository $root.Values.bundledImages.postgres.tag | quote }}
          imagePullPolicy: {{ $root.Values.bundledImages.postgres.pullPolicy }}
          securityContext:
            {{- toYaml $root.Values.containerSecurityContext | nindent 12 }}
          env:
            - name: POSTGRES_USER
              value: atrium
            - name: POSTGRES_DB
              value: atrium
            - name: POSTGRES_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ $bundled.existingSecret | default $name }}
                  key: POSTGRES_PASSWORD
            # A folder below the mount point, so the volume's lost+found does not stop initdb.
            - name: PGDATA
              value: /var/lib/postgresql/data/pgdata
          ports:
            - name: postgres
              containerPort: 5432
          readinessProbe:
            exec:
              command: [pg_isready, -h, 127.0.0.1, -U, atrium, -d, atrium]
            periodSeconds: 10
            timeoutSeconds: 5
          livenessProbe:
            exec:
              command: [pg_isready, -h, 127.0.0.1, -U, atrium, -d, atrium]
            initialDelaySeconds: 30
            periodSeconds: 20
            timeoutSeconds: 5
          resources:
            {{- toYaml $bundled.resources | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
            - name: run
              mountPath: /var/run/postgresql
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: run
          emptyDir: {}
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
{{- else if eq .db.type "cloudnativepg" }}
{{- $cnpg := .db.cloudnativepg }}
{{- $name := printf "%s-db" .base }}
---
# A CloudNativePG Cluster (the operator must be installed). It creates the Secret <name>-app whose
# `uri` the services read as DATABASE_URL.
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: {{ $name }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
spec:
  instances: {{ $cnpg.instances }}
  {{- with $cnpg.imageName }}
  imageName: {{ . | quote }}
  {{- end }}
  inheritedMetadata:
    labels:
      {{- include "atrium.selectorLabels" $labels | nindent 6 }}
  bootstrap:
    initdb:
      database: atrium
      owner: atrium
  storage:
    size: {{ $cnpg.storage.size }}
    {{- with $cnpg.storage.storageClass }}
    storageClass: {{ . | quote }}
    {{- end }}
  {{- with $cnpg.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if $cnpg.backup.enabled }}
  backup:
    retentionPolicy: {{ $cnpg.backup.retentionPolicy | quote }}
    barmanObjectStore:
      {{- toYaml $cnpg.backup.barmanObjectStore | nindent 6 }}
  {{- end }}
{{- if $cnpg.backup.enabled }}
---
apiVersion: postgresql.cnpg.io/v1
kind: ScheduledBackup
metadata:
  name: {{ $name }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
spec:
  schedule: {{ $cnpg.backup.schedule | quote }}
  backupOwnerReference: self
  cluster:
    name: {{ $name }}
{{- end }}
{{- end }}
{{- if and $root.Values.networkPolicy.enabled (ne .db.type "external") }}
---
# The database accepts connections only from its own service's pods.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ printf "%s-%s" .base (ternary "postgres" "db" (eq .db.type "bundled")) }}
  labels:
    {{- include "atrium.labels" $labels | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- if eq .db.type "bundled" }}
      {{- include "atrium.selectorLabels" $labels | nindent 6 }}
      {{- else }}
      cnpg.io/cluster: {{ printf "%s-db" .base }}
      {{- end }}
  {{- if eq .db.type "bundled" }}
  # The bundled Postgres connects nowhere.
  policyTypes: [Ingress, Egress]
  egress: []
  {{- else }}
  policyTypes: [Ingress]
  {{- end }}
  ingress:
    - from:
        {{- range .clients }}
        - podSelector:
            matchLabels:
              {{- include "atrium.selectorLabels" (dict "root" $root "component" . "instance" $.instance) | nindent 14 }}
        {{- end }}
      ports:
        - port: 5432
          protocol: TCP
    {{- if eq .db.type "cloudnativepg" }}
    # Replication between the cluster's own pods, and the operator's status checks.
    - from:
        - podSelector:
            matchLabels:
              cnpg.io/cluster: {{ printf "%s-db" .base }}
      ports:
        - port: 5432
          protocol: TCP
        - port: 8000
          protocol: TCP
    - from:
        - namespaceSelector:
            {{- toYaml $root.Values.networkPolicy.cloudnativepgOperator.namespaceSelector | nindent 12 }}
          podSelector:
            {{- toYaml $root.Values.networkPolicy.cloudnativepgOperator.podSelector | nindent 12 }}
      ports:
        - port: 5432
          protocol: TCP
        - port: 8000
          protocol: TCP
    {{- end }}
{{- end }}
{{- end -}}


{{/*
The egress rule from a service's web pods to its own database (none for an external one: add it to
networkPolicy.egress.extraTo). ctx = dict "root" $ "base" NAME_PREFIX "db" VALUES "instance" NAME
*/}}
{{- define "atrium.databaseEgressRule" -}}
{{- if ne .db.type "external" }}
- to:
    - podSelector:
        matchLabels:
          {{- if eq .db.type "bundled" }}
          {{- include "atrium.selectorLabels" (dict "root" .root "component" (ternary "postgres" "portal-postgres" (ne .instance "")) "instance" .instance) | nindent 10 }}
          {{- else }}
          cnpg.io/cluster: {{ printf "%s-db" .base }}
          {{- end }}
  ports:
    - { port: 5432, protocol: TCP }
{{- end }}
{{- end -}}
