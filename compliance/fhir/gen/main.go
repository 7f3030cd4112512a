// Command gen writes r4.json.gz, the compact FHIR R4 definitions that the
// fhir package embeds, from the HL7 npm packages hl7.fhir.r4.examples@4.0.1
// and hl7.fhir.r4.expansions@4.0.1.
//
// Fetch the packages first, then run it through go generate:
//
//	mkdir -p /tmp/fhir-packages && cd /tmp/fhir-packages &&
//	  npm pack hl7.fhir.r4.examples@4.0.1 hl7.fhir.r4.expansions@4.0.1
//	HMSCI_FHIR_PACKAGES=/tmp/fhir-packages go generate ./compliance/fhir/...
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hms-enterprise/hmsci/compliance/fhir/internal/spec"
)

func main() {
	dir := flag.String("packages", os.Getenv("HMSCI_FHIR_PACKAGES"), "directory that holds the npm tarballs "+spec.ExamplesPackage+" and "+spec.ExpansionsPackage+" (default $HMSCI_FHIR_PACKAGES)")
	out := flag.String("out", "r4.json.gz", "output file")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	if dir == "" {
		return fmt.Errorf("missing package directory: set HMSCI_FHIR_PACKAGES or -packages to a directory where `npm pack hl7.fhir.r4.examples@4.0.1 hl7.fhir.r4.expansions@4.0.1` ran")
	}
	s, err := spec.Build(filepath.Join(dir, spec.ExamplesPackage), filepath.Join(dir, spec.ExpansionsPackage))
	if err != nil {
		return err
	}
	data, err := spec.Encode(s)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("write %q: %w", out, err)
	}
	fmt.Printf("wrote %s: %d types, %d value sets, %d extensions, %d bytes\n", out, len(s.Types), len(s.ValueSets), len(s.Extensions), len(data))
	return nil
}
