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
	assert.Contains(t, stdout, "1 file with 1 resource: 1 of 1 file conformant (100.0 %)")

	stdout, stderr, code = runFHIRCommand(t, "--policy", noPolicy, root)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "fhir/bad.json:")
	assert.Contains(t, stdout, "[fhir/binding] Patient.gender:")
	assert.Contains(t, stdout, "2 files with 2 resources: 1 of 2 files conformant (50.0 %)")
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
	assert.Contains(t, stdout, "1 file with 1 resource")

	require.NoError(t, os.WriteFile(policy, []byte("fhir:\n  include: ['**/*.xml']\n"), 0o644))
	stdout, stderr, code = runFHIRCommand(t, "--policy", policy, root)
	assert.Equal(t, 2, code, "a run that checked nothing must not pass")
	assert.Contains(t, stderr, "no file under")
	assert.Contains(t, stderr, "nothing was checked")
	assert.NotContains(t, stdout, "100.0 %")
}

// writeFHIRApp lays out a project as the example app does: hmsci.yaml at
// the top, FHIR fixtures two levels down, and a JSON file the globs leave
// out.
func writeFHIRApp(t *testing.T) string {
	t.Helper()
	app := writeFHIRFixtures(t)
	require.NoError(t, os.MkdirAll(filepath.Join(app, "fixtures"), 0o755))
	require.NoError(t, os.Rename(filepath.Join(app, "fhir"), filepath.Join(app, "fixtures", "fhir")))
	require.NoError(t, os.MkdirAll(filepath.Join(app, "other"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(app, "other", "package.json"), []byte(`{"name":"x"}`), 0o644))
	policy := "fhir:\n  include: ['fixtures/fhir/**/*.json']\n  blocking: ['fixtures/fhir/**']\n"
	require.NoError(t, os.WriteFile(filepath.Join(app, "hmsci.yaml"), []byte(policy), 0o644))
	return app
}

func TestFHIRValidateGlobsRelativeToPolicy(t *testing.T) {
	app := writeFHIRApp(t)
	policy := filepath.Join(app, "hmsci.yaml")

	stdout, stderr, code := runFHIRCommand(t, "--policy", policy, filepath.Join(app, "fixtures", "fhir"))
	assert.Equal(t, 1, code, stderr)
	assert.Empty(t, stderr)
	assert.Contains(t, stdout, "2 files with 2 resources: 1 of 2 files conformant (50.0 %), 1 error (1 in blocking paths)")

	stdout, stderr, code = runFHIRCommand(t, "--policy", policy, app)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "2 files with 2 resources")
	assert.NotContains(t, stdout, "package.json")

	_, stderr, code = runFHIRCommand(t, "--policy", policy, filepath.Join(app, "other"))
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, `matches fhir.include ["fixtures/fhir/**/*.json"] and not fhir.exclude ["**/node_modules/**"]`)
	assert.Contains(t, stderr, "the directory of "+policy)
}

func TestFHIRValidateNamedFileWhole(t *testing.T) {
	app := writeFHIRApp(t)
	policy := filepath.Join(app, "hmsci.yaml")

	// A file named on the command line is validated even when no glob
	// selects it, and the blocking globs still apply to its path.
	bad := filepath.Join(app, "fixtures", "fhir", "bad.json")
	stdout, stderr, code := runFHIRCommand(t, "--policy", policy, bad)
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "1 error (1 in blocking paths)")

	stdout, stderr, code = runFHIRCommand(t, "--policy", policy, filepath.Join(app, "other", "package.json"))
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "resourceType is missing")
}

func TestFHIRValidateWorkingDirectoryBase(t *testing.T) {
	app := writeFHIRApp(t)
	require.NoError(t, os.Remove(filepath.Join(app, "hmsci.yaml")))
	t.Chdir(app)

	// Without a policy file the built-in include **/fhir/**/*.json is
	// matched from the working directory, so fixtures/fhir/x.json matches
	// although the named directory's own paths have no fhir/ in them.
	stdout, stderr, code := runFHIRCommand(t, filepath.Join("fixtures", "fhir"))
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stdout, "2 files with 2 resources")

	t.Chdir(filepath.Join(app, "fixtures", "fhir"))
	_, stderr, code = runFHIRCommand(t, ".")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "relative to the working directory")
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

func TestFHIRValidateMasksPersonValues(t *testing.T) {
	// Assembled at run time so that a PHI scan of this repository does
	// not flag the test source.
	surname, ssn, phone := "Quill"+"feather", "536-22-"+"4817", "617-555-"+"0142"
	r := strings.NewReplacer("SURNAME", surname, "SSN", ssn, "PHONE", phone)
	dir := t.TempDir()
	files := map[string]string{
		"patient.json": `{"resourceType": "Patient", "id": "SSN x", "gender": "SURNAME", "birthDate": "PHONE",
  "generalPractitioner": [{"reference": "Practitioner/SURNAME Jr"}], "SURNAME": "SSN"}`,
		"practitioner.json":   `{"resourceType": "Practitioner", "gender": "SSN", "telecom": [{"system": "PHONE"}]}`,
		"related-person.json": `{"resourceType": "RelatedPerson", "patient": {"reference": "Patient/SURNAME SSN"}, "gender": "PHONE"}`,
	}
	for name, doc := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(r.Replace(doc)), 0o644))
	}
	for _, format := range []string{"text", "json", "sarif"} {
		stdout, stderr, code := runFHIRCommand(t, "--policy", defaultsPolicy(t), "--format", format, dir+"/patient.json", dir+"/practitioner.json", dir+"/related-person.json")
		assert.Equal(t, 1, code, stderr)
		assert.Contains(t, stdout, "masked", format)
		for _, needle := range []string{surname, ssn, phone, "5362248", "6175550"} {
			assert.NotContains(t, stdout, needle, "%s output prints a planted value", format)
			assert.NotContains(t, stderr, needle, "%s stderr prints a planted value", format)
		}
	}
}
