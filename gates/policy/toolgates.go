package policy

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
)

// Step tools: the Analysis.Tool and gates.Finding.Tool of results that
// gates/toolreports reads from a containerized step's own output format.
// Each is the step's name.
const (
	ToolTSC            = "tsc"
	ToolPrettier       = "prettier"
	ToolSonarQube      = "sonarqube"
	ToolNewman         = "newman"
	ToolPlaywright     = "playwright"
	ToolAxe            = "axe"
	ToolZAP            = "zap"
	ToolImageCheck     = "image-check"
	ToolConftestImage  = "conftest-image"
	ToolSign           = "sign"
	ToolVerify         = "verify"
	ToolKubeconform    = "kubeconform"
	ToolConftestK8s    = "conftest-k8s"
	ToolTerraformDrift = "terraform-drift"
)

// Check keys of step tools.
const (
	// CheckSonarQubeQualityGate holds when the SonarQube project status
	// is OK, or WARN, a status that older servers return.
	CheckSonarQubeQualityGate = "sonarqube-quality-gate"
	// CheckMigrations holds when the migrations ran up, down and up again
	// with exit status 0.
	CheckMigrations = "migrations"
	// CheckImageNonRoot holds when the image config names a user other
	// than root or UID 0.
	CheckImageNonRoot = "image-non-root"
	// CheckImageSigned holds when cosign signed (sign) or verified
	// (verify) both the image signature and its SBOM attestation.
	CheckImageSigned = "image-signed"
)

// Rule ids of image-check findings.
const (
	RuleImageRootUser       = "image/root-user"
	RuleImageShell          = "image/shell"
	RuleImagePackageManager = "image/package-manager"
)

// isTool reports whether the finding comes from the named step tool.
// Step tools match exactly, so "tsc" does not match "tsconfig-strict".
func isTool(f *gates.Finding, tool string) bool {
	return strings.EqualFold(f.Tool, tool)
}

// isTerraformFile reports whether p is a Terraform configuration or
// variables file.
func isTerraformFile(p string) bool {
	lower := strings.ToLower(p)
	for _, suffix := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(lower, suffix) {
			return true
		}
	}
	return false
}

// fromStep reports whether a report path lies in the step's report
// directory (OUT/steps/STEP/ in a pipeline run, or any directory named
// after the step).
func fromStep(reportPath, step string) bool {
	dir := path.Dir(strings.ReplaceAll(reportPath, `\`, "/"))
	return slices.Contains(strings.Split(dir, "/"), step)
}

// isNewmanJUnit matches the JUnit reports of the newman step,
// newman-COLLECTION.junit.xml.
func isNewmanJUnit(reportPath string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(reportPath, `\`, "/")))
	return fromStep(reportPath, ToolNewman) || strings.HasPrefix(base, "newman") && strings.HasSuffix(base, ".xml")
}

// isPlaywrightJUnit matches the JUnit report of the playwright step.
func isPlaywrightJUnit(reportPath string) bool {
	base := strings.ToLower(path.Base(strings.ReplaceAll(reportPath, `\`, "/")))
	return fromStep(reportPath, ToolPlaywright) || strings.HasPrefix(base, "playwright") && strings.HasSuffix(base, ".xml")
}

// analysesOf returns the analyses whose tool is one of tools.
func (e *evaluation) analysesOf(tools ...string) []*Analysis {
	var out []*Analysis
	for i := range e.in.Analyses {
		a := &e.in.Analyses[i]
		if slices.ContainsFunc(tools, func(t string) bool { return strings.EqualFold(a.Tool, t) }) {
			out = append(out, a)
		}
	}
	return out
}

// unmeasured returns the reasons that the analyses give for not measuring
// key, joined, or "" when they all measured it.
func unmeasured(analyses []*Analysis, key string) string {
	var reasons []string
	for _, a := range analyses {
		if reason, ok := a.Unmeasured[key]; ok {
			reasons = append(reasons, reason)
		}
	}
	return strings.Join(reasons, "; ")
}

// stepFindingCount measures a finding gate fed by step tool analyses. The
// gate is evaluated when an analysis of one of the tools exists, even one
// without findings; its findings are counted by the findingGates table.
func stepFindingCount(missing string, tools ...string) func(*evaluation, config.GateSetting) measurement {
	return func(e *evaluation, s config.GateSetting) measurement {
		analyses := e.analysesOf(tools...)
		if len(analyses) == 0 {
			return measurement{missing: missing}
		}
		if reason := unmeasured(analyses, s.Name); reason != "" {
			return measurement{missing: reason}
		}
		count := e.tally.Counts[s.Name]
		m := measurement{ok: true, value: float64(count), next: findingNext(s.Name, e.tally.Worst[s.Name], count)}
		for _, a := range analyses {
			if a.Source != "" {
				m.reports = append(m.reports, a.Source)
			}
		}
		return m
	}
}

// measureStepTests counts the failing test cases of the JUnit reports that
// match isStepReport.
func measureStepTests(isStepReport func(string) bool, missing string) func(*evaluation, config.GateSetting) measurement {
	return func(e *evaluation, _ config.GateSetting) measurement {
		return e.measureJUnit(isStepReport, missing)
	}
}

// measureKubernetesPolicy counts conftest-k8s and hmsci-kube findings. It
// is evaluated when either ran: an analysis, or a hmsci-kube SARIF log.
func measureKubernetesPolicy(e *evaluation, s config.GateSetting) measurement {
	analyses := e.analysesOf(ToolConftestK8s)
	if len(analyses) == 0 && !e.tally.HasTool(ToolKube) {
		return measurement{missing: "no conftest-k8s.json from the conftest-k8s step and no hmsci-kube result or SARIF report"}
	}
	if reason := unmeasured(analyses, s.Name); reason != "" {
		// hmsci-kube alone would pass the gate while the Rego policies
		// went unchecked.
		return measurement{missing: reason}
	}
	count := e.tally.Counts[s.Name]
	m := measurement{
		ok:      true,
		value:   float64(count),
		reports: e.findingReports([]string{ToolConftestK8s, ToolKube}),
		next:    findingNext(s.Name, e.tally.Worst[s.Name], count),
	}
	return m
}

// measureTerraformMisconfigurations counts hmsci-terraform findings and
// Trivy misconfigurations in Terraform files. It is evaluated when
// hmsci-terraform ran or a trivy-config SARIF log exists: a "trivy fs" log
// alone does not show that Terraform was scanned.
func measureTerraformMisconfigurations(e *evaluation, s config.GateSetting) measurement {
	var paths []string
	for _, rep := range e.in.Reports {
		if rep.SARIF != nil && (fromStep(rep.Path, "trivy-config") || strings.HasPrefix(strings.ToLower(path.Base(rep.Path)), "trivy-config")) {
			paths = append(paths, rep.Path)
		}
	}
	terraform := e.tally.HasTool(ToolTerraform)
	if !terraform && len(paths) == 0 {
		return measurement{missing: "no trivy-config.sarif from the trivy-config step and no hmsci-terraform result or SARIF report"}
	}
	if terraform {
		paths = append(paths, e.findingReports([]string{ToolTerraform})...)
	}
	count := e.tally.Counts[s.Name]
	return measurement{
		ok:      true,
		value:   float64(count),
		reports: paths,
		next:    findingNext(s.Name, e.tally.Worst[s.Name], count),
	}
}

// measureImageSigned combines the image-signed checks of the sign and
// verify steps: every one that ran must hold.
func measureImageSigned(e *evaluation, _ config.GateSetting) measurement {
	var (
		found   bool
		ok      = true
		details []string
		failed  []string
		sources []string
		reasons []string
	)
	for _, a := range e.analysesOf(ToolSign, ToolVerify) {
		if reason, unmeasured := a.Unmeasured[CheckImageSigned]; unmeasured {
			reasons = append(reasons, fmt.Sprintf("%s: %s", a.Tool, reason))
			continue
		}
		c, has := a.Checks[CheckImageSigned]
		if !has {
			continue
		}
		found = true
		if a.Source != "" {
			sources = append(sources, a.Source)
		}
		if c.Detail != "" {
			details = append(details, c.Detail)
		}
		if !c.OK {
			ok = false
			failed = append(failed, c.Detail)
		}
	}
	if !found {
		if len(reasons) > 0 {
			return measurement{missing: strings.Join(reasons, "; ")}
		}
		return measurement{missing: "no cosign-sign.txt from the sign step and no cosign-verify.txt from the verify step"}
	}
	m := measurement{ok: true, measured: "no", reports: sources}
	if ok {
		m.value, m.measured = 1, "yes"
	} else {
		m.next = "fix the cosign key or registry access and sign again: " + strings.Join(failed, "; ")
	}
	if len(details) > 0 {
		m.measured += ": " + strings.Join(details, "; ")
	}
	return m
}
