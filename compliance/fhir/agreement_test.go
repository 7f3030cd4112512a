package fhir

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

type testCaseManifest struct {
	Cases []struct {
		Name           string `json:"name"`
		File           string `json:"file"`
		JavaErrorCount int    `json:"java_error_count"`
	} `json:"cases"`
}

// TestAgreementWithHL7Validator compares the error / no-error verdict with
// the outcome the HL7 Java validator recorded for each official test case.
func TestAgreementWithHL7Validator(t *testing.T) {
	dir := filepath.Join("testdata", "fhir-test-cases")
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	require.NoError(t, err)
	var man testCaseManifest
	require.NoError(t, json.Unmarshal(raw, &man))
	require.NotEmpty(t, man.Cases)

	agree := 0
	for _, c := range man.Cases {
		data, err := os.ReadFile(filepath.Join(dir, "cases", c.File))
		require.NoError(t, err)
		out := ValidateBytes(c.File, data)
		javaError := c.JavaErrorCount > 0
		ours := out.Errors() > 0
		if ours == javaError {
			agree++
			continue
		}
		t.Logf("disagreement %s (%s): HL7 validator errors=%d, hmsci errors=%d", c.Name, c.File, c.JavaErrorCount, out.Errors())
		for _, is := range out.Issues {
			if is.Severity.IsError() {
				t.Logf("    %s %s %s: %s", is.Rule, is.Expression, is.Diagnostics(), is.Message)
			}
		}
	}
	ratio := float64(agree) / float64(len(man.Cases))
	t.Logf("agreement with the HL7 validator: %d of %d cases (%.1f %%)", agree, len(man.Cases), 100*ratio)
	require.GreaterOrEqual(t, ratio, 0.95, "agreement below 95 %%")
}
