package reports

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireParseError checks that err is a *ParseError naming path and a line.
func requireParseError(t *testing.T, err error, path string) *ParseError {
	t.Helper()
	require.Error(t, err)
	var pe *ParseError
	require.ErrorAs(t, err, &pe, "error %v", err)
	assert.Equal(t, path, pe.Path)
	assert.Positive(t, pe.Line, "error %q has no line", err)
	assert.Contains(t, err.Error(), `"`+path+`"`)
	return pe
}

// Every real report cut short must fail with the file name and a position,
// at several cut points. Cutting a line-based report exactly at a line end
// can leave a valid report, so those formats are cut inside a line.
func TestTruncatedRealReports(t *testing.T) {
	for _, tc := range realReports {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(realPath(tc.file))
			require.NoError(t, err)
			for _, fraction := range []float64{0.1, 0.5, 0.9} {
				cut := int(float64(len(data)) * fraction)
				if tc.format == FormatCoverprofile {
					// Cut after the statement count, before the execution
					// count, so the last block is incomplete.
					cut = bytes.LastIndexByte(data[:cut], '\n') + 1
					cut += bytes.LastIndexByte(data[cut:cut+bytes.IndexByte(data[cut:], '\n')], ' ')
				}
				_, err := ParseFormat(tc.format, tc.file, bytes.NewReader(data[:cut]))
				pe := requireParseError(t, err, tc.file)
				assert.Equal(t, tc.format, pe.Format)
			}
		})
	}
}

func TestTruncatedJSONPointsAtEnd(t *testing.T) {
	data, err := os.ReadFile(realPath("eslint.sarif"))
	require.NoError(t, err)
	cut := data[:len(data)/2]
	_, err = ParseSARIF("eslint.sarif", bytes.NewReader(cut))
	pe := requireParseError(t, err, "eslint.sarif")
	assert.Equal(t, bytes.Count(cut, []byte("\n"))+1, pe.Line)
	assert.Equal(t, len(cut)-bytes.LastIndexByte(cut, '\n'), pe.Column)
	assert.ErrorIs(t, err, errUnexpectedEnd)
}

// replaceOnce returns data with the first old replaced, failing the test
// when old does not occur.
func replaceOnce(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	require.Contains(t, string(data), old)
	return bytes.Replace(data, []byte(old), []byte(new), 1)
}

// lineOf returns the 1-based line of the first occurrence of s.
func lineOf(t *testing.T, data []byte, s string) int {
	t.Helper()
	i := bytes.Index(data, []byte(s))
	require.GreaterOrEqual(t, i, 0, "%q not found", s)
	return bytes.Count(data[:i], []byte("\n")) + 1
}

func TestMalformedRealReports(t *testing.T) {
	tests := []struct {
		file    string
		old     string
		new     string
		value   string
		message string
	}{
		{"lcov.info", "DA:7,4", "DA:7,four", "four", "invalid DA execution count"},
		{"lcov.info", "BRDA:7,0,0,1", "BRDA:7,0,0,x", "x", "invalid BRDA taken count"},
		{"lcov.info", "LF:20", "LF:-2", "-2", "invalid LF"},
		{"lcov.info", "BRH:13\nend_of_record\nTN:\n", "BRH:13\nTN:\n", "src/phi/mask.js", "SF before end_of_record"},
		{"coverage.out", "mode: set", "mode: sometimes", "sometimes", "invalid coverage mode"},
		{"coverage.out", "audit.go:25.54,27.2 1 1", "audit.go:25.54,27.2 one 1", "one", "invalid statement count"},
		{"coverage.out", "audit.go:25.54,27.2 1 1", "audit.go:25.54-27.2 1 1", "25.54-27.2", "invalid block position"},
		{"cobertura-coverage.xml", `<line number="8" hits="1" branch="false"/>`, `<line number="8" hits="many" branch="false"/>`, "many", "invalid <line> hits"},
		{"cobertura-coverage.xml", `condition-coverage="100% (2/2)"`, `condition-coverage="all"`, "all", "invalid condition-coverage"},
		{"cobertura-coverage.xml", "</classes>", "</class>", "", "invalid XML"},
		{"junit-go.xml", `time="0.000"`, `time="fast"`, "fast", "invalid <testcase> time"},
		{"junit-jest.xml", "<testsuite ", "<testsuite <", "", "invalid XML"},
		{"junit-playwright.xml", "</testcase>", "</testsuite>", "", "invalid XML"},
		{"mutation.json", `"status":"Killed"`, `"status":"Zombie"`, "Zombie", "invalid status"},
		{"mutation.json", `"mutants":[`, `"mutants":{`, "", "invalid JSON"},
		{"eslint.sarif", `"level": "warning"`, `"level": "severe"`, "severe", "invalid level"},
		{"gosec.sarif", `"startLine": 12`, `"startLine": "12"`, "", "got JSON string, expected int"},
		{"bom.cdx.json", `"specVersion": "1.6"`, `"specVersion": 1.6`, "", "got JSON number, expected string"},
		{"lighthouse.report.json", `"lighthouseVersion": "12.2.3",`, `"lighthouseVersion": "12.2.3",,`, ",", "invalid JSON"},
		{"lighthouse.report.json", `"score": 0.48`, `"score": 48`, "48", `invalid score of category "accessibility"`},
		{"bom.cdx.json", `"bomFormat": "CycloneDX"`, `"bomFormat": "SPDX"`, "SPDX", "bomFormat must be"},
		{"bom.cdx.json", `"specVersion": "1.6"`, `"specVersion": "2.0"`, "2.0", "unsupported CycloneDX specVersion"},
		{"bom.cdx.json", `"name": "dayjs"`, `"name": ""`, "", "invalid component components[0]: missing name"},
	}
	for _, tc := range tests {
		t.Run(tc.file+"/"+tc.message, func(t *testing.T) {
			data, err := os.ReadFile(realPath(tc.file))
			require.NoError(t, err)
			bad := replaceOnce(t, data, tc.old, tc.new)
			_, err = Parse(tc.file, bytes.NewReader(bad))
			pe := requireParseError(t, err, tc.file)
			assert.Contains(t, err.Error(), tc.message)
			if tc.value != "" {
				assert.Equal(t, tc.value, pe.Value)
			}
			// Line-based formats and XML name the line of the bad value.
			if tc.file == "lcov.info" || tc.file == "coverage.out" || strings.HasSuffix(tc.file, ".xml") && tc.value != "" {
				at := tc.new
				if tc.value == "src/phi/mask.js" {
					at = "SF:src/phi/mask.js"
				}
				assert.Equal(t, lineOf(t, bad, at), pe.Line)
			}
		})
	}
}

func TestK6Errors(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		message string
	}{
		{"no metrics", `{"root_group":{}}`, `missing "metrics"`},
		{"no duration", `{"metrics":{"http_reqs":{"count":1,"rate":1}}}`, "metric http_req_duration: missing"},
		{"no p95", `{"metrics":{"http_req_duration":{"avg":1},"http_reqs":{"count":1,"rate":1}}}`, `missing statistic "p(95)"`},
		{"bad rate", `{"metrics":{"http_req_duration":{"p(95)":1},"http_reqs":{"count":1,"rate":1},"http_req_failed":{"value":3}}}`, "invalid rate 3"},
		{"string number", `{"metrics":{"http_req_duration":{"p(95)":"fast"},"http_reqs":{"count":1,"rate":1}}}`, `invalid statistic "p(95)"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseK6Summary("k6.json", strings.NewReader(tc.doc))
			pe := requireParseError(t, err, "k6.json")
			assert.Positive(t, pe.Column)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestLCOVComputesFromDetailAndTotals(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want FileCoverage
	}{
		{"detail lines win over LF/LH", "SF:a.c\nDA:1,1\nDA:2,0\nLF:9\nLH:9\nend_of_record\n", FileCoverage{Path: "a.c", LinesFound: 2, LinesHit: 1}},
		{"totals without detail", "SF:a.c\nLF:10\nLH:7\nBRF:4\nBRH:1\nend_of_record\n", FileCoverage{Path: "a.c", LinesFound: 10, LinesHit: 7, BranchesFound: 4, BranchesHit: 1}},
		{"dash taken is found not hit", "SF:a.c\nBRDA:3,0,0,-\nBRDA:3,0,1,2\nend_of_record\n", FileCoverage{Path: "a.c", BranchesFound: 2, BranchesHit: 1}},
		{"test sections merge", "TN:one\nSF:a.c\nDA:1,0\nDA:2,3\nBRDA:2,0,0,0\nend_of_record\nTN:two\nSF:a.c\nDA:1,5\nDA:2,0\nBRDA:2,0,0,1\nend_of_record\n", FileCoverage{Path: "a.c", LinesFound: 2, LinesHit: 2, BranchesFound: 1, BranchesHit: 1}},
		{"lcov 2 branch expression with comma", "SF:a.c\nBRDA:4,0,(a, b) == True,1\nBRDA:4,0,(a, b) == False,0\nend_of_record\n", FileCoverage{Path: "a.c", BranchesFound: 2, BranchesHit: 1}},
		{"checksums and functions ignored", "VER:2\nSF:a.c\nFN:1,main\nFNDA:1,main\nDA:1,1,abc123\nend_of_record\n", FileCoverage{Path: "a.c", LinesFound: 1, LinesHit: 1}},
		{"CRLF line ends", "SF:a.c\r\nDA:1,1\r\nend_of_record\r\n", FileCoverage{Path: "a.c", LinesFound: 1, LinesHit: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := ParseLCOV("t.info", strings.NewReader(tc.in))
			require.NoError(t, err)
			assert.Equal(t, []FileCoverage{tc.want}, rep.Coverage.Files)
		})
	}
}

func TestLCOVErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		line    int
		message string
	}{
		{"no end_of_record", "SF:a.c\nDA:1,1\n", 2, "unexpected end of file"},
		{"no records", "TN:x\n", 1, "no SF record"},
		{"DA outside record", "DA:1,1\n", 1, "DA line outside an SF record"},
		{"stray end", "end_of_record\n", 1, "end_of_record without an open SF record"},
		{"not a record", "SF:a.c\nhello world\n", 2, "invalid LCOV line"},
		{"short DA", "SF:a.c\nDA:1\n", 2, "invalid DA"},
		{"short BRDA", "SF:a.c\nBRDA:1,0,1\n", 2, "invalid BRDA"},
		{"empty SF", "SF:\n", 1, "empty SF"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseLCOV("t.info", strings.NewReader(tc.in))
			pe := requireParseError(t, err, "t.info")
			assert.Equal(t, tc.line, pe.Line)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestCoverprofileMerging(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		found int
		hit   int
	}{
		{"set mode hit in any run", "mode: set\na.go:1.1,2.2 3 0\na.go:1.1,2.2 3 1\na.go:3.1,4.2 2 0\n", 5, 3},
		{"count mode adds", "mode: count\na.go:1.1,2.2 3 0\na.go:1.1,2.2 3 0\na.go:3.1,4.2 2 7\n", 5, 2},
		{"repeated mode line", "mode: atomic\na.go:1.1,2.2 1 1\nmode: atomic\na.go:1.1,2.2 1 0\n", 1, 1},
		{"windows path with colon", "mode: set\nC:/src/a.go:1.1,2.2 2 1\n", 2, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := ParseCoverprofile("c.out", strings.NewReader(tc.in))
			require.NoError(t, err)
			totals := rep.Coverage.Totals()
			assert.Equal(t, tc.found, totals.LinesFound)
			assert.Equal(t, tc.hit, totals.LinesHit)
		})
	}
}

func TestCoverprofileErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		line    int
		message string
	}{
		{"empty", "", 0, "missing \"mode:\" line"},
		{"no mode", "a.go:1.1,2.2 1 1\n", 1, "first line must be"},
		{"mode change", "mode: set\nmode: count\n", 2, "coverage mode changes"},
		{"inconsistent statements", "mode: set\na.go:1.1,2.2 3 1\na.go:1.1,2.2 4 1\n", 3, "has 4 statements here but 3 on line 2"},
		{"negative count", "mode: count\na.go:1.1,2.2 3 -1\n", 2, "invalid execution count"},
		{"ends before start", "mode: set\na.go:5.1,2.2 1 1\n", 2, "ends before it starts"},
		{"missing fields", "mode: set\na.go:1.1,2.2 1\n", 2, "invalid coverprofile block"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCoverprofile("c.out", strings.NewReader(tc.in))
			require.Error(t, err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tc.line, pe.Line)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestJUnitShapes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []TestCase
	}{
		{
			name: "single testsuite root",
			in:   `<?xml version="1.0"?><testsuite name="s" file="a.spec.ts"><testcase name="t1" time="1,234.5"/><testcase name="t2"><error message="boom&#10;more"/></testcase></testsuite>`,
			want: []TestCase{
				{Suite: "s", Name: "t1", File: "a.spec.ts", Seconds: 1234.5, Status: TestPassed},
				{Suite: "s", Name: "t2", File: "a.spec.ts", Status: TestErrored, Message: "boom"},
			},
		},
		{
			name: "nested suites and text message",
			in:   "<testsuites><testsuite name=\"outer\"><testsuite name=\"inner\"><testcase name=\"t\" classname=\"c\" file=\"x.js\"><failure>\n\n  first line\nsecond</failure><skipped/></testcase></testsuite></testsuite></testsuites>",
			want: []TestCase{{Suite: "inner", Name: "t", Classname: "c", File: "x.js", Status: TestFailed, Message: "first line"}},
		},
		{
			name: "suite-level error",
			in:   `<testsuites><testsuite name="pkg" errors="1"><testcase name="ok"/><error message="build failed"/></testsuite></testsuites>`,
			want: []TestCase{
				{Suite: "pkg", Name: "ok", Status: TestPassed},
				{Suite: "pkg", Name: SuiteFailureName, Status: TestErrored, Message: "build failed"},
			},
		},
		{
			name: "empty root",
			in:   `<testsuites/>`,
			want: []TestCase{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := ParseJUnit("j.xml", strings.NewReader(tc.in))
			require.NoError(t, err)
			assert.Equal(t, tc.want, rep.Tests.Cases)
		})
	}
}

func TestXMLRootErrors(t *testing.T) {
	tests := []struct {
		name    string
		parse   func(string, *strings.Reader) error
		in      string
		message string
	}{
		{"junit wrong root", func(p string, r *strings.Reader) error { _, err := ParseJUnit(p, r); return err }, `<coverage/>`, "root element must be <testsuites> or <testsuite>"},
		{"cobertura wrong root", func(p string, r *strings.Reader) error { _, err := ParseCobertura(p, r); return err }, `<testsuites/>`, "root element must be <coverage>"},
		{"cobertura empty", func(p string, r *strings.Reader) error { _, err := ParseCobertura(p, r); return err }, ``, "no <coverage> element"},
		{"two roots", func(p string, r *strings.Reader) error { _, err := ParseJUnit(p, r); return err }, `<testsuites/><testsuites/>`, "more than one root element"},
		{"class without file", func(p string, r *strings.Reader) error { _, err := ParseCobertura(p, r); return err }, "<coverage>\n<packages><package><classes><class name=\"x\"/></classes></package></packages></coverage>", "missing filename"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.parse("r.xml", strings.NewReader(tc.in))
			require.Error(t, err)
			var pe *ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "r.xml", pe.Path)
			assert.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		path string
		head string
		want Format
	}{
		{"sarif by schema", "x", `{"$schema":"https://json.schemastore.org/sarif-2.1.0.json","version":"2.1.0","runs":[]}`, FormatSARIF},
		{"sarif by keys", "x", `{"version":"2.1.0","runs":[]}`, FormatSARIF},
		{"sarif with BOM", "x", "\xef\xbb\xbf\n{\"version\":\"2.1.0\",\"runs\":[]}", FormatSARIF},
		{"cyclonedx", "x", `{"bomFormat":"CycloneDX","specVersion":"1.5"}`, FormatCycloneDX},
		{"lighthouse", "x", `{"lighthouseVersion":"12.2.3"}`, FormatLighthouse},
		{"stryker", "x", `{"files":{"a.js":{"mutants":[]}},"schemaVersion":"1"}`, FormatStryker},
		{"k6 export", "x", `{"root_group":{},"metrics":{}}`, FormatK6},
		{"k6 by metric", "x", `{"metrics":{"http_req_duration":{}}}`, FormatK6},
		{"json by name only", "trivy.sarif", `{"a":` + strings.Repeat(" ", 10) + `}`, FormatSARIF},
		{"unknown json", "package.json", `{"name":"x"}`, FormatUnknown},
		{"cobertura", "x", "<?xml version=\"1.0\" ?>\n<!DOCTYPE coverage SYSTEM \"http://cobertura.sourceforge.net/xml/coverage-04.dtd\">\n<coverage line-rate=\"1\">", FormatCobertura},
		{"junit suites", "x", `<?xml version="1.0"?><!-- <coverage> --><testsuites>`, FormatJUnit},
		{"junit suite", "x", `<testsuite name="a">`, FormatJUnit},
		{"html", "x", `<!doctype html><html>`, FormatUnknown},
		{"coverprofile", "x", "mode: atomic\na.go:1.1,2.2 1 1\n", FormatCoverprofile},
		{"lcov", "x", "TN:\nSF:a.c\n", FormatLCOV},
		{"lcov with comment", "x", "# generated\nSF:a.c\n", FormatLCOV},
		{"plain text", "notes.txt", "hello\nSF:a\n", FormatUnknown},
		{"empty", "lcov.info", "", FormatUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Detect(tc.path, []byte(tc.head)))
		})
	}
}

func TestParseUnknownAndNamedFormats(t *testing.T) {
	_, err := Parse("notes.txt", strings.NewReader("just text"))
	assert.ErrorIs(t, err, ErrUnknownFormat)

	// Named like a report but broken: parsed as that format, so the error
	// reports what is wrong instead of skipping the file.
	_, err = Parse("gitleaks.sarif", strings.NewReader("garbage"))
	pe := requireParseError(t, err, "gitleaks.sarif")
	assert.Equal(t, FormatSARIF, pe.Format)
}

func TestScanDirCollectsEveryError(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range realReports {
		data, err := os.ReadFile(realPath(tc.file))
		require.NoError(t, err)
		sub := filepath.Join(dir, string(tc.format))
		require.NoError(t, os.MkdirAll(sub, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(sub, tc.file), data, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "broken.sarif"), []byte(`{"version":"2.1.0","runs":[{"tool"`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "lcov.info"), []byte("SF:a.c\nDA:x\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html>"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty.txt"), nil, 0o644))

	reps, errs := ScanDir(dir)
	assert.Len(t, reps, len(realReports))
	require.Len(t, errs, 2)
	assert.Contains(t, errs[0].Error(), "broken.sarif")
	assert.Contains(t, errs[1].Error(), "lcov.info")
	for _, rep := range reps {
		assert.NotEqual(t, FormatUnknown, rep.Format)
	}

	_, errs = ScanDir(filepath.Join(dir, "missing"))
	require.Len(t, errs, 1)
	assert.True(t, errors.Is(errs[0], os.ErrNotExist))
}

func TestDetectIgnoresJestCoverageSummary(t *testing.T) {
	head := []byte(`{"total": {"lines":{"total":30,"covered":21,"skipped":0,"pct":70}}}`)
	assert.Equal(t, FormatUnknown, Detect("coverage/coverage-summary.json", head))
}
