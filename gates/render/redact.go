package render

import (
	"regexp"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/internal/redact"
)

// redactor masks every printable string of a result once, so that all
// renderers print the same masked text. It caches each input string,
// because thousands of findings share a few paths and messages.
type redactor struct {
	text map[string]string
	path map[string]string
}

func newRedactor() *redactor {
	return &redactor{text: map[string]string{}, path: map[string]string{}}
}

// redacted returns a copy of r in which messages, reasons, next steps,
// notes, measured values, snippets, suppression reasons and string
// properties have PHI identifiers and key-like tokens masked, and paths,
// report names, images and the source have PHI identifiers masked. Tool
// names, rule ids, gate keys and fingerprints are kept as they are. r is
// not changed.
func redacted(r *gates.Result) *gates.Result {
	x := newRedactor()
	out := &gates.Result{
		Source:   x.pathOf(r.Source),
		Reports:  x.paths(r.Reports),
		Notes:    x.texts(r.Notes),
		Findings: x.findings(r.Findings),
	}
	if r.Verdicts != nil {
		out.Verdicts = make([]gates.Verdict, len(r.Verdicts))
	}
	for i, v := range r.Verdicts {
		v.Title = x.pathOf(v.Title)
		v.Measured = x.textOf(v.Measured)
		v.Threshold = x.textOf(v.Threshold)
		v.Reports = x.paths(v.Reports)
		v.Reason = x.textOf(v.Reason)
		v.Next = x.textOf(v.Next)
		out.Verdicts[i] = v
	}
	if r.Phases != nil {
		out.Phases = make([]gates.PhaseResult, len(r.Phases))
	}
	for i, p := range r.Phases {
		steps := make([]gates.StepResult, len(p.Steps))
		for k, s := range p.Steps {
			s.Name = x.pathOf(s.Name)
			s.Reason = x.textOf(s.Reason)
			s.Image = x.pathOf(s.Image)
			s.Reports = x.paths(s.Reports)
			s.Findings = x.findings(s.Findings)
			steps[k] = s
		}
		if p.Steps == nil {
			steps = nil
		}
		out.Phases[i] = gates.PhaseResult{Name: x.pathOf(p.Name), Steps: steps}
	}
	return out
}

func (x *redactor) findings(in []gates.Finding) []gates.Finding {
	if in == nil {
		return nil
	}
	out := make([]gates.Finding, len(in))
	for i, f := range in {
		// The masked value a finding reports is masked in its path too, so
		// a file named after a patient does not print the value that the
		// message hides.
		masked, _ := f.Properties["maskedValue"].(string)
		if masked != "" {
			f.Path = redact.Path(x.pathOf(f.Path), masked)
		} else {
			f.Path = x.pathOf(f.Path)
		}
		f.Message = x.textOf(f.Message)
		f.Snippet = x.textOf(f.Snippet)
		f.SuppressionReason = x.textOf(f.SuppressionReason)
		f.Properties = x.properties(f.Properties)
		out[i] = f
	}
	return out
}

// properties returns a copy of props with every string value, also inside
// lists and nested maps, masked as text.
func (x *redactor) properties(props map[string]any) map[string]any {
	if props == nil {
		return nil
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = x.value(v)
	}
	return out
}

func (x *redactor) value(v any) any {
	switch t := v.(type) {
	case string:
		return x.textOf(t)
	case []string:
		return x.texts(t)
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = x.value(e)
		}
		return out
	case map[string]any:
		return x.properties(t)
	}
	return v
}

func (x *redactor) textOf(s string) string {
	if s == "" {
		return s
	}
	if m, ok := x.text[s]; ok {
		return m
	}
	m := redact.Text(flattenErrorList(s))
	x.text[s] = m
	return m
}

func (x *redactor) pathOf(s string) string {
	if s == "" {
		return s
	}
	if m, ok := x.path[s]; ok {
		return m
	}
	m := redact.Path(s)
	x.path[s] = m
	return m
}

func (x *redactor) texts(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = x.textOf(s)
	}
	return out
}

func (x *redactor) paths(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = x.pathOf(s)
	}
	return out
}

// errorListHeader matches the header line that go-multierror writes before
// its list, such as "2 errors occurred:".
var errorListHeader = regexp.MustCompile(`\d+ errors? occurred:\s*$`)

// flattenErrorList turns the text of a go-multierror error, with its
// header line, tab-indented "* " bullets and blank lines, into one line
// whose items are separated by "; ". Other text is returned unchanged.
func flattenErrorList(s string) string {
	if !strings.Contains(s, " occurred:\n") {
		return s
	}
	var b strings.Builder
	joiner := ""
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		line = strings.TrimSpace(strings.TrimPrefix(line, "* "))
		header := false
		if loc := errorListHeader.FindStringIndex(line); loc != nil {
			line = strings.TrimSpace(line[:loc[0]])
			header = true
		}
		if line == "" {
			continue
		}
		b.WriteString(joiner)
		b.WriteString(line)
		joiner = "; "
		if header || strings.HasSuffix(line, ":") {
			// "step kube-policy: 1 error occurred:" keeps its prefix
			// on the first item.
			if !strings.HasSuffix(line, ":") {
				b.WriteString(":")
			}
			joiner = " "
		}
	}
	return b.String()
}
