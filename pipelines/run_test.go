package pipelines

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/render"
	"github.com/hms-enterprise/hmsci/steps"
)

// exampleApp is the bundled hospital app that the pipeline runs on.
const exampleApp = "../examples/hms-app"

// copyApp copies the example app into a temporary directory, without
// installed dependencies and build output, and returns its path.
func copyApp(t testing.TB) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "hms-app")
	skip := map[string]bool{"node_modules": true, "dist": true, "coverage": true, "reports": true,
		"test-results": true, "playwright-report": true, ".stryker-tmp": true, "hmsci-reports": true}
	err := filepath.WalkDir(exampleApp, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(exampleApp, path)
		if d.IsDir() && skip[d.Name()] {
			return filepath.SkipDir
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	require.NoError(t, err)
	return dst
}

func loadPolicy(t testing.TB, dir string) *config.Config {
	t.Helper()
	cfg, err := config.Load(filepath.Join(dir, config.DefaultFile))
	require.NoError(t, err)
	return cfg
}

func verdictOf(t testing.TB, r *gates.Result, gate string) gates.Verdict {
	t.Helper()
	for _, v := range r.Verdicts {
		if v.Gate == gate {
			return v
		}
	}
	require.Failf(t, "gate missing", "no verdict for gate %q", gate)
	return gates.Verdict{}
}

func stepOf(t testing.TB, r *gates.Result, name string) gates.StepResult {
	t.Helper()
	for _, p := range r.Phases {
		for _, s := range p.Steps {
			if s.Name == name {
				return s
			}
		}
	}
	require.Failf(t, "step missing", "no result for step %q", name)
	return gates.StepResult{}
}

func runNoEngine(t testing.TB, dir string, phases ...string) *gates.Result {
	t.Helper()
	out := t.TempDir()
	result, err := Run(context.Background(), Options{
		SourceDir: dir, Config: loadPolicy(t, dir), OutDir: out, Phases: phases,
		NoEngineReason: "test without engine",
	})
	require.NoError(t, err)
	_, err = render.WriteAll(out, result)
	require.NoError(t, err)
	return result
}

func TestRunWithoutEngineOnExampleApp(t *testing.T) {
	dir := copyApp(t)
	result := runNoEngine(t, dir)

	// Containerized steps that apply are reported as not run, with the reason.
	eslint := stepOf(t, result, "eslint")
	if eslint.Status != gates.StepSkipped {
		assert.Equal(t, gates.StepNotRun, eslint.Status)
		assert.Contains(t, eslint.Reason, "no Dagger engine")
	}
	jest := stepOf(t, result, "jest")
	assert.Equal(t, gates.StepNotRun, jest.Status)
	assert.Equal(t, "no Dagger engine", jest.Reason)
	assert.NotEmpty(t, jest.Image, "a not-run step still names its image")

	// The in-process analyzers ran for real.
	for _, name := range []string{"phi-scan", "fhir-validate", "hipaa", "kube-policy", "terraform-policy", "tsconfig-strict"} {
		s := stepOf(t, result, name)
		assert.Contains(t, []gates.StepStatus{gates.StepSucceeded, gates.StepFindings}, s.Status, "%s: %s", name, s.Reason)
	}

	// The clean app passes every gate that can be evaluated without an engine.
	for _, gate := range []string{"phi-exposure", "fhir-conformance", "pss-restricted", "infrastructure-critical",
		"audit-trail", "rbac-enforced", "phi-encrypted", "phi-masked", "typescript-strict"} {
		v := verdictOf(t, result, gate)
		assert.Equal(t, gates.StatusPassed, v.Status, "%s: %s %s %s", gate, v.Measured, v.Reason, v.Next)
	}
	assert.False(t, result.Blocked())
	assert.True(t, strings.Contains(strings.Join(result.Notes, "\n"), "No Dagger engine"), result.Notes)
}

func TestRunSelectsPhases(t *testing.T) {
	dir := copyApp(t)
	result := runNoEngine(t, dir, PhaseInfrastructure)
	require.Len(t, result.Phases, 1)
	assert.Equal(t, PhaseInfrastructure, result.Phases[0].Name)
}

func TestRunRejectsBadOptions(t *testing.T) {
	_, err := Run(context.Background(), Options{})
	assert.ErrorContains(t, err, "missing source directory")

	_, err = Run(context.Background(), Options{SourceDir: filepath.Join(t.TempDir(), "absent")})
	assert.ErrorContains(t, err, "not found")

	_, err = Run(context.Background(), Options{SourceDir: t.TempDir(), Phases: []string{"deploy"}})
	assert.ErrorContains(t, err, `unknown phase "deploy"`)
}

func TestRunDisabledPhaseSkipsItsSteps(t *testing.T) {
	dir := copyApp(t)
	cfg := loadPolicy(t, dir)
	cfg.Phases.Infrastructure.Enabled = false
	result, err := Run(context.Background(), Options{SourceDir: dir, Config: cfg, OutDir: t.TempDir(), Phases: []string{PhaseInfrastructure}})
	require.NoError(t, err)
	s := stepOf(t, result, "kube-policy")
	assert.Equal(t, gates.StepSkipped, s.Status)
	assert.Contains(t, s.Reason, "disabled")
}

// TestStepGatesAreKnown keeps the step table and the policy in step: a
// step that feeds a gate the policy does not define would have its report
// ignored.
func TestStepGatesAreKnown(t *testing.T) {
	known := map[string]bool{}
	for _, g := range config.GateNames() {
		known[g] = true
	}
	for _, s := range steps.All() {
		for _, g := range s.Spec().Gates {
			assert.True(t, known[g], "step %s feeds gate %q, which hmsci.yaml does not define", s.Spec().Name, g)
		}
	}
}

// TestStepsHaveKnownPhases checks that every step belongs to a pipeline
// phase and has a policy entry.
func TestStepsHaveKnownPhases(t *testing.T) {
	steps := steps.All()
	require.NotEmpty(t, steps)
	for _, s := range steps {
		spec := s.Spec()
		_, ok := LookupPhase(string(spec.Phase))
		assert.True(t, ok, "step %s has unknown phase %q", spec.Name, spec.Phase)
		assert.NotEmpty(t, spec.Description, spec.Name)
	}
}

// TestNativeStepsHaveAnalyzers checks that every native step runs in
// process, so none is silently reported as not run.
func TestNativeStepsHaveAnalyzers(t *testing.T) {
	for _, s := range steps.All() {
		spec := s.Spec()
		if !spec.Native {
			continue
		}
		_, ok := nativeAnalyzers[spec.Name]
		assert.True(t, ok || spec.Name == hipaaStep, "native step %s has no in-process analyzer", spec.Name)
	}
}

func TestUnparsableManifestErrorsItsStep(t *testing.T) {
	dir := copyApp(t)
	broken := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n    - name: app\n      x: [\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "deploy/k8s/broken.yaml"), []byte(broken), 0o644))
	result := runNoEngine(t, dir, PhaseInfrastructure)
	s := stepOf(t, result, "kube-policy")
	assert.Equal(t, gates.StepErrored, s.Status)
	assert.Contains(t, s.Reason, "deploy/k8s/broken.yaml")
	assert.NotContains(t, s.Reason, "\t", "the reason is one line of text, not go-multierror's list")
}

func TestUnselectedPhaseExplainsItsGates(t *testing.T) {
	dir := copyApp(t)
	result := runNoEngine(t, dir, PhaseQuality)
	v := verdictOf(t, result, "coverage-line")
	assert.Equal(t, gates.StatusNotEvaluated, v.Status)
	assert.Contains(t, v.Reason, "phase testing not selected")
}

func TestRunsRenderIdentically(t *testing.T) {
	dir := copyApp(t)
	first := runNoEngine(t, dir)
	second := runNoEngine(t, dir)
	require.Equal(t, len(first.Verdicts), len(second.Verdicts))
	for i := range first.Verdicts {
		assert.Equal(t, first.Verdicts[i].Reason, second.Verdicts[i].Reason, first.Verdicts[i].Gate)
	}
	assert.Equal(t, first.Notes, second.Notes)
}
