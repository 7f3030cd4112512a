package policy

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

func verdictOf(t *testing.T, verdicts []gates.Verdict, gate string) gates.Verdict {
	t.Helper()
	for _, v := range verdicts {
		if v.Gate == gate {
			return v
		}
	}
	require.Failf(t, "verdict missing", "no verdict for gate %s", gate)
	return gates.Verdict{}
}

func lcov(path string, files ...reports.FileCoverage) *reports.Report {
	return &reports.Report{Path: path, Format: reports.FormatLCOV, Coverage: &reports.Coverage{Unit: reports.CoverageUnitLines, Files: files}}
}

func sarif(path string, tools []string, findings ...gates.Finding) *reports.Report {
	return &reports.Report{Path: path, Format: reports.FormatSARIF, SARIF: &reports.SARIFSummary{Tools: tools, Findings: findings}}
}

func level(l string) map[string]any { return map[string]any{reports.PropertySARIFLevel: l} }

func TestEvaluateCoverage(t *testing.T) {
	in := Inputs{
		Root: "/src/app",
		Reports: []*reports.Report{
			lcov("coverage/lcov.info",
				reports.FileCoverage{Path: "/src/app/src/patients/service.ts", LinesFound: 100, LinesHit: 61, BranchesFound: 10, BranchesHit: 9},
				reports.FileCoverage{Path: "src/billing/invoice.ts", LinesFound: 100, LinesHit: 99, BranchesFound: 10, BranchesHit: 9},
			),
			// The same file again from the Cobertura twin must count once.
			{Path: "coverage/cobertura-coverage.xml", Format: reports.FormatCobertura, Coverage: &reports.Coverage{Files: []reports.FileCoverage{
				{Path: "src/billing/invoice.ts", LinesFound: 100, LinesHit: 0},
			}}},
		},
	}
	verdicts := Evaluate(config.Default(), in)

	line := verdictOf(t, verdicts, "coverage-line")
	assert.Equal(t, gates.StatusFailed, line.Status)
	require.NotNil(t, line.Value)
	assert.InDelta(t, 80.0, *line.Value, 1e-9)
	assert.Equal(t, "80.00 % (160/200 lines)", line.Measured)
	assert.Equal(t, ">= 85 %", line.Threshold)
	assert.Equal(t, gates.ModeBlocking, line.Mode)
	assert.Equal(t, []string{"coverage/cobertura-coverage.xml", "coverage/lcov.info"}, line.Reports)
	assert.Equal(t, "add tests for src/patients/service.ts (61.0 % lines, 39 uncovered), src/billing/invoice.ts (99.0 % lines, 1 uncovered)", line.Next)

	branch := verdictOf(t, verdicts, "coverage-branch")
	assert.Equal(t, gates.StatusPassed, branch.Status)
	assert.Equal(t, "90.00 % (18/20 branches)", branch.Measured)
	assert.Empty(t, branch.Next)

	phi := verdictOf(t, verdicts, "coverage-phi-modules")
	assert.Equal(t, gates.StatusFailed, phi.Status)
	assert.Equal(t, "61.00 % (**/patient*/**, 1 files)", phi.Measured)
	assert.Contains(t, phi.Next, "**/patient*/** is at 61.00 % of 95 %")
}

func TestEvaluatePHICoverageOverrides(t *testing.T) {
	p := config.Default()
	p.Gates.CoveragePHIModules.Paths = []config.Glob{"src/phi/**"}
	p.Gates.CoveragePHIModules.Overrides = []config.GlobThreshold{
		{Glob: "src/phi/**", Threshold: 90},
		{Glob: "src/phi/crypto/**", Threshold: 100},
	}
	in := Inputs{Reports: []*reports.Report{lcov("lcov.info",
		reports.FileCoverage{Path: "src/phi/mask.ts", LinesFound: 100, LinesHit: 92},
		reports.FileCoverage{Path: "src/phi/crypto/aes.ts", LinesFound: 50, LinesHit: 50},
	)}}
	v := verdictOf(t, Evaluate(p, in), "coverage-phi-modules")
	assert.Equal(t, gates.StatusPassed, v.Status, "src/phi/** at 94.67 %% passes its override of 90 %%")
	assert.Equal(t, "94.67 % (src/phi/**, 2 files)", v.Measured)

	p.Gates.CoveragePHIModules.Overrides[1].Threshold = 100
	in.Reports[0].Coverage.Files[1].LinesHit = 49
	v = verdictOf(t, Evaluate(p, in), "coverage-phi-modules")
	assert.Equal(t, gates.StatusFailed, v.Status)
	assert.Contains(t, v.Next, "src/phi/crypto/** is at 98.00 % of 100 %")
}

func TestEvaluateNotEvaluatedReasons(t *testing.T) {
	p := config.Default()
	in := Inputs{
		ReportsDir:   "hmsci-reports/",
		FilesScanned: 7,
		ReportErrors: []error{&reports.ParseError{Path: "hmsci-reports/lcov.info", Format: reports.FormatLCOV, Line: 12, Err: errors.New("invalid DA record")}},
		NotRun:       []SkippedStep{{Step: "stryker", Reason: "no Dagger engine"}},
	}
	verdicts := Evaluate(p, in)
	require.Len(t, verdicts, len(config.GateNames()))

	// A malformed coverage report fails the coverage gates (fail closed).
	for _, gate := range []string{"coverage-line", "coverage-branch", "coverage-phi-modules"} {
		v := verdictOf(t, verdicts, gate)
		assert.Equal(t, gates.StatusFailed, v.Status, gate)
		assert.Equal(t, `report hmsci-reports/lcov.info is malformed: line 12: invalid DA record`, v.Reason, gate)
		assert.Nil(t, v.Value)
		assert.Equal(t, "not measured", v.Measured)
		assert.Contains(t, v.Next, "rerun the tool that wrote hmsci-reports/lcov.info")
	}

	mutation := verdictOf(t, verdicts, "mutation-score")
	assert.Equal(t, "step stryker not run: no Dagger engine", mutation.Reason)

	secrets := verdictOf(t, verdicts, "secrets")
	assert.Equal(t, "report missing: no gitleaks or Trivy SARIF report among 7 files in hmsci-reports/", secrets.Reason)
	assert.Contains(t, secrets.Next, "run step gitleaks or trivy-fs")

	for _, v := range verdicts {
		if strings.HasPrefix(v.Gate, "coverage-") {
			continue
		}
		assert.Equal(t, gates.StatusNotEvaluated, v.Status, v.Gate)
		assert.NotEmpty(t, v.Reason, v.Gate)
	}
}

func TestEvaluateFindingGates(t *testing.T) {
	p := config.Default()
	p.Gates.CriticalVulnerabilities.Severity = "high"
	in := Inputs{
		Root: "/work/app",
		Reports: []*reports.Report{
			sarif("gitleaks.sarif", []string{"gitleaks"},
				gates.Finding{Tool: "gitleaks", RuleID: "aws-access-token", Severity: gates.SeverityHigh, Path: "/work/app/config/prod.env", Line: 3},
				gates.Finding{Tool: "gitleaks", RuleID: "generic-api-key", Severity: gates.SeverityHigh, Path: "test/fixture.txt", Suppressed: true},
			),
			sarif("trivy.sarif", []string{"Trivy"},
				gates.Finding{Tool: "Trivy", RuleID: "CVE-2024-1234", Severity: gates.SeverityCritical, Path: "package-lock.json"},
				gates.Finding{Tool: "Trivy", RuleID: "CVE-2024-9999", Severity: gates.SeverityMedium, Path: "package-lock.json"},
				gates.Finding{Tool: "Trivy", RuleID: "github-pat", Severity: gates.SeverityCritical, Path: "scripts/deploy.sh", Line: 9},
				gates.Finding{Tool: "Trivy", RuleID: "AVD-KSV-0017", Severity: gates.SeverityHigh, Path: "k8s/deploy.yaml"},
			),
			sarif("eslint.sarif", []string{"ESLint"},
				gates.Finding{Tool: "ESLint", RuleID: "no-eval", Severity: gates.SeverityHigh, Path: "src/a.ts", Line: 1, Properties: level("error")},
				gates.Finding{Tool: "ESLint", RuleID: "no-unused-vars", Severity: gates.SeverityMedium, Path: "src/a.ts", Line: 2, Properties: level("warning")},
			),
		},
		Analyses: []Analysis{{
			Tool: ToolKube,
			Findings: []gates.Finding{
				{RuleID: "kube/pss-run-as-non-root", Severity: gates.SeverityMedium, Path: "k8s/prod/api.yaml", Line: 12},
				{RuleID: "kube/pss-run-as-non-root", Severity: gates.SeverityMedium, Path: "k8s/dev/api.yaml", Line: 12},
				{RuleID: "kube/rbac-cluster-admin-binding", Severity: gates.SeverityCritical, Path: "k8s/prod/rbac.yaml", Line: 4},
			},
		}},
	}
	verdicts := Evaluate(p, in)

	secrets := verdictOf(t, verdicts, "secrets")
	assert.Equal(t, gates.StatusFailed, secrets.Status)
	assert.Equal(t, "2 findings", secrets.Measured, "gitleaks and the Trivy secret, not the suppressed one")
	assert.Equal(t, "<= 0 findings", secrets.Threshold)
	assert.Contains(t, secrets.Next, "config/prod.env:3 (gitleaks aws-access-token)", "absolute path made relative")
	assert.Contains(t, secrets.Next, "scripts/deploy.sh:9 (Trivy github-pat)")
	assert.ElementsMatch(t, []string{"gitleaks.sarif", "trivy.sarif"}, secrets.Reports)

	vulns := verdictOf(t, verdicts, "critical-vulnerabilities")
	assert.Equal(t, "1 finding", vulns.Measured, "the medium CVE is below the policy severity high")

	eslint := verdictOf(t, verdicts, "eslint-errors")
	assert.Equal(t, "1 error", eslint.Measured)
	assert.Contains(t, eslint.Next, "src/a.ts:1 (ESLint no-eval)")

	pss := verdictOf(t, verdicts, "pss-restricted")
	assert.Equal(t, "1 violation", pss.Measured, "only the manifest under a production path")

	infra := verdictOf(t, verdicts, "infrastructure-critical")
	assert.Equal(t, "1 finding", infra.Measured, "only the critical RBAC finding")
	assert.Equal(t, gates.StatusFailed, infra.Status)
}

func TestEvaluateAdvisoryAndDisabled(t *testing.T) {
	p := config.Default()
	p.Gates.Secrets.Mode = config.Advisory
	p.Gates.ESLintErrors.Enabled = false
	in := Inputs{Reports: []*reports.Report{
		sarif("gitleaks.sarif", []string{"gitleaks"}, gates.Finding{Tool: "gitleaks", RuleID: "x", Severity: gates.SeverityHigh}),
	}}
	verdicts := Evaluate(p, in)
	secrets := verdictOf(t, verdicts, "secrets")
	assert.Equal(t, gates.StatusWarned, secrets.Status)
	assert.Equal(t, gates.ModeAdvisory, secrets.Mode)
	assert.Contains(t, secrets.Next, "(no location)")
	for _, v := range verdicts {
		assert.NotEqual(t, "eslint-errors", v.Gate)
	}
	assert.Len(t, verdicts, len(config.GateNames())-1)
}

func TestEvaluateCleanScanPasses(t *testing.T) {
	in := Inputs{Reports: []*reports.Report{sarif("gitleaks.sarif", []string{"gitleaks"})}}
	v := verdictOf(t, Evaluate(config.Default(), in), "secrets")
	assert.Equal(t, gates.StatusPassed, v.Status)
	assert.Equal(t, "0 findings", v.Measured)
}

func TestEvaluateTestsMutationLoadLighthouse(t *testing.T) {
	checks := 0.9995
	perf, a11y := 88.0, 100.0
	in := Inputs{Reports: []*reports.Report{
		{Path: "junit.xml", Format: reports.FormatJUnit, Tests: &reports.TestSummary{Cases: []reports.TestCase{
			{Suite: "PatientService", Name: "masks SSN", Status: "failed", File: "src/patients/service.test.ts"},
			{Suite: "PatientService", Name: "loads", Status: "passed"},
			{Suite: "Billing", Name: "skips", Status: "skipped"},
		}}},
		{Path: "mutation.json", Format: reports.FormatStryker, Mutation: &reports.Mutation{Files: []reports.FileMutation{
			{Path: "src/phi/mask.ts", Detected: 45, Undetected: 5},
			{Path: "src/ui/button.ts", Detected: 0, Undetected: 50},
		}}},
		{Path: "k6-summary.json", Format: reports.FormatK6, Load: &reports.LoadSummary{P95Millis: 1850.5, ErrorRate: 0.002, RequestsPerSecond: 950, Requests: 28500, ChecksPassRate: &checks}},
		{Path: "lighthouse.json", Format: reports.FormatLighthouse, Lighthouse: &reports.Lighthouse{URL: "http://127.0.0.1:3000/", Performance: &perf, Accessibility: &a11y}},
	}}
	p := config.Default()
	p.Gates.MutationScore.Paths = []config.Glob{"src/phi/**"}
	verdicts := Evaluate(p, in)

	tests := verdictOf(t, verdicts, "unit-tests")
	assert.Equal(t, gates.StatusFailed, tests.Status)
	assert.Equal(t, "1 failing of 3", tests.Measured)
	assert.Equal(t, "fix the failing tests: PatientService › masks SSN (src/patients/service.test.ts)", tests.Next)

	mutation := verdictOf(t, verdicts, "mutation-score")
	assert.Equal(t, gates.StatusPassed, mutation.Status, "src/ui is outside the critical paths")
	assert.Equal(t, "90.00 % (45/50 mutants detected)", mutation.Measured)

	rt := verdictOf(t, verdicts, "response-time")
	assert.Equal(t, gates.StatusPassed, rt.Status)
	assert.Equal(t, "1850.5 ms", rt.Measured)
	assert.Equal(t, "< 2000 ms", rt.Threshold)

	errRate := verdictOf(t, verdicts, "error-rate")
	assert.Equal(t, gates.StatusFailed, errRate.Status)
	assert.Equal(t, "0.200 %", errRate.Measured)

	avail := verdictOf(t, verdicts, "availability")
	assert.Equal(t, gates.StatusPassed, avail.Status, "checks pass rate 99.95 %%")

	rps := verdictOf(t, verdicts, "throughput")
	assert.Equal(t, gates.StatusFailed, rps.Status)
	assert.Equal(t, "950 requests/s", rps.Measured)

	lhPerf := verdictOf(t, verdicts, "lighthouse-performance")
	assert.Equal(t, gates.StatusFailed, lhPerf.Status)
	assert.Equal(t, "88 of 100 (http://127.0.0.1:3000/)", lhPerf.Measured)
	assert.Equal(t, ">= 90 of 100", lhPerf.Threshold)
	assert.Equal(t, gates.StatusPassed, verdictOf(t, verdicts, "lighthouse-accessibility").Status)
}

func TestEvaluateNativeAnalyses(t *testing.T) {
	p := config.Default()
	p.Gates.FHIRConformance.Paths = []config.Glob{"fhir/core/**"}
	in := Inputs{Analyses: []Analysis{
		{Tool: ToolHIPAA, Source: "src/", Ratios: map[string]Ratio{RatioAuditTrail: {Passed: 9, Total: 10}},
			Checks: map[string]Check{
				CheckPHIEncrypted: {OK: true, Detail: "all 4 PHI columns encrypted"},
				CheckRBACEnforced: {OK: false, Detail: "GET /patients/:id has no role check"},
			}},
		{Tool: ToolFHIR, Source: "fhir/", Ratios: map[string]Ratio{RatioFHIRConformance: {Passed: 98, Total: 100}},
			Findings: []gates.Finding{{RuleID: "fhir/required-element", Severity: gates.SeverityHigh, Path: "fhir/core/patient.json"}}},
		{Tool: ToolPHI, Findings: []gates.Finding{
			{RuleID: "phi/ssn", Severity: gates.SeverityCritical, Path: "src/log.ts", Line: 4, Snippet: "***-**-1234"},
			{RuleID: "phi/mrn", Severity: gates.SeverityHigh, Path: "test/fixtures/p.json", Properties: map[string]any{PropertyBlocking: false}},
		}},
	}}
	verdicts := Evaluate(p, in)

	audit := verdictOf(t, verdicts, "audit-trail")
	assert.Equal(t, gates.StatusFailed, audit.Status)
	assert.Equal(t, "90.00 % (9/10)", audit.Measured)
	assert.Equal(t, []string{"src/"}, audit.Reports)

	enc := verdictOf(t, verdicts, "phi-encrypted")
	assert.Equal(t, gates.StatusPassed, enc.Status)
	assert.Equal(t, "yes: all 4 PHI columns encrypted", enc.Measured)
	assert.Equal(t, "required", enc.Threshold)

	rbac := verdictOf(t, verdicts, "rbac-enforced")
	assert.Equal(t, gates.StatusFailed, rbac.Status)
	assert.Equal(t, "GET /patients/:id has no role check", rbac.Next)

	masked := verdictOf(t, verdicts, "phi-masked")
	assert.Equal(t, gates.StatusNotEvaluated, masked.Status)

	fhir := verdictOf(t, verdicts, "fhir-conformance")
	assert.Equal(t, gates.StatusFailed, fhir.Status, "98 %% passes the ratio, but an error sits in a blocking path")
	assert.Contains(t, fhir.Measured, "1 errors in blocking paths")

	exposure := verdictOf(t, verdicts, "phi-exposure")
	assert.Equal(t, "1 finding", exposure.Measured, "the synthetic fixture is non-blocking")
	hipaa := verdictOf(t, verdicts, "hipaa-critical")
	assert.Equal(t, "1 finding", hipaa.Measured, "the critical SSN finding")
}

func TestEvaluateLicenses(t *testing.T) {
	sbom := &reports.Report{Path: "bom.cdx.json", Format: reports.FormatCycloneDX, SBOM: &reports.SBOM{Components: []reports.Component{
		{Name: "left-pad", Version: "1.0.0", Licenses: []string{"MIT"}},
		{Name: "dual", Version: "2.0.0", Licenses: []string{"(AGPL-3.0-only OR MIT)"}},
		{Group: "@acme", Name: "server", Version: "3.1.0", Licenses: []string{"AGPL-3.0-or-later"}},
		{Name: "unknown", Version: "0.1.0"},
	}}}
	tests := []struct {
		name  string
		deny  []config.SPDXID
		allow []config.SPDXID
		want  string
	}{
		{name: "default deny list", deny: config.Default().Gates.Licenses.Deny, want: "1 of 4 components"},
		{name: "allow list rejects unlicensed", allow: []config.SPDXID{"MIT", "AGPL-3.0-or-later"}, want: "1 of 4 components"},
		{name: "plus form", deny: []config.SPDXID{"agpl-3.0+"}, want: "1 of 4 components"},
		{name: "nothing denied", want: "0 of 4 components"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := config.Default()
			p.Gates.Licenses.Deny, p.Gates.Licenses.Allow = tt.deny, tt.allow
			v := verdictOf(t, Evaluate(p, Inputs{Reports: []*reports.Report{sbom}}), "licenses")
			assert.Equal(t, tt.want, v.Measured)
		})
	}
	p := config.Default()
	v := verdictOf(t, Evaluate(p, Inputs{Reports: []*reports.Report{sbom}}), "licenses")
	assert.Equal(t, "replace or get a licence exception for @acme/server@3.1.0 (AGPL-3.0-or-later)", v.Next)
}

func TestRunCollectsFindingsAndNotes(t *testing.T) {
	big := sarif("big.sarif", []string{"gitleaks"}, gates.Finding{Tool: "gitleaks", RuleID: "a"})
	big.SARIF.FindingsOmitted = 5
	in := Inputs{
		Reports:      []*reports.Report{big},
		ReportErrors: []error{errors.New("parse report \"x.sarif\": boom")},
		NotRun:       []SkippedStep{{Step: "k6", Reason: "no Dagger engine"}},
		Analyses:     []Analysis{{Tool: ToolPHI, Findings: []gates.Finding{{RuleID: "phi/ssn"}}}},
	}
	r := Run(config.Default(), in, ".")
	assert.Len(t, r.Findings, 2)
	assert.Equal(t, ToolPHI, r.Findings[1].Tool, "analysis tool filled in")
	assert.Equal(t, []string{"big.sarif"}, r.Reports)
	require.Len(t, r.Notes, 3)
	assert.Contains(t, r.Notes[1], "only the first 1 of 6 findings")
	assert.Equal(t, "step k6 not run: no Dagger engine", r.Notes[2])
	assert.True(t, r.Blocked())
}

func TestTallySARIFCountsAll(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"gitleaks","rules":[{"id":"aws"}]}},"results":[`)
	for i := 0; i < 25; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"ruleId":"aws","level":"error","message":{"text":"secret"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a.env"},"region":{"startLine":1}}}]}`)
	}
	b.WriteString(`]}]}`)
	tally, err := TallySARIF(config.Default(), "", "big.sarif", strings.NewReader(b.String()))
	require.NoError(t, err)
	assert.Equal(t, 25, tally.Counts["secrets"])
	assert.Len(t, tally.Worst["secrets"], maxWorst)

	rep := sarif("big.sarif", []string{"gitleaks"})
	rep.SARIF.FindingsOmitted = 25
	v := verdictOf(t, Evaluate(config.Default(), Inputs{Reports: []*reports.Report{rep}, SARIFTallies: map[string]*Tally{"big.sarif": tally}}), "secrets")
	assert.Equal(t, "25 findings", v.Measured)
	assert.Contains(t, v.Next, "and 22 more")

	_, err = TallySARIF(config.Default(), "", "cut.sarif", strings.NewReader(b.String()[:200]))
	require.Error(t, err)
}

func TestClassify(t *testing.T) {
	tests := []struct {
		tool, rule string
		want       Category
	}{
		{"gitleaks", "aws-access-token", CategorySecret},
		{"Trivy", "CVE-2023-44487", CategoryVulnerability},
		{"Trivy", "GHSA-abcd-1234-wxyz", CategoryVulnerability},
		{"Trivy", "AVD-KSV-0014", CategoryInfrastructure},
		{"Trivy", "DS002", CategoryInfrastructure},
		{"Trivy", "private-key", CategorySecret},
		{"ESLint", "no-eval", CategoryLint},
		{"Semgrep OSS", "javascript.express.xss", CategoryVulnerability},
		{"osv-scanner", "GHSA-x", CategoryVulnerability},
		{"hmsci-kube", "kube/pss-privileged", CategoryInfrastructure},
		{"golangci-lint", "errcheck", CategoryOther},
	}
	for _, tt := range tests {
		f := gates.Finding{Tool: tt.tool, RuleID: tt.rule}
		assert.Equal(t, tt.want, Classify(&f), "%s %s", tt.tool, tt.rule)
	}
}

func TestRelativePath(t *testing.T) {
	assert.Equal(t, "src/a.ts", relativePath("/repo", "/repo/src/a.ts"))
	assert.Equal(t, "src/a.ts", relativePath("/repo/", "file:///repo/src/a.ts"))
	assert.Equal(t, "src/a.ts", relativePath("", "./src/a.ts"))
	assert.Equal(t, "/elsewhere/a.ts", relativePath("/repo", "/elsewhere/a.ts"))
	assert.Equal(t, "", relativePath("/repo", ""))
}

func TestGateSpecsMatchPolicy(t *testing.T) {
	names := config.GateNames()
	require.Len(t, gateSpecs, len(names))
	steps := config.StepNames()
	for i, spec := range gateSpecs {
		assert.Equal(t, names[i], spec.name, "gate %d in policy order", i)
		assert.NotEmpty(t, spec.title, spec.name)
		assert.NotNil(t, spec.measure, spec.name)
		for _, step := range spec.steps {
			assert.Contains(t, steps, step, "gate %s names step %s", spec.name, step)
		}
	}
	for _, fg := range findingGates {
		_, ok := specFor(fg.gate)
		assert.True(t, ok, "finding gate %s has a spec", fg.gate)
	}
}
