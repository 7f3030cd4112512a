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

func readExample(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "examples", name))
	require.NoError(t, err)
	return string(data)
}

func errorIssues(o *Outcome) []Issue {
	var out []Issue
	for _, is := range o.Issues {
		if is.Severity.IsError() {
			out = append(out, is)
		}
	}
	return out
}

// TestExampleSubsetConformant checks the committed subset of the official
// examples, so the evidence runs without the npm package.
func TestExampleSubsetConformant(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "examples"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(entries), 40)
	types := map[string]bool{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "examples", e.Name()))
		require.NoError(t, err)
		out := ValidateBytesWithOptions(e.Name(), data, Options{AllowExampleURLs: true})
		assert.Empty(t, errorIssues(out), "%s", e.Name())
		assert.GreaterOrEqual(t, out.Resources, 1, e.Name())
		types[strings.SplitN(e.Name(), "-", 2)[0]] = true
	}
	assert.GreaterOrEqual(t, len(types), 35, "subset should cover many resource types")
}

// TestInvalidVariants breaks one thing in a real example and expects the
// matching issue at the matching path.
func TestInvalidVariants(t *testing.T) {
	obs := readExample(t, "Observation-example.json")
	pat := readExample(t, "Patient-example.json")
	tests := []struct {
		name, base, old, new   string
		rule, expression, text string
	}{
		{"wrong type", obs, `"value": 185,`, `"value": "185",`, RuleJSON, "Observation.value.ofType(Quantity).value", "must be a JSON number"},
		{"missing required element", obs, `"status": "final",`, ``, RuleCardinality, "Observation", "Observation.status: minimum required = 1"},
		{"bad code", pat, `"gender": "male",`, `"gender": "boy",`, RuleBinding, "Patient.gender", "AdministrativeGender"},
		{"broken reference", obs, `"reference": "Patient/example"`, `"reference": "Patient/ex ample"`, RuleReference, "Observation.subject.reference", "invalid reference"},
		{"wrong reference target", obs, `"reference": "Patient/example"`, `"reference": "Medication/example"`, RuleReference, "Observation.subject.reference", "target type Medication"},
		{"bad LOINC check digit", obs, `"code": "29463-7"`, `"code": "29463-8"`, RuleTerminology, "Observation.code.coding[0].code", "LOINC"},
		{"bad SNOMED check digit", obs, `"code": "27113001"`, `"code": "27113002"`, RuleTerminology, "Observation.code.coding[2].code", "Verhoeff"},
		{"unknown element", obs, `"status": "final",`, `"status": "final", "severity": "high",`, RuleStructure, "Observation", `unrecognized property "severity"`},
		{"choice suffix not allowed", obs, `"valueQuantity": {`, `"valueMoney": {`, RuleStructure, "Observation", `unrecognized property "valueMoney"`},
		{"single value as array", obs, `"effectiveDateTime": "2016-03-28",`, `"effectiveDateTime": ["2016-03-28"],`, RuleJSON, "Observation.effective.ofType(dateTime)", "single value"},
		{"array as single value", pat, `"active": true,`, `"active": true, "photo": {"contentType": "image/png"},`, RuleJSON, "Patient.photo", "must be a JSON array"},
		{"bad date", pat, `"birthDate": "1974-12-25",`, `"birthDate": "1974-13-25",`, RuleDatatype, "Patient.birthDate", "invalid date"},
		{"dateTime without timezone", obs, `"effectiveDateTime": "2016-03-28",`, `"effectiveDateTime": "2016-03-28T10:00:00",`, RuleDatatype, "Observation.effective.ofType(dateTime)", "timezone"},
		{"empty string", pat, `"gender": "male",`, `"gender": "",`, RuleJSON, "Patient.gender", "empty string"},
		{"empty object", obs, `"encounter": {
    "reference": "Encounter/example"
  },`, `"encounter": {},`, RuleJSON, "Observation.encounter", "empty object"},
		{"empty array", pat, `"active": true,`, `"active": true, "photo": [],`, RuleJSON, "Patient.photo", "cannot be empty"},
		{"duplicate key", obs, `"status": "final",`, `"status": "final", "status": "final",`, RuleJSON, "", "duplicate property"},
		{"unknown resource type", obs, `"resourceType": "Observation"`, `"resourceType": "Observatio"`, RuleStructure, "", "unknown resourceType"},
		{"narrative script", pat, `<div xmlns=\"http://www.w3.org/1999/xhtml\">`, `<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>x()</script>`, RuleNarrative, "Patient.text.div", "<script>"},
		{"null outside primitive array", pat, `"active": true,`, `"active": null,`, RuleJSON, "Patient.active", "null"},
		{"invariant", obs, `"status": "final",`, `"status": "final", "referenceRange": [{"text": ""}],`, RuleJSON, "Observation.referenceRange[0].text", "empty string"},
		{"invariant obs-7", obs, `"status": "final",`, `"status": "final", "component": [{"code": {"text": "weight"}, "valueString": "x"}], `, "", "", ""},
		{"unknown extension", pat, `"active": true,`, `"active": true, "extension": [{"url": "http://hospital.test/ext/x", "valueString": "y"}],`, RuleExtension, "Patient.extension[0]", "not defined in FHIR R4 core"},
		{"extension outside context", pat, `"use": "official",`, `"use": "official", "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/humanname-mothers-family", "valueString": "y"}],`, RuleExtension, "Patient.name[0].extension[0]", "HumanName.family"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, tt.base, tt.old, "test setup: replaced text must exist")
			data := strings.Replace(tt.base, tt.old, tt.new, 1)
			out := ValidateBytesWithOptions(tt.name+".json", []byte(data), Options{AllowExampleURLs: true})
			if tt.rule == "" {
				// obs-7 needs a value on the component: the example is
				// still valid, which proves the invariant ran without error.
				assert.Empty(t, errorIssues(out))
				assert.Greater(t, out.InvariantsEvaluated, 0)
				return
			}
			found := false
			for _, is := range errorIssues(out) {
				if is.Rule == tt.rule && is.Expression == tt.expression && strings.Contains(is.Message, tt.text) {
					found = true
					assert.Greater(t, is.Line, 0, "issue must carry a line")
				}
			}
			assert.True(t, found, "want %s at %q containing %q; got %+v", tt.rule, tt.expression, tt.text, out.Issues)
		})
	}
}

// TestInvariantFromDefinitions runs a resource-specific FHIRPath invariant
// of the base definitions.
func TestInvariantFromDefinitions(t *testing.T) {
	data := []byte(`{"resourceType":"RiskAssessment","status":"final","subject":{"reference":"Patient/1"},
  "prediction":[{"outcome":{"text":"x"},"probabilityDecimal":101}]}`)
	out := ValidateBytes("ra.json", data)
	var keys []string
	for _, is := range errorIssues(out) {
		keys = append(keys, is.Key)
		if is.Key == "ras-2" {
			assert.Equal(t, "RiskAssessment.prediction[0]", is.Expression)
			assert.Equal(t, RuleInvariant, is.Rule)
		}
	}
	assert.Contains(t, keys, "ras-2")
	assert.Greater(t, out.InvariantsEvaluated, 0)
}

func TestPHIValuesMasked(t *testing.T) {
	pat := readExample(t, "Patient-example.json")
	tests := []struct{ name, old, new, secret string }{
		{"birth date", `"birthDate": "1974-12-25",`, `"birthDate": "25/12/1974",`, "25/12/1974"},
		{"family name", `"family": "Chalmers",`, `"family": "",`, "Chalmers"},
		{"identifier", `"value": "12345",`, `"value": "   ",`, "12345"},
		{"npi identifier", `"system": "urn:oid:1.2.36.146.595.217.0.1",
      "value": "12345",`, `"system": "http://hl7.org/fhir/sid/us-npi",
      "value": "1234567890",`, "1234567890"},
		{"telecom", `"value": "(03) 5555 6473",`, `"value": "(03) 5555 6473 ",`, "5555 6473"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, pat, tt.old)
			out := ValidateBytesWithOptions("p.json", []byte(strings.Replace(pat, tt.old, tt.new, 1)), Options{StrictIdentifiers: true})
			for _, is := range out.Issues {
				assert.NotContains(t, is.Message, tt.secret, "issue %s at %s echoes PHI", is.Rule, is.Expression)
			}
		})
	}
	// The masked birth date still produces its issue.
	out := ValidateBytes("p.json", []byte(strings.Replace(pat, `"birthDate": "1974-12-25",`, `"birthDate": "25/12/1974",`, 1)))
	found := false
	for _, is := range out.Issues {
		if is.Expression == "Patient.birthDate" && strings.Contains(is.Message, "masked") {
			found = true
		}
	}
	assert.True(t, found, "bad birthDate must be reported with a masked value: %+v", out.Issues)
}

func TestBundleRules(t *testing.T) {
	tests := []struct {
		name, bundle, text string
	}{
		{"document without composition first", `{"resourceType":"Bundle","type":"document","identifier":{"system":"urn:ietf:rfc:3986","value":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0"},"timestamp":"2020-01-01T00:00:00Z",
		  "entry":[{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1","resource":{"resourceType":"Patient","id":"p"}}]}`, "bdl-11"},
		{"transaction without request", `{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1","resource":{"resourceType":"Patient"}}]}`, "bdl-3"},
		{"search outside searchset", `{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1","resource":{"resourceType":"Patient"},"search":{"mode":"match"}}]}`, "bdl-2"},
		{"duplicate fullUrl", `{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1","resource":{"resourceType":"Patient"}},{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1","resource":{"resourceType":"Patient"}}]}`, "bdl-7"},
		{"relative fullUrl", `{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"Patient/1","resource":{"resourceType":"Patient","id":"1"}}]}`, "absolute URL"},
		{"unresolved urn:uuid in transaction", `{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e9"}},"request":{"method":"POST","url":"Observation"}}]}`, "does not resolve"},
		{"searchset match without id", `{"resourceType":"Bundle","type":"searchset","entry":[{"fullUrl":"http://x.test/fhir/Patient/1","resource":{"resourceType":"Patient"},"search":{"mode":"match"}}]}`, "must have an id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := ValidateBytes("b.json", []byte(tt.bundle))
			var msgs []string
			for _, is := range errorIssues(out) {
				msgs = append(msgs, is.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tt.text)
		})
	}

	ok := `{"resourceType":"Bundle","type":"transaction","entry":[
	  {"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
	  {"fullUrl":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e2","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e1"}},"request":{"method":"POST","url":"Observation"}}]}`
	out := ValidateBytes("ok.json", []byte(ok))
	assert.Empty(t, errorIssues(out))
	assert.Equal(t, 3, out.Resources)
}

func TestJSONSyntaxPositions(t *testing.T) {
	tests := []struct {
		name, input string
		line, col   int
		text        string
	}{
		{"unexpected close", "{\n  \"a\": [1,\n  2}\n", 3, 4, "expected ',' or ']'"},
		{"comment", "{\n  // note\n  \"a\": 1}", 2, 3, "comments"},
		{"trailing comma", `{"a": 1,}`, 1, 9, "trailing comma"},
		{"unterminated string", `{"a": "x`, 1, 9, "unterminated"},
		{"leading zero", `{"a": 01}`, 1, 7, "leading zero"},
		{"bad literal", `{"a": tru}`, 1, 7, "invalid literal"},
		{"trailing content", `{} x`, 1, 4, "after the end"},
		{"empty", ``, 1, 1, "empty document"},
		{"unicode column", "{\"ä\": \"é\", x}", 1, 12, "property name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ParseJSON([]byte(tt.input))
			var se *SyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tt.line, se.Line, "line")
			assert.Equal(t, tt.col, se.Col, "column")
			assert.Contains(t, se.Msg, tt.text)
		})
	}

	v, dups, err := ParseJSON([]byte("{\"a\": \"\\u00e9\\ud83d\\ude00\", \"a\": [true, null, -1.5e3]}"))
	require.NoError(t, err)
	assert.Equal(t, "é😀", v.Members[0].Value.Text)
	assert.Equal(t, "-1.5e3", v.Members[1].Value.Items[2].Text)
	require.Len(t, dups, 1)
	assert.Equal(t, "a", dups[0].Key)
	assert.Equal(t, 29, dups[0].Col)
}

func TestFatalSyntaxOutcome(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "fhir-test-cases", "cases", "bad-json-close-1.json"))
	require.NoError(t, err)
	out := ValidateBytes("bad.json", data)
	require.Len(t, out.Issues, 1)
	assert.Equal(t, SeverityFatal, out.Issues[0].Severity)
	assert.Equal(t, 15, out.Issues[0].Line)
	assert.Contains(t, out.Issues[0].Diagnostics(), "line 15, col")
}

func TestValidateTreeGlobsAndNDJSON(t *testing.T) {
	root := t.TempDir()
	obs := readExample(t, "Observation-example.json")
	write := func(rel, content string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	write("fhir/good.json", obs)
	write("fhir/bad.json", strings.Replace(obs, `"status": "final",`, ``, 1))
	write("fhir/lines.ndjson", `{"resourceType":"Patient","gender":"male"}`+"\n\n"+`{"resourceType":"Patient","gender":"boy"}`+"\n")
	write("legacy/old.json", `{"resourceType":"Nope"}`)
	write("package.json", `{"name":"app"}`)

	rep, err := ValidateTree(context.Background(), root, Options{
		Include:          []string{"fhir/**", "legacy/**"},
		Exclude:          []string{"legacy/**"},
		Blocking:         []string{"fhir/good.json", "fhir/*.ndjson"},
		AllowExampleURLs: true,
	})
	require.NoError(t, err)
	var files []string
	for _, o := range rep.Outcomes {
		files = append(files, o.File)
	}
	assert.Equal(t, []string{"fhir/bad.json", "fhir/good.json", "fhir/lines.ndjson:1", "fhir/lines.ndjson:3"}, files)
	assert.InDelta(t, 0.5, rep.Conformance(), 1e-9)
	assert.Equal(t, 2, rep.Errors())
	assert.Equal(t, 1, rep.BlockingErrors(), "only the NDJSON error is in a blocking path")
	assert.Equal(t, 4, rep.Resources())

	lines := map[string]int{}
	for _, o := range rep.Outcomes {
		if strings.HasPrefix(o.File, "fhir/lines.ndjson:") {
			lines[o.File] = len(o.Issues)
		}
	}
	findings := rep.Findings()
	require.Len(t, findings, len(rep.Outcomes[0].Issues)+len(rep.Outcomes[1].Issues)+len(rep.Outcomes[2].Issues)+len(rep.Outcomes[3].Issues))
	for _, f := range findings {
		assert.Equal(t, Tool, f.Tool)
		assert.NotEmpty(t, f.Fingerprint)
		if f.Path == "fhir/lines.ndjson" {
			assert.Contains(t, []int{1, 3}, f.Line, "an NDJSON finding points at its line")
		}
	}

	_, err = ValidateTree(context.Background(), root, Options{Include: []string{"[bad"}})
	assert.ErrorContains(t, err, `invalid FHIR path glob "[bad"`)
	_, err = ValidateTree(context.Background(), filepath.Join(root, "missing"), Options{})
	assert.Error(t, err)
}

func TestReportRenderers(t *testing.T) {
	rep := &Report{Root: ".", Blocking: map[string]bool{"a.json": true}, Outcomes: []*Outcome{
		ValidateBytes("a.json", []byte(`{"resourceType":"Patient","gender":"boy"}`)),
	}}
	var sarif bytes.Buffer
	require.NoError(t, rep.WriteSARIF(&sarif))
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
				Level  string `json:"level"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal(sarif.Bytes(), &log))
	assert.Equal(t, "2.1.0", log.Version)
	require.Len(t, log.Runs, 1)
	assert.Equal(t, Tool, log.Runs[0].Tool.Driver.Name)
	levels := map[string]string{}
	for _, r := range log.Runs[0].Results {
		levels[r.RuleID] = r.Level
	}
	assert.Equal(t, "error", levels[RuleBinding])
	assert.Equal(t, "warning", levels[RuleInvariant], "dom-6 is a warning")

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js))
	assert.Contains(t, js.String(), `"resourceType": "OperationOutcome"`)
	assert.Contains(t, js.String(), `"expression": [`)
	assert.Contains(t, js.String(), `line 1, col`)

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "a.json:1:")
	assert.Contains(t, text.String(), "1 file with 1 resource: 0 of 1 file conformant (0.0 %)")
}

func TestBase64Check(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"aGVsbG8=", true},
		{"aGVs\nbG8=", true},
		{"aGVsbG8", false},
		{"%%%2@()()", false},
		{"aGV=sbG8", false},
		{"aG===", false},
		{"", true},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, validBase64(tt.in), tt.in)
	}
}

func TestValidateTreeCancelled(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "p.json"), []byte(`{"resourceType":"Patient"}`), 0o644))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ValidateTree(ctx, root, Options{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestValidateTreeManyFilesOrdered(t *testing.T) {
	root := t.TempDir()
	for i := range 40 {
		name := filepath.Join(root, "p"+strings.Repeat("x", i%3)+string(rune('a'+i%26))+itoa(i)+".json")
		require.NoError(t, os.WriteFile(name, []byte(`{"resourceType":"Patient","gender":"male"}`), 0o644))
	}
	rep, err := ValidateTree(context.Background(), root, Options{})
	require.NoError(t, err)
	require.Len(t, rep.Outcomes, 40)
	for i := 1; i < len(rep.Outcomes); i++ {
		assert.Less(t, rep.Outcomes[i-1].File, rep.Outcomes[i].File)
	}
	assert.InDelta(t, 1.0, rep.Conformance(), 1e-9)
}

func TestOptionsChangeSeverities(t *testing.T) {
	marital := []byte(`{"resourceType":"Patient","maritalStatus":{"coding":[{"system":"http://hospital.test/marital","code":"X"}]}}`)
	ext := []byte(`{"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-race","valueString":"x"}]}`)
	exampleExt := []byte(`{"resourceType":"Patient","extension":[{"url":"http://example.org/fhir/ext","valueString":"x"}]}`)
	npi := []byte(`{"resourceType":"Practitioner","identifier":[{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567890"}]}`)
	tests := []struct {
		name string
		data []byte
		opts Options
		rule string
		want Severity
	}{
		{"extensible binding warns", marital, Options{}, RuleBinding, SeverityWarning},
		{"extensible binding as error", marital, Options{ExtensibleAsError: true}, RuleBinding, SeverityError},
		{"unknown extension errors", ext, Options{}, RuleExtension, SeverityError},
		{"allowed extension prefix", ext, Options{AllowedExtensions: []string{"http://hl7.org/fhir/us/core/"}}, RuleExtension, ""},
		{"example extension warns", exampleExt, Options{}, RuleExtension, SeverityWarning},
		{"bad NPI warns", npi, Options{}, RuleTerminology, SeverityWarning},
		{"bad NPI strict", npi, Options{StrictIdentifiers: true}, RuleTerminology, SeverityError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := ValidateBytesWithOptions("o.json", tt.data, tt.opts)
			var got Severity
			for _, is := range out.Issues {
				if is.Rule == tt.rule {
					got = is.Severity
				}
			}
			assert.Equal(t, tt.want, got, "%+v", out.Issues)
		})
	}
}

func TestNarrativeChecks(t *testing.T) {
	tests := []struct{ name, div, want string }{
		{"valid", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>ok &amp; fine &#169;</p></div>`, ""},
		{"missing namespace", `<div><p>x</p></div>`, "XHTML namespace"},
		{"not a div", `<p xmlns=\"http://www.w3.org/1999/xhtml\">x</p>`, "must start with a <div>"},
		{"unclosed element", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</div>`, "not well-formed"},
		{"unclosed div", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p>`, "not closed"},
		{"html entity", `<div xmlns=\"http://www.w3.org/1999/xhtml\">&reg;</div>`, "not well-formed"},
		{"content after div", `<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div><p>y</p>`, "outside its <div>"},
		{"xml declaration", `<?xml version=\"1.0\"?><div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>`, "must start with a <div>"},
		{"comment and cdata", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><!-- c --><![CDATA[a < b]]><br/><img src='a.png' alt=\"&lt;x&gt;\"/></div>`, ""},
		{"hex character reference", `<div xmlns=\"http://www.w3.org/1999/xhtml\">&#xA9;&#x1F600;</div>`, ""},
		{"invalid character reference", `<div xmlns=\"http://www.w3.org/1999/xhtml\">&#0;</div>`, "invalid character entity"},
		{"bare ampersand", `<div xmlns=\"http://www.w3.org/1999/xhtml\">a & b</div>`, "not well-formed"},
		{"bare less-than", `<div xmlns=\"http://www.w3.org/1999/xhtml\">a < b</div>`, "not well-formed"},
		{"unquoted attribute", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><p class=x>a</p></div>`, "unquoted"},
		{"repeated attribute", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><p class=\"a\" class=\"b\">a</p></div>`, "repeated"},
		{"processing instruction", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><?php x ?></div>`, "processing instruction"},
		{"text after div", `<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div> tail`, "outside its <div>"},
		{"script", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div>`, "<script>"},
		{"event attribute", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><p onclick=\"x()\">x</p></div>`, "event attribute"},
		{"javascript url", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><a href=\" javascript:x()\">x</a></div>`, "javascript:"},
		{"doctype", `<div xmlns=\"http://www.w3.org/1999/xhtml\"><!DOCTYPE html>x</div>`, "directive"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := `{"resourceType":"Basic","code":{"text":"x"},"text":{"status":"generated","div":"` + tt.div + `"}}`
			out := ValidateBytes("n.json", []byte(data))
			var msgs []string
			for _, is := range out.Issues {
				if is.Rule == RuleNarrative {
					msgs = append(msgs, is.Message)
					assert.Equal(t, "Basic.text.div", is.Expression)
				}
			}
			if tt.want == "" {
				assert.Empty(t, msgs)
				return
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tt.want)
		})
	}
}
