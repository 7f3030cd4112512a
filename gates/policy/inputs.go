// Package policy evaluates the gates of an hmsci.yaml policy against parsed
// tool reports and native analyzer results, producing one verdict per gate.
//
// It lives apart from package gates because it reads gates/reports, which
// itself imports gates for the Finding type.
package policy

import (
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

// Native analyzer tool names, as they appear in gates.Finding.Tool and
// Analysis.Tool.
const (
	ToolPHI       = "hmsci-phi"
	ToolFHIR      = "hmsci-fhir"
	ToolKube      = "hmsci-kube"
	ToolTerraform = "hmsci-terraform"
	ToolHIPAA     = "hmsci-hipaa"
	// ToolTypeCoverage and ToolTSConfig are the type-coverage and
	// tsconfig-strict steps, whose console output the pipeline turns
	// into an Analysis.
	ToolTypeCoverage = "type-coverage"
	ToolTSConfig     = "tsconfig-strict"
)

// Keys of Analysis.Ratios and Analysis.Checks that gates read.
const (
	// RatioFHIRConformance is resources that validate / resources checked.
	RatioFHIRConformance = "fhir-conformance"
	// RatioAuditTrail is PHI access paths with audit logging / all PHI
	// access paths.
	RatioAuditTrail = "audit-trail"
	// RatioTypeCoverage is typed identifiers / all identifiers.
	RatioTypeCoverage = "type-coverage"

	CheckPHIEncrypted     = "phi-encrypted"
	CheckRBACEnforced     = "rbac-enforced"
	CheckPHIMasked        = "phi-masked"
	CheckTypeScriptStrict = "typescript-strict"
)

// PropertyBlocking is the gates.Finding.Properties key with which the PHI
// scanner marks a finding as non-blocking (false), for example a value in
// synthetic test data. A finding without the key is blocking.
const PropertyBlocking = "blocking"

// Inputs is everything one evaluation reads. The pipeline fills it after
// its steps ran; `ci gate` fills Reports and ReportErrors from a directory.
// The zero value is valid: every gate is then not evaluated.
type Inputs struct {
	// Reports are the parsed tool reports.
	Reports []*reports.Report
	// ReportErrors are reports that failed to read or parse; each becomes
	// a note. A *reports.ParseError with a Format fails the gates of the
	// tool that its path names (gitleaks.sarif: secrets), and, when its
	// path names no tool, every gate that reads the format and has no
	// value. An analysis whose Unmeasured reason is the text of one of
	// these errors fails its gate too.
	ReportErrors []error
	// ReportsDir is the directory searched for reports and FilesScanned
	// its file count. "report missing" reasons name both.
	ReportsDir   string
	FilesScanned int
	// Root is the source root as an absolute path. Report paths under it
	// are made relative so that path globs match.
	Root string
	// Analyses are the results of the native analyzers, one per tool.
	Analyses []Analysis
	// NotRun lists the steps that did not run. A gate that depends on one
	// of them names the step and reason when it has no value. A reason
	// that starts with "errored: " is a step that ran and failed: it
	// fails the gates it feeds (blocking) or makes them advisory
	// failures, because its result cannot be trusted.
	NotRun []SkippedStep
	// SARIFTallies replaces the capped finding lists of large SARIF
	// reports with exact counts, keyed by report path. See TallySARIF.
	SARIFTallies map[string]*Tally
}

// Analysis is the result of one native analyzer.
type Analysis struct {
	// Tool is one of the Tool constants.
	Tool string
	// Findings are the analyzer's findings, masked, with suppressed ones
	// marked rather than dropped.
	Findings []gates.Finding
	// Ratios are measured shares keyed by the Ratio constants.
	Ratios map[string]Ratio
	// Checks are yes/no results keyed by the Check constants.
	Checks map[string]Check
	// Unmeasured maps Ratio or Check keys that the tool could not
	// measure to the reason, such as "the project has no migration
	// scripts". A gate that reads such a key is not evaluated and shows
	// the reason.
	Unmeasured map[string]string
	// Source names what was analyzed, such as "src/" or a report path.
	Source string
	// Paths are the files or folders analyzed, relative to the root.
	// When set, verdicts list them as their reports instead of Source,
	// which may be a description such as "91 files, 252809 bytes".
	Paths []string
}

// Ratio is a share of passing items.
type Ratio struct {
	Passed int
	Total  int
}

// Percent returns the share from 0 to 100; ok is false when Total is 0.
func (r Ratio) Percent() (percent float64, ok bool) {
	if r.Total <= 0 {
		return 0, false
	}
	return 100 * float64(r.Passed) / float64(r.Total), true
}

// Check is a yes/no result with what failed.
type Check struct {
	OK bool
	// Detail names what failed or what was checked, such as "2 PHI columns
	// stored unencrypted: patients.ssn, patients.dob". It must not contain
	// PHI values.
	Detail string
}

// SkippedStep is a step that produced no output.
type SkippedStep struct {
	Step   string
	Reason string
}
