package phi

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSSNValidation(t *testing.T) {
	tests := []struct {
		in        string
		valid     bool
		synthetic bool
	}{
		{"536221234", true, false},
		{"000221234", false, false},
		{"666221234", false, false},
		{"536001234", false, false},
		{"536220000", false, false},
		{"912221234", true, true},
		{"078051120", true, true},
		{"219099999", true, true},
		{"111111111", true, true},
		{"53622123", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			valid := ssnValid([]byte(tt.in))
			assert.Equal(t, tt.valid, valid)
			if valid {
				assert.Equal(t, tt.synthetic, ssnSynthetic([]byte(tt.in)) != "")
			}
		})
	}
}

func TestNPIValidation(t *testing.T) {
	assert.True(t, npiValid([]byte("1234567893")), "CMS worked example")
	assert.False(t, npiValid([]byte("1234567890")), "wrong check digit")
	assert.False(t, npiValid([]byte("3234567893")), "first digit must be 1 or 2")
	assert.False(t, npiValid([]byte("123456789")), "nine digits")
}

func TestDEAValidation(t *testing.T) {
	// AB1234563: 1+3+5 + 2*(2+4+6) = 33, check digit 3.
	assert.True(t, deaValid([]byte("AB1234563")))
	assert.False(t, deaValid([]byte("AB1234564")), "wrong check digit")
	assert.False(t, deaValid([]byte("IB1234563")), "I is no registrant type")
	assert.True(t, deaValid([]byte("A91234563")), "9 as second character for businesses")
	assert.False(t, deaValid([]byte("Ab1234563")), "lower-case second letter")
}

func TestMBIValidation(t *testing.T) {
	assert.True(t, mbiValid([]byte("1EG4TE5MK73")))
	assert.False(t, mbiValid([]byte("0EG4TE5MK73")), "first digit 0")
	assert.False(t, mbiValid([]byte("1SG4TE5MK73")), "S is excluded")
	assert.False(t, mbiValid([]byte("1EG4TE5MK7A")), "position 11 must be a digit")
	assert.False(t, mbiValid([]byte("1EGATE5MK73")), "position 4 must be a digit")
}

func TestCardValidation(t *testing.T) {
	tests := []struct {
		in    string
		brand string
	}{
		{"4111111111111111", "visa"},
		{"5555555555554444", "mastercard"},
		{"2223003122003222", "mastercard"},
		{"378282246310005", "amex"},
		{"6011111111111117", "discover"},
		{"3530111333300000", "jcb"},
		{"30569309025904", "diners"},
		{"1234567812345670", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.True(t, luhnValid([]byte(tt.in)))
			assert.Equal(t, tt.brand, cardBrand([]byte(tt.in)))
		})
	}
	assert.False(t, luhnValid([]byte("4111111111111112")))
	assert.NotEmpty(t, cardSynthetic([]byte("4242424242424242")))
}

func TestPhoneAndEmailSynthetic(t *testing.T) {
	assert.NotEmpty(t, phoneSynthetic([]byte("6175550134")))
	assert.Empty(t, phoneSynthetic([]byte("6175550234")), "555-02xx is assignable")
	assert.NotEmpty(t, phoneSynthetic([]byte("5552341234")))
	assert.NotEmpty(t, phoneSynthetic([]byte("5550111")), "seven-digit 555-01xx")
	assert.Empty(t, phoneSynthetic([]byte("5550211")))
	assert.True(t, nanpValid([]byte("6172341234")))
	assert.False(t, nanpValid([]byte("1172341234")))
	assert.False(t, nanpValid([]byte("6171341234")))
	assert.NotEmpty(t, emailSynthetic("Example.COM"))
	assert.NotEmpty(t, emailSynthetic("clinic.test"))
	assert.Empty(t, emailSynthetic("mercyhealth.org"))
}

func TestDateAndICDValidation(t *testing.T) {
	assert.True(t, dateValid([]byte("1984-03-15"), false))
	assert.True(t, dateValid([]byte("03/15/1984"), false))
	assert.True(t, dateValid([]byte("19840315"), true))
	assert.False(t, dateValid([]byte("19840315"), false), "compact dates need a key")
	assert.False(t, dateValid([]byte("1985-02-29"), false), "not a leap year")
	assert.True(t, dateValid([]byte("1984-02-29"), false))
	assert.False(t, dateValid([]byte("13/45/1990"), false))
	assert.True(t, icd10Valid([]byte("E11.9")))
	assert.True(t, icd10Valid([]byte("S72.001A")))
	assert.True(t, icd10Valid([]byte("I10")))
	assert.False(t, icd10Valid([]byte("U07.1")), "U codes are reserved")
	assert.False(t, icd10Valid([]byte("E11.")))
}

func TestMaskStyles(t *testing.T) {
	assert.Equal(t, "***-**-6789", mask("536-22-6789", maskLast4))
	assert.Equal(t, "**** **** **** 1111", mask("4111 1111 1111 1111", maskLast4))
	assert.Equal(t, "****-**-**", mask("1984-03-15", maskAll))
	assert.Equal(t, "M**** G*******", mask("Maria Gonzalez", maskInitials))
	assert.Equal(t, "*****", mask("Maria", maskInitials), "a single word keeps no initial")
	assert.Equal(t, "m****@********.org", mask("maria@hospital.org", maskEmail))
	assert.Equal(t, "*****", mask("12345", maskLast4), "short values keep nothing")
}
