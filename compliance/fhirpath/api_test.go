package fhirpath_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

const patientJSON = `{
  "resourceType": "Patient",
  "id": "p1",
  "active": true,
  "birthDate": "1974-12-25",
  "_birthDate": {"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/patient-birthTime", "valueDateTime": "1974-12-25T14:35:45-05:00"}]},
  "name": [{"family": "Chalmers", "given": ["Peter", "James"], "_given": [null, {"id": "g2"}]}],
  "contained": [{"resourceType": "Organization", "id": "org1", "name": "Acme"}],
  "managingOrganization": {"reference": "#org1"},
  "multipleBirthInteger": 2,
  "text": {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Peter</p></div>"}
}`

func patientTree(t *testing.T) *fhirpath.Node {
	t.Helper()
	model, err := loadR4Model()
	require.NoError(t, err)
	root, err := fhirpath.FromJSON([]byte(patientJSON), model)
	require.NoError(t, err)
	return root
}

// evaluate evaluates an expression on root and returns the system values of the result.
func evaluate(t *testing.T, root *fhirpath.Node, expression string) fhirpath.Collection {
	t.Helper()
	model, err := loadR4Model()
	require.NoError(t, err)
	expr, err := fhirpath.Parse(expression)
	require.NoError(t, err, expression)
	result, err := expr.Evaluate(fhirpath.Collection{root}, &fhirpath.Environment{Resource: root, Model: model})
	require.NoError(t, err, expression)
	values := fhirpath.Collection{}
	for _, item := range result {
		value, ok := fhirpath.SystemValue(item)
		require.True(t, ok, "%s returned a primitive without a value", expression)
		values = append(values, value)
	}
	return values
}

func TestParseSyntaxErrorPosition(t *testing.T) {
	tests := []struct {
		expression   string
		line, column int
		message      string
	}{
		{"name.given.", 1, 12, "expected an identifier"},
		{"name.where(given = 'x'", 1, 23, `expected ")"`},
		{"name\n  .given + *", 2, 12, "expected an expression"},
		{"'unterminated", 1, 1, "unterminated string"},
		{"1 + /* open", 1, 5, "unterminated comment"},
		{"name # x", 1, 6, "unexpected character"},
		{"", 1, 1, "empty expression"},
		{"@2015-13-01", 1, 1, "invalid month"},
		{"$bogus", 1, 1, "unknown special variable"},
		{"9999999999", 1, 1, "out of range"},
	}
	for _, tt := range tests {
		_, err := fhirpath.Parse(tt.expression)
		var syntaxErr *fhirpath.SyntaxError
		require.ErrorAs(t, err, &syntaxErr, "%q", tt.expression)
		assert.Equal(t, tt.line, syntaxErr.Line, "line of %q", tt.expression)
		assert.Equal(t, tt.column, syntaxErr.Column, "column of %q", tt.expression)
		assert.Contains(t, syntaxErr.Error(), tt.message, "%q", tt.expression)
	}
}

func TestParseRejectsDeepNesting(t *testing.T) {
	_, err := fhirpath.Parse(strings.Repeat("(", 2000) + "1" + strings.Repeat(")", 2000))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nests deeper")
}

func TestFromJSONPrimitiveExtensions(t *testing.T) {
	root := patientTree(t)
	assert.Equal(t, fhirpath.Collection{true}, evaluate(t, root, "birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').exists()"))
	assert.Equal(t, fhirpath.Collection{int64(2)}, evaluate(t, root, "name.given.count()"))
	assert.Equal(t, fhirpath.Collection{"g2"}, evaluate(t, root, "name.given[1].id"))
	assert.Equal(t, fhirpath.Collection{true}, evaluate(t, root, "birthDate.hasValue()"))
	assert.Equal(t, fhirpath.Collection{true}, evaluate(t, root, "birthDate = @1974-12-25"))
}

func TestFromJSONChoiceTypes(t *testing.T) {
	root := patientTree(t)
	assert.Equal(t, fhirpath.Collection{true}, evaluate(t, root, "multipleBirth is integer"))
	assert.Equal(t, fhirpath.Collection{true}, evaluate(t, root, "multipleBirth = 2"))
	assert.Equal(t, fhirpath.Collection{false}, evaluate(t, root, "multipleBirth is boolean"))
	assert.Equal(t, fhirpath.Collection{false}, evaluate(t, root, "multipleBirthInteger.exists()"), "JSON names with a type suffix are not FHIRPath names")
	assert.Equal(t, fhirpath.Collection{int64(2)}, evaluate(t, root, "multipleBirth.ofType(integer)"))
}

func TestFromJSONWithoutModel(t *testing.T) {
	root, err := fhirpath.FromJSON([]byte(patientJSON), nil)
	require.NoError(t, err)
	assert.Equal(t, "Patient", root.Type)
	assert.Equal(t, fhirpath.Collection{true}, evaluate(t, root, "active"))
	assert.Equal(t, fhirpath.Collection{"Chalmers"}, evaluate(t, root, "name.family"))
	assert.Equal(t, fhirpath.Collection{"Organization"}, evaluate(t, root, "contained.type().name"))
}

func TestFromJSONErrors(t *testing.T) {
	tests := []struct {
		input   string
		message string
	}{
		{`{"resourceType": "Patient", "active": tru}`, "byte"},
		{`{"active": true}`, "no resourceType"},
		{`[1, 2]`, "expected a JSON object"},
		{`{"resourceType": "Patient"} {}`, "unexpected data"},
		{`{"resourceType": "Patient", "name": [[1]]}`, "nested array"},
		{`{"resourceType": "Patient", "_active": 3}`, "_active"},
		{`{"resourceType": "Patient", "id": "x"`, "byte"},
	}
	for _, tt := range tests {
		_, err := fhirpath.FromJSON([]byte(tt.input), nil)
		require.Error(t, err, tt.input)
		assert.Contains(t, err.Error(), tt.message, tt.input)
	}
}

func TestFromJSONRecordsOffsets(t *testing.T) {
	root := patientTree(t)
	active := root.Child("active")
	require.NotNil(t, active)
	assert.Equal(t, "true", patientJSON[active.Offset:active.Offset+4])
	assert.Same(t, root, active.Parent)
}

func TestFromValueSortsMapKeys(t *testing.T) {
	root, err := fhirpath.FromValue(map[string]any{"resourceType": "Patient", "id": "x", "active": false}, nil)
	require.NoError(t, err)
	require.Len(t, root.Children, 2)
	assert.Equal(t, "active", root.Children[0].Name)
	assert.Equal(t, "id", root.Children[1].Name)
}

func TestEvaluateBoolRules(t *testing.T) {
	root := patientTree(t)
	tests := []struct {
		expression string
		want       bool
		wantErr    bool
	}{
		{"active", true, false},
		{"active.not()", false, false},
		{"name.family", true, false},
		{"deceased", false, false},
		{"name.given", false, true},
		{"{}", false, false},
	}
	for _, tt := range tests {
		expr, err := fhirpath.Parse(tt.expression)
		require.NoError(t, err)
		got, err := expr.EvaluateBool(fhirpath.Collection{root}, &fhirpath.Environment{Resource: root})
		if tt.wantErr {
			assert.Error(t, err, tt.expression)
			continue
		}
		require.NoError(t, err, tt.expression)
		assert.Equal(t, tt.want, got, tt.expression)
	}
}

func TestEnvironmentVariables(t *testing.T) {
	root := patientTree(t)
	expr := fhirpath.MustParse("%resource.id & '|' & %rootResource.id & '|' & %context.id & '|' & %custom")
	env := &fhirpath.Environment{Resource: root, Variables: map[string]fhirpath.Collection{"custom": {"c"}}}
	result, err := expr.Evaluate(fhirpath.Collection{root}, env)
	require.NoError(t, err)
	assert.Equal(t, fhirpath.Collection{"p1|p1|p1|c"}, result)

	constants := map[string]string{
		"%ucum":                       "http://unitsofmeasure.org",
		"%sct":                        "http://snomed.info/sct",
		"%loinc":                      "http://loinc.org",
		"%`vs-administrative-gender`": "http://hl7.org/fhir/ValueSet/administrative-gender",
		"%`ext-patient-birthTime`":    "http://hl7.org/fhir/StructureDefinition/patient-birthTime",
	}
	for expression, want := range constants {
		assert.Equal(t, fhirpath.Collection{want}, evaluate(t, root, expression), expression)
	}

	_, err = fhirpath.MustParse("%undefined").Evaluate(fhirpath.Collection{root}, nil)
	assert.ErrorContains(t, err, "undefined environment variable %undefined")
}

func TestResolveContainedAndBundle(t *testing.T) {
	root := patientTree(t)
	assert.Equal(t, fhirpath.Collection{"Acme"}, evaluate(t, root, "managingOrganization.resolve().name"))

	bundle := `{"resourceType": "Bundle", "type": "collection", "entry": [
	  {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "id": "a", "generalPractitioner": [{"reference": "Practitioner/b"}], "link": [{"other": {"reference": "urn:uuid:1"}}]}},
	  {"fullUrl": "http://example.org/fhir/Practitioner/b", "resource": {"resourceType": "Practitioner", "id": "b", "active": true}}]}`
	model, err := loadR4Model()
	require.NoError(t, err)
	tree, err := fhirpath.FromJSON([]byte(bundle), model)
	require.NoError(t, err)
	assert.Equal(t, fhirpath.Collection{true}, evaluate(t, tree, "entry[0].resource.generalPractitioner.resolve().active"))
	assert.Equal(t, fhirpath.Collection{"a"}, evaluate(t, tree, "entry[0].resource.link.other.resolve().id"))
	assert.Empty(t, evaluate(t, tree, "entry[0].resource.generalPractitioner.resolve().where(id = 'zzz')"))

	custom := &fhirpath.Environment{Resolve: func(reference string, _ *fhirpath.Node) (*fhirpath.Node, error) {
		return nil, errors.New("no server for " + reference)
	}}
	_, err = fhirpath.MustParse("managingOrganization.resolve()").Evaluate(fhirpath.Collection{root}, custom)
	assert.ErrorContains(t, err, "no server for #org1")
}

func TestNotSupportedFunctions(t *testing.T) {
	root := patientTree(t)
	for _, expression := range []string{"conformsTo('http://hl7.org/fhir/StructureDefinition/Patient')", "gender.memberOf('http://hl7.org/fhir/ValueSet/administrative-gender')", "nosuchfunction()"} {
		_, err := fhirpath.MustParse(expression).Evaluate(fhirpath.Collection{root}, nil)
		assert.ErrorIs(t, err, fhirpath.ErrNotSupported, expression)
	}
}

func TestMemberOfHook(t *testing.T) {
	root, err := fhirpath.FromJSON([]byte(`{"resourceType": "Patient", "gender": "male", "maritalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "code": "M"}]}}`), nil)
	require.NoError(t, err)
	var calls []string
	env := &fhirpath.Environment{MemberOf: func(system, code, valueSet string) (bool, error) {
		calls = append(calls, system+"|"+code+"|"+valueSet)
		return code == "male", nil
	}}
	result, err := fhirpath.MustParse("gender.memberOf('http://vs/g')").Evaluate(fhirpath.Collection{root}, env)
	require.NoError(t, err)
	assert.Equal(t, fhirpath.Collection{true}, result)
	result, err = fhirpath.MustParse("maritalStatus.memberOf('http://vs/m')").Evaluate(fhirpath.Collection{root}, env)
	require.NoError(t, err)
	assert.Equal(t, fhirpath.Collection{false}, result)
	assert.Equal(t, []string{"|male|http://vs/g", "http://terminology.hl7.org/CodeSystem/v3-MaritalStatus|M|http://vs/m"}, calls)
}

func TestClockIsFixedPerEvaluation(t *testing.T) {
	instant := time.Date(2026, 3, 4, 5, 6, 7, 8_000_000, time.UTC)
	env := &fhirpath.Environment{Now: func() time.Time { return instant }}
	result, err := fhirpath.MustParse("today().toString() & ' ' & now().toString() & ' ' & (now() = now()).toString()").Evaluate(nil, env)
	require.NoError(t, err)
	assert.Equal(t, fhirpath.Collection{"2026-03-04 2026-03-04T05:06:07.008Z true"}, result)
}

func TestTraceHook(t *testing.T) {
	root := patientTree(t)
	var traced []string
	env := &fhirpath.Environment{Trace: func(name string, values fhirpath.Collection) {
		traced = append(traced, name)
		assert.Len(t, values, 2)
	}}
	result, err := fhirpath.MustParse("name.given.trace('given').count()").Evaluate(fhirpath.Collection{root}, env)
	require.NoError(t, err)
	assert.Equal(t, fhirpath.Collection{int64(2)}, result)
	assert.Equal(t, []string{"given"}, traced)
}

func TestEvaluationErrors(t *testing.T) {
	root := patientTree(t)
	tests := map[string]string{
		"name.given + 1":            "requires a single item",
		"'a' - 1":                   "cannot combine",
		"1 < 'a'":                   "cannot compare",
		"'abc'.matches('(')":        "invalid regular expression",
		"1.round(1000)":             "precision from 0 to 100",
		"$index":                    "only defined inside",
		"(1).repeat($this + 1)":     "repeat() produced more than",
		"substring(1, 2, 3)":        "takes 1 to 2 arguments",
		"@2015 + 1 'mo'":            "cannot add",
		"iif('x', 1, 2)":            "Boolean criterion",
		"Patient.gender.as(nosuch)": "unknown type",
	}
	for expression, message := range tests {
		model, err := loadR4Model()
		require.NoError(t, err)
		_, err = fhirpath.MustParse(expression).Evaluate(fhirpath.Collection{root}, &fhirpath.Environment{Model: model})
		var evalErr *fhirpath.EvalError
		require.ErrorAs(t, err, &evalErr, expression)
		assert.Contains(t, err.Error(), message, expression)
	}
}

func TestNarrativeChecks(t *testing.T) {
	valid := []string{
		`<div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>world</b></p></div>`,
		`<div xmlns="http://www.w3.org/1999/xhtml"><table><tr><td colspan="2">x</td></tr></table></div>`,
		`<div xmlns="http://www.w3.org/1999/xhtml"><img src="#pic" alt="x"/></div>`,
		`<div xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">&nbsp;a</div>`,
	}
	for _, xhtml := range valid {
		assert.NoError(t, fhirpath.CheckNarrative(xhtml), xhtml)
	}
	invalid := map[string]string{
		`<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></div>`:                          "<script>",
		`<div xmlns="http://www.w3.org/1999/xhtml"><p onclick="x()">a</p></div>`:                             "onclick",
		`<div xmlns="http://www.w3.org/1999/xhtml"><a href="javascript:x()">a</a></div>`:                     "javascript",
		`<div><p>no namespace</p></div>`:                                                                     "XHTML namespace",
		`<p xmlns="http://www.w3.org/1999/xhtml">a</p>`:                                                      "root must be a div",
		`<div xmlns="http://www.w3.org/1999/xhtml"><p>unclosed</div>`:                                        "not well-formed",
		`<div xmlns="http://www.w3.org/1999/xhtml">   </div>`:                                                "no text content",
		`<div xmlns="http://www.w3.org/1999/xhtml"><form><input/></form></div>`:                              "<form>",
		`<div xmlns="http://www.w3.org/1999/xhtml">a</div><div xmlns="http://www.w3.org/1999/xhtml">b</div>`: "more than one root",
	}
	for xhtml, message := range invalid {
		err := fhirpath.CheckNarrative(xhtml)
		require.Error(t, err, xhtml)
		assert.Contains(t, err.Error(), message, xhtml)
	}
	root := patientTree(t)
	assert.Equal(t, fhirpath.Collection{true}, evaluate(t, root, "text.div.htmlChecks()"))
}

func TestExternalConstantDashedNames(t *testing.T) {
	root := patientTree(t)
	assert.Equal(t, fhirpath.Collection{"http://hl7.org/fhir/ValueSet/administrative-gender"}, evaluate(t, root, "%vs-administrative-gender"))
	assert.Equal(t, fhirpath.Collection{"http://hl7.org/fhir/StructureDefinition/patient-birthTime"}, evaluate(t, root, "%ext-patient-birthTime"))
	env := &fhirpath.Environment{Variables: map[string]fhirpath.Collection{"a": {int64(5)}}}
	result, err := fhirpath.MustParse("%a-1").Evaluate(nil, env)
	require.NoError(t, err)
	assert.Equal(t, fhirpath.Collection{int64(4)}, result, "only %vs- and %ext- names contain dashes")
}

func TestConcurrentEvaluation(t *testing.T) {
	root := patientTree(t)
	expr := fhirpath.MustParse("name.given.where($this.startsWith('P')).count() + contained.count()")
	done := make(chan fhirpath.Collection, 8)
	for i := 0; i < 8; i++ {
		go func() {
			result, err := expr.Evaluate(fhirpath.Collection{root}, &fhirpath.Environment{Resource: root})
			assert.NoError(t, err)
			done <- result
		}()
	}
	for i := 0; i < 8; i++ {
		assert.Equal(t, fhirpath.Collection{int64(2)}, <-done)
	}
}

func TestQuantityUnitConversion(t *testing.T) {
	tests := map[string]bool{
		"2 'mg/dL' = 20 'mg/L'":                 true,
		"1 'g' + 500 'mg' = 1.5 'g'":            true,
		"(1 'mg/dL' + 1 'mg/L').unit = 'mg/dL'": true,
		"1 'mg/dL' + 1 'mg/L' = 1.1 'mg/dL'":    true,
		"2.0 'cm' * 2.0 'm' = 0.040 'm2'":       true,
		"60 'min' = 1 'h'":                      true,
		"1 '/min' = 60 '/h'":                    true,
		"5 '10*3/uL' = 5000 '/uL'":              true,
		"72 '{beats}/min' = 72 '/min'":          true,
		"1 '[in_i]' = 2.54 'cm'":                true,
		"1 'kg' = 1 'm'":                        false,
		"(1 'kg').toQuantity('g') = 1000 'g'":   true,
		"1 year = 1 'a'":                        false,
	}
	for expression, want := range tests {
		result, err := fhirpath.MustParse(expression).Evaluate(nil, nil)
		require.NoError(t, err, expression)
		if expression == "1 year = 1 'a'" {
			assert.Empty(t, result, "calendar years and UCUM years are not comparable")
			continue
		}
		assert.Equal(t, fhirpath.Collection{want}, result, expression)
	}
	_, err := fhirpath.MustParse("1 'kg' + 1 'm'").Evaluate(nil, nil)
	assert.ErrorContains(t, err, `cannot combine units "kg" and "m"`)
}

func TestIntegerOverflowIsEmpty(t *testing.T) {
	tests := map[string]fhirpath.Collection{
		"9223372036854775807L + 1":  {},
		"-9223372036854775807L - 2": {},
		"4611686018427387904L * 2":  {},
		"2.power(62)":               {int64(4611686018427387904)},
		"2.power(64)":               {},
		"(-1).power(65)":            {int64(-1)},
		"3 + 4 * 2":                 {int64(11)},
	}
	for expression, want := range tests {
		result, err := fhirpath.MustParse(expression).Evaluate(nil, nil)
		require.NoError(t, err, expression)
		assert.Equal(t, want, result, expression)
	}
}

func TestTypeSuffixIsNotChoiceName(t *testing.T) {
	// TestScript assert has the elements response (a code) and responseCode (a string); the
	// name responseCode must not also select response.
	model, err := loadR4Model()
	require.NoError(t, err)
	root, err := fhirpath.FromJSON([]byte(`{"resourceType": "TestScript", "setup": {"action": [{"assert": {"response": "okay"}}]}}`), model)
	require.NoError(t, err)
	assert.Equal(t, fhirpath.Collection{int64(0)}, evaluate(t, root, "setup.action.assert.responseCode.count()"))
	assert.Equal(t, fhirpath.Collection{int64(1)}, evaluate(t, root, "setup.action.assert.response.count()"))
}
