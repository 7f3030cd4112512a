package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// realReports holds reports written by the real tools; its README names
// each tool, version and command.
const realReports = "../gates/reports/testdata/real"

// realRoot is the directory the sample project ran in when the reports
// were made, so that absolute report paths become repository-relative.
const realRoot = "/tmp/engB/js"

type run struct {
	code   int
	stdout string
	stderr string
}

func runCI(t *testing.T, env map[string]string, args ...string) run {
	t.Helper()
	var stdout, stderr bytes.Buffer
	e := &environment{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return env[k] }}
	code := runMain(context.Background(), e, args)
	return run{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// copyReports copies the named real reports into a new directory.
func copyReports(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(realReports, name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
	}
	return dir
}

func gateLine(t *testing.T, stdout, gate string) string {
	t.Helper()
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, gate+" ") {
			return strings.Join(strings.Fields(line), " ")
		}
	}
	require.Failf(t, "gate missing", "no line for gate %s in:\n%s", gate, stdout)
	return ""
}

func TestGateOnRealReports(t *testing.T) {
	dir := copyReports(t, "lcov.info", "cobertura-coverage.xml", "junit-jest.xml", "eslint.sarif",
		"gitleaks.sarif", "mutation.json", "lighthouse.report.json", "bom.cdx.json")
	out := filepath.Join(t.TempDir(), "out")
	summary := filepath.Join(t.TempDir(), "step-summary.md")
	env := map[string]string{"GITHUB_STEP_SUMMARY": summary}

	r := runCI(t, env, "gate", "--reports", dir, "--out", out, "--root", realRoot, "--policy", defaultsPolicy(t))
	assert.Equal(t, 1, r.code, "blocking gates failed; stderr: %s", r.stderr)

	// lcov --summary: lines 70.0 % (21 of 30), branches 73.1 % (19 of 26);
	// the Cobertura twin of the same Jest run must not count twice.
	assert.Equal(t, "coverage-line failed 70.00 % (21/30 lines) (>= 85 %)", gateLine(t, r.stdout, "coverage-line"))
	assert.Equal(t, "coverage-branch failed 73.08 % (19/26 branches) (>= 80 %)", gateLine(t, r.stdout, "coverage-branch"))
	// lcov --list: src/phi/mask.js 80.0 % of 10 lines.
	assert.Equal(t, "coverage-phi-modules failed 80.00 % (**/phi/**, 1 files) (>= 95 %)", gateLine(t, r.stdout, "coverage-phi-modules"))
	// Jest: 10 tests, 1 failed, 1 skipped.
	assert.Equal(t, "unit-tests failed 1 failing of 10 (<= 0 failing)", gateLine(t, r.stdout, "unit-tests"))
	// Stryker clear-text report: 60.26 for all files.
	assert.Equal(t, "mutation-score failed 60.26 % (47/78 mutants detected) (>= 80 %)", gateLine(t, r.stdout, "mutation-score"))
	assert.Equal(t, "secrets failed 1 finding (<= 0 findings)", gateLine(t, r.stdout, "secrets"))
	assert.Equal(t, "lighthouse-accessibility failed 48 of 100 (http://127.0.0.1:8765/) (>= 95 of 100)", gateLine(t, r.stdout, "lighthouse-accessibility"))
	assert.Equal(t, "lighthouse-performance passed 100 of 100 (http://127.0.0.1:8765/) (>= 90 of 100)", gateLine(t, r.stdout, "lighthouse-performance"))
	assert.Contains(t, gateLine(t, r.stdout, "critical-vulnerabilities"), "not-evaluated report missing: no vulnerability scanner SARIF report")
	assert.Contains(t, r.stdout, "among 8 files in "+dir)
	assert.Contains(t, r.stdout, "next: add tests for src/triage.js (65.0 % lines, 7 uncovered)")
	assert.NotContains(t, r.stdout, "ghp_4fXk9QzR2mTq7LwV8yN3bJcH6dPs1aEoU5iG", "the planted token is never printed")

	for _, name := range []string{"summary.md", "result.json", "gates.junit.xml", "hmsci.sarif", "dashboard.html"} {
		data, err := os.ReadFile(filepath.Join(out, name))
		require.NoError(t, err, name)
		assert.NotContains(t, string(data), "ghp_4fXk9QzR2mTq7LwV8yN3bJcH6dPs1aEoU5iG", name)
	}
	var doc struct {
		SchemaVersion int  `json:"schemaVersion"`
		Blocked       bool `json:"blocked"`
		Verdicts      []struct {
			Gate   string   `json:"gate"`
			Status string   `json:"status"`
			Value  *float64 `json:"value"`
		} `json:"verdicts"`
	}
	data, err := os.ReadFile(filepath.Join(out, "result.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	assert.Equal(t, 1, doc.SchemaVersion)
	assert.True(t, doc.Blocked)
	require.NotEmpty(t, doc.Verdicts)
	require.NotNil(t, doc.Verdicts[0].Value)
	assert.InDelta(t, 70.0, *doc.Verdicts[0].Value, 0.01)

	md, err := os.ReadFile(summary)
	require.NoError(t, err)
	assert.Contains(t, string(md), "## ❌ hmsci: blocked by 8 failing gates")

	// A second run that writes into the reports directory itself must
	// not read back its own SARIF and JUnit files.
	first := r.stdout
	r = runCI(t, env, "gate", "--reports", dir, "--out", dir, "--root", realRoot)
	r = runCI(t, env, "gate", "--reports", dir, "--out", dir, "--root", realRoot)
	assert.Equal(t, 1, r.code)
	assert.Equal(t, gateLine(t, first, "secrets"), gateLine(t, r.stdout, "secrets"))
	assert.Equal(t, gateLine(t, first, "unit-tests"), gateLine(t, r.stdout, "unit-tests"))
	md, err = os.ReadFile(summary)
	require.NoError(t, err)
	assert.Equal(t, 3, strings.Count(string(md), "## ❌ hmsci"), "the step summary is appended to, not replaced")
}

func TestGateMalformedReport(t *testing.T) {
	dir := copyReports(t, "gitleaks.sarif", "junit-go.xml")
	data, err := os.ReadFile(filepath.Join(realReports, "cobertura-coverage.xml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cobertura-coverage.xml"), data[:len(data)/2], 0o600))

	r := runCI(t, nil, "gate", "--reports", dir, "--out", filepath.Join(t.TempDir(), "out"))
	assert.Equal(t, 1, r.code)
	// A report that exists but does not parse fails its gate closed: the
	// tool ran, and its result is unknown.
	assert.Equal(t, "coverage-line failed not measured (>= 85 %)", gateLine(t, r.stdout, "coverage-line"))
	assert.Contains(t, r.stdout, "report "+filepath.Join(dir, "cobertura-coverage.xml")+" is malformed:")
	assert.Regexp(t, `cobertura-coverage\.xml is malformed: .*line \d+`, r.stdout, "the position is named")
	assert.Contains(t, r.stderr, "warning: parse cobertura report")
	// Every other gate still gets its verdict. go test: 6 tests, 1 failed.
	assert.Equal(t, "unit-tests failed 1 failing of 6 (<= 0 failing)", gateLine(t, r.stdout, "unit-tests"))
	assert.Equal(t, "secrets failed 1 finding (<= 0 findings)", gateLine(t, r.stdout, "secrets"))
}

func TestGatePassesWithoutBlockingFailure(t *testing.T) {
	dir := t.TempDir()
	clean := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"gitleaks"}},"results":[]}]}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gitleaks.sarif"), []byte(clean), 0o600))
	policy := filepath.Join(dir, "policy.yaml")
	require.NoError(t, os.WriteFile(policy, []byte("gates:\n  lighthouse-performance: {enabled: false}\n"), 0o600))

	r := runCI(t, nil, "gate", "--reports", dir, "--out", filepath.Join(t.TempDir(), "o"), "--policy", policy)
	assert.Equal(t, 0, r.code, r.stdout+r.stderr)
	assert.Equal(t, "secrets passed 0 findings (<= 0 findings)", gateLine(t, r.stdout, "secrets"))
	assert.Equal(t, "lighthouse-performance not-evaluated disabled in "+policy+" (enabled by default)",
		gateLine(t, r.stdout, "lighthouse-performance"), "a disabled gate stays visible")
	assert.Contains(t, r.stdout, "no blocking gate failed: 1 passed, 0 failed")
}

func TestGateUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badPolicy := filepath.Join(dir, "hmsci.yaml")
	require.NoError(t, os.WriteFile(badPolicy, []byte("gates:\n  coverage-lin:\n    threshold: 90\n"), 0o600))
	file := filepath.Join(dir, "file.txt")
	require.NoError(t, os.WriteFile(file, nil, 0o600))

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing reports flag", []string{"gate"}, "missing --reports DIR"},
		{"absent directory", []string{"gate", "--reports", filepath.Join(dir, "nope")}, "no such file or directory"},
		{"file as directory", []string{"gate", "--reports", file}, "is a file"},
		{"positional argument", []string{"gate", "--reports", dir, "extra"}, `unexpected argument "extra"`},
		{"unknown flag", []string{"gate", "--report", dir}, "flag provided but not defined: -report"},
		{"invalid policy", []string{"gate", "--reports", dir, "--policy", badPolicy}, `hmsci.yaml:2:3: gates.coverage-lin: unknown key; did you mean "coverage-line"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCI(t, nil, tt.args...)
			assert.Equal(t, 2, r.code)
			assert.Contains(t, r.stderr, tt.want)
		})
	}
}

func TestConfigPrint(t *testing.T) {
	r := runCI(t, nil, "config", "print")
	require.Equal(t, 0, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stdout, "# effective hmsci policy from built-in defaults (no "))
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(r.stdout), &doc))
	gatesSection := doc["gates"].(map[string]any)
	line := gatesSection["coverage-line"].(map[string]any)
	assert.Equal(t, 85, line["threshold"])
	assert.Equal(t, "blocking", line["mode"])
	assert.Contains(t, doc, "steps")

	dir := t.TempDir()
	policy := filepath.Join(dir, "p.yaml")
	require.NoError(t, os.WriteFile(policy, []byte("gates:\n  coverage-line: {threshold: 70}\n"), 0o600))
	r = runCI(t, nil, "config", "print", "--policy", policy)
	require.Equal(t, 0, r.code)
	assert.Contains(t, r.stdout, "coverage-line:\n    enabled: true\n    mode: blocking\n    threshold: 70\n")
}

func TestConfigValidate(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	require.NoError(t, os.WriteFile(good, []byte("version: 1\n"), 0o600))
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("gates:\n  secrets: {threshold: -1}\n  coverage-line: {mode: blockng}\n"), 0o600))

	r := runCI(t, nil, "config", "validate", "--policy", good)
	assert.Equal(t, 0, r.code)
	assert.Equal(t, good+": valid\n", r.stdout)

	r = runCI(t, nil, "config", "validate", "--policy", bad)
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "bad.yaml:2:24: gates.secrets.threshold: value -1 out of range: must be at least 0 findings")
	assert.Contains(t, r.stderr, `bad.yaml:3:25: gates.coverage-line.mode: invalid value "blockng"; did you mean "blocking"?`)

	r = runCI(t, nil, "config", "validate", "--policy", filepath.Join(dir, "absent.yaml"))
	assert.Equal(t, 2, r.code, "a policy named with --policy must exist")
	assert.Contains(t, r.stderr, "not found")

	r = runCI(t, nil, "config", "validate")
	assert.Equal(t, 0, r.code, "without --policy an absent hmsci.yaml means the defaults")
	assert.Contains(t, r.stdout, "not found; the built-in defaults apply")
}

func TestHelpListsCommands(t *testing.T) {
	r := runCI(t, nil, "help")
	assert.Equal(t, 0, r.code)
	for _, name := range []string{"gate", "config print", "config validate"} {
		assert.Contains(t, r.stderr, "  "+name+" ")
	}
	r = runCI(t, nil, "gate", "-h")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "usage: go run ./ci gate --reports DIR")
	assert.Contains(t, r.stderr, "-reports")
}

func TestGateGoCoverprofile(t *testing.T) {
	dir := copyReports(t, "coverage.out")
	r := runCI(t, nil, "gate", "--reports", dir, "--out", filepath.Join(t.TempDir(), "out"))
	assert.Equal(t, 1, r.code)
	// go tool cover -func: total: (statements) 60.6%.
	line := gateLine(t, r.stdout, "coverage-line")
	assert.Equal(t, "coverage-line failed 60.61 % (20/33 statements) (>= 85 %)", line)
	assert.Contains(t, gateLine(t, r.stdout, "coverage-branch"), "Go coverprofiles have none")
}

func TestGateLoadSummary(t *testing.T) {
	// The k6 summary is hand-written after the documented
	// --summary-export shape, since k6 could not run where the test data
	// was made: p(95) 48.71 ms, http_req_failed 10 of 600, 59.88 requests/s,
	// checks 590 of 600.
	dir := t.TempDir()
	data, err := os.ReadFile("../gates/reports/testdata/handwritten/k6-summary-export.json")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "k6-summary.json"), data, 0o600))

	r := runCI(t, nil, "gate", "--reports", dir, "--out", filepath.Join(t.TempDir(), "out"))
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "response-time passed 48.71 ms (< 2000 ms)", gateLine(t, r.stdout, "response-time"))
	assert.Equal(t, "availability failed 98.333 % (>= 99.9 %)", gateLine(t, r.stdout, "availability"))
	assert.Equal(t, "error-rate failed 1.667 % (< 0.1 %)", gateLine(t, r.stdout, "error-rate"))
	assert.Equal(t, "throughput failed 59.88 requests/s (>= 1000 requests/s)", gateLine(t, r.stdout, "throughput"))
}

// writeGitleaksSARIF writes a gitleaks-like SARIF log with n results.
func writeGitleaksSARIF(t testing.TB, path string, n int) {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"gitleaks","rules":[{"id":"generic-api-key"}]}},"results":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"ruleId":"generic-api-key","level":"error","message":{"text":"generic-api-key has detected secret for file config/%d.env."},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"config/%d.env"},"region":{"startLine":1}}}]}`, i, i)
	}
	b.WriteString(`]}]}`)
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
}

func TestGateLargeSARIFCountsEveryFinding(t *testing.T) {
	dir := t.TempDir()
	writeGitleaksSARIF(t, filepath.Join(dir, "gitleaks.sarif"), 12345)
	out := filepath.Join(t.TempDir(), "out")

	r := runCI(t, nil, "gate", "--reports", dir, "--out", out)
	assert.Equal(t, 1, r.code)
	assert.Equal(t, "secrets failed 12345 findings (<= 0 findings)", gateLine(t, r.stdout, "secrets"), "more than the parser's cap of kept findings")

	data, err := os.ReadFile(filepath.Join(out, "result.json"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "gate counts cover all 12345 findings; the renderings list the first 10000")
}

func TestGateTruncatedSARIF(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gitleaks.sarif")
	writeGitleaksSARIF(t, path, 3)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data[:len(data)-40], 0o600))

	r := runCI(t, nil, "gate", "--reports", dir, "--out", filepath.Join(t.TempDir(), "out"))
	assert.Equal(t, 1, r.code, "a truncated secrets report fails the secrets gate closed")
	assert.Equal(t, "secrets failed not measured (<= 0 findings)", gateLine(t, r.stdout, "secrets"))
	assert.Contains(t, r.stdout, "report "+path+" is malformed:")
	assert.Contains(t, r.stderr, "warning: parse sarif report")
}

// BenchmarkGate100MB runs the whole `ci gate` command on a reports
// directory that holds one generated gitleaks SARIF log of about 100 MB:
// scanning, counting, evaluating and writing every rendering.
func BenchmarkGate100MB(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "gitleaks.sarif")
	const resultSize = 262 // bytes of one result as writeGitleaksSARIF writes it, on average
	writeGitleaksSARIF(b, path, 100<<20/resultSize)
	info, err := os.Stat(path)
	require.NoError(b, err)
	b.SetBytes(info.Size())
	out := filepath.Join(b.TempDir(), "out")

	for b.Loop() {
		var stdout, stderr bytes.Buffer
		e := &environment{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
		if code := runMain(context.Background(), e, []string{"gate", "--reports", dir, "--out", out}); code != 1 {
			b.Fatalf("exit status %d, want 1; stderr: %s", code, stderr.String())
		}
	}
}

func TestGateEmptyDirectoryWarns(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600))
	r := runCI(t, nil, "gate", "--reports", dir, "--out", filepath.Join(t.TempDir(), "out"))
	assert.Equal(t, 0, r.code, "gates that are not evaluated do not block")
	assert.Contains(t, r.stderr, "warning: no report of a known format among 1 files in "+dir)
}
