// Package steps builds the containerized tool steps of hmsci: each step is
// a plain Spec for planning and a lazy Dagger builder that returns the
// container it ran and the report files it wrote.
package steps

import (
	"context"
	"errors"

	"dagger.io/dagger"
)

// Phase names a pipeline phase.
type Phase string

// Phases in pipeline order.
const (
	PhaseQuality        Phase = "quality"
	PhaseTesting        Phase = "testing"
	PhaseSecurity       Phase = "security"
	PhaseCompliance     Phase = "compliance"
	PhaseContainer      Phase = "container"
	PhaseInfrastructure Phase = "infrastructure"
)

// Spec describes a step for `ci plan` and for the pipeline: what it runs,
// where, which reports it writes and which gates read them. A Spec sends
// nothing to an engine.
type Spec struct {
	// Name is the kebab-case step name, such as "golangci-lint".
	Name string
	// Phase is the phase the step belongs to.
	Phase Phase
	// Description is a short log line such as "eslint static analysis".
	Description string
	// ImageKey selects the image in the image table; empty for native steps.
	ImageKey string
	// Command is the main argv the step runs with default options, as a
	// generic description of the step.
	Command []string
	// CommandFor returns the main argv that the step's builder runs for a
	// project and options; nil means Command. The builder and `ci plan`
	// share it, so the plan shows what a run executes.
	CommandFor func(d Detection, o Options) []string
	// Pulls returns the images the step pulls besides its own ImageKey
	// image: services, helper images, the Dockerfile's base images.
	Pulls func(d Detection, o Options) []Pull
	// Reports are the report file names the step writes, relative to its
	// report directory.
	Reports []string
	// Gates are the policy gate keys that read the step's reports.
	Gates []string
	// Native marks a step that runs in the Go process, with no container.
	Native bool
	// Optional marks a step that runs only when configured (a server URL,
	// a token, an opt-in flag).
	Optional bool
	// ToolSource names the origin of the tool: the image, or the project's
	// own lockfile.
	ToolSource string
	// Skip returns true and a reason when the step does not apply to the
	// detected project or the options.
	Skip func(d Detection, o Options) (bool, string)
}

// String returns the description, so a Spec reads well in logs.
func (s Spec) String() string { return s.Description }

// CommandWith returns the argv the step runs for a project and options,
// with the option defaults applied as NewEnv applies them.
func (s Spec) CommandWith(d Detection, o Options) []string {
	if s.CommandFor == nil {
		return s.Command
	}
	return s.CommandFor(d, o.withDefaults())
}

// PullsWith returns the extra images of the step for a project and
// options; see Spec.Pulls.
func (s Spec) PullsWith(d Detection, o Options) []Pull {
	if s.Pulls == nil {
		return nil
	}
	return s.Pulls(d, o.withDefaults())
}

// ShouldSkip calls Skip when it is set.
func (s Spec) ShouldSkip(d Detection, o Options) (bool, string) {
	if s.Skip == nil {
		return false, ""
	}
	return s.Skip(d, o)
}

// Step is one tool run.
type Step interface {
	// Spec describes the step; it is pure and cheap.
	Spec() Spec
	// Run builds the step's lazy Dagger objects. It sends no query that
	// executes anything: the caller decides when to evaluate the Output.
	Run(ctx context.Context, env *Env) (*Output, error)
}

// Output holds the lazy results of one step.
type Output struct {
	// Container is the container that ran the tool, for logs and exit code;
	// nil for in-process steps and for steps whose only output is reports.
	Container *dagger.Container
	// Reports is a directory holding exactly the Spec's report files.
	Reports *dagger.Directory
}

// ErrNative is returned by Run of native steps whose analyzer lives in
// another package and runs in the Go process instead of a container.
var ErrNative = errors.New("native step: runs in the Go process, not through Dagger")

// ErrNotApplicable is returned by Run when the step's Skip rule applies;
// callers should check Spec().ShouldSkip first.
var ErrNotApplicable = errors.New("step does not apply")
