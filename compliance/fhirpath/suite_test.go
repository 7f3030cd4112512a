package fhirpath_test

import (
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

// minSuitePassed is the number of official test cases that passed when this engine was last
// changed. The suite test fails below it, so a change that breaks a case is noticed.
const minSuitePassed = 908

// suiteSkips are cases whose JSON input differs from the XML input the case was written for.
var suiteSkips = map[string]string{
	"testFHIRPathIsFunction8":  "observation-example.json lacks the patient-age extension of the XML form",
	"testFHIRPathIsFunction9":  "observation-example.json lacks the patient-age extension of the XML form",
	"testFHIRPathIsFunction10": "observation-example.json lacks the patient-age extension of the XML form",
}

type suiteFile struct {
	Groups []struct {
		Name  string      `xml:"name,attr"`
		Tests []suiteCase `xml:"test"`
	} `xml:"group"`
}

type suiteCase struct {
	Name       string `xml:"name,attr"`
	InputFile  string `xml:"inputfile,attr"`
	Predicate  string `xml:"predicate,attr"`
	Mode       string `xml:"mode,attr"`
	Expression struct {
		Text    string `xml:",chardata"`
		Invalid string `xml:"invalid,attr"`
	} `xml:"expression"`
	Outputs []struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	} `xml:"output"`
}

// suiteOutcome is the result of one case: passed, failed with a reason, or skipped.
type suiteOutcome struct {
	passed  bool
	skipped string
	failure string
}

func TestOfficialSuite(t *testing.T) {
	const dir = "testdata/fhirpath-suite"
	data, err := os.ReadFile(filepath.Join(dir, "tests-fhir-r4.xml"))
	require.NoError(t, err)
	var suite suiteFile
	require.NoError(t, xml.Unmarshal(data, &suite))
	model, err := loadR4Model()
	require.NoError(t, err)

	inputs := map[string]*fhirpath.Node{}
	passed, failed, skipped := 0, 0, 0
	skipReasons := map[string]int{}
	for _, group := range suite.Groups {
		for _, tc := range group.Tests {
			outcome := runSuiteCase(t, dir, tc, model, inputs)
			switch {
			case outcome.skipped != "":
				skipped++
				skipReasons[outcome.skipped]++
			case outcome.passed:
				passed++
			default:
				failed++
				if testing.Verbose() {
					t.Logf("FAIL %s/%s: %s: %s", group.Name, tc.Name, strings.TrimSpace(tc.Expression.Text), outcome.failure)
				}
			}
		}
	}
	total := passed + failed + skipped
	t.Logf("official FHIRPath suite: %d passed / %d total (%d failed, %d skipped)", passed, total, failed, skipped)
	for reason, count := range skipReasons {
		t.Logf("skipped %d: %s", count, reason)
	}
	require.GreaterOrEqual(t, passed, minSuitePassed, "fewer official cases pass than before")
}

func runSuiteCase(t *testing.T, dir string, tc suiteCase, model fhirpath.Model, inputs map[string]*fhirpath.Node) suiteOutcome {
	t.Helper()
	if reason, ok := suiteSkips[tc.Name]; ok {
		return suiteOutcome{skipped: reason}
	}
	inputCollection := fhirpath.Collection{}
	var input *fhirpath.Node
	if tc.InputFile != "" {
		var skip string
		input, skip = suiteInput(dir, tc.InputFile, model, inputs)
		if skip != "" {
			return suiteOutcome{skipped: skip}
		}
		inputCollection = fhirpath.Collection{input}
	}
	expr, err := fhirpath.Parse(tc.Expression.Text)
	if tc.Expression.Invalid != "" {
		if err != nil {
			return suiteOutcome{passed: true}
		}
		_, err = expr.Evaluate(inputCollection, suiteEnvironment(input, model))
		if err != nil {
			return suiteOutcome{passed: true}
		}
		return suiteOutcome{failure: "expected an error (" + tc.Expression.Invalid + "), found none"}
	}
	if err != nil {
		return suiteOutcome{failure: err.Error()}
	}
	env := suiteEnvironment(input, model)
	var result fhirpath.Collection
	if tc.Predicate == "true" {
		ok, err := expr.EvaluateBool(inputCollection, env)
		if err != nil {
			return suiteOutcome{failure: err.Error()}
		}
		result = fhirpath.Collection{ok}
	} else {
		result, err = expr.Evaluate(inputCollection, env)
		if err != nil {
			return suiteOutcome{failure: err.Error()}
		}
	}
	if len(result) != len(tc.Outputs) {
		return suiteOutcome{failure: fmt.Sprintf("expected %d items, found %d: %s", len(tc.Outputs), len(result), describe(result))}
	}
	for i, want := range tc.Outputs {
		if reason := compareOutput(result[i], want.Type, strings.TrimSpace(want.Value)); reason != "" {
			return suiteOutcome{failure: fmt.Sprintf("item %d: %s", i, reason)}
		}
	}
	return suiteOutcome{passed: true}
}

func suiteEnvironment(input *fhirpath.Node, model fhirpath.Model) *fhirpath.Environment {
	if input == nil {
		return &fhirpath.Environment{Model: model}
	}
	return &fhirpath.Environment{
		Resource: input,
		Model:    model,
		Now:      func() time.Time { return time.Now() },
	}
}

func suiteInput(dir, name string, model fhirpath.Model, cache map[string]*fhirpath.Node) (*fhirpath.Node, string) {
	jsonName := name
	if base, ok := strings.CutSuffix(name, ".xml"); ok {
		jsonName = base + ".json"
	}
	if node, ok := cache[jsonName]; ok {
		return node, ""
	}
	data, err := os.ReadFile(filepath.Join(dir, jsonName))
	if errors.Is(err, os.ErrNotExist) {
		return nil, "input " + name + " exists only as XML, which this engine does not read"
	}
	if err != nil {
		return nil, err.Error()
	}
	node, err := fhirpath.FromJSON(data, model)
	if err != nil {
		return nil, "input " + jsonName + ": " + err.Error()
	}
	cache[jsonName] = node
	return node, ""
}

func describe(c fhirpath.Collection) string {
	parts := make([]string, 0, len(c))
	for _, item := range c {
		parts = append(parts, fmt.Sprintf("%v", displayValue(item)))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func displayValue(item any) any {
	if node, ok := item.(*fhirpath.Node); ok {
		if node.Value != nil {
			return node.Value
		}
		return node.Type + " " + node.Name
	}
	return item
}

// compareOutput checks one result item against an expected <output>; it returns "" on a match.
func compareOutput(item any, typ, want string) string {
	value := item
	if node, ok := item.(*fhirpath.Node); ok {
		if node.Value == nil {
			return fmt.Sprintf("expected %s %q, found element %s", typ, want, node.Name)
		}
		value = node.Value
	}
	got := fmt.Sprint(value)
	if rest, ok := strings.CutPrefix(want, "@"); ok && typ == "" {
		want = strings.TrimPrefix(rest, "T")
		got = strings.TrimPrefix(got, "T")
	}
	switch typ {
	case "date", "dateTime", "time":
		want = strings.TrimPrefix(strings.TrimPrefix(want, "@"), "T")
		got = strings.TrimPrefix(got, "T")
	case "decimal", "":
		wantNumber, err1 := fhirpath.ParseDecimal(want)
		gotNumber, err2 := fhirpath.ParseDecimal(got)
		if err1 == nil && err2 == nil && wantNumber.Cmp(gotNumber) == 0 {
			return ""
		}
	}
	if got != want {
		return fmt.Sprintf("expected %s %q, found %q", typ, want, got)
	}
	return ""
}
