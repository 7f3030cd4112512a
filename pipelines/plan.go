package pipelines

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/steps"
)

// PlannedStep is one step as `ci plan` shows it.
type PlannedStep struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// Runs is "container", "in process" or "skipped".
	Runs    string   `json:"runs"`
	Image   string   `json:"image,omitempty"`
	Command []string `json:"command,omitempty"`
	Reports []string `json:"reports,omitempty"`
	Gates   []string `json:"gates,omitempty"`
	// Reason explains a skipped step.
	Reason string `json:"reason,omitempty"`
}

// PlannedPhase is one phase of a Plan.
type PlannedPhase struct {
	Name        string        `json:"name"`
	Description string        `json:"description"`
	After       []string      `json:"after,omitempty"`
	Enabled     bool          `json:"enabled"`
	Steps       []PlannedStep `json:"steps"`
}

// Plan is what a run would do, computed without an engine.
type Plan struct {
	Source string         `json:"source"`
	Policy string         `json:"policy"`
	Phases []PlannedPhase `json:"phases"`
	// Gates lists the enabled gates with their mode and threshold.
	Gates []config.GateSetting `json:"gates"`
	// Problems are source files that detection could not read.
	Problems []string `json:"problems,omitempty"`
}

// MakePlan computes the plan for a source directory and policy. It sends
// nothing to an engine.
func MakePlan(sourceDir string, cfg *config.Config, phaseNames []string) (*Plan, error) {
	r, phases, err := newRun(Options{SourceDir: sourceDir, Config: cfg, Phases: phaseNames})
	if err != nil {
		return nil, err
	}
	opts := r.stepOptions()
	images := steps.NewImages(opts)
	plan := &Plan{Source: sourceDir, Policy: cfg.Source, Gates: cfg.Gates.EnabledGates(), Problems: r.detection.Problems}

	for _, p := range phases {
		setting := r.phaseSetting(p.Name)
		pp := PlannedPhase{Name: p.Name, Description: p.Description, After: p.After, Enabled: setting.Enabled}
		for _, s := range r.phaseSteps(p) {
			spec := s.Spec()
			ps := PlannedStep{
				Name: spec.Name, Description: spec.Description, Command: spec.Command,
				Reports: spec.Reports, Gates: spec.Gates,
			}
			switch skip, reason := spec.ShouldSkip(r.detection, opts); {
			case !setting.Enabled:
				ps.Runs, ps.Reason = "skipped", "phase disabled in "+cfg.Source
			case !r.stepSetting(spec.Name).Enabled:
				ps.Runs, ps.Reason = "skipped", "disabled in "+cfg.Source
			case skip:
				ps.Runs, ps.Reason = "skipped", reason
			case spec.Native:
				ps.Runs = "in process"
			case spec.ImageKey == "":
				// Built by the engine itself, such as the Dockerfile build.
				ps.Runs = "container"
			default:
				ps.Runs = "container"
				img, err := images.ResolveFor(spec, r.detection)
				if err != nil {
					ps.Image = "invalid: " + err.Error()
				} else {
					ps.Image = img
				}
			}
			pp.Steps = append(pp.Steps, ps)
		}
		plan.Phases = append(plan.Phases, pp)
	}
	return plan, nil
}

// WriteText writes the plan as an indented outline for a terminal.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "source: %s\npolicy: %s\n", filepath.ToSlash(p.Source), p.Policy)
	for _, ph := range p.Phases {
		after := ""
		if len(ph.After) > 0 {
			after = " (after " + strings.Join(ph.After, ", ") + ")"
		}
		state := ""
		if !ph.Enabled {
			state = " [disabled]"
		}
		fmt.Fprintf(&b, "\nphase %s: %s%s%s\n", ph.Name, ph.Description, after, state)
		for _, s := range ph.Steps {
			switch s.Runs {
			case "skipped":
				fmt.Fprintf(&b, "  - %-18s skipped: %s\n", s.Name, s.Reason)
				continue
			case "in process":
				fmt.Fprintf(&b, "  + %-18s %s (in process, no engine needed)\n", s.Name, s.Description)
			default:
				fmt.Fprintf(&b, "  + %-18s %s\n", s.Name, s.Description)
				if s.Image != "" {
					fmt.Fprintf(&b, "      image:   %s\n", s.Image)
				}
			}
			if len(s.Command) > 0 {
				fmt.Fprintf(&b, "      command: %s\n", strings.Join(s.Command, " "))
			}
			if len(s.Reports) > 0 {
				fmt.Fprintf(&b, "      reports: %s\n", strings.Join(s.Reports, ", "))
			}
			if len(s.Gates) > 0 {
				fmt.Fprintf(&b, "      gates:   %s\n", strings.Join(s.Gates, ", "))
			}
		}
	}
	fmt.Fprintf(&b, "\ngates:\n")
	for _, g := range p.Gates {
		threshold := "pass/fail check"
		if g.HasThreshold {
			threshold = strings.TrimSpace(fmt.Sprintf("%g %s", g.Threshold, g.Unit))
		}
		fmt.Fprintf(&b, "  %-26s %-9s %s\n", g.Name, g.Mode, threshold)
	}
	for _, problem := range p.Problems {
		fmt.Fprintf(&b, "\nproblem: %s\n", problem)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
