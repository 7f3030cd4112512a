package reports

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// fuzzParser feeds f's inputs to parse and checks the contract every
// parser keeps: no panic, and on failure a *ParseError that names the file.
func fuzzParser(f *testing.F, format Format, parse func(string, io.Reader) (*Report, error), seeds ...string) {
	for _, tc := range realReports {
		if tc.format != format {
			continue
		}
		data, err := os.ReadFile(realPath(tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := parse("fuzz.input", bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is %T, not *ParseError: %v", err, err)
			}
			if pe.Path != "fuzz.input" {
				t.Fatalf("error names %q, not the file: %v", pe.Path, err)
			}
			return
		}
		if rep == nil || rep.Format != format {
			t.Fatalf("parse returned %#v without an error", rep)
		}
	})
}

func FuzzParseSARIF(f *testing.F) {
	fuzzParser(f, FormatSARIF, ParseSARIF,
		`{"version":"2.1.0","runs":[{"results":[{"ruleIndex":5,"rule":{"toolComponent":{"index":3}}}],"tool":{"driver":{"name":"x"}}}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"x","rules":[{"id":"a","messageStrings":{"m":{"text":"{0}{9}"}}}]}},"results":[{"ruleId":"a","message":{"id":"m","arguments":["q"]}}]}]}`)
}

func FuzzParseLCOV(f *testing.F) {
	fuzzParser(f, FormatLCOV, ParseLCOV, "SF:a\nBRDA:1,0,0,-\nend_of_record\n")
}

func FuzzParseCobertura(f *testing.F) {
	fuzzParser(f, FormatCobertura, ParseCobertura, `<coverage><packages><package><classes><class filename="a"><lines><line number="1" hits="1" branch="true" condition-coverage="50% (1/2)"/></lines></class></classes></package></packages></coverage>`)
}

func FuzzParseCoverprofile(f *testing.F) {
	fuzzParser(f, FormatCoverprofile, ParseCoverprofile, "mode: count\na.go:1.1,2.2 1 3\n")
}

func FuzzParseJUnit(f *testing.F) {
	fuzzParser(f, FormatJUnit, ParseJUnit, `<testsuite name="s"><testcase name="t"><failure>x</failure></testcase></testsuite>`)
}

func FuzzParseStryker(f *testing.F) {
	fuzzParser(f, FormatStryker, ParseStryker, `{"schemaVersion":"1","files":{"a.js":{"mutants":[{"id":"1","status":"Killed"}]}}}`)
}

func FuzzParseK6Summary(f *testing.F) {
	for _, name := range []string{"k6-summary-export.json", "k6-handle-summary.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "handwritten", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	fuzzParser(f, FormatK6, ParseK6Summary)
}

func FuzzParseLighthouse(f *testing.F) {
	fuzzParser(f, FormatLighthouse, ParseLighthouse, `{"lighthouseVersion":"1","categories":{"performance":{"score":null}}}`)
}

func FuzzParseCycloneDX(f *testing.F) {
	fuzzParser(f, FormatCycloneDX, ParseCycloneDX, `{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{"name":"a","components":[{"name":"b","licenses":[{"expression":"MIT OR Apache-2.0"}]}]}]}`)
}

// FuzzParse runs detection and the chosen parser on any input.
func FuzzParse(f *testing.F) {
	for _, tc := range realReports {
		data, err := os.ReadFile(realPath(tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data[:min(len(data), 4096)])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Parse("fuzz.input", bytes.NewReader(data))
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is %T, not *ParseError: %v", err, err)
			}
		}
	})
}
