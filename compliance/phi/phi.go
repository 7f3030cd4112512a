// Package phi scans source trees for exposed protected health information
// and for code that logs it, and reports masked findings.
package phi

import (
	"github.com/hms-enterprise/hmsci/gates"
)

// ToolName is the Tool of every finding this package reports.
const ToolName = "hmsci-phi"

// Rule identifiers. They are stable: SARIF consumers and baselines key on them.
const (
	RuleSSN           = "phi/ssn"
	RuleMBI           = "phi/mbi"
	RuleNPI           = "phi/npi"
	RuleDEA           = "phi/dea"
	RuleCard          = "phi/credit-card"
	RuleMRN           = "phi/mrn"
	RuleDOB           = "phi/dob"
	RulePhone         = "phi/phone"
	RuleEmail         = "phi/email"
	RuleAddress       = "phi/address"
	RuleName          = "phi/name"
	RuleICD           = "phi/icd10-with-identifier"
	RuleHL7PID        = "phi/hl7v2-pid"
	RuleFHIRPatient   = "phi/fhir-patient"
	RuleLogExposure   = "phi/log-exposure"
	RuleAllowNoReason = "phi/allow-without-reason"
	RulePath          = "phi/path"
)

// Rule describes one detector.
type Rule struct {
	ID string
	// Name is a short title, such as "US Social Security number".
	Name string
	// Description is what the rule detects and how it validates.
	Description string
	// Severity applies to values that can belong to a real person;
	// synthetic values are reported at SeverityLow.
	Severity gates.Severity
}

// Rules lists every rule in a fixed order.
var Rules = []Rule{
	{RuleSSN, "US Social Security number", "Nine digits as 3-2-4, or bare under an SSN key or keyword; area not 000 or 666, group not 00, serial not 0000. Area 900-999 and advertising numbers are synthetic.", gates.SeverityHigh},
	{RuleMBI, "Medicare Beneficiary Identifier", "Eleven characters in the CMS MBI layout (digit 1-9, letters without S, L, O, I, B, Z at fixed positions), with or without dashes.", gates.SeverityHigh},
	{RuleNPI, "National Provider Identifier", "Ten digits starting with 1 or 2 under an NPI key or keyword, with a Luhn check digit over the 80840 prefix.", gates.SeverityMedium},
	{RuleDEA, "DEA registration number", "Registrant-type letter, a letter or 9, six digits and a check digit (d1+d3+d5 + 2*(d2+d4+d6)) mod 10.", gates.SeverityMedium},
	{RuleCard, "Payment card number", "12-19 digits that pass the Luhn check and match a card network's issuer prefix and length; published test numbers are synthetic.", gates.SeverityHigh},
	{RuleMRN, "Medical record or health-plan number", "A record, account or member number under a key, column, HL7 field or keyword that names it.", gates.SeverityMedium},
	{RuleDOB, "Date of birth", "A valid calendar date under a birth-date key, column, HL7 PID-7, FHIR birthDate or keyword.", gates.SeverityMedium},
	{RulePhone, "Phone or fax number", "A North American number (area code and exchange 2-9) or an international number under a phone key or keyword; 555-01xx and area code 555 are synthetic.", gates.SeverityMedium},
	{RuleEmail, "E-mail address", "An address under an e-mail key or keyword or inside a patient record; reserved example domains are synthetic.", gates.SeverityMedium},
	{RuleAddress, "Street address", "A house number and street name under an address key, column, HL7 PID-11 or FHIR Patient.address.", gates.SeverityMedium},
	{RuleName, "Person name", "Capitalized words under a patient-name key or column, HL7 PID-5 or FHIR Patient.name; placeholder and Synthea-style names are synthetic.", gates.SeverityMedium},
	{RuleICD, "Diagnosis tied to an identifier", "An ICD-10-CM code in the same record as a patient identifier.", gates.SeverityHigh},
	{RuleHL7PID, "HL7 v2 PID segment with identifiers", "A PID segment whose fields carry patient identifiers, parsed by field position.", gates.SeverityHigh},
	{RuleFHIRPatient, "FHIR Patient resource with identifiers", "A FHIR R4 Patient resource whose elements carry patient identifiers.", gates.SeverityHigh},
	{RuleLogExposure, "Code that logs PHI", "A logging or print call in Go, JavaScript/TypeScript, Java or Python whose arguments read a PHI field or a patient object outside a masking function.", gates.SeverityHigh},
	{RuleAllowNoReason, "Suppression without a reason", "An inline hmsci:allow-phi comment with no reason; it suppresses nothing.", gates.SeverityMedium},
	{RulePath, "PHI in a file or folder name", "A file or folder name that contains a value another rule detects, such as a formatted SSN; every finding shows that name masked.", gates.SeverityHigh},
}

var rulesByID = func() map[string]*Rule {
	m := map[string]*Rule{}
	for i := range Rules {
		m[Rules[i].ID] = &Rules[i]
	}
	return m
}()
