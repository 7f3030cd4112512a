package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

func sampleResult() *gates.Result {
	v := 61.2
	return &gates.Result{
		Source: "examples/hms-app",
		Phases: []gates.PhaseResult{{Name: "testing", Steps: []gates.StepResult{
			{Name: "jest", Phase: "testing", Status: gates.StepSucceeded, Duration: 12*time.Second + 340*time.Millisecond, Reports: []string{"coverage/lcov.info"}},
			{Name: "k6", Phase: "testing", Status: gates.StepNotRun, Reason: "no Dagger engine"},
		}}},
		Verdicts: []gates.Verdict{
			{Gate: "coverage-line", Title: "Line coverage", Status: gates.StatusFailed, Mode: gates.ModeBlocking, Measured: "61.20 %", Value: &v, Threshold: ">= 85 %", Reports: []string{"coverage/lcov.info"}, Next: "add tests for src/patients|service.ts\n(61.2 % lines)"},
			{Gate: "secrets", Title: "Secrets", Status: gates.StatusWarned, Mode: gates.ModeAdvisory, Measured: "1 findings", Threshold: "<= 0 findings", Next: "remove the secret"},
			{Gate: "eslint-errors", Title: "ESLint errors", Status: gates.StatusPassed, Mode: gates.ModeBlocking, Measured: "0 errors", Threshold: "<= 0 errors"},
			{Gate: "response-time", Title: "Response time p95", Status: gates.StatusNotEvaluated, Mode: gates.ModeBlocking, Threshold: "< 2000 ms", Reason: "step k6 not run: no Dagger engine"},
			{Gate: "audit-trail", Title: "Audit trail <coverage>", Status: gates.StatusPassed, Mode: gates.ModeBlocking, Measured: "100.00 %", Threshold: ">= 100 %"},
		},
		Findings: []gates.Finding{
			{Tool: "gitleaks", RuleID: "aws-access-token", Severity: gates.SeverityHigh, Message: "AWS key AKIAIOSFODNN7EXAMPLE found", Path: "config/prod env.txt", Line: 3, Column: 5, EndLine: 3, EndColumn: 25},
			{Tool: "hmsci-phi", RuleID: "phi/ssn", Severity: gates.SeverityCritical, Message: "SSN in log call", Path: "src/log.ts", Line: 4, Snippet: "logger.info(`***-**-1234`)"},
			{Tool: "hmsci-phi", RuleID: "phi/ssn", Severity: gates.SeverityMedium, Message: "SSN in fixture", Path: "test/fixture.json", Suppressed: true, SuppressionReason: "baseline: synthetic data"},
			{Tool: "Trivy", RuleID: "CVE-2024-1234", Severity: gates.SeverityCritical, Message: "lodash <b>", Path: "/outside/package-lock.json"},
			{Tool: "ESLint", RuleID: "", Severity: gates.SeverityLow, Message: "no rule"},
		},
		Notes: []string{"parse lcov report \"x\" line 3: bad"},
	}
}

func TestMarkdown(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, sampleResult()))
	out := b.String()
	assert.True(t, strings.HasPrefix(out, "## ❌ hmsci: blocked by 1 failing gate\n"))
	assert.Contains(t, out, "2 passed, 1 failed, 1 advisory failures, 1 not evaluated")
	assert.Contains(t, out, "| Audit trail &lt;coverage&gt; |")
	assert.Contains(t, out, "lodash &lt;b&gt;")
	assert.Contains(t, out, "| Line coverage | ❌ failed | 61.20 % | &gt;= 85 % | blocking | add tests for src/patients\\|service.ts<br>(61.2 % lines) |")
	assert.Contains(t, out, "| Response time p95 | ⏭️ not evaluated | – | &lt; 2000 ms | blocking | step k6 not run: no Dagger engine |")
	assert.Contains(t, out, "| jest | succeeded | 12.3s |")
	assert.Contains(t, out, "### Top findings")
	assert.NotContains(t, out, "AKIAIOSFODNN7EXAMPLE", "secret-like tokens are masked")
	assert.Contains(t, out, "AKIA********")
	assert.Contains(t, out, "- parse lcov report")
	for i, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") {
			assert.True(t, strings.HasSuffix(line, " |"), "line %d is a whole table row: %q", i, line)
		}
	}
}

func TestTable(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Table(&b, sampleResult()))
	out := b.String()
	assert.Contains(t, out, "coverage-line  failed            61.20 % (>= 85 %)")
	assert.Contains(t, out, "next: add tests for src/patients|service.ts (61.2 % lines)")
	assert.Contains(t, out, "BLOCKED: 2 passed, 1 failed, 1 advisory failures, 1 not evaluated")
}

func TestJSONSchema(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JSON(&b, sampleResult()))
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	assert.EqualValues(t, 1, doc["schemaVersion"])
	assert.Equal(t, true, doc["blocked"])
	assert.Equal(t, map[string]any{"passed": 2.0, "failed": 1.0, "advisoryFailures": 1.0, "notEvaluated": 1.0}, doc["counts"])
	steps := doc["phases"].([]any)[0].(map[string]any)["steps"].([]any)
	assert.EqualValues(t, 12340, steps[0].(map[string]any)["durationMs"])
	findings := doc["findings"].([]any)
	require.Len(t, findings, 5)
	assert.Equal(t, "critical", findings[0].(map[string]any)["severity"])
	assert.NotContains(t, b.String(), "AKIAIOSFODNN7EXAMPLE")

	b.Reset()
	require.NoError(t, JSON(&b, &gates.Result{}))
	assert.Contains(t, b.String(), `"verdicts": []`, "empty lists are not null")
	assert.Contains(t, b.String(), `"notes": []`)
}

func TestJUnit(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, JUnit(&b, sampleResult()))
	var doc junitSuites
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc))
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	assert.Equal(t, "hmsci gates", s.Name)
	assert.Equal(t, 5, s.Tests)
	assert.Equal(t, 1, s.Failures)
	assert.Equal(t, 1, s.Skipped)
	require.NotNil(t, s.Cases[0].Failure)
	assert.Contains(t, s.Cases[0].Failure.Text, "next step: add tests for src/patients|service.ts")
	assert.Nil(t, s.Cases[1].Failure, "advisory failures pass")
	assert.Contains(t, s.Cases[1].SystemOut, "advisory gate failed")
	require.NotNil(t, s.Cases[3].Skipped)
	assert.Equal(t, "not evaluated: step k6 not run: no Dagger engine", s.Cases[3].Skipped.Message)
	assert.Contains(t, b.String(), "Audit trail &lt;coverage&gt;", "XML escaping")
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, SARIF(&b, sampleResult()))

	schemaFile, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	require.NoError(t, err)
	defer schemaFile.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(schemaFile)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif-schema-2.1.0.json", schemaDoc))
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)

	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	require.NoError(t, schema.Validate(inst))

	// A document the schema rejects proves the validator is strict.
	bad, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}`))
	require.NoError(t, err)
	assert.Error(t, schema.Validate(bad), "driver without name must fail")
}

func TestSARIFContent(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, SARIF(&b, sampleResult()))
	var doc sarifLog
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	assert.Equal(t, "2.1.0", doc.Version)
	var names []string
	for _, r := range doc.Runs {
		names = append(names, r.Tool.Driver.Name)
	}
	assert.Equal(t, []string{"ESLint", "Trivy", "gitleaks", "hmsci-phi"}, names, "one run per tool")

	phi := doc.Runs[3]
	require.Len(t, phi.Tool.Driver.Rules, 1, "both results share the rule")
	assert.Equal(t, "9.5", phi.Tool.Driver.Rules[0].Properties.SecuritySeverity, "rule takes the highest severity")
	assert.Equal(t, "error", phi.Tool.Driver.Rules[0].DefaultConfig.Level)
	require.Len(t, phi.Results, 2)
	assert.Empty(t, phi.Results[0].Suppressions)
	require.Len(t, phi.Results[1].Suppressions, 1)
	assert.Equal(t, "baseline: synthetic data", phi.Results[1].Suppressions[0].Justification)
	assert.Equal(t, "logger.info(`***-**-1234`)", phi.Results[0].Locations[0].PhysicalLocation.Region.Snippet.Text)

	leak := doc.Runs[2].Results[0]
	assert.Equal(t, "config/prod%20env.txt", leak.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, "%SRCROOT%", leak.Locations[0].PhysicalLocation.ArtifactLocation.URIBaseID)
	assert.Len(t, leak.PartialFingerprints[fingerprintKey], 32)
	assert.NotContains(t, leak.Message.Text, "AKIAIOSFODNN7EXAMPLE")

	trivy := doc.Runs[1].Results[0]
	assert.Equal(t, "file:///outside/package-lock.json", trivy.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Empty(t, trivy.Locations[0].PhysicalLocation.ArtifactLocation.URIBaseID)

	eslint := doc.Runs[0].Results[0]
	assert.Equal(t, "unspecified", eslint.RuleID)
	assert.Empty(t, eslint.Locations)

	var again bytes.Buffer
	require.NoError(t, SARIF(&again, sampleResult()))
	assert.Equal(t, b.String(), again.String(), "output is deterministic")
}

func TestDashboard(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, Dashboard(&b, sampleResult()))
	out := b.String()
	assert.Contains(t, out, "Blocked: 1 blocking gate failed.")
	assert.Contains(t, out, "Audit trail &lt;coverage&gt;", "html/template escapes text")
	assert.Contains(t, out, "lodash &lt;b&gt;")
	assert.Contains(t, out, "§164.312(b) Audit controls")
	assert.NotContains(t, out, "AKIAIOSFODNN7EXAMPLE")
	assert.NotContains(t, out, "<script")
	assert.NotContains(t, out, "http://", "no external assets")
	assert.NotContains(t, out, "https://")
}

func TestWriteAll(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	paths, err := WriteAll(dir, sampleResult())
	require.NoError(t, err)
	require.Len(t, paths, len(OutputFiles))
	for i, name := range OutputFiles {
		assert.Equal(t, filepath.Join(dir, name), paths[i])
		info, err := os.Stat(paths[i])
		require.NoError(t, err)
		assert.Positive(t, info.Size(), name)
	}
}

func TestSARIFRespectsGitHubLimits(t *testing.T) {
	r := &gates.Result{}
	for i := 0; i < 22; i++ {
		r.Findings = append(r.Findings, gates.Finding{Tool: fmt.Sprintf("tool%02d", i), RuleID: "r", Severity: gates.SeverityLow, Path: "a.go", Line: 1})
	}
	for i := 0; i < maxResultsPerRun+3; i++ {
		severity := gates.SeverityLow
		if i == maxResultsPerRun+2 {
			severity = gates.SeverityCritical
		}
		r.Findings = append(r.Findings, gates.Finding{Tool: "tool00", RuleID: "many", Severity: severity, Path: "b.go", Line: i + 1})
	}
	var b bytes.Buffer
	require.NoError(t, SARIF(&b, r))
	var doc sarifLog
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	require.Len(t, doc.Runs, maxRuns)
	assert.Equal(t, mergedTool, doc.Runs[maxRuns-1].Tool.Driver.Name)
	assert.Len(t, doc.Runs[maxRuns-1].Results, 3, "tool19, tool20 and tool21 share the last run")
	assert.Equal(t, "tool19/r", doc.Runs[maxRuns-1].Results[0].RuleID)

	first := doc.Runs[0]
	assert.Len(t, first.Results, maxResultsPerRun)
	assert.EqualValues(t, 4, first.Properties["hmsci/omittedResults"])
	assert.Equal(t, "error", first.Results[0].Level, "the critical finding is kept")
}

func TestJSONValidatesAgainstResultSchema(t *testing.T) {
	schemaFile, err := os.Open("result.schema.json")
	require.NoError(t, err)
	defer schemaFile.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(schemaFile)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("result.schema.json", schemaDoc))
	schema, err := c.Compile("result.schema.json")
	require.NoError(t, err)

	for name, r := range map[string]*gates.Result{"sample": sampleResult(), "empty": {}} {
		var b bytes.Buffer
		require.NoError(t, JSON(&b, r))
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
		require.NoError(t, err)
		assert.NoError(t, schema.Validate(inst), name)
	}

	bad, err := jsonschema.UnmarshalJSON(strings.NewReader(`{"schemaVersion":2}`))
	require.NoError(t, err)
	assert.Error(t, schema.Validate(bad), "another schema version must fail")
}
