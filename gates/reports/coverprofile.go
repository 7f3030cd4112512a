package reports

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// ParseCoverprofile parses a Go coverage profile (go test -coverprofile).
// Go measures statements, not lines: LinesFound and LinesHit of each file
// count statements, so totals equal the "total: (statements)" line of
// go tool cover -func. A block can be listed more than once, for example
// when go test -coverpkg runs several test binaries. Such blocks are merged
// as the cover tool merges them. In "set" mode a block is hit if any run hit
// it, and in "count" and "atomic" mode the counts add up. The report has no
// branch data.
func ParseCoverprofile(path string, r io.Reader) (*Report, error) {
	p := profileParser{path: path, blocks: map[string]map[profileSpan]*profileBlock{}}
	if err := p.parse(r); err != nil {
		return nil, err
	}
	files := make([]FileCoverage, 0, len(p.blocks))
	for name, blocks := range p.blocks {
		f := FileCoverage{Path: name}
		for _, b := range blocks {
			f.LinesFound += b.statements
			if b.count > 0 {
				f.LinesHit += b.statements
			}
		}
		files = append(files, f)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return &Report{
		Path:     path,
		Format:   FormatCoverprofile,
		Coverage: &Coverage{Unit: CoverageUnitStatements, Files: files},
	}, nil
}

type profileSpan struct {
	startLine, startCol, endLine, endCol int
}

type profileBlock struct {
	statements int
	count      int64
	line       int // line number of the block's first listing, for errors
}

type profileParser struct {
	path   string
	mode   string
	line   int
	blocks map[string]map[profileSpan]*profileBlock
}

func (p *profileParser) fail(value string, err error) error {
	return &ParseError{Path: p.path, Format: FormatCoverprofile, Line: p.line, Value: shorten(value), Err: err}
}

func (p *profileParser) parse(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxTextLine)
	for sc.Scan() {
		p.line++
		text := strings.TrimRight(sc.Text(), "\r")
		if err := p.parseLine(text); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return p.fail("", fmt.Errorf("read: %w", err))
	}
	if p.mode == "" {
		return p.fail("", fmt.Errorf("%w: missing \"mode:\" line", errUnexpectedEnd))
	}
	return nil
}

func (p *profileParser) parseLine(text string) error {
	if mode, ok := strings.CutPrefix(text, "mode: "); ok {
		switch mode {
		case "set", "count", "atomic":
		default:
			return p.fail(mode, errors.New("invalid coverage mode: expected set, count or atomic"))
		}
		if p.mode != "" && p.mode != mode {
			return p.fail(mode, fmt.Errorf("coverage mode changes from %q", p.mode))
		}
		p.mode = mode
		return nil
	}
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if p.mode == "" {
		return p.fail(text, errors.New("invalid coverprofile: first line must be \"mode: set|count|atomic\""))
	}

	// name.go:startLine.startCol,endLine.endCol numStatements count
	rest, countText, ok1 := cutLast(text, ' ')
	location, stmtText, ok2 := cutLast(rest, ' ')
	name, span, ok3 := cutLast(location, ':')
	if !ok1 || !ok2 || !ok3 || name == "" {
		return p.fail(text, errors.New("invalid coverprofile block: expected \"file:line.col,line.col statements count\""))
	}
	sp, err := parseSpan(span)
	if err != nil {
		return p.fail(span, err)
	}
	statements, err := strconv.Atoi(stmtText)
	if err != nil || statements < 0 {
		return p.fail(stmtText, errors.New("invalid statement count"))
	}
	count, err := strconv.ParseInt(countText, 10, 64)
	if err != nil || count < 0 {
		return p.fail(countText, errors.New("invalid execution count"))
	}

	blocks := p.blocks[name]
	if blocks == nil {
		blocks = map[profileSpan]*profileBlock{}
		p.blocks[name] = blocks
	}
	if b, ok := blocks[sp]; ok {
		if b.statements != statements {
			return p.fail(stmtText, fmt.Errorf("block %s:%s has %d statements here but %d on line %d", name, span, statements, b.statements, b.line))
		}
		if p.mode == "set" {
			b.count = max(b.count, count)
		} else {
			b.count += count
		}
		return nil
	}
	blocks[sp] = &profileBlock{statements: statements, count: count, line: p.line}
	return nil
}

func cutLast(s string, sep byte) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

func parseSpan(span string) (profileSpan, error) {
	start, end, ok := strings.Cut(span, ",")
	if !ok {
		return profileSpan{}, errors.New("invalid block position: expected line.col,line.col")
	}
	var sp profileSpan
	var err error
	if sp.startLine, sp.startCol, err = parseLineCol(start); err != nil {
		return sp, err
	}
	if sp.endLine, sp.endCol, err = parseLineCol(end); err != nil {
		return sp, err
	}
	if sp.endLine < sp.startLine {
		return sp, errors.New("invalid block position: ends before it starts")
	}
	return sp, nil
}

func parseLineCol(s string) (int, int, error) {
	l, c, ok := strings.Cut(s, ".")
	line, err1 := strconv.Atoi(l)
	col, err2 := strconv.Atoi(c)
	if !ok || err1 != nil || err2 != nil || line < 1 || col < 1 {
		return 0, 0, errors.New("invalid block position: expected line.col,line.col")
	}
	return line, col, nil
}
