package gates

import "time"

// Status is the outcome of one gate.
type Status string

// Gate statuses. Only StatusFailed makes a run exit non-zero.
const (
	StatusPassed       Status = "passed"
	StatusFailed       Status = "failed"
	StatusWarned       Status = "advisory-failure"
	StatusNotEvaluated Status = "not-evaluated"
)

// Mode says whether a failing gate blocks the run.
type Mode string

// Gate modes.
const (
	ModeBlocking Mode = "blocking"
	ModeAdvisory Mode = "advisory"
)

// Verdict is the evaluated state of one gate.
type Verdict struct {
	// Gate is the policy key, such as "coverage-line".
	Gate string `json:"gate"`
	// Title is the human name, such as "Line coverage".
	Title  string `json:"title"`
	Status Status `json:"status"`
	Mode   Mode   `json:"mode"`
	// Measured and Threshold are display strings with units ("83.42 %",
	// ">= 85 %"); Value holds the measured number when there is one.
	Measured  string   `json:"measured,omitempty"`
	Value     *float64 `json:"value,omitempty"`
	Threshold string   `json:"threshold"`
	// Reports lists the report files the value came from.
	Reports []string `json:"reports,omitempty"`
	// Reason explains a not-evaluated verdict ("report missing: no LCOV or
	// Cobertura file in hmsci-reports/").
	Reason string `json:"reason,omitempty"`
	// Next is one line on what to do to make the gate pass.
	Next string `json:"next,omitempty"`
}

// StepStatus is the outcome of one pipeline step.
type StepStatus string

// Step statuses.
const (
	StepSucceeded StepStatus = "succeeded"
	// StepFindings means the tool ran and reported problems; the gates
	// decide whether they matter.
	StepFindings StepStatus = "findings"
	StepErrored  StepStatus = "errored"
	StepSkipped  StepStatus = "skipped"
	StepNotRun   StepStatus = "not-run"
)

// StepResult is what one step produced.
type StepResult struct {
	Name   string     `json:"name"`
	Phase  string     `json:"phase"`
	Status StepStatus `json:"status"`
	// Reason explains a skipped, not-run or errored step.
	Reason   string        `json:"reason,omitempty"`
	Image    string        `json:"image,omitempty"`
	Duration time.Duration `json:"duration,omitempty"`
	// Reports are paths relative to the output directory.
	Reports  []string  `json:"reports,omitempty"`
	Findings []Finding `json:"findings,omitempty"`
}

// PhaseResult groups the steps of one phase.
type PhaseResult struct {
	Name  string       `json:"name"`
	Steps []StepResult `json:"steps"`
}

// Result is everything one run produced: the input to every renderer.
type Result struct {
	// Source is the directory that was checked, as the user named it.
	Source   string        `json:"source"`
	Phases   []PhaseResult `json:"phases"`
	Verdicts []Verdict     `json:"verdicts"`
	// Findings are the findings that no step result carries, such as
	// those of the reports that `ci gate` read.
	Findings []Finding `json:"findings,omitempty"`
	// Reports lists the report files that were evaluated.
	Reports []string `json:"reports,omitempty"`
	// Notes are run-level messages such as "no Dagger engine reachable".
	Notes []string `json:"notes,omitempty"`
}

// Blocked reports whether any blocking gate failed.
func (r *Result) Blocked() bool {
	for _, v := range r.Verdicts {
		if v.Status == StatusFailed {
			return true
		}
	}
	return false
}
