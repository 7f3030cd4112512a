package pipelines

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates/policy"
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

// PlannedImage is one image or OCI artifact that a run may pull, with the
// steps that pull it, so an operator can copy every entry to a mirror
// (for example with `crane copy`) before an air-gapped run.
type PlannedImage struct {
	// Ref is the reference the run pulls, with the mirror applied.
	Ref string `json:"ref"`
	// Source is the public reference a mirror copies Ref from. It equals
	// Ref when no other origin is known: without a mirror, and for an
	// override or a Dockerfile image outside the mirror.
	Source string `json:"source"`
	// Pinned is true when Ref names a digest.
	Pinned bool `json:"pinned"`
	// Artifact marks an OCI artifact that is not a container image, such
	// as a Trivy database.
	Artifact bool `json:"artifact,omitempty"`
	// BypassesMirror marks, when a mirror is set, a reference outside it
	// that images.mirror does not rewrite, such as a Dockerfile's base
	// image. MirrorHint is the change that moves it under the mirror.
	BypassesMirror bool   `json:"bypassesMirror,omitempty"`
	MirrorHint     string `json:"mirrorHint,omitempty"`
	// UsedBy lists the reasons the run pulls the reference, in plan order.
	UsedBy []ImageUse `json:"usedBy"`
}

// ImageUse is one reason to pull an image, such as "postgres service",
// and the steps that pull it for that reason.
type ImageUse struct {
	Purpose string   `json:"purpose"`
	Steps   []string `json:"steps"`
}

// PlannedGate is one enabled gate with its threshold as the run's summary
// states it, such as ">= 85 %" or "<= 0 failing".
type PlannedGate struct {
	Name      string `json:"name"`
	Title     string `json:"title"`
	Mode      string `json:"mode"`
	Threshold string `json:"threshold"`
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
	// Images lists every image and OCI artifact that the planned steps
	// may pull, in plan order.
	Images []PlannedImage `json:"images"`
	// Gates lists the enabled gates with their mode and threshold.
	Gates []PlannedGate `json:"gates"`
	// Problems are source files that detection could not read, and
	// images that could not be resolved.
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
	// upstream resolves the same references without the mirror prefix,
	// so the plan can list what to copy into the mirror.
	upstream := images
	upstream.Mirror = ""
	plan := &Plan{Source: sourceDir, Policy: cfg.Source, Gates: plannedGates(cfg), Problems: r.detection.Problems}
	pulls := newPullList(opts.Mirror)

	for _, p := range phases {
		setting := r.phaseSetting(p.Name)
		pp := PlannedPhase{Name: p.Name, Description: p.Description, After: p.After, Enabled: setting.Enabled}
		for _, s := range r.phaseSteps(p) {
			spec := s.Spec()
			ps := PlannedStep{
				Name: spec.Name, Description: spec.Description, Command: spec.CommandWith(r.detection, opts),
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
					plan.Problems = append(plan.Problems, fmt.Sprintf("step %s: %v", spec.Name, err))
				} else {
					ps.Image = img
					source, err := upstream.ResolveFor(spec, r.detection)
					if err != nil {
						source = img
					}
					pulls.add(spec.Name, steps.Pull{Ref: img, Source: source, Purpose: "step image"})
				}
			}
			if ps.Runs == "container" {
				for _, p := range spec.PullsWith(r.detection, opts) {
					if p.Problem != "" {
						// Every step that builds the image reports the same
						// Dockerfile problem; the plan names it once.
						problem := fmt.Sprintf("%s: %s", p.Purpose, p.Problem)
						if !slices.ContainsFunc(plan.Problems, func(s string) bool { return strings.HasSuffix(s, problem) }) {
							plan.Problems = append(plan.Problems, fmt.Sprintf("step %s: %s", spec.Name, problem))
						}
						continue
					}
					pulls.add(spec.Name, p)
				}
			}
			pp.Steps = append(pp.Steps, ps)
		}
		plan.Phases = append(plan.Phases, pp)
	}
	plan.Images = pulls.list
	return plan, nil
}

// pullList collects the planned images, one entry per reference.
type pullList struct {
	// mirror is the images.mirror prefix with a trailing slash, or "".
	mirror string
	list   []PlannedImage
	index  map[string]int
}

func newPullList(mirror string) *pullList {
	if mirror = strings.TrimSpace(mirror); mirror != "" {
		mirror = strings.TrimSuffix(mirror, "/") + "/"
	}
	return &pullList{mirror: mirror, index: map[string]int{}}
}

// bypasses reports whether a reference that hmsci does not rewrite lies
// outside the configured mirror.
func (l *pullList) bypasses(p steps.Pull) bool {
	return l.mirror != "" && p.Unmirrored && !strings.HasPrefix(p.Ref, l.mirror)
}

func (l *pullList) add(step string, p steps.Pull) {
	i, ok := l.index[p.Ref]
	if !ok {
		i = len(l.list)
		l.index[p.Ref] = i
		source := p.Source
		if source == "" || source == p.Ref {
			// The mirror keeps the source registry in the path, so a
			// reference under it, such as a build argument's, names its
			// origin after the prefix.
			source = p.Ref
			if l.mirror != "" && strings.HasPrefix(p.Ref, l.mirror) {
				source = strings.TrimPrefix(p.Ref, l.mirror)
			}
		}
		img := PlannedImage{Ref: p.Ref, Source: source, Pinned: p.Pinned(), Artifact: p.Artifact}
		if l.bypasses(p) {
			img.BypassesMirror, img.MirrorHint = true, p.MirrorHint
		}
		l.list = append(l.list, img)
	}
	img := &l.list[i]
	for j := range img.UsedBy {
		if img.UsedBy[j].Purpose == p.Purpose {
			if !slices.Contains(img.UsedBy[j].Steps, step) {
				img.UsedBy[j].Steps = append(img.UsedBy[j].Steps, step)
			}
			return
		}
	}
	img.UsedBy = append(img.UsedBy, ImageUse{Purpose: p.Purpose, Steps: []string{step}})
}

// plannedGates states each enabled gate's threshold with the same words
// as the run's summary, by evaluating the policy on no input.
func plannedGates(cfg *config.Config) []PlannedGate {
	var out []PlannedGate
	for _, v := range policy.Evaluate(cfg, policy.Inputs{}) {
		out = append(out, PlannedGate{Name: v.Gate, Title: v.Title, Mode: string(v.Mode), Threshold: v.Threshold})
	}
	return out
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
	p.writeImages(&b)
	fmt.Fprintf(&b, "\ngates:\n")
	nameWidth, modeWidth := 0, 0
	for _, g := range p.Gates {
		nameWidth = max(nameWidth, len(g.Name))
		modeWidth = max(modeWidth, len(g.Mode))
	}
	for _, g := range p.Gates {
		fmt.Fprintf(&b, "  %-*s  %-*s  %s\n", nameWidth, g.Name, modeWidth, g.Mode, g.Threshold)
	}
	for _, problem := range p.Problems {
		fmt.Fprintf(&b, "\nproblem: %s\n", problem)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeImages lists the images to copy into a mirror, flagging each
// reference that names no digest.
func (p *Plan) writeImages(b *strings.Builder) {
	if len(p.Images) == 0 {
		return
	}
	unpinned := 0
	for _, img := range p.Images {
		if !img.Pinned {
			unpinned++
		}
	}
	fmt.Fprintf(b, "\nimages and artifacts a run may pull (%d, %d not pinned by digest):\n", len(p.Images), unpinned)
	for _, img := range p.Images {
		var flags []string
		if !img.Pinned {
			flags = append(flags, "UNPINNED: no digest")
		}
		if img.Artifact {
			flags = append(flags, "OCI artifact")
		}
		if img.BypassesMirror {
			flags = append(flags, "not under images.mirror: "+img.MirrorHint)
		}
		line := "  " + img.Ref
		if len(flags) > 0 {
			line += "  [" + strings.Join(flags, "; ") + "]"
		}
		fmt.Fprintln(b, line)
		if img.Source != img.Ref {
			fmt.Fprintf(b, "      copy from: %s\n", img.Source)
		}
		for _, use := range img.UsedBy {
			fmt.Fprintf(b, "      %s: %s\n", use.Purpose, strings.Join(use.Steps, ", "))
		}
	}
}
