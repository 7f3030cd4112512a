package terminology

import "strings"

// NPICheckDigit computes the check digit of the first nine digits of a National Provider
// Identifier: the Luhn check digit of those digits prefixed with 80840, the ISO 7812 issuer
// prefix that CMS assigned to the NPI.
func NPICheckDigit(first9 string) (int, bool) {
	if len(first9) != 9 || !allDigits(first9) {
		return 0, false
	}
	return luhnCheckDigit("80840" + first9), true
}

// luhnCheckDigit computes the Luhn (mod 10) check digit to append to a digit string.
func luhnCheckDigit(digits string) int {
	sum := 0
	double := true // the rightmost payload digit is doubled
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}

func checkNPI(value string) []Issue {
	masked := Mask(value)
	if len(value) != 10 || !allDigits(value) {
		return []Issue{valueIssue(SeverityError, "npi-format", "invalid NPI %s: an NPI has exactly 10 digits", masked)}
	}
	if value[0] != '1' && value[0] != '2' {
		return []Issue{valueIssue(SeverityError, "npi-format", "invalid NPI %s: an NPI starts with 1 or 2", masked)}
	}
	expected, _ := NPICheckDigit(value[:9])
	if int(value[9]-'0') != expected {
		return []Issue{valueIssue(SeverityError, "npi-check-digit",
			"invalid NPI %s: the Luhn check digit does not match; check the number for a typing error", masked)}
	}
	return nil
}

// knownInvalidSSNs are numbers that were published in advertising and are not valid for any
// person: 078-05-1120 (the Woolworth wallet card) and 219-09-9999 (a Social Security Board
// pamphlet).
var knownInvalidSSNs = map[string]bool{"078051120": true, "219099999": true}

// checkSSN checks the structure of a Social Security number: nine digits, written plain or as
// AAA-GG-SSSS. It rejects an all-zero group or serial, the area numbers the SSA never assigns
// (000 and 666) and the areas 900 to 999, which are used for ITINs and not for SSNs.
func checkSSN(value string) []Issue {
	masked := Mask(value)
	digits := value
	if len(value) == 11 && value[3] == '-' && value[6] == '-' {
		digits = value[:3] + value[4:6] + value[7:]
	}
	if len(digits) != 9 || !allDigits(digits) {
		return []Issue{valueIssue(SeverityError, "ssn-format", "invalid SSN %s: expected nine digits, written as 123456789 or 123-45-6789", masked)}
	}
	area, group, serial := digits[:3], digits[3:5], digits[5:]
	var issues []Issue
	switch {
	case area == "000":
		issues = append(issues, valueIssue(SeverityError, "ssn-area", "invalid SSN %s: the area number 000 is never assigned", masked))
	case area == "666":
		issues = append(issues, valueIssue(SeverityError, "ssn-area", "invalid SSN %s: the area number 666 is never assigned", masked))
	case area[0] == '9':
		issues = append(issues, valueIssue(SeverityError, "ssn-area", "invalid SSN %s: area numbers 900 to 999 are not used for SSNs (ITINs use them)", masked))
	}
	if group == "00" {
		issues = append(issues, valueIssue(SeverityError, "ssn-group", "invalid SSN %s: the group number 00 is never assigned", masked))
	}
	if serial == "0000" {
		issues = append(issues, valueIssue(SeverityError, "ssn-serial", "invalid SSN %s: the serial number 0000 is never assigned", masked))
	}
	if knownInvalidSSNs[digits] {
		issues = append(issues, valueIssue(SeverityError, "ssn-published",
			"invalid SSN %s: this number was published in advertising and is not assigned to a person", masked))
	}
	return issues
}

// mbiLetters are the letters a Medicare Beneficiary Identifier may contain: A to Z without
// S, L, O, I, B and Z, which CMS excludes because they look like digits.
const mbiLetters = "ACDEFGHJKMNPQRTUVWXY"

// mbiPattern gives the character class of each of the 11 MBI positions: 'C' a digit 1-9,
// 'N' a digit 0-9, 'A' an MBI letter, 'X' an MBI letter or a digit.
const mbiPattern = "CAXNAXNAANN"

// checkMBI checks the format of a Medicare Beneficiary Identifier, as CMS specifies it: 11
// characters; the display form with hyphens after the 4th and 7th characters is accepted.
func checkMBI(value string) []Issue {
	masked := Mask(value)
	compact := value
	if len(value) == 13 && value[4] == '-' && value[8] == '-' {
		compact = value[:4] + value[5:8] + value[9:]
	}
	if len(compact) != 11 {
		return []Issue{valueIssue(SeverityError, "mbi-format", "invalid MBI %s: an MBI has 11 characters", masked)}
	}
	if strings.ToUpper(compact) != compact {
		return []Issue{valueIssue(SeverityError, "mbi-format", "invalid MBI %s: letters in an MBI are upper case", masked)}
	}
	for i := 0; i < len(compact); i++ {
		c := compact[i]
		ok := false
		switch mbiPattern[i] {
		case 'C':
			ok = c >= '1' && c <= '9'
		case 'N':
			ok = isDigit(c)
		case 'A':
			ok = strings.IndexByte(mbiLetters, c) >= 0
		case 'X':
			ok = isDigit(c) || strings.IndexByte(mbiLetters, c) >= 0
		}
		if !ok {
			return []Issue{valueIssue(SeverityError, "mbi-format",
				"invalid MBI %s: character %d is not allowed there (%s)", masked, i+1, mbiPositionRule(mbiPattern[i]))}
		}
	}
	return nil
}

func mbiPositionRule(class byte) string {
	switch class {
	case 'C':
		return "expected a digit 1 to 9"
	case 'N':
		return "expected a digit"
	case 'A':
		return "expected a letter other than S, L, O, I, B or Z"
	}
	return "expected a digit or a letter other than S, L, O, I, B or Z"
}
