package steps

import "context"

// Prettier lists the files whose formatting differs from Prettier's output.
// --list-different is the machine-readable form of --check: one path per
// line on stdout, exit status 1 when any file differs.
var Prettier = toolStep{
	spec: Spec{
		Name:        "prettier",
		Phase:       PhaseQuality,
		Description: "prettier formatting check",
		ImageKey:    ImageNode,
		Command:     []string{bin("prettier"), "--list-different", "."},
		Reports:     []string{"prettier.txt"},
		Gates:       []string{"formatting"},
		ToolSource:  "prettier from the project's lockfile",
		Skip:        skipUnlessDependency("prettier"),
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.nodeDeps(spec)
		if err != nil {
			return nil, err
		}
		ctr = runTo(ctr, reportPath("prettier.txt"), bin("prettier"), "--list-different", ".")
		return env.output(spec, ctr), nil
	},
}
