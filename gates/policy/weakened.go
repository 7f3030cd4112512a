package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
)

// policyName names the policy in notes: its file, or "the policy" when
// it is the built-in defaults.
func policyName(p *config.Config) string {
	if p.Source == "" || strings.HasPrefix(p.Source, "built-in defaults") {
		return "the policy"
	}
	return p.Source
}

// disabledVerdicts returns a not-evaluated verdict for each gate that the
// built-in defaults enable and the policy disables, so that switching off
// a gate (such as PHI exposure) shows in every rendering and in review.
func disabledVerdicts(p *config.Config) []gates.Verdict {
	defaults := config.Default()
	var out []gates.Verdict
	for _, name := range config.GateNames() {
		cur, ok := p.Gates.Setting(name)
		def, defOK := defaults.Gates.Setting(name)
		spec, known := specFor(name)
		if !ok || !defOK || !known || cur.Enabled || !def.Enabled {
			continue
		}
		out = append(out, gates.Verdict{
			Gate:      name,
			Title:     spec.title,
			Status:    gates.StatusNotEvaluated,
			Mode:      gates.Mode(cur.Mode),
			Threshold: thresholdText(spec, cur),
			Reason:    fmt.Sprintf("disabled in %s (enabled by default)", policyName(p)),
			Next:      fmt.Sprintf("set gates.%s.enabled: true in %s to check it again", name, policyName(p)),
		})
	}
	return out
}

// weakenedGates returns a note for each gate that the policy disables,
// makes advisory, or gives a looser threshold than the built-in
// defaults, such as "PHI exposure: disabled in weak.yaml".
func weakenedGates(p *config.Config) []string {
	defaults := config.Default()
	where := policyName(p)
	var notes []string
	for _, name := range config.GateNames() {
		cur, ok := p.Gates.Setting(name)
		def, defOK := defaults.Gates.Setting(name)
		spec, known := specFor(name)
		if !ok || !defOK || !known || !def.Enabled {
			continue
		}
		if !cur.Enabled {
			notes = append(notes, fmt.Sprintf("%s: disabled in %s", spec.title, where))
			continue
		}
		if def.Mode == config.Blocking && cur.Mode == config.Advisory {
			notes = append(notes, fmt.Sprintf("%s: advisory in %s (blocking by default)", spec.title, where))
		}
		if cur.HasThreshold && def.HasThreshold && looser(spec.cmp, cur.Threshold, def.Threshold) {
			notes = append(notes, fmt.Sprintf("%s: threshold %s in %s (default %s)", spec.title, thresholdText(spec, cur), where, thresholdText(spec, def)))
		}
	}
	return notes
}

// looser reports whether threshold cur lets more through than def.
func looser(c comparison, cur, def float64) bool {
	switch c {
	case atLeast:
		return cur < def
	case atMost, lessThan:
		return cur > def
	}
	return false
}

// countDescription matches a description of an analysis such as
// "91 files, 252809 bytes" or "3 FHIR files", which is no path.
var countDescription = regexp.MustCompile(`^\d+ [A-Za-z]`)

// reportPaths keeps only the report files and analyzed paths of a list
// that may hold descriptions or comma-joined path lists, so that
// Verdict.Reports holds paths only, sorted.
func reportPaths(list []string) []string {
	var out []string
	for _, entry := range list {
		for _, part := range strings.Split(entry, ", ") {
			part = strings.TrimSpace(part)
			if part == "" || countDescription.MatchString(part) || slices.Contains(out, part) {
				continue
			}
			out = append(out, part)
		}
	}
	slices.Sort(out)
	return out
}
