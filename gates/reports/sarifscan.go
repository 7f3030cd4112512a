package reports

import (
	"errors"
	"fmt"

	"github.com/hms-enterprise/hmsci/gates"
)

// sarifStream walks a SARIF log with byteScanner. It decodes the small
// parts of a run (tool, artifacts) with encoding/json and each result with
// decodeResult, which reads only the fields sarifFinding uses and steps over
// everything else, such as code snippets, without building it.
type sarifStream struct {
	s     *byteScanner
	visit func(gates.Finding) error
	tools []string
	// artifacts holds the URIs of the current run's artifacts array, which
	// results may refer to by index instead of repeating the URI.
	artifacts []string
}

func (p *sarifStream) log() error {
	s := p.s
	if err := s.expectValue('{', stateValue, "SARIF log"); err != nil {
		return err
	}
	version := ""
	sawRuns := false
	err := s.objectFields(func(key string) error {
		switch key {
		case "version":
			off, err := s.decode(stateObjectValue, &version)
			if err != nil {
				return err
			}
			if version != "2.1.0" {
				return s.errorAt(off, version, errors.New("unsupported SARIF version: expected \"2.1.0\""))
			}
		case "runs":
			sawRuns = true
			return p.runs()
		default:
			return s.skip(stateObjectValue)
		}
		return nil
	}, true)
	if err != nil {
		return err
	}
	closed := s.off
	if err := s.end(); err != nil {
		return err
	}
	if version == "" {
		return s.errorAt(closed, "", errors.New("invalid SARIF log: missing \"version\""))
	}
	if !sawRuns {
		return s.errorAt(closed, "", errors.New("invalid SARIF log: missing \"runs\""))
	}
	return nil
}

func (p *sarifStream) runs() error {
	s := p.s
	if err := s.expectValue('[', stateObjectValue, "runs"); err != nil {
		return err
	}
	return s.arrayElements(func(state string) error {
		return p.run(state)
	})
}

func (p *sarifStream) run(state string) error {
	s := p.s
	if err := s.expectValue('{', state, "run"); err != nil {
		return err
	}
	var tool *sarifTool
	var pending []pendingResult
	index := 0
	p.artifacts = nil
	err := s.objectFields(func(key string) error {
		switch key {
		case "tool":
			tool = &sarifTool{}
			off, err := s.decode(stateObjectValue, tool)
			if err != nil {
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
			if _, err := s.decode(stateObjectValue, &artifacts); err != nil {
				return err
			}
			for _, a := range artifacts {
				p.artifacts = append(p.artifacts, a.Location.URI)
			}
		case "results":
			if err := s.expectValue('[', stateObjectValue, "results"); err != nil {
				return err
			}
			return s.arrayElements(func(state string) error {
				var res sarifResult
				off, err := p.result(state, &res)
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
				return nil
			})
		default:
			return s.skip(stateObjectValue)
		}
		return nil
	}, true)
	if err != nil {
		return err
	}
	if tool == nil {
		return s.errorAt(s.off, "", errors.New("invalid run: missing \"tool\""))
	}
	return nil
}

// result reads one result into res and returns its first offset. The fast
// decoder handles the shapes that tools write. Anything else, including
// every type error, goes through encoding/json, so that errors and edge
// cases such as repeated keys behave as json.Unmarshal defines them.
func (p *sarifStream) result(state string, res *sarifResult) (int64, error) {
	s := p.s
	if _, ok := s.peek(); !ok {
		return 0, s.endError()
	}
	start := s.off
	saved := s.keep(start)
	defer s.release(saved)

	s.quiet = true
	err := decodeResult(s, res)
	s.quiet = false
	if err == nil {
		return start, nil
	}
	if !errors.Is(err, errBail) {
		return 0, err
	}
	s.off = start
	*res = sarifResult{}
	raw, _, err := s.capture(state)
	if err != nil {
		return 0, err
	}
	return start, s.unmarshalAt(raw, start, res)
}

func (p *sarifStream) emit(tool *sarifTool, res *sarifResult, off int64, index int) error {
	f, skip, err := sarifFinding(tool, p.artifacts, res)
	if err != nil {
		return p.s.errorAt(off, err.value, fmt.Errorf("result %d: %w", index, err.err))
	}
	if skip {
		return nil
	}
	return p.visit(f)
}
