package steps

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

// eslintSample is trimmed real output of `eslint --format json` (ESLint
// 10.16.0) with the source mounted at /src, plus a fatal parse error in
// the form ESLint reports one.
const eslintSample = `[
 {"filePath": "/src/src/a.test.js", "messages": [], "errorCount": 0, "warningCount": 0},
 {"filePath": "/src/src/bad.js", "messages": [
  {"ruleId": "no-unused-vars", "severity": 2, "message": "'unused' is assigned a value but never used.",
   "line": 1, "column": 7, "messageId": "unusedVar", "endLine": 1, "endColumn": 13},
  {"ruleId": "no-console", "severity": 1, "message": "Unexpected console statement.", "line": 3, "column": 1}
 ], "errorCount": 1, "warningCount": 1},
 {"filePath": "/src/src/broken.js", "messages": [
  {"ruleId": null, "fatal": true, "severity": 2, "message": "Parsing error: Unexpected token )", "line": 2, "column": 9}
 ], "errorCount": 1, "fatalErrorCount": 1}
]`

func TestParseESLintJSON(t *testing.T) {
	findings, err := ParseESLintJSON(strings.NewReader(eslintSample), SourcePath)
	require.NoError(t, err)
	require.Len(t, findings, 3)

	assert.Equal(t, gates.Finding{Tool: "eslint", RuleID: "no-unused-vars", Severity: gates.SeverityHigh,
		Message: "'unused' is assigned a value but never used.", Path: "src/bad.js",
		Line: 1, Column: 7, EndLine: 1, EndColumn: 13}, findings[0])
	assert.Equal(t, gates.SeverityMedium, findings[1].Severity)
	assert.Equal(t, "eslint/parse-error", findings[2].RuleID)
	assert.Equal(t, "src/broken.js", findings[2].Path)
}

func TestParseESLintJSONInvalid(t *testing.T) {
	_, err := ParseESLintJSON(strings.NewReader("[\n{\"filePath\": 3}]"), SourcePath)
	require.ErrorContains(t, err, "parse eslint.json: line 2")
}

func TestESLintFormatChoice(t *testing.T) {
	withSARIF := Detection{Dependencies: map[string]string{"eslint": "^9", sarifFormatter: "^3"}}
	assert.Contains(t, strings.Join(eslintArgs(withSARIF), " "), "--format "+sarifFormatter)

	plain := Detection{Dependencies: map[string]string{"eslint": "^9"}}
	assert.Contains(t, strings.Join(eslintArgs(plain), " "), "--format json --output-file /hmsci/reports/eslint.json")
}
