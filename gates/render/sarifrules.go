package render

import (
	"strings"

	"github.com/hms-enterprise/hmsci/compliance/fhir"
	"github.com/hms-enterprise/hmsci/compliance/phi"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/infra/kube"
	"github.com/hms-enterprise/hmsci/infra/terraform"
)

// ruleInfo is the SARIF metadata of one rule: a title for
// shortDescription, a longer description that names the gates the rule
// feeds, what to do about a result, and whether it is a security rule.
type ruleInfo struct {
	title       string
	description string
	help        string
	security    bool
}

// ruleCatalog maps the rule ids of hmsci's own analyzers to their
// metadata. Rule ids are unique across analyzers because each carries its
// analyzer's prefix (phi/, kube/, tf/, fhir/).
var ruleCatalog = buildRuleCatalog()

func buildRuleCatalog() map[string]ruleInfo {
	catalog := map[string]ruleInfo{}
	for _, r := range phi.Rules {
		catalog[r.ID] = ruleInfo{
			title:       r.Name,
			description: r.Description + " Counts toward the phi-exposure gate, and toward hipaa-critical when critical.",
			help:        "Remove the value or replace it with synthetic data, and rotate it out of the git history if it is real. Mark a synthetic fixture with an 'hmsci:allow-phi <reason>' comment or an entry in the PHI allowlist.",
			security:    true,
		}
	}
	for _, r := range kube.Rules() {
		description := r.Title + ": breaks the " + r.Control + " control"
		if r.Profile != "" {
			description += " of the Pod Security Standards " + r.Profile + " profile"
		}
		description += "."
		if r.Safeguard != "" {
			description += " HIPAA safeguard: " + r.Safeguard + "."
		}
		description += " Counts toward the kubernetes-policy and infrastructure-critical gates"
		if strings.HasPrefix(r.ID, "kube/pss-") {
			description += ", and toward pss-restricted in its paths"
		}
		catalog[r.ID] = ruleInfo{
			title:       r.Title,
			description: description + ".",
			help:        "Change the manifest so that it meets the " + r.Control + " control, then rerun 'ci infra check' on it.",
			security:    true,
		}
	}
	for _, r := range terraform.Rules() {
		description := r.Title + " (" + r.Category + ")."
		if sg := r.Safeguard(); sg != "" {
			description += " HIPAA safeguard: " + sg + "."
		}
		description += " Counts toward the terraform-misconfigurations and infrastructure-critical gates"
		if r.Category == terraform.CategoryEncryption || r.Category == terraform.CategoryTransit {
			description += ", and fails phi-encrypted"
		}
		catalog[r.ID] = ruleInfo{
			title:       r.Title,
			description: description + ".",
			help:        "Change the resource so that it meets the " + r.Category + " requirement, then rerun 'ci infra check' on the module.",
			security:    true,
		}
	}
	// The route rules of compliance/hipaa, by id: that package depends on
	// the policy and config packages, which renderers need not load.
	for _, r := range []struct{ id, title, description, help string }{
		{"hipaa/route-without-authorization", "Route without authorization",
			"An HTTP route has no authorization middleware and no permission field, and its path is not a public path. HIPAA safeguard: 164.312(a)(1) access control.",
			"Add an authorization middleware or a permission to the route, so that only permitted roles reach the handler."},
		{"hipaa/route-public", "Route declared public on a protected path",
			"An HTTP route is declared public, but its path is not one of the policy's public paths. HIPAA safeguard: 164.312(a)(1) access control.",
			"Require a permission on the route, or add the path to hipaa public-paths if it serves no protected data."},
		{"hipaa/route-without-audit", "Patient-data route without an audit call",
			"The handler of an HTTP route that serves patient data never calls an audit function, or is not in the scanned sources. HIPAA safeguard: 164.312(b) audit controls.",
			"Call one of the policy's audit functions in the handler, so that every read and write of patient data is recorded."},
	} {
		catalog[r.id] = ruleInfo{
			title:       r.title,
			description: r.description + " The HIPAA analysis reads these results for its access-control and audit safeguards, and critical results count toward the hipaa-critical gate.",
			help:        r.help,
			security:    true,
		}
	}
	for id, d := range fhir.RuleDescriptions {
		catalog[id] = ruleInfo{
			title:       strings.TrimSuffix(d, "."),
			description: d + " FHIR R4 conformance; errors in the gate's blocking paths count toward the fhir-conformance gate.",
			help:        "Correct the resource so that it conforms to FHIR R4; the message names the element by its FHIRPath expression.",
		}
	}
	return catalog
}

// toolFamily describes the rules of a third-party tool: the gate its
// results feed, what to do, and whether they are security results. A tool matches when its lower-cased name contains key.
type toolFamily struct {
	key      string
	gate     string
	help     string
	security bool
}

// toolFamilies mirrors which finding gates of package policy count each
// tool's results; the first match wins.
var toolFamilies = []toolFamily{
	{"gitleaks", "secrets", "Revoke and rotate the secret, then remove it from the code and the git history.", true},
	{"trufflehog", "secrets", "Revoke and rotate the secret, then remove it from the code and the git history.", true},
	{"osv-scanner", "critical-vulnerabilities", "Upgrade the dependency to a version that fixes the advisory.", true},
	{"grype", "critical-vulnerabilities", "Upgrade the package to a version that fixes the advisory.", true},
	{"snyk", "critical-vulnerabilities", "Upgrade the dependency to a version that fixes the advisory.", true},
	{"govulncheck", "critical-vulnerabilities", "Upgrade the module to a version that fixes the advisory.", true},
	{"trivy", "critical-vulnerabilities, secrets or infrastructure-critical by result kind", "Upgrade the package, rotate the secret or fix the configuration that the result names.", true},
	{"semgrep", "sast-findings", "Change the code as the rule message says.", true},
	{"codeql", "critical-vulnerabilities", "Change the code as the rule message says.", true},
	{"gosec", "critical-vulnerabilities", "Change the code as the rule message says.", true},
	{"zap", "dast-findings", "Fix the response or endpoint that the alert names.", true},
	{"hmsci-hipaa", "hipaa-critical", "Add the safeguard that the message names (authorization, audit logging or masking) to the route or code.", true},
	{"eslint", "eslint-errors", "Fix the code as the rule message says.", false},
	{"golangci-lint", "go-lint-errors", "Fix the code as the linter message says.", false},
	{"tsc", "typescript-errors", "Fix the type error.", false},
	{"prettier", "formatting", "Run prettier --write on the file.", false},
	{"kubeconform", "kubernetes-schema", "Fix the manifest so that it matches the Kubernetes schema.", true},
	{"conftest", "kubernetes-policy or image-policy", "Change the manifest or image as the policy message says.", true},
	{"tflint", "terraform-lint", "Fix the Terraform code as the rule message says.", false},
}

// ruleMetadata returns the SARIF metadata of a rule of tool: the catalog
// entry of an hmsci analyzer rule, or one built from the tool family and
// the first result's message.
func ruleMetadata(tool, ruleID, message string) ruleInfo {
	if info, ok := ruleCatalog[ruleID]; ok {
		return info
	}
	title := strings.TrimSpace(message)
	if i := strings.IndexAny(title, "\n."); i > 0 {
		title = title[:i]
	}
	if runes := []rune(title); len(runes) > 120 {
		title = string(runes[:117]) + "..."
	}
	if title == "" {
		title = ruleID
	}
	info := ruleInfo{title: title, description: title + ".", help: "See the result message.", security: true}
	lower := strings.ToLower(tool)
	for _, f := range toolFamilies {
		if strings.Contains(lower, f.key) {
			info.description = title + ". Reported by " + tool + "; counts toward " + f.gate + " when the policy enables it."
			info.help = f.help
			info.security = f.security
			break
		}
	}
	return info
}

// ruleTags returns the SARIF tags of a rule. GitHub code scanning lists a
// rule tagged "security" as a security alert and reads its
// security-severity; other rules are quality alerts ranked by level.
func ruleTags(info ruleInfo) []string {
	if info.security {
		return []string{"security"}
	}
	return []string{"quality"}
}

// severityScore returns the security-severity of a security rule at s,
// and "" for a quality rule.
func severityScore(info ruleInfo, s gates.Severity) string {
	if !info.security {
		return ""
	}
	return securitySeverity[s]
}
