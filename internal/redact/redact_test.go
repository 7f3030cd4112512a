package redact

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTokens(t *testing.T) {
	tests := []struct{ in, want string }{
		{"key AKIAIOSFODNN7EXAMPLE here", "key AKIA******** here"},
		{"ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_********"},
		{"CVE-2024-12345 in lodash", "CVE-2024-12345 in lodash"},
		{"GHSA-abcd-1234-wxyz", "GHSA-abcd-1234-wxyz"},
		{"src/patients/service123456789.ts", "src/patients/service123456789.ts"},
		{"no-unused-vars", "no-unused-vars"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Tokens(tt.in), tt.in)
	}
}

func TestText(t *testing.T) {
	got := Text("Found SSN 212-67-4321 and token ghp_abcdefghijklmnopqrstuvwxyz0123456789")
	assert.Equal(t, "Found SSN ***-**-4321 and token ghp_********", got)
}

func TestPath(t *testing.T) {
	tests := []struct {
		name, path string
		masked     []string
		want       string
	}{
		{"ssn in a file name", "exports/212-67-4321_notes.txt", nil, "exports/***-**-4321_notes.txt"},
		{"long name kept", "db/migrations/0001_create_patients_table2024.sql", nil, "db/migrations/0001_create_patients_table2024.sql"},
		{"masked name shape", "exports/Jonas_Vandermeer.txt", []string{"J**** V*********"}, "exports/J****_V*********.txt"},
		{"shape needs word bounds", "exports/XJonas_Vandermeer.txt", []string{"J**** V*********"}, "exports/XJonas_Vandermeer.txt"},
		{"all-star shape ignored", "src/handlers.ts", []string{"********"}, "src/handlers.ts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Path(tt.path, tt.masked...))
		})
	}
}

func TestMaskShape(t *testing.T) {
	assert.Equal(t, "mail j*******@*******.org now", MaskShape("mail jane.roe@example.org now", "j*******@*******.org"))
	assert.Equal(t, "a b", MaskShape("a b", "J*** S****"), "shorter text")
	assert.Equal(t, "x/J***-S****/J***_S****", MaskShape("x/John-Smith/Jane_Sloan", "J*** S****"))
}
