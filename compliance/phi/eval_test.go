package phi

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// identifierRules are held to the corpus thresholds below; the other
// rules are held to contextThresholds.
var evalIdentifierRules = map[string]bool{RuleSSN: true, RuleMBI: true, RuleNPI: true, RuleDEA: true, RuleCard: true}

const (
	minIdentifierRecall    = 0.95
	minIdentifierPrecision = 0.90
	minContextRecall       = 0.85
	minContextPrecision    = 0.85
)

type labelKey struct {
	path string
	line int
	rule string
}

func readLabels(t *testing.T) map[labelKey]bool {
	t.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "labels.tsv"))
	require.NoError(t, err)
	defer f.Close()
	labels := map[labelKey]bool{}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		text := sc.Text()
		if strings.HasPrefix(text, "#") || text == "" {
			continue
		}
		cols := strings.Split(text, "\t")
		require.Len(t, cols, 4, "labels.tsv line %d", n)
		line, err := strconv.Atoi(cols[1])
		require.NoError(t, err, "labels.tsv line %d", n)
		labels[labelKey{cols[0], line, cols[2]}] = cols[3] == "true"
	}
	require.NoError(t, sc.Err())
	return labels
}

type ruleScore struct {
	tp, fp, fn            int
	synthRight, synthSeen int
}

func (s ruleScore) precision() float64 {
	if s.tp+s.fp == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fp)
}

func (s ruleScore) recall() float64 {
	if s.tp+s.fn == 0 {
		return 1
	}
	return float64(s.tp) / float64(s.tp+s.fn)
}

func TestCorpusPrecisionRecall(t *testing.T) {
	labels := readLabels(t)
	require.NotEmpty(t, labels)
	rep, err := Scan(context.Background(), corpusDir, Options{Exclude: []string{"labels.tsv"}})
	require.NoError(t, err)

	found := map[labelKey]bool{}
	for _, f := range rep.Findings {
		if f.RuleID == RuleAllowNoReason {
			continue
		}
		synthetic, _ := f.Properties["synthetic"].(bool)
		k := labelKey{f.Path, f.Line, f.RuleID}
		found[k] = found[k] || synthetic
	}
	scores := map[string]*ruleScore{}
	score := func(rule string) *ruleScore {
		if scores[rule] == nil {
			scores[rule] = &ruleScore{}
		}
		return scores[rule]
	}
	var misses []string
	for k, synthetic := range labels {
		s := score(k.rule)
		got, ok := found[k]
		if !ok {
			s.fn++
			misses = append(misses, fmt.Sprintf("missed %s:%d %s", k.path, k.line, k.rule))
			continue
		}
		s.tp++
		s.synthSeen++
		if got == synthetic {
			s.synthRight++
		} else {
			misses = append(misses, fmt.Sprintf("synthetic=%t expected %t at %s:%d %s", got, synthetic, k.path, k.line, k.rule))
		}
	}
	for k := range found {
		if _, ok := labels[k]; !ok {
			score(k.rule).fp++
			misses = append(misses, fmt.Sprintf("false positive %s:%d %s", k.path, k.line, k.rule))
		}
	}
	sort.Strings(misses)
	for _, m := range misses {
		t.Log(m)
	}

	rules := make([]string, 0, len(scores))
	for r := range scores {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-28s %5s %4s %4s %9s %6s %9s\n", "rule", "TP", "FP", "FN", "precision", "recall", "synthetic")
	for _, r := range rules {
		s := scores[r]
		fmt.Fprintf(&table, "%-28s %5d %4d %4d %9.3f %6.3f %5d/%-3d\n", r, s.tp, s.fp, s.fn, s.precision(), s.recall(), s.synthRight, s.synthSeen)
	}
	t.Log(table.String())

	for _, r := range rules {
		s := scores[r]
		minRecall, minPrecision := minContextRecall, minContextPrecision
		if evalIdentifierRules[r] {
			minRecall, minPrecision = minIdentifierRecall, minIdentifierPrecision
		}
		require.GreaterOrEqual(t, s.recall(), minRecall, "recall of %s", r)
		require.GreaterOrEqual(t, s.precision(), minPrecision, "precision of %s", r)
		require.Equal(t, s.synthSeen, s.synthRight, "synthetic flags of %s", r)
	}
	for _, r := range []string{RuleSSN, RuleMBI, RuleNPI, RuleDEA, RuleCard, RuleMRN, RuleDOB, RulePhone, RuleEmail,
		RuleAddress, RuleName, RuleICD, RuleHL7PID, RuleFHIRPatient, RuleLogExposure, RulePath} {
		require.Contains(t, scores, r, "corpus has no labels for %s", r)
	}
}
