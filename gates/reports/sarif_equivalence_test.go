package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

// scanOutcome is everything a SARIF scan hands back: the findings it
// visited, the tools and the error.
type scanOutcome struct {
	findings []gates.Finding
	tools    []string
	err      error
}

func scanWith(scan func(string, io.Reader, func(gates.Finding) error) ([]string, error), data []byte, chunked bool) scanOutcome {
	var out scanOutcome
	var r io.Reader = bytes.NewReader(data)
	if chunked {
		// One byte per read puts every token across a window refill.
		r = iotest.OneByteReader(r)
	}
	out.tools, out.err = scan("eq.sarif", r, func(f gates.Finding) error {
		out.findings = append(out.findings, f)
		return nil
	})
	return out
}

// requireSameScan checks that the byte-level scanner and the encoding/json
// reference agree on data: the same findings in the same order, the same
// tools, and an error from both or from neither.
func requireSameScan(t *testing.T, data []byte) {
	t.Helper()
	want := scanWith(scanSARIFReference, data, false)
	for _, chunked := range []bool{false, true} {
		got := scanWith(ScanSARIF, data, chunked)
		require.Equal(t, want.err == nil, got.err == nil, "error mismatch (chunked %v): reference %v, scanner %v", chunked, want.err, got.err)
		require.Equal(t, want.findings, got.findings, "findings (chunked %v)", chunked)
		require.Equal(t, want.tools, got.tools, "tools (chunked %v)", chunked)
		if got.err != nil {
			var pe *ParseError
			require.ErrorAs(t, got.err, &pe)
			require.Equal(t, "eq.sarif", pe.Path)
			require.Positive(t, pe.Line, "error has a line: %v", got.err)
		}
	}
}

// sarifEdgeCases are results whose meaning under encoding/json the fast
// decoder must reproduce or hand over: nulls, case-folded and escaped keys,
// repeated keys, odd numbers, invalid UTF-8 and syntax errors.
var sarifEdgeCases = map[string]string{
	"plain":                  `{"ruleId":"r","level":"error","message":{"text":"m"}}`,
	"null result":            `null`,
	"number result":          `7`,
	"null fields":            `{"ruleId":null,"ruleIndex":null,"message":null,"locations":null,"partialFingerprints":null,"suppressions":null,"properties":null}`,
	"case folded key":        `{"RULEID":"r","Level":"note","message":{"TEXT":"m"}}`,
	"kelvin sign key":        "{\"\u212aind\":\"pass\",\"message\":{\"text\":\"m\"}}",
	"escaped key":            `{"rule\u0049d":"r","message":{"text":"m"}}`,
	"escaped value":          `{"ruleId":"r\"\u00e9\/","message":{"text":"line\nnext \ud83d\ude00"}}`,
	"lone surrogates":        `{"ruleId":"\ud800x\udc00\ud83d\u0041","message":{"text":"\ud83d\ud83d\ude00 \uDBFF\uDFFF \t\b\f\r\\"}}`,
	"escaped map key":        `{"partialFingerprints":{"a\u0062":"\u00e9","\ud800":"x"}}`,
	"invalid utf8":           "{\"ruleId\":\"r\xff\",\"message\":{\"text\":\"\xc3\"}}",
	"repeated locations":     `{"locations":[{"physicalLocation":{"region":{"startLine":5,"startColumn":2}}}],"locations":[{"physicalLocation":{"region":{"endLine":9}}}]}`,
	"repeated struct":        `{"message":{"text":"a","arguments":["x"]},"message":{"id":"m"}}`,
	"repeated map":           `{"partialFingerprints":{"a":"1"},"partialFingerprints":{"b":"2"}}`,
	"repeated scalar":        `{"level":"error","level":"note"}`,
	"float line":             `{"locations":[{"physicalLocation":{"region":{"startLine":1.0}}}]}`,
	"exponent line":          `{"locations":[{"physicalLocation":{"region":{"startLine":1e2}}}]}`,
	"huge line":              `{"locations":[{"physicalLocation":{"region":{"startLine":99999999999999999999}}}]}`,
	"negative line":          `{"locations":[{"physicalLocation":{"region":{"startLine":-3}}}]}`,
	"string line":            `{"locations":[{"physicalLocation":{"region":{"startLine":"3"}}}]}`,
	"second location bad":    `{"locations":[{},{"physicalLocation":{"region":{"startLine":true}}}]}`,
	"null location":          `{"locations":[null,{"physicalLocation":{"artifactLocation":{"uri":"b"}}}]}`,
	"artifact index":         `{"locations":[{"physicalLocation":{"artifactLocation":{"index":0}}}]}`,
	"code snippet":           `{"locations":[{"physicalLocation":{"artifactLocation":{"uri":"a%20b.go"},"region":{"startLine":1,"snippet":{"text":"password = \"hunter2\""}},"contextRegion":{"snippet":{"text":"x"}}}}]}`,
	"codeql rule":            `{"rule":{"id":"js/xss","index":0,"toolComponent":{"index":0}},"message":{"text":"m"}}`,
	"codeql bad component":   `{"rule":{"id":"js/xss","toolComponent":{"index":9}},"message":{"text":"m"}}`,
	"null map member":        `{"partialFingerprints":{"a":null,"b":"2"}}`,
	"number map member":      `{"partialFingerprints":{"a":1}}`,
	"suppressions":           `{"suppressions":[{"kind":"inSource","justification":"ok"},{"status":"rejected"}]}`,
	"bad suppression status": `{"suppressions":[{"status":"maybe"}]}`,
	"numeric severity":       `{"properties":{"security-severity":7.5,"tags":["a"]}}`,
	"spaced severity":        `{"properties":{"security-severity": [ 1 , 2 ] }}`,
	"null severity":          `{"properties":{"security-severity":null}}`,
	"message arguments":      `{"ruleId":"a","message":{"id":"m","arguments":["q",null]}}`,
	"bad arguments":          `{"message":{"text":"{0}","arguments":[1]}}`,
	"kind pass":              `{"kind":"pass","message":{"text":"m"}}`,
	"bad kind":               `{"kind":"odd","message":{"text":"m"}}`,
	"deep unknown":           `{"extra":{"a":[[[{"b":[true,false,null,-0.5e+3]}]]]},"message":{"text":"m"}}`,
	"bad literal":            `{"extra":tru,"message":{"text":"m"}}`,
	"bad escape":             `{"extra":"\x","message":{"text":"m"}}`,
	"bad unicode escape":     `{"extra":"\u12g4"}`,
	"control char":           "{\"extra\":\"a\tb\"}",
	"bad number":             `{"extra":01}`,
	"missing colon":          `{"ruleId" "r"}`,
	"trailing comma":         `{"ruleId":"r",}`,
	"missing comma":          `{"ruleId":"r" "level":"note"}`,
	"unclosed":               `{"ruleId":"r"`,
}

func TestScanSARIFMatchesReference(t *testing.T) {
	rules := `{"id":"a","messageStrings":{"m":{"text":"{0}{1}{9}"}}},{"id":"js/xss","defaultConfiguration":{"level":"error"}}`
	for name, result := range sarifEdgeCases {
		t.Run(name, func(t *testing.T) {
			log := `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"scanner","rules":[` + rules + `]},"extensions":[{"name":"pack","rules":[{"id":"js/xss","defaultConfiguration":{"level":"note"}}]}]},"artifacts":[{"location":{"uri":"src/a.ts"}}],"results":[` + result + `]}]}`
			requireSameScan(t, []byte(log))
			// The same result before the tool object is kept pending.
			pending := `{"version":"2.1.0","runs":[{"results":[` + result + `,` + result + `],"tool":{"driver":{"name":"scanner","rules":[` + rules + `]}}}]}`
			requireSameScan(t, []byte(pending))
		})
	}
}

func TestScanSARIFMatchesReferenceOnOuterErrors(t *testing.T) {
	logs := []string{
		``,
		`{`,
		`[]`,
		`{"version":"2.1.0"}`,
		`{"runs":[]}`,
		`{"version":2.1,"runs":[]}`,
		`{"version":"2.1.0","runs":null}`,
		`{"version":"2.1.0","runs":[null]}`,
		`{"version":"2.1.0","runs":[{}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":""}}}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":{}}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[]}]} x`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[]}]} {}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[]}]}` + "\n\n",
		`{"version":"2.1.0" "runs":[]}`,
		`{"version":"2.1.0","runs":[],}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}}},]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"artifacts":[{"a": tru}]}]}`,
		`{"\u0076ersion":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[{}]}]}`,
		`{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"tool":{"driver":{"name":"u"}},"results":[{}]}]}`,
	}
	// encoding/json rejects nesting deeper than 10,000 levels.
	for _, depth := range []int{9999, 10000, 10001} {
		logs = append(logs, sarifLog("", `{"extra":`+strings.Repeat("[", depth-1)+strings.Repeat("]", depth-1)+`}`))
		logs = append(logs, sarifLog("", `{"properties":{"security-severity":`+strings.Repeat("[", depth-2)+strings.Repeat("]", depth-2)+`}}`))
	}
	for _, log := range logs {
		t.Run(shortenTo(log, 120), func(t *testing.T) {
			requireSameScan(t, []byte(log))
		})
	}
}

func TestScanSARIFMatchesReferenceOnRealLogs(t *testing.T) {
	for _, tc := range realReports {
		if tc.format != FormatSARIF {
			continue
		}
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(realPath(tc.file))
			require.NoError(t, err)
			requireSameScan(t, data)
			requireSameScan(t, data[:len(data)/3])
		})
	}
}

// TestScanSARIFPositionsMatchReference checks that errors inside a result,
// which both scanners word with encoding/json, point at the same place.
func TestScanSARIFPositionsMatchReference(t *testing.T) {
	for name, result := range sarifEdgeCases {
		log := "{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\n\"results\":[\n  {},\n  " + result + "]}]}"
		want := scanWith(scanSARIFReference, []byte(log), false)
		got := scanWith(ScanSARIF, []byte(log), false)
		if want.err == nil {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var wantPE, gotPE *ParseError
			require.ErrorAs(t, want.err, &wantPE)
			require.ErrorAs(t, got.err, &gotPE)
			assert.Equal(t, wantPE.Line, gotPE.Line, "line: reference %v, scanner %v", want.err, got.err)
			assert.Equal(t, wantPE.Column, gotPE.Column, "column: reference %v, scanner %v", want.err, got.err)
			assert.Equal(t, wantPE.Value, gotPE.Value)
			assert.Equal(t, wantPE.Err.Error(), gotPE.Err.Error())
		})
	}
}

func TestScanSARIFReportsReadError(t *testing.T) {
	log := sarifLog("", `{"message":{"text":"a"}}`)
	r := iotest.TimeoutReader(iotest.HalfReader(strings.NewReader(log)))
	_, err := ScanSARIF("r.sarif", r, func(gates.Finding) error { return nil })
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, iotest.ErrTimeout)
	assert.Equal(t, "r.sarif", pe.Path)
}

// FuzzScanSARIFMatchesReference checks the byte-level scanner against the
// encoding/json reference on any input.
func FuzzScanSARIFMatchesReference(f *testing.F) {
	for _, tc := range realReports {
		if tc.format != FormatSARIF {
			continue
		}
		data, err := os.ReadFile(realPath(tc.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, result := range sarifEdgeCases {
		f.Add([]byte(sarifLog(`{"id":"a"}`, result)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want := scanWith(scanSARIFReference, data, false)
		got := scanWith(ScanSARIF, data, false)
		if (want.err == nil) != (got.err == nil) {
			t.Fatalf("error mismatch: reference %v, scanner %v", want.err, got.err)
		}
		if got.err != nil {
			var pe *ParseError
			if !errors.As(got.err, &pe) {
				t.Fatalf("error is %T, not *ParseError: %v", got.err, got.err)
			}
		}
		require.Equal(t, want.findings, got.findings)
		require.Equal(t, want.tools, got.tools)
	})
}

// FuzzUnquoteJSON checks the string decoder against encoding/json on every
// string that encoding/json accepts.
func FuzzUnquoteJSON(f *testing.F) {
	for _, s := range []string{`plain`, `a\"b\\c\/d\b\f\n\r\t`, `\u00e9\ud83d\ude00`, `\ud800`, `\udc00\ud800x`, "\xff\xc3(", `\uD83D\u0041`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		quoted := append(append([]byte{'"'}, content...), '"')
		var want string
		if json.Unmarshal(quoted, &want) != nil {
			return
		}
		require.Equal(t, want, unquoteJSON(content))
	})
}
