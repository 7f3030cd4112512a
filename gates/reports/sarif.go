package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// DefaultMaxFindings is how many findings ParseSARIF keeps in
// SARIFSummary.Findings. The counts always cover every result; a caller that
// needs every finding of a large log uses ScanSARIF instead.
const DefaultMaxFindings = 10000

// SARIF 2.1.0 result levels.
const (
	sarifLevelError   = "error"
	sarifLevelWarning = "warning"
	sarifLevelNote    = "note"
	sarifLevelNone    = "none"
)

// Keys of gates.Finding.Properties that the SARIF parser sets.
const (
	// PropertySARIFLevel holds the effective SARIF level of the result.
	PropertySARIFLevel = "sarif.level"
	// PropertySecuritySeverity holds the CVSS-style security-severity
	// score (0 to 10) when the result or its rule has one.
	PropertySecuritySeverity = "security-severity"
	// PropertyPartialFingerprints holds the result's partialFingerprints.
	PropertyPartialFingerprints = "partialFingerprints"
)

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifMessage struct {
	Text      string   `json:"text"`
	Markdown  string   `json:"markdown"`
	ID        string   `json:"id"`
	Arguments []string `json:"arguments"`
}

type sarifProperties struct {
	SecuritySeverity json.RawMessage `json:"security-severity"`
}

type sarifRule struct {
	ID                   string `json:"id"`
	DefaultConfiguration struct {
		Level   string `json:"level"`
		Enabled *bool  `json:"enabled"`
	} `json:"defaultConfiguration"`
	ShortDescription sarifText            `json:"shortDescription"`
	MessageStrings   map[string]sarifText `json:"messageStrings"`
	Properties       sarifProperties      `json:"properties"`

	// The rule's security-severity, parsed once for all its results.
	scoreParsed bool
	score       float64
	scoreErr    error
}

// securitySeverity returns the rule's parsed security-severity property;
// ok is false when the rule has none.
func (r *sarifRule) securitySeverity() (score float64, ok bool, err error) {
	raw := r.Properties.SecuritySeverity
	if len(raw) == 0 || string(raw) == "null" {
		return 0, false, nil
	}
	if !r.scoreParsed {
		r.score, r.scoreErr = parseSecuritySeverity(raw)
		r.scoreParsed = true
	}
	return r.score, true, r.scoreErr
}

type sarifToolComponent struct {
	Name    string      `json:"name"`
	Version string      `json:"version"`
	Rules   []sarifRule `json:"rules"`
	byID    map[string]int
}

type sarifTool struct {
	Driver     sarifToolComponent   `json:"driver"`
	Extensions []sarifToolComponent `json:"extensions"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

type sarifLocation struct {
	PhysicalLocation struct {
		ArtifactLocation struct {
			URI       string `json:"uri"`
			URIBaseID string `json:"uriBaseId"`
			Index     *int   `json:"index"`
		} `json:"artifactLocation"`
		Region sarifRegion `json:"region"`
	} `json:"physicalLocation"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

type sarifResult struct {
	RuleID    string `json:"ruleId"`
	RuleIndex *int   `json:"ruleIndex"`
	Rule      *struct {
		ID            string `json:"id"`
		Index         *int   `json:"index"`
		ToolComponent *struct {
			Name  string `json:"name"`
			Index *int   `json:"index"`
		} `json:"toolComponent"`
	} `json:"rule"`
	Kind                string             `json:"kind"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Fingerprints        map[string]string  `json:"fingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions"`
	BaselineState       string             `json:"baselineState"`
	Properties          sarifProperties    `json:"properties"`
}

// pendingResult is a result read before its run's tool object, kept until
// the rules it refers to are known.
type pendingResult struct {
	result sarifResult
	offset int64
	index  int
}

// ScanSARIF streams a SARIF 2.1.0 log from r and calls visit once per
// result, in file order, with the result mapped to a gates.Finding. It
// decodes one result at a time, so memory stays bounded by the largest
// single result and the rule tables, not by the size of the log. It returns
// the tool.driver.name of every run. path names the file in errors. An
// error from visit stops the scan and is returned as is.
func ScanSARIF(path string, r io.Reader, visit func(gates.Finding) error) ([]string, error) {
	p := sarifStream{s: newByteScanner(path, FormatSARIF, r), visit: visit}
	if err := p.log(); err != nil {
		return p.tools, err
	}
	return p.tools, nil
}

type sarifArtifact struct {
	Location struct {
		URI string `json:"uri"`
	} `json:"location"`
}

type findingError struct {
	value string
	err   error
}

// sarifFinding maps one SARIF result to a finding. skip is set for results
// that record no problem (kind "pass" or "notApplicable").
func sarifFinding(tool *sarifTool, artifacts []string, res *sarifResult) (gates.Finding, bool, *findingError) {
	switch res.Kind {
	case "", "fail", "open", "review", "informational":
	case "pass", "notApplicable":
		return gates.Finding{}, true, nil
	default:
		return gates.Finding{}, false, &findingError{res.Kind, errors.New("invalid kind: expected fail, pass, open, review, informational or notApplicable")}
	}

	rule := tool.rule(res)
	ruleID := res.RuleID
	if ruleID == "" && res.Rule != nil {
		ruleID = res.Rule.ID
	}
	if ruleID == "" && rule != nil {
		ruleID = rule.ID
	}

	level := res.Level
	if level == "" && res.Kind != "" && res.Kind != "fail" {
		level = sarifLevelNone
	}
	if level == "" && rule != nil {
		level = rule.DefaultConfiguration.Level
	}
	if level == "" {
		level = sarifLevelWarning
	}
	severity, ok := levelSeverity(level)
	if !ok {
		return gates.Finding{}, false, &findingError{level, errors.New("invalid level: expected error, warning, note or none")}
	}

	f := gates.Finding{
		Tool:       tool.Driver.Name,
		RuleID:     ruleID,
		Message:    resultMessage(res, rule),
		Properties: make(map[string]any, 2),
	}

	score, hasScore, err := resultSecuritySeverity(res, rule)
	if err != nil {
		return gates.Finding{}, false, err
	}
	if hasScore {
		severity = cvssSeverity(score)
		f.Properties[PropertySecuritySeverity] = score
	}
	f.Severity = severity
	f.Properties[PropertySARIFLevel] = level

	if len(res.Locations) > 0 {
		loc := res.Locations[0].PhysicalLocation
		uri := loc.ArtifactLocation.URI
		if i := loc.ArtifactLocation.Index; uri == "" && i != nil && *i >= 0 && *i < len(artifacts) {
			uri = artifacts[*i]
		}
		f.Path = artifactPath(uri)
		f.Line = loc.Region.StartLine
		f.Column = loc.Region.StartColumn
		f.EndLine = loc.Region.EndLine
		f.EndColumn = loc.Region.EndColumn
	}

	f.Fingerprint = firstByKey(res.Fingerprints)
	if f.Fingerprint == "" {
		f.Fingerprint = firstByKey(res.PartialFingerprints)
	}
	if len(res.PartialFingerprints) > 0 {
		f.Properties[PropertyPartialFingerprints] = res.PartialFingerprints
	}

	for _, sup := range res.Suppressions {
		// A suppression without a status is taken as accepted: the tool or
		// the author chose to suppress the result.
		switch sup.Status {
		case "", "accepted":
			f.Suppressed = true
			f.SuppressionReason = suppressionReason(sup)
		case "underReview", "rejected":
		default:
			return gates.Finding{}, false, &findingError{sup.Status, errors.New("invalid suppression status: expected accepted, underReview or rejected")}
		}
		if f.Suppressed {
			break
		}
	}
	if res.BaselineState != "" {
		f.Properties["baselineState"] = res.BaselineState
	}
	return f, false, nil
}

// resultSecuritySeverity returns the security-severity of the result, or
// else of its rule.
func resultSecuritySeverity(res *sarifResult, rule *sarifRule) (float64, bool, *findingError) {
	if raw := res.Properties.SecuritySeverity; len(raw) > 0 && string(raw) != "null" {
		score, err := parseSecuritySeverity(raw)
		if err != nil {
			return 0, false, &findingError{string(raw), err}
		}
		return score, true, nil
	}
	if rule == nil {
		return 0, false, nil
	}
	score, ok, err := rule.securitySeverity()
	if err != nil {
		return 0, false, &findingError{string(rule.Properties.SecuritySeverity), err}
	}
	return score, ok, nil
}

func suppressionReason(sup sarifSuppression) string {
	kind := sup.Kind
	if kind == "" {
		kind = "suppressed"
	}
	if sup.Justification == "" {
		return kind
	}
	return kind + ": " + sup.Justification
}

// rule finds the reporting descriptor a result refers to, by index or id,
// in the driver or in the extension the result names.
func (t *sarifTool) rule(res *sarifResult) *sarifRule {
	component := &t.Driver
	id := res.RuleID
	index := res.RuleIndex
	if res.Rule != nil {
		if res.Rule.ID != "" {
			id = res.Rule.ID
		}
		if res.Rule.Index != nil {
			index = res.Rule.Index
		}
		if tc := res.Rule.ToolComponent; tc != nil && tc.Index != nil {
			if *tc.Index < 0 || *tc.Index >= len(t.Extensions) {
				return nil
			}
			component = &t.Extensions[*tc.Index]
		}
	}

	if index != nil && *index >= 0 && *index < len(component.Rules) {
		return &component.Rules[*index]
	}
	if id == "" {
		return nil
	}

	if component.byID == nil {
		component.byID = make(map[string]int, len(component.Rules))
		for i, r := range component.Rules {
			if _, dup := component.byID[r.ID]; !dup {
				component.byID[r.ID] = i
			}
		}
	}
	if i, ok := component.byID[id]; ok {
		return &component.Rules[i]
	}

	// A hierarchical rule id such as "CA2101/1" can name a sub-rule of the
	// descriptor "CA2101", so an unknown id falls back to its parent.
	if slash := strings.LastIndexByte(id, '/'); slash > 0 {
		if i, ok := component.byID[id[:slash]]; ok {
			return &component.Rules[i]
		}
	}
	return nil
}

var messagePlaceholder = regexp.MustCompile(`\{(\d+)\}`)

func resultMessage(res *sarifResult, rule *sarifRule) string {
	text := res.Message.Text
	if text == "" {
		text = res.Message.Markdown
	}
	if text == "" && res.Message.ID != "" && rule != nil {
		if m, ok := rule.MessageStrings[res.Message.ID]; ok {
			text = m.Text
			if text == "" {
				text = m.Markdown
			}
		}
	}
	if text == "" && rule != nil {
		text = rule.ShortDescription.Text
	}
	if len(res.Message.Arguments) > 0 && strings.Contains(text, "{") {
		text = messagePlaceholder.ReplaceAllStringFunc(text, func(m string) string {
			n, err := strconv.Atoi(m[1 : len(m)-1])
			if err != nil || n >= len(res.Message.Arguments) {
				return m
			}
			return res.Message.Arguments[n]
		})
	}
	return text
}

// levelSeverity maps a SARIF level to a severity.
func levelSeverity(level string) (gates.Severity, bool) {
	switch level {
	case sarifLevelError:
		return gates.SeverityHigh, true
	case sarifLevelWarning:
		return gates.SeverityMedium, true
	case sarifLevelNote:
		return gates.SeverityLow, true
	case sarifLevelNone:
		return gates.SeverityNone, true
	}
	return gates.SeverityNone, false
}

// parseSecuritySeverity reads a security-severity property, which tools
// write as a string ("8.8") or, less often, a number.
func parseSecuritySeverity(raw json.RawMessage) (float64, error) {
	text := string(raw)
	if strings.HasPrefix(text, `"`) {
		if err := json.Unmarshal(raw, &text); err != nil {
			return 0, fmt.Errorf("invalid security-severity: %w", err)
		}
	}
	score, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil || score < 0 || score > 10 {
		return 0, errors.New("invalid security-severity: expected a number from 0 to 10")
	}
	return score, nil
}

// cvssSeverity maps a CVSS-style score to a severity with the CVSS v3
// qualitative ranges: 9.0 and above critical, 7.0 high, 4.0 medium, above 0
// low, and 0 none.
func cvssSeverity(score float64) gates.Severity {
	switch {
	case score >= 9:
		return gates.SeverityCritical
	case score >= 7:
		return gates.SeverityHigh
	case score >= 4:
		return gates.SeverityMedium
	case score > 0:
		return gates.SeverityLow
	}
	return gates.SeverityNone
}

// artifactPath turns an artifact URI into a slash-separated path: file URIs
// lose their scheme and percent-encoding is decoded.
func artifactPath(uri string) string {
	if uri == "" {
		return ""
	}
	if strings.HasPrefix(uri, "file:") {
		if u, err := url.Parse(uri); err == nil {
			return u.Path
		}
	}
	if decoded, err := url.PathUnescape(uri); err == nil {
		return decoded
	}
	return uri
}

func firstByKey(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	if len(m) == 1 {
		for _, v := range m {
			return v
		}
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return m[keys[0]]
}

// SummarizeSARIF streams a SARIF log and counts its findings. It keeps at
// most maxFindings findings in the summary (all of them when maxFindings is
// negative); the counts cover every result either way.
func SummarizeSARIF(path string, r io.Reader, maxFindings int) (*SARIFSummary, error) {
	sum := &SARIFSummary{
		BySeverity: map[gates.Severity]int{},
		ByLevel:    map[string]int{},
		ByTool:     map[string]int{},
	}
	tools, err := ScanSARIF(path, r, func(f gates.Finding) error {
		sum.Total++
		if f.Suppressed {
			sum.Suppressed++
		} else {
			sum.BySeverity[f.Severity]++
			if level, ok := f.Properties[PropertySARIFLevel].(string); ok {
				sum.ByLevel[level]++
			}
			sum.ByTool[f.Tool]++
		}
		if maxFindings < 0 || len(sum.Findings) < maxFindings {
			sum.Findings = append(sum.Findings, f)
		} else {
			sum.FindingsOmitted++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sum.Tools = tools
	if sum.Tools == nil {
		sum.Tools = []string{}
	}
	if sum.Findings == nil {
		sum.Findings = []gates.Finding{}
	}
	return sum, nil
}

// ParseSARIF parses a SARIF 2.1.0 log, keeping up to DefaultMaxFindings
// findings.
func ParseSARIF(path string, r io.Reader) (*Report, error) {
	sum, err := SummarizeSARIF(path, r, DefaultMaxFindings)
	if err != nil {
		return nil, err
	}
	return &Report{Path: path, Format: FormatSARIF, SARIF: sum}, nil
}
