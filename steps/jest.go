package steps

import (
	"context"
	"strconv"
)

// Jest runs the unit tests with coverage (LCOV and Cobertura) and a JUnit
// report from jest-junit, with a bounded worker count.
var Jest = toolStep{
	spec: Spec{
		Name:        "jest",
		Phase:       PhaseTesting,
		Description: "jest unit tests with coverage",
		ImageKey:    ImageNode,
		Command:     jestArgs(DefaultWorkers),
		CommandFor:  func(_ Detection, o Options) []string { return jestArgs(o.Workers) },
		Reports:     []string{"jest.junit.xml", "coverage/lcov.info", "coverage/cobertura-coverage.xml"},
		Gates:       []string{"coverage-line", "coverage-branch", "coverage-phi-modules", "unit-tests"},
		ToolSource:  "jest and jest-junit from the project's lockfile",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessDependency("jest")(d, o); skip {
				return skip, reason
			}
			if d.TestFramework != "jest" {
				return true, "the project tests with " + d.TestFramework
			}
			if !d.HasDependency("jest-junit") {
				return true, "jest-junit is not a dependency in package.json (needed for the JUnit report)"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.nodeDeps(spec)
		if err != nil {
			return nil, err
		}
		// These variables take precedence over a "jest-junit" key in
		// package.json (checked with jest-junit 17).
		// A test file that fails to compile is left out of the JUnit
		// report unless suite errors are reported, and would then not count
		// as a failure.
		ctr = ctr.
			WithEnvVariable("JEST_JUNIT_OUTPUT_DIR", ReportsPath).
			WithEnvVariable("JEST_JUNIT_OUTPUT_NAME", "jest.junit.xml").
			WithEnvVariable("JEST_JUNIT_REPORT_TEST_SUITE_ERRORS", "true")
		ctr = run(ctr, jestArgs(env.Options.Workers)...)
		return env.output(spec, ctr), nil
	},
}

func jestArgs(workers int) []string {
	return []string{bin("jest"), "--ci", "--coverage",
		"--coverageReporters=lcov", "--coverageReporters=cobertura",
		"--coverageDirectory=" + reportPath("coverage"),
		"--maxWorkers=" + strconv.Itoa(workers),
		"--reporters=default", "--reporters=jest-junit"}
}

// Vitest is the Jest step for projects that test with Vitest: coverage
// through the project's @vitest/coverage-v8 (or -istanbul) provider.
var Vitest = toolStep{
	spec: Spec{
		Name:        "vitest",
		Phase:       PhaseTesting,
		Description: "vitest unit tests with coverage",
		ImageKey:    ImageNode,
		Command:     vitestArgs(DefaultWorkers),
		CommandFor:  func(_ Detection, o Options) []string { return vitestArgs(o.Workers) },
		Reports:     []string{"vitest.junit.xml", "coverage/lcov.info", "coverage/cobertura-coverage.xml"},
		Gates:       []string{"coverage-line", "coverage-branch", "coverage-phi-modules", "unit-tests"},
		ToolSource:  "vitest and its coverage provider from the project's lockfile",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessDependency("vitest")(d, o); skip {
				return skip, reason
			}
			if !d.HasDependency("@vitest/coverage-v8") && !d.HasDependency("@vitest/coverage-istanbul") {
				return true, "no @vitest/coverage-v8 or @vitest/coverage-istanbul dependency (needed for coverage)"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.nodeDeps(spec)
		if err != nil {
			return nil, err
		}
		ctr = run(ctr, vitestArgs(env.Options.Workers)...)
		return env.output(spec, ctr), nil
	},
}

// vitestArgs writes coverage even when a test fails
// (coverage.reportOnFailure), as Jest does; checked with Vitest 3.2.7.
func vitestArgs(workers int) []string {
	return []string{bin("vitest"), "run",
		"--coverage.enabled=true", "--coverage.reportOnFailure=true",
		"--coverage.reporter=lcov", "--coverage.reporter=cobertura",
		"--coverage.reportsDirectory=" + reportPath("coverage"),
		"--reporter=default", "--reporter=junit",
		"--outputFile.junit=" + reportPath("vitest.junit.xml"),
		"--maxWorkers=" + strconv.Itoa(workers)}
}
