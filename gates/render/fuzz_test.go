package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

// FuzzRenderers feeds arbitrary text into every field a tool or policy can
// control and checks that each Markdown table row stays one row with six
// cells, and that the JSON, JUnit and SARIF outputs stay well-formed.
func FuzzRenderers(f *testing.F) {
	for _, seed := range []string{"", "a|b", "x\ny\r\nz", "<script>alert(1)</script>", "\\|", "`", "\x00\x1b[31m", "&amp;"} {
		f.Add(seed, seed)
	}
	f.Fuzz(func(t *testing.T, text, path string) {
		r := &gates.Result{
			Source: text,
			Verdicts: []gates.Verdict{{
				Gate: "secrets", Title: text, Status: gates.StatusFailed, Mode: gates.ModeBlocking,
				Measured: text, Threshold: text, Next: text, Reports: []string{path},
			}},
			Findings: []gates.Finding{{Tool: text, RuleID: text, Message: text, Path: path, Line: 1, Snippet: text}},
			Notes:    []string{text},
		}

		var md bytes.Buffer
		require.NoError(t, Markdown(&md, r))
		for _, line := range strings.Split(md.String(), "\n") {
			if !strings.HasPrefix(line, "| ") {
				continue
			}
			// Gate rows have six cells (seven pipes), finding rows five.
			unescaped := strings.Count(line, "|") - strings.Count(line, `\|`)
			require.Contains(t, []int{6, 7}, unescaped, "row keeps its cells: %q", line)
		}

		var js bytes.Buffer
		require.NoError(t, JSON(&js, r))
		require.True(t, json.Valid(js.Bytes()))

		var sarif bytes.Buffer
		require.NoError(t, SARIF(&sarif, r))
		require.True(t, json.Valid(sarif.Bytes()))

		var junit bytes.Buffer
		require.NoError(t, JUnit(&junit, r))
		var doc junitSuites
		require.NoError(t, xml.Unmarshal(junit.Bytes(), &doc), "JUnit must parse:\n%s", junit.String())

		var html bytes.Buffer
		require.NoError(t, Dashboard(&html, r))
		if strings.Contains(text, "<script") {
			require.NotContains(t, html.String(), text)
		}
	})
}
