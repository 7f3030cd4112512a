package policy

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

func truncated(path string, format reports.Format) error {
	return &reports.ParseError{Path: path, Format: format, Line: 3, Column: 17, Err: errors.New("the report is truncated")}
}

// TestMalformedReportsFailTheirGates: reports cut in half used to leave
// every gate not evaluated, so `ci gate` exited 0.
func TestMalformedReportsFailTheirGates(t *testing.T) {
	in := Inputs{
		ReportsDir: "bad",
		ReportErrors: []error{
			truncated("bad/empty.sarif", reports.FormatSARIF),
			truncated("bad/eslint.sarif", reports.FormatSARIF),
			truncated("bad/gitleaks.sarif", reports.FormatSARIF),
			truncated("bad/lcov.info", reports.FormatLCOV),
			truncated("bad/junit-jest.xml", reports.FormatJUnit),
			truncated("bad/k6-summary.json", reports.FormatK6),
		},
	}
	r := Run(config.Default(), in, "bad")
	require.True(t, r.Blocked(), "a truncated gitleaks report must not turn the secrets gate green")

	tests := []struct {
		gate, reason, next string
	}{
		{"secrets", "report bad/gitleaks.sarif is malformed: line 3 column 17: the report is truncated", "rerun the tool that wrote bad/gitleaks.sarif"},
		{"eslint-errors", "report bad/eslint.sarif is malformed: line 3 column 17: the report is truncated", "rerun the tool that wrote bad/eslint.sarif"},
		// empty.sarif names no tool: it may be any SARIF gate's input.
		{"critical-vulnerabilities", "report bad/empty.sarif is malformed", "bad/empty.sarif names no tool"},
		{"coverage-line", "report bad/lcov.info is malformed", "rerun the tool that wrote bad/lcov.info"},
		{"unit-tests", "report bad/junit-jest.xml is malformed", "rerun the tool that wrote bad/junit-jest.xml"},
		{"response-time", "report bad/k6-summary.json is malformed", "rerun the tool that wrote bad/k6-summary.json"},
	}
	for _, tt := range tests {
		t.Run(tt.gate, func(t *testing.T) {
			v := verdictOf(t, r.Verdicts, tt.gate)
			assert.Equal(t, gates.StatusFailed, v.Status)
			assert.Contains(t, v.Reason, tt.reason)
			assert.Contains(t, v.Next, tt.next)
			assert.Equal(t, "not measured", v.Measured)
		})
	}

	secrets := verdictOf(t, r.Verdicts, "secrets")
	assert.NotContains(t, secrets.Reason, "empty.sarif", "only reports of the secrets tools count")
	assert.NotContains(t, secrets.Reason, "eslint.sarif")
	// The JUnit report of jest is not the newman or Playwright report.
	assert.NotContains(t, verdictOf(t, r.Verdicts, "api-tests").Reason, "junit-jest.xml")
}

func TestMalformedReportFailsGateWithPartialValue(t *testing.T) {
	in := Inputs{
		Reports:      []*reports.Report{sarif("out/trivy.sarif", []string{"Trivy"})},
		ReportErrors: []error{truncated("out/gitleaks.sarif", reports.FormatSARIF), truncated("out/other.sarif", reports.FormatSARIF)},
	}
	verdicts := Evaluate(config.Default(), in)
	secrets := verdictOf(t, verdicts, "secrets")
	assert.Equal(t, gates.StatusFailed, secrets.Status)
	assert.Equal(t, "0 findings (incomplete)", secrets.Measured)
	assert.Contains(t, secrets.Reason, "out/gitleaks.sarif")
	assert.NotContains(t, secrets.Reason, "other.sarif", "a report that names no tool does not fail a gate that has a value")
	assert.Equal(t, []string{"out/trivy.sarif"}, secrets.Reports)

	vulns := verdictOf(t, verdicts, "critical-vulnerabilities")
	assert.Equal(t, gates.StatusPassed, vulns.Status, "the gitleaks report does not feed the vulnerability gate")
}

func TestMalformedReportOfAdvisoryGateIsAdvisoryFailure(t *testing.T) {
	p := config.Default()
	p.Gates.Secrets.Mode = config.Advisory
	r := Run(p, Inputs{ReportErrors: []error{truncated("steps/gitleaks/gitleaks.sarif", reports.FormatSARIF)}}, ".")
	v := verdictOf(t, r.Verdicts, "secrets")
	assert.Equal(t, gates.StatusWarned, v.Status)
	assert.Contains(t, v.Reason, "steps/gitleaks/gitleaks.sarif")
}

// TestErroredStepFailsItsGates: a phi-scan that errored on a missing
// allowlist used to leave the PHI gates not evaluated.
func TestErroredStepFailsItsGates(t *testing.T) {
	in := Inputs{NotRun: []SkippedStep{
		{Step: "phi-scan", Reason: `errored: scan for PHI: read allowlist "phi-allowlist.yml": no such file or directory`},
		{Step: "gitleaks", Reason: "no Dagger engine"},
		{Step: "sonarqube", Reason: "skipped: disabled in hmsci.yaml"},
	}}
	r := Run(config.Default(), in, ".")
	require.True(t, r.Blocked())

	phi := verdictOf(t, r.Verdicts, "phi-exposure")
	assert.Equal(t, gates.StatusFailed, phi.Status)
	assert.Equal(t, `step phi-scan errored: scan for PHI: read allowlist "phi-allowlist.yml": no such file or directory`, phi.Reason)
	assert.Contains(t, phi.Next, "fix what made step phi-scan fail")
	assert.Equal(t, gates.StatusFailed, verdictOf(t, r.Verdicts, "hipaa-critical").Status, "phi-scan feeds hipaa-critical too")

	secrets := verdictOf(t, r.Verdicts, "secrets")
	assert.Equal(t, gates.StatusNotEvaluated, secrets.Status, "a step that could not run is no failure")
	assert.Equal(t, "step gitleaks not run: no Dagger engine", secrets.Reason)
	assert.Equal(t, "run under a Dagger engine so that step gitleaks runs: `dagger run go run ./ci pipeline ...`", secrets.Next)

	sonar := verdictOf(t, r.Verdicts, "sonarqube-quality-gate")
	assert.Equal(t, gates.StatusNotEvaluated, sonar.Status)
	assert.Equal(t, "enable step sonarqube in the policy, or disable this gate", sonar.Next)
}

func TestBrokenAnalysisFailsItsGate(t *testing.T) {
	parseErr := errors.New(`parse tsc report "steps/tsc/tsc.txt" line 4: unexpected text`)
	in := Inputs{
		ReportErrors: []error{parseErr},
		Analyses: []Analysis{
			{Tool: ToolTSC, Unmeasured: map[string]string{"typescript-errors": parseErr.Error()}},
			{Tool: ToolNewman, Unmeasured: map[string]string{CheckMigrations: "the project has no migration commands"}},
		},
	}
	verdicts := Evaluate(config.Default(), in)
	tsc := verdictOf(t, verdicts, "typescript-errors")
	assert.Equal(t, gates.StatusFailed, tsc.Status)
	assert.Contains(t, tsc.Reason, "steps/tsc/tsc.txt")

	migrations := verdictOf(t, verdicts, "migrations")
	assert.Equal(t, gates.StatusNotEvaluated, migrations.Status, "a tool that had nothing to measure is no failure")
}

// TestRunIsDeterministic: reasons and notes used to list steps in the
// order in which they finished.
func TestRunIsDeterministic(t *testing.T) {
	steps := []SkippedStep{
		{Step: "newman", Reason: "no Dagger engine"},
		{Step: "playwright", Reason: "no Dagger engine"},
		{Step: "go-test", Reason: "skipped: no go.mod at the source root"},
		{Step: "jest", Reason: "no Dagger engine"},
		{Step: "trivy-fs", Reason: "no Dagger engine"},
		{Step: "snyk", Reason: "skipped: no token"},
	}
	errs := []error{errors.New("step b: broken"), errors.New("step a: broken")}
	first := Run(config.Default(), Inputs{NotRun: steps, ReportErrors: errs}, ".")

	reversed := make([]SkippedStep, len(steps))
	for i, s := range steps {
		reversed[len(steps)-1-i] = s
	}
	second := Run(config.Default(), Inputs{NotRun: reversed, ReportErrors: []error{errs[1], errs[0]}}, ".")
	assert.Equal(t, first, second)

	tests := verdictOf(t, first.Verdicts, "unit-tests")
	assert.Equal(t, "step jest not run: no Dagger engine", tests.Reason)
	assert.Contains(t, first.Notes, "steps jest, newman, playwright, trivy-fs not run: no Dagger engine")
}

// TestDisabledGateStaysVisible: a disabled gate used to vanish from every
// rendering.
func TestDisabledGateStaysVisible(t *testing.T) {
	p := config.Default()
	p.Source = "weak.yaml"
	p.Gates.PHIExposure.Enabled = false
	p.Gates.Secrets.Mode = config.Advisory
	p.Gates.HIPAACritical.Threshold = 1000000
	p.Gates.CoverageLine.Threshold = 50

	r := Run(p, Inputs{}, ".")
	phi := verdictOf(t, r.Verdicts, "phi-exposure")
	assert.Equal(t, gates.StatusNotEvaluated, phi.Status)
	assert.Equal(t, "disabled in weak.yaml (enabled by default)", phi.Reason)
	assert.Equal(t, "set gates.phi-exposure.enabled: true in weak.yaml to check it again", phi.Next)
	assert.False(t, r.Blocked())

	var names []string
	for _, v := range r.Verdicts {
		names = append(names, v.Gate)
	}
	assert.Equal(t, config.GateNames(), names, "verdicts keep the policy's gate order")

	assert.Subset(t, r.Notes, []string{
		"PHI exposure: disabled in weak.yaml",
		"Secrets: advisory in weak.yaml (blocking by default)",
		"HIPAA critical violations: threshold <= 1000000 findings in weak.yaml (default <= 0 findings)",
		"Line coverage: threshold >= 50 % in weak.yaml (default >= 85 %)",
	})

	assert.Len(t, Evaluate(p, Inputs{}), len(config.GateNames())-1, "Evaluate still returns enabled gates only")
	assert.Empty(t, weakenedGates(config.Default()))
}

// TestVerdictReportsArePaths: verdict reports used to hold descriptions
// and comma-joined lists.
func TestVerdictReportsArePaths(t *testing.T) {
	in := Inputs{Analyses: []Analysis{
		{Tool: ToolPHI, Source: "91 files, 252809 bytes"},
		{Tool: ToolKube, Source: "deploy/k8s/b.yaml, deploy/k8s/a.yaml"},
		{Tool: ToolTerraform, Source: "2 modules", Paths: []string{"deploy/terraform"}},
	}}
	verdicts := Evaluate(config.Default(), in)
	assert.Empty(t, verdictOf(t, verdicts, "phi-exposure").Reports)
	assert.Equal(t, []string{"deploy/k8s/a.yaml", "deploy/k8s/b.yaml"}, verdictOf(t, verdicts, "pss-restricted").Reports)
	assert.Equal(t, []string{"deploy/k8s/a.yaml", "deploy/k8s/b.yaml", "deploy/terraform"}, verdictOf(t, verdicts, "infrastructure-critical").Reports)
}

// TestLighthouseScoreUnits: a Lighthouse score (0 to 100) is no
// percentage.
func TestLighthouseScoreUnits(t *testing.T) {
	perf := 72.0
	in := Inputs{Reports: []*reports.Report{{Path: "lh/report.json", Format: reports.FormatLighthouse, Lighthouse: &reports.Lighthouse{URL: "http://127.0.0.1:3000/", Performance: &perf}}}}
	v := verdictOf(t, Evaluate(config.Default(), in), "lighthouse-performance")
	assert.Equal(t, ">= 90 of 100", v.Threshold)
	assert.Equal(t, "72 of 100 (http://127.0.0.1:3000/)", v.Measured)

	p := config.Default()
	for _, tt := range []struct{ gate, want string }{
		{"lighthouse-performance", ">= 90 of 100"},
		{"unit-tests", "<= 0 failing"},
		{"coverage-line", ">= 85 %"},
		{"phi-encrypted", "required"},
	} {
		s, ok := p.Gates.Setting(tt.gate)
		require.True(t, ok)
		assert.Equal(t, tt.want, ThresholdText(s), tt.gate)
	}
}

func TestErroredStepWithMalformedReportNamedOnce(t *testing.T) {
	in := Inputs{
		ReportErrors: []error{truncated("out/steps/gitleaks/gitleaks.sarif", reports.FormatSARIF)},
		NotRun:       []SkippedStep{{Step: "gitleaks", Reason: `errored: 1 report(s) could not be parsed, first: parse sarif report "out/steps/gitleaks/gitleaks.sarif" line 3 column 17: the report is truncated`}},
	}
	v := verdictOf(t, Evaluate(config.Default(), in), "secrets")
	assert.Equal(t, gates.StatusFailed, v.Status)
	assert.Equal(t, "report out/steps/gitleaks/gitleaks.sarif is malformed: line 3 column 17: the report is truncated", v.Reason)
}

func TestErroredStepWithBrokenAnalysisNamedOnce(t *testing.T) {
	parseErr := errors.New(`parse tsc report "steps/tsc/tsc.txt" line 4: unexpected text`)
	in := Inputs{
		ReportErrors: []error{parseErr},
		Analyses:     []Analysis{{Tool: ToolTSC, Unmeasured: map[string]string{"typescript-errors": parseErr.Error()}}},
		NotRun:       []SkippedStep{{Step: ToolTSC, Reason: "errored: 1 report(s) could not be parsed, first: " + parseErr.Error()}},
	}
	v := verdictOf(t, Evaluate(config.Default(), in), "typescript-errors")
	assert.Equal(t, gates.StatusFailed, v.Status)
	assert.Equal(t, parseErr.Error(), v.Reason)
}
