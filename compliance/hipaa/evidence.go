package hipaa

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/infra/terraform"
)

// HIPAA Security Rule safeguards (45 CFR Part 164) reported as rows.
const (
	SafeguardAccessControl = "164.312(a)(1)"
	SafeguardEncryption    = "164.312(a)(2)(iv)"
	SafeguardAudit         = "164.312(b)"
	SafeguardIntegrity     = "164.312(c)(1)"
	SafeguardTransmission  = "164.312(e)(1)"
	SafeguardContingency   = "164.308(a)(7)"
)

var safeguardTitles = []struct{ id, title string }{
	{SafeguardAccessControl, "Access control"},
	{SafeguardEncryption, "Encryption and decryption"},
	{SafeguardAudit, "Audit controls"},
	{SafeguardIntegrity, "Integrity"},
	{SafeguardTransmission, "Transmission security"},
	{SafeguardContingency, "Contingency plan"},
}

// Rule ids of the findings this package reports.
const (
	RuleRouteWithoutAuthorization = "hipaa/route-without-authorization"
	RuleRoutePublic               = "hipaa/route-public"
	RuleRouteWithoutAudit         = "hipaa/route-without-audit"
)

// failingSeverity is the lowest severity that makes a safeguard not met
// or a check gate fail; low and info findings are listed as evidence only.
const failingSeverity = gates.SeverityMedium

func routeFinding(rule string, severity gates.Severity, safeguard string, r Route, message string) gates.Finding {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%s|%s|%s", rule, r.File, r.Method, r.Path))
	return gates.Finding{
		Tool:        Tool,
		RuleID:      rule,
		Severity:    severity,
		Message:     message,
		Path:        r.File,
		Line:        r.Line,
		Fingerprint: hex.EncodeToString(sum[:16]),
		Properties: map[string]any{
			"hipaaSafeguard": safeguard,
			"route":          r.Method + " " + r.Path,
			"handler":        r.Handler,
		},
	}
}

// routeFindings reports routes without authorization, unexpectedly public
// routes and patient-data routes without an audit call.
func routeFindings(routes []Route, opts *Options) []gates.Finding {
	var out []gates.Finding
	access := SafeguardAccessControl + " access control"
	audit := SafeguardAudit + " audit controls"
	for _, r := range routes {
		name := r.Method + " " + r.Path
		switch {
		case r.Public && !matchesAny(r.Path, opts.PublicPaths):
			severity := gates.SeverityMedium
			if r.PatientData {
				severity = gates.SeverityHigh
			}
			out = append(out, routeFinding(RuleRoutePublic, severity, access, r, fmt.Sprintf(
				"route %s is declared public but is not a public path (%s); require a permission, or add the path to hipaa public-paths if it serves no protected data.",
				name, strings.Join(opts.PublicPaths, ", "))))
		case !r.Public && r.Authorization == "" && !matchesAny(r.Path, opts.PublicPaths):
			out = append(out, routeFinding(RuleRouteWithoutAuthorization, gates.SeverityHigh, access, r, fmt.Sprintf(
				"route %s has no authorization: no middleware named %s and no route field %s; add one so only permitted roles reach the handler.",
				name, strings.Join(opts.AuthMiddleware, ", "), strings.Join(opts.AuthFields, ", "))))
		}
		if r.PatientData && !r.Audited {
			reason := fmt.Sprintf("handler %s never calls %s", r.Handler, strings.Join(opts.AuditFunctions, ", "))
			if !r.HandlerFound {
				reason = fmt.Sprintf("handler %s is not defined in the scanned sources, so its audit call could not be verified", r.Handler)
			}
			out = append(out, routeFinding(RuleRouteWithoutAudit, gates.SeverityHigh, audit, r, fmt.Sprintf(
				"patient-data route %s is not audited: %s; record every read and write of patient data.", name, reason)))
		}
	}
	return out
}

// evidence holds everything the measurements and safeguard rows read.
type evidence struct {
	routes          []Route
	routeFindings   []gates.Finding
	kube            []gates.Finding
	kubeRan         bool
	terraform       []gates.Finding
	terraformRan    bool
	phiLogExposures *int
}

func failing(f gates.Finding) bool { return !f.Suppressed && f.Severity >= failingSeverity }

// describe lists up to three findings as "rule at file:line".
func describe(findings []gates.Finding) string {
	var parts []string
	for i, f := range findings {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(findings)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s at %s:%d", f.RuleID, f.Path, f.Line))
	}
	return strings.Join(parts, ", ")
}

func (ev *evidence) measurements() []Measurement {
	return []Measurement{ev.phiEncrypted(), ev.rbacEnforced(), ev.auditTrail(), ev.phiMasked()}
}

func (ev *evidence) phiEncrypted() Measurement {
	m := Measurement{Gate: policy.CheckPHIEncrypted}
	if !ev.terraformRan {
		m.Reason = "no Terraform resources found: set hipaa terraform-paths to the stack that stores PHI"
		return m
	}
	var bad []gates.Finding
	for _, f := range ev.terraform {
		category, _ := f.Properties["category"].(string)
		if failing(f) && (category == terraform.CategoryEncryption || category == terraform.CategoryTransit) {
			bad = append(bad, f)
		}
	}
	m.Evaluated, m.OK = true, len(bad) == 0
	if m.OK {
		m.Detail = "no encryption-at-rest or TLS finding in the Terraform files"
	} else {
		m.Detail = fmt.Sprintf("%d encryption-at-rest or TLS findings: %s", len(bad), describe(bad))
	}
	return m
}

func isRBACRule(id string) bool { return strings.HasPrefix(id, "kube/rbac-") }

func (ev *evidence) rbacEnforced() Measurement {
	m := Measurement{Gate: policy.CheckRBACEnforced}
	if len(ev.routes) == 0 && !ev.kubeRan {
		m.Reason = "no routes and no Kubernetes manifests found: set hipaa source-paths and kube-paths"
		return m
	}
	var bad []gates.Finding
	for _, f := range ev.routeFindings {
		if f.RuleID != RuleRouteWithoutAudit && failing(f) {
			bad = append(bad, f)
		}
	}
	for _, f := range ev.kube {
		if isRBACRule(f.RuleID) && failing(f) {
			bad = append(bad, f)
		}
	}
	m.Evaluated, m.OK = true, len(bad) == 0
	var checked []string
	if len(ev.routes) > 0 {
		checked = append(checked, fmt.Sprintf("%d routes", len(ev.routes)))
	} else {
		checked = append(checked, "no routes found in the sources")
	}
	if ev.kubeRan {
		checked = append(checked, "Kubernetes RBAC")
	} else {
		checked = append(checked, "no Kubernetes manifests")
	}
	if m.OK {
		m.Detail = "checked " + strings.Join(checked, " and ") + ": every route is authorized and RBAC is least-privilege"
	} else {
		m.Detail = fmt.Sprintf("%d authorization findings: %s", len(bad), describe(bad))
	}
	return m
}

func (ev *evidence) auditTrail() Measurement {
	m := Measurement{Gate: policy.RatioAuditTrail}
	var unaudited []string
	for _, r := range ev.routes {
		if !r.PatientData {
			continue
		}
		m.Total++
		if r.Audited {
			m.Passed++
		} else {
			unaudited = append(unaudited, fmt.Sprintf("%s %s (%s:%d)", r.Method, r.Path, r.File, r.Line))
		}
	}
	if m.Total == 0 {
		m.Reason = "no patient-data routes found: set hipaa patient-data-paths to the URL paths that serve PHI"
		return m
	}
	m.Evaluated, m.OK = true, m.Passed == m.Total
	m.Detail = fmt.Sprintf("%d of %d patient-data routes call an audit function", m.Passed, m.Total)
	if len(unaudited) > 0 {
		m.Detail += "; not audited: " + strings.Join(unaudited, ", ")
	}
	return m
}

func (ev *evidence) phiMasked() Measurement {
	m := Measurement{Gate: policy.CheckPHIMasked}
	if ev.phiLogExposures == nil {
		m.Reason = "the PHI scanner did not run, so log exposure is unknown"
		return m
	}
	n := *ev.phiLogExposures
	m.Evaluated, m.OK = true, n == 0
	m.Detail = fmt.Sprintf("%d log statements expose PHI (phi/log-exposure)", n)
	return m
}

// safeguards builds one row per safeguard from the findings' hipaaSafeguard
// property, which starts with the CFR citation.
func (ev *evidence) safeguards() []SafeguardRow {
	all := append(append(append([]gates.Finding(nil), ev.routeFindings...), ev.kube...), ev.terraform...)
	bySafeguard := map[string][]gates.Finding{}
	for _, f := range all {
		s, _ := f.Properties["hipaaSafeguard"].(string)
		id, _, _ := strings.Cut(s, " ")
		bySafeguard[id] = append(bySafeguard[id], f)
	}
	sources := map[string]bool{
		SafeguardAccessControl: len(ev.routes) > 0 || ev.kubeRan || ev.terraformRan,
		SafeguardEncryption:    ev.terraformRan,
		SafeguardAudit:         len(ev.routes) > 0 || ev.terraformRan,
		SafeguardIntegrity:     ev.kubeRan,
		SafeguardTransmission:  ev.terraformRan || ev.kubeRan,
		SafeguardContingency:   ev.terraformRan || ev.kubeRan,
	}
	rows := make([]SafeguardRow, 0, len(safeguardTitles))
	for _, s := range safeguardTitles {
		row := SafeguardRow{ID: s.id, Title: s.title, Status: StatusNotEvaluated}
		if !sources[s.id] {
			row.Evidence = []string{"no input: no routes, manifests or Terraform files feed this safeguard"}
			rows = append(rows, row)
			continue
		}
		findings := bySafeguard[s.id]
		row.Status = StatusMet
		counts := map[string]int{}
		first := map[string]gates.Finding{}
		for _, f := range findings {
			if failing(f) {
				row.Status = StatusNotMet
			}
			if _, ok := first[f.RuleID]; !ok {
				first[f.RuleID] = f
			}
			counts[f.RuleID]++
		}
		ids := make([]string, 0, len(counts))
		for id := range counts {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			f := first[id]
			row.Evidence = append(row.Evidence, fmt.Sprintf("%s: %d finding(s), first at %s:%d (%s)", id, counts[id], f.Path, f.Line, f.Severity))
		}
		if s.id == SafeguardAudit {
			if m := ev.auditTrail(); m.Evaluated {
				row.Evidence = append(row.Evidence, m.Detail)
			}
		}
		if len(row.Evidence) == 0 {
			row.Evidence = []string{"no findings"}
		}
		rows = append(rows, row)
	}
	return rows
}

// Measurement returns the measurement of gate, and false if there is none.
func (r *Report) Measurement(gate string) (Measurement, bool) {
	for _, m := range r.Measurements {
		if m.Gate == gate {
			return m, true
		}
	}
	return Measurement{}, false
}

// Analysis converts the report into the policy input that the HIPAA gates
// read. Measurements that were not evaluated are left out, so their gates
// report why.
func (r *Report) Analysis(source string) policy.Analysis {
	a := policy.Analysis{
		Tool:     Tool,
		Findings: r.Findings,
		Ratios:   map[string]policy.Ratio{},
		Checks:   map[string]policy.Check{},
		Source:   source,
	}
	for _, m := range r.Measurements {
		if !m.Evaluated {
			continue
		}
		if m.Gate == policy.RatioAuditTrail {
			a.Ratios[m.Gate] = policy.Ratio{Passed: m.Passed, Total: m.Total}
			continue
		}
		a.Checks[m.Gate] = policy.Check{OK: m.OK, Detail: m.Detail}
	}
	return a
}
