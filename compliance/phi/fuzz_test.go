package phi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzPaths selects the parser: the first input byte picks a file name.
var fuzzPaths = []string{"a.txt", "a.json", "a.csv", "a.sql", "a.hl7", "a.yaml", "a.go", "a.ts", "a.java", "a.py", "a.tsv"}

func FuzzScanBytes(f *testing.F) {
	_ = filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err == nil && len(data) < 8000 {
			f.Add(append([]byte{byte(len(p))}, data...))
		}
		return nil
	})
	f.Add([]byte("\x00ssn: 123-45-6780 dob: 1984-03-15"))
	f.Add([]byte("\x04MSH|^~\\&|A\rPID|1||123^^^H^MR||DOE^JANE||19840315|F|||1 Main St||(617)555-0134|||||123456780"))
	f.Add([]byte("\x01{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Doe\"}],\"identifier\":[{\"system\":\"http://hl7.org/fhir/sid/us-ssn\",\"value\":\"536-22-1234\"}]}"))
	f.Add([]byte("\x03INSERT INTO patients (ssn, full_name) VALUES ('536-22-1234', 'Ann Lee'), ("))
	f.Add([]byte("\x07console.log(`${patient.ssn} ${mask(patient.dob)}`"))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		name := fuzzPaths[int(in[0])%len(fuzzPaths)]
		data := in[1:]
		rep, err := ScanBytes(context.Background(), name, data, Options{})
		if err != nil {
			t.Fatalf("scan failed: %v", err)
		}
		var out bytes.Buffer
		for _, format := range []string{FormatSARIF, FormatJSON, FormatText} {
			if err := Render(&out, rep, format); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
		}
		text := string(data)
		for _, fd := range rep.Findings {
			if fd.Line < 1 || fd.Column < 1 {
				t.Fatalf("finding %s has position %d:%d", fd.RuleID, fd.Line, fd.Column)
			}
			switch fd.RuleID {
			case RuleLogExposure, RuleHL7PID, RuleFHIRPatient, RuleAllowNoReason:
				// Their masked value is a code expression or a summary.
				continue
			}
			value := sourceText(text, fd.Line, fd.Column, fd.EndLine, fd.EndColumn)
			if len(value) >= 8 && strings.Contains(out.String(), value) {
				t.Fatalf("output contains the unmasked %s value", fd.RuleID)
			}
		}
	})
}

// sourceText returns the text between two 1-based line and rune-column
// positions.
func sourceText(text string, line, col, endLine, endCol int) string {
	start := runeOffset(text, line, col)
	end := runeOffset(text, endLine, endCol)
	runes := []rune(text)
	if start < 0 || end > len(runes) || start >= end {
		return ""
	}
	return string(runes[start:end])
}
