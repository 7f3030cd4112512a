package fhirpath_test

import (
	"testing"

	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

var fuzzSeeds = []string{
	"name.given.where($this.startsWith('P')).count() > 1",
	"(1 | 2 | 3).aggregate($this + $total, 0)",
	"@2015-02-04T14:34:28.123+09:00 + 1 'ms' > now()",
	"iif(active, 'a', 'b') & %resource.id",
	"contained.where(('#'+id in %resource.descendants().reference).not()).empty()",
	"text.div.htmlChecks() and 10 'mg' = 1 'cg'",
	"name.select(given.join(', ')).sort(-$this).first()",
	"'abc'.replaceMatches('(b)', '[$1]').toChars().skip(1).take(2)",
	"1.587.lowBoundary(2) ~ 1.58 implies (2.0 / 3).round(2) != 0.67",
	"`name`.ofType(HumanName).family.substring(1, 3).upper()",
	"children().descendants().distinct().count() div 2 mod 3",
}

// FuzzParse checks that parsing and evaluating any text never panics: an expression either
// fails to parse with a *SyntaxError or evaluates to a result or an error.
func FuzzParse(f *testing.F) {
	for _, seed := range fuzzSeeds {
		f.Add(seed)
	}
	root, err := fhirpath.FromJSON([]byte(patientJSON), nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, expression string) {
		expr, err := fhirpath.Parse(expression)
		if err != nil {
			if _, ok := err.(*fhirpath.SyntaxError); !ok {
				t.Fatalf("Parse(%q) returned %T, expected *SyntaxError", expression, err)
			}
			return
		}
		result, err := expr.Evaluate(fhirpath.Collection{root}, &fhirpath.Environment{Resource: root})
		if err == nil && result == nil {
			t.Fatalf("Evaluate(%q) returned a nil collection without an error", expression)
		}
	})
}

// FuzzFromJSON checks that building a tree from any bytes never panics.
func FuzzFromJSON(f *testing.F) {
	f.Add([]byte(patientJSON))
	f.Add([]byte(`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient","_given":[null,{"id":"x"}]}}]}`))
	f.Add([]byte(`{"resourceType":"Observation","valueQuantity":{"value":1e400}}`))
	model, err := loadR4Model()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := fhirpath.FromJSON(data, model)
		if err != nil {
			return
		}
		if _, err := fhirpath.MustParse("descendants().count()").Evaluate(fhirpath.Collection{root}, nil); err != nil {
			t.Fatalf("descendants() failed on a tree FromJSON accepted: %v", err)
		}
	})
}
