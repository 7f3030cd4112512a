package phi

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// realisticSSN returns a valid-format SSN outside the synthetic ranges.
func realisticSSN(rng *rand.Rand) string {
	for {
		d := []byte(fmt.Sprintf("%03d%02d%04d", 1+rng.IntN(898), 1+rng.IntN(98), 1+rng.IntN(9998)))
		if ssnValid(d) && ssnSynthetic(d) == "" {
			return fmt.Sprintf("%s-%s-%s", d[0:3], d[3:5], d[5:9])
		}
	}
}

// visaNumber returns a 16-digit Visa number with a valid Luhn check digit.
func visaNumber(rng *rand.Rand) string {
	d := []byte("4")
	for len(d) < 15 {
		d = append(d, byte('0'+rng.IntN(10)))
	}
	for c := byte('0'); c <= '9'; c++ {
		if full := append(append([]byte(nil), d...), c); luhnValid(full) && cardSynthetic(full) == "" {
			return string(full)
		}
	}
	panic("no Luhn digit")
}

// validNPI returns a ten-digit NPI with a valid check digit.
func validNPI(rng *rand.Rand) string {
	for {
		d := []byte(fmt.Sprintf("1%09d", rng.IntN(1_000_000_000)))
		if npiValid(d) && !exampleNPIs[string(d)] {
			return string(d)
		}
	}
}

func TestMaskTextHidesIdentifiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	ssn := realisticSSN(rng)
	card := visaNumber(rng)
	grouped := card[0:4] + " " + card[4:8] + " " + card[8:12] + " " + card[12:16]
	npi := validNPI(rng)
	tests := []struct {
		name, in, value, want string
	}{
		{"ssn in a sentence", "Found SSN " + ssn + " for patient", ssn, "Found SSN ***-**-" + ssn[7:] + " for patient"},
		{"ssn in a file name", "exports/" + ssn + "_Vandermeer.txt", ssn, "exports/***-**-" + ssn[7:] + "_Vandermeer.txt"},
		{"ssn in a route", "route GET /fhir/Patient/" + ssn + "/x is public", ssn, ""},
		{"ssn after a query key", "/search?ssn=" + strings.ReplaceAll(ssn, "-", ""), strings.ReplaceAll(ssn, "-", ""), ""},
		{"mbi", "beneficiary 1EG4TE5MK72 enrolled", "1EG4TE5MK72", ""},
		{"grouped card", "card " + grouped + " charged", grouped, ""},
		{"phone", "call (617) 732-3981 today", "732-3981", ""},
		{"date of birth", "DOB 03/14/1957 on file", "03/14/1957", ""},
		{"e-mail", "email: jane.roe@mercy-hospital.org", "jane.roe@mercy-hospital.org", ""},
		{"npi", "NPI " + npi + " billed", npi, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := MaskText(tt.in)
			assert.NotContains(t, got, tt.value)
			if tt.want != "" {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

func TestMaskTextKeepsOrdinaryText(t *testing.T) {
	for _, s := range []string{
		"",
		"coverage 83.42 % (>= 85 %)",
		"CVE-2024-12345 in lodash 4.17.20",
		"src/patients/service.ts:143:5",
		"docker.io/library/node:22.12.0-bookworm@sha256:0e910f435308c36ea60b4cfd7b80208044d77a074d16b768a81901ce938a62dc",
		"step k6 not run: no Dagger engine",
		"2026-12-04T22:05:12Z took 1m0s",
	} {
		assert.Equal(t, s, MaskText(s))
	}
}

func TestMaskTextMergesOverlaps(t *testing.T) {
	// The plain pass and the separator pass both find the SSN; it is
	// masked once, not twice.
	rng := rand.New(rand.NewPCG(1, 2))
	ssn := realisticSSN(rng)
	got := MaskText("a " + ssn + " b/" + ssn + "_c")
	assert.Equal(t, "a ***-**-"+ssn[7:]+" b/***-**-"+ssn[7:]+"_c", got)
}

func BenchmarkMaskText(b *testing.B) {
	rng := rand.New(rand.NewPCG(3, 4))
	messages := []string{
		"Found SSN " + realisticSSN(rng) + " and token for patient",
		"route GET /fhir/Patient/" + realisticSSN(rng) + "/x is declared public",
		"Container may run as root: set runAsNonRoot: true in deploy/k8s/app.yaml",
		"coverage 83.42 % (>= 85 %)",
	}
	total := 0
	for _, m := range messages {
		total += len(m)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range messages {
			MaskText(m)
		}
	}
}

// FuzzMaskText checks that masking never panics and replaces bytes one for
// one, so masked text keeps its layout.
func FuzzMaskText(f *testing.F) {
	for _, seed := range []string{"", "SSN 212-67-4321", "a/212-67-4321_b", "MSH|^~\\&|", "email: a@b.org", "(617) 732-3981 x12", "\xff\xfe1EG4TE5MK72"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := MaskText(s)
		if len(got) != len(s) {
			t.Fatalf("MaskText(%q) = %q: length changed", s, got)
		}
	})
}
