package steps

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// strykerJSONReport is the default output path of Stryker's json reporter.
const strykerJSONReport = "reports/mutation/mutation.json"

// Stryker runs mutation testing on the configured critical paths only, with
// the project's Stryker config and test runner.
var Stryker = toolStep{
	spec: Spec{
		Name:        "stryker",
		Phase:       PhaseTesting,
		Description: "stryker mutation testing on critical paths",
		ImageKey:    ImageNode,
		Command:     strykerArgs([]string{"src/phi/**/*.ts"}, DefaultWorkers),
		CommandFor:  func(_ Detection, o Options) []string { return strykerArgs(o.CriticalPaths, o.Workers) },
		Reports:     []string{"stryker.json"},
		Gates:       []string{"mutation-score"},
		ToolSource:  "@stryker-mutator/core from the project's lockfile",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessDependency("@stryker-mutator/core")(d, o); skip {
				return skip, reason
			}
			if len(o.CriticalPaths) == 0 {
				return true, "no critical paths configured for mutation testing"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.nodeDeps(spec)
		if err != nil {
			return nil, err
		}
		for _, p := range env.Options.CriticalPaths {
			if strings.Contains(p, ",") {
				return nil, fmt.Errorf("step %s: critical path %q contains a comma, which Stryker's --mutate reads as a separator", spec.Name, p)
			}
		}
		script := shellJoin(strykerArgs(env.Options.CriticalPaths, env.Options.Workers)) +
			"\nstatus=$?\ncp " + strykerJSONReport + " " + shellQuote(reportPath("stryker.json")) + "\nexit $status"
		ctr = shell(ctr, script)
		return env.output(spec, ctr), nil
	},
}

// strykerArgs selects the files to mutate and the json reporter; checked
// with Stryker 9.6.
func strykerArgs(paths []string, workers int) []string {
	return []string{bin("stryker"), "run",
		"--mutate", strings.Join(paths, ","),
		"--reporters", "json,clear-text",
		"--concurrency", strconv.Itoa(workers)}
}
