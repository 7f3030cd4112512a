// Package pipelines runs hmsci's phases as a DAG of parallel steps and
// gathers what they produce into one gates.Result.
package pipelines

import (
	"fmt"
	"slices"
	"strings"
)

// Phase names, in the order the plan and the renderings list them.
const (
	PhaseQuality        = "quality"
	PhaseTesting        = "testing"
	PhaseSecurity       = "security"
	PhaseCompliance     = "compliance"
	PhaseContainer      = "container"
	PhaseInfrastructure = "infrastructure"
)

// Phase is one stage of the pipeline. Its steps run in parallel; a phase
// starts when every phase it comes after has finished.
type Phase struct {
	Name string
	// Description reads as a log line ("code quality").
	Description string
	// After names the phases that must finish first.
	After []string
}

// String returns the description, so a phase prints as a log line.
func (p Phase) String() string { return p.Description }

// Phases is the pipeline's DAG. Quality, security, compliance and
// infrastructure checks need nothing but the source, so they start at once;
// tests wait for quality so a type error fails fast and cheap; the image is
// built and signed only after tests and security scans.
var Phases = []Phase{
	{Name: PhaseQuality, Description: "code quality"},
	{Name: PhaseTesting, Description: "tests", After: []string{PhaseQuality}},
	{Name: PhaseSecurity, Description: "security scans"},
	{Name: PhaseCompliance, Description: "HIPAA and FHIR compliance"},
	{Name: PhaseContainer, Description: "container supply chain", After: []string{PhaseTesting, PhaseSecurity}},
	{Name: PhaseInfrastructure, Description: "infrastructure validation"},
}

// PhaseNames returns the names of Phases in order.
func PhaseNames() []string {
	names := make([]string, len(Phases))
	for i, p := range Phases {
		names[i] = p.Name
	}
	return names
}

// LookupPhase returns the phase with the given name.
func LookupPhase(name string) (Phase, bool) {
	for _, p := range Phases {
		if p.Name == name {
			return p, true
		}
	}
	return Phase{}, false
}

// selectPhases returns the phases to run for the names the user asked for,
// in DAG order. An empty list selects every phase. Dependencies of a
// selected phase are not added: running only "container" skips the tests,
// as a user who asks for one phase expects.
func selectPhases(names []string) ([]Phase, error) {
	if len(names) == 0 {
		return slices.Clone(Phases), nil
	}
	var selected []Phase
	for _, n := range names {
		if _, ok := LookupPhase(n); !ok {
			return nil, fmt.Errorf("unknown phase %q: expected one of %s", n, strings.Join(PhaseNames(), ", "))
		}
	}
	for _, p := range Phases {
		if slices.Contains(names, p.Name) {
			p.After = slices.DeleteFunc(slices.Clone(p.After), func(dep string) bool {
				return !slices.Contains(names, dep)
			})
			selected = append(selected, p)
		}
	}
	return selected, nil
}

// waves groups phases into levels of the DAG: every phase of a wave depends
// only on phases of earlier waves. It rejects a cycle or an unknown
// dependency.
func waves(phases []Phase) ([][]Phase, error) {
	done := map[string]bool{}
	remaining := slices.Clone(phases)
	known := map[string]bool{}
	for _, p := range phases {
		known[p.Name] = true
	}
	for _, p := range phases {
		for _, dep := range p.After {
			if !known[dep] {
				return nil, fmt.Errorf("phase %q comes after unknown phase %q", p.Name, dep)
			}
		}
	}

	var result [][]Phase
	for len(remaining) > 0 {
		var wave, next []Phase
		for _, p := range remaining {
			ready := true
			for _, dep := range p.After {
				if !done[dep] {
					ready = false
					break
				}
			}
			if ready {
				wave = append(wave, p)
			} else {
				next = append(next, p)
			}
		}
		if len(wave) == 0 {
			names := make([]string, len(next))
			for i, p := range next {
				names[i] = p.Name
			}
			return nil, fmt.Errorf("phases %s depend on each other in a cycle", strings.Join(names, ", "))
		}
		for _, p := range wave {
			done[p.Name] = true
		}
		result = append(result, wave)
		remaining = next
	}
	return result, nil
}
