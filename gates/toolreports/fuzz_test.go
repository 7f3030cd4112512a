package toolreports

import (
	"os"
	"path/filepath"
	"testing"
)

// fuzzFiles maps each step Parse handles to the report file it reads
// first, so the fuzzer can feed any step one file.
var fuzzFiles = map[string]string{
	"tsc":             "tsc.txt",
	"prettier":        "prettier.txt",
	"sonarqube":       "sonarqube-quality-gate.json",
	"newman":          "migrations.txt",
	"axe":             "axe.json",
	"zap":             "zap.json",
	"image-check":     "image-check.json",
	"conftest-image":  "conftest-image.json",
	"conftest-k8s":    "conftest-k8s.json",
	"kubeconform":     "kubeconform.json",
	"sign":            "cosign-sign.txt",
	"verify":          "cosign-verify.txt",
	"terraform-drift": "terraform-drift.txt",
}

// FuzzParse feeds arbitrary bytes to every step parser: none may panic,
// and a failed parse must mark the step's gates unmeasured.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"real/tsc.txt", "real/prettier.txt", "real/conftest-k8s.json", "real/kubeconform.json",
		"documented/zap.json", "documented/sonarqube-error.json", "documented/terraform-plan-infra_prod.json",
	}
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("up 0\ndown 1\nup-again 0\n"))
	f.Add([]byte("infra 2\n"))
	f.Add([]byte(`[{"url":"http://a/?ssn=1","violations":[{"id":"x","impact":"serious","nodes":[{"target":[["f","#a"]]}]}]}]`))
	f.Add([]byte(`{"user":"0","shells":["/bin/sh"]}`))

	f.Fuzz(func(t *testing.T, data []byte) {
		for step, name := range fuzzFiles {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
			// Companion files read after the first one.
			_ = os.WriteFile(filepath.Join(dir, "cosign-verify.json"), data, 0o600)
			_ = os.WriteFile(filepath.Join(dir, "terraform-plan-infra.json"), data, 0o600)
			analyses, err := Parse(step, dir)
			if len(analyses) != 1 {
				t.Fatalf("%s: %d analyses, want 1", step, len(analyses))
			}
			if err != nil && len(analyses[0].Unmeasured) == 0 {
				t.Fatalf("%s: error %v but no unmeasured gate", step, err)
			}
		}
	})
}

// FuzzMaskMessages checks that masking never panics and never lets an
// SSN through.
func FuzzMaskMessages(f *testing.F) {
	f.Add("patient 123-45-6789 token=abc123XYZ", "http://a/?mrn=00123456")
	f.Add("\x1b[31mred\x1b[0m", "")
	f.Fuzz(func(t *testing.T, a, b string) {
		out := maskMessages([]string{a, b, a + " SSN 123-45-6789"})
		if len(out) != 3 {
			t.Fatalf("%d messages, want 3", len(out))
		}
		_ = maskURL(b)
	})
}
