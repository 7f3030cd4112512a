package fhirpath_test

import (
	"os"
	"testing"

	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

// benchInvariants are R4 invariants of Patient and its elements: ele-1, dom-2, dom-3,
// dom-6, txt-1 (via htmlChecks) and pat-1.
var benchInvariants = []string{
	"hasValue() or (children().count() > id.count())",
	"contained.contained.empty()",
	"contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()",
	"text.`div`.exists()",
	"text.div.htmlChecks()",
	"contact.all(name.exists() or telecom.exists() or address.exists() or organization.exists())",
}

func BenchmarkParseInvariant(b *testing.B) {
	for b.Loop() {
		for _, expression := range benchInvariants {
			if _, err := fhirpath.Parse(expression); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkEvaluateInvariants evaluates the parsed invariants on the official Patient example.
func BenchmarkEvaluateInvariants(b *testing.B) {
	data, err := os.ReadFile("testdata/fhirpath-suite/patient-example.json")
	if err != nil {
		b.Fatal(err)
	}
	model, err := loadR4Model()
	if err != nil {
		b.Fatal(err)
	}
	root, err := fhirpath.FromJSON(data, model)
	if err != nil {
		b.Fatal(err)
	}
	expressions := make([]*fhirpath.Expression, len(benchInvariants))
	for i, expression := range benchInvariants {
		expressions[i] = fhirpath.MustParse(expression)
	}
	env := &fhirpath.Environment{Resource: root, Model: model}
	b.ReportAllocs()
	for b.Loop() {
		for _, expr := range expressions {
			if _, err := expr.EvaluateBool(fhirpath.Collection{root}, env); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFromJSON builds the tree of the official Patient example (5 KB).
func BenchmarkFromJSON(b *testing.B) {
	data, err := os.ReadFile("testdata/fhirpath-suite/patient-example.json")
	if err != nil {
		b.Fatal(err)
	}
	model, err := loadR4Model()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fhirpath.FromJSON(data, model); err != nil {
			b.Fatal(err)
		}
	}
}
