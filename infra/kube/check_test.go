package kube

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

// location is one expected finding: rule at path:line.
type location struct {
	Rule string
	Path string
	Line int
}

func (l location) String() string { return fmt.Sprintf("%s:%d %s", l.Path, l.Line, l.Rule) }

func locations(findings []gates.Finding) []string {
	out := make([]string, 0, len(findings))
	for _, f := range findings {
		out = append(out, location{Rule: f.RuleID, Path: f.Path, Line: f.Line}.String())
	}
	sort.Strings(out)
	return out
}

// wantedLocations reads "# want: RULE..." comments from a manifest file.
func wantedLocations(t *testing.T, file, rel string) []string {
	t.Helper()
	fh, err := os.Open(file)
	require.NoError(t, err)
	defer fh.Close()
	var out []string
	scanner := bufio.NewScanner(fh)
	for line := 1; scanner.Scan(); line++ {
		_, after, ok := strings.Cut(scanner.Text(), "# want: ")
		if !ok {
			continue
		}
		for _, rule := range strings.Fields(after) {
			out = append(out, location{Rule: rule, Path: rel, Line: line}.String())
		}
	}
	require.NoError(t, scanner.Err())
	sort.Strings(out)
	return out
}

func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dst, 0o755))
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644))
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

func TestCheckCleanManifests(t *testing.T) {
	report, err := Check(context.Background(), "testdata", []string{"clean"}, Options{})
	require.NoError(t, err)

	assert.Empty(t, locations(report.Findings))
	assert.Equal(t, 4, report.Files)
	// Namespace, ServiceAccount, Deployment, Service, two NetworkPolicies,
	// Role, RoleBinding and the CronJob inside the List.
	assert.Equal(t, 9, report.Objects)
	require.Len(t, report.Skipped, 1)
	assert.Equal(t, "clean/values.yaml", report.Skipped[0].Path)
	assert.Contains(t, report.Skipped[0].Reason, "no apiVersion or kind")
}

func TestCheckPlantedFaults(t *testing.T) {
	faults, err := os.ReadDir("testdata/faults")
	require.NoError(t, err)
	require.NotEmpty(t, faults)

	for _, fault := range faults {
		t.Run(fault.Name(), func(t *testing.T) {
			root := t.TempDir()
			copyDir(t, "testdata/clean", filepath.Join(root, "deploy"))
			data, err := os.ReadFile(filepath.Join("testdata/faults", fault.Name()))
			require.NoError(t, err)
			writeFile(t, root, "deploy/"+fault.Name(), string(data))

			report, err := Check(context.Background(), root, []string{"deploy"}, Options{})
			require.NoError(t, err)

			want := wantedLocations(t, filepath.Join(root, "deploy", fault.Name()), "deploy/"+fault.Name())
			require.NotEmpty(t, want, "fault file has no want comment")
			assert.Equal(t, want, locations(report.Findings))
			for _, f := range report.Findings {
				assert.Equal(t, Tool, f.Tool)
				assert.NotEmpty(t, f.Properties["control"], f.RuleID)
				assert.NotEmpty(t, f.Properties["hipaaSafeguard"], f.RuleID)
				assert.NotEmpty(t, f.Fingerprint, f.RuleID)
			}
		})
	}
}

// podYAML builds a Pod that passes the restricted profile unless the
// arguments change it. podSC and ctrSC are flow mappings; podExtra and
// ctrExtra are extra lines of the pod spec and of the container.
func podYAML(podSC, podExtra, ctrSC, ctrExtra string) string {
	if podSC == "" {
		podSC = "{runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}"
	}
	if ctrSC == "" {
		ctrSC = "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"
	}
	indent := func(text, prefix string) string {
		if text == "" {
			return ""
		}
		return prefix + strings.ReplaceAll(text, "\n", "\n"+prefix) + "\n"
	}
	return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: hms\nspec:\n" +
		"  automountServiceAccountToken: false\n" +
		"  securityContext: " + podSC + "\n" +
		indent(podExtra, "  ") +
		"  containers:\n" +
		"    - name: app\n" +
		"      image: registry.example.org/app:1@sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\n" +
		"      securityContext: " + ctrSC + "\n" +
		"      resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {cpu: 1m, memory: 1Mi}}\n" +
		"      livenessProbe: {exec: {command: [\"true\"]}}\n" +
		"      readinessProbe: {exec: {command: [\"true\"]}}\n" +
		indent(ctrExtra, "      ")
}

func TestPodSecurityControls(t *testing.T) {
	tests := []struct {
		name     string
		podSC    string
		podExtra string
		ctrSC    string
		ctrExtra string
		want     []string
	}{
		{name: "compliant pod"},
		{name: "host process", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, windowsOptions: {hostProcess: true}}", want: []string{"kube/pss-host-process"}},
		{name: "host network", podExtra: "hostNetwork: true", want: []string{"kube/pss-host-namespaces"}},
		{name: "host pid and ipc", podExtra: "hostPID: true\nhostIPC: true", want: []string{"kube/pss-host-namespaces", "kube/pss-host-namespaces"}},
		{name: "host network false", podExtra: "hostNetwork: false"},
		{name: "privileged", ctrSC: "{privileged: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}", want: []string{"kube/pss-privileged"}},
		{name: "baseline capability add", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [CHOWN]}}", want: []string{"kube/pss-capabilities-restricted"}},
		{name: "net bind service add", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}"},
		{name: "sys admin add", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: [SYS_ADMIN]}}", want: []string{"kube/pss-capabilities-baseline"}},
		{name: "drop without all", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [NET_RAW]}}", want: []string{"kube/pss-capabilities-restricted"}},
		{name: "host path", podExtra: "volumes: [{name: h, hostPath: {path: /etc}}]", want: []string{"kube/pss-host-path"}},
		{name: "host port", ctrExtra: "ports: [{containerPort: 80, hostPort: 80}]", want: []string{"kube/pss-host-ports"}},
		{name: "host port zero", ctrExtra: "ports: [{containerPort: 80, hostPort: 0}]"},
		{name: "apparmor unconfined field", podSC: "{runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, appArmorProfile: {type: Unconfined}}", want: []string{"kube/pss-apparmor"}},
		{name: "apparmor localhost", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, appArmorProfile: {type: Localhost, localhostProfile: k8s-app}}"},
		{name: "selinux custom type", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seLinuxOptions: {type: spc_t}}", want: []string{"kube/pss-selinux"}},
		{name: "selinux user", podSC: "{runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, seLinuxOptions: {user: system_u, level: \"s0:c1\"}}", want: []string{"kube/pss-selinux"}},
		{name: "selinux container type", podSC: "{runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, seLinuxOptions: {type: container_t}}"},
		{name: "proc mount unmasked", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, procMount: Unmasked}", want: []string{"kube/pss-proc-mount"}},
		{name: "seccomp unconfined pod", podSC: "{runAsNonRoot: true, seccompProfile: {type: Unconfined}}", want: []string{"kube/pss-seccomp-baseline", "kube/pss-seccomp-restricted"}},
		{name: "seccomp unconfined container", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Unconfined}}", want: []string{"kube/pss-seccomp-baseline"}},
		{name: "seccomp missing", podSC: "{runAsNonRoot: true}", want: []string{"kube/pss-seccomp-restricted"}},
		{name: "seccomp on container only", podSC: "{runAsNonRoot: true}", ctrSC: "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, seccompProfile: {type: Localhost, localhostProfile: p.json}}"},
		{name: "unsafe sysctl", podSC: "{runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, sysctls: [{name: kernel.msgmax, value: \"65536\"}]}", want: []string{"kube/pss-sysctls"}},
		{name: "safe sysctl", podSC: "{runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}, sysctls: [{name: net.ipv4.tcp_keepalive_time, value: \"60\"}]}"},
		{name: "nfs volume", podExtra: "volumes: [{name: n, nfs: {server: nfs.local, path: /x}}]", want: []string{"kube/pss-volume-types"}},
		{name: "allowed volumes", podExtra: "volumes: [{name: a, emptyDir: {}}, {name: b, secret: {secretName: s}}, {name: c, projected: {sources: []}}]"},
		{name: "privilege escalation unset", ctrSC: "{capabilities: {drop: [ALL]}}", want: []string{"kube/pss-privilege-escalation"}},
		{name: "privilege escalation true", ctrSC: "{allowPrivilegeEscalation: true, capabilities: {drop: [ALL]}}", want: []string{"kube/pss-privilege-escalation"}},
		{name: "run as non root missing", podSC: "{seccompProfile: {type: RuntimeDefault}}", want: []string{"kube/pss-run-as-non-root"}},
		{name: "run as non root on container", podSC: "{seccompProfile: {type: RuntimeDefault}}", ctrSC: "{runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"},
		{name: "container overrides non root", ctrSC: "{runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}", want: []string{"kube/pss-run-as-non-root"}},
		{name: "run as user zero", ctrSC: "{runAsUser: 0, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}", want: []string{"kube/pss-run-as-user"}},
		{name: "pod run as user zero", podSC: "{runAsNonRoot: true, runAsUser: 0, seccompProfile: {type: RuntimeDefault}}", want: []string{"kube/pss-run-as-user"}},
		{name: "windows pod skips linux controls", podSC: "{runAsNonRoot: true}", podExtra: "os: {name: windows}", ctrSC: "{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "pod.yaml", podYAML(tt.podSC, tt.podExtra, tt.ctrSC, tt.ctrExtra))
			manifests, err := Load(root, []string{"pod.yaml"})
			require.NoError(t, err)
			require.Len(t, manifests.Objects, 1)

			findings := Evaluate(manifests.Objects, Options{DisabledRules: []string{ruleNetpolIngress.ID, ruleNetpolEgress.ID}})
			var got []string
			for _, f := range findings {
				got = append(got, f.RuleID)
				assert.Contains(t, f.Message, `Pod "p"`)
				assert.Contains(t, f.Message, fmt.Sprintf("control %q", f.Properties["control"]))
			}
			sort.Strings(got)
			want := append([]string(nil), tt.want...)
			sort.Strings(want)
			assert.Equal(t, want, got)
		})
	}
}

func TestPrivilegedFindingDetails(t *testing.T) {
	report, err := Check(context.Background(), "testdata/faults", []string{"privileged-pod.yaml"}, Options{
		ProductionPaths: []string{"**/*-pod.yaml"},
		DisabledRules:   []string{ruleNetpolIngress.ID, ruleNetpolEgress.ID},
	})
	require.NoError(t, err)
	require.Len(t, report.Findings, 1)

	f := report.Findings[0]
	assert.Equal(t, "kube/pss-privileged", f.RuleID)
	assert.Equal(t, gates.SeverityCritical, f.Severity, "production paths raise Pod Security findings to critical")
	assert.Equal(t, "privileged-pod.yaml", f.Path)
	assert.Equal(t, 16, f.Line)
	assert.Equal(t, "spec.containers[0].securityContext.privileged", f.Properties["fieldPath"])
	assert.Equal(t, `container "shell"`, f.Properties["container"])
	assert.Equal(t, "baseline", f.Properties["podSecurityProfile"])
	assert.Equal(t, "Privileged Containers", f.Properties["control"])
	assert.Equal(t, true, f.Properties["production"])
	assert.Equal(t, `Pod "debug" container "shell": spec.containers[0].securityContext.privileged is true. This breaks the Pod Security Standards baseline control "Privileged Containers".`, f.Message)
}

func TestPodSecurityOutsideProduction(t *testing.T) {
	report, err := Check(context.Background(), "testdata/faults", []string{"privileged-pod.yaml"}, Options{
		ProductionPaths: []string{"prod/**"},
		DisabledRules:   []string{ruleNetpolIngress.ID, ruleNetpolEgress.ID},
	})
	require.NoError(t, err)
	require.Len(t, report.Findings, 1)
	assert.Equal(t, gates.SeverityHigh, report.Findings[0].Severity)
	assert.NotContains(t, report.Findings[0].Properties, "production")
}

func TestWorkloadKindsExposePodTemplate(t *testing.T) {
	privileged := "securityContext: {privileged: true}"
	tests := []struct {
		kind string
		yaml string
	}{
		{"Deployment", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: [{name: c, " + privileged + "}]\n"},
		{"StatefulSet", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: [{name: c, " + privileged + "}]\n"},
		{"ReplicaSet", "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: [{name: c, " + privileged + "}]\n"},
		{"Job", "apiVersion: batch/v1\nkind: Job\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers: [{name: c, " + privileged + "}]\n"},
		{"CronJob", "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: w}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: c, " + privileged + "}]\n"},
		{"PodTemplate", "apiVersion: v1\nkind: PodTemplate\nmetadata: {name: w}\ntemplate:\n  spec:\n    initContainers: [{name: c, " + privileged + "}]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "w.yaml", tt.yaml)
			manifests, err := Load(root, []string{"w.yaml"})
			require.NoError(t, err)
			findings := Evaluate(manifests.Objects, Options{})
			var privilegedFindings []gates.Finding
			for _, f := range findings {
				if f.RuleID == "kube/pss-privileged" {
					privilegedFindings = append(privilegedFindings, f)
				}
			}
			require.Len(t, privilegedFindings, 1)
			assert.Contains(t, privilegedFindings[0].Message, tt.kind+` "w"`)
		})
	}
}

func TestLoadErrors(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a-broken.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n")
	writeFile(t, root, "b-good.yaml", podYAML("", "", "{privileged: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}", ""))

	report, err := Check(context.Background(), root, []string{"."}, Options{})
	require.Error(t, err)
	assert.ErrorIs(t, err, errInvalidYAML)
	assert.Contains(t, err.Error(), "a-broken.yaml:8: document 2: invalid YAML")
	require.NotNil(t, report)
	assert.Equal(t, 2, report.Files)
	assert.Contains(t, locations(report.Findings), "b-good.yaml:12 kube/pss-privileged", "the good file is still checked")
}

func TestLoadMissingPath(t *testing.T) {
	_, err := Load(t.TempDir(), []string{"no-such-dir"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `read manifests "no-such-dir"`)
}

func TestLoadSkipsNonObjects(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "chart/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{- include \"labels\" . | nindent 4 }}\n")
	writeFile(t, root, "kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [app.yaml]\n")
	writeFile(t, root, "scalars.yaml", "---\n- a\n- b\n---\n---\n")
	writeFile(t, root, "notes.txt", "kind: Pod\n")

	manifests, err := Load(root, []string{"."})
	require.NoError(t, err)
	assert.Empty(t, manifests.Objects)
	assert.Equal(t, 3, manifests.Files, "only .yaml, .yml and .json files are read from directories")

	reasons := map[string]string{}
	for _, s := range manifests.Skipped {
		reasons[s.Path] = s.Reason
	}
	assert.Contains(t, reasons["chart/templates/deploy.yaml"], "unrendered Helm")
	assert.Contains(t, reasons["kustomization.yaml"], "kustomize build")
	assert.Contains(t, reasons["scalars.yaml"], "not a mapping")
}

func TestNetworkPolicyDefaultDeny(t *testing.T) {
	deployment := "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: hms}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n"
	tests := []struct {
		name   string
		policy string
		want   []string
	}{
		{name: "no policy", want: []string{ruleNetpolEgress.ID, ruleNetpolIngress.ID}},
		{name: "ingress default", policy: "spec: {podSelector: {}}", want: []string{ruleNetpolEgress.ID}},
		{name: "both types", policy: "spec: {podSelector: {}, policyTypes: [Ingress, Egress]}"},
		{name: "empty match labels", policy: "spec: {podSelector: {matchLabels: {}}, policyTypes: [Ingress, Egress]}"},
		{name: "egress only", policy: "spec: {podSelector: {}, policyTypes: [Egress]}", want: []string{ruleNetpolIngress.ID}},
		{name: "selects some pods", policy: "spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Ingress, Egress]}", want: []string{ruleNetpolEgress.ID, ruleNetpolIngress.ID}},
		{name: "allows ingress", policy: "spec: {podSelector: {}, policyTypes: [Ingress, Egress], ingress: [{}]}", want: []string{ruleNetpolIngress.ID}},
		{name: "other namespace", policy: "metadata: {name: deny, namespace: other}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}", want: []string{ruleNetpolEgress.ID, ruleNetpolIngress.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "deploy.yaml", deployment)
			if tt.policy != "" {
				policy := "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
				if !strings.Contains(tt.policy, "metadata:") {
					policy += "metadata: {name: deny, namespace: hms}\n"
				}
				writeFile(t, root, "policy.yaml", policy+tt.policy+"\n")
			}
			report, err := Check(context.Background(), root, []string{"."}, Options{})
			require.NoError(t, err)
			var got []string
			for _, f := range report.Findings {
				if strings.HasPrefix(f.RuleID, "kube/networkpolicy-") {
					got = append(got, f.RuleID)
					assert.Equal(t, "deploy.yaml", f.Path)
					assert.Equal(t, 1, f.Line)
					assert.Contains(t, f.Message, `namespace "hms"`)
				}
			}
			sort.Strings(got)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestRBACChecks(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		want     []string
		severity gates.Severity
	}{
		{
			name: "escalation verbs",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: hms}\nrules:\n  - apiGroups: [rbac.authorization.k8s.io]\n    resources: [roles]\n    verbs: [escalate, bind]\n",
			want: []string{"kube/rbac-escalation-verbs:7", "kube/rbac-escalation-verbs:7"}, severity: gates.SeverityHigh,
		},
		{
			name: "impersonate",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\nrules:\n  - apiGroups: [\"\"]\n    resources: [users]\n    verbs: [impersonate]\n",
			want: []string{"kube/rbac-escalation-verbs:7"}, severity: gates.SeverityHigh,
		},
		{
			name: "wildcard resources and groups",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: hms}\nrules:\n  - apiGroups: [\"*\"]\n    resources: [\"*\"]\n    verbs: [get]\n",
			want: []string{"kube/rbac-wildcard:5", "kube/rbac-wildcard:6"}, severity: gates.SeverityHigh,
		},
		{
			name: "secrets read bound cluster wide",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: secret-reader}\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nsubjects: [{kind: ServiceAccount, name: api, namespace: hms}]\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: secret-reader}\n",
			want: []string{"kube/rbac-secrets-cluster-read:5"}, severity: gates.SeverityHigh,
		},
		{
			name: "secrets read unbound",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: secret-reader}\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [watch]\n",
			want: []string{"kube/rbac-secrets-cluster-read:5"}, severity: gates.SeverityMedium,
		},
		{
			name: "secrets read by name",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: secret-reader}\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    resourceNames: [tls]\n    verbs: [get]\n",
		},
		{
			name: "secrets read in a role",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: secret-reader, namespace: hms}\nrules:\n  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get]\n",
		},
		{
			name: "cluster admin for service account group",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: hms}\nsubjects:\n  - {kind: Group, name: \"system:serviceaccounts:hms\"}\nroleRef: {kind: ClusterRole, name: cluster-admin}\n",
			want: []string{"kube/rbac-cluster-admin-binding:5"}, severity: gates.SeverityCritical,
		},
		{
			name: "cluster admin for a person",
			yaml: "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nsubjects:\n  - {kind: User, name: alice}\nroleRef: {kind: ClusterRole, name: cluster-admin}\n",
			want: []string{"kube/rbac-cluster-admin-binding:5"}, severity: gates.SeverityMedium,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "rbac.yaml", tt.yaml)
			report, err := Check(context.Background(), root, []string{"rbac.yaml"}, Options{})
			require.NoError(t, err)
			var got []string
			for _, f := range report.Findings {
				got = append(got, fmt.Sprintf("%s:%d", f.RuleID, f.Line))
				assert.Equal(t, tt.severity, f.Severity, f.Message)
			}
			sort.Strings(got)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestServiceAccountTokenAutomount(t *testing.T) {
	pod := func(extra string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: hms}\nspec:\n" + extra + "  containers: [{name: c, image: x}]\n"
	}
	tests := []struct {
		name  string
		yaml  string
		found bool
	}{
		{name: "default account unbound", yaml: pod(""), found: true},
		{name: "pod disables token", yaml: pod("  automountServiceAccountToken: false\n")},
		{name: "account disables token", yaml: pod("  serviceAccountName: api\n") + "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: api, namespace: hms}\nautomountServiceAccountToken: false\n"},
		{name: "account is bound", yaml: pod("  serviceAccountName: api\n") + "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: hms}\nsubjects: [{kind: ServiceAccount, name: api}]\nroleRef: {kind: Role, name: r}\n"},
		{name: "binding in other namespace", yaml: pod("  serviceAccountName: api\n") + "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: other}\nsubjects: [{kind: ServiceAccount, name: api}]\nroleRef: {kind: Role, name: r}\n", found: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "pod.yaml", tt.yaml)
			report, err := Check(context.Background(), root, []string{"pod.yaml"}, Options{})
			require.NoError(t, err)
			found := false
			for _, f := range report.Findings {
				if f.RuleID == ruleAutomountToken.ID {
					found = true
					assert.Equal(t, 4, f.Line)
					assert.Equal(t, gates.SeverityLow, f.Severity)
				}
			}
			assert.Equal(t, tt.found, found)
		})
	}
}

func TestResourcesAndProbes(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "d.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: x:1@sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd\n          resources:\n            requests: {cpu: 10m}\n          readinessProbe: {exec: {command: [\"true\"]}}\n")
	report, err := Check(context.Background(), root, []string{"d.yaml"}, Options{})
	require.NoError(t, err)
	byRule := map[string]gates.Finding{}
	for _, f := range report.Findings {
		byRule[f.RuleID] = f
	}
	require.Contains(t, byRule, ruleResources.ID)
	assert.Equal(t, 10, byRule[ruleResources.ID].Line)
	assert.Contains(t, byRule[ruleResources.ID].Message, "requests.memory, limits.cpu, limits.memory")
	require.Contains(t, byRule, ruleProbes.ID)
	assert.Equal(t, 8, byRule[ruleProbes.ID].Line)
	assert.Contains(t, byRule[ruleProbes.ID].Message, "no livenessProbe")
	assert.NotContains(t, byRule, ruleImageNotPinned.ID)
}

func TestImageRef(t *testing.T) {
	tests := []struct {
		ref, name, tag, digest string
	}{
		{"nginx", "nginx", "", ""},
		{"nginx:1.25", "nginx", "1.25", ""},
		{"registry:5000/team/app", "registry:5000/team/app", "", ""},
		{"registry:5000/team/app:2", "registry:5000/team/app", "2", ""},
		{"app@sha256:abc", "app", "", "sha256:abc"},
		{"app:1@sha256:abc", "app", "1", "sha256:abc"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			name, tag, digest := imageRef(tt.ref)
			assert.Equal(t, tt.name, name)
			assert.Equal(t, tt.tag, tag)
			assert.Equal(t, tt.digest, digest)
		})
	}
}

func TestImageChecks(t *testing.T) {
	tests := []struct {
		image string
		want  string
	}{
		{"nginx", ruleImageLatest.ID},
		{"nginx:latest", ruleImageLatest.ID},
		{"registry:5000/nginx", ruleImageLatest.ID},
		{"nginx:1.25", ruleImageNotPinned.ID},
		{"nginx:1.25@sha256:abc", ruleImageNotPinned.ID},
		{"nginx@sha256:" + strings.Repeat("A", 64), ruleImageNotPinned.ID},
		{"nginx:latest@sha256:" + strings.Repeat("e", 64), ""},
	}
	for _, tt := range tests {
		t.Run(tt.image, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "pod.yaml", strings.Replace(podYAML("", "", "", ""),
				"registry.example.org/app:1@sha256:"+strings.Repeat("c", 64), tt.image, 1))
			report, err := Check(context.Background(), root, []string{"pod.yaml"}, Options{DisabledRules: []string{ruleNetpolIngress.ID, ruleNetpolEgress.ID}})
			require.NoError(t, err)
			var got []string
			for _, f := range report.Findings {
				got = append(got, f.RuleID)
				assert.Equal(t, 11, f.Line)
				assert.Contains(t, f.Message, fmt.Sprintf("%q", tt.image))
			}
			if tt.want == "" {
				assert.Empty(t, got)
			} else {
				assert.Equal(t, []string{tt.want}, got)
			}
		})
	}
}

func TestOptionsValidation(t *testing.T) {
	_, err := Check(context.Background(), "testdata", []string{"clean"}, Options{DisabledRules: []string{"kube/nope"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"kube/nope"`)

	_, err = Check(context.Background(), "testdata", []string{"clean"}, Options{ProductionPaths: []string{"prod/[a"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"prod/[a"`)
}

func TestRulesMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], "duplicate rule id %s", r.ID)
		seen[r.ID] = true
		assert.True(t, strings.HasPrefix(r.ID, "kube/"), r.ID)
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Control, r.ID)
		assert.NotEmpty(t, r.Safeguard, r.ID)
		assert.NotEqual(t, gates.SeverityNone, r.Severity, r.ID)
		if strings.HasPrefix(r.ID, "kube/pss-") {
			assert.Contains(t, []string{ProfileBaseline, ProfileRestricted}, r.Profile, r.ID)
		}
	}
}

func TestParseErrorLines(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{name: "scanner error", content: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a: b\n", want: "bad.yaml:4: document 1: invalid YAML: mapping values are not allowed"},
		// Parser errors name the line where the unfinished collection
		// began, or the end of the input.
		{name: "unclosed flow mapping", content: "apiVersion: v1\nkind: Pod\nspec: {containers: [\n", want: "bad.yaml:4: document 1: invalid YAML: did not find expected node content"},
		{name: "bad indentation in second document", content: "kind: A\n---\nkind: B\nmetadata:\n  name: x\n name: y\n", want: "bad.yaml:3: document 2: invalid YAML: did not find expected key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "bad.yaml", tt.content)
			_, err := Load(root, []string{"bad.yaml"})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

const exampleManifests = "../../examples/hms-app/deploy/k8s"

func TestExampleAppManifests(t *testing.T) {
	if _, err := os.Stat(exampleManifests); err != nil {
		t.Skipf("example app manifests not present: %v", err)
	}
	report, err := Check(context.Background(), exampleManifests, []string{"."}, Options{ProductionPaths: []string{"**"}})
	require.NoError(t, err)
	assert.Positive(t, report.Objects)
	assert.Empty(t, locations(report.Findings), "the example app is meant to pass every native check")
}

func TestExampleAppPlantedFaults(t *testing.T) {
	if _, err := os.Stat(exampleManifests); err != nil {
		t.Skipf("example app manifests not present: %v", err)
	}
	tests := []struct {
		name string
		file string
		old  string
		new  string
		// marker is text on the line the finding must point at, in
		// markerFile (default: file).
		marker     string
		markerFile string
		want       []string
	}{
		{name: "privileged pod", file: "deployment-blue.yaml", old: "privileged: false", new: "privileged: true", marker: "privileged: true", want: []string{"kube/pss-privileged"}},
		{name: "host path", file: "deployment-green.yaml", old: "emptyDir:\n            sizeLimit: 64Mi", new: "hostPath:\n            path: /var/run", marker: "hostPath:", want: []string{"kube/pss-host-path"}},
		{name: "wildcard role", file: "rbac.yaml", old: "verbs: ['get']", new: "verbs: ['*']", marker: "verbs: ['*']", want: []string{"kube/rbac-wildcard"}},
		{name: "unpinned image", file: "deployment-blue.yaml", old: "@sha256:" + strings.Repeat("0", 64), new: "", marker: "image: registry.example.org/hms/hms-app:1.0.0", want: []string{"kube/image-not-pinned"}},
		{name: "cluster admin binding", file: "rbac.yaml", marker: "  - kind: ServiceAccount # planted", want: []string{"kube/rbac-cluster-admin-binding"}},
		{name: "missing network policy", file: "networkpolicy.yaml", marker: "apiVersion: v1\nkind: Namespace", markerFile: "namespace.yaml",
			want: []string{"kube/networkpolicy-default-deny-egress", "kube/networkpolicy-default-deny-ingress"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			copyDir(t, exampleManifests, root)
			path := filepath.Join(root, tt.file)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			content := string(data)
			switch tt.name {
			case "cluster admin binding":
				content += "\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: planted\nsubjects:\n  - kind: ServiceAccount # planted\n    name: hms-app\n    namespace: hms\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cluster-admin\n"
			case "missing network policy":
				require.NoError(t, os.Remove(path))
			default:
				require.Contains(t, content, tt.old)
				content = strings.Replace(content, tt.old, tt.new, 1)
			}
			if tt.name != "missing network policy" {
				require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
			}

			report, err := Check(context.Background(), root, []string{"."}, Options{})
			require.NoError(t, err)

			markerFile := tt.file
			if tt.markerFile != "" {
				markerFile = tt.markerFile
			}
			markerData, err := os.ReadFile(filepath.Join(root, markerFile))
			require.NoError(t, err)
			before, _, found := strings.Cut(string(markerData), tt.marker)
			require.True(t, found, "marker %q not in %s", tt.marker, markerFile)
			line := strings.Count(before, "\n") + 1

			var want []string
			for _, rule := range tt.want {
				want = append(want, location{Rule: rule, Path: markerFile, Line: line}.String())
			}
			sort.Strings(want)
			assert.Equal(t, want, locations(report.Findings))
		})
	}
}

func TestInvalidJSONInDirectory(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "tsconfig.json", "{\n  // comment\n  \"compilerOptions\": {\"strict\": true,}\n}\n")

	manifests, err := Load(root, []string{"."})
	require.NoError(t, err, "a JSON file met in a directory walk is skipped, not an error")
	require.Len(t, manifests.Skipped, 1)
	assert.Contains(t, manifests.Skipped[0].Reason, "not valid JSON or YAML")

	_, err = Load(root, []string{"tsconfig.json"})
	require.Error(t, err, "a file named explicitly must parse")
	assert.Contains(t, err.Error(), "tsconfig.json")
}

func TestRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/infrastructure.md")
	require.NoError(t, err)
	for _, r := range Rules() {
		assert.Contains(t, string(doc), "`"+r.ID+"`", "docs/infrastructure.md does not list %s", r.ID)
	}
}
