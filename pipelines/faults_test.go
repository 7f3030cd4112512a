package pipelines

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/gates/render"
	"github.com/hms-enterprise/hmsci/gates/reports"
	"github.com/hms-enterprise/hmsci/steps"
)

// The fault tests plant one fault at a time in a copy of the example app,
// as examples/hms-app/FAULTS.md describes, and check that the right gate
// fails with a message that points at the fault.

// plant replaces old with new in the file at rel under dir; old must occur.
func plant(t *testing.T, dir, rel, old, new string) {
	t.Helper()
	path := filepath.Join(dir, filepath.FromSlash(rel))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), old, "the fault's anchor text is gone from %s: update FAULTS.md and this test", rel)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, new, 1)), 0o644))
}

// failedGate asserts that gate failed and that its verdict mentions each of
// the given texts.
func failedGate(t *testing.T, r *gates.Result, gate string, mentions ...string) {
	t.Helper()
	v := verdictOf(t, r, gate)
	assert.Equal(t, gates.StatusFailed, v.Status, "%s: %s %s", gate, v.Measured, v.Reason)
	text := v.Measured + " " + v.Reason + " " + v.Next
	for _, m := range mentions {
		assert.Contains(t, text, m, "verdict of %s", gate)
	}
	assert.True(t, r.Blocked())
}

func TestFaultSSNInFixture(t *testing.T) {
	dir := copyApp(t)
	const ssn = "536-22-8174"
	plant(t, dir, "fixtures/fhir/patient-alice-testpatient.json", `"identifier": [`,
		`"identifier": [{ "system": "http://hl7.org/fhir/sid/us-ssn", "value": "`+ssn+`" }, `)
	result := runNoEngine(t, dir, PhaseCompliance)
	failedGate(t, result, "phi-exposure", "fixtures/fhir/patient-alice-testpatient.json", "phi/ssn")
	assertNoValue(t, result, ssn)
}

func TestFaultLogsDateOfBirth(t *testing.T) {
	dir := copyApp(t)
	anchor := "const patient = await ctx.deps.patients.get(id);"
	plant(t, dir, "src/patients/handlers.ts", anchor, anchor+"\n    ctx.deps.logger.info('patient read', { dob: patient?.birthDate });")
	result := runNoEngine(t, dir, PhaseCompliance)
	failedGate(t, result, "phi-masked", "log")
	failedGate(t, result, "phi-exposure", "src/patients/handlers.ts", "phi/log-exposure")
}

func TestFaultInvalidFHIRResource(t *testing.T) {
	dir := copyApp(t)
	plant(t, dir, "fixtures/fhir/observation-heart-rate.json", `"status": "final"`, `"status": "done"`)
	result := runNoEngine(t, dir, PhaseCompliance)
	failedGate(t, result, "fhir-conformance", "5/6")
}

func TestFaultPrivilegedPod(t *testing.T) {
	dir := copyApp(t)
	plant(t, dir, "deploy/k8s/deployment-blue.yaml", "privileged: false", "privileged: true")
	result := runNoEngine(t, dir, PhaseInfrastructure)
	failedGate(t, result, "pss-restricted", "deploy/k8s/deployment-blue.yaml")
}

// assertNoValue checks that no rendering of the result contains value.
func assertNoValue(t *testing.T, r *gates.Result, value string) {
	t.Helper()
	out := t.TempDir()
	written, err := render.WriteAll(out, r)
	require.NoError(t, err)
	for _, name := range written {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.NotContains(t, string(data), value, "%s prints the planted value", name)
	}
}

// The next faults need the real tools on the host: gitleaks, and the
// app's own Jest from examples/hms-app/node_modules. .ci/run installs both;
// elsewhere the tests skip and say what to install.

// hostCommand runs the step's own argv on the host, with the container's
// report directory replaced by reportDir, and returns the parsed reports.
func hostCommand(t *testing.T, dir, reportDir string, env []string, argv []string) []*reports.Report {
	t.Helper()
	args := make([]string, len(argv))
	for i, a := range argv {
		args[i] = strings.ReplaceAll(a, steps.ReportsPath, reportDir)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !asExitError(err, &exit) {
		require.NoError(t, err, "run %v: %s", args, out)
	}
	parsed, errs := reports.ScanDir(reportDir)
	require.Empty(t, errs)
	require.NotEmpty(t, parsed, "%v wrote no report; its output:\n%s", args, out)
	return parsed
}

func asExitError(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}

func evaluate(t *testing.T, dir string, parsed []*reports.Report) *gates.Result {
	t.Helper()
	cfg := loadPolicy(t, dir)
	result := policy.Run(cfg, policy.Inputs{Reports: parsed, Root: dir}, dir)
	return result
}

func TestFaultSecretInCode(t *testing.T) {
	gitleaks, err := exec.LookPath("gitleaks")
	if err != nil {
		t.Skip("gitleaks not on PATH: .ci/run installs it (go install github.com/zricethezav/gitleaks/v8@v8.30.1)")
	}
	dir := copyApp(t)
	token := "ghp_" + "R7wQ2mZ9kL4xV8nB3cT6yH1jF5pD0sG2aE9u"
	plant(t, dir, "src/config.ts", "\n", "\nexport const GITHUB_TOKEN = '"+token+"';\n")

	argv := append([]string{gitleaks}, steps.Gitleaks.Spec().Command[1:]...)
	parsed := hostCommand(t, dir, t.TempDir(), nil, argv)
	result := evaluate(t, dir, parsed)
	failedGate(t, result, "secrets", "src/config.ts")
	assertNoValue(t, result, token)
}

// jestCommand returns the jest step's argv for the host, with the app's
// installed jest binary, or skips when the app's dependencies are absent.
func jestCommand(t *testing.T, dir string) []string {
	t.Helper()
	modules, err := filepath.Abs(filepath.Join(exampleApp, "node_modules"))
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(modules, ".bin", "jest")); err != nil {
		t.Skip("examples/hms-app/node_modules is missing: run 'npm ci' there (.ci/run does)")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not on PATH")
	}
	require.NoError(t, os.Symlink(modules, filepath.Join(dir, "node_modules")))
	argv := steps.Jest.Spec().Command
	require.Equal(t, "node_modules/.bin/jest", argv[0], "the jest step changed its binary path")
	return append([]string{filepath.Join(dir, argv[0])}, argv[1:]...)
}

func runJest(t *testing.T, dir string) *gates.Result {
	t.Helper()
	reportDir := t.TempDir()
	env := []string{"JEST_JUNIT_OUTPUT_DIR=" + reportDir, "JEST_JUNIT_OUTPUT_NAME=jest.junit.xml", "JEST_JUNIT_REPORT_TEST_SUITE_ERRORS=true"}
	parsed := hostCommand(t, dir, reportDir, env, jestCommand(t, dir))
	return evaluate(t, dir, parsed)
}

func TestFaultFailingUnitTest(t *testing.T) {
	dir := copyApp(t)
	plant(t, dir, "test/fhir/loinc.test.ts", "['8867', 4]", "['8867', 5]")
	result := runJest(t, dir)
	failedGate(t, result, "unit-tests", "1")
}

func TestFaultCoverageBelowThreshold(t *testing.T) {
	dir := copyApp(t)
	require.NoError(t, os.Remove(filepath.Join(dir, "test/patients/repository.test.ts")))
	result := runJest(t, dir)
	failedGate(t, result, "coverage-phi-modules", "src/patients")
	assert.Equal(t, gates.StatusPassed, verdictOf(t, result, "coverage-line").Status)
}

func TestCleanAppPassesHostToolGates(t *testing.T) {
	dir := copyApp(t)
	result := runJest(t, dir)
	for _, gate := range []string{"unit-tests", "coverage-line", "coverage-branch", "coverage-phi-modules"} {
		v := verdictOf(t, result, gate)
		assert.Equal(t, gates.StatusPassed, v.Status, "%s: %s %s %s", gate, v.Measured, v.Reason, v.Next)
	}
}

func TestFaultESLintError(t *testing.T) {
	dir := copyApp(t)
	jestCommand(t, dir) // links node_modules, or skips when it is absent
	plant(t, dir, "src/config.ts", "\n", "\nconst unusedSetting = 1;\n")

	reportDir := t.TempDir()
	argv := steps.ESLintCommand(steps.Detect(dir))
	args := append([]string{filepath.Join(dir, argv[0])}, argv[1:]...)
	for i := range args {
		args[i] = strings.ReplaceAll(args[i], steps.ReportsPath, reportDir)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		require.NoError(t, err, "%s", out)
	}

	analyses, err := stepAnalyses(steps.ESLint.Spec(), reportDir)
	require.NoError(t, err)
	require.Len(t, analyses, 1, "eslint wrote no eslint.json; output:\n%s", out)
	result := policy.Run(loadPolicy(t, dir), policy.Inputs{Analyses: analyses, Root: dir}, dir)
	failedGate(t, result, "eslint-errors", "src/config.ts")
}
