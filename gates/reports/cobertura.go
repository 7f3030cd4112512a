package reports

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// ParseCobertura parses a Cobertura XML coverage report, such as the one
// istanbul (Jest's coverage library) writes. Each <class> names a
// source file in its filename attribute; its <lines> (not the copies under
// <methods>) give per-line hits, and branch lines give condition-coverage
// such as "50% (1/2)". Classes of the same file are merged. The document is
// read as a token stream, so memory grows with the number of lines covered,
// not with the size of the file.
func ParseCobertura(path string, r io.Reader) (*Report, error) {
	s := newXMLStream(path, FormatCobertura, r)
	files := map[string]*lineCounts{}
	var sources []string
	var current *lineCounts
	inSource := false
	for {
		tok, err := s.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if text, ok := tok.(xml.CharData); ok && inSource {
			sources[len(sources)-1] += string(text)
			continue
		}
		inSource = false
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		name := start.Name.Local
		if len(s.stack) == 1 && name != "coverage" {
			return nil, s.fail(name, errors.New("invalid Cobertura report: root element must be <coverage>"))
		}
		switch {
		case name == "source" && s.parent(1) == "sources":
			sources = append(sources, "")
			inSource = true
		case name == "class":
			filename, ok := attr(start, "filename")
			if !ok || filename == "" {
				return nil, s.fail("", errors.New("invalid <class>: missing filename attribute"))
			}
			current = files[filename]
			if current == nil {
				current = newLineCounts()
				files[filename] = current
			}
		case name == "line" && s.parent(1) == "lines" && s.parent(2) == "class":
			if err := coberturaLine(s, start, current); err != nil {
				return nil, err
			}
		}
	}
	if !s.root {
		return nil, s.fail("", fmt.Errorf("%w: no <coverage> element", errUnexpectedEnd))
	}
	return &Report{
		Path:     path,
		Format:   FormatCobertura,
		Coverage: &Coverage{Unit: CoverageUnitLines, Files: coverageFiles(files), Sources: trimAll(sources)},
	}, nil
}

func trimAll(values []string) []string {
	var out []string
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

var conditionCoverage = regexp.MustCompile(`\((\d+)/(\d+)\)`)

func coberturaLine(s *xmlStream, e xml.StartElement, lc *lineCounts) error {
	numberText, _ := attr(e, "number")
	number, err := strconv.Atoi(numberText)
	if err != nil || number < 0 {
		return s.fail(numberText, errors.New("invalid <line> number attribute"))
	}
	hitsText, _ := attr(e, "hits")
	hits, err := strconv.ParseFloat(hitsText, 64)
	if err != nil {
		return s.fail(hitsText, errors.New("invalid <line> hits attribute"))
	}
	lc.lines[number] += clampCount(hits)

	if branch, _ := attr(e, "branch"); branch != "true" {
		return nil
	}
	cond, ok := attr(e, "condition-coverage")
	if !ok {
		return nil
	}
	m := conditionCoverage.FindStringSubmatch(cond)
	if m == nil {
		return s.fail(cond, errors.New("invalid condition-coverage: expected \"P% (covered/total)\""))
	}
	covered, err1 := strconv.Atoi(m[1])
	total, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil {
		return s.fail(cond, errors.New("invalid condition-coverage: count out of range"))
	}
	if covered > total {
		return s.fail(cond, errors.New("invalid condition-coverage: covered exceeds total"))
	}
	// Cobertura gives only counts per line, so branches get synthetic ids;
	// a line repeated by two classes keeps the better of the two counts.
	for i := 0; i < total; i++ {
		key := branchKey{line: number, id: strconv.Itoa(i)}
		if i < covered {
			lc.branches[key] = 1
		} else if _, seen := lc.branches[key]; !seen {
			lc.branches[key] = 0
		}
	}
	return nil
}
