package render

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// SARIF 2.1.0 document types, limited to the properties hmsci writes.
// Field names follow the OASIS SARIF 2.1.0 schema.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool               sarifTool                `json:"tool"`
		OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds,omitempty"`
		Results            []sarifResult            `json:"results"`
		Properties         map[string]any           `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string          `json:"id"`
		ShortDescription sarifMessage    `json:"shortDescription"`
		FullDescription  sarifMessage    `json:"fullDescription"`
		Help             sarifMessage    `json:"help"`
		DefaultConfig    sarifRuleConfig `json:"defaultConfiguration"`
		Properties       sarifRuleProps  `json:"properties"`
	}
	sarifRuleConfig struct {
		Level string `json:"level"`
	}
	sarifRuleProps struct {
		Tags             []string `json:"tags,omitempty"`
		SecuritySeverity string   `json:"security-severity,omitempty"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Level               string             `json:"level"`
		Message             sarifMessage       `json:"message"`
		Locations           []sarifLocation    `json:"locations,omitempty"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifArtifact struct {
		URI         string        `json:"uri,omitempty"`
		URIBaseID   string        `json:"uriBaseId,omitempty"`
		Description *sarifMessage `json:"description,omitempty"`
	}
	sarifRegion struct {
		StartLine   int           `json:"startLine"`
		StartColumn int           `json:"startColumn,omitempty"`
		EndLine     int           `json:"endLine,omitempty"`
		EndColumn   int           `json:"endColumn,omitempty"`
		Snippet     *sarifMessage `json:"snippet,omitempty"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Justification string `json:"justification,omitempty"`
	}
)

const sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// securitySeverity is the CVSS-style score GitHub code scanning reads from
// a rule's "security-severity" property: above 9.0 is critical, 7.0 to 8.9
// high, 4.0 to 6.9 medium, 0.1 to 3.9 low.
var securitySeverity = map[gates.Severity]string{
	gates.SeverityCritical: "9.5",
	gates.SeverityHigh:     "8.0",
	gates.SeverityMedium:   "5.5",
	gates.SeverityLow:      "3.0",
}

// GitHub code scanning limits, from its documentation on SARIF uploads:
// a file with more than 20 runs, or a run with more than 25,000 results,
// is rejected.
const (
	maxRuns          = 20
	maxResultsPerRun = 25000
	mergedTool       = "hmsci-other-tools"
)

// fingerprintKey names hmsci's own partial fingerprint, versioned so that
// a change of the hashed fields does not collide with old alerts.
const fingerprintKey = "hmsciFinding/v1"

// SARIF writes every finding of the result as one SARIF 2.1.0 log with one
// run per tool, for GitHub code scanning. It is SARIFWith with the zero
// Options, so paths are relative to the source directory.
func SARIF(w io.Writer, r *gates.Result) error {
	return SARIFWith(w, r, Options{})
}

// SARIFWith writes every finding of the result as one SARIF 2.1.0 log with
// one run per tool, for GitHub code scanning, with PHI and tokens masked in
// messages and paths. Relative paths become URIs relative to the
// repository root (opts.SourcePrefix joined with the path) against the
// base id %SRCROOT%, which each run declares as the repository root.
// Suppressed findings carry a suppression, and each result has a partial
// fingerprint so alerts survive unrelated edits. Each rule has a title, a
// description that names its gates, and help text.
func SARIFWith(w io.Writer, r *gates.Result, opts Options) error {
	return writeSARIF(w, redacted(r), opts.masked())
}

// writeSARIF renders a result that redacted has already masked.
func writeSARIF(w io.Writer, r *gates.Result, opts Options) error {
	byTool := map[string][]gates.Finding{}
	for _, f := range allFindings(r) {
		tool := f.Tool
		if tool == "" {
			tool = "hmsci"
		}
		byTool[tool] = append(byTool[tool], f)
	}
	tools := make([]string, 0, len(byTool))
	for t := range byTool {
		tools = append(tools, t)
	}
	sort.Strings(tools)

	// GitHub code scanning rejects a file with more than maxRuns runs, so
	// the tools past the limit share one run with tool-prefixed rule ids.
	if len(tools) > maxRuns {
		var merged []gates.Finding
		for _, tool := range tools[maxRuns-1:] {
			for _, f := range byTool[tool] {
				f.RuleID = tool + "/" + f.RuleID
				merged = append(merged, f)
			}
		}
		tools = append(tools[:maxRuns-1], mergedTool)
		byTool[mergedTool] = merged
	}

	doc := sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{}}
	for _, tool := range tools {
		doc.Runs = append(doc.Runs, sarifRunFor(tool, byTool[tool], opts))
	}
	// Compact output, because GitHub limits the upload size and a SARIF
	// file is read by tools rather than people.
	return json.NewEncoder(w).Encode(doc)
}

// srcRoot is the uriBaseId of every relative artifact URI. Its
// originalUriBaseIds entry describes it without a uri, because the
// repository root's absolute path differs between the runner and the
// reader; GitHub code scanning resolves relative URIs against the
// repository root.
const srcRoot = "%SRCROOT%"

func sarifRunFor(tool string, findings []gates.Finding, opts Options) sarifRun {
	run := sarifRun{
		Tool:    sarifTool{Driver: sarifDriver{Name: tool, Rules: []sarifRule{}}},
		Results: []sarifResult{},
		OriginalURIBaseIDs: map[string]sarifArtifact{
			srcRoot: {Description: &sarifMessage{Text: "The root of the repository that was checked."}},
		},
	}
	if strings.HasPrefix(tool, "hmsci") {
		run.Tool.Driver.InformationURI = "https://github.com/hms-enterprise/hmsci"
	}
	ruleIndex := map[string]int{}
	ruleSeverity := map[string]gates.Severity{}
	ruleInfos := map[string]ruleInfo{}
	if len(findings) > maxResultsPerRun {
		// findings are sorted unsuppressed first, then by severity, so the
		// cut drops the least important ones.
		run.Properties = map[string]any{"hmsci/omittedResults": len(findings) - maxResultsPerRun}
		findings = findings[:maxResultsPerRun]
	}
	for _, f := range findings {
		id := f.RuleID
		if id == "" {
			id = "unspecified"
		}
		idx, ok := ruleIndex[id]
		if !ok {
			// The merged run's rule ids carry a tool prefix, but the
			// catalog lists rules by their own id.
			owner := f.Tool
			if owner == "" {
				owner = tool
			}
			info := ruleMetadata(owner, strings.TrimPrefix(id, f.Tool+"/"), f.Message)
			ruleInfos[id] = info
			idx = len(run.Tool.Driver.Rules)
			ruleIndex[id] = idx
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
				ID:               id,
				ShortDescription: sarifMessage{Text: info.title},
				FullDescription:  sarifMessage{Text: info.description},
				Help:             sarifMessage{Text: info.help},
				DefaultConfig:    sarifRuleConfig{Level: gates.SeverityNone.SARIFLevel()},
				Properties:       sarifRuleProps{Tags: ruleTags(info)},
			})
		}
		info := ruleInfos[id]
		// A rule's severity is the highest of its results, because GitHub
		// reads security-severity from the rule, not from the result.
		if f.Severity > ruleSeverity[id] {
			ruleSeverity[id] = f.Severity
			run.Tool.Driver.Rules[idx].Properties.SecuritySeverity = severityScore(info, f.Severity)
			run.Tool.Driver.Rules[idx].DefaultConfig.Level = f.Severity.SARIFLevel()
		}
		run.Results = append(run.Results, sarifResultFor(id, idx, f, info, opts))
	}
	return run
}

func sarifResultFor(ruleID string, ruleIndex int, f gates.Finding, info ruleInfo, opts Options) sarifResult {
	message := f.Message
	if message == "" {
		message = ruleID
	}
	res := sarifResult{
		RuleID:              ruleID,
		RuleIndex:           ruleIndex,
		Level:               f.Severity.SARIFLevel(),
		Message:             sarifMessage{Text: message},
		PartialFingerprints: map[string]string{fingerprintKey: fingerprint(f)},
		Properties:          map[string]any{"severity": f.Severity.String()},
	}
	if s := severityScore(info, f.Severity); s != "" {
		res.Properties["security-severity"] = s
	}
	if f.Path != "" {
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: opts.artifactFor(f.Path)}}
		if f.Line > 0 {
			region := &sarifRegion{StartLine: f.Line, StartColumn: f.Column}
			if f.EndLine >= f.Line {
				region.EndLine = f.EndLine
			}
			if f.EndColumn > 0 && (region.EndLine > f.Line || f.EndColumn > f.Column) {
				region.EndColumn = f.EndColumn
			}
			if f.Snippet != "" {
				region.Snippet = &sarifMessage{Text: f.Snippet}
			}
			loc.PhysicalLocation.Region = region
		}
		res.Locations = []sarifLocation{loc}
	}
	if f.Suppressed {
		res.Suppressions = []sarifSuppression{{Kind: "external", Justification: f.SuppressionReason}}
	}
	return res
}

// uriEscaper escapes the bytes of a path that a relative URI reference
// cannot carry as they are.
var uriEscaper = strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F")

// artifactFor returns a URI relative to the repository root against
// %SRCROOT%, or an absolute file URI for an absolute path outside
// opts.RepoRoot.
func (o Options) artifactFor(p string) sarifArtifact {
	p, relative := o.repoPath(p)
	escaped := uriEscaper.Replace(p)
	if !relative {
		return sarifArtifact{URI: "file://" + escaped}
	}
	return sarifArtifact{URI: escaped, URIBaseID: srcRoot}
}

// fingerprint is stable across runs for the same tool, rule, file and
// flagged text, and ignores the line number so an edit above the finding
// keeps its alert. The Fingerprint of the finding wins when the tool gave
// one.
func fingerprint(f gates.Finding) string {
	if f.Fingerprint != "" {
		return f.Fingerprint
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s", f.Tool, f.RuleID, f.Path, f.Snippet, f.Message)
	return hex.EncodeToString(h.Sum(nil))[:32]
}
