// Package render writes a gates.Result as Markdown, JSON, JUnit XML, merged
// SARIF 2.1.0 and a self-contained HTML compliance dashboard.
package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

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
// the paths written. It is WriteAllWith with the zero Options.
func WriteAll(dir string, r *gates.Result) ([]string, error) {
	return WriteAllWith(dir, r, Options{})
}

// WriteAllWith writes every rendering of r into dir, creating dir, and
// returns the paths written. Every string passes through the PHI and token
// masker once before any file is written; opts places SARIF paths in the
// repository and names the source in the summary and dashboard.
func WriteAllWith(dir string, r *gates.Result, opts Options) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory %q: %w", dir, err)
	}
	masked := redacted(r)
	opts = opts.masked()
	writers := []struct {
		name  string
		write func(io.Writer, *gates.Result, Options) error
	}{
		{FileMarkdown, writeMarkdown},
		{FileJSON, func(w io.Writer, r *gates.Result, _ Options) error { return writeJSON(w, r) }},
		{FileJUnit, func(w io.Writer, r *gates.Result, _ Options) error { return writeJUnit(w, r) }},
		{FileSARIF, writeSARIF},
		{FileDashboard, writeDashboard},
	}
	var written []string
	for _, w := range writers {
		var buf bytes.Buffer
		if err := w.write(&buf, masked, opts); err != nil {
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

func location(f gates.Finding) string {
	switch {
	case f.Path == "":
		return "(no location)"
	case f.Line > 0:
		return fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
	return f.Path
}
