package terminology

import (
	"strings"
)

// loincInvalidCheckDigits are the deprecated LOINC codes whose published check digit does not
// match the Mod 10 algorithm; the LOINC Users' Guide (section 12 C, 2023) lists them as a known
// issue, so they are accepted as published.
var loincInvalidCheckDigits = map[string]bool{
	"11491-6": true, "11501-6": true, "5895-7": true, "5896-5": true, "5897-3": true,
	"5928-1": true, "6028-3": true, "6415-5": true, "6580-7": true, "6645-7": true,
	"6646-5": true, "6647-3": true, "6648-1": true, "6649-9": true,
}

// LOINCCheckDigit computes the Mod 10 check digit of the numeric part of a LOINC code, as the
// LOINC Users' Guide defines it: counting from the right, the digits in odd positions are
// doubled, and the digits of those products and of the even-position digits are summed; the
// check digit brings the sum up to the next multiple of 10.
func LOINCCheckDigit(number string) (int, bool) {
	if !allDigits(number) {
		return 0, false
	}
	sum := 0
	position := 0
	for i := len(number) - 1; i >= 0; i-- {
		position++
		digit := int(number[i] - '0')
		if position%2 == 1 {
			doubled := digit * 2
			sum += doubled/10 + doubled%10
		} else {
			sum += digit
		}
	}
	return (10 - sum%10) % 10, true
}

func checkLOINC(code string) []Issue {
	if code == "" {
		return []Issue{codeIssue(SeverityError, "loinc-format", "the LOINC code is empty")}
	}
	// LOINC parts (LP...) and answers (LA...) use a different check-digit scheme.
	if strings.HasPrefix(code, "LP") || strings.HasPrefix(code, "LA") || strings.HasPrefix(code, "LG") || strings.HasPrefix(code, "LL") {
		return checkLOINCPartFormat(code)
	}
	number, check, found := strings.Cut(code, "-")
	if !found || !allDigits(number) || len(check) != 1 || !allDigits(check) || len(number) > 7 {
		return []Issue{codeIssue(SeverityError, "loinc-format",
			"invalid LOINC code %q: expected 1 to 7 digits, a hyphen and one check digit, such as 8867-4", code)}
	}
	if loincInvalidCheckDigits[code] {
		return nil
	}
	expected, _ := LOINCCheckDigit(number)
	if int(check[0]-'0') != expected {
		return []Issue{codeIssue(SeverityError, "loinc-check-digit",
			"invalid LOINC code %q: the check digit is %s, but the Mod 10 check digit of %s is %d; check the code for a typing error",
			code, check, number, expected)}
	}
	return nil
}

func checkLOINCPartFormat(code string) []Issue {
	number, check, found := strings.Cut(code[2:], "-")
	if !found || !allDigits(number) || len(check) != 1 || !allDigits(check) {
		return []Issue{codeIssue(SeverityError, "loinc-format",
			"invalid LOINC part or answer code %q: expected a prefix such as LA or LP, digits, a hyphen and one check digit", code)}
	}
	return nil
}

// verhoeffMultiply, verhoeffPermute and verhoeffInverse are the tables of the Verhoeff
// check-digit scheme (dihedral group D5), which SNOMED CT uses for SCTIDs.
var verhoeffMultiply = [10][10]int{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
	{1, 2, 3, 4, 0, 6, 7, 8, 9, 5},
	{2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
	{3, 4, 0, 1, 2, 8, 9, 5, 6, 7},
	{4, 0, 1, 2, 3, 9, 5, 6, 7, 8},
	{5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
	{6, 5, 9, 8, 7, 1, 0, 4, 3, 2},
	{7, 6, 5, 9, 8, 2, 1, 0, 4, 3},
	{8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
	{9, 8, 7, 6, 5, 4, 3, 2, 1, 0},
}

var verhoeffPermute = [8][10]int{
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
	{1, 5, 7, 6, 2, 8, 3, 0, 9, 4},
	{5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
	{8, 9, 1, 6, 0, 4, 3, 5, 2, 7},
	{9, 4, 5, 3, 1, 2, 6, 8, 7, 0},
	{4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
	{2, 7, 9, 3, 8, 0, 6, 4, 1, 5},
	{7, 0, 4, 6, 9, 1, 3, 2, 5, 8},
}

var verhoeffInverse = [10]int{0, 4, 3, 2, 1, 5, 6, 7, 8, 9}

// VerhoeffValid reports whether a digit string ends with a correct Verhoeff check digit.
func VerhoeffValid(digits string) bool {
	if !allDigits(digits) {
		return false
	}
	c := 0
	for i := 0; i < len(digits); i++ {
		digit := int(digits[len(digits)-1-i] - '0')
		c = verhoeffMultiply[c][verhoeffPermute[i%8][digit]]
	}
	return c == 0
}

// VerhoeffCheckDigit computes the Verhoeff check digit to append to a digit string.
func VerhoeffCheckDigit(digits string) (int, bool) {
	if !allDigits(digits) {
		return 0, false
	}
	c := 0
	for i := 0; i < len(digits); i++ {
		digit := int(digits[len(digits)-1-i] - '0')
		c = verhoeffMultiply[c][verhoeffPermute[(i+1)%8][digit]]
	}
	return verhoeffInverse[c], true
}

// snomedPartitions names the SCTID partition identifiers: the second and third digits from
// the right. 0x is the short format of the International Release, 1x the long format of an
// extension with a seven-digit namespace identifier.
var snomedPartitions = map[string]string{
	"00": "concept", "01": "description", "02": "relationship",
	"10": "concept", "11": "description", "12": "relationship",
}

func checkSNOMED(code string) []Issue {
	if code == "" {
		return []Issue{codeIssue(SeverityError, "snomed-format", "the SNOMED CT code is empty")}
	}
	if !allDigits(code) {
		// A post-coordinated expression (with : = { } + or |) is valid in a code element but
		// has no single check digit to verify.
		if strings.ContainsAny(code, ":={}+|") {
			return []Issue{codeIssue(SeverityInformation, "snomed-expression",
				"the SNOMED CT code %q is an expression; only its syntax-free parts could be checked, so no check digit was verified", code)}
		}
		return []Issue{codeIssue(SeverityError, "snomed-format",
			"invalid SNOMED CT code %q: an SCTID contains only digits", code)}
	}
	if len(code) < 6 || len(code) > 18 {
		return []Issue{codeIssue(SeverityError, "snomed-format",
			"invalid SNOMED CT code %q: an SCTID has 6 to 18 digits, found %d", code, len(code))}
	}
	if code[0] == '0' {
		return []Issue{codeIssue(SeverityError, "snomed-format",
			"invalid SNOMED CT code %q: an SCTID does not start with 0", code)}
	}
	if !VerhoeffValid(code) {
		expected, _ := VerhoeffCheckDigit(code[:len(code)-1])
		return []Issue{codeIssue(SeverityError, "snomed-check-digit",
			"invalid SNOMED CT code %q: the Verhoeff check digit should be %d, found %c; check the code for a typing error",
			code, expected, code[len(code)-1])}
	}
	partition := code[len(code)-3 : len(code)-1]
	kind, ok := snomedPartitions[partition]
	if !ok {
		return []Issue{codeIssue(SeverityError, "snomed-partition",
			"invalid SNOMED CT code %q: the partition identifier %s is reserved; a concept id has 00 or 10", code, partition)}
	}
	if partition[0] == '1' && len(code) < 11 {
		return []Issue{codeIssue(SeverityError, "snomed-format",
			"invalid SNOMED CT code %q: partition %s needs a seven-digit namespace identifier, so the id has at least 11 digits", code, partition)}
	}
	if kind != "concept" {
		return []Issue{codeIssue(SeverityError, "snomed-partition",
			"invalid SNOMED CT code %q: the partition identifier %s marks a %s id, but a code must be a concept id (partition 00 or 10)", code, partition, kind)}
	}
	return nil
}

// checkICD10 checks the format of an ICD-10-CM code (cm true) or a WHO ICD-10 code: a letter,
// a digit, a digit or letter, then optionally a dot and up to four (ICD-10-CM) or one (WHO)
// further characters.
func checkICD10(code string, cm bool) []Issue {
	name := "ICD-10"
	rule := "icd10-format"
	maxExtension := 1
	if cm {
		name = "ICD-10-CM"
		rule = "icd10cm-format"
		maxExtension = 4
	}
	if code == "" {
		return []Issue{codeIssue(SeverityError, rule, "the %s code is empty", name)}
	}
	if strings.ToUpper(code) != code {
		return []Issue{codeIssue(SeverityError, rule, "invalid %s code %q: letters in %s codes are upper case", name, code, name)}
	}
	category, extension, hasDot := strings.Cut(code, ".")
	// A code written without its dot, such as E119 for E11.9, is common in billing data.
	undotted := false
	if !hasDot && len(code) > 3 {
		category, extension, undotted = code[:3], code[3:], true
	}
	if len(category) != 3 || !isUpperLetter(category[0]) || !isDigit(category[1]) || !(isDigit(category[2]) || isUpperLetter(category[2])) {
		return []Issue{codeIssue(SeverityError, rule,
			"invalid %s code %q: a code starts with a letter, a digit and a digit or letter, such as E11 or C4A", name, code)}
	}
	if hasDot && extension == "" {
		return []Issue{codeIssue(SeverityError, rule, "invalid %s code %q: a dot must be followed by at least one character", name, code)}
	}
	if len(extension) > maxExtension {
		return []Issue{codeIssue(SeverityError, rule,
			"invalid %s code %q: at most %d characters may follow the category, found %d", name, code, maxExtension, len(extension))}
	}
	for i := 0; i < len(extension); i++ {
		if !isDigit(extension[i]) && !isUpperLetter(extension[i]) {
			return []Issue{codeIssue(SeverityError, rule,
				"invalid %s code %q: only digits and upper-case letters may follow the category", name, code)}
		}
	}
	if !cm && len(extension) == 1 && !isDigit(extension[0]) {
		return []Issue{codeIssue(SeverityError, rule, "invalid %s code %q: the subcategory after the dot is a digit", name, code)}
	}
	if undotted {
		return []Issue{codeIssue(SeverityWarning, rule,
			"%s code %q is written without its dot; FHIR expects %s.%s", name, code, category, extension)}
	}
	return nil
}

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isUpperLetter(c byte) bool { return c >= 'A' && c <= 'Z' }
