package toolreports

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/gates/render"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

// verdicts evaluates the default policy on analyses parsed from step
// directories and returns the verdicts by gate.
func verdicts(t *testing.T, in policy.Inputs, steps map[string]map[string]string) map[string]gates.Verdict {
	t.Helper()
	for step, files := range steps {
		analyses, err := Parse(step, stepDir(t, files))
		require.NoError(t, err, step)
		in.Analyses = append(in.Analyses, analyses...)
	}
	out := map[string]gates.Verdict{}
	for _, v := range policy.Evaluate(config.Default(), in) {
		out[v.Gate] = v
	}
	return out
}

func TestGatesFromRealReports(t *testing.T) {
	v := verdicts(t, policy.Inputs{}, map[string]map[string]string{
		"tsc":          {"tsc.txt": "@real/tsc.txt"},
		"prettier":     {"prettier.txt": "@real/prettier.txt"},
		"conftest-k8s": {"conftest-k8s.json": "@real/conftest-k8s.json"},
		"kubeconform":  {"kubeconform.json": "@real/kubeconform.json"},
		"axe":          {"axe.json": "@real/axe.json"},
		"zap":          {"zap.json": "@documented/zap.json"},
	})

	tests := []struct {
		gate     string
		status   gates.Status
		measured string
	}{
		{"typescript-errors", gates.StatusFailed, "6 errors"},
		{"formatting", gates.StatusWarned, "2 files"},
		{"kubernetes-policy", gates.StatusFailed, "2 violations"},
		{"kubernetes-schema", gates.StatusFailed, "3 invalid resources"},
		{"accessibility", gates.StatusWarned, "7 violations"},
		{"dast-findings", gates.StatusFailed, "1 alert"},
	}
	for _, tt := range tests {
		t.Run(tt.gate, func(t *testing.T) {
			got := v[tt.gate]
			assert.Equal(t, tt.status, got.Status, got.Reason)
			assert.Equal(t, tt.measured, got.Measured)
			assert.NotEmpty(t, got.Reports)
			assert.NotEmpty(t, got.Next)
		})
	}
	assert.Contains(t, v["typescript-errors"].Next, "src/patient.ts:2 (tsc TS2322)")
	assert.Equal(t, gates.StatusNotEvaluated, v["typescript-strict"].Status, "tsc is not tsconfig-strict")
}

func TestGatesPassOnCleanReports(t *testing.T) {
	v := verdicts(t, policy.Inputs{}, map[string]map[string]string{
		"tsc":          {"tsc.txt": ""},
		"conftest-k8s": {"conftest-k8s.json": "@real/conftest-pass.json"},
		"kubeconform":  {"kubeconform.json": "@real/kubeconform-valid.json"},
		"newman":       {"migrations.txt": "up 0\ndown 0\nup-again 0\n"},
		"image-check":  {"image-check.json": `{"user":"10001","shells":[],"packageManagers":[],"languagePackageManagers":[]}`},
		"sign":         {"cosign-sign.txt": "sign 0\nattest 0\n"},
		"sonarqube":    {"sonarqube-quality-gate.json": "@documented/sonarqube-ok.json"},
	})
	for _, gate := range []string{"typescript-errors", "kubernetes-policy", "kubernetes-schema", "migrations", "image-non-root", "image-minimal", "image-signed", "sonarqube-quality-gate"} {
		assert.Equal(t, gates.StatusPassed, v[gate].Status, "%s: %s", gate, v[gate].Reason)
	}
	assert.Equal(t, "yes: image user \"10001\"", v["image-non-root"].Measured)
}

func TestGatesExplainUnmeasuredReports(t *testing.T) {
	in := policy.Inputs{}
	for step, files := range map[string]map[string]string{
		"tsc":          {"tsc.txt": "garbage\n"},
		"conftest-k8s": {"conftest-k8s.json": ""},
		"newman":       {"migrations.txt": "none\n"},
		"sonarqube":    {"sonarqube-quality-gate.json": "@documented/sonarqube-none.json"},
	} {
		analyses, _ := Parse(step, stepDir(t, files))
		in.Analyses = append(in.Analyses, analyses...)
	}
	v := map[string]gates.Verdict{}
	for _, verdict := range policy.Evaluate(config.Default(), in) {
		v[verdict.Gate] = verdict
	}

	tests := []struct{ gate, reason string }{
		{"typescript-errors", `tsc.txt" line 1: unrecognized line "garbage"`},
		{"kubernetes-policy", "file is empty"},
		{"migrations", "no migration commands"},
		{"sonarqube-quality-gate", "no quality gate"},
	}
	for _, tt := range tests {
		t.Run(tt.gate, func(t *testing.T) {
			assert.Equal(t, gates.StatusNotEvaluated, v[tt.gate].Status)
			assert.Contains(t, v[tt.gate].Reason, tt.reason)
		})
	}
}

func TestGoLintGateOnRealSARIF(t *testing.T) {
	rep, err := reports.ParseFile(filepath.Join("testdata", "real", "golangci-lint.sarif"))
	require.NoError(t, err)
	v := verdicts(t, policy.Inputs{Reports: []*reports.Report{rep}}, nil)
	got := v["go-lint-errors"]
	assert.Equal(t, gates.StatusWarned, got.Status)
	assert.Equal(t, "1 error", got.Measured)
	assert.Contains(t, got.Next, "main.go:6 (golangci-lint errcheck)")
}

func TestRenderStepFindings(t *testing.T) {
	in := policy.Inputs{}
	for step, files := range map[string]map[string]string{
		"tsc":  {"tsc.txt": "@real/tsc.txt"},
		"axe":  {"axe.json": "@real/axe.json"},
		"zap":  {"zap.json": "@documented/zap.json"},
		"sign": {"cosign-sign.txt": "sign 1\nattest 1\n"},
	} {
		analyses, err := Parse(step, stepDir(t, files))
		require.NoError(t, err)
		in.Analyses = append(in.Analyses, analyses...)
	}
	result := policy.Run(config.Default(), in, "hms-app")
	dir := t.TempDir()
	written, err := render.WriteAll(dir, result)
	require.NoError(t, err)
	require.NotEmpty(t, written)

	sarif, err := os.ReadFile(filepath.Join(dir, "hmsci.sarif"))
	require.NoError(t, err)
	rep, err := reports.Parse("hmsci.sarif", bytes.NewReader(sarif))
	require.NoError(t, err, "the merged SARIF must read back")
	require.NotNil(t, rep.SARIF)
	assert.Len(t, rep.SARIF.Findings, 6+12+3)

	for _, name := range written {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		for _, secret := range []string{"123-45-6789", "Jane Roe", "00123456"} {
			assert.NotContains(t, string(data), secret, name)
		}
	}
}
