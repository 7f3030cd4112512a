package reports_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

func ExampleParseFile() {
	rep, err := reports.ParseFile("testdata/real/lcov.info")
	if err != nil {
		fmt.Println(err)
		return
	}
	phi, err := rep.Coverage.Match([]string{"src/phi/**"})
	if err != nil {
		fmt.Println(err)
		return
	}
	lines, _ := phi.LinePercent()
	branches, _ := phi.BranchPercent()
	fmt.Printf("%s: PHI modules %.2f %% lines, %.2f %% branches\n", rep.Format, lines, branches)
	// Output: lcov: PHI modules 80.00 % lines, 75.00 % branches
}

func ExampleScanSARIF() {
	path := "testdata/real/eslint.sarif"
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	high := 0
	tools, err := reports.ScanSARIF(path, bytes.NewReader(data), func(finding gates.Finding) error {
		if finding.Severity >= gates.SeverityHigh && !finding.Suppressed {
			high++
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tools, "high or critical:", high)
	// Output: [ESLint] high or critical: 2
}

func ExampleParse_truncated() {
	_, err := reports.Parse("coverage/lcov.info", strings.NewReader("SF:src/a.js\nDA:1,1\n"))
	fmt.Println(err)
	// Output: parse lcov report "coverage/lcov.info" line 2: unexpected end of file: the report is truncated: record for "src/a.js" has no end_of_record (value "src/a.js")
}
