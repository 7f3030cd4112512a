package policy

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

// Category is the kind of problem a finding reports.
type Category string

// Finding categories.
const (
	CategorySecret         Category = "secret"
	CategoryVulnerability  Category = "vulnerability"
	CategoryLint           Category = "lint"
	CategoryInfrastructure Category = "infrastructure"
	CategoryPHI            Category = "phi"
	CategoryHIPAA          Category = "hipaa"
	CategoryFHIR           Category = "fhir"
	CategoryContainer      Category = "container"
	CategoryOther          Category = "other"
)

// toolCategories maps tools to categories. A tool matches when its
// lower-cased SARIF tool.driver.name (or Analysis.Tool) contains the key.
// Trivy is resolved per finding by ruleCategory because one Trivy run can
// report vulnerabilities, secrets and misconfigurations.
var toolCategories = []struct {
	key      string
	category Category
}{
	{"gitleaks", CategorySecret},
	{"trufflehog", CategorySecret},
	{"osv-scanner", CategoryVulnerability},
	{"grype", CategoryVulnerability},
	{"snyk", CategoryVulnerability},
	{"semgrep", CategoryVulnerability},
	{"govulncheck", CategoryVulnerability},
	{"codeql", CategoryVulnerability},
	{"gosec", CategoryVulnerability},
	{"zap", CategoryVulnerability},
	{"eslint", CategoryLint},
	{"kubeconform", CategoryInfrastructure},
	{ToolKube, CategoryInfrastructure},
	{ToolTerraform, CategoryInfrastructure},
	{"checkov", CategoryInfrastructure},
	// conftest-image must come before conftest: the first match wins.
	{ToolConftestImage, CategoryContainer},
	{ToolImageCheck, CategoryContainer},
	{"tflint", CategoryInfrastructure},
	{"conftest", CategoryInfrastructure},
	{ToolPHI, CategoryPHI},
	{ToolHIPAA, CategoryHIPAA},
	{ToolFHIR, CategoryFHIR},
}

// findingGates is the one table of which findings count toward which
// gate. Suppressed findings never count.
var findingGates = []struct {
	gate  string
	about string
	match func(p *config.Config, c Category, f *gates.Finding) bool
}{
	{"secrets", "secrets (gitleaks, Trivy secret scanning)", func(_ *config.Config, c Category, _ *gates.Finding) bool {
		return c == CategorySecret
	}},
	{"eslint-errors", "ESLint results of level error", func(_ *config.Config, c Category, f *gates.Finding) bool {
		return c == CategoryLint && sarifLevel(f) == "error"
	}},
	{"critical-vulnerabilities", "vulnerabilities (Trivy, OSV-Scanner, Grype, Snyk, Semgrep, govulncheck, CodeQL, gosec, ZAP) at or above the policy severity", func(p *config.Config, c Category, f *gates.Finding) bool {
		return c == CategoryVulnerability && f.Severity >= severityOf(p.Gates.CriticalVulnerabilities.Severity)
	}},
	{"hipaa-critical", "critical findings of hmsci-hipaa and hmsci-phi", func(_ *config.Config, c Category, f *gates.Finding) bool {
		return (c == CategoryHIPAA || c == CategoryPHI) && f.Severity >= gates.SeverityCritical
	}},
	{"phi-exposure", "hmsci-phi findings not marked non-blocking", func(_ *config.Config, c Category, f *gates.Finding) bool {
		blocking, set := f.Properties[PropertyBlocking].(bool)
		return c == CategoryPHI && (!set || blocking)
	}},
	{"infrastructure-critical", "Kubernetes, Terraform and Trivy misconfiguration findings at or above the policy severity", func(p *config.Config, c Category, f *gates.Finding) bool {
		return c == CategoryInfrastructure && f.Severity >= severityOf(p.Gates.InfrastructureCritical.Severity)
	}},
	{"pss-restricted", "hmsci-kube Pod Security Standard findings in the gate's paths", func(p *config.Config, _ Category, f *gates.Finding) bool {
		return strings.EqualFold(f.Tool, ToolKube) && strings.HasPrefix(f.RuleID, "kube/pss-") && matchesAny(p.Gates.PSSRestricted.Paths, f.Path)
	}},
	{"typescript-errors", "tsc diagnostics of category error", func(_ *config.Config, _ Category, f *gates.Finding) bool {
		return isTool(f, ToolTSC) && f.Severity >= gates.SeverityHigh
	}},
	{"formatting", "files that Prettier would reformat", func(_ *config.Config, _ Category, f *gates.Finding) bool {
		return isTool(f, ToolPrettier)
	}},
	{"go-lint-errors", "golangci-lint results of level error", func(_ *config.Config, _ Category, f *gates.Finding) bool {
		return strings.Contains(strings.ToLower(f.Tool), "golangci-lint") && sarifLevel(f) == "error"
	}},
	{"accessibility", "axe violations at or above the policy impact (minor low, moderate medium, serious high, critical critical)", func(p *config.Config, _ Category, f *gates.Finding) bool {
		return isTool(f, ToolAxe) && f.Severity >= severityOf(p.Gates.Accessibility.Severity)
	}},
	{"sast-findings", "Semgrep results at or above the policy severity", func(p *config.Config, _ Category, f *gates.Finding) bool {
		return strings.Contains(strings.ToLower(f.Tool), "semgrep") && f.Severity >= severityOf(p.Gates.SASTFindings.Severity)
	}},
	{"dast-findings", "ZAP alerts at or above the policy risk (low, medium, high)", func(p *config.Config, _ Category, f *gates.Finding) bool {
		return isTool(f, ToolZAP) && f.Severity >= severityOf(p.Gates.DASTFindings.Severity)
	}},
	{"kubernetes-schema", "resources that kubeconform found invalid or could not validate", func(_ *config.Config, _ Category, f *gates.Finding) bool {
		return isTool(f, ToolKubeconform)
	}},
	{"kubernetes-policy", "conftest and hmsci-kube findings on Kubernetes manifests at or above the policy severity", func(p *config.Config, _ Category, f *gates.Finding) bool {
		return (isTool(f, ToolConftestK8s) || isTool(f, ToolKube)) && f.Severity >= severityOf(p.Gates.KubernetesPolicy.Severity)
	}},
	{"terraform-lint", "TFLint results at or above the policy severity (error high, warning medium, notice low)", func(p *config.Config, _ Category, f *gates.Finding) bool {
		return strings.Contains(strings.ToLower(f.Tool), "tflint") && f.Severity >= severityOf(p.Gates.TerraformLint.Severity)
	}},
	{"terraform-misconfigurations", "hmsci-terraform findings and Trivy misconfigurations in Terraform files at or above the policy severity", func(p *config.Config, c Category, f *gates.Finding) bool {
		terraform := isTool(f, ToolTerraform) || strings.Contains(strings.ToLower(f.Tool), "trivy") && c == CategoryInfrastructure && isTerraformFile(f.Path)
		return terraform && f.Severity >= severityOf(p.Gates.TerraformMisconfigurations.Severity)
	}},
	{"terraform-drift", "Terraform directories whose plan shows changes or failed", func(_ *config.Config, _ Category, f *gates.Finding) bool {
		return isTool(f, ToolTerraformDrift)
	}},
	{"image-minimal", "shells and package managers in the final image", func(_ *config.Config, _ Category, f *gates.Finding) bool {
		return isTool(f, ToolImageCheck) && (f.RuleID == RuleImageShell || f.RuleID == RuleImagePackageManager)
	}},
	{"image-policy", "conftest failures on the image configuration", func(_ *config.Config, _ Category, f *gates.Finding) bool {
		return isTool(f, ToolConftestImage) && f.Severity >= gates.SeverityHigh
	}},
	{"fhir-conformance", "hmsci-fhir errors in the gate's blocking paths", func(p *config.Config, c Category, f *gates.Finding) bool {
		paths := p.Gates.FHIRConformance.Paths
		return c == CategoryFHIR && len(paths) > 0 && f.Severity >= gates.SeverityHigh && matchesAny(paths, f.Path)
	}},
}

// Classify returns the category of a finding from its tool and rule.
func Classify(f *gates.Finding) Category {
	tool := strings.ToLower(f.Tool)
	if strings.Contains(tool, "trivy") {
		return trivyCategory(f)
	}
	for _, tc := range toolCategories {
		if strings.Contains(tool, tc.key) {
			return tc.category
		}
	}
	return CategoryOther
}

var (
	// vulnerabilityID matches advisory identifiers: CVE, GHSA, Go, PyPI,
	// RustSec, npm and distribution advisories.
	vulnerabilityID = regexp.MustCompile(`^(CVE-\d{4}-\d+|GHSA-[0-9A-Z]{4}-|GO-\d{4}-|PYSEC-|RUSTSEC-|NSWG-|DLA-|DSA-|RHSA-|ALAS|ELSA-|USN-|OSV-)`)
	// misconfigurationID matches Trivy check ids such as "AVD-KSV-0001",
	// "KSV001" or "DS002".
	misconfigurationID = regexp.MustCompile(`^(AVD-[A-Z0-9]+-\d+|[A-Z]{2,6}\d{3,5})$`)
)

// trivyCategory classifies a Trivy finding by its rule id, since one Trivy
// SARIF log mixes vulnerabilities, misconfigurations and secrets. Trivy's
// secret rules have lower-case ids such as "aws-access-key-id".
func trivyCategory(f *gates.Finding) Category {
	if tags, ok := f.Properties["tags"].([]string); ok {
		switch {
		case slices.Contains(tags, "secret"):
			return CategorySecret
		case slices.Contains(tags, "misconfiguration"):
			return CategoryInfrastructure
		case slices.Contains(tags, "vulnerability"):
			return CategoryVulnerability
		}
	}
	id := strings.ToUpper(f.RuleID)
	switch {
	case vulnerabilityID.MatchString(id):
		return CategoryVulnerability
	case misconfigurationID.MatchString(f.RuleID):
		return CategoryInfrastructure
	case f.RuleID != "" && f.RuleID == strings.ToLower(f.RuleID):
		return CategorySecret
	}
	return CategoryOther
}

func sarifLevel(f *gates.Finding) string {
	if level, ok := f.Properties[reports.PropertySARIFLevel].(string); ok {
		return level
	}
	return f.Severity.SARIFLevel()
}

func severityOf(s config.Severity) gates.Severity {
	parsed, err := gates.ParseSeverity(string(s))
	if err != nil {
		return gates.SeverityCritical
	}
	return parsed
}

func matchesAny(globs []config.Glob, p string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if g.Match(p) {
			return true
		}
	}
	return false
}

// maxWorst is how many findings a Tally keeps per gate to name in the
// next-step hint.
const maxWorst = 5

// Tally counts the findings that match each finding gate. It keeps counts
// for every finding but only the few worst findings per gate, so a large
// SARIF log can be counted in bounded memory.
type Tally struct {
	policy *config.Config
	root   string
	// Counts maps a gate name to its unsuppressed matching findings.
	Counts map[string]int
	// Worst keeps up to maxWorst matching findings per gate, highest
	// severity first.
	Worst map[string][]gates.Finding
	// Suppressed counts findings with an accepted suppression.
	Suppressed int
	// Total counts every finding added.
	Total int
	// Tools lists the tools whose findings or reports were added.
	Tools []string
	// seen holds the keys of the findings counted for dedupedGates.
	seen map[string]map[string]bool
}

// NewTally returns an empty tally for the policy. root is the absolute
// source root used to make finding paths relative; it may be empty.
func NewTally(p *config.Config, root string) *Tally {
	return &Tally{policy: p, root: root, Counts: map[string]int{}, Worst: map[string][]gates.Finding{}}
}

// AddTool records that a tool ran, even if it reported nothing.
func (t *Tally) AddTool(name string) {
	if !slices.Contains(t.Tools, name) {
		t.Tools = append(t.Tools, name)
	}
}

// Add counts one finding. It normalizes the finding's path in place.
func (t *Tally) Add(f *gates.Finding) {
	t.Total++
	t.AddTool(f.Tool)
	f.Path = relativePath(t.root, f.Path)
	if f.Suppressed {
		t.Suppressed++
		return
	}
	c := Classify(f)
	for _, fg := range findingGates {
		if !fg.match(t.policy, c, f) {
			continue
		}
		if dedupedGates[fg.gate] && !t.firstSighting(fg.gate, f) {
			continue
		}
		t.Counts[fg.gate]++
		t.keepWorst(fg.gate, f)
	}
}

// dedupedGates are the finding gates that count a finding reported by
// several reports once. Trivy reports the same Terraform misconfiguration
// from "trivy fs" (with the misconfig scanner) and from "trivy config".
var dedupedGates = map[string]bool{"terraform-misconfigurations": true}

// findingKey identifies a finding across reports of the same tool family:
// rule, path, line and column.
func findingKey(f *gates.Finding) string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%d", strings.ToUpper(f.RuleID), f.Path, f.Line, f.Column)
}

// firstSighting records f for a deduplicated gate and reports whether it
// was not seen before.
func (t *Tally) firstSighting(gate string, f *gates.Finding) bool {
	if t.seen == nil {
		t.seen = map[string]map[string]bool{}
	}
	if t.seen[gate] == nil {
		t.seen[gate] = map[string]bool{}
	}
	key := findingKey(f)
	if t.seen[gate][key] {
		return false
	}
	t.seen[gate][key] = true
	return true
}

func (t *Tally) keepWorst(gate string, f *gates.Finding) {
	worst := t.Worst[gate]
	if len(worst) == maxWorst && worst[len(worst)-1].Severity >= f.Severity {
		return
	}
	copied := *f
	copied.Properties = nil
	i, _ := slices.BinarySearchFunc(worst, copied.Severity, func(e gates.Finding, s gates.Severity) int {
		// Sorted by descending severity: later entries are smaller.
		switch {
		case e.Severity > s:
			return -1
		case e.Severity < s:
			return 1
		}
		return -1 // insert after equal severities, keeping report order
	})
	worst = slices.Insert(worst, i, copied)
	if len(worst) > maxWorst {
		worst = worst[:maxWorst]
	}
	t.Worst[gate] = worst
}

// Merge adds the counts of another tally over the same policy.
func (t *Tally) Merge(o *Tally) {
	t.Total += o.Total
	t.Suppressed += o.Suppressed
	for _, tool := range o.Tools {
		t.AddTool(tool)
	}
	for gate, n := range o.Counts {
		t.Counts[gate] += n
		for key := range o.seen[gate] {
			if t.seen[gate][key] {
				t.Counts[gate]-- // counted in both tallies
			}
		}
		for i := range o.Worst[gate] {
			w := &o.Worst[gate][i]
			if dedupedGates[gate] && t.seen[gate][findingKey(w)] {
				continue
			}
			t.keepWorst(gate, w)
		}
		for key := range o.seen[gate] {
			if t.seen == nil {
				t.seen = map[string]map[string]bool{}
			}
			if t.seen[gate] == nil {
				t.seen[gate] = map[string]bool{}
			}
			t.seen[gate][key] = true
		}
	}
}

// HasTool reports whether a tool whose lower-cased name contains key was
// added.
func (t *Tally) HasTool(key string) bool {
	for _, tool := range t.Tools {
		if strings.Contains(strings.ToLower(tool), key) {
			return true
		}
	}
	return false
}

// TallySARIF streams a SARIF log and counts its findings without keeping
// them, for logs too large for reports.ParseSARIF's finding cap.
func TallySARIF(p *config.Config, root, reportPath string, r io.Reader) (*Tally, error) {
	t := NewTally(p, root)
	tools, err := reports.ScanSARIF(reportPath, r, func(f gates.Finding) error {
		t.Add(&f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count findings: %w", err)
	}
	for _, tool := range tools {
		t.AddTool(tool)
	}
	return t, nil
}

// relativePath turns an absolute path under root, or a file:// URI, into a
// slash-separated path relative to root. Other paths are cleaned only.
func relativePath(root, p string) string {
	if p == "" {
		return p
	}
	p = strings.TrimPrefix(p, "file://")
	slashed := filepath.ToSlash(p)
	if root != "" {
		rootSlashed := strings.TrimSuffix(filepath.ToSlash(root), "/")
		if rel, ok := strings.CutPrefix(slashed, rootSlashed+"/"); ok {
			return path.Clean(rel)
		}
	}
	cleaned := path.Clean(slashed)
	return strings.TrimPrefix(cleaned, "./")
}
