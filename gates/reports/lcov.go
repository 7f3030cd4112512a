package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxTextLine bounds one line of a line-based report (LCOV, coverprofile).
const maxTextLine = 4 << 20

// ParseLCOV parses an LCOV tracefile as geninfo(1) describes it: records
// from SF: to end_of_record with DA, BRDA, LF/LH and BRF/BRH lines. Line and
// branch totals come from DA and BRDA lines when a record has them (as lcov
// itself recomputes them), and from LF/LH and BRF/BRH otherwise. Records of
// the same file, one per TN: test name, are merged by adding their counts.
// A BRDA taken count of "-" (block never run) counts as found, not hit.
func ParseLCOV(path string, r io.Reader) (*Report, error) {
	p := lcovParser{path: path, files: map[string]*lineCounts{}}
	if err := p.parse(r); err != nil {
		return nil, err
	}
	return &Report{
		Path:     path,
		Format:   FormatLCOV,
		Coverage: &Coverage{Unit: CoverageUnitLines, Files: coverageFiles(p.files)},
	}, nil
}

type lcovParser struct {
	path  string
	files map[string]*lineCounts
	line  int
	// current is the open record, nil between end_of_record and SF.
	current     *lineCounts
	currentPath string
	// recordLines holds DA lines of the open record, so that a file listed
	// twice in one record is not merged twice.
	sawRecord bool
}

func (p *lcovParser) fail(value string, err error) error {
	return &ParseError{Path: p.path, Format: FormatLCOV, Line: p.line, Value: shorten(value), Err: err}
}

func (p *lcovParser) parse(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxTextLine)
	for sc.Scan() {
		p.line++
		text := strings.TrimRight(sc.Text(), "\r")
		if err := p.record(text); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return p.fail("", fmt.Errorf("read: %w", err))
	}
	if p.current != nil {
		return p.fail(p.currentPath, fmt.Errorf("%w: record for %q has no end_of_record", errUnexpectedEnd, p.currentPath))
	}
	if !p.sawRecord {
		return p.fail("", errors.New("invalid LCOV tracefile: no SF record"))
	}
	return nil
}

func (p *lcovParser) record(text string) error {
	trimmed := strings.TrimSpace(text)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return nil
	}
	if trimmed == "end_of_record" {
		if p.current == nil {
			return p.fail(trimmed, errors.New("end_of_record without an open SF record"))
		}
		p.current = nil
		return nil
	}
	kind, value, ok := strings.Cut(trimmed, ":")
	if !ok || !isRecordKind(kind) {
		return p.fail(trimmed, errors.New("invalid LCOV line: expected KIND:value"))
	}
	switch kind {
	case "TN", "VER":
		return nil
	case "SF":
		if p.current != nil {
			return p.fail(value, fmt.Errorf("SF before end_of_record of %q", p.currentPath))
		}
		if value == "" {
			return p.fail(trimmed, errors.New("empty SF file name"))
		}
		p.sawRecord = true
		p.currentPath = value
		lc, ok := p.files[value]
		if !ok {
			lc = newLineCounts()
			p.files[value] = lc
		}
		p.current = lc
		return nil
	}
	if p.current == nil {
		return p.fail(trimmed, fmt.Errorf("%s line outside an SF record", kind))
	}
	switch kind {
	case "DA":
		return p.da(value)
	case "BRDA":
		return p.brda(value)
	case "LF":
		n, err := p.count(kind, value)
		p.current.linesFound += n
		return err
	case "LH":
		n, err := p.count(kind, value)
		p.current.linesHit += n
		return err
	case "BRF":
		n, err := p.count(kind, value)
		p.current.branchesFound += n
		return err
	case "BRH":
		n, err := p.count(kind, value)
		p.current.branchesHit += n
		return err
	}
	// FN, FNDA, FNF, FNH, FNL, FNA, MCDC and other records carry nothing
	// the gates measure.
	return nil
}

func isRecordKind(kind string) bool {
	if kind == "" {
		return false
	}
	for _, c := range kind {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

func (p *lcovParser) count(kind, value string) (int, error) {
	n, err := strconv.Atoi(value)
	if err != nil || n < 0 {
		return 0, p.fail(value, fmt.Errorf("invalid %s: expected a non-negative integer", kind))
	}
	return n, nil
}

// da reads "DA:<line>,<count>[,<checksum>]".
func (p *lcovParser) da(value string) error {
	fields := strings.Split(value, ",")
	if len(fields) < 2 || len(fields) > 3 {
		return p.fail(value, errors.New("invalid DA: expected <line>,<count>[,<checksum>]"))
	}
	line, err := strconv.Atoi(fields[0])
	if err != nil || line < 0 {
		return p.fail(fields[0], errors.New("invalid DA line number"))
	}
	// Counts can be negative in some gcov output and exceed int32 in long
	// runs; lcov treats any count above 0 as hit.
	count, err := strconv.ParseFloat(fields[1], 64)
	if err != nil {
		return p.fail(fields[1], errors.New("invalid DA execution count"))
	}
	p.current.lines[line] += clampCount(count)
	return nil
}

// brda reads "BRDA:<line>,[<exception>]<block>,<branch>,<taken>". lcov 2
// allows commas inside the branch expression, so the branch is everything
// between the block and the last field.
func (p *lcovParser) brda(value string) error {
	fields := strings.Split(value, ",")
	if len(fields) < 4 {
		return p.fail(value, errors.New("invalid BRDA: expected <line>,<block>,<branch>,<taken>"))
	}
	line, err := strconv.Atoi(fields[0])
	if err != nil || line < 0 {
		return p.fail(fields[0], errors.New("invalid BRDA line number"))
	}
	takenText := fields[len(fields)-1]
	key := branchKey{line: line, block: fields[1], id: strings.Join(fields[2:len(fields)-1], ",")}
	taken := int64(0)
	if takenText != "-" {
		n, err := strconv.ParseFloat(takenText, 64)
		if err != nil {
			return p.fail(takenText, errors.New("invalid BRDA taken count: expected a number or \"-\""))
		}
		taken = clampCount(n)
	}
	p.current.branches[key] += taken
	return nil
}

func clampCount(n float64) int64 {
	switch {
	case n <= 0:
		return 0
	case n > 1<<53:
		return 1 << 53
	}
	return int64(n)
}
