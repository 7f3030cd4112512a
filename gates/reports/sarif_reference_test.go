package reports

import (
	"errors"
	"fmt"
	"io"

	"github.com/hms-enterprise/hmsci/gates"
)

// scanSARIFReference is the encoding/json implementation of ScanSARIF that
// the byte-level scanner replaced. It decodes every result with
// json.Decoder, which is slow but defines the behaviour the fast scanner
// must keep, so the equivalence fuzz test compares the two.
func scanSARIFReference(path string, r io.Reader, visit func(gates.Finding) error) ([]string, error) {
	s := newJSONStream(path, FormatSARIF, r)
	p := sarifScanner{s: s, visit: visit}
	if err := p.log(); err != nil {
		return p.tools, err
	}
	return p.tools, nil
}

type sarifScanner struct {
	s     *jsonStream
	visit func(gates.Finding) error
	tools []string
	// artifacts holds the URIs of the current run's artifacts array, which
	// results may refer to by index instead of repeating the URI.
	artifacts []string
}

func (p *sarifScanner) log() error {
	s := p.s
	if err := s.expectDelim('{', "SARIF log"); err != nil {
		return err
	}
	version := ""
	sawRuns := false
	for {
		key, ok, err := s.key()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch key {
		case "version":
			off := s.firstByte()
			if err := s.decode(&version); err != nil {
				return err
			}
			if version != "2.1.0" {
				return s.errorAt(off, version, errors.New("unsupported SARIF version: expected \"2.1.0\""))
			}
		case "runs":
			sawRuns = true
			if err := p.runs(); err != nil {
				return err
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
	if err := s.end(); err != nil {
		return err
	}
	if version == "" {
		return s.fail("", "invalid SARIF log: missing \"version\"")
	}
	if !sawRuns {
		return s.fail("", "invalid SARIF log: missing \"runs\"")
	}
	return nil
}

func (p *sarifScanner) runs() error {
	s := p.s
	if err := s.expectDelim('[', "runs"); err != nil {
		return err
	}
	for s.more() {
		if err := p.run(); err != nil {
			return err
		}
	}
	return s.expectDelim(']', "runs")
}

func (p *sarifScanner) run() error {
	s := p.s
	if err := s.expectDelim('{', "run"); err != nil {
		return err
	}
	var tool *sarifTool
	var pending []pendingResult
	index := 0
	p.artifacts = nil
	for {
		key, ok, err := s.key()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		switch key {
		case "tool":
			off := s.firstByte()
			tool = &sarifTool{}
			if err := s.decode(tool); err != nil {
				return err
			}
			if tool.Driver.Name == "" {
				return s.errorAt(off, "", errors.New("invalid run: tool.driver.name is missing"))
			}
			p.tools = append(p.tools, tool.Driver.Name)
			for _, pr := range pending {
				if err := p.emit(tool, &pr.result, pr.offset, pr.index); err != nil {
					return err
				}
			}
			pending = nil
		case "artifacts":
			// NOTE: results before the artifacts array cannot resolve an
			// artifact index; ESLint, golangci-lint and gosec write the
			// URI in each result as well.
			var artifacts []sarifArtifact
			if err := s.decode(&artifacts); err != nil {
				return err
			}
			for _, a := range artifacts {
				p.artifacts = append(p.artifacts, a.Location.URI)
			}
		case "results":
			if err := s.expectDelim('[', "results"); err != nil {
				return err
			}
			for s.more() {
				var res sarifResult
				off, err := s.decodeAt(&res)
				if err != nil {
					return err
				}
				if tool == nil {
					// NOTE: results listed before their run's tool object
					// stay in memory until it arrives. Every tool tested
					// here writes the tool first.
					pending = append(pending, pendingResult{result: res, offset: off, index: index})
				} else if err := p.emit(tool, &res, off, index); err != nil {
					return err
				}
				index++
				s.prune()
			}
			if err := s.expectDelim(']', "results"); err != nil {
				return err
			}
		default:
			if err := s.skip(); err != nil {
				return err
			}
		}
	}
	if tool == nil {
		return s.fail("", "invalid run: missing \"tool\"")
	}
	return nil
}

func (p *sarifScanner) emit(tool *sarifTool, res *sarifResult, off int64, index int) error {
	f, skip, err := sarifFinding(tool, p.artifacts, res)
	if err != nil {
		return p.s.errorAt(off, err.value, fmt.Errorf("result %d: %w", index, err.err))
	}
	if skip {
		return nil
	}
	return p.visit(f)
}
