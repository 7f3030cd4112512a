package policy

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

// mergedCoverage is the coverage of every source file across all coverage
// reports. A file that appears in several reports (Jest writes LCOV and
// Cobertura side by side) counts once, from the first report in path
// order.
type mergedCoverage struct {
	files   []reports.FileCoverage
	reports []string
	// statements and lines record which units the reports count: Go
	// coverprofiles count statements, LCOV and Cobertura count lines.
	statements, lines bool
}

func mergeCoverage(reps []*reports.Report, root string) *mergedCoverage {
	m := &mergedCoverage{}
	seen := map[string]bool{}
	for _, rep := range reps {
		if rep.Coverage == nil {
			continue
		}
		m.reports = append(m.reports, rep.Path)
		if rep.Coverage.Unit == reports.CoverageUnitStatements {
			m.statements = true
		} else {
			m.lines = true
		}
		for _, f := range rep.Coverage.Files {
			f.Path = relativePath(root, f.Path)
			if seen[f.Path] {
				continue
			}
			seen[f.Path] = true
			m.files = append(m.files, f)
		}
	}
	return m
}

type coverageSum struct{ files, linesFound, linesHit, branchesFound, branchesHit int }

func (m *mergedCoverage) sum(globs []config.Glob) coverageSum {
	var s coverageSum
	for _, f := range m.files {
		if !matchesAny(globs, f.Path) {
			continue
		}
		s.files++
		s.linesFound += f.LinesFound
		s.linesHit += f.LinesHit
		s.branchesFound += f.BranchesFound
		s.branchesHit += f.BranchesHit
	}
	return s
}

func percent(hit, found int) float64 { return 100 * float64(hit) / float64(found) }

// worstFiles names up to three matching files with the most uncovered
// lines (or branches), for the next-step hint.
func (m *mergedCoverage) worstFiles(globs []config.Glob, branches bool) string {
	type entry struct {
		path      string
		uncovered int
		pct       float64
	}
	var entries []entry
	for _, f := range m.files {
		found, hit := f.LinesFound, f.LinesHit
		if branches {
			found, hit = f.BranchesFound, f.BranchesHit
		}
		if found == 0 || hit == found || !matchesAny(globs, f.Path) {
			continue
		}
		entries = append(entries, entry{f.Path, found - hit, percent(hit, found)})
	}
	sort.SliceStable(entries, func(i, j int) bool {
		if entries[i].uncovered != entries[j].uncovered {
			return entries[i].uncovered > entries[j].uncovered
		}
		return entries[i].path < entries[j].path
	})
	kind := m.lineUnit()
	if branches {
		kind = "branches"
	}
	var parts []string
	for i, en := range entries {
		if i == 3 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%.1f %% %s, %d uncovered)", en.path, en.pct, kind, en.uncovered))
	}
	if len(parts) == 0 {
		return ""
	}
	return "add tests for " + strings.Join(parts, ", ")
}

// lineUnit names what the line counts of the merged reports are.
func (m *mergedCoverage) lineUnit() string {
	switch {
	case m.statements && m.lines:
		return "lines and Go statements"
	case m.statements:
		return "statements"
	}
	return "lines"
}

func measureLineCoverage(e *evaluation, _ config.GateSetting) measurement {
	s := e.coverage.sum(nil)
	if s.linesFound == 0 {
		return measurement{missing: "no LCOV, Cobertura or Go coverprofile report with line data"}
	}
	pct := percent(s.linesHit, s.linesFound)
	return measurement{
		ok:       true,
		value:    pct,
		measured: fmt.Sprintf("%.2f %% (%d/%d %s)", pct, s.linesHit, s.linesFound, e.coverage.lineUnit()),
		reports:  e.coverage.reports,
		next:     e.coverage.worstFiles(nil, false),
	}
}

func measureBranchCoverage(e *evaluation, _ config.GateSetting) measurement {
	s := e.coverage.sum(nil)
	if s.branchesFound == 0 {
		return measurement{missing: "no LCOV or Cobertura report with branch data (Go coverprofiles have none)"}
	}
	pct := percent(s.branchesHit, s.branchesFound)
	return measurement{
		ok:       true,
		value:    pct,
		measured: fmt.Sprintf("%.2f %% (%d/%d branches)", pct, s.branchesHit, s.branchesFound),
		reports:  e.coverage.reports,
		next:     e.coverage.worstFiles(nil, true),
	}
}

// measurePHICoverage measures each glob of the gate's paths and overrides
// on its own. The value is the lowest glob's line coverage; the gate fails
// when any glob is below its own threshold.
func measurePHICoverage(e *evaluation, s config.GateSetting) measurement {
	g := e.policy.Gates.CoveragePHIModules
	type group struct {
		glob      config.Glob
		threshold float64
	}
	var groups []group
	for _, glob := range g.Paths {
		groups = append(groups, group{glob, g.Threshold})
	}
	for _, o := range g.Overrides {
		replaced := false
		for i := range groups {
			if groups[i].glob == o.Glob {
				groups[i].threshold = o.Threshold
				replaced = true
			}
		}
		if !replaced {
			groups = append(groups, group{o.Glob, o.Threshold})
		}
	}

	var (
		measuredAny bool
		worst       = math.Inf(1)
		worstText   string
		failed      bool
		nextParts   []string
	)
	for _, gr := range groups {
		sum := e.coverage.sum([]config.Glob{gr.glob})
		if sum.linesFound == 0 {
			continue
		}
		measuredAny = true
		pct := percent(sum.linesHit, sum.linesFound)
		if pct < worst {
			worst = pct
			worstText = fmt.Sprintf("%.2f %% (%s, %d files)", pct, gr.glob, sum.files)
		}
		if pct < gr.threshold {
			failed = true
			hint := e.coverage.worstFiles([]config.Glob{gr.glob}, false)
			nextParts = append(nextParts, fmt.Sprintf("%s is at %.2f %% of %s %%: %s", gr.glob, pct, formatNumber(gr.threshold), hint))
		}
	}
	if !measuredAny {
		var globs []string
		for _, gr := range groups {
			globs = append(globs, string(gr.glob))
		}
		return measurement{missing: fmt.Sprintf("no covered file matches the PHI module paths %s in any coverage report", strings.Join(globs, ", "))}
	}
	return measurement{
		ok:       true,
		value:    worst,
		measured: worstText,
		failed:   &failed,
		reports:  e.coverage.reports,
		next:     strings.Join(nextParts, "; "),
	}
}

// measureTests counts the failing unit tests. The JUnit reports of the
// newman and playwright steps feed api-tests and e2e-tests instead, so a
// failing API or browser test does not count twice.
func measureTests(e *evaluation, _ config.GateSetting) measurement {
	isUnitReport := func(reportPath string) bool {
		return !isNewmanJUnit(reportPath) && !isPlaywrightJUnit(reportPath)
	}
	return e.measureJUnit(isUnitReport, "no JUnit XML report of unit tests")
}

// measureJUnit counts failed and errored test cases in the JUnit reports
// whose path matches include (every JUnit report when include is nil).
func (e *evaluation) measureJUnit(include func(reportPath string) bool, missing string) measurement {
	var (
		total, failing int
		names          []string
		paths          []string
	)
	for _, rep := range e.in.Reports {
		if rep.Tests == nil || include != nil && !include(rep.Path) {
			continue
		}
		paths = append(paths, rep.Path)
		for _, c := range rep.Tests.Cases {
			total++
			if c.Status != "failed" && c.Status != "errored" {
				continue
			}
			failing++
			if len(names) < 3 {
				name := c.Name
				if c.Suite != "" {
					name = c.Suite + " › " + c.Name
				}
				if c.File != "" {
					name += " (" + c.File + ")"
				}
				names = append(names, name)
			}
		}
	}
	if paths == nil {
		return measurement{missing: missing}
	}
	m := measurement{
		ok:       true,
		value:    float64(failing),
		measured: fmt.Sprintf("%d failing of %d", failing, total),
		reports:  paths,
	}
	if failing > 0 {
		m.next = "fix the failing tests: " + strings.Join(names, ", ")
		if failing > len(names) {
			m.next += fmt.Sprintf(", and %d more", failing-len(names))
		}
	}
	return m
}

func measureMutation(e *evaluation, _ config.GateSetting) measurement {
	globs := e.policy.Gates.MutationScore.Paths
	var (
		detected, undetected int
		paths                []string
		files                []reports.FileMutation
	)

	for _, rep := range e.in.Reports {
		if rep.Mutation == nil {
			continue
		}
		paths = append(paths, rep.Path)
		for _, f := range rep.Mutation.Files {
			f.Path = relativePath(e.in.Root, f.Path)
			if !matchesAny(globs, f.Path) {
				continue
			}
			detected += f.Detected
			undetected += f.Undetected
			files = append(files, f)
		}
	}
	if paths == nil {
		return measurement{missing: "no Stryker mutation report"}
	}
	if detected+undetected == 0 {
		return measurement{missing: fmt.Sprintf("no mutant in files matching %s in %s", globList(globs), strings.Join(paths, ", "))}
	}

	score := percent(detected, detected+undetected)
	sort.SliceStable(files, func(i, j int) bool { return files[i].Undetected > files[j].Undetected })
	var hints []string
	for i, f := range files {
		if i == 3 || f.Undetected == 0 {
			break
		}
		hints = append(hints, fmt.Sprintf("%s (%d undetected)", f.Path, f.Undetected))
	}

	m := measurement{
		ok:       true,
		value:    score,
		measured: fmt.Sprintf("%.2f %% (%d/%d mutants detected)", score, detected, detected+undetected),
		reports:  paths,
	}
	if len(hints) > 0 {
		m.next = "add tests that detect the surviving and uncovered mutants in " + strings.Join(hints, ", ")
	}
	return m
}

func globList(globs []config.Glob) string {
	if len(globs) == 0 {
		return "any path"
	}
	parts := make([]string, len(globs))
	for i, g := range globs {
		parts[i] = string(g)
	}
	return strings.Join(parts, ", ")
}

func measureRatio(tool, key string) func(*evaluation, config.GateSetting) measurement {
	return func(e *evaluation, _ config.GateSetting) measurement {
		for _, a := range e.in.Analyses {
			if a.Tool != tool {
				continue
			}
			if reason, unmeasured := a.Unmeasured[key]; unmeasured {
				return measurement{missing: fmt.Sprintf("%s did not measure %s: %s", tool, key, reason)}
			}
			r, ok := a.Ratios[key]
			if !ok {
				continue
			}
			pct, ok := r.Percent()
			if !ok {
				return measurement{missing: fmt.Sprintf("%s checked nothing for %s", tool, key)}
			}
			m := measurement{ok: true, value: pct, measured: fmt.Sprintf("%.2f %% (%d/%d)", pct, r.Passed, r.Total)}
			if a.Source != "" {
				m.reports = []string{a.Source}
			}
			if r.Passed < r.Total {
				m.next = fmt.Sprintf("fix the %d failing items that %s lists for %s", r.Total-r.Passed, tool, key)
			}
			return m
		}
		return measurement{missing: fmt.Sprintf("no %s result for %s", tool, key)}
	}
}

func measureCheck(tool, key string) func(*evaluation, config.GateSetting) measurement {
	return func(e *evaluation, _ config.GateSetting) measurement {
		for _, a := range e.in.Analyses {
			if a.Tool != tool {
				continue
			}
			if reason, unmeasured := a.Unmeasured[key]; unmeasured {
				return measurement{missing: fmt.Sprintf("%s did not measure %s: %s", tool, key, reason)}
			}
			c, ok := a.Checks[key]
			if !ok {
				continue
			}
			m := measurement{ok: true, measured: "no"}
			if c.OK {
				m.value, m.measured = 1, "yes"
			} else {
				m.next = c.Detail
			}
			if c.Detail != "" {
				m.measured += ": " + c.Detail
			}
			if a.Source != "" {
				m.reports = []string{a.Source}
			}
			return m
		}
		return measurement{missing: fmt.Sprintf("no %s result for %s", tool, key)}
	}
}

// measureFHIR reads the hmsci-fhir conformance ratio. A validation error
// in a blocking path fails the gate whatever the ratio.
func measureFHIR(e *evaluation, s config.GateSetting) measurement {
	m := measureRatio(ToolFHIR, RatioFHIRConformance)(e, s)
	if !m.ok {
		return m
	}
	blocking := e.tally.Counts["fhir-conformance"]
	failed := m.value < s.Threshold || blocking > 0
	m.failed = &failed
	if blocking > 0 {
		m.measured += fmt.Sprintf(", %d errors in blocking paths", blocking)
		m.next = findingNext("fhir-conformance", e.tally.Worst["fhir-conformance"], blocking)
	}
	return m
}

func measureLighthouse(accessibility bool) func(*evaluation, config.GateSetting) measurement {
	return func(e *evaluation, _ config.GateSetting) measurement {
		var (
			found    bool
			worst    float64
			worstURL string
			paths    []string
		)
		category := "performance"
		if accessibility {
			category = "accessibility"
		}
		for _, rep := range e.in.Reports {
			if rep.Lighthouse == nil {
				continue
			}
			score := rep.Lighthouse.Performance
			if accessibility {
				score = rep.Lighthouse.Accessibility
			}
			if score == nil {
				continue
			}
			paths = append(paths, rep.Path)
			if !found || *score < worst {
				worst, worstURL, found = *score, rep.Lighthouse.URL, true
			}
		}
		if !found {
			return measurement{missing: fmt.Sprintf("no Lighthouse report with the %s category", category)}
		}
		return measurement{
			ok:       true,
			value:    worst,
			measured: fmt.Sprintf("%s %s (%s)", formatNumber(worst), lighthouseUnit, worstURL),
			reports:  paths,
			next:     fmt.Sprintf("open the Lighthouse report of %s and fix the %s audits with the largest weight", worstURL, category),
		}
	}
}

type loadMetric int

const (
	loadP95 loadMetric = iota
	loadAvailability
	loadErrorRate
	loadThroughput
)

// measureLoad reads k6 summaries. With several summaries the worst value
// counts: the highest p95 and error rate, the lowest availability and
// throughput. Availability is the k6 checks pass rate when the script
// has checks, and otherwise the share of requests that did not fail.
func measureLoad(metric loadMetric) func(*evaluation, config.GateSetting) measurement {
	return func(e *evaluation, _ config.GateSetting) measurement {
		var (
			found bool
			worst float64
			paths []string
		)
		for _, rep := range e.in.Reports {
			if rep.Load == nil {
				continue
			}
			if rep.Load.Requests == 0 {
				continue
			}
			paths = append(paths, rep.Path)
			var v float64
			higherIsWorse := true
			switch metric {
			case loadP95:
				v = rep.Load.P95Millis
			case loadErrorRate:
				v = 100 * rep.Load.ErrorRate
			case loadAvailability:
				v, higherIsWorse = 100*(1-rep.Load.ErrorRate), false
				if rep.Load.ChecksPassRate != nil {
					v = 100 * *rep.Load.ChecksPassRate
				}
			case loadThroughput:
				v, higherIsWorse = rep.Load.RequestsPerSecond, false
			}
			if !found || (higherIsWorse && v > worst) || (!higherIsWorse && v < worst) {
				worst, found = v, true
			}
		}
		if !found {
			return measurement{missing: "no k6 summary with HTTP requests"}
		}
		m := measurement{ok: true, value: worst, reports: paths}
		switch metric {
		case loadP95:
			m.measured = fmt.Sprintf("%s ms", formatNumber(worst))
			m.next = "profile the slowest endpoints in the k6 summary and cache or index their queries"
		case loadErrorRate:
			m.measured = fmt.Sprintf("%.3f %%", worst)
			m.next = "read the application log for the failed requests of the load test"
		case loadAvailability:
			m.measured = fmt.Sprintf("%.3f %%", worst)
			m.next = "read the failed k6 checks and the application log of the load test"
		case loadThroughput:
			m.measured = fmt.Sprintf("%s requests/s", formatNumber(worst))
			m.next = "raise the load test's virtual users or remove the bottleneck that caps requests per second"
		}
		return m
	}
}
