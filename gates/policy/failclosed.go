package policy

import (
	"cmp"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

// erroredPrefix starts the NotRun reason of a step that ran and failed, as
// the pipeline records it. Such a step fails its gates; a step that could
// not run at all (no engine, "skipped: ...") leaves them not evaluated.
const erroredPrefix = "errored: "

// brokenInput is the cause that makes a gate's input untrustworthy: a
// report of the gate's tool that exists but does not parse, or a source
// step that ran and errored. A gate with a broken input fails closed.
type brokenInput struct {
	reason string
	next   string
}

// reportToolKeys returns the names that identify the reports of a gate's
// tools in a path: its steps and the tool names it counts.
func reportToolKeys(spec gateSpec) []string {
	keys := slices.Clone(spec.steps)
	return append(keys, spec.tools...)
}

// reportMatches reports whether a report path names one of the keys in
// its file name or the folder that holds it, such as
// "steps/gitleaks/report.sarif" or "bad/gitleaks.sarif" for gitleaks.
// Folders further up (a checkout named "hipaa-service") do not count.
func reportMatches(p string, keys []string) bool {
	p = strings.ToLower(path.Clean(strings.ReplaceAll(p, `\`, "/")))
	parts := strings.Split(p, "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	for _, part := range parts {
		for _, k := range keys {
			if k != "" && strings.Contains(part, strings.ToLower(k)) {
				return true
			}
		}
	}
	return false
}

// ownerOf returns the gates whose tool names appear in a report path.
func ownerOf(p string, format reports.Format) []string {
	var owners []string
	for _, spec := range gateSpecs {
		if slices.Contains(spec.formats, format) && reportMatches(p, reportToolKeys(spec)) {
			owners = append(owners, spec.name)
		}
	}
	return owners
}

// sharedFormats are report formats that several unrelated tools write, so
// a malformed one is charged only to the gates whose tool it names. A
// report of another format belongs to every gate that reads the format.
var sharedFormats = []reports.Format{reports.FormatSARIF, reports.FormatJUnit}

// broken returns what makes the gate's input untrustworthy, or nil. m is
// the gate's measurement: a report that names no tool counts only against
// a gate that has no value.
func (e *evaluation) broken(spec gateSpec, m measurement) *brokenInput {
	var reasons, fixes []string

	// A report that names the gate's tool is charged to the gate. One
	// that names no tool at all (empty.sarif) may be the gate's input,
	// so it counts only when nothing else explains a missing value.
	var malformed, unnamed []*reports.ParseError
	for _, err := range e.in.ReportErrors {
		var pe *reports.ParseError
		if !errors.As(err, &pe) || pe.Format == reports.FormatUnknown || !slices.Contains(spec.formats, pe.Format) {
			continue
		}
		owners := ownerOf(pe.Path, pe.Format)
		switch {
		case slices.Contains(owners, spec.name):
			malformed = append(malformed, pe)
		case len(owners) > 0:
			// The report of another gate's tool.
		case !slices.Contains(sharedFormats, pe.Format):
			malformed = append(malformed, pe)
		default:
			unnamed = append(unnamed, pe)
		}
	}
	if len(malformed) == 0 && !m.ok {
		malformed = unnamed
	}
	slices.SortFunc(malformed, func(a, b *reports.ParseError) int { return cmp.Compare(a.Path, b.Path) })
	var named, unnamedPaths []string
	for _, pe := range malformed {
		reasons = append(reasons, fmt.Sprintf("report %s is malformed: %s", pe.Path, parseProblem(pe)))
		if len(ownerOf(pe.Path, pe.Format)) == 0 && slices.Contains(sharedFormats, pe.Format) {
			unnamedPaths = append(unnamedPaths, pe.Path)
		} else {
			named = append(named, pe.Path)
		}
	}
	switch len(named) {
	case 0:
	case 1:
		fixes = append(fixes, fmt.Sprintf("rerun the tool that wrote %s and check its log (a killed tool or a full disk leaves a report cut short)", named[0]))
	default:
		fixes = append(fixes, fmt.Sprintf("rerun the tools that wrote %s and check their logs (a killed tool or a full disk leaves a report cut short)", strings.Join(named, " and ")))
	}
	if len(unnamedPaths) > 0 {
		fixes = append(fixes, fmt.Sprintf("%s names no tool, so it may be this gate's input: rerun the tool that wrote it, or remove it from the reports directory", strings.Join(unnamedPaths, " and ")))
	}

	if !m.ok {
		// An analysis whose report was broken lists the parse error as
		// the reason it measured nothing.
		for _, err := range e.sortedReportErrors() {
			if text := err.Error(); text != "" && strings.Contains(m.missing, text) {
				reasons = append(reasons, m.missing)
				fixes = append(fixes, "rerun the step that wrote the report and check its log; the report is incomplete or corrupt")
				break
			}
		}
	}

	explained := func(stepReason string) bool {
		// The pipeline marks a step whose report does not parse as
		// errored, quoting the parse error: name the report once.
		for _, pe := range malformed {
			if strings.Contains(stepReason, pe.Path) {
				return true
			}
		}
		joined := strings.Join(reasons, "; ")
		for _, err := range e.in.ReportErrors {
			if text := err.Error(); text != "" && strings.Contains(joined, text) && strings.Contains(stepReason, text) {
				return true
			}
		}
		return false
	}
	for _, s := range e.sortedNotRun() {
		if !slices.Contains(spec.steps, s.Step) || !strings.HasPrefix(s.Reason, erroredPrefix) || explained(s.Reason) {
			continue
		}
		reasons = append(reasons, fmt.Sprintf("step %s errored: %s", s.Step, strings.TrimPrefix(s.Reason, erroredPrefix)))
		fixes = append(fixes, fmt.Sprintf("fix what made step %s fail (its error is in the step table) and run the pipeline again", s.Step))
	}

	if len(reasons) == 0 {
		return nil
	}
	return &brokenInput{reason: strings.Join(reasons, "; "), next: strings.Join(slices.Compact(fixes), "; ")}
}

// parseProblem returns the parse error without its "parse FORMAT report
// PATH" prefix, which the reason already states.
func parseProblem(pe *reports.ParseError) string {
	text := pe.Error()
	if _, rest, ok := strings.Cut(text, fmt.Sprintf("report %q ", pe.Path)); ok {
		return rest
	}
	if _, rest, ok := strings.Cut(text, fmt.Sprintf("report %q: ", pe.Path)); ok {
		return rest
	}
	return text
}

// sortedReportErrors returns the report errors ordered by message, so that
// reasons and notes do not depend on the order in which steps finished.
func (e *evaluation) sortedReportErrors() []error {
	out := slices.Clone(e.in.ReportErrors)
	slices.SortStableFunc(out, func(a, b error) int { return cmp.Compare(a.Error(), b.Error()) })
	return out
}

// sortedNotRun returns the steps that did not run in the policy's step
// order; steps the policy does not list follow by name.
func (e *evaluation) sortedNotRun() []SkippedStep {
	return sortSteps(e.in.NotRun)
}

func sortSteps(list []SkippedStep) []SkippedStep {
	order := map[string]int{}
	for i, name := range config.StepNames() {
		order[name] = i
	}
	rank := func(step string) int {
		if i, ok := order[step]; ok {
			return i
		}
		return len(order)
	}
	out := slices.Clone(list)
	slices.SortStableFunc(out, func(a, b SkippedStep) int {
		if c := cmp.Compare(rank(a.Step), rank(b.Step)); c != 0 {
			return c
		}
		return cmp.Compare(a.Step, b.Step)
	})
	return out
}

// sortedReports returns the reports ordered by path, for the lists that
// renderings show.
func (e *evaluation) sortedReports() []*reports.Report {
	out := slices.Clone(e.in.Reports)
	slices.SortStableFunc(out, func(a, b *reports.Report) int { return cmp.Compare(a.Path, b.Path) })
	return out
}
