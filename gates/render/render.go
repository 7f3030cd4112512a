// Package render writes a gates.Result as Markdown, JSON, JUnit XML, merged
// SARIF 2.1.0 and a self-contained HTML compliance dashboard.
package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// Output file names that WriteAll writes.
const (
	FileMarkdown  = "summary.md"
	FileJSON      = "result.json"
	FileJUnit     = "gates.junit.xml"
	FileSARIF     = "hmsci.sarif"
	FileDashboard = "dashboard.html"
)

// OutputFiles lists the names WriteAll writes, so that a later scan of the
// same directory can skip them.
var OutputFiles = []string{FileMarkdown, FileJSON, FileJUnit, FileSARIF, FileDashboard}

// WriteAll writes every rendering of r into dir, creating dir, and returns
// the paths written.
func WriteAll(dir string, r *gates.Result) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	writers := []struct {
		name  string
		write func(io.Writer, *gates.Result) error
	}{
		{FileMarkdown, Markdown},
		{FileJSON, JSON},
		{FileJUnit, JUnit},
		{FileSARIF, SARIF},
		{FileDashboard, Dashboard},
	}
	var written []string
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.write(&buf, r); err != nil {
			return written, fmt.Errorf("render %s: %w", w.name, err)
		}
		path := filepath.Join(dir, w.name)
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			return written, fmt.Errorf("write %s: %w", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}

// Counts tallies verdicts by status.
type Counts struct {
	Passed           int `json:"passed"`
	Failed           int `json:"failed"`
	AdvisoryFailures int `json:"advisoryFailures"`
	NotEvaluated     int `json:"notEvaluated"`
}

// CountVerdicts tallies the verdicts of r by status.
func CountVerdicts(r *gates.Result) Counts {
	var c Counts
	for _, v := range r.Verdicts {
		switch v.Status {
		case gates.StatusPassed:
			c.Passed++
		case gates.StatusFailed:
			c.Failed++
		case gates.StatusWarned:
			c.AdvisoryFailures++
		default:
			c.NotEvaluated++
		}
	}
	return c
}

func statusLabel(s gates.Status) string {
	switch s {
	case gates.StatusPassed:
		return "✅ passed"
	case gates.StatusFailed:
		return "❌ failed"
	case gates.StatusWarned:
		return "⚠️ advisory"
	default:
		return "⏭️ not evaluated"
	}
}

// allFindings returns the findings of the result and of its steps,
// unsuppressed first and then by descending severity.
func allFindings(r *gates.Result) []gates.Finding {
	out := append([]gates.Finding(nil), r.Findings...)
	for _, p := range r.Phases {
		for _, s := range p.Steps {
			out = append(out, s.Findings...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Suppressed != out[j].Suppressed {
			return !out[i].Suppressed
		}
		return out[i].Severity > out[j].Severity
	})
	return out
}

// tokenPattern matches long runs of key-like characters that mix letters
// and digits, the shape of API keys and access tokens.
var tokenPattern = regexp.MustCompile(`[A-Za-z0-9+/_=\-]{16,}`)

// maskText hides key-like tokens in tool messages before they are shown.
// Analyzers mask what they find, but third-party tools may quote a
// secret in their message text. A token keeps its first 4 characters.
func maskText(s string) string {
	return tokenPattern.ReplaceAllStringFunc(s, func(tok string) string {
		hasLetter := strings.ContainsAny(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
		hasDigit := strings.ContainsAny(tok, "0123456789")
		if !hasLetter || !hasDigit || strings.Count(tok, "-") > 2 || strings.Contains(tok, "/") && !strings.ContainsAny(tok, "+=") {
			return tok
		}
		return tok[:4] + strings.Repeat("*", 8)
	})
}

func location(f gates.Finding) string {
	switch {
	case f.Path == "":
		return "(no location)"
	case f.Line > 0:
		return fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
	return f.Path
}
