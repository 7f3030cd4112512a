package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runPHICommand(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = runMain(context.Background(), env, append([]string{"phi"}, args...))
	return out.String(), errOut.String(), code
}

// phiCanaryValues are valid identifiers planted by writePHITree; no
// output of the command may contain one.
var phiCanaryValues = []string{
	"536-22-1234", "536221234", "471-38-2290", "471382290", "Maria Gonzalez", "1984-03-15", "19840315",
	"617-234-1234", "maria.gonzalez@mercyhealth.org", "4556 7375 8689 9855", "4556737586899855",
	"5EG4TE5MK73", "00482913", "12 Elm Street",
}

func writePHITree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"patients.csv": "full_name,ssn,dob,phone,email,card_number,medicare_id,mrn,address\n" +
			"Maria Gonzalez,536-22-1234,1984-03-15,617-234-1234,maria.gonzalez@mercyhealth.org,4556737586899855,5EG4TE5MK73,00482913,12 Elm Street\n",
		"app.log":  "2025-01-01T00:00:00Z WARN ssn=471-38-2290 card 4556 7375 8689 9855\n",
		"adt.hl7":  "MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5\rPID|1||00482913^^^H^MR||GONZALEZ^MARIA||19840315|F||||||||||||536221234\r",
		"synth.md": "Example SSN 912-34-5678 from the docs.\n",
	}
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(text), 0o644))
	}
	return root
}

func TestPHICanaryEveryFormatAndLogLevel(t *testing.T) {
	root := writePHITree(t)
	noPolicy := defaultsPolicy(t)
	for _, format := range []string{"sarif", "json", "text"} {
		for _, level := range []string{"debug", "info", "warn", "error"} {
			stdout, stderr, code := runPHICommand(t, "--format", format, "--log-level", level, "--policy", noPolicy, root)
			assert.Equal(t, 1, code, "%s/%s: blocking findings exit 1", format, level)
			assert.NotEmpty(t, stdout)
			for _, v := range phiCanaryValues {
				assert.NotContains(t, stdout, v, "%s/%s stdout", format, level)
				assert.NotContains(t, stderr, v, "%s/%s stderr", format, level)
			}
			if level == "debug" {
				assert.Contains(t, stderr, "phi finding")
			}
		}
	}
}

func TestPHIExitCodesAndBaseline(t *testing.T) {
	root := writePHITree(t)
	dir := t.TempDir()
	noPolicy := defaultsPolicy(t)

	stdout, _, code := runPHICommand(t, "--format", "json", "--policy", noPolicy, root)
	require.Equal(t, 1, code)
	var rep struct {
		Blocking int `json:"blocking"`
		Findings []struct {
			RuleID string `json:"ruleId"`
			Path   string `json:"path"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &rep))
	assert.Positive(t, rep.Blocking)
	assert.True(t, strings.HasPrefix(rep.Findings[0].Path, filepath.ToSlash(root)), "paths of a named root are prefixed with it")

	baseline := filepath.Join(dir, "phi-baseline.json")
	_, stderr, code := runPHICommand(t, "--policy", noPolicy, "--baseline-write", baseline, root)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "wrote baseline")

	policy := filepath.Join(dir, "hmsci.yaml")
	require.NoError(t, os.WriteFile(policy, []byte("version: 1\nphi:\n  baseline: phi-baseline.json\n"), 0o644))
	stdout, stderr, code = runPHICommand(t, "--format", "text", "--policy", policy, root)
	assert.Equal(t, 0, code, "every finding is in the baseline: %s", stderr)
	assert.Contains(t, stdout, "0 blocking")

	// Synthetic findings block only when the policy enables it.
	synth := filepath.Join(root, "synth.md")
	_, _, code = runPHICommand(t, "--policy", noPolicy, synth)
	assert.Equal(t, 0, code)
	require.NoError(t, os.WriteFile(policy, []byte("version: 1\nphi:\n  synthetic-blocking: true\n"), 0o644))
	_, _, code = runPHICommand(t, "--policy", policy, synth)
	assert.Equal(t, 1, code)
}

func TestPHIInvalidInput(t *testing.T) {
	noPolicy := defaultsPolicy(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no path", []string{"--policy", noPolicy}, "missing PATH"},
		{"bad format", []string{"--policy", noPolicy, "--format", "xml", "."}, `invalid --format "xml"`},
		{"bad level", []string{"--policy", noPolicy, "--log-level", "loud", "."}, `invalid --log-level "loud"`},
		{"missing path", []string{"--policy", noPolicy, "/nonexistent/phi"}, `scan "/nonexistent/phi"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runPHICommand(t, tt.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, tt.want)
		})
	}
	policy := filepath.Join(t.TempDir(), "hmsci.yaml")
	require.NoError(t, os.WriteFile(policy, []byte("version: 1\nphi:\n  max-file-size: lots\n"), 0o644))
	_, stderr, code := runPHICommand(t, "--policy", policy, ".")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "max-file-size")
}
