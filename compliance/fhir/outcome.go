package fhir

import (
	"fmt"
	"strconv"
)

// Severity is an OperationOutcome issue severity.
type Severity string

// Issue severities, from the FHIR IssueSeverity code system.
const (
	SeverityFatal       Severity = "fatal"
	SeverityError       Severity = "error"
	SeverityWarning     Severity = "warning"
	SeverityInformation Severity = "information"
)

// IsError reports whether the severity is error or fatal.
func (s Severity) IsError() bool { return s == SeverityError || s == SeverityFatal }

// Rule ids, one per kind of issue, used as SARIF rule ids and Finding.RuleID.
const (
	RuleJSON        = "fhir/json"
	RuleStructure   = "fhir/structure"
	RuleCardinality = "fhir/cardinality"
	RuleDatatype    = "fhir/datatype"
	RuleBinding     = "fhir/binding"
	RuleReference   = "fhir/reference"
	RuleBundle      = "fhir/bundle"
	RuleInvariant   = "fhir/invariant"
	RuleTerminology = "fhir/terminology"
	RuleExtension   = "fhir/extension"
	RuleNarrative   = "fhir/narrative"
	RuleSecurity    = "fhir/security"
)

// RuleDescriptions gives one line per rule id, for SARIF rule metadata.
var RuleDescriptions = map[string]string{
	RuleJSON:        "The file is not valid FHIR JSON (syntax, duplicate keys, empty or null values, arrays).",
	RuleStructure:   "An element is unknown, or the resource type is missing or unknown.",
	RuleCardinality: "An element occurs fewer or more times than its definition allows.",
	RuleDatatype:    "A value does not match the format of its FHIR data type.",
	RuleBinding:     "A coded value is not in the value set its element is bound to.",
	RuleReference:   "A reference is malformed, names a type the element does not allow, or does not resolve.",
	RuleBundle:      "A Bundle breaks the rules for its type (document, transaction, searchset...).",
	RuleInvariant:   "A FHIRPath invariant of the base specification is not satisfied.",
	RuleTerminology: "A code or identifier fails the check of its code system or identifier system.",
	RuleExtension:   "An extension is unknown or used outside its allowed context.",
	RuleNarrative:   "The XHTML narrative is not well-formed or contains active content.",
	RuleSecurity:    "A text value contains embedded HTML that a presentation layer could execute.",
}

// Issue is one problem in a resource, as an OperationOutcome issue.
type Issue struct {
	Severity Severity `json:"severity"`
	// Code is the FHIR IssueType code, such as "structure" or "code-invalid".
	Code string `json:"code"`
	// Rule is the hmsci rule id, such as "fhir/cardinality".
	Rule string `json:"rule"`
	// Expression is the FHIRPath-style location, such as
	// "Patient.name[0].given[1]"; empty for syntax errors.
	Expression string `json:"expression,omitempty"`
	// Line and Column are 1-based positions in the file; 0 means unknown.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Message is one sentence. It never contains a PHI value in full.
	Message string `json:"message"`
	// Key is the invariant key for RuleInvariant issues, such as "dom-3".
	Key string `json:"key,omitempty"`
}

// Diagnostics returns the message with its position, as OperationOutcome
// diagnostics carry it.
func (i Issue) Diagnostics() string {
	if i.Line == 0 {
		return i.Message
	}
	return "line " + strconv.Itoa(i.Line) + ", col " + strconv.Itoa(i.Column) + ": " + i.Message
}

// Outcome is the result of validating one file (or one NDJSON line).
type Outcome struct {
	// File is the path as given, with ":N" appended for an NDJSON line.
	File string `json:"file"`
	// Resources counts the resources checked, including bundle entries
	// and contained resources.
	Resources int     `json:"resources"`
	Issues    []Issue `json:"issues"`
	// InvariantsEvaluated and InvariantsSkipped count invariant checks; a
	// skipped one has an expression the FHIRPath engine cannot evaluate.
	InvariantsEvaluated int `json:"invariantsEvaluated"`
	InvariantsSkipped   int `json:"invariantsSkipped"`
}

// Errors counts the issues of severity error or fatal.
func (o *Outcome) Errors() int {
	n := 0
	for _, i := range o.Issues {
		if i.Severity.IsError() {
			n++
		}
	}
	return n
}

// Warnings counts the issues of severity warning.
func (o *Outcome) Warnings() int {
	n := 0
	for _, i := range o.Issues {
		if i.Severity == SeverityWarning {
			n++
		}
	}
	return n
}

// Conformant reports whether the file has no error or fatal issue.
func (o *Outcome) Conformant() bool { return o.Errors() == 0 }

// OperationOutcome returns the outcome as a FHIR R4 OperationOutcome
// resource, ready for encoding/json. A conformant file gets one
// information issue, because an OperationOutcome needs at least one issue.
func (o *Outcome) OperationOutcome() map[string]any {
	issues := make([]any, 0, len(o.Issues)+1)
	for _, i := range o.Issues {
		entry := map[string]any{
			"severity":    string(i.Severity),
			"code":        i.Code,
			"diagnostics": i.Diagnostics(),
			"details":     map[string]any{"text": i.Rule},
		}
		if i.Expression != "" {
			entry["expression"] = []string{i.Expression}
		}
		issues = append(issues, entry)
	}
	if len(issues) == 0 {
		issues = append(issues, map[string]any{
			"severity":    string(SeverityInformation),
			"code":        "informational",
			"diagnostics": fmt.Sprintf("%s: no issues found", o.File),
		})
	}
	return map[string]any{"resourceType": "OperationOutcome", "issue": issues}
}
