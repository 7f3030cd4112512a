package reports

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

// sarifLog builds a one-run SARIF log with the given rules and results
// (JSON array bodies).
func sarifLog(rules, results string) string {
	return `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"scanner","rules":[` + rules + `]}},"results":[` + results + `]}]}`
}

func summarize(t *testing.T, log string) *SARIFSummary {
	t.Helper()
	sum, err := SummarizeSARIF("test.sarif", strings.NewReader(log), -1)
	require.NoError(t, err)
	return sum
}

func TestSARIFSeverityMapping(t *testing.T) {
	tests := []struct {
		name   string
		rules  string
		result string
		want   gates.Severity
		level  string
	}{
		{"error level", ``, `{"ruleId":"r","level":"error","message":{"text":"m"}}`, gates.SeverityHigh, "error"},
		{"warning level", ``, `{"ruleId":"r","level":"warning","message":{"text":"m"}}`, gates.SeverityMedium, "warning"},
		{"note level", ``, `{"ruleId":"r","level":"note","message":{"text":"m"}}`, gates.SeverityLow, "note"},
		{"none level", ``, `{"ruleId":"r","level":"none","message":{"text":"m"}}`, gates.SeverityNone, "none"},
		{"default is warning", ``, `{"ruleId":"r","message":{"text":"m"}}`, gates.SeverityMedium, "warning"},
		{"rule default level", `{"id":"r","defaultConfiguration":{"level":"note"}}`, `{"ruleId":"r","message":{"text":"m"}}`, gates.SeverityLow, "note"},
		{"rule default by index", `{"id":"x"},{"id":"r","defaultConfiguration":{"level":"error"}}`, `{"ruleIndex":1,"message":{"text":"m"}}`, gates.SeverityHigh, "error"},
		{"result level beats rule", `{"id":"r","defaultConfiguration":{"level":"error"}}`, `{"ruleId":"r","level":"note","message":{"text":"m"}}`, gates.SeverityLow, "note"},
		{"informational kind", ``, `{"ruleId":"r","kind":"informational","message":{"text":"m"}}`, gates.SeverityNone, "none"},
		{"rule security-severity critical", `{"id":"r","properties":{"security-severity":"9.8"}}`, `{"ruleId":"r","level":"warning","message":{"text":"m"}}`, gates.SeverityCritical, "warning"},
		{"security-severity 9.0 is critical", `{"id":"r","properties":{"security-severity":"9.0"}}`, `{"ruleId":"r","message":{"text":"m"}}`, gates.SeverityCritical, "warning"},
		{"security-severity 8.9 is high", `{"id":"r","properties":{"security-severity":"8.9"}}`, `{"ruleId":"r","message":{"text":"m"}}`, gates.SeverityHigh, "warning"},
		{"security-severity 7.0 is high", `{"id":"r","properties":{"security-severity":"7.0"}}`, `{"ruleId":"r","message":{"text":"m"}}`, gates.SeverityHigh, "warning"},
		{"security-severity 4.0 is medium", `{"id":"r","properties":{"security-severity":"4.0"}}`, `{"ruleId":"r","level":"error","message":{"text":"m"}}`, gates.SeverityMedium, "error"},
		{"security-severity 0.1 is low", `{"id":"r","properties":{"security-severity":"0.1"}}`, `{"ruleId":"r","message":{"text":"m"}}`, gates.SeverityLow, "warning"},
		{"security-severity 0 is none", `{"id":"r","properties":{"security-severity":"0"}}`, `{"ruleId":"r","level":"error","message":{"text":"m"}}`, gates.SeverityNone, "error"},
		{"numeric security-severity", `{"id":"r","properties":{"security-severity":7.5}}`, `{"ruleId":"r","message":{"text":"m"}}`, gates.SeverityHigh, "warning"},
		{"result security-severity beats rule", `{"id":"r","properties":{"security-severity":"9.5"}}`, `{"ruleId":"r","message":{"text":"m"},"properties":{"security-severity":"5.0"}}`, gates.SeverityMedium, "warning"},
		{"hierarchical rule id", `{"id":"r","defaultConfiguration":{"level":"error"}}`, `{"ruleId":"r/sub","message":{"text":"m"}}`, gates.SeverityHigh, "error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sum := summarize(t, sarifLog(tc.rules, tc.result))
			require.Len(t, sum.Findings, 1)
			f := sum.Findings[0]
			assert.Equal(t, tc.want, f.Severity)
			assert.Equal(t, tc.level, f.Properties[PropertySARIFLevel])
			assert.Equal(t, map[gates.Severity]int{tc.want: 1}, sum.BySeverity)
		})
	}
}

func TestSARIFFindingFields(t *testing.T) {
	log := sarifLog(`{"id":"phi/ssn","messageStrings":{"default":{"text":"SSN {0} in {1}"}}}`,
		`{"ruleId":"phi/ssn","message":{"id":"default","arguments":["***-**-1234","note field"]},
		  "locations":[{"physicalLocation":{"artifactLocation":{"uri":"file:///src/app%20main.ts"},"region":{"startLine":4,"startColumn":2,"endLine":4,"endColumn":9,"snippet":{"text":"123-45-1234"}}}}],
		  "partialFingerprints":{"primaryLocationLineHash":"abc:1"},"baselineState":"new"}`)
	f := summarize(t, log).Findings[0]
	assert.Equal(t, "scanner", f.Tool)
	assert.Equal(t, "phi/ssn", f.RuleID)
	assert.Equal(t, "SSN ***-**-1234 in note field", f.Message)
	assert.Equal(t, "/src/app main.ts", f.Path)
	assert.Equal(t, [4]int{4, 2, 4, 9}, [4]int{f.Line, f.Column, f.EndLine, f.EndColumn})
	assert.Equal(t, "abc:1", f.Fingerprint)
	assert.Equal(t, map[string]string{"primaryLocationLineHash": "abc:1"}, f.Properties[PropertyPartialFingerprints])
	assert.Equal(t, "new", f.Properties["baselineState"])
	assert.Empty(t, f.Snippet, "snippets may hold secrets and are never copied")
}

func TestSARIFMessageFallsBackToRule(t *testing.T) {
	f := summarize(t, sarifLog(`{"id":"r","shortDescription":{"text":"Short text"}}`, `{"ruleId":"r","message":{}}`)).Findings[0]
	assert.Equal(t, "Short text", f.Message)
}

func TestSARIFSuppressionsAndKinds(t *testing.T) {
	log := sarifLog(``, strings.Join([]string{
		`{"ruleId":"a","level":"error","message":{"text":"m"},"suppressions":[{"kind":"inSource","justification":"test fixture"}]}`,
		`{"ruleId":"b","level":"error","message":{"text":"m"},"suppressions":[{"kind":"external","status":"rejected"}]}`,
		`{"ruleId":"c","level":"error","message":{"text":"m"},"suppressions":[{"kind":"external","status":"underReview"},{"kind":"inSource","status":"accepted"}]}`,
		`{"ruleId":"d","kind":"pass","message":{"text":"m"}}`,
		`{"ruleId":"e","kind":"notApplicable","message":{"text":"m"}}`,
	}, ","))
	sum := summarize(t, log)
	assert.Equal(t, 3, sum.Total, "pass and notApplicable record no problem")
	assert.Equal(t, 2, sum.Suppressed)
	assert.Equal(t, map[gates.Severity]int{gates.SeverityHigh: 1}, sum.BySeverity)
	assert.Equal(t, map[string]int{"error": 1}, sum.ByLevel)
	require.Len(t, sum.Findings, 3)
	assert.True(t, sum.Findings[0].Suppressed)
	assert.Equal(t, "inSource: test fixture", sum.Findings[0].SuppressionReason)
	assert.False(t, sum.Findings[1].Suppressed)
	assert.True(t, sum.Findings[2].Suppressed)
}

func TestSARIFMultipleRunsAndExtensions(t *testing.T) {
	log := `{"version":"2.1.0","runs":[
	 {"tool":{"driver":{"name":"first"}},"results":[{"ruleId":"x","message":{"text":"m"}}]},
	 {"results":[{"rule":{"id":"ext1","toolComponent":{"index":0}},"message":{"text":"late tool"}}],
	  "tool":{"driver":{"name":"second"},"extensions":[{"name":"pack","rules":[{"id":"ext1","defaultConfiguration":{"level":"error"}}]}]}},
	 {"tool":{"driver":{"name":"empty"}},"results":[]}]}`
	sum := summarize(t, log)
	assert.Equal(t, []string{"first", "second", "empty"}, sum.Tools)
	require.Len(t, sum.Findings, 2)
	assert.Equal(t, "second", sum.Findings[1].Tool)
	assert.Equal(t, gates.SeverityHigh, sum.Findings[1].Severity, "rule from the extension, read after the results")
	assert.Equal(t, map[string]int{"first": 1, "second": 1}, sum.ByTool)
}

func TestSummarizeSARIFCapsFindings(t *testing.T) {
	results := make([]string, 5)
	for i := range results {
		results[i] = fmt.Sprintf(`{"ruleId":"r%d","level":"error","message":{"text":"m"}}`, i)
	}
	sum, err := SummarizeSARIF("cap.sarif", strings.NewReader(sarifLog("", strings.Join(results, ","))), 2)
	require.NoError(t, err)
	assert.Len(t, sum.Findings, 2)
	assert.Equal(t, 3, sum.FindingsOmitted)
	assert.Equal(t, 5, sum.Total)
	assert.Equal(t, 5, sum.BySeverity[gates.SeverityHigh])
}

func TestScanSARIFStopsOnVisitorError(t *testing.T) {
	stop := errors.New("stop here")
	calls := 0
	_, err := ScanSARIF("v.sarif", strings.NewReader(sarifLog("", `{"message":{"text":"a"}},{"message":{"text":"b"}}`)), func(gates.Finding) error {
		calls++
		return stop
	})
	assert.Same(t, stop, err)
	assert.Equal(t, 1, calls)
}

func TestSARIFErrorsNamePosition(t *testing.T) {
	tests := []struct {
		name    string
		log     string
		line    int
		column  int
		value   string
		message string
	}{
		{
			name: "invalid level",
			log:  "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\n\"results\":[\n{\"message\":{\"text\":\"ok\"}},\n  {\"level\":\"fatal\",\"message\":{\"text\":\"m\"}}]}]}",
			line: 4, column: 3, value: "fatal", message: "result 1: invalid level",
		},
		{
			name: "invalid security-severity",
			log:  "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\"results\":[\n{\"message\":{\"text\":\"m\"},\"properties\":{\"security-severity\":\"high\"}}]}]}",
			line: 2, column: 1, value: `"high"`, message: "invalid security-severity",
		},
		{
			name: "invalid rule security-severity",
			log:  "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\",\"rules\":[{\"id\":\"r\",\"properties\":{\"security-severity\":\"11\"}}]}},\"results\":[\n{\"ruleId\":\"r\",\"message\":{\"text\":\"m\"}}]}]}",
			line: 2, column: 1, value: `"11"`, message: "result 0: invalid security-severity: expected a number from 0 to 10",
		},
		{
			name: "wrong type",
			log:  "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\"results\":[\n{\"message\":{\"text\":\"m\"},\n \"locations\":[{\"physicalLocation\":{\"region\":{\"startLine\":\"12\"}}}]}]}]}",
			line: 3, column: 62, message: "invalid locations.physicalLocation.region.startLine: got JSON string, expected int",
		},
		{
			name: "syntax error",
			log:  "{\"version\":\"2.1.0\",\n\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\"results\":[{\"message\":{\"text\":\"m\"} x}]}]}",
			line: 2, column: 76, value: "x", message: "invalid JSON: invalid character 'x' after object key:value pair",
		},
		{
			name: "syntax error in skipped value",
			log:  "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\n\"artifacts\":[{\"a\": tru}],\"results\":[]}]}",
			line: 2, column: 23, value: "}", message: "invalid JSON: invalid character '}' in literal true (expecting 'e')",
		},
		{
			name: "truncated",
			log:  "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\n\"results\":[{\"message\":{\"te",
			line: 2, column: 27, message: "unexpected end of file",
		},
		{
			name: "unsupported version",
			log:  "{\"version\":\"2.0.0\",\"runs\":[]}",
			line: 1, column: 12, value: "2.0.0", message: "unsupported SARIF version",
		},
		{
			name: "missing tool name",
			log:  "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{}},\"results\":[]}]}",
			line: 1, column: 36, message: "tool.driver.name is missing",
		},
		{
			name: "missing runs", log: "{\"version\":\"2.1.0\"}", line: 1, column: 20, message: `missing "runs"`,
		},
		{
			name: "not an object", log: "[1,2]", line: 1, column: 1, value: "[", message: `invalid SARIF log: expected "{"`,
		},
		{
			name: "string hidden", log: "{\"version\":\"2.1.0\",\"runs\":\"ghp_secret\"}", line: 1, column: 27, value: "a string", message: `invalid runs: expected "["`,
		},
		{
			name: "trailing data", log: "{\"version\":\"2.1.0\",\"runs\":[]} {}", line: 1, column: 31, value: "{", message: "unexpected data after the top-level value",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSARIF("logs/bad.sarif", strings.NewReader(tc.log))
			require.Error(t, err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "logs/bad.sarif", pe.Path)
			assert.Equal(t, FormatSARIF, pe.Format)
			assert.Equal(t, tc.line, pe.Line, "line")
			assert.Equal(t, tc.column, pe.Column, "column")
			assert.Equal(t, tc.value, pe.Value)
			assert.Contains(t, err.Error(), tc.message)
			assert.Contains(t, err.Error(), `"logs/bad.sarif"`)
		})
	}
}

func TestSARIFArtifactIndex(t *testing.T) {
	log := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},
	  "artifacts":[{"location":{"uri":"src/a.ts"}},{"location":{"uri":"src/b.ts"}}],
	  "results":[
	    {"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"index":1},"region":{"startLine":2}}}]},
	    {"message":{"text":"m"},"locations":[{"physicalLocation":{"artifactLocation":{"index":7}}}]}]}]}`
	sum := summarize(t, log)
	require.Len(t, sum.Findings, 2)
	assert.Equal(t, "src/b.ts", sum.Findings[0].Path)
	assert.Empty(t, sum.Findings[1].Path, "an index out of range leaves the path unknown")
}
