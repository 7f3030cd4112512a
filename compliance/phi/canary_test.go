package phi

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// canaryTree writes files in every supported format, dense with valid
// identifiers, and returns the values planted, so tests can assert that no
// output contains any of them.
func canaryTree(t *testing.T, dir string) []string {
	t.Helper()
	g := gen{r: rand.New(rand.NewPCG(7, 7))}
	var values []string
	plant := func(v string) string {
		values = append(values, v)
		if d := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, v); len(d) >= 9 && d != v {
			values = append(values, d)
		}
		return v
	}
	files := map[string]*strings.Builder{}
	w := func(name, format string, args ...any) {
		if files[name] == nil {
			files[name] = &strings.Builder{}
		}
		fmt.Fprintf(files[name], format, args...)
	}
	w("patients.csv", "first_name,last_name,ssn,dob,phone,email,address,mrn,card_number,medicare_id,npi,dea\n")
	w("patients.json", "{\"patients\": [\n")
	w("seed.sql", "INSERT INTO patients (full_name, ssn, date_of_birth, mrn) VALUES\n")
	for i := 0; i < 30; i++ {
		first, last := g.first(), g.last()
		name := plant(first + " " + last)
		ssn := plant(g.ssn("-"))
		dob := plant(g.dobISO())
		phone := plant(g.phone())
		email := plant(g.email(first, last))
		addr := plant(g.street())
		mrn := plant(g.mrn())
		card := plant(g.card(g.pick("visa", "mastercard", "amex", "discover")))
		mbi := plant(g.mbi())
		npi := plant(g.npi())
		dea := plant(g.dea())
		w("patients.csv", "%s,%s,%s,%s,%s,%s,\"%s\",%s,%s,%s,%s,%s\n", first, last, ssn, dob, phone, email, addr, mrn, card, mbi, npi, dea)
		sep := ","
		if i == 29 {
			sep = ""
		}
		w("patients.json", "  {\"name\": %q, \"ssn\": %q, \"dob\": %q, \"phone\": %q, \"email\": %q, \"mbi\": %q}%s\n", name, ssn, dob, phone, email, mbi, sep)
		end := ","
		if i == 29 {
			end = ";"
		}
		w("seed.sql", "  ('%s', '%s', '%s', '%s')%s\n", name, ssn, dob, mrn, end)
		w("app.log", "2025-01-01T00:00:00Z WARN lookup failed ssn=%s email %s phone %s card %s\n", ssn, email, phone, groupCard(card, " "))
		w("notes.md", "Patient %s, SSN %s, Medicare %s. # hmsci:allow-phi reviewed %s\n", name, ssn, dashMBI(mbi), ssn)
		hl7ssn := strings.ReplaceAll(ssn, "-", "")
		plant(hl7ssn)
		w("adt.hl7", "MSH|^~\\&|A|B|C|D|20250101||ADT^A01|%d|P|2.5\rPID|1||%s^^^H^MR||%s^%s||%s|F|||%s^^X^IL^62701||%s|||||%s|%s\rDG1|1||E11.9^Dm^I10\r",
			i, mrn, strings.ToUpper(last), strings.ToUpper(first), strings.ReplaceAll(dob, "-", ""), addr, phone, mrn, hl7ssn)
	}
	w("patients.json", "]}\n")
	w("service.py", "def f(patient):\n    logger.info(\"ssn %%s\", patient.ssn)\n    print(patient)\n")
	// Exports named after the patient: the SSN in the folder and file
	// names must be masked in every finding's path.
	folderSSN := plant(g.ssn("-"))
	fileSSN := plant(g.ssn("-"))
	w(filepath.ToSlash(filepath.Join("exports", "ssn_"+folderSSN, fileSSN+"_export.txt")), "ssn %s\n", plant(g.ssn("-")))
	for name, b := range files {
		if b.Len() == 0 {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(b.String()), 0o644))
	}
	return values
}

func requireNoValue(t *testing.T, what string, output []byte, values []string) {
	t.Helper()
	for _, v := range values {
		require.False(t, bytes.Contains(output, []byte(v)), "%s contains a planted value (its masked form is shown here only as its length %d)", what, len(v))
	}
}

func TestCanaryNoValueInAnyOutput(t *testing.T) {
	dir := t.TempDir()
	values := canaryTree(t, dir)
	require.Greater(t, len(values), 300)

	baseline := filepath.Join(t.TempDir(), "baseline.json")
	for _, synthBlocking := range []bool{false, true} {
		rep, err := Scan(context.Background(), dir, Options{SyntheticBlocking: synthBlocking})
		require.NoError(t, err)
		require.Greater(t, len(rep.Findings), 300)
		for _, format := range []string{FormatSARIF, FormatJSON, FormatText} {
			var out bytes.Buffer
			require.NoError(t, Render(&out, rep, format))
			requireNoValue(t, format+" output", out.Bytes(), values)
		}
		require.NoError(t, WriteBaseline(baseline, rep))
		data, err := os.ReadFile(baseline)
		require.NoError(t, err)
		requireNoValue(t, "baseline file", data, values)
	}

	// Inline suppression reasons are printed, so digits in them are masked.
	rep, err := Scan(context.Background(), dir, Options{})
	require.NoError(t, err)
	suppressed := 0
	for _, f := range rep.Findings {
		if f.Suppressed {
			suppressed++
			requireNoValue(t, "suppression reason", []byte(f.SuppressionReason), values)
		}
	}
	require.Positive(t, suppressed)

	// Errors name files and lines, never values.
	bad := filepath.Join(t.TempDir(), "allow.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("allow:\n  - fingerprint: "+values[1]+"\n"), 0o644))
	_, err = Scan(context.Background(), dir, Options{AllowlistPath: bad})
	require.Error(t, err)
	require.Contains(t, err.Error(), "line 2")
	requireNoValue(t, "allowlist error", []byte(err.Error()), values)
}
