package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-multierror"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fieldErrors(t *testing.T, err error) []*FieldError {
	t.Helper()
	require.Error(t, err)
	var all *multierror.Error
	if errors.As(err, &all) {
		out := make([]*FieldError, 0, len(all.Errors))
		for _, e := range all.Errors {
			var fe *FieldError
			require.ErrorAs(t, e, &fe)
			out = append(out, fe)
		}
		return out
	}
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	return []*FieldError{fe}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		want    string
		line    int
		column  int
		keyPath string
	}{
		{
			name:    "typo with suggestion",
			yaml:    "gates:\n  coverage-lin:\n    threshold: 90\n",
			want:    `hmsci.yaml:2:3: gates.coverage-lin: unknown key; did you mean "coverage-line"?`,
			line:    2,
			column:  3,
			keyPath: "gates.coverage-lin",
		},
		{
			name:    "wrong type",
			yaml:    "gates:\n  secrets:\n    threshold: none\n",
			want:    `expected an integer, found the string "none"`,
			line:    3,
			column:  16,
			keyPath: "gates.secrets.threshold",
		},
		{
			name:    "percent out of range",
			yaml:    "gates:\n  coverage-line:\n    threshold: 101\n",
			want:    "value 101 out of range: must be at most 100 %",
			line:    3,
			column:  16,
			keyPath: "gates.coverage-line.threshold",
		},
		{
			name:    "negative count",
			yaml:    "gates:\n  secrets: {threshold: -1}\n",
			want:    "value -1 out of range: must be at least 0 findings",
			line:    2,
			column:  24,
			keyPath: "gates.secrets.threshold",
		},
		{
			name:    "zero response time",
			yaml:    "gates:\n  response-time: {threshold: 0}\n",
			want:    "must be greater than 0 ms",
			line:    2,
			column:  30,
			keyPath: "gates.response-time.threshold",
		},
		{
			name:    "duplicate key",
			yaml:    "gates:\n  secrets:\n    mode: advisory\n    mode: blocking\n",
			want:    "duplicate key: first defined at line 3",
			line:    4,
			column:  5,
			keyPath: "gates.secrets.mode",
		},
		{
			name:    "bad glob",
			yaml:    "gates:\n  mutation-score:\n    paths: [\"src/{a,b\"]\n",
			want:    `invalid glob "src/{a,b"`,
			line:    3,
			column:  13,
			keyPath: "gates.mutation-score.paths[0]",
		},
		{
			name:    "backslash glob",
			yaml:    "phi:\n  include: ['src\\phi\\**']\n",
			want:    "use forward slashes",
			line:    2,
			column:  13,
			keyPath: "phi.include[0]",
		},
		{
			name:    "bad duration",
			yaml:    "steps:\n  k6:\n    duration: 30 seconds\n",
			want:    `invalid duration "30 seconds"`,
			line:    3,
			column:  15,
			keyPath: "steps.k6.duration",
		},
		{
			name:    "negative duration",
			yaml:    "phases:\n  testing: {timeout: -5m}\n",
			want:    "must not be negative",
			line:    2,
			column:  22,
			keyPath: "phases.testing.timeout",
		},
		{
			name:    "unknown step knob",
			yaml:    "steps:\n  eslint:\n    workers: 8\n",
			want:    `unknown key: "workers" applies only to steps jest, go-test`,
			line:    3,
			column:  5,
			keyPath: "steps.eslint.workers",
		},
		{
			name:    "gate key on wrong gate",
			yaml:    "gates:\n  secrets:\n    severity: high\n",
			want:    `"severity" applies only to gates accessibility, critical-vulnerabilities, sast-findings, dast-findings, infrastructure-critical, kubernetes-policy, terraform-lint, terraform-misconfigurations`,
			line:    3,
			column:  5,
			keyPath: "gates.secrets.severity",
		},
		{
			name:    "unknown version",
			yaml:    "version: 2\n",
			want:    "unsupported version 2",
			line:    1,
			column:  10,
			keyPath: "version",
		},
		{
			name:    "mode typo",
			yaml:    "gates:\n  secrets: {mode: advisry}\n",
			want:    `invalid value "advisry"; did you mean "advisory"?`,
			line:    2,
			column:  19,
			keyPath: "gates.secrets.mode",
		},
		{
			name:    "unknown step in image overrides",
			yaml:    "images:\n  overrides:\n    eslnt: node:22\n",
			want:    `invalid key: invalid value "eslnt"; did you mean "eslint"?`,
			line:    3,
			column:  5,
			keyPath: "images.overrides.eslnt",
		},
		{
			name:    "size without unit",
			yaml:    "phi:\n  max-file-size: 2 megabytes\n",
			want:    `invalid size "2 megabytes"`,
			line:    2,
			column:  18,
			keyPath: "phi.max-file-size",
		},
		{
			name:    "string where list expected",
			yaml:    "fhir:\n  include: '**/*.json'\n",
			want:    `expected a list, found the string "**/*.json"`,
			line:    2,
			column:  12,
			keyPath: "fhir.include",
		},
		{
			name:    "missing value",
			yaml:    "gates:\n  secrets:\n    enabled:\n",
			want:    "missing value: expected true or false",
			line:    3,
			column:  13,
			keyPath: "gates.secrets.enabled",
		},
		{
			name:    "unquoted number as image",
			yaml:    "steps:\n  eslint: {image: 9.1}\n",
			want:    "expected a string, found the number 9.1; quote the value",
			line:    2,
			column:  19,
			keyPath: "steps.eslint.image",
		},
		{
			name:    "licence both denied and allowed",
			yaml:    "gates:\n  licenses:\n    deny: [GPL-3.0-only]\n    allow: [MIT, GPL-3.0-only]\n",
			want:    `licence "GPL-3.0-only" is both in deny and in allow`,
			line:    3,
			column:  5,
			keyPath: "gates.licenses",
		},
		{
			name:    "invalid SPDX id",
			yaml:    "gates:\n  licenses:\n    deny: [\"AGPL 3.0\"]\n",
			want:    `invalid SPDX licence identifier "AGPL 3.0"`,
			line:    3,
			column:  12,
			keyPath: "gates.licenses.deny[0]",
		},
		{
			name:    "sonarqube without url",
			yaml:    "steps:\n  sonarqube: {enabled: true}\n",
			want:    `missing key "url"`,
			line:    2,
			column:  14,
			keyPath: "steps.sonarqube",
		},
		{
			name:    "merge key",
			yaml:    "base: &b {enabled: false}\n",
			want:    "unknown key",
			line:    1,
			column:  1,
			keyPath: "base",
		},
		{
			name:    "invalid env name",
			yaml:    "steps:\n  snyk: {token-env: \"$SNYK\"}\n",
			want:    `invalid environment variable name "$SNYK"`,
			line:    2,
			column:  21,
			keyPath: "steps.snyk.token-env",
		},
		{
			name:    "bad kubernetes version",
			yaml:    "infrastructure:\n  kubernetes: {kubernetes-version: v1.31}\n",
			want:    `invalid kubernetes-version "v1.31"`,
			line:    2,
			column:  15,
			keyPath: "infrastructure.kubernetes",
		},
		{
			name:    "mirror with scheme",
			yaml:    "images:\n  mirror: https://registry.example\n",
			want:    `invalid mirror "https://registry.example"`,
			line:    2,
			column:  3,
			keyPath: "images",
		},
		{
			name:    "image reference with space",
			yaml:    "images:\n  overrides: {trivy-fs: 'aquasec/trivy 0.58'}\n",
			want:    `invalid image reference "aquasec/trivy 0.58" for step "trivy-fs"`,
			line:    2,
			column:  3,
			keyPath: "images",
		},
		{
			name:    "yaml syntax",
			yaml:    "gates:\n  secrets: [\n",
			want:    "invalid YAML",
			line:    2,
			column:  1,
			keyPath: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hmsci.yaml", []byte(tt.yaml))
			errs := fieldErrors(t, err)
			require.Len(t, errs, 1, "errors: %v", err)
			assert.Contains(t, errs[0].Error(), tt.want)
			assert.Equal(t, "hmsci.yaml", errs[0].File)
			assert.Equal(t, tt.line, errs[0].Line, "line")
			assert.Equal(t, tt.column, errs[0].Column, "column")
			assert.Equal(t, tt.keyPath, errs[0].Path, "key path")
		})
	}
}

func TestParseCollectsAllErrors(t *testing.T) {
	data := "gates:\n  coverage-lin: {threshold: 90}\n  secrets: {threshold: x}\nsteps:\n  k6: {vus: 0}\n"
	_, err := Parse("policy.yaml", []byte(data))
	errs := fieldErrors(t, err)
	require.Len(t, errs, 3)
	assert.Equal(t, "gates.coverage-lin", errs[0].Path)
	assert.Equal(t, "gates.secrets.threshold", errs[1].Path)
	assert.Equal(t, "steps.k6.vus", errs[2].Path)
	assert.Equal(t, 3, strings.Count(err.Error(), "policy.yaml:"), "one line per error")
}

func TestParseOverridesDefaults(t *testing.T) {
	data := `version: 1
gates:
  coverage-line: {threshold: 70.5, mode: advisory}
  coverage-phi-modules:
    paths: ["src/phi/**"]
    overrides:
      - {glob: "src/phi/crypto/**", threshold: 99}
  critical-vulnerabilities: {severity: high}
  lighthouse-performance: {enabled: false}
images:
  mirror: registry.hospital.example/mirror
  overrides: {eslint: "registry.hospital.example/eslint:9"}
phases:
  fail-fast: true
  security: {timeout: 45m}
steps:
  jest: {workers: 2}
  k6: {vus: 50, duration: 1m, target-url: "http://127.0.0.1:8080"}
  playwright: {browsers: [chromium]}
phi:
  max-file-size: 512KiB
container:
  tiers: [dev, prod]
`
	c, err := Parse("hmsci.yaml", []byte(data))
	require.NoError(t, err)
	assert.Equal(t, "hmsci.yaml", c.Source)
	assert.InDelta(t, 70.5, c.Gates.CoverageLine.Threshold, 1e-9)
	assert.Equal(t, Advisory, c.Gates.CoverageLine.Mode)
	assert.True(t, c.Gates.CoverageLine.Enabled, "enabled keeps its default")
	assert.Equal(t, []Glob{"src/phi/**"}, c.Gates.CoveragePHIModules.Paths)
	assert.Equal(t, []GlobThreshold{{Glob: "src/phi/crypto/**", Threshold: 99}}, c.Gates.CoveragePHIModules.Overrides)
	assert.Equal(t, Severity("high"), c.Gates.CriticalVulnerabilities.Severity)
	assert.False(t, c.Gates.LighthousePerformance.Enabled)
	assert.Equal(t, "registry.hospital.example/eslint:9", c.Images.Overrides["eslint"])
	assert.True(t, c.Phases.FailFast)
	assert.Equal(t, Duration(45*time.Minute), c.Phases.Security.Timeout)
	assert.Equal(t, Duration(30*time.Minute), c.Phases.Testing.Timeout, "other phases keep defaults")
	assert.Equal(t, 2, c.Steps.Jest.Workers)
	assert.Equal(t, 4, c.Steps.GoTest.Workers)
	assert.Equal(t, 50, c.Steps.K6.VUs)
	assert.Equal(t, Duration(time.Minute), c.Steps.K6.Duration)
	assert.Equal(t, URL("http://127.0.0.1:8080"), c.Steps.K6.TargetURL)
	assert.Equal(t, []Browser{"chromium"}, c.Steps.Playwright.Browsers)
	assert.Equal(t, ByteSize(512*1024), c.PHI.MaxFileSize)
	assert.Equal(t, []string{"dev", "prod"}, c.Container.Tiers)
}

func TestDefaults(t *testing.T) {
	c := Default()
	want := map[string]float64{
		"coverage-line": 85, "coverage-branch": 80, "coverage-phi-modules": 95, "secrets": 0,
		"mutation-score": 80, "eslint-errors": 0, "critical-vulnerabilities": 0, "hipaa-critical": 0,
		"lighthouse-performance": 90, "lighthouse-accessibility": 95, "fhir-conformance": 95,
		"phi-exposure": 0, "audit-trail": 100, "response-time": 2000, "availability": 99.9,
		"error-rate": 0.1, "throughput": 1000,
	}
	for name, threshold := range want {
		s, ok := c.Gates.Setting(name)
		require.True(t, ok, name)
		assert.True(t, s.Enabled, name)
		assert.True(t, s.HasThreshold, name)
		assert.InDelta(t, threshold, s.Threshold, 1e-9, name)
	}
	for _, name := range []string{"phi-encrypted", "rbac-enforced", "phi-masked", "typescript-strict"} {
		s, ok := c.Gates.Setting(name)
		require.True(t, ok, name)
		assert.False(t, s.HasThreshold, name)
	}
	assert.Len(t, StepNames(), 40)
	assert.Len(t, c.Gates.EnabledGates(), len(GateNames()))
	assert.Equal(t, 4, c.Steps.Jest.Workers)
	assert.Equal(t, 1000, c.Steps.K6.VUs)
	assert.Equal(t, ByteSize(2<<20), c.PHI.MaxFileSize)
}

func TestMarshalRoundTrip(t *testing.T) {
	c := Default()
	c.Gates.Secrets.Mode = Advisory
	c.Images.Overrides["trivy-fs"] = "mirror/trivy:0.58"
	out, err := c.Marshal()
	require.NoError(t, err)
	text := string(out)
	assert.Contains(t, text, "coverage-line:\n    enabled: true\n    mode: blocking\n    threshold: 85\n")
	assert.Contains(t, text, "max-file-size: 2MiB")
	assert.Contains(t, text, "duration: 30s")

	back, err := Parse("printed.yaml", out)
	require.NoError(t, err)
	back.Source = c.Source
	assert.Equal(t, c, back)
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()

	c, err := Load(filepath.Join(dir, "hmsci.yaml"))
	require.NoError(t, err)
	assert.Contains(t, c.Source, "no ")
	assert.Contains(t, c.Source, "hmsci.yaml found")
	assert.Equal(t, Default().Gates, c.Gates)

	path := filepath.Join(dir, "policy.yaml")
	require.NoError(t, os.WriteFile(path, []byte("gates:\n  secrets: {mode: advisory}\n"), 0o600))
	c, err = Load(path)
	require.NoError(t, err)
	assert.Equal(t, Advisory, c.Gates.Secrets.Mode)

	require.NoError(t, os.WriteFile(path, []byte("gates:\n  secret: {}\n"), 0o600))
	_, err = Load(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "policy.yaml:2:3: gates.secret: unknown key; did you mean \"secrets\"?")

	big := make([]byte, MaxFileSize+10)
	require.NoError(t, os.WriteFile(path, big, 0o600))
	_, err = Load(path)
	assert.ErrorContains(t, err, "larger than")
}

func TestParseEmptyAndSecondDocument(t *testing.T) {
	c, err := Parse("hmsci.yaml", []byte("# only a comment\n"))
	require.NoError(t, err)
	assert.Equal(t, Default().Gates, c.Gates)

	_, err = Parse("hmsci.yaml", []byte("version: 1\n---\nversion: 1\n"))
	assert.ErrorContains(t, err, "one YAML document")
}

func TestParseAliasBomb(t *testing.T) {
	// Ten levels of ten aliases each would expand to 10^10 values. The
	// decoder rejects each nested list at its first level instead of
	// expanding it.
	var b strings.Builder
	b.WriteString("gates:\n  licenses:\n    deny: &a0 [MIT, MIT, MIT, MIT, MIT, MIT, MIT, MIT, MIT, MIT]\n")
	b.WriteString("phi:\n  mask-functions: &x [a]\n")
	b.WriteString("fhir:\n  include:\n")
	for i := 1; i <= 9; i++ {
		b.WriteString(fmt.Sprintf("    - &a%d [", i))
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(fmt.Sprintf("*a%d", i-1))
		}
		b.WriteString("]\n")
	}
	_, err := Parse("bomb.yaml", []byte(b.String()))
	errs := fieldErrors(t, err)
	assert.Len(t, errs, 9)
	assert.Contains(t, errs[0].Message, "expected a glob pattern, found a list")
}

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		glob Glob
		path string
		want bool
	}{
		{"**/phi/**", "src/phi/mask.ts", true},
		{"**/phi/**", "phi/mask.ts", true},
		{"**/patient*/**", "src/patients/service.ts", true},
		{"**/patient*/**", "src/billing/service.ts", false},
		{"./src/**", "src/a.go", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.glob.Match(tt.path), "%s ~ %s", tt.glob, tt.path)
	}
}

func TestDocumentedExampleParses(t *testing.T) {
	doc, err := os.ReadFile("../docs/policy.md")
	require.NoError(t, err)
	_, rest, found := strings.Cut(string(doc), "### Example\n\n```yaml\n")
	require.True(t, found, "docs/policy.md has an example policy")
	example, _, found := strings.Cut(rest, "```")
	require.True(t, found)

	c, err := Parse("docs/policy.md", []byte(example))
	require.NoError(t, err)
	assert.InDelta(t, 80, c.Gates.CoverageLine.Threshold, 1e-9)
	assert.Equal(t, Advisory, c.Gates.LighthousePerformance.Mode)
}
