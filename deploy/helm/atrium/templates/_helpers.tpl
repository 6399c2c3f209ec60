{{/* Names, labels and the checks every template relies on. */}}

{{- define "atrium.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-atrium, or the release name when it already says atrium; short enough for suffixes. */}}
{{- define "atrium.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 30 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 30 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 30 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "atrium.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: ctx = dict "root" $ "component" "portal" ["instance" "family"]. */}}
{{- define "atrium.selectorLabels" -}}
app.kubernetes.io/name: {{ include "atrium.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- if .instance }}
atrium.io/instance: {{ .instance }}
{{- end }}
{{- end -}}

{{- define "atrium.labels" -}}
{{ include "atrium.selectorLabels" . }}
helm.sh/chart: {{ include "atrium.chart" .root }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: atrium
{{- end -}}

{{- define "atrium.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "atrium.url" -}}
{{- printf "%s://%s" .root.Values.scheme .host -}}
{{- end -}}

{{/*
The instances with instanceDefaults merged in, as a YAML list (include … | fromYamlArray).
Fails with a message naming the instance when one has no host, two share a name or a host, or a
name would collide with another generated resource.
*/}}
{{- define "atrium.instances" -}}
{{- $root := . -}}
{{- $names := dict -}}
{{- $hosts := dict $root.Values.portal.host "the portal" -}}
{{- $out := list -}}
{{- range $i, $raw := $root.Values.instances -}}
{{- $name := $raw.name | default "" | toString -}}
{{- if not $name -}}
{{- fail (printf "instances[%d]: name is required (lowercase letters, digits and dashes)" $i) -}}
{{- end -}}
{{- if not (regexMatch "^[a-z][a-z0-9-]{0,23}$" $name) -}}
{{- fail (printf "instances[%d] (%s): name must be 1-24 lowercase letters, digits and dashes, starting with a letter" $i $name) -}}
{{- end -}}
{{- if or (eq $name "portal") (hasPrefix "portal-" $name) -}}
{{- fail (printf "instances[%d] (%s): the name portal and names starting with portal- belong to the portal" $i $name) -}}
{{- end -}}
{{- /* Suffixes the chart gives an instance's own resources: no instance name may end in one. */ -}}
{{- range $suffix := list "worker" "postgres" "redis" "node" "db" "originals" "cache" "migrate" "tls" -}}
{{- if hasSuffix (printf "-%s" $suffix) $name -}}
{{- fail (printf "instances[%d] (%s): a name may not end in -%s, which the chart uses for the instance's own resources" $i $name $suffix) -}}
{{- end -}}
{{- end -}}
{{- $longest := printf "%s-%s-postgres" (include "atrium.fullname" $root) $name -}}
{{- if gt (len $longest) 52 -}}
{{- fail (printf "instances[%d] (%s): the name is too long for this release: %s has %d characters, at most 52 fit a StatefulSet; shorten the name or fullnameOverride" $i $name $longest (len $longest)) -}}
{{- end -}}
{{- if hasKey $names $name -}}
{{- fail (printf "instances[%d] (%s): two instances are named %s (instances[%d] too); each instance needs its own name" $i $name $name (get $names $name)) -}}
{{- end -}}
{{- $_ := set $names $name $i -}}
{{- $host := $raw.host | default "" | toString -}}
{{- if not $host -}}
{{- fail (printf "instances[%d] (%s): host is required; each instance is served on its own host name" $i $name) -}}
{{- end -}}
{{- if hasKey $hosts $host -}}
{{- fail (printf "instances[%d] (%s): host %s is already used by %s; instances never share an origin" $i $name $host (get $hosts $host)) -}}
{{- end -}}
{{- $_ := set $hosts $host (printf "instance %s" $name) -}}
{{- $merged := include "atrium.merge" (dict "base" $root.Values.instanceDefaults "over" $raw) | fromYaml -}}
{{- range $volume := list "originals" "cache" -}}
{{- $v := get $merged $volume -}}
{{- if and (eq $v.type "existingClaim") (not $v.existingClaim) -}}
{{- fail (printf "instances[%d] (%s): %s.existingClaim is required when %s.type is existingClaim" $i $name $volume $volume) -}}
{{- end -}}
{{- if and (eq $v.type "hostPath") (not $v.hostPath) -}}
{{- fail (printf "instances[%d] (%s): %s.hostPath is required when %s.type is hostPath" $i $name $volume $volume) -}}
{{- end -}}
{{- end -}}
{{- include "atrium.checkDatabase" (dict "where" (printf "instances[%d] (%s).database" $i $name) "db" $merged.database) -}}
{{- if and (eq $merged.redis.type "external") (not $merged.redis.external.existingSecret) -}}
{{- fail (printf "instances[%d] (%s): redis.external.existingSecret is required when redis.type is external (a Secret holding REDIS_URL)" $i $name) -}}
{{- end -}}
{{- $out = append $out $merged -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
`over` laid onto `base`, maps merged key by key, everything else (lists, false, 0, "") taken from
`over` as written: Sprig's merge functions would let a default `true` or `1` win over an explicit
`false` or `0`. ctx = dict "base" MAP "over" MAP; prints YAML.
*/}}
{{- define "atrium.merge" -}}
{{- $out := deepCopy .base -}}
{{- range $key, $value := .over -}}
{{- if and (kindIs "map" $value) (kindIs "map" (get $out $key)) -}}
{{- $_ := set $out $key (include "atrium.merge" (dict "base" (get $out $key) "over" $value) | fromYaml) -}}
{{- else -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- define "atrium.checkDatabase" -}}
{{- if and (eq .db.type "external") (not .db.external.existingSecret) -}}
{{- fail (printf "%s.external.existingSecret is required when type is external (a Secret holding DATABASE_URL)" .where) -}}
{{- end -}}
{{- if and (eq .db.type "cloudnativepg") .db.cloudnativepg.backup.enabled (not .db.cloudnativepg.backup.barmanObjectStore) -}}
{{- fail (printf "%s.cloudnativepg.backup.barmanObjectStore is required when backups are enabled (destinationPath and credentials)" .where) -}}
{{- end -}}
{{- end -}}

{{/*
A Secret value kept across upgrades: the one already in the cluster when there is one, else a new
one. ctx = dict "root" $ "name" SECRET "key" KEY "new" VALUE; prints base64.
*/}}
{{- define "atrium.keptSecretValue" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .name -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- .new | b64enc -}}
{{- end -}}
{{- end -}}

{{/* The environment variable names under which the portal reads one instance's credentials. */}}
{{- define "atrium.nodeEnvPrefix" -}}
{{- printf "NODE_%s" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/* The node-credential Secret of an instance: the user's, or the chart's. ctx = dict "root" $ "inst" INSTANCE */}}
{{- define "atrium.nodeSecretName" -}}
{{- .inst.nodeCredentials.existingSecret | default (printf "%s-%s-node" (include "atrium.fullname" .root) .inst.name) -}}
{{- end -}}

{{/*
Pod-level settings shared by Atrium pods. ctx = dict "root" $ "spec" (portal or instance values)
*/}}
{{- define "atrium.podCommon" -}}
{{- with .root.Values.image.pullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
automountServiceAccountToken: false
securityContext:
  {{- toYaml .root.Values.podSecurityContext | nindent 2 }}
{{- with .spec.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .spec.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .spec.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Environment shared by every Atrium container. */}}
{{- define "atrium.commonEnv" -}}
- name: LOG_FORMAT
  value: {{ .Values.logging.format | quote }}
- name: LOG_LEVEL
  value: {{ .Values.logging.level | quote }}
- name: HOST
  value: "0.0.0.0"
{{- with .Values.metrics.token.existingSecret }}
- name: METRICS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ . }}
      key: {{ $.Values.metrics.token.key }}
{{- end }}
{{- end -}}

{{/* Environment of a web service: ports, public URL, proxies. ctx = dict "root" $ "host" HOST */}}
{{- define "atrium.webEnv" -}}
{{ include "atrium.commonEnv" .root }}
- name: PORT
  value: "8080"
- name: METRICS_PORT
  value: {{ .root.Values.metrics.port | quote }}
- name: PUBLIC_URL
  value: {{ include "atrium.url" (dict "root" .root "host" .host) | quote }}
{{- with .root.Values.trustedProxies }}
- name: TRUSTED_PROXIES
  value: {{ join "," . | quote }}
{{- end }}
{{- end -}}

{{/*
DATABASE_URL for a service. ctx = dict "root" $ "db" DATABASE_VALUES "base" NAME_PREFIX
(<fullname>-portal or <fullname>-<instance>).
*/}}
{{- define "atrium.databaseEnv" -}}
{{- if eq .db.type "bundled" }}
- name: DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .db.bundled.existingSecret | default (printf "%s-postgres" .base) }}
      key: POSTGRES_PASSWORD
- name: DATABASE_URL
  value: {{ printf "postgres://atrium:$(DATABASE_PASSWORD)@%s-postgres:5432/atrium" .base | quote }}
{{- else if eq .db.type "cloudnativepg" }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ printf "%s-db-app" .base }}
      key: uri
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .db.external.existingSecret }}
      key: {{ .db.external.key }}
{{- end }}
{{- end -}}

{{/* REDIS_URL for an instance's pods and its workers. ctx = dict "root" $ "inst" INSTANCE */}}
{{- define "atrium.redisEnv" -}}
{{- $base := printf "%s-%s" (include "atrium.fullname" .root) .inst.name -}}
{{- if eq .inst.redis.type "bundled" }}
- name: REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .inst.redis.bundled.existingSecret | default (printf "%s-redis" $base) }}
      key: REDIS_PASSWORD
- name: REDIS_URL
  value: {{ printf "redis://:$(REDIS_PASSWORD)@%s-redis:6379" $base | quote }}
{{- else }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .inst.redis.external.existingSecret }}
      key: {{ .inst.redis.external.key }}
{{- end }}
{{- end -}}

{{/* Probes of a web container on its HTTP port. */}}
{{- define "atrium.webProbes" -}}
startupProbe:
  httpGet: { path: /healthz, port: http }
  periodSeconds: 5
  failureThreshold: 60
readinessProbe:
  httpGet: { path: /readyz, port: http }
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
livenessProbe:
  httpGet: { path: /healthz, port: http }
  periodSeconds: 20
  timeoutSeconds: 3
  failureThreshold: 3
{{- end -}}

{{/* Ingress TLS and cert-manager annotations. ctx = dict "root" $ "spec" (portal or instance values) */}}
{{- define "atrium.ingressAnnotations" -}}
{{- $annotations := merge (deepCopy (.spec.ingress.annotations | default dict)) (deepCopy (.root.Values.ingress.annotations | default dict)) -}}
{{- with .root.Values.ingress.tls.certManager -}}
{{- if .clusterIssuer -}}
{{- $_ := set $annotations "cert-manager.io/cluster-issuer" .clusterIssuer -}}
{{- else if .issuer -}}
{{- $_ := set $annotations "cert-manager.io/issuer" .issuer -}}
{{- end -}}
{{- end -}}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Who may scrape a metrics port, as one NetworkPolicy ingress rule. */}}
{{- define "atrium.metricsIngressRule" -}}
- from:
    - namespaceSelector:
        {{- toYaml .Values.networkPolicy.metricsScraper.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .Values.networkPolicy.metricsScraper.podSelector | nindent 8 }}
  ports:
    - port: metrics
      protocol: TCP
{{- end -}}

{{/*
The portal's own settings: its key, its database, and every instance's node credentials, from
each instance's node Secret, as ATRIUM_NODES (Kubernetes expands $(VAR) from the variables above).
*/}}
{{- define "atrium.portalEnv" -}}
{{- $root := . -}}
{{- $portal := .Values.portal -}}
{{- $instances := include "atrium.instances" . | fromYamlArray -}}
- name: ATRIUM_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secretKey.existingSecret | default (printf "%s-portal" (include "atrium.fullname" .)) }}
      key: ATRIUM_SECRET_KEY
- name: ATRIUM_SELF_REGISTRATION
  value: {{ $portal.selfRegistration | quote }}
- name: ATRIUM_DEFAULT_ROLE
  value: {{ $portal.defaultRole | quote }}
{{- with $portal.disableFeatures }}
- name: ATRIUM_DISABLE_FEATURES
  value: {{ join "," . | quote }}
{{- end }}
- name: SESSION_MAX_AGE
  value: {{ $portal.sessionMaxAge | quote }}
- name: SESSION_IDLE
  value: {{ $portal.sessionIdle | quote }}
{{- include "atrium.databaseEnv" (dict "root" . "db" $portal.database "base" (printf "%s-portal" (include "atrium.fullname" .))) }}
{{- $nodes := list }}
{{- range $instances }}
{{- $prefix := include "atrium.nodeEnvPrefix" .name }}
- name: {{ $prefix }}_CLIENT_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "atrium.nodeSecretName" (dict "root" $root "inst" .) }}
      key: NODE_CLIENT_ID
- name: {{ $prefix }}_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "atrium.nodeSecretName" (dict "root" $root "inst" .) }}
      key: NODE_CLIENT_SECRET
{{- $nodes = append $nodes (dict "name" .name "url" (include "atrium.url" (dict "root" $root "host" .host)) "clientId" (printf "$(%s_CLIENT_ID)" $prefix) "clientSecret" (printf "$(%s_CLIENT_SECRET)" $prefix)) }}
{{- end }}
- name: ATRIUM_NODES
  value: {{ toJson $nodes | quote }}
{{- with $portal.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
An Ingress for one host, routing only the HTTP port.
ctx = dict "root" $ "name" NAME "host" HOST "spec" (portal or instance values) "labels" LABEL_CTX
*/}}
{{- define "atrium.ingress" -}}
{{- if .root.Values.ingress.enabled }}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .name }}
  labels:
    {{- include "atrium.labels" .labels | nindent 4 }}
  {{- include "atrium.ingressAnnotations" . | nindent 2 }}
spec:
  {{- with .root.Values.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- if .root.Values.ingress.tls.enabled }}
  tls:
    - hosts: [{{ .host | quote }}]
      secretName: {{ .spec.ingress.tls.secretName | default (printf "%s-tls" .name) }}
  {{- end }}
  rules:
    - host: {{ .host | quote }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {{ .name }}
                port:
                  name: http
{{- end }}
{{- end -}}

{{/* The DNS egress rule every egress policy starts with. */}}
{{- define "atrium.dnsEgressRule" -}}
- to:
    - namespaceSelector:
        {{- toYaml .Values.networkPolicy.dns.namespaceSelector | nindent 8 }}
      podSelector:
        {{- toYaml .Values.networkPolicy.dns.podSelector | nindent 8 }}
  ports:
    - { port: 53, protocol: UDP }
    - { port: 53, protocol: TCP }
{{- end -}}

{{/*
Egress of a web pod when networkPolicy.egress.webPods is on: DNS, the given peers, the portal's
web pods, the ingress controller (public URLs that resolve inside the cluster) and extraTo.
ctx = dict "root" $ "to" LIST_OF_RULES
*/}}
{{- define "atrium.webEgress" -}}
{{- $np := .root.Values.networkPolicy -}}
{{- if $np.egress.webPods }}
  egress:
    {{- include "atrium.dnsEgressRule" .root | nindent 4 }}
    {{- with .to }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    - to:
        - podSelector:
            matchLabels:
              {{- include "atrium.selectorLabels" (dict "root" .root "component" "portal") | nindent 14 }}
        - namespaceSelector:
            {{- toYaml $np.ingressController.namespaceSelector | nindent 12 }}
          podSelector:
            {{- toYaml $np.ingressController.podSelector | nindent 12 }}
    {{- with $np.egress.extraTo }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end }}
{{- end -}}
