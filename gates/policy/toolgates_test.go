package policy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

func junit(path string, cases ...reports.TestCase) *reports.Report {
	return &reports.Report{Path: path, Format: reports.FormatJUnit, Tests: &reports.TestSummary{Cases: cases}}
}

func TestStepTestGatesReadTheirStep(t *testing.T) {
	in := Inputs{Reports: []*reports.Report{
		junit("out/steps/jest/jest.junit.xml", reports.TestCase{Name: "unit", Status: "failed"}),
		junit("out/steps/newman/newman-patients.junit.xml",
			reports.TestCase{Name: "GET /patients", Status: "passed"},
			reports.TestCase{Suite: "patients", Name: "POST /patients", Status: "failed"}),
		junit("reports/playwright.junit.xml", reports.TestCase{Name: "login", Status: "passed"}),
	}}
	verdicts := Evaluate(config.Default(), in)

	api := verdictOf(t, verdicts, "api-tests")
	assert.Equal(t, gates.StatusFailed, api.Status)
	assert.Equal(t, "1 failing of 2", api.Measured)
	assert.Equal(t, []string{"out/steps/newman/newman-patients.junit.xml"}, api.Reports)
	assert.Contains(t, api.Next, "patients › POST /patients")

	e2e := verdictOf(t, verdicts, "e2e-tests")
	assert.Equal(t, gates.StatusPassed, e2e.Status)
	assert.Equal(t, "0 failing of 1", e2e.Measured)

	unit := verdictOf(t, verdicts, "unit-tests")
	assert.Equal(t, "1 failing of 1", unit.Measured, "API and browser tests count in their own gates only")
	assert.Equal(t, []string{"out/steps/jest/jest.junit.xml"}, unit.Reports)
}

func TestStepTestGatesMissing(t *testing.T) {
	in := Inputs{
		Reports: []*reports.Report{junit("out/steps/jest/jest.junit.xml")},
		NotRun:  []SkippedStep{{Step: "playwright", Reason: "@playwright/test is not a dependency in package.json"}},
	}
	verdicts := Evaluate(config.Default(), in)
	api := verdictOf(t, verdicts, "api-tests")
	assert.Equal(t, gates.StatusNotEvaluated, api.Status)
	assert.Contains(t, api.Reason, "no newman-*.junit.xml report from the newman step")
	e2e := verdictOf(t, verdicts, "e2e-tests")
	assert.Equal(t, "step playwright not run: @playwright/test is not a dependency in package.json", e2e.Reason)
}

func TestTSCGateIgnoresTSConfigStrict(t *testing.T) {
	in := Inputs{Analyses: []Analysis{{Tool: ToolTSConfig, Checks: map[string]Check{CheckTypeScriptStrict: {OK: true}}}}}
	v := verdictOf(t, Evaluate(config.Default(), in), "typescript-errors")
	assert.Equal(t, gates.StatusNotEvaluated, v.Status)
	assert.Contains(t, v.Reason, "no tsc.txt from the tsc step")
}

func TestSeverityStepGates(t *testing.T) {
	in := Inputs{
		Reports: []*reports.Report{
			sarif("semgrep.sarif", []string{"Semgrep OSS"},
				gates.Finding{Tool: "Semgrep OSS", RuleID: "js.xss", Severity: gates.SeverityHigh, Path: "src/a.ts", Line: 3},
				gates.Finding{Tool: "Semgrep OSS", RuleID: "js.style", Severity: gates.SeverityMedium}),
			sarif("tflint.sarif", []string{"tflint"},
				gates.Finding{Tool: "tflint", RuleID: "terraform_unused_declarations", Severity: gates.SeverityMedium, Properties: level("warning")},
				gates.Finding{Tool: "tflint", RuleID: "terraform_documented_variables", Severity: gates.SeverityLow, Properties: level("note")}),
		},
		Analyses: []Analysis{
			{Tool: ToolAxe, Findings: []gates.Finding{
				{RuleID: "color-contrast", Severity: gates.SeverityHigh},
				{RuleID: "region", Severity: gates.SeverityMedium},
			}},
			{Tool: ToolZAP, Findings: []gates.Finding{
				{RuleID: "40012", Severity: gates.SeverityHigh},
				{RuleID: "10038-1", Severity: gates.SeverityMedium},
				{RuleID: "10021", Severity: gates.SeverityHigh, Suppressed: true},
			}},
		},
	}
	p := config.Default()
	verdicts := Evaluate(p, in)
	assert.Equal(t, "1 finding", verdictOf(t, verdicts, "sast-findings").Measured)
	assert.Equal(t, "1 alert", verdictOf(t, verdicts, "dast-findings").Measured)
	assert.Equal(t, "1 violation", verdictOf(t, verdicts, "accessibility").Measured)
	assert.Equal(t, gates.StatusWarned, verdictOf(t, verdicts, "accessibility").Status)
	assert.Equal(t, "1 issue", verdictOf(t, verdicts, "terraform-lint").Measured)

	p.Gates.Accessibility.Severity = "medium"
	p.Gates.DASTFindings.Severity = "medium"
	verdicts = Evaluate(p, in)
	assert.Equal(t, "2 violations", verdictOf(t, verdicts, "accessibility").Measured)
	assert.Equal(t, "2 alerts", verdictOf(t, verdicts, "dast-findings").Measured)
}

func TestTerraformMisconfigurationsCountOnce(t *testing.T) {
	misconfig := func(path string) gates.Finding {
		return gates.Finding{Tool: "Trivy", RuleID: "AVD-AWS-0086", Severity: gates.SeverityHigh, Path: path, Line: 12}
	}
	in := Inputs{
		Root: "/src",
		Reports: []*reports.Report{
			sarif("out/steps/trivy-fs/trivy-fs.sarif", []string{"Trivy"}, misconfig("/src/infra/s3.tf"), misconfig("k8s/deploy.yaml")),
			sarif("out/steps/trivy-config/trivy-config.sarif", []string{"Trivy"}, misconfig("infra/s3.tf")),
		},
		Analyses: []Analysis{{Tool: ToolTerraform, Source: "terraform-policy.sarif", Findings: []gates.Finding{
			{RuleID: "terraform/unencrypted-storage", Severity: gates.SeverityCritical, Path: "infra/db.tf", Line: 4},
			{RuleID: "terraform/missing-tags", Severity: gates.SeverityLow, Path: "infra/db.tf", Line: 9},
		}}},
	}
	v := verdictOf(t, Evaluate(config.Default(), in), "terraform-misconfigurations")
	assert.Equal(t, gates.StatusFailed, v.Status)
	assert.Equal(t, "2 findings", v.Measured, "the .tf finding of both Trivy runs counts once, the YAML one not at all")
	assert.Equal(t, []string{"out/steps/trivy-config/trivy-config.sarif", "terraform-policy.sarif"}, v.Reports)
	assert.True(t, strings.HasPrefix(v.Next, "fix the Terraform misconfiguration at infra/db.tf:4"), v.Next)
}

func TestTerraformMisconfigurationsNeedTerraformScan(t *testing.T) {
	in := Inputs{Reports: []*reports.Report{sarif("trivy-fs.sarif", []string{"Trivy"})}}
	v := verdictOf(t, Evaluate(config.Default(), in), "terraform-misconfigurations")
	assert.Equal(t, gates.StatusNotEvaluated, v.Status)
}

func TestTallyMergeDeduplicates(t *testing.T) {
	p := config.Default()
	f := gates.Finding{Tool: "Trivy", RuleID: "AVD-AWS-0086", Severity: gates.SeverityHigh, Path: "infra/s3.tf", Line: 1}
	a, b := NewTally(p, ""), NewTally(p, "")
	a.Add(&gates.Finding{Tool: f.Tool, RuleID: f.RuleID, Severity: f.Severity, Path: f.Path, Line: f.Line})
	b.Add(&gates.Finding{Tool: f.Tool, RuleID: f.RuleID, Severity: f.Severity, Path: f.Path, Line: f.Line})
	b.Add(&gates.Finding{Tool: f.Tool, RuleID: f.RuleID, Severity: f.Severity, Path: "infra/other.tf", Line: 1})
	a.Merge(b)
	assert.Equal(t, 2, a.Counts["terraform-misconfigurations"])
	assert.Len(t, a.Worst["terraform-misconfigurations"], 2)
}

func TestKubernetesPolicyGate(t *testing.T) {
	in := Inputs{Analyses: []Analysis{
		{Tool: ToolConftestK8s, Source: "conftest-k8s.json", Findings: []gates.Finding{
			{RuleID: "main/deny", Severity: gates.SeverityHigh, Path: "k8s/deploy.yaml"},
			{RuleID: "main/warn", Severity: gates.SeverityMedium, Path: "k8s/svc.yaml"},
		}},
		{Tool: ToolKube, Findings: []gates.Finding{{RuleID: "kube/pss-privileged", Severity: gates.SeverityCritical, Path: "k8s/prod/deploy.yaml"}}},
	}}
	v := verdictOf(t, Evaluate(config.Default(), in), "kubernetes-policy")
	assert.Equal(t, gates.StatusFailed, v.Status)
	assert.Equal(t, "2 violations", v.Measured)

	in.Analyses[0] = Analysis{Tool: ToolConftestK8s, Unmeasured: map[string]string{"kubernetes-policy": "conftest-k8s.json: file is empty"}}
	v = verdictOf(t, Evaluate(config.Default(), in), "kubernetes-policy")
	assert.Equal(t, gates.StatusNotEvaluated, v.Status, "hmsci-kube alone must not pass the gate")
	assert.Contains(t, v.Reason, "file is empty")
}

func TestImageGates(t *testing.T) {
	in := Inputs{Analyses: []Analysis{
		{Tool: ToolImageCheck, Source: "image-check.json",
			Checks: map[string]Check{CheckImageNonRoot: {OK: false, Detail: "the image runs as root"}},
			Findings: []gates.Finding{
				{RuleID: RuleImageRootUser, Severity: gates.SeverityHigh},
				{RuleID: RuleImageShell, Severity: gates.SeverityInfo, Path: "Dockerfile"},
			}},
		{Tool: ToolConftestImage, Findings: []gates.Finding{
			{RuleID: "image/deny", Severity: gates.SeverityHigh},
			{RuleID: "image/warn", Severity: gates.SeverityMedium},
		}},
		{Tool: ToolSign, Checks: map[string]Check{CheckImageSigned: {OK: true, Detail: "cosign signed"}}},
		{Tool: ToolVerify, Checks: map[string]Check{CheckImageSigned: {OK: false, Detail: "cosign verify exited with status 1"}}},
	}}
	verdicts := Evaluate(config.Default(), in)

	root := verdictOf(t, verdicts, "image-non-root")
	assert.Equal(t, gates.StatusFailed, root.Status)
	assert.Equal(t, "no: the image runs as root", root.Measured)

	minimal := verdictOf(t, verdicts, "image-minimal")
	assert.Equal(t, gates.StatusWarned, minimal.Status)
	assert.Equal(t, "1 tool", minimal.Measured, "the root user is not a tool")

	assert.Equal(t, "1 violation", verdictOf(t, verdicts, "image-policy").Measured)

	signed := verdictOf(t, verdicts, "image-signed")
	assert.Equal(t, gates.StatusFailed, signed.Status)
	assert.Contains(t, signed.Next, "cosign verify exited with status 1")
}

func TestImageSignedNotRun(t *testing.T) {
	in := Inputs{NotRun: []SkippedStep{{Step: "sign", Reason: "signing needs a pushed image"}}}
	v := verdictOf(t, Evaluate(config.Default(), in), "image-signed")
	assert.Equal(t, gates.StatusNotEvaluated, v.Status)
	assert.Equal(t, "step sign not run: signing needs a pushed image", v.Reason)
}

func TestChecksReportUnmeasured(t *testing.T) {
	in := Inputs{Analyses: []Analysis{{Tool: ToolNewman, Unmeasured: map[string]string{CheckMigrations: "the project has no migration commands"}}}}
	v := verdictOf(t, Evaluate(config.Default(), in), "migrations")
	assert.Equal(t, gates.StatusNotEvaluated, v.Status)
	assert.Equal(t, "result missing: newman did not measure migrations: the project has no migration commands", v.Reason)
}

func TestNewGateDefaults(t *testing.T) {
	blocking := []string{"typescript-errors", "api-tests", "e2e-tests", "migrations", "image-non-root", "image-signed",
		"kubernetes-schema", "sast-findings", "dast-findings", "terraform-misconfigurations", "kubernetes-policy", "image-policy", "sonarqube-quality-gate"}
	advisory := []string{"formatting", "go-lint-errors", "terraform-lint", "accessibility", "image-minimal", "terraform-drift"}
	g := config.Default().Gates
	for _, name := range blocking {
		s, ok := g.Setting(name)
		require.True(t, ok, name)
		assert.Equal(t, config.Blocking, s.Mode, name)
		assert.Zero(t, s.Threshold, name)
	}
	for _, name := range advisory {
		s, ok := g.Setting(name)
		require.True(t, ok, name)
		assert.Equal(t, config.Advisory, s.Mode, name)
	}
	assert.Equal(t, config.Severity("high"), g.SASTFindings.Severity)
	assert.Equal(t, config.Severity("high"), g.Accessibility.Severity)
	assert.Equal(t, config.Severity("medium"), g.TerraformLint.Severity)
}
