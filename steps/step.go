package steps

import (
	"context"
	"fmt"
)

// buildFunc builds a step's lazy Output.
type buildFunc func(ctx context.Context, env *Env, spec Spec) (*Output, error)

// toolStep is a containerized step: a Spec and the builder behind it.
type toolStep struct {
	spec  Spec
	build buildFunc
}

func (s toolStep) Spec() Spec { return s.spec }

// Run checks the Skip rule, then builds the lazy Output.
func (s toolStep) Run(ctx context.Context, env *Env) (*Output, error) {
	if env == nil || env.Client == nil {
		return nil, fmt.Errorf("step %s: no Dagger client in the environment", s.spec.Name)
	}
	if skip, reason := s.spec.ShouldSkip(env.Detection, env.Options); skip {
		return nil, fmt.Errorf("step %s: %w: %s", s.spec.Name, ErrNotApplicable, reason)
	}
	return s.build(ctx, env, s.spec)
}

// nativeStep is an in-process analyzer owned by another package, listed
// here so `ci plan` shows it.
type nativeStep struct{ spec Spec }

func (s nativeStep) Spec() Spec { return s.spec }

// Run returns ErrNative: the pipeline calls the analyzer package directly.
func (s nativeStep) Run(context.Context, *Env) (*Output, error) {
	return nil, fmt.Errorf("step %s: %w", s.spec.Name, ErrNative)
}

func skipUnlessNode(d Detection, _ Options) (bool, string) {
	if !d.Node {
		return true, "no package.json in the source"
	}
	return false, ""
}

func skipUnlessTypeScript(d Detection, _ Options) (bool, string) {
	if !d.TypeScript {
		return true, "no tsconfig.json and no typescript dependency"
	}
	if !d.Node {
		return true, "no package.json in the source"
	}
	return false, ""
}

func skipUnlessGo(d Detection, _ Options) (bool, string) {
	if !d.Go {
		return true, "no go.mod at the source root"
	}
	return false, ""
}
