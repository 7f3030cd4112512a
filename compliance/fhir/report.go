package fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// Tool is the tool name of every finding and SARIF run the validator makes.
const Tool = "hmsci-fhir"

// severityOf maps an issue severity to a finding severity: error and
// fatal are high, warning medium, information info.
func severityOf(s Severity) gates.Severity {
	switch s {
	case SeverityFatal, SeverityError:
		return gates.SeverityHigh
	case SeverityWarning:
		return gates.SeverityMedium
	default:
		return gates.SeverityInfo
	}
}

// Findings converts every issue of the report into a finding. Paths are
// the outcome files without the NDJSON line suffix; the FHIRPath
// expression and the issue code go into Properties.
func (r *Report) Findings() []gates.Finding {
	var out []gates.Finding
	for _, o := range r.Outcomes {
		path, line := splitNDJSONName(o.File)
		for _, is := range o.Issues {
			f := gates.Finding{
				Tool:     Tool,
				RuleID:   is.Rule,
				Severity: severityOf(is.Severity),
				Message:  is.Message,
				Path:     path,
				Line:     is.Line,
				Column:   is.Column,
				Properties: map[string]any{
					"fhirSeverity": string(is.Severity),
					"issueCode":    is.Code,
				},
			}
			if line > 0 {
				f.Line, f.Column = line, is.Column
			}
			if is.Expression != "" {
				f.Properties["expression"] = is.Expression
			}
			if is.Key != "" {
				f.Properties["constraint"] = is.Key
			}
			if !r.Blocking[o.File] {
				f.Properties["blocking"] = false
			}
			sum := sha256.Sum256([]byte(f.RuleID + "\x00" + path + "\x00" + is.Expression + "\x00" + is.Message))
			f.Fingerprint = hex.EncodeToString(sum[:16])
			out = append(out, f)
		}
	}
	return out
}

// splitNDJSONName splits "data.ndjson:12" into the path and line 12.
func splitNDJSONName(name string) (string, int) {
	i := strings.LastIndexByte(name, ':')
	if i < 0 || !strings.HasSuffix(strings.ToLower(name[:i]), ".ndjson") {
		return name, 0
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil {
		return name, 0
	}
	return name[:i], n
}

// Summary is the headline of a report.
type Summary struct {
	Files      int `json:"files"`
	Resources  int `json:"resources"`
	Conformant int `json:"conformantFiles"`
	// Conformance is Conformant / Files, from 0 to 1, and 0 for no files.
	Conformance    float64 `json:"conformance"`
	Errors         int     `json:"errors"`
	Warnings       int     `json:"warnings"`
	BlockingErrors int     `json:"blockingErrors"`
	// InvariantsEvaluated and InvariantsSkipped count FHIRPath invariant
	// checks in all files.
	InvariantsEvaluated int `json:"invariantsEvaluated"`
	InvariantsSkipped   int `json:"invariantsSkipped"`
}

// Summary counts files, resources and issues.
func (r *Report) Summary() Summary {
	s := Summary{Files: r.Files(), Resources: r.Resources(), Conformance: r.Conformance(), Errors: r.Errors(), BlockingErrors: r.BlockingErrors()}
	for _, o := range r.Outcomes {
		if o.Conformant() {
			s.Conformant++
		}
		s.Warnings += o.Warnings()
		s.InvariantsEvaluated += o.InvariantsEvaluated
		s.InvariantsSkipped += o.InvariantsSkipped
	}
	return s
}

// Line returns the summary as one line of text. Conformance counts files
// (an NDJSON line counts as a file), not resources, because a bundle file
// is conformant only when all its resources are. For no files the line
// states that nothing was checked instead of giving a percentage.
func (s Summary) Line() string {
	if s.Files == 0 {
		return "0 FHIR files selected, so nothing was checked"
	}
	return fmt.Sprintf("%s with %s: %d of %s conformant (%.1f %%), %s (%d in blocking paths), %s; invariants %d evaluated, %d skipped",
		plural(s.Files, "file"), plural(s.Resources, "resource"), s.Conformant, plural(s.Files, "file"), 100*s.Conformance,
		plural(s.Errors, "error"), s.BlockingErrors, plural(s.Warnings, "warning"), s.InvariantsEvaluated, s.InvariantsSkipped)
}

// plural returns "1 file" or "n files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// WriteJSON writes the summary and one OperationOutcome per file.
func (r *Report) WriteJSON(w io.Writer) error {
	type fileOutcome struct {
		File             string         `json:"file"`
		Resources        int            `json:"resources"`
		Blocking         bool           `json:"blocking"`
		OperationOutcome map[string]any `json:"operationOutcome"`
	}
	doc := struct {
		Summary Summary       `json:"summary"`
		Files   []fileOutcome `json:"files"`
	}{Summary: r.Summary(), Files: []fileOutcome{}}
	for _, o := range r.Outcomes {
		doc.Files = append(doc.Files, fileOutcome{File: o.File, Resources: o.Resources, Blocking: r.Blocking[o.File], OperationOutcome: o.OperationOutcome()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write FHIR report as JSON: %w", err)
	}
	return nil
}

// WriteText writes one line per issue and a summary line.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, o := range r.Outcomes {
		path, line := splitNDJSONName(o.File)
		for _, is := range o.Issues {
			l := is.Line
			if line > 0 {
				l = line
			}
			loc := path
			if l > 0 {
				loc += ":" + strconv.Itoa(l)
				if is.Column > 0 {
					loc += ":" + strconv.Itoa(is.Column)
				}
			}
			fmt.Fprintf(&b, "%s: %s [%s]", loc, is.Severity, is.Rule)
			if is.Expression != "" {
				fmt.Fprintf(&b, " %s:", is.Expression)
			}
			fmt.Fprintf(&b, " %s\n", is.Message)
		}
	}
	b.WriteString(r.Summary().Line())
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteSARIF writes the issues as a SARIF 2.1.0 log with one rule per issue
// kind.
func (r *Report) WriteSARIF(w io.Writer) error {
	findings := r.Findings()
	used := map[string]bool{}
	for _, f := range findings {
		used[f.RuleID] = true
	}
	ruleIDs := make([]string, 0, len(used))
	for id := range used {
		ruleIDs = append(ruleIDs, id)
	}
	sort.Strings(ruleIDs)
	rules := make([]any, 0, len(ruleIDs))
	index := map[string]int{}
	for i, id := range ruleIDs {
		index[id] = i
		rules = append(rules, map[string]any{
			"id":               id,
			"shortDescription": map[string]any{"text": RuleDescriptions[id]},
		})
	}
	results := make([]any, 0, len(findings))
	for _, f := range findings {
		region := map[string]any{}
		if f.Line > 0 {
			region["startLine"] = f.Line
			if f.Column > 0 {
				region["startColumn"] = f.Column
			}
		}
		loc := map[string]any{"artifactLocation": map[string]any{"uri": f.Path, "uriBaseId": "%SRCROOT%"}}
		if len(region) > 0 {
			loc["region"] = region
		}
		results = append(results, map[string]any{
			"ruleId":              f.RuleID,
			"ruleIndex":           index[f.RuleID],
			"level":               f.Severity.SARIFLevel(),
			"message":             map[string]any{"text": f.Message},
			"locations":           []any{map[string]any{"physicalLocation": loc}},
			"partialFingerprints": map[string]any{"hmsciFhir/v1": f.Fingerprint},
			"properties":          f.Properties,
		})
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": Tool, "informationUri": "https://hl7.org/fhir/R4/", "rules": rules}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write FHIR report as SARIF: %w", err)
	}
	return nil
}
