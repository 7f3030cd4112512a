package pipelines

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"dagger.io/dagger"
	"github.com/hashicorp/go-multierror"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/gates/reports"
	"github.com/hms-enterprise/hmsci/internal/parallel"
	"github.com/hms-enterprise/hmsci/steps"
)

// DefaultOutDir is the directory that a run writes its reports and renderings to.
const DefaultOutDir = "hmsci-reports"

// Options configures one pipeline run. SourceDir and Config are required;
// the zero value of every other field is useful.
type Options struct {
	// SourceDir is the host directory to check. Native analyzers read it
	// directly; containerized steps get it through Source.
	SourceDir string
	// Source is SourceDir as a Dagger directory; nil means
	// Client.Host().Directory(SourceDir).
	Source *dagger.Directory
	// Client is the Dagger client; nil means no engine is reachable, and
	// every containerized step is reported as not run.
	Client *dagger.Client
	// NoEngineReason is the reason Client is nil, for the notes and the verdicts.
	NoEngineReason string
	// Config is the effective policy.
	Config *config.Config
	// Phases limits the run to these phases; empty runs every phase.
	Phases []string
	// FailFast cancels the remaining steps after the first error; it is
	// also on when the policy sets phases.fail-fast.
	FailFast bool
	// OutDir receives every step's reports (OutDir/steps/NAME/) and the
	// renderings; empty means DefaultOutDir under the working directory.
	OutDir string
	// Logger receives one line when each step starts and ends; nil
	// discards them.
	Logger *slog.Logger
	// Getenv reads the tokens that the policy names by variable; nil
	// means os.Getenv.
	Getenv func(string) string
	// Steps replaces the step list, for tests; nil means steps.All().
	Steps []steps.Step
}

// run holds the state of one pipeline run.
type run struct {
	opts      Options
	cfg       *config.Config
	detection steps.Detection
	env       *steps.Env
	log       *slog.Logger
	// options are the step options, computed once per run.
	options steps.Options
	// source is the source directory as the caller named it.
	source string

	mu      sync.Mutex
	results map[string]*gates.StepResult
	inputs  policy.Inputs
	// analyses holds each native analyzer's output by tool, for hipaa.
	analyses map[string]policy.Analysis
}

// Run runs the selected phases on the source and returns one Result with a
// verdict for every enabled gate. It returns an error only when the run
// could not start (invalid options); failing steps and gates are in the
// Result.
func Run(ctx context.Context, opts Options) (*gates.Result, error) {
	r, phases, err := newRun(opts)
	if err != nil {
		return nil, err
	}

	if err := r.runPhases(ctx, phases); err != nil {
		r.log.Warn("pipeline finished with errors", "error", err)
	}
	if slices.ContainsFunc(phases, func(p Phase) bool { return p.Name == PhaseCompliance }) {
		r.runHIPAA(ctx)
	}
	return r.result(phases), nil
}

func newRun(opts Options) (*run, []Phase, error) {
	if opts.SourceDir == "" {
		return nil, nil, errors.New("missing source directory")
	}
	abs, err := filepath.Abs(opts.SourceDir)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve source directory %q: %w", opts.SourceDir, err)
	}
	if info, err := os.Stat(abs); err != nil || !info.IsDir() {
		return nil, nil, fmt.Errorf("source directory %q not found or not a directory", opts.SourceDir)
	}
	// The result names the source as the user gave it; analyzers read abs.
	displaySource := opts.SourceDir
	opts.SourceDir = abs
	if opts.Config == nil {
		opts.Config = config.Default()
	}
	if opts.OutDir == "" {
		opts.OutDir = DefaultOutDir
	}
	// The engine resolves export paths itself, so hand it an absolute one.
	if opts.OutDir, err = filepath.Abs(opts.OutDir); err != nil {
		return nil, nil, fmt.Errorf("resolve output directory: %w", err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Steps == nil {
		opts.Steps = steps.All()
	}
	opts.FailFast = opts.FailFast || opts.Config.Phases.FailFast

	phases, err := selectPhases(opts.Phases)
	if err != nil {
		return nil, nil, err
	}
	r := &run{
		opts:      opts,
		cfg:       opts.Config,
		detection: steps.Detect(abs),
		log:       opts.Logger,
		source:    displaySource,
		results:   map[string]*gates.StepResult{},
		analyses:  map[string]policy.Analysis{},
	}
	r.inputs.Root = abs
	r.inputs.ReportsDir = filepath.Join(opts.OutDir, "steps")

	if opts.Client != nil {
		stepOpts, err := stepOptions(opts.Config, opts.Client, opts.Getenv)
		if err != nil {
			return nil, nil, err
		}
		if stepOpts.SonarProjectKey == "" {
			// sonar-project.properties names the project when it exists;
			// otherwise the source directory's name does.
			stepOpts.SonarProjectKey = filepath.Base(abs)
		}
		source := opts.Source
		if source == nil {
			source = opts.Client.Host().Directory(abs, dagger.HostDirectoryOpts{
				Exclude: []string{"node_modules", ".git", "hmsci-reports"},
			})
		}
		// Validated here, with the secrets set: without an engine a token
		// is never read, and its absence is no error.
		if err := stepOpts.Validate(); err != nil {
			return nil, nil, fmt.Errorf("invalid step options from %s: %w", opts.Config.Source, err)
		}
		r.env = steps.NewEnv(opts.Client, source, r.detection, stepOpts)
		r.options = r.env.Options
	} else {
		// Without an engine no token is read, so the mapping cannot fail.
		// The step defaults apply as they would in an Env.
		stepOpts, _ := stepOptions(opts.Config, nil, opts.Getenv)
		r.options = steps.NewEnv(nil, nil, r.detection, stepOpts).Options
	}
	return r, phases, nil
}

// runPhases starts every phase as soon as the phases it comes after are
// done. Without fail-fast a phase runs even when an earlier one failed:
// every phase reports.
func (r *run) runPhases(ctx context.Context, phases []Phase) error {
	done := map[string]chan struct{}{}
	for _, p := range phases {
		done[p.Name] = make(chan struct{})
	}
	fns := make([]func(context.Context) error, len(phases))
	for i, p := range phases {
		fns[i] = func(ctx context.Context) error {
			defer close(done[p.Name])
			for _, dep := range p.After {
				select {
				case <-done[dep]:
				case <-ctx.Done():
					r.markPhase(p, gates.StepNotRun, "cancelled: an earlier step failed and fail-fast is on")
					return nil
				}
			}
			return r.runPhase(ctx, p)
		}
	}
	return parallel.Run(ctx, parallel.Options{FailFast: r.opts.FailFast}, fns...)
}

// phaseSteps returns the steps of a phase in registry order.
func (r *run) phaseSteps(p Phase) []steps.Step {
	var out []steps.Step
	for _, s := range r.opts.Steps {
		if string(s.Spec().Phase) == p.Name {
			out = append(out, s)
		}
	}
	return out
}

// spec returns the spec of the named step, or a bare one.
func (r *run) spec(name string) steps.Spec {
	for _, s := range r.opts.Steps {
		if s.Spec().Name == name {
			return s.Spec()
		}
	}
	return steps.Spec{Name: name}
}

// markPhase records every step of a phase that has no result yet.
func (r *run) markPhase(p Phase, status gates.StepStatus, reason string) {
	for _, s := range r.phaseSteps(p) {
		spec := s.Spec()
		r.record(&gates.StepResult{Name: spec.Name, Phase: p.Name, Status: status, Reason: reason})
	}
}

func (r *run) runPhase(ctx context.Context, p Phase) error {
	setting := r.phaseSetting(p.Name)
	if !setting.Enabled {
		r.markPhase(p, gates.StepSkipped, "phase "+p.Name+" is disabled in "+r.cfg.Source)
		return nil
	}
	if setting.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(setting.Timeout))
		defer cancel()
	}

	r.log.Info("phase started", "phase", p.Name)
	start := time.Now()
	var fns []func(context.Context) error
	for _, s := range r.phaseSteps(p) {
		fns = append(fns, func(ctx context.Context) error { return r.runStep(ctx, p, s) })
	}
	err := parallel.Run(ctx, parallel.Options{FailFast: r.opts.FailFast}, fns...)
	r.log.Info("phase finished", "phase", p.Name, "duration", time.Since(start).Round(time.Millisecond))
	return err
}

func (r *run) phaseSetting(name string) config.Phase {
	ph := r.cfg.Phases
	switch name {
	case PhaseQuality:
		return ph.Quality
	case PhaseTesting:
		return ph.Testing
	case PhaseSecurity:
		return ph.Security
	case PhaseCompliance:
		return ph.Compliance
	case PhaseContainer:
		return ph.Container
	case PhaseInfrastructure:
		return ph.Infrastructure
	}
	return config.Phase{Enabled: true}
}

// stepSetting returns the policy's settings for a step; a step the policy
// does not list is enabled with no timeout of its own.
func (r *run) stepSetting(name string) config.StepBase {
	if base, ok := r.cfg.Steps.Step(name); ok {
		return base
	}
	return config.StepBase{Enabled: true}
}

// record stores a step result, replacing an earlier one for the same step.
func (r *run) record(res *gates.StepResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, seen := r.results[res.Name]; seen && res.Status == gates.StepNotRun {
		return
	}
	r.results[res.Name] = res
	switch res.Status {
	case gates.StepNotRun:
		r.inputs.NotRun = append(r.inputs.NotRun, policy.SkippedStep{Step: res.Name, Reason: res.Reason})
	case gates.StepSkipped, gates.StepErrored:
		r.inputs.NotRun = append(r.inputs.NotRun, policy.SkippedStep{Step: res.Name, Reason: string(res.Status) + ": " + res.Reason})
	}
}

// runStep runs one step and records its result. It returns an error only
// when the step errored, so fail-fast can cancel the others.
func (r *run) runStep(ctx context.Context, p Phase, s steps.Step) error {
	spec := s.Spec()
	res := &gates.StepResult{Name: spec.Name, Phase: p.Name}

	setting := r.stepSetting(spec.Name)
	if !setting.Enabled {
		res.Status, res.Reason = gates.StepSkipped, "disabled in "+r.cfg.Source
		r.record(res)
		return nil
	}
	if skip, reason := spec.ShouldSkip(r.detection, r.stepOptions()); skip {
		res.Status, res.Reason = gates.StepSkipped, reason
		r.record(res)
		return nil
	}
	if spec.Name == hipaaStep {
		return nil // runs after every phase, in runHIPAA
	}
	analyzer, native := nativeAnalyzers[spec.Name]
	if !native && r.env == nil {
		res.Status, res.Reason = gates.StepNotRun, "no Dagger engine"
		if img, err := steps.NewImages(r.stepOptions()).ResolveFor(spec, r.detection); err == nil {
			res.Image = img
		}
		r.record(res)
		return nil
	}
	if spec.Native && !native {
		res.Status, res.Reason = gates.StepNotRun, "no in-process analyzer is registered for this step"
		r.record(res)
		return nil
	}

	if setting.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(setting.Timeout))
		defer cancel()
	}
	r.log.Info("step started", "phase", p.Name, "step", spec.Name)
	start := time.Now()
	var err error
	if native {
		err = r.runNative(ctx, spec, analyzer, res)
	} else {
		err = r.runContainer(ctx, spec, s, res)
	}
	res.Duration = time.Since(start).Round(time.Millisecond)
	if err != nil {
		res.Status, res.Reason = gates.StepErrored, err.Error()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			res.Reason = fmt.Sprintf("timed out after %s: %v", res.Duration, err)
		}
	}
	r.log.Info("step finished", "phase", p.Name, "step", spec.Name, "status", res.Status,
		"duration", res.Duration, "findings", len(res.Findings))
	if res.Status == gates.StepErrored {
		r.log.Error("step errored", "phase", p.Name, "step", spec.Name, "error", res.Reason)
	}
	r.record(res)
	if res.Status == gates.StepErrored {
		return fmt.Errorf("step %s: %s", spec.Name, res.Reason)
	}
	return nil
}

// stepOptions returns the options the steps run with, or the policy's
// mapping without secrets when there is no engine (for skip rules and
// image names).
func (r *run) stepOptions() steps.Options { return r.options }

func (r *run) stepDir(name string) string {
	return filepath.Join(r.opts.OutDir, "steps", name)
}

func (r *run) runNative(ctx context.Context, spec steps.Spec, analyzer nativeAnalyzer, res *gates.StepResult) error {
	in := nativeInput{root: r.opts.SourceDir, cfg: r.cfg, detection: r.detection, reportDir: r.stepDir(spec.Name), spec: spec}
	out, err := analyzer(ctx, in)
	if err != nil {
		return err
	}
	if len(out.analysis.Findings) > 0 || len(out.reports) > 0 {
		name, err := writeFindingsSARIF(in, out.analysis.Findings, out.reports)
		if err != nil {
			return err
		}
		if name != "" {
			out.reports = append([]string{name}, out.reports...)
		}
	}
	r.addAnalysis(out.analysis)
	res.Findings = out.analysis.Findings
	for _, name := range out.reports {
		res.Reports = append(res.Reports, filepath.ToSlash(filepath.Join("steps", spec.Name, name)))
	}
	res.Status = gates.StepSucceeded
	if len(res.Findings) > 0 || !checksPass(out.analysis) {
		res.Status = gates.StepFindings
	}
	if out.err != nil {
		// Some inputs could not be read. The rest were analyzed and their
		// findings count, but the step is errored: a file its gates should
		// have checked was not checked, and those gates fail closed.
		return fmt.Errorf("%d input(s) could not be checked: %s", len(flatten(out.err)), strings.Join(flatten(out.err), "; "))
	}
	return nil
}

// flatten returns the messages of a multierror, or of a plain error, one
// per element, without go-multierror's list formatting.
func flatten(err error) []string {
	var merr *multierror.Error
	if errors.As(err, &merr) {
		out := make([]string, 0, len(merr.Errors))
		for _, e := range merr.Errors {
			out = append(out, flatten(e)...)
		}
		return out
	}
	if err == nil {
		return nil
	}
	return []string{err.Error()}
}

func checksPass(a policy.Analysis) bool {
	for _, c := range a.Checks {
		if !c.OK {
			return false
		}
	}
	return true
}

func (r *run) addAnalysis(a policy.Analysis) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inputs.Analyses = append(r.inputs.Analyses, a)
	r.analyses[a.Tool] = a
}

// result assembles the Result in phase and registry order and evaluates
// the gates.
func (r *run) result(phases []Phase) *gates.Result {
	r.mu.Lock()
	defer r.mu.Unlock()

	// Steps of phases the caller left out explain their gates too.
	var selected []string
	for _, p := range phases {
		selected = append(selected, p.Name)
	}
	for _, s := range r.opts.Steps {
		spec := s.Spec()
		if !slices.Contains(selected, string(spec.Phase)) {
			r.inputs.NotRun = append(r.inputs.NotRun, policy.SkippedStep{
				Step:   spec.Name,
				Reason: fmt.Sprintf("phase %s not selected (ran %s)", spec.Phase, strings.Join(selected, ", ")),
			})
		}
	}
	// Steps finish in any order; the evaluation reads them in registry
	// order so that two runs of the same tree render the same text.
	order := map[string]int{}
	for i, s := range r.opts.Steps {
		order[s.Spec().Name] = i
	}
	slices.SortStableFunc(r.inputs.NotRun, func(a, b policy.SkippedStep) int { return order[a.Step] - order[b.Step] })
	slices.SortStableFunc(r.inputs.Analyses, func(a, b policy.Analysis) int { return strings.Compare(a.Tool, b.Tool) })
	slices.SortStableFunc(r.inputs.Reports, func(a, b *reports.Report) int { return strings.Compare(a.Path, b.Path) })

	res := policy.Run(r.cfg, r.inputs, r.source)
	// Each step result carries its own findings, and the renderers read
	// both lists, so the evaluation's copy is dropped.
	res.Findings = nil

	var notes []string
	notes = append(notes, "policy: "+r.cfg.Source)
	if r.env == nil && r.opts.NoEngineReason != "" {
		notes = append(notes, "No Dagger engine: "+r.opts.NoEngineReason+". Containerized steps were not run; the in-process checks ran.")
	}
	for _, problem := range r.detection.Problems {
		notes = append(notes, "source detection: "+problem)
	}
	res.Notes = append(notes, res.Notes...)

	for _, p := range phases {
		pr := gates.PhaseResult{Name: p.Name}
		for _, s := range r.phaseSteps(p) {
			if sr, ok := r.results[s.Spec().Name]; ok {
				pr.Steps = append(pr.Steps, *sr)
			}
		}
		res.Phases = append(res.Phases, pr)
	}
	return res
}
