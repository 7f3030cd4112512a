package phi

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// patientExport is a patient export with two labelled lines and a header
// row whose columns name PHI. Every value is made up.
const patientExport = "Patient MRN 784512 DOB 03/15/1957\n" +
	"Patient MRN: 784512, DOB: 03/15/1957\n" +
	"name,dob,ssn\n" +
	"Marguerite Vandermolen,1957-03-15,536221234\n"

func TestDelimitedHeaderInAnyFile(t *testing.T) {
	want := []string{
		"phi/mrn@1", "phi/dob@1",
		"phi/mrn@2", "phi/dob@2",
		"phi/name@4", "phi/dob@4", "phi/ssn@4",
	}
	for _, name := range []string{"a.csv", "a.txt", "export", "a.log"} {
		t.Run(name, func(t *testing.T) {
			assert.ElementsMatch(t, want, rulesOf(t, name, patientExport))
		})
	}
}

func TestDelimitedHeaderSeparators(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             []string
	}{
		{"tab in txt", "a.txt", "first_name\tlast_name\tbirth_date\nAnn\tLee\t1984-03-15\n", []string{"phi/name@2", "phi/name@2", "phi/dob@2"}},
		{"semicolon", "a.txt", "patient_name;ssn\nAnn Lee;536221234\n", []string{"phi/name@2", "phi/ssn@2"}},
		{"pipe", "a.md", "| mrn | phone |\n| A1234567 | 617-234-1234 |\n", []string{"phi/mrn@2", "phi/phone@2"}},
		{"header ends at blank line", "a.txt", "ssn,dob\n536221234,03/15/1984\n\n536221234,1984\n", []string{"phi/ssn@2", "phi/dob@2"}},
		{"row with other cell count is text", "a.txt", "ssn,dob\n536221234,03/15/1984,extra\n", nil},
		{"prose with commas is no header", "a.txt", "Hello, world\n536221234,1984\n", nil},
		{"csv header without phi columns", "a.csv", "id,amount\n536221234,12\n", nil},
		{"csv without header", "a.csv", "536-22-1234,x\n", []string{"phi/ssn@1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ElementsMatch(t, tt.want, rulesOf(t, tt.file, tt.text))
		})
	}
}
