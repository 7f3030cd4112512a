package steps

import "context"

// TypeCoverage measures the share of identifiers whose type is not any,
// with the type-coverage tool from the project's lockfile.
var TypeCoverage = toolStep{
	spec: Spec{
		Name:        "type-coverage",
		Phase:       PhaseQuality,
		Description: "typescript type coverage",
		ImageKey:    ImageNode,
		Command:     typeCoverageArgs(Detection{}),
		CommandFor:  func(d Detection, _ Options) []string { return typeCoverageArgs(d) },
		Reports:     []string{"type-coverage.json"},
		Gates:       []string{"type-coverage"},
		ToolSource:  "type-coverage from the project's lockfile",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessTypeScript(d, o); skip {
				return skip, reason
			}
			return skipUnlessDependency("type-coverage")(d, o)
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.nodeDeps(spec)
		if err != nil {
			return nil, err
		}
		ctr = runTo(ctr, reportPath("type-coverage.json"), typeCoverageArgs(env.Detection)...)
		return env.output(spec, ctr), nil
	},
}

func typeCoverageArgs(d Detection) []string {
	return []string{bin("type-coverage"), "--detail", "--strict", "--json-output", "-p", tsconfigPath(d)}
}
