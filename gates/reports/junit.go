package reports

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Test case statuses.
const (
	TestPassed  = "passed"
	TestFailed  = "failed"
	TestErrored = "errored"
	TestSkipped = "skipped"
)

// SuiteFailureName names the test case that stands for a failure or error
// reported on a whole test suite rather than on one of its cases.
const SuiteFailureName = "(test suite)"

// maxTestMessage bounds the failure message kept per test case.
const maxTestMessage = 300

// TestCounts sums the test cases of a JUnit report by status.
type TestCounts struct {
	Total   int     `json:"total"`
	Passed  int     `json:"passed"`
	Failed  int     `json:"failed"`
	Errored int     `json:"errored"`
	Skipped int     `json:"skipped"`
	Seconds float64 `json:"seconds"`
}

// Counts sums the test cases by status.
func (t *TestSummary) Counts() TestCounts {
	var c TestCounts
	for _, tc := range t.Cases {
		c.Total++
		c.Seconds += tc.Seconds
		switch tc.Status {
		case TestPassed:
			c.Passed++
		case TestFailed:
			c.Failed++
		case TestErrored:
			c.Errored++
		case TestSkipped:
			c.Skipped++
		}
	}
	return c
}

// ParseJUnit parses a JUnit XML report. It accepts a <testsuites> root or a
// single <testsuite> root, nested suites, and the attributes that
// jest-junit, go-junit-report and Playwright write (file on the suite or
// the case, classname, time in seconds). A case with a <failure> child is
// failed, with <error> errored, with <skipped> skipped, and otherwise
// passed. A <failure> or <error> directly inside a <testsuite> (a suite that
// failed to run, such as a Go package that does not build) becomes a case
// named SuiteFailureName, so the failure is counted.
func ParseJUnit(path string, r io.Reader) (*Report, error) {
	s := newXMLStream(path, FormatJUnit, r)
	sum := &TestSummary{Cases: []TestCase{}}
	var suites []suiteInfo
	var current *TestCase
	// suiteLevel is set while current stands for a suite-level failure.
	suiteLevel := false
	// messageText gathers the text of a failure or error that has no
	// message attribute. capturing is set while the parser is inside one.
	var messageText strings.Builder
	capturing := false

	for {
		tok, err := s.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			if len(s.stack) == 1 && name != "testsuites" && name != "testsuite" {
				return nil, s.fail(name, errors.New("invalid JUnit report: root element must be <testsuites> or <testsuite>"))
			}
			switch name {
			case "testsuite":
				info := suiteInfo{}
				info.name, _ = attr(t, "name")
				info.file, _ = attr(t, "file")
				if info.file == "" && len(suites) > 0 {
					info.file = suites[len(suites)-1].file
				}
				suites = append(suites, info)
			case "testcase":
				if current != nil {
					return nil, s.fail(name, errors.New("invalid JUnit report: <testcase> inside <testcase>"))
				}
				tc, err := junitCase(s, t, suites)
				if err != nil {
					return nil, err
				}
				current = &tc
			case "failure", "error", "skipped":
				if current == nil {
					if name == "skipped" || len(suites) == 0 {
						continue
					}
					inner := suites[len(suites)-1]
					current = &TestCase{Suite: inner.name, Name: SuiteFailureName, File: inner.file, Status: TestPassed}
					suiteLevel = true
				}
				applyOutcome(current, name, t)
				if current.Message == "" && name != "skipped" {
					capturing = true
					messageText.Reset()
				}
			}
		case xml.CharData:
			if capturing && messageText.Len() < 4*maxTestMessage {
				messageText.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "failure", "error":
				if capturing && current != nil {
					current.Message = firstLine(messageText.String())
				}
				capturing = false
				if suiteLevel && current != nil {
					sum.Cases = append(sum.Cases, *current)
					current = nil
					suiteLevel = false
				}
			case "testcase":
				if current != nil {
					sum.Cases = append(sum.Cases, *current)
					current = nil
				}
			case "testsuite":
				if len(suites) > 0 {
					suites = suites[:len(suites)-1]
				}
			}
		}
	}
	if !s.root {
		return nil, s.fail("", fmt.Errorf("%w: no <testsuites> or <testsuite> element", errUnexpectedEnd))
	}
	return &Report{Path: path, Format: FormatJUnit, Tests: sum}, nil
}

type suiteInfo struct {
	name string
	file string
}

func junitCase(s *xmlStream, e xml.StartElement, suites []suiteInfo) (TestCase, error) {
	tc := TestCase{Status: TestPassed}
	// jest-junit joins an empty describe title and the test title with a
	// space, so top-level tests start with one.
	name, _ := attr(e, "name")
	classname, _ := attr(e, "classname")
	tc.Name = strings.TrimSpace(name)
	tc.Classname = strings.TrimSpace(classname)
	tc.File, _ = attr(e, "file")
	if len(suites) > 0 {
		inner := suites[len(suites)-1]
		tc.Suite = inner.name
		if tc.File == "" {
			tc.File = inner.file
		}
	}
	if timeText, ok := attr(e, "time"); ok && strings.TrimSpace(timeText) != "" {
		// Some writers group thousands ("1,234.5").
		seconds, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(timeText), ",", ""), 64)
		if err != nil || seconds < 0 {
			return tc, s.fail(timeText, errors.New("invalid <testcase> time: expected seconds"))
		}
		tc.Seconds = seconds
	}
	return tc, nil
}

// applyOutcome records a failure, error or skipped child. A failure or
// error outranks a skip, and the first failure or error wins.
func applyOutcome(tc *TestCase, name string, e xml.StartElement) {
	status := TestSkipped
	switch name {
	case "failure":
		status = TestFailed
	case "error":
		status = TestErrored
	}
	if status == TestSkipped && tc.Status != TestPassed {
		return
	}
	if tc.Status == TestFailed || tc.Status == TestErrored {
		return
	}
	tc.Status = status
	if msg, ok := attr(e, "message"); ok {
		tc.Message = firstLine(msg)
	}
}

// firstLine returns the first non-blank line of s, cut to maxTestMessage
// bytes.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			if len(line) > maxTestMessage {
				return shortenTo(line, maxTestMessage)
			}
			return line
		}
	}
	return ""
}
