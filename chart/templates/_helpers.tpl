{{/* The chart's name. */}}
{{- define "nodecache.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The node objects' name: node-local-dns's own, so an existing install's names, labels and keys are kept. */}}
{{- define "nodecache.fullname" -}}
{{- default "node-local-dns" .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The dashboard objects' name. */}}
{{- define "nodecache.dashboardName" -}}
{{- printf "%s-dashboard" (include "nodecache.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every object. */}}
{{- define "nodecache.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/part-of: {{ include "nodecache.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* The node pods' selector: exactly node-local-dns's (a DaemonSet's selector is immutable; the dashboard finds
     the nodes by it). */}}
{{- define "nodecache.selectorLabels" -}}
k8s-app: {{ include "nodecache.fullname" . }}
{{- end -}}

{{/* The dashboard pods' selector. */}}
{{- define "nodecache.dashboardSelectorLabels" -}}
app.kubernetes.io/name: {{ include "nodecache.dashboardName" . }}
app.kubernetes.io/component: dashboard
{{- end -}}

{{- define "nodecache.nodeImage" -}}
{{- printf "%s:%s" .Values.node.image.repository (default .Chart.AppVersion .Values.node.image.tag) -}}
{{- end -}}

{{- define "nodecache.dashboardImage" -}}
{{- $repo := default .Values.node.image.repository .Values.dashboard.image.repository -}}
{{- $tag := default (default .Chart.AppVersion .Values.node.image.tag) .Values.dashboard.image.tag -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}

{{/* Whether the node runs on the host network (iptables mode). */}}
{{- define "nodecache.hostNetwork" -}}
{{- if eq .Values.mode "iptables" }}true{{ end -}}
{{- end -}}

{{/* The addresses each block binds: node-local-dns's "bind LOCAL KUBE-DNS" on the host network; every address of
     the pod's own network namespace in cilium mode (the LRP delivers to the pod IP). */}}
{{- define "nodecache.bind" -}}
{{- if eq .Values.mode "iptables" -}}
{{ .Values.localIP }} {{ .Values.kubeDnsIP }}
{{- else -}}
0.0.0.0
{{- end -}}
{{- end -}}

{{/* health's address: the local IP on the host network (node-local-dns's), all addresses of the pod otherwise. */}}
{{- define "nodecache.healthHost" -}}
{{- if eq .Values.mode "iptables" }}{{ .Values.localIP }}{{ end -}}
{{- end -}}

{{/* node-cache's -localip: the addresses the node owns (iptables) or binds (cilium; stub-domain blocks bind it). */}}
{{- define "nodecache.localip" -}}
{{- if eq .Values.mode "iptables" -}}
{{ .Values.localIP }},{{ .Values.kubeDnsIP }}
{{- else -}}
0.0.0.0
{{- end -}}
{{- end -}}

{{/* terminationGracePeriodSeconds: lameduck, the node's stop watchdog (20 s past lameduck) and the supervisor's
     teardown (NODECACHE_TEARDOWN_TIMEOUT 10 s, then SIGKILL 2 s later). */}}
{{- define "nodecache.gracePeriod" -}}
{{- if .Values.node.terminationGracePeriodSeconds -}}
{{ .Values.node.terminationGracePeriodSeconds }}
{{- else -}}
{{ add (int .Values.corefile.lameduckSeconds) 20 10 2 }}
{{- end -}}
{{- end -}}

{{/* The Secret holding the dashboard's users file: the one given, or the chart's own. */}}
{{- define "nodecache.dashboardAuthSecret" -}}
{{- .Values.dashboard.auth.existingSecret | default (printf "%s-auth" (include "nodecache.dashboardName" .)) -}}
{{- end }}
