package fhir

import (
	"github.com/hms-enterprise/hmsci/compliance/terminology"
)

// checkCodingTerminology checks Coding.system and Coding.code with the
// offline rules of the terminology package (LOINC and SNOMED CT check
// digits, ICD-10 format, NPI).
func (v *validator) checkCodingTerminology(val *Value, w walk) {
	system, code := val.String("system"), val.Member("code")
	if system == "" || code == nil || code.Kind != KindString || code.Text == "" {
		return
	}
	for _, is := range terminology.CheckCode(system, code.Text) {
		// The terminology package quotes codes in full; below person data
		// the code may be a misplaced value, so it is masked here.
		msg := is.Message
		if w.phi {
			msg = maskIn(msg, code.Text)
		}
		v.add(terminologySeverity(is.Severity), is.Type, RuleTerminology, code, v.child(w.expr, "code"), "%s", msg)
	}
}

// checkIdentifierTerminology checks Identifier.value when
// Identifier.system names a US identifier system (SSN, NPI, MBI). The
// terminology package masks the value in its messages. A failed check is a
// warning unless Options.StrictIdentifiers is set, because test data
// commonly carries made-up identifiers. The HL7 validator reported no error
// for such NPIs in its recorded test cases. A failed code check keeps the
// package's severity.
func (v *validator) checkIdentifierTerminology(val *Value, w walk) {
	system, value := val.String("system"), val.Member("value")
	if system == "" || value == nil || value.Kind != KindString || value.Text == "" {
		return
	}
	for _, is := range terminology.CheckIdentifier(system, value.Text) {
		sev := terminologySeverity(is.Severity)
		if sev == SeverityError && !v.opts.StrictIdentifiers {
			sev = SeverityWarning
		}
		v.add(sev, is.Type, RuleTerminology, value, v.child(w.expr, "value"), "%s", is.Message)
	}
}

func terminologySeverity(s terminology.Severity) Severity {
	switch s {
	case terminology.SeverityError:
		return SeverityError
	case terminology.SeverityWarning:
		return SeverityWarning
	default:
		return SeverityInformation
	}
}
