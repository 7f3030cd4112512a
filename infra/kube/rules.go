package kube

import "github.com/hms-enterprise/hmsci/gates"

// Rule describes one check: its stable id, what it enforces and how severe
// a violation is by default.
type Rule struct {
	ID    string
	Title string
	// Control names the Pod Security Standards control (for pss/ rules) or
	// the practice the rule enforces.
	Control string
	// Profile is "baseline" or "restricted" for Pod Security Standards
	// rules and empty for the others.
	Profile   string
	Severity  gates.Severity
	Safeguard string
}

// Pod Security Standards profiles.
const (
	ProfileBaseline   = "baseline"
	ProfileRestricted = "restricted"
)

// The controls follow the Pod Security Standards page of the Kubernetes
// documentation (kubernetes.io/docs/concepts/security/pod-security-standards,
// as published for Kubernetes v1.32). The restricted profile includes every
// baseline control.
var (
	rulePSSHostProcess = &Rule{ID: "kube/pss-host-process", Title: "Windows HostProcess container", Control: "HostProcess", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSHostNS      = &Rule{ID: "kube/pss-host-namespaces", Title: "Host namespace shared", Control: "Host Namespaces", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSPrivileged  = &Rule{ID: "kube/pss-privileged", Title: "Privileged container", Control: "Privileged Containers", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSCapsBase    = &Rule{ID: "kube/pss-capabilities-baseline", Title: "Capability outside the baseline set", Control: "Capabilities", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSHostPath    = &Rule{ID: "kube/pss-host-path", Title: "hostPath volume", Control: "HostPath Volumes", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSHostPorts   = &Rule{ID: "kube/pss-host-ports", Title: "Host port", Control: "Host Ports", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSAppArmor    = &Rule{ID: "kube/pss-apparmor", Title: "AppArmor profile overridden", Control: "AppArmor", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSSELinux     = &Rule{ID: "kube/pss-selinux", Title: "Custom SELinux options", Control: "SELinux", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSProcMount   = &Rule{ID: "kube/pss-proc-mount", Title: "Unmasked /proc mount", Control: "/proc Mount Type", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSSeccompBase = &Rule{ID: "kube/pss-seccomp-baseline", Title: "Seccomp unconfined", Control: "Seccomp", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	rulePSSSysctls     = &Rule{ID: "kube/pss-sysctls", Title: "Unsafe sysctl", Control: "Sysctls", Profile: ProfileBaseline, Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}

	rulePSSVolumeTypes   = &Rule{ID: "kube/pss-volume-types", Title: "Volume type outside the restricted set", Control: "Volume Types", Profile: ProfileRestricted, Severity: gates.SeverityMedium, Safeguard: SafeguardAccessControl}
	rulePSSPrivEsc       = &Rule{ID: "kube/pss-privilege-escalation", Title: "Privilege escalation allowed", Control: "Privilege Escalation", Profile: ProfileRestricted, Severity: gates.SeverityMedium, Safeguard: SafeguardAccessControl}
	rulePSSRunAsNonRoot  = &Rule{ID: "kube/pss-run-as-non-root", Title: "Container may run as root", Control: "Running as Non-root", Profile: ProfileRestricted, Severity: gates.SeverityMedium, Safeguard: SafeguardAccessControl}
	rulePSSRunAsUser     = &Rule{ID: "kube/pss-run-as-user", Title: "Container runs as user 0", Control: "Running as Non-root user", Profile: ProfileRestricted, Severity: gates.SeverityMedium, Safeguard: SafeguardAccessControl}
	rulePSSSeccompRestr  = &Rule{ID: "kube/pss-seccomp-restricted", Title: "Seccomp profile not set", Control: "Seccomp", Profile: ProfileRestricted, Severity: gates.SeverityMedium, Safeguard: SafeguardAccessControl}
	rulePSSCapsRestrictd = &Rule{ID: "kube/pss-capabilities-restricted", Title: "Capabilities not dropped", Control: "Capabilities", Profile: ProfileRestricted, Severity: gates.SeverityMedium, Safeguard: SafeguardAccessControl}

	ruleNetpolIngress = &Rule{ID: "kube/networkpolicy-default-deny-ingress", Title: "No default-deny ingress NetworkPolicy", Control: "Default-deny network policy", Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	ruleNetpolEgress  = &Rule{ID: "kube/networkpolicy-default-deny-egress", Title: "No default-deny egress NetworkPolicy", Control: "Default-deny network policy", Severity: gates.SeverityMedium, Safeguard: SafeguardTransmission}

	ruleRBACWildcard   = &Rule{ID: "kube/rbac-wildcard", Title: "RBAC rule with a wildcard", Control: "Least-privilege RBAC", Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	ruleRBACEscalation = &Rule{ID: "kube/rbac-escalation-verbs", Title: "RBAC rule grants escalate, bind or impersonate", Control: "Least-privilege RBAC", Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	ruleRBACSecrets    = &Rule{ID: "kube/rbac-secrets-cluster-read", Title: "ClusterRole reads Secrets", Control: "Least-privilege RBAC", Severity: gates.SeverityHigh, Safeguard: SafeguardAccessControl}
	ruleRBACClusterAdm = &Rule{ID: "kube/rbac-cluster-admin-binding", Title: "cluster-admin bound to a workload identity", Control: "Least-privilege RBAC", Severity: gates.SeverityCritical, Safeguard: SafeguardAccessControl}
	ruleAutomountToken = &Rule{ID: "kube/automount-service-account-token", Title: "Service account token mounted without need", Control: "Least-privilege RBAC", Severity: gates.SeverityLow, Safeguard: SafeguardAccessControl}
	ruleResources      = &Rule{ID: "kube/resources-missing", Title: "Resource requests or limits missing", Control: "Resource requests and limits", Severity: gates.SeverityMedium, Safeguard: SafeguardContingency}
	ruleProbes         = &Rule{ID: "kube/probes-missing", Title: "Liveness or readiness probe missing", Control: "Health probes", Severity: gates.SeverityMedium, Safeguard: SafeguardContingency}
	ruleImageNotPinned = &Rule{ID: "kube/image-not-pinned", Title: "Image not pinned by digest", Control: "Image pinned by digest", Severity: gates.SeverityMedium, Safeguard: SafeguardIntegrity}
	ruleImageLatest    = &Rule{ID: "kube/image-latest-tag", Title: "Image uses the latest tag", Control: "Image pinned by digest", Severity: gates.SeverityHigh, Safeguard: SafeguardIntegrity}
)

var allRules = []*Rule{
	rulePSSHostProcess, rulePSSHostNS, rulePSSPrivileged, rulePSSCapsBase, rulePSSHostPath,
	rulePSSHostPorts, rulePSSAppArmor, rulePSSSELinux, rulePSSProcMount, rulePSSSeccompBase,
	rulePSSSysctls, rulePSSVolumeTypes, rulePSSPrivEsc, rulePSSRunAsNonRoot, rulePSSRunAsUser,
	rulePSSSeccompRestr, rulePSSCapsRestrictd, ruleNetpolIngress, ruleNetpolEgress,
	ruleRBACWildcard, ruleRBACEscalation, ruleRBACSecrets, ruleRBACClusterAdm, ruleAutomountToken,
	ruleResources, ruleProbes, ruleImageNotPinned, ruleImageLatest,
}

var ruleByID = func() map[string]*Rule {
	m := make(map[string]*Rule, len(allRules))
	for _, r := range allRules {
		m[r.ID] = r
	}
	return m
}()

// Rules returns every rule in a stable order, for documentation and SARIF
// rule metadata. The returned values are copies.
func Rules() []Rule {
	out := make([]Rule, len(allRules))
	for i, r := range allRules {
		out[i] = *r
	}
	return out
}
