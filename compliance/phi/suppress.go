package phi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/hms-enterprise/hmsci/gates"
	"gopkg.in/yaml.v3"
)

// AllowEntry accepts findings by path glob, by fingerprint, by value
// pattern, or by several of them; a rule narrows it to one rule. Reason is
// required.
type AllowEntry struct {
	Path        string `yaml:"path"`
	Fingerprint string `yaml:"fingerprint"`
	Rule        string `yaml:"rule"`
	// Match is a Go regular expression (RE2 syntax) that the detected
	// value must match, such as '^555-01' for fictional phone numbers. It
	// is applied to the unmasked value in memory only, and nothing prints
	// the value. Findings without a value, such as a suppression comment
	// without a reason, never match an entry that sets Match.
	Match  string `yaml:"match"`
	Reason string `yaml:"reason"`
}

// allowlistFile is the YAML layout of an allowlist:
//
//	allow:
//	  - path: "test/fixtures/**"
//	    reason: synthetic fixtures reviewed by the privacy officer
//	  - fingerprint: 3f2a...
//	    rule: phi/ssn
//	    reason: documented example in the API guide
//	  - path: "db/seed/**"
//	    rule: phi/phone
//	    match: '^\(?555\)?[-. ]?01'
//	    reason: fictional 555-01xx phone numbers
type allowlistFile struct {
	Allow []AllowEntry `yaml:"allow"`
}

// Allowlist is a parsed allowlist file.
type Allowlist struct {
	entries []AllowEntry
	// patterns holds the compiled Match of each entry, or nil.
	patterns []*regexp.Regexp
}

// LoadAllowlist reads and validates an allowlist file.
func LoadAllowlist(file string) (*Allowlist, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read allowlist %q: %w", file, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc allowlistFile
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse allowlist %q: %w", file, err)
	}
	var root yaml.Node
	_ = yaml.Unmarshal(data, &root)
	lines := entryLines(&root)
	patterns := make([]*regexp.Regexp, len(doc.Allow))
	for i, e := range doc.Allow {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		switch {
		case strings.TrimSpace(e.Reason) == "":
			return nil, fmt.Errorf("allowlist %q line %d: entry %d has no reason: say why the finding is accepted", file, line, i+1)
		case e.Path == "" && e.Fingerprint == "" && e.Match == "":
			return nil, fmt.Errorf("allowlist %q line %d: entry %d needs a path glob, a fingerprint or a value pattern (match)", file, line, i+1)
		case e.Path != "" && !doublestar.ValidatePattern(e.Path):
			return nil, fmt.Errorf("allowlist %q line %d: invalid path glob %q", file, line, e.Path)
		case e.Rule != "" && rulesByID[e.Rule] == nil:
			return nil, fmt.Errorf("allowlist %q line %d: unknown rule %q", file, line, e.Rule)
		}
		if e.Match != "" {
			re, err := regexp.Compile(e.Match)
			if err != nil {
				return nil, fmt.Errorf("allowlist %q line %d: invalid value pattern (match) %q: %w", file, line, e.Match, err)
			}
			patterns[i] = re
		}
	}
	return &Allowlist{entries: doc.Allow, patterns: patterns}, nil
}

// entryLines returns the line of each item of the "allow" sequence.
func entryLines(root *yaml.Node) []int {
	if root == nil || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "allow" {
			var out []int
			for _, item := range m.Content[i+1].Content {
				out = append(out, item.Line)
			}
			return out
		}
	}
	return nil
}

// match returns the reason of the first entry that accepts f. p is the
// finding's unmasked path and value its detected value ("" when the
// finding has none).
func (a *Allowlist) match(f *gates.Finding, p, value string) (string, bool) {
	for i, e := range a.entries {
		if e.Rule != "" && e.Rule != f.RuleID {
			continue
		}
		if e.Fingerprint != "" && e.Fingerprint != f.Fingerprint {
			continue
		}
		if e.Path != "" {
			if ok, _ := doublestar.Match(e.Path, p); !ok {
				continue
			}
		}
		if re := a.patterns[i]; re != nil && (value == "" || !re.MatchString(value)) {
			continue
		}
		return e.Reason, true
	}
	return "", false
}

// Baseline is the JSON layout of a baseline file.
type Baseline struct {
	Version int `json:"version"`
	// Tool is ToolName.
	Tool     string          `json:"tool"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding; only Fingerprint is matched, the
// other fields help a reviewer read the file.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule"`
	Path        string `json:"path"`
	Line        int    `json:"line"`
}

// baselineVersion is the format version written and accepted.
const baselineVersion = 1

// LoadBaseline reads a baseline file and returns its fingerprints.
func LoadBaseline(file string) (map[string]bool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read baseline %q: %w", file, err)
	}
	var b Baseline
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("parse baseline %q: %w", file, err)
	}
	if b.Version != baselineVersion {
		return nil, fmt.Errorf("baseline %q: unsupported version %d, expected %d", file, b.Version, baselineVersion)
	}
	out := make(map[string]bool, len(b.Findings))
	for i, e := range b.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("baseline %q: finding %d has no fingerprint", file, i+1)
		}
		out[e.Fingerprint] = true
	}
	return out, nil
}

// NewBaseline returns a baseline of every unsuppressed finding of rep.
func NewBaseline(rep *Report) *Baseline {
	b := &Baseline{Version: baselineVersion, Tool: ToolName, Findings: []BaselineEntry{}}
	for _, f := range rep.Findings {
		if f.Suppressed {
			continue
		}
		b.Findings = append(b.Findings, BaselineEntry{Fingerprint: f.Fingerprint, Rule: f.RuleID, Path: f.Path, Line: f.Line})
	}
	sort.Slice(b.Findings, func(i, j int) bool { return b.Findings[i].Fingerprint < b.Findings[j].Fingerprint })
	return b
}

// WriteBaseline writes a baseline of rep's unsuppressed findings to file.
func WriteBaseline(file string, rep *Report) error {
	data, err := json.MarshalIndent(NewBaseline(rep), "", "  ")
	if err != nil {
		return fmt.Errorf("encode baseline: %w", err)
	}
	if err := os.WriteFile(file, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write baseline %q: %w", file, err)
	}
	return nil
}
