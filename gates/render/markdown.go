package render

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// maxMarkdownFindings bounds the findings listed in the summary; GitHub
// truncates a step summary above 1 MiB.
const maxMarkdownFindings = 15

// Markdown writes the result as GitHub-flavoured Markdown for
// $GITHUB_STEP_SUMMARY: a headline, the gate table, the steps of each
// phase, the worst findings and the notes. It is MarkdownWith with the
// zero Options.
func Markdown(w io.Writer, r *gates.Result) error {
	return MarkdownWith(w, r, Options{})
}

// MarkdownWith writes the result as Markdown like Markdown, with PHI and
// tokens masked, and names the source as opts places it.
func MarkdownWith(w io.Writer, r *gates.Result, opts Options) error {
	return writeMarkdown(w, redacted(r), opts.masked())
}

// writeMarkdown renders a result that redacted has already masked.
func writeMarkdown(w io.Writer, r *gates.Result, opts Options) error {
	b := bufio.NewWriter(w)
	c := CountVerdicts(r)

	if r.Blocked() {
		fmt.Fprintf(b, "## ❌ hmsci: blocked by %d failing gate%s\n\n", c.Failed, plural(c.Failed))
	} else {
		fmt.Fprintf(b, "## ✅ hmsci: no blocking gate failed\n\n")
	}
	fmt.Fprintf(b, "%d passed, %d failed, %d advisory failures, %d not evaluated", c.Passed, c.Failed, c.AdvisoryFailures, c.NotEvaluated)
	if r.Source != "" {
		fmt.Fprintf(b, " · source `%s`", strings.ReplaceAll(opts.sourceLabel(r.Source), "`", "'"))
	}
	b.WriteString("\n\n")

	b.WriteString("| Gate | Status | Measured | Threshold | Mode | Next step |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- |\n")
	for _, v := range r.Verdicts {
		next := v.Next
		if v.Status == gates.StatusNotEvaluated {
			next = v.Reason
			if v.Next != "" {
				next += "; " + v.Next
			}
		}
		measured := v.Measured
		if measured == "" {
			measured = "–"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n",
			cell(v.Title), statusLabel(v.Status), cell(measured), cell(v.Threshold), v.Mode, cell(next))
	}

	for _, p := range r.Phases {
		if len(p.Steps) == 0 {
			continue
		}
		fmt.Fprintf(b, "\n### Phase %s\n\n", cell(p.Name))
		b.WriteString("| Step | Status | Duration | Reason |\n| --- | --- | --- | --- |\n")
		for _, s := range p.Steps {
			duration := "–"
			if s.Duration > 0 {
				duration = s.Duration.Round(100_000_000).String()
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", cell(s.Name), s.Status, duration, cell(s.Reason))
		}
	}

	findings := allFindings(r)
	if len(findings) > 0 {
		b.WriteString("\n### Top findings\n\n")
		b.WriteString("| Severity | Tool | Rule | Location | Message |\n| --- | --- | --- | --- | --- |\n")
		for i, f := range findings {
			if i == maxMarkdownFindings {
				break
			}
			severity := f.Severity.String()
			if f.Suppressed {
				severity += " (suppressed)"
			}
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n",
				severity, cell(f.Tool), cell(f.RuleID), cell(location(f)), cell(f.Message))
		}
		if len(findings) > maxMarkdownFindings {
			fmt.Fprintf(b, "\n%d more findings are in %s and %s.\n", len(findings)-maxMarkdownFindings, FileSARIF, FileJSON)
		}
	}

	if len(r.Notes) > 0 {
		b.WriteString("\n### Notes\n\n")
		for _, n := range r.Notes {
			fmt.Fprintf(b, "- %s\n", oneLine(n))
		}
	}
	return b.Flush()
}

// cell escapes text for one Markdown table cell: pipes would end the cell,
// line breaks would end the row, and < > & would be read as HTML.
func cell(s string) string {
	s = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, "|", `\|`)
	s = strings.ReplaceAll(s, "\t", " ")
	s = strings.ReplaceAll(s, "\r\n", "<br>")
	s = strings.ReplaceAll(s, "\n", "<br>")
	s = strings.ReplaceAll(s, "\r", "<br>")
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// oneLine joins the lines of s with spaces and turns tabs into spaces, for
// a list item or a terminal line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}

// Table writes a compact plain-text gate table for a terminal, with PHI and
// tokens masked.
func Table(w io.Writer, r *gates.Result) error {
	r = redacted(r)
	b := bufio.NewWriter(w)
	width := len("gate")
	for _, v := range r.Verdicts {
		width = max(width, len(v.Gate))
	}
	for _, v := range r.Verdicts {
		detail := v.Measured
		if v.Status == gates.StatusNotEvaluated {
			detail = v.Reason
		} else if v.Threshold != "" {
			detail += " (" + v.Threshold + ")"
		}
		fmt.Fprintf(b, "%-*s  %-16s  %s\n", width, v.Gate, v.Status, oneLine(detail))
		if v.Next != "" && (v.Status == gates.StatusFailed || v.Status == gates.StatusWarned) {
			fmt.Fprintf(b, "%-*s  %-16s  next: %s\n", width, "", "", oneLine(v.Next))
		}
	}
	c := CountVerdicts(r)
	verdict := "no blocking gate failed"
	if r.Blocked() {
		verdict = "BLOCKED"
	}
	fmt.Fprintf(b, "\n%s: %d passed, %d failed, %d advisory failures, %d not evaluated\n", verdict, c.Passed, c.Failed, c.AdvisoryFailures, c.NotEvaluated)
	return b.Flush()
}
