package fhir

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hms-enterprise/hmsci/compliance/fhir/internal/spec"
	"github.com/stretchr/testify/require"
)

// packageDir returns the directory holding the HL7 npm tarballs, or skips.
func packageDir(t testing.TB) string {
	dir := os.Getenv("HMSCI_FHIR_PACKAGES")
	if dir == "" {
		t.Skip("HMSCI_FHIR_PACKAGES is not set: run `npm pack hl7.fhir.r4.examples@4.0.1 hl7.fhir.r4.expansions@4.0.1` in a directory and point the variable at it")
	}
	if _, err := os.Stat(filepath.Join(dir, spec.ExamplesPackage)); err != nil {
		t.Skipf("npm package missing: %v", err)
	}
	return dir
}

// TestOfficialExamplesFullPackage validates every resource of the examples
// package, when the package is available.
func TestOfficialExamplesFullPackage(t *testing.T) {
	dir := packageDir(t)
	failed := map[string][]Issue{}
	files := 0
	err := spec.ReadPackage(filepath.Join(dir, spec.ExamplesPackage), func(name string, data []byte) error {
		if name == "package.json" || strings.HasPrefix(name, ".") {
			return nil
		}
		files++
		out := ValidateBytes(name, data)
		for _, is := range out.Issues {
			if is.Severity.IsError() {
				failed[name] = append(failed[name], is)
			}
		}
		return nil
	})
	require.NoError(t, err)
	names := make([]string, 0, len(failed))
	for n := range failed {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if publicationFlagged[n] != "" {
			continue
		}
		for _, is := range failed[n] {
			t.Errorf("%s: %s %s: %s", n, is.Rule, is.Expression, is.Diagnostics())
		}
	}
	t.Logf("validated %d files of %s; %d with errors (%d flagged by the publication)", files, spec.ExamplesPackage, len(failed), len(publicationFlagged))
}

// publicationFlagged lists the examples that the R4 publication itself
// reports as invalid, with the reason; docs/fhir.md explains each.
var publicationFlagged = map[string]string{}
