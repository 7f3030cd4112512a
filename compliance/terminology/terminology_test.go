package terminology

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Published LOINC codes: 8867-4 heart rate, 29463-7 body weight, 8310-5 body temperature,
// 85354-9 blood pressure panel, 718-7 hemoglobin, 4548-4 hemoglobin A1c and 2339-0 glucose.
// Published SNOMED CT concepts: 22298006 myocardial infarction, 38341003 hypertensive
// disorder, 73211009 diabetes mellitus, 44054006 type 2 diabetes, 195967001 asthma and
// 11000001102, a concept of the UK extension (namespace 1000001).
var (
	validLOINC  = []string{"8867-4", "29463-7", "8310-5", "85354-9", "718-7", "4548-4", "2339-0"}
	validSNOMED = []string{"22298006", "38341003", "73211009", "44054006", "195967001", "11000001102"}
	// CMS's NPI check-digit requirements compute the check digit 3 for 123456789.
	validNPI = []string{"1234567893"}
)

func hasError(issues []Issue) bool {
	for _, issue := range issues {
		if issue.Severity == SeverityError {
			return true
		}
	}
	return false
}

func codes(issues []Issue) []string {
	var result []string
	for _, issue := range issues {
		result = append(result, issue.Code)
	}
	return result
}

func TestLOINCCheckDigitGuideExample(t *testing.T) {
	digit, ok := LOINCCheckDigit("12345")
	require.True(t, ok)
	assert.Equal(t, 5, digit, "the LOINC Users' Guide computes 5 for 12345")
}

func TestValidCodesPass(t *testing.T) {
	for _, code := range validLOINC {
		assert.Empty(t, CheckCode(SystemLOINC, code), "LOINC %s", code)
	}
	for _, code := range validSNOMED {
		assert.Empty(t, CheckCode(SystemSNOMED, code), "SNOMED CT %s", code)
	}
	for _, code := range validNPI {
		assert.Empty(t, CheckCode(SystemNPI, code), "NPI %s", code)
		assert.Empty(t, CheckIdentifier(SystemNPI, code), "NPI %s", code)
	}
}

// corruptions returns every string that differs from s in exactly one digit.
func corruptions(s string) []string {
	var result []string
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			continue
		}
		for d := byte('0'); d <= '9'; d++ {
			if d != s[i] {
				result = append(result, s[:i]+string(d)+s[i+1:])
			}
		}
	}
	return result
}

func TestSingleDigitCorruptionsFail(t *testing.T) {
	tests := []struct {
		system string
		codes  []string
	}{
		{SystemLOINC, validLOINC},
		{SystemSNOMED, validSNOMED},
		{SystemNPI, validNPI},
	}
	for _, tt := range tests {
		for _, valid := range tt.codes {
			for _, corrupted := range corruptions(valid) {
				assert.True(t, hasError(CheckCode(tt.system, corrupted)), "%s: %s (from %s) should be rejected", tt.system, corrupted, valid)
			}
		}
	}
}

func TestLOINCIssues(t *testing.T) {
	tests := []struct {
		code string
		rule string
	}{
		{"8867-5", "loinc-check-digit"},
		{"8867", "loinc-format"},
		{"88674", "loinc-format"},
		{"8867-45", "loinc-format"},
		{"abc-4", "loinc-format"},
		{"", "loinc-format"},
		{"12345678-9", "loinc-format"},
	}
	for _, tt := range tests {
		issues := CheckCode(SystemLOINC, tt.code)
		require.Len(t, issues, 1, "LOINC %q", tt.code)
		assert.Equal(t, tt.rule, issues[0].Code, "LOINC %q", tt.code)
		assert.Equal(t, SeverityError, issues[0].Severity)
		assert.Equal(t, "code-invalid", issues[0].Type)
	}
	assert.Contains(t, CheckCode(SystemLOINC, "8867-5")[0].Message, "is 4")
}

func TestLOINCPublishedExceptionsAccepted(t *testing.T) {
	for code := range loincInvalidCheckDigits {
		number, check, _ := strings.Cut(code, "-")
		computed, _ := LOINCCheckDigit(number)
		assert.NotEqual(t, int(check[0]-'0'), computed, "%s is listed as having a wrong check digit", code)
		assert.Empty(t, CheckCode(SystemLOINC, code), "%s is published and accepted", code)
	}
}

func TestSNOMEDPartitions(t *testing.T) {
	// 100005, 100014 and 100022 have valid Verhoeff digits in the partitions 00 (concept),
	// 01 (description) and 02 (relationship).
	assert.Empty(t, CheckCode(SystemSNOMED, "100005"))
	assert.Equal(t, []string{"snomed-partition"}, codes(CheckCode(SystemSNOMED, "100014")))
	assert.Contains(t, CheckCode(SystemSNOMED, "100014")[0].Message, "description")
	assert.Equal(t, []string{"snomed-partition"}, codes(CheckCode(SystemSNOMED, "100022")))
	assert.Contains(t, CheckCode(SystemSNOMED, "100022")[0].Message, "relationship")

	// A valid Verhoeff digit with a reserved partition 05.
	base := "10005"
	digit, ok := VerhoeffCheckDigit(base)
	require.True(t, ok)
	reserved := base + string(rune('0'+digit))
	require.True(t, VerhoeffValid(reserved))
	assert.Equal(t, []string{"snomed-partition"}, codes(CheckCode(SystemSNOMED, reserved)))
}

func TestSNOMEDFormatIssues(t *testing.T) {
	tests := []struct {
		code string
		rule string
	}{
		{"22298007", "snomed-check-digit"},
		{"2229800", "snomed-check-digit"},
		{"12345", "snomed-format"},
		{"1234567890123456789", "snomed-format"},
		{"022298006", "snomed-format"},
		{"22298OO6", "snomed-format"},
		{"", "snomed-format"},
	}
	for _, tt := range tests {
		issues := CheckCode(SystemSNOMED, tt.code)
		require.Len(t, issues, 1, "SNOMED CT %q", tt.code)
		assert.Equal(t, tt.rule, issues[0].Code, "SNOMED CT %q", tt.code)
	}
	expression := CheckCode(SystemSNOMED, "22298006:363698007=74281007")
	require.Len(t, expression, 1)
	assert.Equal(t, SeverityInformation, expression[0].Severity)
}

func TestVerhoeffKnownValues(t *testing.T) {
	// 236 has the Verhoeff check digit 3.
	digit, ok := VerhoeffCheckDigit("236")
	require.True(t, ok)
	assert.Equal(t, 3, digit)
	assert.True(t, VerhoeffValid("2363"))
	assert.False(t, VerhoeffValid("2364"))
	assert.False(t, VerhoeffValid("23a3"))
}

func TestICD10CM(t *testing.T) {
	valid := []string{"E11.9", "I21.4", "U07.1", "S72.001A", "C4A.0", "Z79.4", "J45", "O09.521", "T38.3X6A"}
	for _, code := range valid {
		assert.Empty(t, CheckCode(SystemICD10CM, code), "ICD-10-CM %s", code)
	}
	invalid := []string{"E1.9", "e11.9", "E11.12345", "11.9", "E11.", "EE1.9", "E11.9-", "E11 9", ""}
	for _, code := range invalid {
		issues := CheckCode(SystemICD10CM, code)
		assert.True(t, hasError(issues), "ICD-10-CM %q should be rejected", code)
	}
	undotted := CheckCode(SystemICD10CM, "E119")
	require.Len(t, undotted, 1)
	assert.Equal(t, SeverityWarning, undotted[0].Severity)
	assert.Contains(t, undotted[0].Message, "E11.9")
}

func TestICD10WHO(t *testing.T) {
	assert.Empty(t, CheckCode(SystemICD10, "E11.9"))
	assert.True(t, hasError(CheckCode(SystemICD10, "S72.001A")), "WHO ICD-10 has one character after the dot")
	assert.True(t, hasError(CheckCode(SystemICD10, "E11.A")))
}

func TestUnknownSystemHasNoIssues(t *testing.T) {
	assert.Nil(t, CheckCode("http://example.org/codes", "anything"))
	assert.Nil(t, CheckIdentifier("http://example.org/ids", "anything"))
	assert.False(t, KnownCodeSystem("http://example.org/codes"))
	assert.True(t, KnownCodeSystem(SystemLOINC))
	assert.True(t, KnownIdentifierSystem("urn:oid:2.16.840.1.113883.4.1"))
}

func TestSSN(t *testing.T) {
	assert.Empty(t, CheckIdentifier(SystemSSN, "123-45-6789"))
	assert.Empty(t, CheckIdentifier(SystemSSN, "123456789"))
	tests := []struct {
		value string
		rules []string
	}{
		{"000-12-3456", []string{"ssn-area"}},
		{"666-12-3456", []string{"ssn-area"}},
		{"912-34-5678", []string{"ssn-area"}},
		{"123-00-4567", []string{"ssn-group"}},
		{"123-45-0000", []string{"ssn-serial"}},
		{"078-05-1120", []string{"ssn-published"}},
		{"12-345-6789", []string{"ssn-format"}},
		{"12345678", []string{"ssn-format"}},
		{"1234567890", []string{"ssn-format"}},
		{"123-45-678A", []string{"ssn-format"}},
		{"000-00-0000", []string{"ssn-area", "ssn-group", "ssn-serial"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.rules, codes(CheckIdentifier(SystemSSN, tt.value)), "SSN %s", tt.value)
	}
}

func TestIdentifierMessagesMaskValue(t *testing.T) {
	values := map[string]string{
		SystemSSN: "912-34-5678",
		SystemNPI: "1234567890",
		SystemMBI: "1EG4-TE5-MK7Z",
	}
	for system, value := range values {
		issues := CheckIdentifier(system, value)
		require.NotEmpty(t, issues, "%s %s", system, value)
		compact := strings.ReplaceAll(value, "-", "")
		for _, issue := range issues {
			assert.NotContains(t, issue.Message, value, "%s message must not contain the value", system)
			assert.NotContains(t, issue.Message, compact, "%s message must not contain the value", system)
			assert.Contains(t, issue.Message, compact[len(compact)-4:], "%s message shows the last four characters", system)
		}
	}
	assert.Contains(t, CheckIdentifier(SystemSSN, "912-34-5678")[0].Message, "***-**-5678")
}

func TestMask(t *testing.T) {
	assert.Equal(t, "***-**-6789", Mask("123-45-6789"))
	assert.Equal(t, "*****6789", Mask("123456789"))
	assert.Equal(t, "****", Mask("1234"))
	assert.Equal(t, "", Mask(""))
}

func TestNPI(t *testing.T) {
	digit, ok := NPICheckDigit("123456789")
	require.True(t, ok)
	assert.Equal(t, 3, digit)
	assert.Equal(t, []string{"npi-check-digit"}, codes(CheckIdentifier(SystemNPI, "1234567890")))
	assert.Equal(t, []string{"npi-format"}, codes(CheckIdentifier(SystemNPI, "123456789")))
	assert.Equal(t, []string{"npi-format"}, codes(CheckIdentifier(SystemNPI, "3234567893")))
	assert.Equal(t, []string{"npi-format"}, codes(CheckIdentifier("urn:oid:2.16.840.1.113883.4.6", "12345678AB")))
}

func TestMBI(t *testing.T) {
	// 1EG4-TE5-MK73 is the example in CMS's "Understanding the MBI format".
	assert.Empty(t, CheckIdentifier(SystemMBI, "1EG4-TE5-MK73"))
	assert.Empty(t, CheckIdentifier(SystemMBI, "1EG4TE5MK73"))
	invalid := map[string]string{
		"0EG4TE5MK73":  "character 1",
		"1SG4TE5MK73":  "character 2",
		"1EG4TE5MK7Z":  "character 11",
		"1EGATE5MK73":  "character 4",
		"1eg4te5mk73":  "upper case",
		"1EG4TE5MK7":   "11 characters",
		"1EG4-TE5MK73": "11 characters",
	}
	for value, want := range invalid {
		issues := CheckIdentifier(SystemMBI, value)
		require.Len(t, issues, 1, "MBI %s", value)
		assert.Contains(t, issues[0].Message, want, "MBI %s", value)
	}
}
