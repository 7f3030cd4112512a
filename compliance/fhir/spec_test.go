package fhir

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/hms-enterprise/hmsci/compliance/fhir/internal/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEmbeddedSpecSanity checks the committed definitions without the npm
// packages: size, counts and a few known facts of FHIR R4.
func TestEmbeddedSpecSanity(t *testing.T) {
	assert.Less(t, len(specData), 2<<20, "embedded definitions should stay small")
	s, err := spec.Decode(specData)
	require.NoError(t, err)
	assert.Equal(t, "4.0.1", s.FHIRVersion)

	m, err := defaultModel()
	require.NoError(t, err)
	assert.Len(t, m.resources, 146, "FHIR R4 defines 146 concrete resource types")
	for _, name := range []string{"Element", "BackboneElement", "HumanName", "Quantity", "Extension", "string", "dateTime"} {
		assert.NotNil(t, m.types[name], name)
	}
	gender := m.types["Patient"].elements["Patient.gender"]
	require.NotNil(t, gender)
	require.NotNil(t, gender.Binding)
	assert.Equal(t, "required", gender.Binding.Strength)
	vs := m.valueSets[gender.Binding.ValueSet]
	require.NotNil(t, vs)
	assert.True(t, vs.codes["http://hl7.org/fhir/administrative-gender|female"])
	assert.Nil(t, m.valueSets["http://hl7.org/fhir/ValueSet/mimetypes"], "limited expansions must not be embedded")
	assert.NotEmpty(t, m.types["Patient"].root.Constraints)
}

// TestEmbeddedSpecMatchesGenerator rebuilds the definitions from the npm
// packages and compares bytes with the embedded file.
func TestEmbeddedSpecMatchesGenerator(t *testing.T) {
	dir := packageDir(t)
	s, err := spec.Build(filepath.Join(dir, spec.ExamplesPackage), filepath.Join(dir, spec.ExpansionsPackage))
	require.NoError(t, err)
	data, err := spec.Encode(s)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(data, specData), "r4.json.gz is stale: run go generate ./compliance/fhir/...")
}
