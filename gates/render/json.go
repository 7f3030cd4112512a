package render

import (
	"encoding/json"
	"io"

	"github.com/hms-enterprise/hmsci/gates"
)

// SchemaVersion is the version of the result.json schema documented in
// docs/report-schema.md. It changes only when a field is removed or its
// meaning changes; added fields keep the version.
const SchemaVersion = 1

// jsonResult is the document that JSON writes.
type jsonResult struct {
	SchemaVersion int             `json:"schemaVersion"`
	Source        string          `json:"source"`
	Blocked       bool            `json:"blocked"`
	Counts        Counts          `json:"counts"`
	Verdicts      []gates.Verdict `json:"verdicts"`
	Phases        []jsonPhase     `json:"phases"`
	Findings      []gates.Finding `json:"findings"`
	Reports       []string        `json:"reports"`
	Notes         []string        `json:"notes"`
}

type jsonPhase struct {
	Name  string     `json:"name"`
	Steps []jsonStep `json:"steps"`
}

// jsonStep is gates.StepResult with the duration in milliseconds instead
// of Go's nanosecond count, and without the findings, which the document
// lists once at the top level.
type jsonStep struct {
	Name       string           `json:"name"`
	Status     gates.StepStatus `json:"status"`
	Reason     string           `json:"reason,omitempty"`
	Image      string           `json:"image,omitempty"`
	DurationMS int64            `json:"durationMs"`
	Reports    []string         `json:"reports"`
	Findings   int              `json:"findings"`
}

// JSON writes the result in the stable schema of docs/report-schema.md,
// with PHI and tokens masked. Lists are never null, so consumers can
// iterate without checks.
func JSON(w io.Writer, r *gates.Result) error {
	return writeJSON(w, redacted(r))
}

// writeJSON renders a result that redacted has already masked.
func writeJSON(w io.Writer, r *gates.Result) error {
	doc := jsonResult{
		SchemaVersion: SchemaVersion,
		Source:        r.Source,
		Blocked:       r.Blocked(),
		Counts:        CountVerdicts(r),
		Verdicts:      nonNil(r.Verdicts),
		Phases:        []jsonPhase{},
		Findings:      nonNil(allFindings(r)),
		Reports:       nonNil(r.Reports),
		Notes:         nonNil(r.Notes),
	}
	for _, p := range r.Phases {
		jp := jsonPhase{Name: p.Name, Steps: []jsonStep{}}
		for _, s := range p.Steps {
			jp.Steps = append(jp.Steps, jsonStep{
				Name:       s.Name,
				Status:     s.Status,
				Reason:     s.Reason,
				Image:      s.Image,
				DurationMS: s.Duration.Milliseconds(),
				Reports:    nonNil(s.Reports),
				Findings:   len(s.Findings),
			})
		}
		doc.Phases = append(doc.Phases, jp)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
