package toolreports

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
)

// stepDir writes report files into a fresh step directory. A value that
// starts with "@" is the path of a testdata file to copy.
func stepDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if strings.HasPrefix(content, "@") {
			data, err := os.ReadFile(filepath.Join("testdata", content[1:]))
			require.NoError(t, err)
			content = string(data)
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
	}
	return dir
}

// parseOne parses a step directory that must yield one analysis.
func parseOne(t *testing.T, step string, files map[string]string) (policy.Analysis, error) {
	t.Helper()
	analyses, err := Parse(step, stepDir(t, files))
	require.Len(t, analyses, 1)
	assert.Equal(t, step, analyses[0].Tool)
	return analyses[0], err
}

// assertNoValue fails when any finding or check detail contains value.
func assertNoValue(t *testing.T, a policy.Analysis, values ...string) {
	t.Helper()
	for _, f := range a.Findings {
		for _, v := range values {
			assert.NotContains(t, f.Message, v, "finding %s", f.RuleID)
			assert.NotContains(t, f.Path, v, "finding %s", f.RuleID)
		}
	}
	for key, c := range a.Checks {
		for _, v := range values {
			assert.NotContains(t, c.Detail, v, "check %s", key)
		}
	}
}

func TestParseUnknownStep(t *testing.T) {
	analyses, err := Parse("eslint", t.TempDir())
	require.NoError(t, err)
	assert.Nil(t, analyses)
	assert.False(t, Handles("golangci-lint"))
	assert.True(t, Handles("tsc"))
	assert.Contains(t, Steps(), "terraform-drift")
}

func TestParseMissingReport(t *testing.T) {
	a, err := parseOne(t, "tsc", nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrMissing))
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "tsc", pe.Step)
	assert.Contains(t, err.Error(), "tsc.txt")
	assert.Contains(t, a.Unmeasured["typescript-errors"], "wrote no tsc.txt")
	assert.Empty(t, a.Findings)
}

func TestParseTSCReal(t *testing.T) {
	a, err := parseOne(t, "tsc", map[string]string{"tsc.txt": "@real/tsc.txt"})
	require.NoError(t, err)
	require.Len(t, a.Findings, 6)

	first := a.Findings[0]
	assert.Equal(t, "tsc", first.Tool)
	assert.Equal(t, "TS2322", first.RuleID)
	assert.Equal(t, "src/patient.ts", first.Path)
	assert.Equal(t, 2, first.Line)
	assert.Equal(t, 22, first.Column)
	assert.Equal(t, gates.SeverityHigh, first.Severity)
	assert.Equal(t, "Type 'number' is not assignable to type 'string'.", first.Message)

	assert.Equal(t, "TS7006", a.Findings[2].RuleID)
	assert.Contains(t, a.Findings[4].Message, "is not assignable to type 'Deep'. The types of 'a.b.c' are incompatible between these types. Type 'string' is not assignable to type 'number'.")

	// A string literal type that holds an SSN is masked.
	assert.Contains(t, a.Findings[3].Message, `'"***-**-****"'`)
	assertNoValue(t, a, "123-45-6789")
}

func TestParseTSCGlobalDiagnostic(t *testing.T) {
	a, err := parseOne(t, "tsc", map[string]string{"tsc.txt": "@real/tsc-missing-project.txt"})
	require.NoError(t, err)
	require.Len(t, a.Findings, 1)
	assert.Equal(t, "TS5058", a.Findings[0].RuleID)
	assert.Empty(t, a.Findings[0].Path)
	assert.Equal(t, gates.SeverityHigh, a.Findings[0].Severity)
}

func TestParseTSCSummaryLine(t *testing.T) {
	out := "src/a.ts(3,1): error TS2304: Cannot find name 'x'.\n\nFound 1 error in src/a.ts:3\n"
	a, err := parseOne(t, "tsc", map[string]string{"tsc.txt": out})
	require.NoError(t, err)
	assert.Len(t, a.Findings, 1)

	table := "src/a.ts(3,1): error TS2304: Cannot find name 'x'.\nsrc/b.ts(1,1): error TS2304: Cannot find name 'y'.\n\nFound 2 errors in 2 files.\n\nErrors  Files\n     1  src/a.ts:3\n     1  src/b.ts:1\n"
	a, err = parseOne(t, "tsc", map[string]string{"tsc.txt": table})
	require.NoError(t, err)
	require.Len(t, a.Findings, 2)
	assert.Equal(t, "Cannot find name 'y'.", a.Findings[1].Message)
}

func TestParseTSCEmptyOutput(t *testing.T) {
	a, err := parseOne(t, "tsc", map[string]string{"tsc.txt": ""})
	require.NoError(t, err)
	assert.Empty(t, a.Findings)
	assert.Empty(t, a.Unmeasured)
}

func TestParseTSCErrors(t *testing.T) {
	tests := []struct {
		name, input, want string
		line              int
	}{
		{"unknown line", "src/a.ts(1,1): error TS1: x\nnpm ERR! missing script\n", `unrecognized line "npm ERR! missing script"`, 2},
		{"orphan continuation", "  continued\n", "unrecognized line", 1},
		{"masked value", "patient 123-45-6789\n", `"patient ***-**-****"`, 1},
		{"invalid UTF-8", "src/a.ts(1,1): error TS1: \xff\n", "invalid UTF-8", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseOne(t, "tsc", map[string]string{"tsc.txt": tt.input})
			require.Error(t, err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.line, pe.Line)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "123-45-6789")
			assert.Contains(t, a.Unmeasured["typescript-errors"], "tsc.txt")
		})
	}
}

func TestParsePrettierReal(t *testing.T) {
	a, err := parseOne(t, "prettier", map[string]string{"prettier.txt": "@real/prettier.txt"})
	require.NoError(t, err)
	require.Len(t, a.Findings, 2)
	assert.Equal(t, "data.json", a.Findings[0].Path)
	assert.Equal(t, "src/bad.js", a.Findings[1].Path)
	assert.Equal(t, "prettier/unformatted", a.Findings[1].RuleID)
}

func TestParsePrettierCheckForm(t *testing.T) {
	out := "Checking formatting...\n[warn] src/a.ts\n[warn] src/b.ts\n[warn] Code style issues found in 2 files. Run Prettier with --write to fix.\n"
	a, err := parseOne(t, "prettier", map[string]string{"prettier.txt": out})
	require.NoError(t, err)
	require.Len(t, a.Findings, 2)
	assert.Equal(t, "src/b.ts", a.Findings[1].Path)

	_, err = parseOne(t, "prettier", map[string]string{"prettier.txt": "src/a.ts\n[error] src/c.ts: SyntaxError\n"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")
}

func TestParseConftestK8sReal(t *testing.T) {
	a, err := parseOne(t, "conftest-k8s", map[string]string{"conftest-k8s.json": "@real/conftest-k8s.json"})
	require.NoError(t, err)
	require.Len(t, a.Findings, 3)

	latest := a.Findings[0]
	assert.Equal(t, "main/deny", latest.RuleID)
	assert.Equal(t, gates.SeverityHigh, latest.Severity)
	assert.Equal(t, "manifests/deploy.yaml", latest.Path)
	assert.Equal(t, "container api uses the latest tag", latest.Message)

	secret := a.Findings[1]
	assert.Equal(t, gates.SeverityCritical, secret.Severity, "severity from the rule's metadata")
	assert.Contains(t, secret.Message, "env DB_PASSWORD has a literal value ********")
	assertNoValue(t, a, "hunter2")

	assert.Equal(t, "main/warn", a.Findings[2].RuleID)
	assert.Equal(t, gates.SeverityMedium, a.Findings[2].Severity)
}

func TestParseConftestPassAndEmpty(t *testing.T) {
	a, err := parseOne(t, "conftest-k8s", map[string]string{"conftest-k8s.json": "@real/conftest-pass.json"})
	require.NoError(t, err)
	assert.Empty(t, a.Findings)

	a, err = parseOne(t, "conftest-k8s", map[string]string{"conftest-k8s.json": ""})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "file is empty")
	assert.Contains(t, a.Unmeasured["kubernetes-policy"], "file is empty")
}

func TestParseConftestImage(t *testing.T) {
	report := `[{"filename":"/inputs/image-config.json","namespace":"image","successes":1,"failures":[{"msg":"image must not run as root"}],"exceptions":[{"msg":"healthcheck missing"}]}]`
	a, err := parseOne(t, "conftest-image", map[string]string{"conftest-image.json": report})
	require.NoError(t, err)
	require.Len(t, a.Findings, 2)
	assert.Empty(t, a.Findings[0].Path)
	assert.Equal(t, "image config: image must not run as root", a.Findings[0].Message)
	assert.True(t, a.Findings[1].Suppressed)
}

func TestParseConftestMalformed(t *testing.T) {
	a, err := parseOne(t, "conftest-k8s", map[string]string{"conftest-k8s.json": "[\n  {\"filename\": \"a.yaml\",\n   \"successes\": \"many\"}\n]"})
	require.Error(t, err)
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 3, pe.Line)
	assert.Positive(t, pe.Column)
	assert.Contains(t, err.Error(), "expected int")
	assert.NotEmpty(t, a.Unmeasured["kubernetes-policy"])
}

func TestParseKubeconformReal(t *testing.T) {
	a, err := parseOne(t, "kubeconform", map[string]string{"kubeconform.json": "@real/kubeconform.json"})
	require.NoError(t, err)
	require.Len(t, a.Findings, 3)
	invalid := a.Findings[0]
	assert.Equal(t, "kubeconform/invalid", invalid.RuleID)
	assert.Equal(t, "manifests/deploy.yaml", invalid.Path)
	assert.Contains(t, invalid.Message, "Deployment ehr-api (apps/v1) is invalid: /spec: missing properties: 'selector'; /spec/replicas: expected integer, but got string")
	assert.Equal(t, "kubeconform/error", a.Findings[1].RuleID)
	assert.Contains(t, a.Findings[1].Message, "could not find schema for Widget")
	assert.Equal(t, "manifests/zz-broken.yaml", a.Findings[2].Path)
	assert.Equal(t, policy.Ratio{Passed: 2, Total: 5}, a.Ratios["kubernetes-schema"])

	a, err = parseOne(t, "kubeconform", map[string]string{"kubeconform.json": "@real/kubeconform-valid.json"})
	require.NoError(t, err)
	assert.Empty(t, a.Findings)
	assert.Equal(t, policy.Ratio{Passed: 1, Total: 1}, a.Ratios["kubernetes-schema"])
}

func TestParseKubeconformErrors(t *testing.T) {
	_, err := parseOne(t, "kubeconform", map[string]string{"kubeconform.json": `{"summary":{}}`})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `missing key "resources"`)

	_, err = parseOne(t, "kubeconform", map[string]string{"kubeconform.json": `{"resources":[{"status":"statusWeird"}]}`})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "field resources[0].status")
}

func TestParseAxeReal(t *testing.T) {
	a, err := parseOne(t, "axe", map[string]string{"axe.json": "@real/axe.json"})
	require.NoError(t, err)
	require.Len(t, a.Findings, 12, "one finding per violating element, as axe's CLI counts them")

	bySeverity := map[gates.Severity]int{}
	for _, f := range a.Findings {
		bySeverity[f.Severity]++
		assert.Equal(t, "axe", f.Tool)
	}
	assert.Equal(t, 3, bySeverity[gates.SeverityCritical])
	assert.Equal(t, 4, bySeverity[gates.SeverityHigh])
	assert.Equal(t, 5, bySeverity[gates.SeverityMedium])

	label := a.Findings[5]
	assert.Equal(t, "label", label.RuleID)
	assert.Contains(t, label.Message, "element #ssn on http://127.0.0.1:18931/")
	// The page shows a synthetic patient; the elements' HTML is not copied.
	assertNoValue(t, a, "123-45-6789", "Jane Roe", "00123456")
}

func TestParseAxeErrors(t *testing.T) {
	_, err := parseOne(t, "axe", map[string]string{"axe.json": `[{"url":"http://a/","violations":[{"id":"x","impact":"huge","nodes":[{"target":["a"]}]}]}]`})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `field [0].violations[0].nodes[0].impact: invalid impact "huge"`)

	a, err := parseOne(t, "axe", map[string]string{"axe.json": `{"url":"http://a/","violations":[{"id":"x","impact":"minor","nodes":[{"target":[["iframe","#b"]]}]}]}`})
	require.NoError(t, err)
	require.Len(t, a.Findings, 1)
	assert.Contains(t, a.Findings[0].Message, "iframe >>> #b")
}

func TestParseZAP(t *testing.T) {
	a, err := parseOne(t, "zap", map[string]string{"zap.json": "@documented/zap.json"})
	require.NoError(t, err)
	require.Len(t, a.Findings, 3)

	csp := a.Findings[0]
	assert.Equal(t, "10038-1", csp.RuleID)
	assert.Equal(t, gates.SeverityMedium, csp.Severity)
	assert.Contains(t, csp.Message, "Content Security Policy (CSP) Header Not Set (2 instances on http://app:3000): GET http://app:3000/patients?mrn=***&ssn=***")
	assert.Equal(t, "CWE-693", csp.Properties["cwe"])

	xss := a.Findings[1]
	assert.Equal(t, gates.SeverityHigh, xss.Severity)
	assert.True(t, a.Findings[2].Suppressed, "confidence 0 is a false positive")
	assertNoValue(t, a, "123-45-6789", "00123456", "Jane Roe", "<script>")
}

func TestParseZAPInvalidRisk(t *testing.T) {
	_, err := parseOne(t, "zap", map[string]string{"zap.json": `{"site":[{"@name":"http://a","alerts":[{"pluginid":"1","name":"x","riskcode":"7"}]}]}`})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `field site[0].alerts[0].riskcode: invalid risk code "7"`)
}

func TestParseSonarQube(t *testing.T) {
	tests := []struct {
		file       string
		ok         bool
		detail     string
		unmeasured string
		err        string
	}{
		{file: "sonarqube-ok.json", ok: true, detail: "quality gate passed"},
		{file: "sonarqube-error.json", detail: "quality gate failed: new_coverage is 82.5, must be at least 85 (error), new_security_hotspots_reviewed is 50.0, must be at least 100 (error)"},
		{file: "sonarqube-none.json", unmeasured: "no quality gate"},
		{file: "sonarqube-api-error.json", err: "the SonarQube web API returned an error: Project 'hms-app' not found"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			a, err := parseOne(t, "sonarqube", map[string]string{"sonarqube-quality-gate.json": "@documented/" + tt.file})
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			if tt.unmeasured != "" {
				assert.Contains(t, a.Unmeasured[policy.CheckSonarQubeQualityGate], tt.unmeasured)
				return
			}
			c := a.Checks[policy.CheckSonarQubeQualityGate]
			assert.Equal(t, tt.ok, c.OK)
			assert.Equal(t, tt.detail, c.Detail)
		})
	}
}

func TestParseMigrations(t *testing.T) {
	tests := []struct {
		name, input string
		ok          bool
		detail      string
		err         string
		line        int
	}{
		{name: "all ran", input: "up 0\ndown 0\nup-again 0\n", ok: true, detail: "up, down and up again exited with status 0"},
		{name: "down failed", input: "up 0\ndown 1\nup-again 0\n", detail: "down exited with status 1; read migrations.log"},
		{name: "down skipped", input: "up 0\ndown skipped\nup-again 0\n", ok: true, detail: "ran without errors; skipped down (no command configured)"},
		{name: "stopped early", input: "up 0\n", detail: "the migration run stopped before down, up-again; read migrations.log"},
		{name: "unknown step", input: "up 0\nsideways 0\n", err: `unknown step "sideways"`, line: 2},
		{name: "bad status", input: "up zero\n", err: `invalid exit status "zero"`, line: 1},
		{name: "duplicate", input: "up 0\nup 0\n", err: `duplicate step "up"`, line: 2},
		{name: "empty", input: "", err: "file is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := parseOne(t, "newman", map[string]string{"migrations.txt": tt.input})
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				var pe *ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.line, pe.Line)
				assert.NotEmpty(t, a.Unmeasured[policy.CheckMigrations])
				return
			}
			require.NoError(t, err)
			c := a.Checks[policy.CheckMigrations]
			assert.Equal(t, tt.ok, c.OK)
			assert.Equal(t, tt.detail, c.Detail)
		})
	}

	a, err := parseOne(t, "newman", map[string]string{"migrations.txt": "none\n"})
	require.NoError(t, err)
	assert.Contains(t, a.Unmeasured[policy.CheckMigrations], "no migration commands")
	assert.Empty(t, a.Checks)
}

func TestParseImageCheck(t *testing.T) {
	rootImage := `{"user":"","layers":5,"compressedBytes":52000000,"rootfsBytes":140000000,"shells":["/bin/sh","/bin/bash"],"packageManagers":["/usr/bin/apt"],"languagePackageManagers":["/usr/local/bin/npm"],"requireMinimal":true}`
	a, err := parseOne(t, "image-check", map[string]string{"image-check.json": rootImage})
	require.NoError(t, err)
	c := a.Checks[policy.CheckImageNonRoot]
	assert.False(t, c.OK)
	assert.Contains(t, c.Detail, "User unset, so root")
	require.Len(t, a.Findings, 5)
	assert.Equal(t, policy.RuleImageRootUser, a.Findings[0].RuleID)
	assert.Equal(t, policy.RuleImageShell, a.Findings[1].RuleID)
	assert.Equal(t, gates.SeverityHigh, a.Findings[1].Severity, "a minimal image was required")
	assert.Equal(t, policy.RuleImagePackageManager, a.Findings[4].RuleID)

	nonRoot := `{"user":"10001:10001","layers":2,"compressedBytes":9000000,"rootfsBytes":20000000,"shells":[],"packageManagers":[],"languagePackageManagers":[],"requireMinimal":false}`
	a, err = parseOne(t, "image-check", map[string]string{"image-check.json": nonRoot})
	require.NoError(t, err)
	assert.True(t, a.Checks[policy.CheckImageNonRoot].OK)
	assert.Empty(t, a.Findings)

	for _, user := range []string{"root", "0", "0:0", "root:wheel"} {
		a, err = parseOne(t, "image-check", map[string]string{"image-check.json": `{"user":"` + user + `"}`})
		require.NoError(t, err)
		assert.False(t, a.Checks[policy.CheckImageNonRoot].OK, user)
	}

	_, err = parseOne(t, "image-check", map[string]string{"image-check.json": `{"layers":1}`})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `missing key "user"`)
}

func TestParseSignAndVerify(t *testing.T) {
	a, err := parseOne(t, "sign", map[string]string{"cosign-sign.txt": "sign 0\nattest 0\n"})
	require.NoError(t, err)
	assert.True(t, a.Checks[policy.CheckImageSigned].OK)

	a, err = parseOne(t, "sign", map[string]string{"cosign-sign.txt": "sign 0\nattest 1\n"})
	require.NoError(t, err)
	assert.False(t, a.Checks[policy.CheckImageSigned].OK)
	assert.Equal(t, "cosign attest exited with status 1", a.Checks[policy.CheckImageSigned].Detail)

	a, err = parseOne(t, "verify", map[string]string{
		"cosign-verify.txt":  "verify 0\nverify-attestation 0\n",
		"cosign-verify.json": "@documented/cosign-verify.json",
	})
	require.NoError(t, err)
	c := a.Checks[policy.CheckImageSigned]
	assert.True(t, c.OK)
	assert.Contains(t, c.Detail, "1 signature(s) for sha256:4d1ea2f6")

	lines := `{"critical":{"image":{"docker-manifest-digest":"sha256:aa"}},"optional":null}` + "\n" +
		`{"critical":{"image":{"docker-manifest-digest":"sha256:aa"}},"optional":{"creator":"ci"}}` + "\n"
	a, err = parseOne(t, "verify", map[string]string{"cosign-verify.txt": "verify 0\nverify-attestation 0\n", "cosign-verify.json": lines})
	require.NoError(t, err, "older cosign prints one payload per line")
	assert.Contains(t, a.Checks[policy.CheckImageSigned].Detail, "2 signature(s) for sha256:aa")

	_, err = parseOne(t, "verify", map[string]string{"cosign-verify.txt": "verify 0\nverify-attestation 0\n", "cosign-verify.json": "{\"critical\":{}}\n{oops"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")

	_, err = parseOne(t, "verify", map[string]string{"cosign-verify.txt": "verify 0\nverify-attestation 0\n", "cosign-verify.json": "[]"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no signature payload")

	a, err = parseOne(t, "verify", map[string]string{"cosign-verify.txt": "verify 1\nverify-attestation 1\n"})
	require.NoError(t, err, "a failed verification needs no payload file")
	assert.False(t, a.Checks[policy.CheckImageSigned].OK)
}

func TestParseTerraformDrift(t *testing.T) {
	a, err := parseOne(t, "terraform-drift", map[string]string{
		"terraform-drift.txt":            "infra/prod 2\ninfra/staging 0\nmodules/network 1\n",
		"terraform-plan-infra_prod.json": "@documented/terraform-plan-infra_prod.json",
	})
	require.NoError(t, err)
	require.Len(t, a.Findings, 2)
	drift := a.Findings[0]
	assert.Equal(t, "terraform/drift", drift.RuleID)
	assert.Equal(t, "infra/prod", drift.Path)
	assert.Equal(t, "the deployed infrastructure differs from infra/prod: terraform plan would add 1, change 1, replace 1 and destroy 0 resources (aws_db_instance.ehr, aws_s3_bucket.audit, aws_kms_key.phi)", drift.Message)
	assert.Equal(t, "terraform/plan-failed", a.Findings[1].RuleID)
	assertNoValue(t, a, "s3cr3t")

	a, err = parseOne(t, "terraform-drift", map[string]string{"terraform-drift.txt": "my dir 2\n"})
	require.NoError(t, err)
	require.Len(t, a.Findings, 1)
	assert.Equal(t, "my dir", a.Findings[0].Path)
	assert.Contains(t, a.Findings[0].Message, "no plan JSON")

	_, err = parseOne(t, "terraform-drift", map[string]string{"terraform-drift.txt": "infra 0\ninfra 3\n"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 2: invalid plan exit status "3"`)
}

func TestParseTree(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	}
	write("steps/tsc/tsc.txt", "src/a.ts(1,1): error TS2304: Cannot find name 'x'.\n")
	write("steps/prettier/prettier.txt", "src/a.ts\n")
	write("steps/eslint/eslint.sarif", "{}")
	write("steps/newman/migrations.txt", "up x\n")

	analyses, errs := ParseTree(root)
	require.Len(t, analyses, 3)
	assert.Equal(t, "newman", analyses[0].Tool)
	assert.Equal(t, "prettier", analyses[1].Tool)
	assert.Equal(t, "tsc", analyses[2].Tool)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "migrations.txt")
}
