// Package terminology checks the syntax and check digits of clinical codes (LOINC, SNOMED CT,
// ICD-10-CM) and US identifiers (SSN, NPI, MBI) offline, without a terminology server.
package terminology

import (
	"fmt"
	"strings"
)

// Severity is the severity of an [Issue], with the names of FHIR OperationOutcome.issue.severity.
type Severity string

// Severities used by the checks.
const (
	SeverityError       Severity = "error"
	SeverityWarning     Severity = "warning"
	SeverityInformation Severity = "information"
)

// Issue is one problem with a code or an identifier.
type Issue struct {
	Severity Severity
	// Code is a stable rule id such as "loinc-check-digit", for SARIF rules and filtering.
	Code string
	// Type is the FHIR OperationOutcome issue type: "code-invalid" for codes, "value" for
	// identifiers.
	Type string
	// Message describes the problem. For identifiers it shows only a masked value.
	Message string
}

// Code system and identifier system URIs that the checks recognize.
const (
	SystemLOINC    = "http://loinc.org"
	SystemSNOMED   = "http://snomed.info/sct"
	SystemICD10CM  = "http://hl7.org/fhir/sid/icd-10-cm"
	SystemICD10    = "http://hl7.org/fhir/sid/icd-10"
	SystemSSN      = "http://hl7.org/fhir/sid/us-ssn"
	SystemNPI      = "http://hl7.org/fhir/sid/us-npi"
	SystemMBI      = "http://hl7.org/fhir/sid/us-mbi"
	oidSSN         = "urn:oid:2.16.840.1.113883.4.1"
	oidNPI         = "urn:oid:2.16.840.1.113883.4.6"
	oidMBI         = "urn:oid:2.16.840.1.113883.4.927"
	issueTypeCode  = "code-invalid"
	issueTypeValue = "value"
)

// CheckCode checks a code from a Coding or code element against the rules of its system. It
// returns no issue for a valid code or for a system it does not know.
func CheckCode(system, code string) []Issue {
	switch strings.TrimSpace(system) {
	case SystemLOINC:
		return checkLOINC(code)
	case SystemSNOMED:
		return checkSNOMED(code)
	case SystemICD10CM:
		return checkICD10(code, true)
	case SystemICD10:
		return checkICD10(code, false)
	case SystemNPI, oidNPI:
		return checkNPI(code)
	}
	return nil
}

// CheckIdentifier checks an Identifier value against the rules of the US identifier system
// its system URI names. It returns no issue for a valid value or an unknown system. Messages
// never contain the full value: at most its last four characters.
func CheckIdentifier(system, value string) []Issue {
	switch strings.TrimSpace(system) {
	case SystemSSN, oidSSN:
		return checkSSN(value)
	case SystemNPI, oidNPI:
		return checkNPI(value)
	case SystemMBI, oidMBI:
		return checkMBI(value)
	}
	return nil
}

// KnownCodeSystem reports whether CheckCode has rules for the system.
func KnownCodeSystem(system string) bool {
	switch strings.TrimSpace(system) {
	case SystemLOINC, SystemSNOMED, SystemICD10CM, SystemICD10, SystemNPI, oidNPI:
		return true
	}
	return false
}

// KnownIdentifierSystem reports whether CheckIdentifier has rules for the system.
func KnownIdentifierSystem(system string) bool {
	switch strings.TrimSpace(system) {
	case SystemSSN, oidSSN, SystemNPI, oidNPI, SystemMBI, oidMBI:
		return true
	}
	return false
}

// Mask hides all but the last four characters of an identifier value, keeping separators
// such as '-' so the reader sees the shape: "123-45-6789" becomes "***-**-6789". Values of
// four characters or fewer are hidden completely.
func Mask(value string) string {
	runes := []rune(value)
	keep := 4
	if len(runes) <= keep {
		return strings.Repeat("*", len(runes))
	}
	var b strings.Builder
	for i, r := range runes {
		switch {
		case i >= len(runes)-keep:
			b.WriteRune(r)
		case r == '-' || r == ' ':
			b.WriteRune(r)
		default:
			b.WriteByte('*')
		}
	}
	return b.String()
}

func codeIssue(severity Severity, rule, format string, args ...any) Issue {
	return Issue{Severity: severity, Code: rule, Type: issueTypeCode, Message: fmt.Sprintf(format, args...)}
}

func valueIssue(severity Severity, rule, format string, args ...any) Issue {
	return Issue{Severity: severity, Code: rule, Type: issueTypeValue, Message: fmt.Sprintf(format, args...)}
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
