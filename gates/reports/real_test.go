package reports

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

// realReports lists every report under testdata/real with the format
// Detect must find for it.
var realReports = []struct {
	file   string
	format Format
}{
	{"eslint.sarif", FormatSARIF},
	{"eslint-ts.sarif", FormatSARIF},
	{"gosec.sarif", FormatSARIF},
	{"gitleaks.sarif", FormatSARIF},
	{"golangci-lint.sarif", FormatSARIF},
	{"lcov.info", FormatLCOV},
	{"gcc-lcov.info", FormatLCOV},
	{"lcov-ts.info", FormatLCOV},
	{"cobertura-ts.xml", FormatCobertura},
	{"junit-jest-ts.xml", FormatJUnit},
	{"cobertura-coverage.xml", FormatCobertura},
	{"gcovr-cobertura.xml", FormatCobertura},
	{"coverage.out", FormatCoverprofile},
	{"junit-jest.xml", FormatJUnit},
	{"junit-go.xml", FormatJUnit},
	{"junit-playwright.xml", FormatJUnit},
	{"mutation.json", FormatStryker},
	{"bom.cdx.json", FormatCycloneDX},
	{"bom-1.4.cdx.json", FormatCycloneDX},
	{"lighthouse.report.json", FormatLighthouse},
}

func realPath(name string) string { return filepath.Join("testdata", "real", name) }

func parseReal(t *testing.T, name string) *Report {
	t.Helper()
	rep, err := ParseFile(realPath(name))
	require.NoError(t, err)
	return rep
}

func TestDetectRealReports(t *testing.T) {
	for _, tc := range realReports {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(realPath(tc.file))
			require.NoError(t, err)
			head := data[:min(len(data), DetectHeadSize)]
			// Detection is by content: a neutral name must give the same result.
			assert.Equal(t, tc.format, Detect("report.dat", head))
			assert.Equal(t, tc.format, Detect(tc.file, head))
		})
	}
}

func TestParseFileRealReports(t *testing.T) {
	for _, tc := range realReports {
		t.Run(tc.file, func(t *testing.T) {
			rep := parseReal(t, tc.file)
			assert.Equal(t, tc.format, rep.Format)
			assert.Equal(t, realPath(tc.file), rep.Path)
		})
	}
}

// toolNumber reads the first number that re matches in a tool output file
// under testdata/real.
func toolNumber(t *testing.T, file string, re *regexp.Regexp) []float64 {
	t.Helper()
	data, err := os.ReadFile(realPath(file))
	require.NoError(t, err)
	m := re.FindStringSubmatch(string(data))
	require.NotNil(t, m, "pattern %s not found in %s", re, file)
	var out []float64
	for _, s := range m[1:] {
		f, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err)
		out = append(out, f)
	}
	return out
}

// assertAgrees checks that ours, rounded as the tool rounds (one decimal),
// equals the tool's printed percentage, so the two agree within the
// tool's own precision and well within 0.01 % of the same counts.
func assertAgrees(t *testing.T, tool, ours float64, quantity string) {
	t.Helper()
	assert.InDelta(t, tool, math.Round(ours*10)/10, 1e-9, "%s: tool printed %.1f%%, parser computed %.4f%%", quantity, tool, ours)
}

func TestLCOVAgreesWithLcovSummary(t *testing.T) {
	cov := parseReal(t, "lcov.info").Coverage
	require.NotNil(t, cov)
	totals := cov.Totals()

	lines := toolNumber(t, "lcov-summary.txt", regexp.MustCompile(`lines\.+: ([\d.]+)% \((\d+) of (\d+) lines\)`))
	branches := toolNumber(t, "lcov-summary.txt", regexp.MustCompile(`branches\.+: ([\d.]+)% \((\d+) of (\d+) branches\)`))
	assert.Equal(t, int(lines[1]), totals.LinesHit)
	assert.Equal(t, int(lines[2]), totals.LinesFound)
	assert.Equal(t, int(branches[1]), totals.BranchesHit)
	assert.Equal(t, int(branches[2]), totals.BranchesFound)

	linePct, ok := totals.LinePercent()
	require.True(t, ok)
	assertAgrees(t, lines[0], linePct, "lines")
	branchPct, ok := totals.BranchPercent()
	require.True(t, ok)
	assertAgrees(t, branches[0], branchPct, "branches")

	// The numbers as the README records them.
	assert.Equal(t, CoverageTotals{Files: 2, LinesFound: 30, LinesHit: 21, BranchesFound: 26, BranchesHit: 19}, totals)
	assert.InDelta(t, 70.0, linePct, 0.01)
	assert.InDelta(t, 73.08, branchPct, 0.01)
}

// The C sample's tracefile comes from lcov --capture over gcov data, so its
// BRDA lines use "-" for branches whose block never ran.
func TestTypeScriptCoverageAgreesWithLcovSummary(t *testing.T) {
	lcov := parseReal(t, "lcov-ts.info").Coverage
	lines := toolNumber(t, "lcov-ts-summary.txt", regexp.MustCompile(`lines\.+: ([\d.]+)% \((\d+) of (\d+) lines\)`))
	branches := toolNumber(t, "lcov-ts-summary.txt", regexp.MustCompile(`branches\.+: ([\d.]+)% \((\d+) of (\d+) branches\)`))
	totals := lcov.Totals()
	assert.Equal(t, CoverageTotals{Files: 1, LinesHit: int(lines[1]), LinesFound: int(lines[2]), BranchesHit: int(branches[1]), BranchesFound: int(branches[2])}, totals)
	linePct, _ := totals.LinePercent()
	branchPct, _ := totals.BranchPercent()
	assertAgrees(t, lines[0], linePct, "lines")
	assertAgrees(t, branches[0], branchPct, "branches")

	// Coverage is mapped back to the TypeScript source.
	assert.Equal(t, "src/phi/consent.ts", lcov.Files[0].Path)
	cob := parseReal(t, "cobertura-ts.xml").Coverage
	assert.Equal(t, lcov.Files, cob.Files)
}

func TestGCCLCOVAgreesWithLcovSummary(t *testing.T) {
	cov := parseReal(t, "gcc-lcov.info").Coverage
	totals := cov.Totals()
	lines := toolNumber(t, "gcc-lcov-summary.txt", regexp.MustCompile(`lines\.+: ([\d.]+)% \((\d+) of (\d+) lines\)`))
	branches := toolNumber(t, "gcc-lcov-summary.txt", regexp.MustCompile(`branches\.+: ([\d.]+)% \((\d+) of (\d+) branches\)`))
	assert.Equal(t, CoverageTotals{Files: 1, LinesHit: int(lines[1]), LinesFound: int(lines[2]), BranchesHit: int(branches[1]), BranchesFound: int(branches[2])}, totals)
	linePct, _ := totals.LinePercent()
	branchPct, _ := totals.BranchPercent()
	assertAgrees(t, lines[0], linePct, "lines")
	assertAgrees(t, branches[0], branchPct, "branches")
	assert.Equal(t, CoverageTotals{Files: 1, LinesFound: 19, LinesHit: 12, BranchesFound: 16, BranchesHit: 8}, totals)

	data, err := os.ReadFile(realPath("gcc-lcov.info"))
	require.NoError(t, err)
	require.Contains(t, string(data), ",-\n", "the tracefile should have never-run branches")
}

func TestGcovrCoberturaAgreesWithGcovr(t *testing.T) {
	cob := parseReal(t, "gcovr-cobertura.xml").Coverage
	assert.Equal(t, []string{"."}, cob.Sources)
	require.Len(t, cob.Files, 1)
	assert.Equal(t, "dose.c", cob.Files[0].Path)

	// gcovr's own text reports, and lcov over the same gcov data.
	lines := toolNumber(t, "gcovr-lines.txt", regexp.MustCompile(`TOTAL\s+(\d+)\s+(\d+)\s+\d+%`))
	branches := toolNumber(t, "gcovr-summary.txt", regexp.MustCompile(`TOTAL\s+(\d+)\s+(\d+)\s+\d+%`))
	totals := cob.Totals()
	assert.Equal(t, int(lines[0]), totals.LinesFound)
	assert.Equal(t, int(lines[1]), totals.LinesHit)
	assert.Equal(t, int(branches[0]), totals.BranchesFound)
	assert.Equal(t, int(branches[1]), totals.BranchesHit)
	gcc := parseReal(t, "gcc-lcov.info").Coverage.Totals()
	assert.Equal(t, gcc, totals)
}

func TestLCOVAgreesWithLcovList(t *testing.T) {
	cov := parseReal(t, "lcov.info").Coverage
	listRow := regexp.MustCompile(`(?m)^(\S+)\s*\|([\d.]+)%\s+(\d+)\|[^|]*\|([\d.]+)%\s+(\d+)\s*$`)
	data, err := os.ReadFile(realPath("lcov-list.txt"))
	require.NoError(t, err)
	rows := listRow.FindAllStringSubmatch(string(data), -1)
	require.Len(t, rows, 2)
	for _, row := range rows {
		t.Run(row[1], func(t *testing.T) {
			totals, err := cov.Match([]string{row[1]})
			require.NoError(t, err)
			require.Equal(t, 1, totals.Files)
			found, _ := strconv.Atoi(row[3])
			branchesFound, _ := strconv.Atoi(row[5])
			assert.Equal(t, found, totals.LinesFound)
			assert.Equal(t, branchesFound, totals.BranchesFound)
			linePct, _ := totals.LinePercent()
			branchPct, _ := totals.BranchPercent()
			tool, _ := strconv.ParseFloat(row[2], 64)
			assertAgrees(t, tool, linePct, "lines")
			tool, _ = strconv.ParseFloat(row[4], 64)
			assertAgrees(t, tool, branchPct, "branches")
		})
	}
}

func TestCoverageMatchGlobs(t *testing.T) {
	cov := parseReal(t, "lcov.info").Coverage
	phi, err := cov.Match([]string{"src/phi/**"})
	require.NoError(t, err)
	assert.Equal(t, CoverageTotals{Files: 1, LinesFound: 10, LinesHit: 8, BranchesFound: 8, BranchesHit: 6}, phi)

	none, err := cov.Match([]string{"lib/**"})
	require.NoError(t, err)
	_, ok := none.LinePercent()
	assert.False(t, ok, "no matching file means no line percentage")

	_, err = cov.Match([]string{"src/[phi"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"src/[phi"`)
}

func TestCoberturaAgreesWithLcovAndRoot(t *testing.T) {
	cob := parseReal(t, "cobertura-coverage.xml").Coverage
	lcov := parseReal(t, "lcov.info").Coverage
	assert.Equal(t, lcov.Totals(), cob.Totals())
	assert.Equal(t, lcov.Files, cob.Files)
	assert.Equal(t, []string{"/tmp/engB/js"}, cob.Sources)

	// The root element's own totals, as istanbul wrote them.
	data, err := os.ReadFile(realPath("cobertura-coverage.xml"))
	require.NoError(t, err)
	root := regexp.MustCompile(`lines-valid="(\d+)" lines-covered="(\d+)" line-rate="[\d.]+" branches-valid="(\d+)" branches-covered="(\d+)"`).FindStringSubmatch(string(data))
	require.NotNil(t, root)
	want := CoverageTotals{Files: 2}
	want.LinesFound, _ = strconv.Atoi(root[1])
	want.LinesHit, _ = strconv.Atoi(root[2])
	want.BranchesFound, _ = strconv.Atoi(root[3])
	want.BranchesHit, _ = strconv.Atoi(root[4])
	assert.Equal(t, want, cob.Totals())
}

func TestCoverprofileAgreesWithGoToolCover(t *testing.T) {
	rep := parseReal(t, "coverage.out")
	cov := rep.Coverage
	assert.Equal(t, CoverageUnitStatements, cov.Unit)
	total := toolNumber(t, "cover-func.txt", regexp.MustCompile(`total:\s+\(statements\)\s+([\d.]+)%`))
	pct, ok := cov.Totals().LinePercent()
	require.True(t, ok)
	assertAgrees(t, total[0], pct, "statements")
	assert.InDelta(t, 60.6, pct, 0.05)

	// Every block is listed twice (once per test binary); merged, each
	// statement counts once.
	data, err := os.ReadFile(realPath("coverage.out"))
	require.NoError(t, err)
	var listed int
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 3 {
			n, _ := strconv.Atoi(fields[1])
			listed += n
		}
	}
	assert.Equal(t, 2*cov.Totals().LinesFound, listed)
	paths := []string{}
	for _, f := range cov.Files {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{"example.com/wardsample/audit/audit.go", "example.com/wardsample/ward/ward.go"}, paths)
}

func TestJUnitRealFlavours(t *testing.T) {
	tests := []struct {
		file       string
		want       TestCounts
		failedName string
		failedFile string
		message    string
	}{
		{"junit-jest.xml", TestCounts{Total: 10, Passed: 8, Failed: 1, Skipped: 1}, "waitMinutes level 3 waits 30 minutes", "test/wait.failing.test.js", "Error: expect(received).toBe(expected) // Object.is equality"},
		{"junit-go.xml", TestCounts{Total: 6, Passed: 4, Failed: 1, Skipped: 1}, "TestOccupancyRounding", "", "Failed"},
		{"junit-playwright.xml", TestCounts{Total: 3, Passed: 1, Failed: 1, Skipped: 1}, "board shows five free beds", "", "expect(locator).toHaveText(expected) failed"},
		{"junit-jest-ts.xml", TestCounts{Total: 5, Passed: 3, Failed: 1, Skipped: 1}, "expired grant still allows sharing", "test/consent.test.ts", "Error: expect(received).toBe(expected) // Object.is equality"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			sum := parseReal(t, tc.file).Tests
			require.NotNil(t, sum)
			got := sum.Counts()
			assert.Greater(t, got.Seconds, -1.0)
			got.Seconds = 0
			assert.Equal(t, tc.want, got)
			var failed *TestCase
			for i := range sum.Cases {
				if sum.Cases[i].Status == TestFailed {
					failed = &sum.Cases[i]
				}
			}
			require.NotNil(t, failed)
			assert.Equal(t, tc.failedName, failed.Name)
			assert.Equal(t, tc.message, failed.Message)
			if tc.failedFile != "" {
				assert.Contains(t, failed.File, tc.failedFile)
			}
			assert.NotEmpty(t, failed.Suite)
		})
	}
}

func TestJUnitRealSuiteFailures(t *testing.T) {
	goBuild := parseReal(t, "junit-go-build-failed.xml").Tests
	counts := goBuild.Counts()
	assert.Equal(t, 2, counts.Total)
	assert.Equal(t, 2, counts.Errored)
	assert.Equal(t, "[build failed]", goBuild.Cases[1].Name)
	assert.Equal(t, "Build error", goBuild.Cases[1].Message)

	jest := parseReal(t, "junit-jest-suite-error.xml").Tests
	counts = jest.Counts()
	assert.Equal(t, 1, counts.Errored)
	assert.Equal(t, 2, counts.Failed, "the failing test and the suite's failure entry")
	var suiteCases []TestCase
	for _, c := range jest.Cases {
		if c.Suite == "test/broken.test.js" {
			suiteCases = append(suiteCases, c)
		}
	}
	require.Len(t, suiteCases, 2)
	assert.Equal(t, "Test suite failed to run", suiteCases[0].Classname)
	assert.Equal(t, "● Test suite failed to run", suiteCases[0].Message)
}

func TestStrykerAgreesWithClearTextReport(t *testing.T) {
	mut := parseReal(t, "mutation.json").Mutation
	require.NotNil(t, mut)
	all, err := mut.Score(nil)
	require.NoError(t, err)
	assert.Equal(t, MutationTotals{Files: 2, Detected: 47, Undetected: 31}, all)
	score, ok := all.Percent()
	require.True(t, ok)
	assert.InDelta(t, 60.26, score, 0.005)

	for glob, want := range map[string]float64{"src/phi/**": 64.71, "src/triage.js": 56.82} {
		totals, err := mut.Score([]string{glob})
		require.NoError(t, err)
		score, ok := totals.Percent()
		require.True(t, ok, glob)
		assert.InDelta(t, want, score, 0.005, glob)
	}
}

func TestLighthouseRealScores(t *testing.T) {
	lh := parseReal(t, "lighthouse.report.json").Lighthouse
	require.NotNil(t, lh)
	assert.Equal(t, "12.2.3", lh.Version)
	assert.Equal(t, "http://127.0.0.1:8765/", lh.URL)
	for name, got := range map[string]*float64{"performance": lh.Performance, "accessibility": lh.Accessibility, "best-practices": lh.BestPractices, "seo": lh.SEO} {
		require.NotNil(t, got, name)
	}
	assert.InDelta(t, 100, *lh.Performance, 1e-9)
	assert.InDelta(t, 48, *lh.Accessibility, 1e-9)
	assert.InDelta(t, 89, *lh.BestPractices, 1e-9)
	assert.InDelta(t, 82, *lh.SEO, 1e-9)
}

func TestCycloneDXRealSBOMs(t *testing.T) {
	for file, version := range map[string]string{"bom.cdx.json": "1.6", "bom-1.4.cdx.json": "1.4"} {
		t.Run(file, func(t *testing.T) {
			sbom := parseReal(t, file).SBOM
			require.NotNil(t, sbom)
			assert.Equal(t, version, sbom.SpecVersion)
			require.Len(t, sbom.Components, 2)
			names := map[string]Component{}
			for _, c := range sbom.Components {
				names[c.Name] = c
			}
			assert.Equal(t, []string{"MIT"}, names["dayjs"].Licenses)
			assert.Equal(t, "pkg:npm/ms@2.1.3", names["ms"].PURL)
			assert.Equal(t, "2.1.3", names["ms"].Version)
		})
	}
}

func TestSARIFRealLogs(t *testing.T) {
	tests := []struct {
		file     string
		tool     string
		total    int
		byLevel  map[string]int
		severity map[gates.Severity]int
	}{
		{"eslint.sarif", "ESLint", 3, map[string]int{"error": 2, "warning": 1}, map[gates.Severity]int{gates.SeverityHigh: 2, gates.SeverityMedium: 1}},
		{"eslint-ts.sarif", "ESLint", 3, map[string]int{"error": 2, "warning": 1}, map[gates.Severity]int{gates.SeverityHigh: 2, gates.SeverityMedium: 1}},
		{"gosec.sarif", "gosec", 4, map[string]int{"error": 4}, map[gates.Severity]int{gates.SeverityHigh: 4}},
		// gitleaks sets no level, so the SARIF default "warning" applies.
		{"gitleaks.sarif", "gitleaks", 1, map[string]int{"warning": 1}, map[gates.Severity]int{gates.SeverityMedium: 1}},
		{"golangci-lint.sarif", "golangci-lint", 4, map[string]int{"error": 4}, map[gates.Severity]int{gates.SeverityHigh: 4}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			sum := parseReal(t, tc.file).SARIF
			require.NotNil(t, sum)
			assert.Equal(t, []string{tc.tool}, sum.Tools)
			assert.Equal(t, tc.total, sum.Total)
			assert.Len(t, sum.Findings, tc.total)
			assert.Equal(t, tc.byLevel, sum.ByLevel)
			assert.Equal(t, tc.severity, sum.BySeverity)
			assert.Equal(t, map[string]int{tc.tool: tc.total}, sum.ByTool)
			for _, f := range sum.Findings {
				assert.NotEmpty(t, f.RuleID)
				assert.NotEmpty(t, f.Message)
				assert.NotEmpty(t, f.Path)
				assert.Positive(t, f.Line)
			}
		})
	}
}

func TestSARIFRealFindingDetails(t *testing.T) {
	eslint := parseReal(t, "eslint.sarif").SARIF
	first := eslint.Findings[0]
	assert.Equal(t, "no-var", first.RuleID)
	assert.Equal(t, "/tmp/engB/js/src/triage.js", first.Path)
	assert.Equal(t, 37, first.Line)
	assert.Equal(t, 3, first.Column)
	assert.Equal(t, 21, first.EndColumn)

	leak := parseReal(t, "gitleaks.sarif").SARIF.Findings[0]
	assert.Equal(t, "github-pat", leak.RuleID)
	assert.Equal(t, "audit/audit.go", leak.Path)
	assert.Equal(t, 12, leak.Line)
}

// The planted token of the sample project is in the snippets of the gitleaks
// and gosec logs; a parsed report must not carry it anywhere.
func TestSARIFDropsSecretSnippets(t *testing.T) {
	for _, file := range []string{"gitleaks.sarif", "gosec.sarif"} {
		raw, err := os.ReadFile(realPath(file))
		require.NoError(t, err)
		require.Contains(t, string(raw), "ghp_4fXk", "the test needs the planted token in %s", file)
		out, err := json.Marshal(parseReal(t, file))
		require.NoError(t, err)
		assert.NotContains(t, string(out), "ghp_4fXk", file)
	}
}

func TestK6HandwrittenSummaries(t *testing.T) {
	tests := []struct {
		file   string
		source string
		want   LoadSummary
		checks float64
	}{
		{"k6-summary-export.json", K6SourceSummaryExport, LoadSummary{P95Millis: 48.71, ErrorRate: 0.016666666666666666, RequestsPerSecond: 59.88, Requests: 600}, 0.9833333333333333},
		{"k6-handle-summary.json", K6SourceHandleSummary, LoadSummary{P95Millis: 6.25, ErrorRate: 0, RequestsPerSecond: 119.95, Requests: 1200}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "handwritten", tc.file)
			rep, err := ParseFile(path)
			require.NoError(t, err)
			require.Equal(t, FormatK6, rep.Format)
			load := rep.Load
			require.NotNil(t, load)
			require.NotNil(t, load.ChecksPassRate)
			assert.InDelta(t, tc.checks, *load.ChecksPassRate, 1e-12)
			got := *load
			got.ChecksPassRate = nil
			tc.want.Source = tc.source
			assert.Equal(t, tc.want, got)
		})
	}
}
