package render

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit writes one test suite "hmsci gates" with one test case per gate,
// so that any CI shows the gates natively. A failed blocking gate is a
// failure, an advisory failure passes with the details in system-out, and
// a gate without value is skipped with the reason. PHI and tokens are
// masked.
func JUnit(w io.Writer, r *gates.Result) error {
	return writeJUnit(w, redacted(r))
}

// writeJUnit renders a result that redacted has already masked.
func writeJUnit(w io.Writer, r *gates.Result) error {
	suite := junitSuite{Name: "hmsci gates", Time: "0"}
	for _, v := range r.Verdicts {
		tc := junitCase{Name: v.Gate, Classname: "hmsci.gates", Time: "0"}
		detail := fmt.Sprintf("%s: measured %s, threshold %s", v.Title, v.Measured, v.Threshold)
		switch v.Status {
		case gates.StatusFailed:
			suite.Failures++
			tc.Failure = &junitFailure{
				Message: detail,
				Type:    "blocking gate failed",
				Text:    junitText(v),
			}
		case gates.StatusWarned:
			tc.SystemOut = "advisory gate failed: " + detail + "\n" + junitText(v)
		case gates.StatusNotEvaluated:
			suite.Skipped++
			tc.Skipped = &junitSkipped{Message: "not evaluated: " + v.Reason}
		default:
			tc.SystemOut = detail
		}
		suite.Cases = append(suite.Cases, tc)
	}
	suite.Tests = len(suite.Cases)
	doc := junitSuites{Name: "hmsci", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Suites: []junitSuite{suite}}

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func junitText(v gates.Verdict) string {
	var lines []string
	if v.Next != "" {
		lines = append(lines, "next step: "+v.Next)
	}
	if len(v.Reports) > 0 {
		lines = append(lines, "reports: "+strings.Join(v.Reports, ", "))
	}
	return strings.Join(lines, "\n")
}
