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

func runFHIRCommand(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = runMain(context.Background(), env, append([]string{"fhir", "validate"}, args...))
	return out.String(), errOut.String(), code
}

func writeFHIRFixtures(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	good, err := os.ReadFile("../compliance/fhir/testdata/examples/Patient-example.json")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "fhir"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "fhir", "good.json"), good, 0o644))
	bad := strings.Replace(string(good), `"gender": "male",`, `"gender": "boy",`, 1)
	require.NoError(t, os.WriteFile(filepath.Join(root, "fhir", "bad.json"), []byte(bad), 0o644))
	return root
}

func TestFHIRValidateExitCodes(t *testing.T) {
	root := writeFHIRFixtures(t)
	noPolicy := defaultsPolicy(t)

	stdout, stderr, code := runFHIRCommand(t, "--policy", noPolicy, filepath.Join(root, "fhir", "good.json"))
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "1 files, 1 resources: 1 conformant (100.0 %)")

	stdout, stderr, code = runFHIRCommand(t, "--policy", noPolicy, root)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "fhir/bad.json:")
	assert.Contains(t, stdout, "[fhir/binding] Patient.gender:")
	assert.Contains(t, stdout, "2 files, 2 resources: 1 conformant (50.0 %)")
}

func TestFHIRValidateFormats(t *testing.T) {
	root := writeFHIRFixtures(t)
	noPolicy := defaultsPolicy(t)

	stdout, _, code := runFHIRCommand(t, "--policy", noPolicy, "--format", "sarif", root)
	assert.Equal(t, 1, code)
	var log map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &log))
	assert.Equal(t, "2.1.0", log["version"])

	stdout, _, code = runFHIRCommand(t, "--policy", noPolicy, "--format", "json", root)
	assert.Equal(t, 1, code)
	var doc struct {
		Summary struct {
			Files  int `json:"files"`
			Errors int `json:"errors"`
		} `json:"summary"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &doc))
	assert.Equal(t, 2, doc.Summary.Files)
	assert.Equal(t, 1, doc.Summary.Errors)
}

func TestFHIRValidatePolicyGlobs(t *testing.T) {
	root := writeFHIRFixtures(t)
	policy := filepath.Join(t.TempDir(), "hmsci.yaml")
	require.NoError(t, os.WriteFile(policy, []byte("fhir:\n  include: ['**/good.json']\n"), 0o644))
	stdout, stderr, code := runFHIRCommand(t, "--policy", policy, root)
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "1 files, 1 resources")

	require.NoError(t, os.WriteFile(policy, []byte("fhir:\n  include: ['**/*.xml']\n"), 0o644))
	_, stderr, code = runFHIRCommand(t, "--policy", policy, root)
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "no file under")
}

func TestFHIRValidateUsageErrors(t *testing.T) {
	_, stderr, code := runFHIRCommand(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "missing PATH")

	_, stderr, code = runFHIRCommand(t, "--format", "xml", ".")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `invalid --format "xml"`)

	_, stderr, code = runFHIRCommand(t, "--policy", defaultsPolicy(t), filepath.Join(t.TempDir(), "missing"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "cannot read PATH")
}

func TestFHIRValidateExtensionFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.json")
	data := `{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
	  "extension":[{"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-race","valueString":"x"}]}`
	require.NoError(t, os.WriteFile(file, []byte(data), 0o644))
	noPolicy := defaultsPolicy(t)

	stdout, _, code := runFHIRCommand(t, "--policy", noPolicy, file)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "--allow-extension")

	_, stderr, code := runFHIRCommand(t, "--policy", noPolicy, "--allow-extension", "http://hl7.org/fhir/us/core/", file)
	assert.Equal(t, 0, code, stderr)

	_, _, code = runFHIRCommand(t, "--policy", noPolicy, "--allow-extension", " ", file)
	assert.Equal(t, 2, code)
}
