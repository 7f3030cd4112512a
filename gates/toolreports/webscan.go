package toolreports

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
)

// axeResult is one page of the JSON array that `axe --save` writes
// (@axe-core/cli 4.x). Only the fields read are declared.
type axeResult struct {
	URL        string `json:"url"`
	Violations []struct {
		ID      string `json:"id"`
		Impact  string `json:"impact"`
		Help    string `json:"help"`
		HelpURL string `json:"helpUrl"`
		Nodes   []struct {
			Impact string `json:"impact"`
			// Target is a list of CSS selectors; a selector inside an
			// iframe or shadow root is itself a list.
			Target []json.RawMessage `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// axeSeverity maps axe impact levels to severities.
var axeSeverity = map[string]gates.Severity{
	"minor":    gates.SeverityLow,
	"moderate": gates.SeverityMedium,
	"serious":  gates.SeverityHigh,
	"critical": gates.SeverityCritical,
}

// parseAxe reads axe.json and returns one finding per element that
// violates a rule. The elements' HTML is not copied, because it can
// contain patient data shown on the page; the finding names the CSS
// selector instead. Results that need manual review ("incomplete") are
// not findings.
func parseAxe(r *reader, a *policy.Analysis) error {
	const name = "axe.json"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	var results []axeResult
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, "{") {
		// axe-core's own JSON (axe.run results) is one object.
		var single axeResult
		if err := r.decodeJSON(name, data, &single); err != nil {
			return err
		}
		results = []axeResult{single}
	} else if err := r.decodeJSON(name, data, &results); err != nil {
		return err
	}

	var messages []string
	for i, res := range results {
		page := maskURL(res.URL)
		for j, v := range res.Violations {
			if v.ID == "" {
				return &ParseError{Step: r.step, Path: r.path(name), Field: fmt.Sprintf("[%d].violations[%d].id", i, j), Err: fmt.Errorf("missing rule id")}
			}
			for k, node := range v.Nodes {
				impact := node.Impact
				if impact == "" {
					impact = v.Impact
				}
				severity, ok := axeSeverity[impact]
				if !ok {
					return &ParseError{Step: r.step, Path: r.path(name), Field: fmt.Sprintf("[%d].violations[%d].nodes[%d].impact", i, j, k),
						Err: fmt.Errorf("invalid impact %q: expected minor, moderate, serious or critical", impact)}
				}
				selector, err := axeSelector(node.Target)
				if err != nil {
					return &ParseError{Step: r.step, Path: r.path(name), Field: fmt.Sprintf("[%d].violations[%d].nodes[%d].target", i, j, k), Err: err}
				}
				a.Findings = append(a.Findings, gates.Finding{
					Tool: policy.ToolAxe, RuleID: v.ID, Severity: severity,
					Properties: map[string]any{"impact": impact, "helpUri": v.HelpURL},
				})
				messages = append(messages, fmt.Sprintf("%s: element %s on %s (%s impact)", strings.TrimSuffix(v.Help, "."), selector, page, impact))
			}
		}
	}
	for i, m := range maskMessages(messages) {
		a.Findings[i].Message = m
	}
	return nil
}

// axeSelector joins an axe node target: frames and shadow roots are
// separated by " >>> ".
func axeSelector(target []json.RawMessage) (string, error) {
	var parts []string
	for _, raw := range target {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil {
			parts = append(parts, s)
			continue
		}
		var nested []string
		if err := json.Unmarshal(raw, &nested); err != nil {
			return "", fmt.Errorf("invalid selector %s: expected a string or a list of strings", strconv.Quote(string(raw)))
		}
		parts = append(parts, strings.Join(nested, " >>> "))
	}
	if len(parts) == 0 {
		return "(no selector)", nil
	}
	return strings.Join(parts, " >>> "), nil
}

// zapReport is the traditional JSON report that zap-baseline.py writes
// with -J (ZAP 2.x). ZAP writes the numbers as strings.
type zapReport struct {
	Site []struct {
		Name   string `json:"@name"`
		Alerts []struct {
			PluginID   string `json:"pluginid"`
			AlertRef   string `json:"alertRef"`
			Alert      string `json:"alert"`
			Name       string `json:"name"`
			RiskCode   string `json:"riskcode"`
			Confidence string `json:"confidence"`
			Count      string `json:"count"`
			CWEID      string `json:"cweid"`
			Instances  []struct {
				URI    string `json:"uri"`
				Method string `json:"method"`
			} `json:"instances"`
		} `json:"alerts"`
	} `json:"site"`
}

// zapRisk maps ZAP risk codes to severities.
var zapRisk = map[string]gates.Severity{
	"0": gates.SeverityInfo,
	"1": gates.SeverityLow,
	"2": gates.SeverityMedium,
	"3": gates.SeverityHigh,
}

// parseZAP reads zap.json and returns one finding per alert and site,
// naming the first instances' URLs with query values masked. Evidence and
// other information are not copied: they quote response content. An
// alert of confidence 0 is one that a ZAP user marked as a false
// positive; it is kept as suppressed.
func parseZAP(r *reader, a *policy.Analysis) error {
	const name = "zap.json"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	var rep zapReport
	if err := r.decodeJSON(name, data, &rep); err != nil {
		return err
	}
	var messages []string
	for i, site := range rep.Site {
		for j, alert := range site.Alerts {
			field := fmt.Sprintf("site[%d].alerts[%d]", i, j)
			severity, ok := zapRisk[alert.RiskCode]
			if !ok {
				return &ParseError{Step: r.step, Path: r.path(name), Field: field + ".riskcode",
					Err: fmt.Errorf("invalid risk code %q: expected 0 (informational) to 3 (high)", alert.RiskCode)}
			}
			title := alert.Name
			if title == "" {
				title = alert.Alert
			}
			rule := alert.AlertRef
			if rule == "" {
				rule = alert.PluginID
			}
			if rule == "" || title == "" {
				return &ParseError{Step: r.step, Path: r.path(name), Field: field, Err: fmt.Errorf("alert without pluginid or name")}
			}
			var where []string
			for k, inst := range alert.Instances {
				if k == 3 {
					break
				}
				where = append(where, strings.TrimSpace(inst.Method+" "+maskURL(inst.URI)))
			}
			count := len(alert.Instances)
			if n, err := strconv.Atoi(alert.Count); err == nil && n > count {
				count = n
			}
			message := fmt.Sprintf("%s (%d instances on %s)", title, count, maskURL(site.Name))
			if len(where) > 0 {
				message = fmt.Sprintf("%s: %s", message, strings.Join(where, ", "))
			}
			f := gates.Finding{Tool: policy.ToolZAP, RuleID: rule, Severity: severity, Properties: map[string]any{"confidence": alert.Confidence}}
			if alert.CWEID != "" && alert.CWEID != "-1" && alert.CWEID != "0" {
				f.Properties["cwe"] = "CWE-" + alert.CWEID
			}
			if alert.Confidence == "0" {
				f.Suppressed = true
				f.SuppressionReason = "marked as a false positive in ZAP (confidence 0)"
			}
			a.Findings = append(a.Findings, f)
			messages = append(messages, message)
		}
	}
	for i, m := range maskMessages(messages) {
		a.Findings[i].Message = m
	}
	return nil
}

// sonarStatus is the response of SonarQube's web API
// api/qualitygates/project_status, or its error response.
type sonarStatus struct {
	ProjectStatus *struct {
		Status     string `json:"status"`
		Conditions []struct {
			Status         string `json:"status"`
			MetricKey      string `json:"metricKey"`
			Comparator     string `json:"comparator"`
			ErrorThreshold string `json:"errorThreshold"`
			ActualValue    string `json:"actualValue"`
		} `json:"conditions"`
	} `json:"projectStatus"`
	Errors []struct {
		Msg string `json:"msg"`
	} `json:"errors"`
}

// sonarComparators spell out the comparator of a failed condition.
var sonarComparators = map[string]string{"LT": "at least", "GT": "at most", "EQ": "not", "NE": "equal to"}

// parseSonarQube reads sonarqube-quality-gate.json. Status OK passes, and
// WARN, which older servers return, passes with the warning in the detail.
// ERROR fails and names the failed conditions. NONE means the project has
// no quality gate, so the gate is not evaluated.
func parseSonarQube(r *reader, a *policy.Analysis) error {
	const name = "sonarqube-quality-gate.json"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	var st sonarStatus
	if err := r.decodeJSON(name, data, &st); err != nil {
		return err
	}
	if len(st.Errors) > 0 {
		var msgs []string
		for _, e := range st.Errors {
			msgs = append(msgs, e.Msg)
		}
		return r.errorf(name, 0, "the SonarQube web API returned an error: %s", maskMessage(strings.Join(msgs, "; ")))
	}
	if st.ProjectStatus == nil {
		return r.errorf(name, 0, "missing key \"projectStatus\": expected the response of api/qualitygates/project_status")
	}
	var failed []string
	for _, c := range st.ProjectStatus.Conditions {
		if c.Status != "ERROR" && c.Status != "WARN" {
			continue
		}
		want := sonarComparators[c.Comparator]
		if want == "" {
			want = c.Comparator
		}
		failed = append(failed, fmt.Sprintf("%s is %s, must be %s %s (%s)", c.MetricKey, c.ActualValue, want, c.ErrorThreshold, strings.ToLower(c.Status)))
	}
	check := policy.Check{}
	switch st.ProjectStatus.Status {
	case "OK":
		check = policy.Check{OK: true, Detail: "quality gate passed"}
	case "WARN":
		check = policy.Check{OK: true, Detail: "quality gate passed with warnings: " + strings.Join(failed, ", ")}
	case "ERROR":
		check = policy.Check{Detail: "quality gate failed: " + strings.Join(failed, ", ")}
	case "NONE":
		a.Unmeasured = map[string]string{policy.CheckSonarQubeQualityGate: "the SonarQube project has no quality gate: assign one in SonarQube"}
		return nil
	default:
		return r.errorf(name, 0, "invalid projectStatus.status %q: expected OK, WARN, ERROR or NONE", st.ProjectStatus.Status)
	}
	a.Checks = map[string]policy.Check{policy.CheckSonarQubeQualityGate: check}
	return nil
}
