package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// sarifFormatter is the npm package that makes ESLint write SARIF.
const sarifFormatter = "@microsoft/eslint-formatter-sarif"

// ESLint lints with the project's own ESLint config, where a security
// plugin such as eslint-plugin-security belongs. It writes eslint.sarif
// when the project has @microsoft/eslint-formatter-sarif, and otherwise
// eslint.json from ESLint's built-in json formatter, which ParseESLintJSON
// reads.
var ESLint = toolStep{
	spec: Spec{
		Name:        "eslint",
		Phase:       PhaseQuality,
		Description: "eslint static analysis",
		ImageKey:    ImageNode,
		Command: []string{bin("eslint"), "--format", sarifFormatter,
			"--output-file", reportPath("eslint.sarif"), "."},
		CommandFor: func(d Detection, _ Options) []string { return eslintArgs(d) },
		Reports:    []string{"eslint.sarif", "eslint.json"},
		Gates:      []string{"eslint-errors"},
		ToolSource: "eslint (and " + sarifFormatter + " when present) from the project's lockfile",
		Skip:       skipUnlessDependency("eslint"),
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.nodeDeps(spec)
		if err != nil {
			return nil, err
		}
		ctr = run(ctr, eslintArgs(env.Detection)...)
		return env.output(spec, ctr), nil
	},
}

// ESLintCommand returns the argv the eslint step runs for the detected
// project: SARIF output when the project has the SARIF formatter, ESLint's
// JSON output otherwise.
func ESLintCommand(d Detection) []string { return eslintArgs(d) }

func eslintArgs(d Detection) []string {
	if d.HasDependency(sarifFormatter) {
		return []string{bin("eslint"), "--format", sarifFormatter, "--output-file", reportPath("eslint.sarif"), "."}
	}
	return []string{bin("eslint"), "--format", "json", "--output-file", reportPath("eslint.json"), "."}
}

type eslintFile struct {
	FilePath string `json:"filePath"`
	Messages []struct {
		RuleID    *string `json:"ruleId"`
		Severity  int     `json:"severity"`
		Message   string  `json:"message"`
		Line      int     `json:"line"`
		Column    int     `json:"column"`
		EndLine   int     `json:"endLine"`
		EndColumn int     `json:"endColumn"`
		Fatal     bool    `json:"fatal"`
	} `json:"messages"`
}

// ParseESLintJSON reads the output of `eslint --format json` and returns
// one finding per message: severity 2 (error) is high, 1 (warning) medium,
// and a fatal parse error is high with rule "eslint/parse-error". Paths are
// made relative to root, the directory ESLint ran in.
func ParseESLintJSON(r io.Reader, root string) ([]gates.Finding, error) {
	var files []eslintFile
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read eslint.json: %w", err)
	}
	if err := json.Unmarshal(data, &files); err != nil {
		return nil, fmt.Errorf("parse eslint.json: %s", describeJSONError(data, err))
	}

	prefix := strings.TrimSuffix(path.Clean(root), "/") + "/"
	var findings []gates.Finding
	for _, f := range files {
		rel := strings.TrimPrefix(f.FilePath, prefix)
		for _, m := range f.Messages {
			finding := gates.Finding{
				Tool: "eslint", Message: m.Message, Path: rel,
				Line: m.Line, Column: m.Column, EndLine: m.EndLine, EndColumn: m.EndColumn,
			}
			switch {
			case m.Fatal || m.RuleID == nil:
				finding.RuleID, finding.Severity = "eslint/parse-error", gates.SeverityHigh
			case m.Severity >= 2:
				finding.RuleID, finding.Severity = *m.RuleID, gates.SeverityHigh
			default:
				finding.RuleID, finding.Severity = *m.RuleID, gates.SeverityMedium
			}
			findings = append(findings, finding)
		}
	}
	return findings, nil
}
