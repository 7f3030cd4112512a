// Package reports parses the report files that CI tools write (SARIF, LCOV,
// Cobertura, Go coverprofile, JUnit, Stryker, k6, Lighthouse, CycloneDX) into
// the measurements that gates evaluate.
package reports

import "github.com/hms-enterprise/hmsci/gates"

// Format names a report format.
type Format string

// Report formats that Detect recognizes.
const (
	FormatUnknown      Format = ""
	FormatSARIF        Format = "sarif"
	FormatLCOV         Format = "lcov"
	FormatCobertura    Format = "cobertura"
	FormatCoverprofile Format = "go-coverprofile"
	FormatJUnit        Format = "junit"
	FormatStryker      Format = "stryker"
	FormatK6           Format = "k6-summary"
	FormatLighthouse   Format = "lighthouse"
	FormatCycloneDX    Format = "cyclonedx"
)

// Report is one parsed report file. Exactly one of the measurement fields is
// set, matching Format.
type Report struct {
	Path   string `json:"path"`
	Format Format `json:"format"`

	SARIF      *SARIFSummary `json:"sarif,omitempty"`
	Coverage   *Coverage     `json:"coverage,omitempty"`
	Tests      *TestSummary  `json:"tests,omitempty"`
	Mutation   *Mutation     `json:"mutation,omitempty"`
	Load       *LoadSummary  `json:"load,omitempty"`
	Lighthouse *Lighthouse   `json:"lighthouse,omitempty"`
	SBOM       *SBOM         `json:"sbom,omitempty"`
}

// SARIFSummary holds the findings of all runs in one SARIF log.
type SARIFSummary struct {
	// Tools lists each run's tool.driver.name.
	Tools []string `json:"tools"`
	// Findings are the results, with SARIF levels and security-severity
	// mapped to gates.Severity.
	Findings []gates.Finding `json:"findings"`
	// FindingsOmitted counts findings left out of Findings because the
	// caller capped their number; the counts below include them.
	FindingsOmitted int `json:"findingsOmitted,omitempty"`
	// Total counts every result that records a problem, suppressed or
	// not; Suppressed counts those with an accepted suppression.
	Total      int `json:"total"`
	Suppressed int `json:"suppressed"`
	// BySeverity counts unsuppressed findings per severity.
	BySeverity map[gates.Severity]int `json:"bySeverity"`
	// ByLevel counts unsuppressed findings per effective SARIF level
	// ("error", "warning", "note", "none"), for gates such as "ESLint
	// errors 0" that are defined on the tool's own level.
	ByLevel map[string]int `json:"byLevel"`
	// ByTool counts unsuppressed findings per tool.driver.name.
	ByTool map[string]int `json:"byTool"`
}

// FileCoverage is the coverage of one source file.
type FileCoverage struct {
	Path          string `json:"path"`
	LinesFound    int    `json:"linesFound"`
	LinesHit      int    `json:"linesHit"`
	BranchesFound int    `json:"branchesFound"`
	BranchesHit   int    `json:"branchesHit"`
}

// Coverage is a parsed coverage report.
type Coverage struct {
	// Unit is the unit that LinesFound and LinesHit count. It is
	// CoverageUnitLines for LCOV and Cobertura, and CoverageUnitStatements
	// for Go coverprofiles.
	Unit  CoverageUnit   `json:"unit"`
	Files []FileCoverage `json:"files"`
	// Sources lists the directories of a Cobertura report's <source>
	// elements, which its file paths are relative to. It is empty for
	// other formats.
	Sources []string `json:"sources,omitempty"`
}

// CoverageUnit names what a coverage report counts as a line.
type CoverageUnit string

// Coverage units.
const (
	CoverageUnitLines      CoverageUnit = "lines"
	CoverageUnitStatements CoverageUnit = "statements"
)

// TestCase is one test of a JUnit report.
type TestCase struct {
	Suite     string  `json:"suite"`
	Name      string  `json:"name"`
	Classname string  `json:"classname,omitempty"`
	File      string  `json:"file,omitempty"`
	Seconds   float64 `json:"seconds"`
	// Status is "passed", "failed", "errored" or "skipped".
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

// TestSummary is a parsed JUnit XML report.
type TestSummary struct {
	Cases []TestCase `json:"cases"`
}

// FileMutation counts the mutants of one file in a Stryker report.
type FileMutation struct {
	Path string `json:"path"`
	// Detected counts Killed and Timeout mutants; Undetected counts
	// Survived and NoCoverage. Other statuses do not enter the score.
	Detected   int `json:"detected"`
	Undetected int `json:"undetected"`
	// Invalid counts CompileError and RuntimeError mutants; Ignored
	// counts Ignored and Pending ones.
	Invalid int `json:"invalid,omitempty"`
	Ignored int `json:"ignored,omitempty"`
}

// Mutation is a parsed Stryker mutation-testing report.
type Mutation struct {
	SchemaVersion string         `json:"schemaVersion,omitempty"`
	Files         []FileMutation `json:"files"`
}

// LoadSummary is a parsed k6 end-of-test summary.
type LoadSummary struct {
	// Source is "summary-export" for k6 --summary-export files and
	// "handle-summary" for the JSON of the data that handleSummary receives.
	Source string `json:"source"`
	// P95Millis is http_req_duration p(95) in milliseconds.
	P95Millis float64 `json:"p95Millis"`
	// ErrorRate is http_req_failed as a fraction from 0 to 1.
	ErrorRate float64 `json:"errorRate"`
	// RequestsPerSecond is the http_reqs rate.
	RequestsPerSecond float64 `json:"requestsPerSecond"`
	// Requests is the http_reqs count.
	Requests int64 `json:"requests"`
	// ChecksPassRate is the checks rate as a fraction, when checks ran.
	ChecksPassRate *float64 `json:"checksPassRate,omitempty"`
}

// Lighthouse holds the category scores of a Lighthouse JSON result, each
// from 0 to 100; a nil score means the category was not run.
type Lighthouse struct {
	URL string `json:"url"`
	// Version is lighthouseVersion, such as "12.2.3".
	Version       string   `json:"version,omitempty"`
	Performance   *float64 `json:"performance,omitempty"`
	Accessibility *float64 `json:"accessibility,omitempty"`
	BestPractices *float64 `json:"bestPractices,omitempty"`
	SEO           *float64 `json:"seo,omitempty"`
}

// Component is one entry of a CycloneDX SBOM.
type Component struct {
	// Group is the namespace, such as an npm scope ("@babel") or a Maven
	// group id; Name excludes it.
	Group   string `json:"group,omitempty"`
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	PURL    string `json:"purl,omitempty"`
	// Licenses holds SPDX ids or expressions, or license names where the
	// SBOM has no id.
	Licenses []string `json:"licenses,omitempty"`
}

// SBOM is a parsed CycloneDX JSON document.
type SBOM struct {
	SpecVersion string      `json:"specVersion"`
	Components  []Component `json:"components"`
}
