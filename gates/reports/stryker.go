package reports

import (
	"fmt"
	"io"
	"sort"
)

// MutationTotals sums the mutants of a set of files.
type MutationTotals struct {
	Files      int `json:"files"`
	Detected   int `json:"detected"`
	Undetected int `json:"undetected"`
	Invalid    int `json:"invalid"`
	Ignored    int `json:"ignored"`
}

// Percent returns the mutation score as Stryker defines it: detected
// (Killed, Timeout) over detected plus undetected (Survived, NoCoverage), from
// 0 to 100. ok is false when no mutant counts towards the score.
func (t MutationTotals) Percent() (percent float64, ok bool) {
	return percentOf(t.Detected, t.Detected+t.Undetected)
}

// Score sums the mutants of the files whose path matches at least one of the
// doublestar globs; no globs means every file. It returns an error for an
// invalid pattern.
func (m *Mutation) Score(globs []string) (MutationTotals, error) {
	if err := validateGlobs(globs); err != nil {
		return MutationTotals{}, err
	}
	var t MutationTotals
	for _, f := range m.Files {
		if len(globs) > 0 && !matchAny(globs, f.Path) {
			continue
		}
		t.Files++
		t.Detected += f.Detected
		t.Undetected += f.Undetected
		t.Invalid += f.Invalid
		t.Ignored += f.Ignored
	}
	return t, nil
}

type strykerMutant struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

type strykerFile struct {
	Mutants []strykerMutant `json:"mutants"`
}

// ParseStryker parses a mutation testing report in the
// mutation-testing-report-schema JSON format that Stryker writes
// (reports/mutation/mutation.json): files map each path to its mutants, and
// each mutant has a status. Files are decoded one at a time.
func ParseStryker(path string, r io.Reader) (*Report, error) {
	s := newJSONStream(path, FormatStryker, r)
	if err := s.expectDelim('{', "mutation report"); err != nil {
		return nil, err
	}
	m := &Mutation{Files: []FileMutation{}}
	sawFiles := false
	for {
		key, ok, err := s.key()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		switch key {
		case "schemaVersion":
			if err := s.decode(&m.SchemaVersion); err != nil {
				return nil, err
			}
		case "files":
			sawFiles = true
			if err := strykerFiles(s, m); err != nil {
				return nil, err
			}
		default:
			if err := s.skip(); err != nil {
				return nil, err
			}
		}
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	if !sawFiles {
		return nil, s.fail("", "invalid mutation report: missing \"files\"")
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	return &Report{Path: path, Format: FormatStryker, Mutation: m}, nil
}

func strykerFiles(s *jsonStream, m *Mutation) error {
	if err := s.expectDelim('{', "files"); err != nil {
		return err
	}
	for {
		name, ok, err := s.key()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		off := s.firstByte()
		var f strykerFile
		if err := s.decode(&f); err != nil {
			return err
		}
		fm := FileMutation{Path: name}
		for i, mu := range f.Mutants {
			switch mu.Status {
			case "Killed", "Timeout":
				fm.Detected++
			case "Survived", "NoCoverage":
				fm.Undetected++
			case "CompileError", "RuntimeError":
				fm.Invalid++
			case "Ignored", "Pending":
				fm.Ignored++
			default:
				return s.errorAt(off, mu.Status, fmt.Errorf("file %q mutant %d (id %q): invalid status: expected Killed, Survived, NoCoverage, Timeout, CompileError, RuntimeError, Ignored or Pending", name, i, mu.ID))
			}
		}
		m.Files = append(m.Files, fm)
		s.prune()
	}
}
