package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

// planted holds realistic identifiers generated for one test, in valid
// formats outside the synthetic ranges that the PHI scanner lets through.
type planted struct {
	ssn, ssnDigits, mbi, card, phone, dob, email, npi string
}

func luhnDigit(prefix string) byte {
	for c := byte('0'); c <= '9'; c++ {
		d := prefix + string(c)
		sum, double := 0, false
		for i := len(d) - 1; i >= 0; i-- {
			n := int(d[i] - '0')
			if double {
				if n *= 2; n > 9 {
					n -= 9
				}
			}
			sum += n
			double = !double
		}
		if sum%10 == 0 {
			return c
		}
	}
	panic("no Luhn digit")
}

func newPlanted(seed uint64) planted {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	area := 100 + rng.IntN(565) // 100-664: issued, not 666, not 9xx
	group := 10 + rng.IntN(89)
	serial := 1000 + rng.IntN(8999)
	visa := "4" + fmt.Sprintf("%014d", rng.Int64N(1e14))
	visa += string(luhnDigit(visa))
	npi := "1" + fmt.Sprintf("%08d", rng.IntN(1e8))
	npi += string(luhnDigit("80840" + npi))[0:1]
	mbiLetters := "ACDEFGHJKMNPQRTUVWXY"
	letter := func() byte { return mbiLetters[rng.IntN(len(mbiLetters))] }
	digit := func() byte { return byte('0' + rng.IntN(10)) }
	mbi := []byte{byte('1' + rng.IntN(9)), letter(), digit(), digit(), letter(), digit(), digit(), letter(), letter(), digit(), digit()}
	return planted{
		ssn:       fmt.Sprintf("%03d-%02d-%04d", area, group, serial),
		ssnDigits: fmt.Sprintf("%03d%02d%04d", area, group, serial),
		mbi:       string(mbi),
		card:      visa[0:4] + " " + visa[4:8] + " " + visa[8:12] + " " + visa[12:16],
		phone:     fmt.Sprintf("(617) %03d-%04d", 200+rng.IntN(700), 1000+rng.IntN(8999)),
		dob:       fmt.Sprintf("%02d/%02d/19%02d", 1+rng.IntN(12), 1+rng.IntN(28), 30+rng.IntN(60)),
		email:     fmt.Sprintf("pat%d.vandermeer@mercy-health.org", rng.IntN(1000)),
		npi:       npi,
	}
}

// values lists the planted values as they must never appear in output.
func (p planted) values() []string {
	return []string{p.ssn, p.ssnDigits, p.mbi, p.card, strings.ReplaceAll(p.card, " ", ""), p.phone[6:], p.dob, p.email, p.npi}
}

// leakyResult carries the planted values in every field that a renderer
// prints: paths, messages, reasons, next steps, notes, measured values,
// snippets, suppression reasons, properties and report names.
func leakyResult(p planted) *gates.Result {
	exportPath := "exports/" + p.ssn + "_Vandermeer.txt"
	route := "/fhir/Patient/" + p.ssn + "/detail"
	return &gates.Result{
		Source:  "/home/runner/work/app/app/" + p.ssn,
		Reports: []string{exportPath},
		Phases: []gates.PhaseResult{{Name: "compliance", Steps: []gates.StepResult{{
			Name: "kube-policy", Status: gates.StepErrored,
			Reason:  "1 error occurred:\n\t* deploy/k8s/" + p.ssn + ".yaml:7: document 1: invalid YAML: patient SSN " + p.ssn + "\n\n",
			Reports: []string{"steps/phi-scan/" + p.ssn + ".sarif", "steps/ssn=" + p.ssnDigits + ".sarif"},
			Findings: []gates.Finding{{
				Tool: "hmsci-phi", RuleID: "phi/ssn", Severity: gates.SeverityHigh,
				Message: "US Social Security number ***-**-" + p.ssn[7:], Path: exportPath, Line: 2, Column: 5,
				Snippet: "***-**-" + p.ssn[7:], Properties: map[string]any{"maskedValue": "***-**-" + p.ssn[7:]},
			}, {
				Tool: "hmsci-phi", RuleID: "phi/name", Severity: gates.SeverityMedium,
				Message: "Person name M***** V*********", Path: "exports/Maxime_Vandermeer.csv", Line: 3,
				Properties: map[string]any{"maskedValue": "M***** V*********", "detail": "card " + p.card},
			}},
		}}}},
		Verdicts: []gates.Verdict{{
			Gate: "phi-exposure", Title: "PHI exposure", Status: gates.StatusFailed, Mode: gates.ModeBlocking,
			Measured: "1 finding in " + exportPath, Threshold: "<= 0 findings", Reports: []string{exportPath},
			Next: "remove or mask the PHI value at " + exportPath + ":2 (hmsci-phi phi/ssn)",
		}, {
			Gate: "hipaa-critical", Title: "HIPAA critical violations", Status: gates.StatusNotEvaluated, Mode: gates.ModeBlocking,
			Threshold: "<= 0", Reason: "step hipaa not run: errored: read " + route + ": DOB " + p.dob,
		}},
		Findings: []gates.Finding{{
			Tool: "hmsci-hipaa", RuleID: "hipaa/route-public", Severity: gates.SeverityHigh,
			Message: "route GET " + route + " is declared public", Path: "src/patients/handlers.ts", Line: 143,
		}, {
			Tool: "semgrep", RuleID: "custom.ssn-echo", Severity: gates.SeverityMedium,
			Message: "Found SSN " + p.ssn + " and token ghp_abcdefghijklmnopqrstuvwxyz0123456789 for MBI " + p.mbi +
				", phone " + p.phone + ", email: " + p.email + ", NPI " + p.npi,
			Path: "src/" + p.ssn + "/x.ts", Line: 1, Snippet: "const ssn = '" + p.ssn + "'",
			Suppressed: true, SuppressionReason: "accepted for " + p.ssn,
			Properties: map[string]any{"tags": []string{"ssn " + p.ssn}, "nested": map[string]any{"v": []any{"DOB " + p.dob}}},
		}},
		Notes: []string{"step phi-scan wrote " + exportPath, "card on file " + p.card},
	}
}

func TestRenderingsHidePlantedPHI(t *testing.T) {
	for seed := uint64(1); seed <= 5; seed++ {
		p := newPlanted(seed)
		r := leakyResult(p)
		dir := t.TempDir()
		paths, err := WriteAllWith(dir, r, Options{SourcePrefix: "services/" + p.ssn})
		require.NoError(t, err)
		var table bytes.Buffer
		require.NoError(t, Table(&table, r))
		outputs := map[string]string{"table": table.String()}
		for _, path := range paths {
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			outputs[filepath.Base(path)] = string(data)
		}
		for _, write := range []func(*bytes.Buffer) error{
			func(b *bytes.Buffer) error { return Markdown(b, r) },
			func(b *bytes.Buffer) error { return JSON(b, r) },
			func(b *bytes.Buffer) error { return JUnit(b, r) },
			func(b *bytes.Buffer) error { return SARIF(b, r) },
			func(b *bytes.Buffer) error { return Dashboard(b, r) },
		} {
			var b bytes.Buffer
			require.NoError(t, write(&b))
			outputs[fmt.Sprintf("direct %d", len(outputs))] = b.String()
		}
		for name, out := range outputs {
			for _, v := range p.values() {
				assert.NotContains(t, out, v, "seed %d: %s leaks a planted value", seed, name)
			}
			assert.NotContains(t, out, "ghp_abcdefghijklmnop", name)
		}
		assert.Contains(t, outputs[FileSARIF], `"ruleId":"phi/ssn"`, "rule ids stay")
		masked := "***-**-" + p.ssn[7:]
		assert.Contains(t, outputs[FileSARIF], `"uri":"services/`+masked+`/exports/`+masked+`_Vandermeer.txt"`, "the SSN is masked in the path and the prefix")
		for name, out := range outputs {
			assert.NotContains(t, out, "Maxime_Vandermeer", "%s: a masked name is masked in its own path", name)
		}
		assert.Contains(t, outputs[FileJSON], `"path": "exports/M*****_V*********.csv"`, "a masked name is masked in its path")
	}
}

func TestRedactedLeavesInputUnchanged(t *testing.T) {
	p := newPlanted(9)
	r := leakyResult(p)
	var b bytes.Buffer
	require.NoError(t, JSON(&b, r))
	assert.Contains(t, r.Findings[1].Message, p.ssn, "the caller's result is not modified")
	assert.Contains(t, r.Phases[0].Steps[0].Findings[0].Path, p.ssn)
}

func TestFlattenErrorList(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"one error", "1 error occurred:\n\t* deploy/k8s/broken.yaml:7: document 1: invalid YAML\n\n", "deploy/k8s/broken.yaml:7: document 1: invalid YAML"},
		{"two errors", "2 errors occurred:\n\t* a.yaml:1: bad\n\t* b.yaml:2: worse\n\n", "a.yaml:1: bad; b.yaml:2: worse"},
		{"with prefix", "kube-policy: 2 errors occurred:\n\t* a\n\t* b\n\n", "kube-policy: a; b"},
		{"nested", "2 errors occurred:\n\t* 1 error occurred:\n\t* inner\n\n\n\t* outer\n\n", "inner; outer"},
		{"plain text", "step k6 not run: no Dagger engine", "step k6 not run: no Dagger engine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, flattenErrorList(tt.in))
		})
	}
}

func TestMarkdownFlattensStepErrors(t *testing.T) {
	r := &gates.Result{Phases: []gates.PhaseResult{{Name: "compliance", Steps: []gates.StepResult{{
		Name: "kube-policy", Status: gates.StepErrored,
		Reason: "1 error occurred:\n\t* deploy/k8s/broken.yaml:7: document 1: invalid YAML: did not find expected node content\n\n",
	}}}}}
	var b bytes.Buffer
	require.NoError(t, Markdown(&b, r))
	out := b.String()
	assert.Contains(t, out, "| kube-policy | errored | – | deploy/k8s/broken.yaml:7: document 1: invalid YAML: did not find expected node content |")
	assert.NotContains(t, out, "<br>")
	assert.NotContains(t, out, "\t")
	assert.NotContains(t, out, "occurred")
}

func TestSourceLabel(t *testing.T) {
	r := &gates.Result{Source: "/home/runner/work/hospital/hospital/services/api", Verdicts: []gates.Verdict{{
		Gate: "secrets", Title: "Secrets", Status: gates.StatusPassed, Mode: gates.ModeBlocking,
		Reports: []string{"/home/runner/work/hospital/hospital/services/api", "/home/runner/work/hospital/hospital/services/api/gitleaks.sarif"},
	}}}
	for name, opts := range map[string]Options{"no repository": {}, "in repository": {SourcePrefix: "services/api"}} {
		var md, html bytes.Buffer
		require.NoError(t, MarkdownWith(&md, r, opts))
		require.NoError(t, DashboardWith(&html, r, opts))
		for _, out := range []string{md.String(), html.String()} {
			assert.NotContains(t, out, "/home/runner", name)
		}
		assert.Contains(t, html.String(), "<code>gitleaks.sarif</code>", name)
	}
	var md bytes.Buffer
	require.NoError(t, MarkdownWith(&md, r, Options{SourcePrefix: "services/api"}))
	assert.Contains(t, md.String(), "source `services/api`")
	md.Reset()
	require.NoError(t, Markdown(&md, r))
	assert.Contains(t, md.String(), "source `api`")
}

func TestDashboardPlural(t *testing.T) {
	r := &gates.Result{Verdicts: []gates.Verdict{
		{Gate: "a", Title: "A", Status: gates.StatusFailed, Mode: gates.ModeBlocking},
		{Gate: "b", Title: "B", Status: gates.StatusFailed, Mode: gates.ModeBlocking},
	}}
	var b bytes.Buffer
	require.NoError(t, Dashboard(&b, r))
	assert.Contains(t, b.String(), "Blocked: 2 blocking gates failed.")
	assert.NotContains(t, b.String(), "gate(s)")
}

func TestJSONMasksProperties(t *testing.T) {
	p := newPlanted(3)
	var b bytes.Buffer
	require.NoError(t, JSON(&b, leakyResult(p)))
	var doc struct {
		Findings []gates.Finding `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc))
	require.NotEmpty(t, doc.Findings)
	for _, f := range doc.Findings {
		if f.RuleID == "custom.ssn-echo" {
			assert.Equal(t, []any{"ssn ***-**-" + p.ssn[7:]}, f.Properties["tags"])
			assert.Equal(t, "accepted for ***-**-"+p.ssn[7:], f.SuppressionReason)
		}
	}
}

// manyFindings returns the leaky result with 5,000 more findings whose
// messages and paths all differ, the size of a large monorepo's PHI and
// lint run.
func manyFindings() *gates.Result {
	r := leakyResult(newPlanted(42))
	for i := 0; i < 5000; i++ {
		r.Findings = append(r.Findings, gates.Finding{
			Tool: "eslint", RuleID: "no-unused-vars", Severity: gates.SeverityMedium,
			Message: fmt.Sprintf("'value%d' is assigned a value but never used; patient MRN %d", i, 100000+i),
			Path:    fmt.Sprintf("src/module%d/file%d.ts", i%50, i), Line: i%300 + 1,
		})
	}
	return r
}

// BenchmarkRedactManyFindings measures the masking pass alone.
func BenchmarkRedactManyFindings(b *testing.B) {
	r := manyFindings()
	b.ReportAllocs()
	for b.Loop() {
		redacted(r)
	}
}

// BenchmarkWriteAllManyFindings measures masking plus all five renderings.
func BenchmarkWriteAllManyFindings(b *testing.B) {
	r := manyFindings()
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteAllWith(dir, r, Options{SourcePrefix: "services/api"}); err != nil {
			b.Fatal(err)
		}
	}
}
