package phi

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// Output formats accepted by Render.
const (
	FormatSARIF = "sarif"
	FormatJSON  = "json"
	FormatText  = "text"
)

// Render writes rep in the named format.
func Render(w io.Writer, rep *Report, format string) error {
	switch format {
	case FormatSARIF, "":
		return RenderSARIF(w, rep)
	case FormatJSON:
		return RenderJSON(w, rep)
	case FormatText:
		return RenderText(w, rep)
	}
	return fmt.Errorf("invalid format %q: expected sarif, json or text", format)
}

// fingerprintKey names the partialFingerprints entry of SARIF results.
const fingerprintKey = "hmsciPhi/v1"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool       sarifTool      `json:"tool"`
	Results    []sarifResult  `json:"results"`
	ColumnKind string         `json:"columnKind"`
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Suppressions        []sarifSuppress   `json:"suppressions,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int           `json:"startLine,omitempty"`
	StartColumn int           `json:"startColumn,omitempty"`
	EndLine     int           `json:"endLine,omitempty"`
	EndColumn   int           `json:"endColumn,omitempty"`
	Snippet     *sarifSnippet `json:"snippet,omitempty"`
}

type sarifSnippet struct {
	Text string `json:"text"`
}

type sarifSuppress struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

// RenderSARIF writes rep as a SARIF 2.1.0 log with one run. Results carry
// masked values only, and partialFingerprints for baselining in code
// scanning services.
func RenderSARIF(w io.Writer, rep *Report) error {
	index := map[string]int{}
	rules := make([]sarifRule, 0, len(Rules))
	for i, r := range Rules {
		index[r.ID] = i
		rules = append(rules, sarifRule{
			ID:                   r.ID,
			Name:                 r.Name,
			ShortDescription:     sarifText{r.Name},
			FullDescription:      sarifText{r.Description},
			DefaultConfiguration: map[string]any{"level": r.Severity.SARIFLevel()},
			Properties:           map[string]any{"tags": []string{"security", "privacy", "hipaa", "phi"}},
		})
	}
	results := make([]sarifResult, 0, len(rep.Findings))
	for _, f := range rep.Findings {
		res := sarifResult{
			RuleID:              f.RuleID,
			RuleIndex:           index[f.RuleID],
			Level:               f.Severity.SARIFLevel(),
			Message:             sarifText{f.Message},
			PartialFingerprints: map[string]string{fingerprintKey: f.Fingerprint},
			Properties:          sarifProperties(f),
		}
		loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: f.Path, URIBaseID: "%SRCROOT%"}}}
		if f.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn}
			if f.Snippet != "" {
				loc.PhysicalLocation.Region.Snippet = &sarifSnippet{Text: f.Snippet}
			}
		}
		res.Locations = []sarifLocation{loc}
		if f.Suppressed {
			kind := "external"
			if strings.HasPrefix(f.SuppressionReason, "inline:") {
				kind = "inSource"
			}
			res.Suppressions = []sarifSuppress{{Kind: kind, Justification: f.SuppressionReason}}
		}
		results = append(results, res)
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs: []sarifRun{{
			Tool:       sarifTool{Driver: sarifDriver{Name: ToolName, Rules: rules}},
			Results:    results,
			ColumnKind: "unicodeCodePoints",
			Properties: map[string]any{
				"filesScanned": rep.FilesScanned,
				"bytesScanned": rep.BytesScanned,
				"skipped":      rep.Skipped,
			},
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func sarifProperties(f gates.Finding) map[string]any {
	p := make(map[string]any, len(f.Properties)+1)
	for k, v := range f.Properties {
		p[k] = v
	}
	p["severity"] = f.Severity.String()
	return p
}

// jsonReport is the JSON output: the report plus its totals.
type jsonReport struct {
	Tool       string `json:"tool"`
	Blocking   int    `json:"blocking"`
	Suppressed int    `json:"suppressed"`
	*Report
}

// RenderJSON writes rep as JSON with blocking and suppressed totals.
func RenderJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	out := jsonReport{Tool: ToolName, Blocking: rep.Blocking(), Suppressed: rep.Suppressed(), Report: rep}
	if out.Findings == nil {
		out.Report = &Report{Findings: []gates.Finding{}, Skipped: rep.Skipped, FilesScanned: rep.FilesScanned, BytesScanned: rep.BytesScanned}
	}
	return enc.Encode(out)
}

// RenderText writes one line per finding and a summary line.
func RenderText(w io.Writer, rep *Report) error {
	var b strings.Builder
	for _, f := range rep.Findings {
		if f.Line > 0 {
			fmt.Fprintf(&b, "%s:%d:%d: %s %s: %s", f.Path, f.Line, f.Column, f.Severity, f.RuleID, f.Message)
		} else {
			// A finding about the file or folder name has no position.
			fmt.Fprintf(&b, "%s: %s %s: %s", f.Path, f.Severity, f.RuleID, f.Message)
		}
		if c, ok := f.Properties["confidence"].(float64); ok {
			fmt.Fprintf(&b, " [confidence %.2f]", c)
		}
		if f.Suppressed {
			fmt.Fprintf(&b, " [suppressed: %s]", f.SuppressionReason)
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "%d findings, %d blocking, %d suppressed; scanned %d files (%d bytes)",
		len(rep.Findings), rep.Blocking(), rep.Suppressed(), rep.FilesScanned, rep.BytesScanned)
	if len(rep.Skipped) > 0 {
		reasons := make([]string, 0, len(rep.Skipped))
		for r, n := range rep.Skipped {
			reasons = append(reasons, fmt.Sprintf("%s %d", r, n))
		}
		sort.Strings(reasons)
		fmt.Fprintf(&b, "; skipped: %s", strings.Join(reasons, ", "))
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}
