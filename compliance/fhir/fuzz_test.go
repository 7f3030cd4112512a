package fhir

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzValidateBytes checks that no input makes the validator panic or
// return an outcome without a file name.
func FuzzValidateBytes(f *testing.F) {
	for _, dir := range []string{filepath.Join("testdata", "examples"), filepath.Join("testdata", "fhir-test-cases", "cases")} {
		entries, _ := os.ReadDir(dir)
		for i, e := range entries {
			if i%4 != 0 {
				continue
			}
			if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && len(data) < 16<<10 {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`{"resourceType":"Bundle","type":"document","entry":[{"resource":{"resourceType":"Composition","contained":[{"resourceType":"Patient","contained":[]}]}}]}`))
	f.Add([]byte(`{"resourceType":"Patient","name":[null],"_name":[null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out := validateDocument("fuzz.json", data, Options{})
		if out == nil || out.File != "fuzz.json" {
			t.Fatalf("bad outcome %+v", out)
		}
		for _, is := range out.Issues {
			if is.Code == "exception" {
				t.Fatalf("validator panicked: %s", is.Message)
			}
		}
	})
}
