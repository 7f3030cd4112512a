package steps

import "context"

// ESLint lints with the project's own ESLint config (where a security
// plugin such as eslint-plugin-security belongs) and writes SARIF through
// @microsoft/eslint-formatter-sarif, both from the project's lockfile.
var ESLint = toolStep{
	spec: Spec{
		Name:        "eslint",
		Phase:       PhaseQuality,
		Description: "eslint static analysis",
		ImageKey:    ImageNode,
		Command: []string{bin("eslint"), "--format", "@microsoft/eslint-formatter-sarif",
			"--output-file", reportPath("eslint.sarif"), "."},
		Reports:    []string{"eslint.sarif"},
		Gates:      []string{"eslint-errors"},
		ToolSource: "eslint and @microsoft/eslint-formatter-sarif from the project's lockfile",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessDependency("eslint")(d, o); skip {
				return skip, reason
			}
			if !d.HasDependency("@microsoft/eslint-formatter-sarif") {
				return true, "@microsoft/eslint-formatter-sarif is not a dependency in package.json (needed for SARIF output)"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.nodeDeps(spec)
		if err != nil {
			return nil, err
		}
		ctr = run(ctr, bin("eslint"), "--format", "@microsoft/eslint-formatter-sarif",
			"--output-file", reportPath("eslint.sarif"), ".")
		return env.output(spec, ctr), nil
	},
}
