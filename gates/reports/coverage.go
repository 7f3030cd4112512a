package reports

import (
	"fmt"
	"sort"

	"github.com/bmatcuk/doublestar/v4"
)

// CoverageTotals sums the coverage of a set of files.
type CoverageTotals struct {
	Files         int `json:"files"`
	LinesFound    int `json:"linesFound"`
	LinesHit      int `json:"linesHit"`
	BranchesFound int `json:"branchesFound"`
	BranchesHit   int `json:"branchesHit"`
}

// LinePercent returns the share of lines hit, from 0 to 100. ok is false
// when no line was found, so there is nothing to measure.
func (t CoverageTotals) LinePercent() (percent float64, ok bool) {
	return percentOf(t.LinesHit, t.LinesFound)
}

// BranchPercent returns the share of branches hit, from 0 to 100. ok is
// false when the report has no branch data for these files.
func (t CoverageTotals) BranchPercent() (percent float64, ok bool) {
	return percentOf(t.BranchesHit, t.BranchesFound)
}

func percentOf(hit, found int) (float64, bool) {
	if found == 0 {
		return 0, false
	}
	return 100 * float64(hit) / float64(found), true
}

func (t *CoverageTotals) add(f FileCoverage) {
	t.Files++
	t.LinesFound += f.LinesFound
	t.LinesHit += f.LinesHit
	t.BranchesFound += f.BranchesFound
	t.BranchesHit += f.BranchesHit
}

// Totals sums the coverage of every file in the report.
func (c *Coverage) Totals() CoverageTotals {
	var t CoverageTotals
	for _, f := range c.Files {
		t.add(f)
	}
	return t
}

// Match sums the coverage of the files whose path matches at least one of
// the doublestar globs (such as "src/phi/**"). Patterns are matched against
// the paths as the report writes them. It returns an error for an invalid
// pattern.
func (c *Coverage) Match(globs []string) (CoverageTotals, error) {
	if err := validateGlobs(globs); err != nil {
		return CoverageTotals{}, err
	}
	var t CoverageTotals
	for _, f := range c.Files {
		if matchAny(globs, f.Path) {
			t.add(f)
		}
	}
	return t, nil
}

func validateGlobs(globs []string) error {
	for _, g := range globs {
		if !doublestar.ValidatePattern(g) {
			return fmt.Errorf("invalid path glob %q", g)
		}
	}
	return nil
}

func matchAny(globs []string, path string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, path); ok {
			return true
		}
	}
	return false
}

// lineCounts gathers per-line hit counts and per-branch hit counts of one
// file, merging repeated records of the same file (one per test, as LCOV
// writes with several TN: sections) the way lcov does: counts add up.
type lineCounts struct {
	lines    map[int]int64
	branches map[branchKey]int64
	// explicit totals (LF/LH, BRF/BRH) for records without detail lines.
	linesFound, linesHit       int
	branchesFound, branchesHit int
}

type branchKey struct {
	line  int
	block string
	id    string
}

func newLineCounts() *lineCounts {
	return &lineCounts{lines: map[int]int64{}, branches: map[branchKey]int64{}}
}

func (lc *lineCounts) file(path string) FileCoverage {
	f := FileCoverage{Path: path}
	if len(lc.lines) > 0 {
		f.LinesFound = len(lc.lines)
		for _, n := range lc.lines {
			if n > 0 {
				f.LinesHit++
			}
		}
	} else {
		f.LinesFound, f.LinesHit = lc.linesFound, lc.linesHit
	}
	if len(lc.branches) > 0 {
		f.BranchesFound = len(lc.branches)
		for _, n := range lc.branches {
			if n > 0 {
				f.BranchesHit++
			}
		}
	} else {
		f.BranchesFound, f.BranchesHit = lc.branchesFound, lc.branchesHit
	}
	return f
}

// coverageFiles turns merged per-file counts into FileCoverage sorted by
// path.
func coverageFiles(files map[string]*lineCounts) []FileCoverage {
	out := make([]FileCoverage, 0, len(files))
	for path, lc := range files {
		out = append(out, lc.file(path))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
