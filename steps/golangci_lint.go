package steps

import (
	"context"

	"dagger.io/dagger"
)

// Go build caches inside the golang-based images.
const (
	goModCachePath   = "/go/pkg/mod"
	goBuildCachePath = "/root/.cache/go-build"
)

// withGoCaches mounts the module and build caches and sets GOPROXY.
func (env *Env) withGoCaches(ctr *dagger.Container) *dagger.Container {
	ctr = ctr.
		WithMountedCache(goModCachePath, env.cache(CacheGoMod)).
		WithEnvVariable("GOMODCACHE", goModCachePath).
		WithMountedCache(goBuildCachePath, env.cache(CacheGoBuild)).
		WithEnvVariable("GOCACHE", goBuildCachePath).
		WithEnvVariable("GOFLAGS", "-mod=mod")
	if env.Options.GoProxy != "" {
		ctr = ctr.WithEnvVariable("GOPROXY", env.Options.GoProxy)
	}
	return ctr
}

// GolangciLint runs golangci-lint v2 with the project's .golangci.yml and
// writes SARIF.
var GolangciLint = toolStep{
	spec: Spec{
		Name:        "golangci-lint",
		Phase:       PhaseQuality,
		Description: "golangci-lint static analysis",
		ImageKey:    ImageGolangciLint,
		Command: []string{"golangci-lint", "run", "--output.sarif.path=" + reportPath("golangci-lint.sarif"),
			"--issues-exit-code=1", "./..."},
		Reports:    []string{"golangci-lint.sarif"},
		Gates:      []string{"go-lint-errors"},
		ToolSource: "the golangci-lint image",
		Skip:       skipUnlessGo,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = env.withGoCaches(ctr).
			WithMountedCache("/root/.cache/golangci-lint", env.cache(CacheGolangciLint)).
			WithEnvVariable("GOLANGCI_LINT_CACHE", "/root/.cache/golangci-lint")
		ctr = run(ctr, spec.Command...)
		return env.output(spec, ctr), nil
	},
}
