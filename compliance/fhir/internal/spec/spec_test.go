package spec

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeTGZ writes an npm-style tarball with files under package/.
func writeTGZ(t *testing.T, files map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for name, content := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: "package/" + name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}))
		_, err := tw.Write([]byte(content))
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	require.NoError(t, zw.Close())
	path := filepath.Join(t.TempDir(), "pkg.tgz")
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

const patientSD = `{"resourceType":"StructureDefinition","url":"http://hl7.org/fhir/StructureDefinition/Patient","name":"Patient","type":"Patient","kind":"resource","derivation":"specialization","baseDefinition":"http://hl7.org/fhir/StructureDefinition/DomainResource",
 "snapshot":{"element":[
  {"path":"Patient","min":0,"max":"*","constraint":[{"key":"dom-2","severity":"error","human":"h","expression":"contained.contained.empty()"}]},
  {"path":"Patient.id","min":0,"max":"1","type":[{"code":"http://hl7.org/fhirpath/System.String","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type","valueUrl":"string"}]}]},
  {"path":"Patient.gender","min":0,"max":"1","type":[{"code":"code"}],"binding":{"strength":"required","valueSet":"http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1"}},
  {"path":"Patient.deceased[x]","min":0,"max":"1","type":[{"code":"boolean"},{"code":"dateTime"}]},
  {"path":"Patient.generalPractitioner","min":0,"max":"*","type":[{"code":"Reference","targetProfile":["http://hl7.org/fhir/StructureDefinition/Organization"]}]}]}}`

func TestBuildFromSyntheticPackages(t *testing.T) {
	examples := writeTGZ(t, map[string]string{
		"StructureDefinition-Patient.json":    patientSD,
		"StructureDefinition-us-profile.json": `{"resourceType":"StructureDefinition","url":"http://x.test/p","name":"P","type":"Patient","kind":"resource","derivation":"constraint","snapshot":{"element":[]}}`,
		"StructureDefinition-ext.json":        `{"resourceType":"StructureDefinition","url":"http://hl7.org/fhir/StructureDefinition/e","name":"e","type":"Extension","kind":"complex-type","derivation":"constraint","context":[{"type":"element","expression":"Patient"},{"type":"fhirpath","expression":"x"}],"snapshot":{"element":[]}}`,
		"Patient-example.json":                `{"resourceType":"Patient"}`,
	})
	expansions := writeTGZ(t, map[string]string{
		"ValueSet-administrative-gender.json": `{"resourceType":"ValueSet","url":"http://hl7.org/fhir/ValueSet/administrative-gender","name":"AdministrativeGender","expansion":{"contains":[{"system":"http://hl7.org/fhir/administrative-gender","code":"male"},{"system":"http://hl7.org/fhir/administrative-gender","code":"female"}]}}`,
		"ValueSet-unbound.json":               `{"resourceType":"ValueSet","url":"http://x.test/vs","expansion":{"contains":[{"system":"s","code":"c"}]}}`,
	})

	s, err := Build(examples, expansions)
	require.NoError(t, err)
	require.Len(t, s.Types, 1, "constraint profiles are not base types")
	p := s.Types[0]
	assert.Equal(t, "Patient", p.Name)
	assert.Equal(t, "DomainResource", p.Base)
	require.Len(t, p.Elements, 5)
	assert.Equal(t, Unbounded, p.Elements[0].Max)
	assert.Equal(t, "string", p.Elements[1].Types[0].Code, "FHIRPath system types map to FHIR names")
	assert.Equal(t, "http://hl7.org/fhir/ValueSet/administrative-gender", p.Elements[2].Binding.ValueSet, "version suffix removed")
	assert.Equal(t, []string{"Organization"}, p.Elements[4].Types[0].Targets)

	require.Len(t, s.ValueSets, 1, "only bound value sets are kept")
	assert.Equal(t, []Code{{"http://hl7.org/fhir/administrative-gender", "female"}, {"http://hl7.org/fhir/administrative-gender", "male"}}, s.ValueSets[0].Codes)
	require.Len(t, s.Extensions, 1)
	assert.Equal(t, []string{"Patient"}, s.Extensions[0].Contexts)

	first, err := Encode(s)
	require.NoError(t, err)
	second, err := Encode(s)
	require.NoError(t, err)
	assert.Equal(t, first, second, "encoding is deterministic")
	back, err := Decode(first)
	require.NoError(t, err)
	assert.Equal(t, s, back)
}

func TestBuildErrors(t *testing.T) {
	_, err := Build(filepath.Join(t.TempDir(), "missing.tgz"), "x")
	assert.ErrorContains(t, err, "open npm package")

	bad := writeTGZ(t, map[string]string{"StructureDefinition-x.json": `{"resourceType":`})
	_, err = Build(bad, bad)
	assert.ErrorContains(t, err, `parse "StructureDefinition-x.json"`)

	badMax := writeTGZ(t, map[string]string{"StructureDefinition-Patient.json": `{"resourceType":"StructureDefinition","url":"http://hl7.org/fhir/StructureDefinition/Patient","name":"Patient","type":"Patient","kind":"resource","derivation":"specialization","snapshot":{"element":[{"path":"Patient","max":"many"}]}}`})
	_, err = Build(badMax, badMax)
	assert.ErrorContains(t, err, `invalid max "many"`)

	empty := writeTGZ(t, map[string]string{"Patient-x.json": `{}`})
	_, err = Build(empty, empty)
	assert.ErrorContains(t, err, "no StructureDefinition found")

	_, err = Decode([]byte("not gzip"))
	assert.ErrorContains(t, err, "decode spec")
}
