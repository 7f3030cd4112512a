package phi

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rulesOf scans one input and returns "rule@line" for each finding.
func rulesOf(t *testing.T, name, text string) []string {
	t.Helper()
	rep, err := ScanBytes(context.Background(), name, []byte(text), Options{})
	require.NoError(t, err)
	var out []string
	for _, f := range rep.Findings {
		out = append(out, f.RuleID+"@"+strconv.Itoa(f.Line))
	}
	return out
}

func TestScanContextRules(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             []string
	}{
		{"formatted ssn without context", "a.txt", "id 536-22-1234 here", []string{"phi/ssn@1"}},
		{"bare ssn needs keyword", "a.txt", "id 536221234 here", nil},
		{"bare ssn with keyword", "a.txt", "ssn 536221234", []string{"phi/ssn@1"}},
		{"mixed separators rejected", "a.txt", "id 536-22.1234", nil},
		{"phone needs context", "a.txt", "range 617-234-1234", nil},
		{"phone with key", "a.yaml", "phone: 617-234-1234", []string{"phi/phone@1"}},
		{"npi needs context", "a.txt", "ts 1234567893", nil},
		{"timestamp not dob", "a.txt", "created 1984-03-15", nil},
		{"dob with keyword", "a.txt", "DOB 1984-03-15", []string{"phi/dob@1"}},
		{"uuid ignored", "a.txt", "id 123e4567-e89b-12d3-a456-426614174000", nil},
		{"version ignored", "a.txt", "v1.22.333 and 10.0.0.1:8080", nil},
		{"email needs context", "a.txt", "author jane@hospital.org", nil},
		{"email with keyword", "a.txt", "email jane@hospital.org", []string{"phi/email@1"}},
		{"weak name outside patient", "a.yaml", "name: Deploy Service", nil},
		{"weak name inside patient", "a.yaml", "patient:\n  name: Maria Gonzalez", []string{"phi/name@2"}},
		{"icd alone", "a.txt", "codes E11.9 and I10", nil},
		{"mbi dashed", "a.txt", "medicare 1EG4-TE5-MK72.", []string{"phi/mbi@1"}},
		{"csv columns", "p.csv", "ssn,dob\n536221234,03/15/1984", []string{"phi/dob@2", "phi/ssn@2"}},
		{"sql columns", "s.sql", "INSERT INTO patients (mrn, full_name) VALUES ('A1234567', 'Ann Lee');", []string{"phi/mrn@1", "phi/name@1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := rulesOf(t, tt.file, tt.text)
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

func TestScanHL7CarriageReturns(t *testing.T) {
	msg := "MSH|^~\\&|A|B|C|D|20250101||ADT^A01|1|P|2.5\rPID|1||00482913^^^H^MR||DOE^MARIA||19840315|F|||12 Elm St^^Boston^MA^02110||(617)234-1234||||||536221234\rDG1|1||E11.9^Dm^I10\r"
	got := rulesOf(t, "m.hl7", msg)
	// Each segment is a line of its own, as editors show it.
	for _, r := range []string{RuleHL7PID, RuleMRN, RuleName, RuleDOB, RuleAddress, RulePhone, RuleSSN} {
		assert.Contains(t, got, r+"@2")
	}
	assert.Contains(t, got, RuleICD+"@3")
	// A second message without a PID does not pair its diagnosis.
	got = rulesOf(t, "m.hl7", "MSH|^~\\&|A|B|C|D|1||ORU^R01|2|P|2.5\rDG1|1||E11.9^Dm^I10\r")
	assert.Empty(t, got)
}

func TestScanFHIRPatient(t *testing.T) {
	doc := `{"resourceType": "Patient",
 "identifier": [{"system": "http://hl7.org/fhir/sid/us-ssn", "value": "536-22-1234"}],
 "name": [{"family": "Gonzalez", "given": ["Maria"]}],
 "birthDate": "1984-03-15"}`
	got := rulesOf(t, "p.json", doc)
	assert.ElementsMatch(t, []string{"phi/fhir-patient@1", "phi/ssn@2", "phi/name@3", "phi/name@3", "phi/dob@4"}, got)
	rep, err := ScanBytes(context.Background(), "p.json", []byte(doc), Options{})
	require.NoError(t, err)
	assert.Equal(t, "FHIR Patient resource with 4 identifiers (dob, name, ssn)", rep.Findings[0].Message)

	practitioner := `{"resourceType": "Practitioner", "name": [{"family": "Gonzalez", "given": ["Maria"]}]}`
	assert.Empty(t, rulesOf(t, "p.json", practitioner), "names outside a Patient are not PHI")
}

func TestScanNDJSONPatients(t *testing.T) {
	doc := `{"resourceType": "Patient", "name": [{"family": "Gonzalez", "given": ["Maria"]}]}
{"resourceType": "Patient", "birthDate": "1984-03-15"}
`
	got := rulesOf(t, "patients.ndjson", doc)
	assert.ElementsMatch(t, []string{"phi/fhir-patient@1", "phi/name@1", "phi/name@1", "phi/fhir-patient@2", "phi/dob@2"}, got)
}

func TestScanCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := ScanFS(ctx, fstest.MapFS{"a.txt": {Data: []byte("x")}}, Options{})
	require.ErrorIs(t, err, context.Canceled)
}

func TestScanLogExposure(t *testing.T) {
	tests := []struct {
		name, file, text string
		want             int
	}{
		{"go field", "a.go", `log.Printf("x %s", p.SSN)`, 1},
		{"go masked", "a.go", `log.Printf("x %s", mask(p.SSN))`, 0},
		{"go id only", "a.go", `log.Printf("x %s", patient.ID)`, 0},
		{"go errorf is not logging", "a.go", `fmt.Errorf("x %s", p.SSN)`, 0},
		{"go fprintf to stderr", "a.go", `fmt.Fprintf(os.Stderr, "x %s", p.SSN)`, 1},
		{"go fprintf to a writer", "a.go", `fmt.Fprintf(w, "x %s", p.SSN)`, 0},
		{"js template", "a.ts", "console.log(`x ${patient.dateOfBirth}`)", 1},
		{"js string only", "a.ts", `console.log("patient ssn missing")`, 0},
		{"java getter", "A.java", `LOG.info("x {}", p.getSsn());`, 1},
		{"python object", "a.py", `print("saving", patient)`, 1},
		{"python f-string masked", "a.py", `logger.info(f"{redact(patient.mrn)}")`, 0},
		{"custom mask function", "a.go", `log.Print(hospital.Scrub(p.SSN))`, 1},
		{"node stdout write", "a.ts", `process.stdout.write(patient.name + '\n')`, 1},
		{"python stderr write", "a.py", `sys.stderr.write(patient.ssn)`, 1},
		{"stream write of plain text", "a.ts", `process.stdout.write('done\n')`, 0},
		{"other write method", "a.ts", `file.write(patient.ssn)`, 0},
		{"name of another object", "a.ts", `console.log(service.name)`, 0},
		{"local copy", "a.ts", "const s = patient.ssn;\nconsole.info('value', s)", 1},
		{"local copy in template", "a.ts", "const s = patient.ssn;\nconsole.info(`value ${s}`)", 1},
		{"go local copy", "a.go", "s := p.SSN\nlog.Println(s)", 1},
		{"local copy masked", "a.ts", "const s = patient.ssn;\nconsole.info(mask(s))", 0},
		{"local reassigned", "a.ts", "let s = patient.ssn;\ns = other.id;\nconsole.info(s)", 0},
		{"comparison is no copy", "a.ts", "if (s == patient.ssn) console.info(s)", 0},
		{"compound assignment is no copy", "a.ts", "s += patient.ssn;\nconsole.info(s)", 0},
		{"field assignment is no copy", "a.ts", "this.s = patient.ssn;\nconsole.info(s)", 0},
		{"python local copy", "a.py", "s = patient.ssn\nprint(s)", 1},
		{"local of no phi", "a.ts", "const s = order.total;\nconsole.info(s)", 0},
		{"local far away", "a.ts", "const s = patient.ssn;\n" + strings.Repeat("// filler line\n", 300) + "console.info(s)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			for _, r := range rulesOf(t, tt.file, tt.text) {
				if strings.HasPrefix(r, RuleLogExposure) {
					n++
				}
			}
			assert.Equal(t, tt.want, n)
		})
	}
	rep, err := ScanBytes(context.Background(), "a.go", []byte(`log.Print(hospital.Scrub(p.SSN))`), Options{MaskFunctions: []string{"hospital.Scrub"}})
	require.NoError(t, err)
	assert.Empty(t, rep.Findings, "a policy mask function masks")
}

func TestScanSkipsAndCounts(t *testing.T) {
	fsys := fstest.MapFS{
		"src/a.txt":                 {Data: []byte("ssn 536-22-1234\n")},
		"src/bin.dat":               {Data: []byte("ssn 536-22-1234\x00\x01")},
		"vendor/lib/x.txt":          {Data: []byte("ssn 536-22-1234\n")},
		"node_modules/y/z.js":       {Data: []byte("ssn 536-22-1234\n")},
		"gen/model.pb.go":           {Data: []byte("ssn 536-22-1234\n")},
		"gen/types.go":              {Data: []byte("// Code generated by tool. DO NOT EDIT.\nssn 536-22-1234\n")},
		"big/dump.txt":              {Data: []byte(strings.Repeat("x", 2048) + " ssn 536-22-1234")},
		"skip/excluded/private.txt": {Data: []byte("ssn 536-22-1234\n")},
	}
	rep, err := ScanFS(context.Background(), fsys, Options{MaxFileSize: 1024, Exclude: []string{"skip/**"}})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.FilesScanned)
	assert.Equal(t, map[SkipReason]int{SkipBinary: 1, SkipVendored: 2, SkipGenerated: 2, SkipTooLarge: 1, SkipExcluded: 1}, rep.Skipped)
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, "src/a.txt", rep.Findings[0].Path)
	assert.Equal(t, 1, rep.Blocking())
}

func TestInlineSuppression(t *testing.T) {
	text := "ssn 536-22-1234 # hmsci:allow-phi documented example\n" +
		"# hmsci:allow-phi\n" +
		"ssn 536-22-4321\n"
	rep, err := ScanBytes(context.Background(), "a.txt", []byte(text), Options{})
	require.NoError(t, err)
	var rules []string
	for _, f := range rep.Findings {
		rules = append(rules, f.RuleID)
		switch f.Line {
		case 1:
			assert.True(t, f.Suppressed)
			assert.Equal(t, "inline: documented example", f.SuppressionReason)
			assert.Equal(t, false, f.Properties["blocking"])
		case 3:
			assert.False(t, f.Suppressed, "a suppression without a reason suppresses nothing")
		}
	}
	assert.ElementsMatch(t, []string{RuleSSN, RuleAllowNoReason, RuleSSN}, rules)
	assert.Equal(t, 2, rep.Blocking())
}

func TestAllowlistAndBaseline(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	require.NoError(t, os.MkdirAll(filepath.Join(src, "fixtures"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "fixtures", "a.txt"), []byte("ssn 536-22-1234\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(src, "b.txt"), []byte("ssn 536-22-4321\nssn 536-22-9999\n"), 0o644))

	allow := filepath.Join(dir, "allow.yaml")
	require.NoError(t, os.WriteFile(allow, []byte("allow:\n  - path: \"fixtures/**\"\n    reason: reviewed fixtures\n"), 0o644))
	rep, err := Scan(context.Background(), src, Options{AllowlistPath: allow})
	require.NoError(t, err)
	require.Len(t, rep.Findings, 3)
	assert.Equal(t, 2, rep.Blocking())
	assert.Equal(t, 1, rep.Suppressed())

	baseline := filepath.Join(dir, "baseline.json")
	require.NoError(t, WriteBaseline(baseline, rep))
	require.NoError(t, os.WriteFile(filepath.Join(src, "c.txt"), []byte("ssn 536-22-5555\n"), 0o644))
	rep, err = Scan(context.Background(), src, Options{AllowlistPath: allow, BaselinePath: baseline})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Blocking(), "only the new exposure blocks")
	for _, f := range rep.Findings {
		if f.Path == "c.txt" {
			assert.False(t, f.Suppressed)
		} else {
			assert.True(t, f.Suppressed, f.Path)
		}
	}
}

func TestAllowlistErrors(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"missing reason", "allow:\n  - path: \"a/**\"\n", "line 2: entry 1 has no reason"},
		{"no selector", "allow:\n  - reason: x\n", "line 2: entry 1 needs a path glob, a fingerprint or a value pattern (match)"},
		{"unknown rule", "allow:\n  - path: a\n    rule: phi/zip\n    reason: x\n", `unknown rule "phi/zip"`},
		{"unknown key", "allow:\n  - paths: a\n", "field paths not found"},
		{"bad glob", "allow:\n  - path: \"a/[\"\n    reason: x\n", "invalid path glob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "allow.yaml")
			require.NoError(t, os.WriteFile(p, []byte(tt.yaml), 0o644))
			_, err := LoadAllowlist(p)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "allow.yaml")
		})
	}
}

func TestBaselineErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "b.json")
	require.NoError(t, os.WriteFile(p, []byte(`{"version": 2, "tool": "hmsci-phi", "findings": []}`), 0o644))
	_, err := LoadBaseline(p)
	require.ErrorContains(t, err, "unsupported version 2")
	require.NoError(t, os.WriteFile(p, []byte(`{"version": 1, "findings": [{"rule": "phi/ssn"}]}`), 0o644))
	_, err = LoadBaseline(p)
	require.ErrorContains(t, err, "finding 1 has no fingerprint")
}

func TestFingerprintStableAcrossLineMoves(t *testing.T) {
	a, err := ScanBytes(context.Background(), "a.txt", []byte("ssn 536-22-1234\n"), Options{})
	require.NoError(t, err)
	b, err := ScanBytes(context.Background(), "a.txt", []byte("\n\nintro\nssn 536-22-1234\n"), Options{})
	require.NoError(t, err)
	require.Len(t, a.Findings, 1)
	require.Len(t, b.Findings, 1)
	assert.Equal(t, a.Findings[0].Fingerprint, b.Findings[0].Fingerprint)
	assert.NotContains(t, a.Findings[0].Fingerprint, "1234")
}

func TestSyntheticBlockingPolicy(t *testing.T) {
	text := []byte("ssn 912-22-1234\n")
	rep, err := ScanBytes(context.Background(), "a.txt", text, Options{})
	require.NoError(t, err)
	require.Len(t, rep.Findings, 1)
	assert.Equal(t, "low", rep.Findings[0].Severity.String())
	assert.Equal(t, 0, rep.Blocking())
	rep, err = ScanBytes(context.Background(), "a.txt", text, Options{SyntheticBlocking: true})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Blocking())
}

// TestScanLongLinesStayLinear feeds one-line inputs whose keywords,
// numbers, keys and findings would take minutes to scan with a quadratic
// step; linear code takes well under a second even on a loaded machine.
func TestScanLongLinesStayLinear(t *testing.T) {
	inputs := map[string]string{
		"keys.txt":     strings.Repeat("ssn 536-22-1234 name: Ann Lee dob 1984-03-15 ", 20000),
		"nodelim.yaml": strings.Repeat("name: name: patient: ", 40000),
		"calls.go":     strings.Repeat("log.Print(f(g(h(x)))) ", 40000),
		"icd.csv":      "ssn,dx\n" + strings.Repeat("536-22-1234,E11.9\n", 20000),
		"emails.txt":   "email " + strings.Repeat("a@b.co", 100000),
		"deep.json":    strings.Repeat(`{"patient":`, 500) + "[" + strings.Repeat(`"Ann Lee",`, 50000) + `"x"]` + strings.Repeat("}", 500),
	}
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := ScanBytes(context.Background(), name, []byte(text), Options{MaxFileSize: 8 << 20})
			require.NoError(t, err)
			assert.Less(t, time.Since(start), 20*time.Second)
		})
	}
}
