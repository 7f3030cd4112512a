// Package gates turns tool reports and analyzer findings into gate verdicts and renders them.
package gates

import (
	"fmt"
	"strings"
)

// Severity ranks a finding. The zero value is SeverityNone, for results that
// carry no severity (SARIF level "none").
type Severity int

// Severities in ascending order, so that comparisons such as
// s >= SeverityHigh read naturally.
const (
	SeverityNone Severity = iota
	SeverityInfo
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"none", "info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name such as "high", ignoring case.
func ParseSeverity(name string) (Severity, error) {
	lower := strings.ToLower(strings.TrimSpace(name))
	for i, n := range severityNames {
		if n == lower {
			return Severity(i), nil
		}
	}
	return SeverityNone, fmt.Errorf("invalid severity %q: expected one of %s", name, strings.Join(severityNames[:], ", "))
}

// MarshalText encodes the severity as its name, for JSON and YAML.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(text []byte) error {
	parsed, err := ParseSeverity(string(text))
	if err != nil {
		return err
	}
	*s = parsed
	return nil
}

// SARIFLevel returns the SARIF 2.1.0 result level for the severity.
func (s Severity) SARIFLevel() string {
	switch {
	case s >= SeverityHigh:
		return "error"
	case s >= SeverityMedium:
		return "warning"
	case s >= SeverityInfo:
		return "note"
	default:
		return "none"
	}
}

// Finding is one problem reported by a tool or a native analyzer.
//
// Message and Snippet must never contain a detected secret or PHI value in
// full: analyzers mask values before they build a Finding.
type Finding struct {
	// Tool names the producer, such as "gitleaks" or "hmsci-phi".
	Tool string `json:"tool"`
	// RuleID is the stable rule identifier, such as "phi/ssn".
	RuleID string `json:"ruleId"`
	// Severity is the normalized severity.
	Severity Severity `json:"severity"`
	// Message is one sentence for a human reader.
	Message string `json:"message"`
	// Path is slash-separated and relative to the source root.
	Path string `json:"path,omitempty"`
	// Line and Column are 1-based; 0 means unknown.
	Line      int `json:"line,omitempty"`
	Column    int `json:"column,omitempty"`
	EndLine   int `json:"endLine,omitempty"`
	EndColumn int `json:"endColumn,omitempty"`
	// Snippet is a masked excerpt of the offending text.
	Snippet string `json:"snippet,omitempty"`
	// Fingerprint identifies the finding across runs for baselines and
	// SARIF partialFingerprints.
	Fingerprint string `json:"fingerprint,omitempty"`
	// Suppressed is set when an inline comment, allowlist or baseline
	// accepted the finding; SuppressionReason names which one and why.
	Suppressed        bool   `json:"suppressed,omitempty"`
	SuppressionReason string `json:"suppressionReason,omitempty"`
	// Properties carries tool-specific facts (confidence, HIPAA safeguard,
	// FHIRPath expression) that renderers copy into SARIF property bags.
	Properties map[string]any `json:"properties,omitempty"`
}
