package render

import (
	"html/template"
	"io"
	"path/filepath"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// safeguard is a HIPAA Security or Privacy Rule requirement and the gates
// that give evidence for it.
type safeguard struct {
	Citation string
	Name     string
	Gates    []string
}

// safeguards lists the 45 CFR Part 164 requirements the gates speak to.
// A gate is evidence, not proof of compliance, and the dashboard states that.
var safeguards = []safeguard{
	{"164.308(a)(1)(ii)(A)", "Risk analysis", []string{"critical-vulnerabilities", "infrastructure-critical", "licenses"}},
	{"164.308(a)(5)(ii)(B)", "Protection from malicious software", []string{"critical-vulnerabilities", "secrets"}},
	{"164.312(a)(1)", "Access control", []string{"rbac-enforced", "pss-restricted"}},
	{"164.312(a)(2)(iv)", "Encryption and decryption", []string{"phi-encrypted"}},
	{"164.312(b)", "Audit controls", []string{"audit-trail"}},
	{"164.312(c)(1)", "Integrity", []string{"unit-tests", "fhir-conformance", "mutation-score"}},
	{"164.312(d)", "Person or entity authentication", []string{"secrets", "rbac-enforced"}},
	{"164.502(b)", "Minimum necessary", []string{"phi-masked", "phi-exposure"}},
	{"164.308(a)(1)(ii)(D)", "Information system activity review", []string{"hipaa-critical"}},
}

// statusWord names a status in plain words, because emoji need a font
// that offline machines often lack.
func statusWord(s gates.Status) string {
	switch s {
	case gates.StatusPassed:
		return "passed"
	case gates.StatusFailed:
		return "failed"
	case gates.StatusWarned:
		return "advisory failure"
	}
	return "not evaluated"
}

type dashboardSafeguard struct {
	Citation string
	Name     string
	Status   gates.Status
	Label    string
	Evidence []gates.Verdict
}

// dashboardGate is a verdict with its report paths as the dashboard
// shows them.
type dashboardGate struct {
	gates.Verdict
	ShownReports []string
}

type dashboardData struct {
	Result     *gates.Result
	Gates      []dashboardGate
	Source     string
	Blocked    bool
	Counts     Counts
	Safeguards []dashboardSafeguard
	Findings   []gates.Finding
	More       int
}

// maxDashboardFindings bounds the findings table; the SARIF file has all.
const maxDashboardFindings = 200

// Dashboard writes a self-contained HTML compliance dashboard: the gates,
// the HIPAA safeguards they give evidence for, and the findings. It loads
// no external asset, so it opens from a CI artifact on an offline machine.
// It is DashboardWith with the zero Options.
func Dashboard(w io.Writer, r *gates.Result) error {
	return DashboardWith(w, r, Options{})
}

// DashboardWith writes the dashboard like Dashboard, with PHI and tokens
// masked, and names the source as opts places it.
func DashboardWith(w io.Writer, r *gates.Result, opts Options) error {
	return writeDashboard(w, redacted(r), opts.masked())
}

// writeDashboard renders a result that redacted has already masked.
func writeDashboard(w io.Writer, r *gates.Result, opts Options) error {
	data := dashboardData{Result: r, Blocked: r.Blocked(), Counts: CountVerdicts(r)}
	if r.Source != "" {
		data.Source = opts.sourceLabel(r.Source)
	}
	for _, v := range r.Verdicts {
		g := dashboardGate{Verdict: v}
		for _, report := range v.Reports {
			g.ShownReports = append(g.ShownReports, shownPath(report, r.Source, data.Source))
		}
		data.Gates = append(data.Gates, g)
	}
	byGate := map[string]gates.Verdict{}
	for _, v := range r.Verdicts {
		byGate[v.Gate] = v
	}
	for _, s := range safeguards {
		ds := dashboardSafeguard{Citation: s.Citation, Name: s.Name, Status: gates.StatusNotEvaluated}
		evaluated := false
		for _, g := range s.Gates {
			v, ok := byGate[g]
			if !ok {
				continue
			}
			ds.Evidence = append(ds.Evidence, v)
			switch {
			case v.Status == gates.StatusFailed || v.Status == gates.StatusWarned:
				ds.Status = gates.StatusFailed
			case v.Status == gates.StatusPassed && ds.Status != gates.StatusFailed:
				evaluated = true
			}
		}
		if evaluated && ds.Status != gates.StatusFailed {
			ds.Status = gates.StatusPassed
		}
		ds.Label = map[gates.Status]string{
			gates.StatusPassed:       "evidence passes",
			gates.StatusFailed:       "evidence fails",
			gates.StatusNotEvaluated: "no evidence",
		}[ds.Status]
		data.Safeguards = append(data.Safeguards, ds)
	}
	findings := allFindings(r)
	if len(findings) > maxDashboardFindings {
		data.More = len(findings) - maxDashboardFindings
		findings = findings[:maxDashboardFindings]
	}
	data.Findings = findings
	return dashboardTemplate.Execute(w, data)
}

// shownPath returns p relative to the source directory when p is an
// absolute path inside it, label when p is the source directory, and p
// unchanged otherwise. The dashboard is read away from the runner, where
// its absolute paths mean nothing.
func shownPath(p, source, label string) string {
	if !filepath.IsAbs(p) || !filepath.IsAbs(source) {
		return p
	}
	rel, err := filepath.Rel(source, p)
	switch {
	case err != nil || rel == ".." || strings.HasPrefix(rel, "../"):
		return p
	case rel == ".":
		return label
	}
	return filepath.ToSlash(rel)
}

var dashboardTemplate = template.Must(template.New("dashboard").Funcs(template.FuncMap{
	"label":  statusWord,
	"loc":    location,
	"plural": plural,
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hmsci compliance dashboard</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1f24;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
.banner{padding:.75rem 1rem;border-radius:6px;font-weight:600}
.blocked{background:#ffebe9;border:1px solid #cf222e}.clear{background:#dafbe1;border:1px solid #1a7f37}
.passed{color:#1a7f37}.failed{color:#cf222e}.advisory-failure{color:#9a6700}.not-evaluated{color:#57606a}
td.passed,td.failed,td.advisory-failure,td.not-evaluated{font-weight:600;white-space:nowrap}
.muted{color:#57606a;font-size:.85rem}
</style>
</head>
<body>
<h1>hmsci compliance dashboard</h1>
{{if .Blocked}}<p class="banner blocked">Blocked: {{.Counts.Failed}} blocking gate{{plural .Counts.Failed}} failed.</p>
{{else}}<p class="banner clear">No blocking gate failed.</p>{{end}}
<p>{{.Counts.Passed}} passed · {{.Counts.Failed}} failed · {{.Counts.AdvisoryFailures}} advisory failures · {{.Counts.NotEvaluated}} not evaluated{{with .Source}} · source <code>{{.}}</code>{{end}}</p>

<h2>Gates</h2>
<table>
<tr><th>Gate</th><th>Status</th><th>Measured</th><th>Threshold</th><th>Mode</th><th>Next step or reason</th><th>Reports</th></tr>
{{range .Gates}}<tr>
<td>{{.Title}}<div class="muted">{{.Gate}}</div></td>
<td class="{{.Status}}">{{label .Status}}</td>
<td>{{.Measured}}</td><td>{{.Threshold}}</td><td>{{.Mode}}</td>
<td>{{if .Reason}}{{.Reason}}{{if .Next}}<br>{{end}}{{end}}{{.Next}}</td>
<td>{{range .ShownReports}}<div><code>{{.}}</code></div>{{end}}</td>
</tr>
{{end}}</table>

<h2>HIPAA safeguards</h2>
<p class="muted">Gates give evidence for these 45 CFR Part 164 requirements; passing gates do not by themselves show compliance.</p>
<table>
<tr><th>Requirement</th><th>Evidence</th><th>Gates</th></tr>
{{range .Safeguards}}<tr>
<td>§{{.Citation}} {{.Name}}</td>
<td class="{{.Status}}">{{.Label}}</td>
<td>{{range .Evidence}}<div class="{{.Status}}">{{.Title}}: {{label .Status}}</div>{{else}}<span class="muted">no enabled gate</span>{{end}}</td>
</tr>
{{end}}</table>

{{range .Result.Phases}}{{if .Steps}}<h2>Phase {{.Name}}</h2>
<table><tr><th>Step</th><th>Status</th><th>Duration</th><th>Reason</th></tr>
{{range .Steps}}<tr><td>{{.Name}}</td><td>{{.Status}}</td><td>{{.Duration}}</td><td>{{.Reason}}</td></tr>
{{end}}</table>{{end}}{{end}}

<h2>Findings</h2>
{{if .Findings}}<table>
<tr><th>Severity</th><th>Tool</th><th>Rule</th><th>Location</th><th>Message</th></tr>
{{range .Findings}}<tr><td>{{.Severity}}{{if .Suppressed}} (suppressed: {{.SuppressionReason}}){{end}}</td><td>{{.Tool}}</td><td>{{.RuleID}}</td><td><code>{{loc .}}</code></td><td>{{.Message}}</td></tr>
{{end}}</table>{{if .More}}<p class="muted">{{.More}} more findings are in hmsci.sarif and result.json.</p>{{end}}
{{else}}<p>No findings.</p>{{end}}

{{with .Result.Notes}}<h2>Notes</h2><ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
</body>
</html>
`))
