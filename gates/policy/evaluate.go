package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/reports"
)

// comparison is the rule that holds a measured value against the threshold.
type comparison int

const (
	atLeast  comparison = iota // value >= threshold passes
	atMost                     // value <= threshold passes
	lessThan                   // value < threshold passes
	mustHold                   // a yes/no check; 1 passes
)

// measurement is the result of a gate's measure function.
type measurement struct {
	// ok is false when there was nothing to measure. missing then names
	// the input that was looked for.
	ok      bool
	missing string
	value   float64
	// measured overrides the default display of value.
	measured string
	// failed overrides the threshold comparison, for gates with extra
	// rules (per-glob thresholds, blocking paths).
	failed  *bool
	reports []string
	next    string
}

// gateSpec describes one gate: how to measure it and what feeds it.
type gateSpec struct {
	name  string
	title string
	cmp   comparison
	unit  string
	// steps produce the gate's input; a step that did not run explains a
	// missing value.
	steps []string
	// formats are the report formats that feed the gate; a malformed
	// report of one of them explains a missing value.
	formats []reports.Format
	// tools are the tool names, besides the steps, that identify the
	// gate's reports by path, so that a malformed report is charged to
	// the gates of the tool that wrote it.
	tools   []string
	measure func(e *evaluation, s config.GateSetting) measurement
}

var coverageFormats = []reports.Format{reports.FormatLCOV, reports.FormatCobertura, reports.FormatCoverprofile}

// gateSpecs lists every gate in the order of config.GateNames.
var gateSpecs = []gateSpec{
	{name: "coverage-line", title: "Line coverage", cmp: atLeast, unit: "%", steps: []string{"jest", "go-test"}, formats: coverageFormats, measure: measureLineCoverage},
	{name: "coverage-branch", title: "Branch coverage", cmp: atLeast, unit: "%", steps: []string{"jest", "go-test"}, formats: coverageFormats, measure: measureBranchCoverage},
	{name: "coverage-phi-modules", title: "PHI module coverage", cmp: atLeast, unit: "%", steps: []string{"jest", "go-test"}, formats: coverageFormats, measure: measurePHICoverage},
	{name: "unit-tests", title: "Failing tests", cmp: atMost, unit: "failing", steps: []string{"jest", "go-test"}, formats: []reports.Format{reports.FormatJUnit}, measure: measureTests},
	{name: "mutation-score", title: "Mutation score", cmp: atLeast, unit: "%", steps: []string{"stryker"}, formats: []reports.Format{reports.FormatStryker}, measure: measureMutation},
	{name: "api-tests", title: "API tests", cmp: atMost, unit: "failing", steps: []string{ToolNewman}, formats: []reports.Format{reports.FormatJUnit}, tools: []string{"newman"}, measure: measureStepTests(isNewmanJUnit, "no newman-*.junit.xml report from the newman step")},
	{name: "migrations", title: "Database migrations", cmp: mustHold, steps: []string{ToolNewman}, measure: measureCheck(ToolNewman, CheckMigrations)},
	{name: "e2e-tests", title: "End-to-end tests", cmp: atMost, unit: "failing", steps: []string{ToolPlaywright}, formats: []reports.Format{reports.FormatJUnit}, tools: []string{"playwright"}, measure: measureStepTests(isPlaywrightJUnit, "no playwright.junit.xml report from the playwright step")},
	{name: "accessibility", title: "Accessibility violations", cmp: atMost, unit: "violations", steps: []string{ToolAxe}, measure: stepFindingCount("no axe.json from the axe step", ToolAxe)},
	{name: "eslint-errors", title: "ESLint errors", cmp: atMost, unit: "errors", steps: []string{"eslint"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{"eslint"}, measure: findingCount("eslint", "no ESLint SARIF report")},
	{name: "type-coverage", title: "Type coverage", cmp: atLeast, unit: "%", steps: []string{"type-coverage"}, measure: measureRatio(ToolTypeCoverage, RatioTypeCoverage)},
	{name: "typescript-strict", title: "TypeScript strict mode", cmp: mustHold, steps: []string{"tsconfig-strict"}, measure: measureCheck(ToolTSConfig, CheckTypeScriptStrict)},
	{name: "typescript-errors", title: "TypeScript errors", cmp: atMost, unit: "errors", steps: []string{ToolTSC}, measure: stepFindingCount("no tsc.txt from the tsc step", ToolTSC)},
	{name: "formatting", title: "Formatting", cmp: atMost, unit: "files", steps: []string{ToolPrettier}, measure: stepFindingCount("no prettier.txt from the prettier step", ToolPrettier)},
	{name: "go-lint-errors", title: "Go lint errors", cmp: atMost, unit: "errors", steps: []string{"golangci-lint"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{"golangci-lint"}, measure: findingCount("golangci-lint", "no golangci-lint SARIF report")},
	{name: "sonarqube-quality-gate", title: "SonarQube quality gate", cmp: mustHold, steps: []string{ToolSonarQube}, measure: measureCheck(ToolSonarQube, CheckSonarQubeQualityGate)},
	{name: "secrets", title: "Secrets", cmp: atMost, unit: "findings", steps: []string{"gitleaks", "trivy-fs"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{"gitleaks", "trivy"}, measure: findingCount("gitleaks", "no gitleaks or Trivy SARIF report", "trivy")},
	{name: "critical-vulnerabilities", title: "Vulnerabilities", cmp: atMost, unit: "findings", steps: []string{"trivy-fs", "osv-scanner", "govulncheck", "semgrep", "snyk", "trivy-image", "zap"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{"trivy", "osv-scanner", "grype", "snyk", "semgrep", "govulncheck", "codeql", "gosec", "zap"}, measure: findingCount("trivy", "no vulnerability scanner SARIF report (Trivy, OSV-Scanner, Grype, Snyk, Semgrep, govulncheck)", "osv-scanner", "grype", "snyk", "semgrep", "govulncheck", "codeql", "gosec", "zap")},
	{name: "sast-findings", title: "SAST findings", cmp: atMost, unit: "findings", steps: []string{"semgrep"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{"semgrep"}, measure: findingCount("semgrep", "no Semgrep SARIF report")},
	{name: "dast-findings", title: "DAST findings", cmp: atMost, unit: "alerts", steps: []string{ToolZAP}, measure: stepFindingCount("no zap.json from the zap step", ToolZAP)},
	{name: "licenses", title: "Licence policy", cmp: atMost, unit: "components", steps: []string{"sbom", "license-check"}, formats: []reports.Format{reports.FormatCycloneDX}, measure: measureLicenses},
	{name: "hipaa-critical", title: "HIPAA critical violations", cmp: atMost, unit: "findings", steps: []string{"hipaa", "phi-scan"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{ToolHIPAA, ToolPHI}, measure: findingCount(ToolHIPAA, "no hmsci-hipaa or hmsci-phi result or SARIF report", ToolPHI)},
	{name: "phi-exposure", title: "PHI exposure", cmp: atMost, unit: "findings", steps: []string{"phi-scan"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{ToolPHI}, measure: findingCount(ToolPHI, "no hmsci-phi result or SARIF report (go run ./ci phi --format sarif writes one)")},
	{name: "audit-trail", title: "Audit trail coverage", cmp: atLeast, unit: "%", steps: []string{"hipaa"}, measure: measureRatio(ToolHIPAA, RatioAuditTrail)},
	{name: "phi-encrypted", title: "PHI encrypted", cmp: mustHold, steps: []string{"hipaa"}, measure: measureCheck(ToolHIPAA, CheckPHIEncrypted)},
	{name: "rbac-enforced", title: "RBAC enforced", cmp: mustHold, steps: []string{"hipaa"}, measure: measureCheck(ToolHIPAA, CheckRBACEnforced)},
	{name: "phi-masked", title: "PHI masked", cmp: mustHold, steps: []string{"hipaa"}, measure: measureCheck(ToolHIPAA, CheckPHIMasked)},
	{name: "fhir-conformance", title: "FHIR conformance", cmp: atLeast, unit: "%", steps: []string{"fhir-validate"}, measure: measureFHIR},
	{name: "infrastructure-critical", title: "Infrastructure findings", cmp: atMost, unit: "findings", steps: []string{"kubeconform", "kube-policy", "conftest-k8s", "tflint", "trivy-config", "terraform-policy"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{ToolKube, ToolTerraform, "kubeconform", "checkov", "tflint", "conftest"}, measure: findingCount(ToolKube, "no Kubernetes or Terraform check result", ToolTerraform, "kubeconform", "checkov", "tflint", "conftest")},
	{name: "pss-restricted", title: "Pod Security restricted", cmp: atMost, unit: "violations", steps: []string{"kube-policy"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{ToolKube}, measure: findingCount(ToolKube, "no hmsci-kube result or SARIF report")},
	{name: "kubernetes-schema", title: "Kubernetes schema", cmp: atMost, unit: "invalid resources", steps: []string{ToolKubeconform}, measure: stepFindingCount("no kubeconform.json from the kubeconform step", ToolKubeconform)},
	{name: "kubernetes-policy", title: "Kubernetes policy", cmp: atMost, unit: "violations", steps: []string{ToolConftestK8s, "kube-policy"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{ToolKube, "conftest"}, measure: measureKubernetesPolicy},
	{name: "terraform-lint", title: "Terraform lint", cmp: atMost, unit: "issues", steps: []string{"tflint"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{"tflint"}, measure: findingCount("tflint", "no TFLint SARIF report")},
	{name: "terraform-misconfigurations", title: "Terraform misconfigurations", cmp: atMost, unit: "findings", steps: []string{"trivy-config", "terraform-policy"}, formats: []reports.Format{reports.FormatSARIF}, tools: []string{"trivy", "checkov", ToolTerraform}, measure: measureTerraformMisconfigurations},
	{name: "terraform-drift", title: "Terraform drift", cmp: atMost, unit: "directories", steps: []string{ToolTerraformDrift}, measure: stepFindingCount("no terraform-drift.txt from the terraform-drift step", ToolTerraformDrift)},
	{name: "image-non-root", title: "Image runs as non-root", cmp: mustHold, steps: []string{ToolImageCheck}, measure: measureCheck(ToolImageCheck, CheckImageNonRoot)},
	{name: "image-minimal", title: "Minimal image", cmp: atMost, unit: "tools", steps: []string{ToolImageCheck}, measure: stepFindingCount("no image-check.json from the image-check step", ToolImageCheck)},
	{name: "image-policy", title: "Image policy", cmp: atMost, unit: "violations", steps: []string{ToolConftestImage}, measure: stepFindingCount("no conftest-image.json from the conftest-image step", ToolConftestImage)},
	{name: "image-signed", title: "Image signed", cmp: mustHold, steps: []string{ToolSign, ToolVerify}, measure: measureImageSigned},
	{name: "lighthouse-performance", title: "Lighthouse performance", cmp: atLeast, unit: lighthouseUnit, steps: []string{"lighthouse"}, formats: []reports.Format{reports.FormatLighthouse}, measure: measureLighthouse(false)},
	{name: "lighthouse-accessibility", title: "Lighthouse accessibility", cmp: atLeast, unit: lighthouseUnit, steps: []string{"lighthouse"}, formats: []reports.Format{reports.FormatLighthouse}, measure: measureLighthouse(true)},
	{name: "response-time", title: "Response time p95", cmp: lessThan, unit: "ms", steps: []string{"k6"}, formats: []reports.Format{reports.FormatK6}, measure: measureLoad(loadP95)},
	{name: "availability", title: "Availability", cmp: atLeast, unit: "%", steps: []string{"k6"}, formats: []reports.Format{reports.FormatK6}, measure: measureLoad(loadAvailability)},
	{name: "error-rate", title: "Error rate", cmp: lessThan, unit: "%", steps: []string{"k6"}, formats: []reports.Format{reports.FormatK6}, measure: measureLoad(loadErrorRate)},
	{name: "throughput", title: "Throughput", cmp: atLeast, unit: "requests/s", steps: []string{"k6"}, formats: []reports.Format{reports.FormatK6}, measure: measureLoad(loadThroughput)},
}

func specFor(name string) (gateSpec, bool) {
	for _, s := range gateSpecs {
		if s.name == name {
			return s, true
		}
	}
	return gateSpec{}, false
}

// Title returns the display name of a gate, or the key itself for an
// unknown gate.
func Title(gate string) string {
	if s, ok := specFor(gate); ok {
		return s.title
	}
	return gate
}

// evaluation is the state shared by the measure functions of one run.
type evaluation struct {
	policy   *config.Config
	in       Inputs
	tally    *Tally
	coverage *mergedCoverage
}

// Evaluate returns one verdict per enabled gate of the policy, in the
// policy's gate order. It makes the paths of the findings in the inputs
// relative to Inputs.Root in place, and fills in an analysis finding's
// empty Tool with the analysis tool.
func Evaluate(p *config.Config, in Inputs) []gates.Verdict {
	e := newEvaluation(p, in)
	var verdicts []gates.Verdict
	for _, setting := range p.Gates.EnabledGates() {
		spec, ok := specFor(setting.Name)
		if !ok {
			continue
		}
		verdicts = append(verdicts, e.verdict(spec, setting))
	}
	return verdicts
}

// Run evaluates the policy and collects the findings and notes of the
// inputs into a Result for the renderers.
func Run(p *config.Config, in Inputs, source string) *gates.Result {
	e := newEvaluation(p, in)
	r := &gates.Result{Source: source}
	for _, setting := range p.Gates.EnabledGates() {
		if spec, ok := specFor(setting.Name); ok {
			r.Verdicts = append(r.Verdicts, e.verdict(spec, setting))
		}
	}
	// A gate the policy switched off stays visible as not evaluated.
	r.Verdicts = append(r.Verdicts, disabledVerdicts(p)...)

	order := map[string]int{}
	for i, name := range config.GateNames() {
		order[name] = i
	}
	slices.SortStableFunc(r.Verdicts, func(a, b gates.Verdict) int { return order[a.Gate] - order[b.Gate] })

	r.Findings = e.findings()
	r.Notes = append(r.Notes, weakenedGates(p)...)
	for _, err := range e.sortedReportErrors() {
		r.Notes = append(r.Notes, err.Error())
	}
	for _, rep := range e.sortedReports() {
		r.Reports = append(r.Reports, rep.Path)
		if rep.SARIF == nil || rep.SARIF.FindingsOmitted == 0 {
			continue
		}
		kept, total := len(rep.SARIF.Findings), len(rep.SARIF.Findings)+rep.SARIF.FindingsOmitted
		if in.SARIFTallies[rep.Path] != nil {
			r.Notes = append(r.Notes, fmt.Sprintf("%s: gate counts cover all %d findings; the renderings list the first %d", rep.Path, total, kept))
		} else {
			r.Notes = append(r.Notes, fmt.Sprintf("%s: only the first %d of %d findings were kept; gate counts from this report are lower bounds", rep.Path, kept, total))
		}
	}
	r.Notes = append(r.Notes, groupNotRun(sortSteps(in.NotRun))...)
	return r
}

// groupNotRun describes steps that did not run, one line per reason, in
// the order the reasons first occur: "steps jest, k6 not run: no Dagger
// engine". Callers sort the list (sortSteps) so that the lines do not
// depend on the order in which steps finished.
func groupNotRun(list []SkippedStep) []string {
	var reasons []string
	byReason := map[string][]string{}
	for _, s := range list {
		if _, seen := byReason[s.Reason]; !seen {
			reasons = append(reasons, s.Reason)
		}
		byReason[s.Reason] = append(byReason[s.Reason], s.Step)
	}
	lines := make([]string, len(reasons))
	for i, reason := range reasons {
		names := byReason[reason]
		noun := "step"
		if len(names) > 1 {
			noun = "steps"
		}
		lines[i] = fmt.Sprintf("%s %s not run: %s", noun, strings.Join(names, ", "), reason)
	}
	return lines
}

func newEvaluation(p *config.Config, in Inputs) *evaluation {
	// Steps finish in any order; sort what they produced so that every
	// rendering of two identical runs is identical.
	// Coverage keeps the given order (the first report of a file wins).
	in.Analyses = slices.Clone(in.Analyses)
	slices.SortStableFunc(in.Analyses, func(a, b Analysis) int { return strings.Compare(a.Tool, b.Tool) })
	e := &evaluation{policy: p, in: in, tally: NewTally(p, in.Root)}
	for _, rep := range in.Reports {
		if rep.SARIF == nil {
			continue
		}
		if exact := in.SARIFTallies[rep.Path]; exact != nil {
			e.tally.Merge(exact)
			continue
		}
		for _, tool := range rep.SARIF.Tools {
			e.tally.AddTool(tool)
		}
		for i := range rep.SARIF.Findings {
			e.tally.Add(&rep.SARIF.Findings[i])
		}
	}
	for i := range in.Analyses {
		a := &in.Analyses[i]
		e.tally.AddTool(a.Tool)
		for j := range a.Findings {
			if a.Findings[j].Tool == "" {
				a.Findings[j].Tool = a.Tool
			}
			e.tally.Add(&a.Findings[j])
		}
	}
	e.coverage = mergeCoverage(in.Reports, in.Root)
	return e
}

// findings returns every finding of the inputs, for the merged SARIF.
func (e *evaluation) findings() []gates.Finding {
	var out []gates.Finding
	for _, rep := range e.sortedReports() {
		if rep.SARIF != nil {
			out = append(out, rep.SARIF.Findings...)
		}
	}
	for _, a := range e.in.Analyses {
		out = append(out, a.Findings...)
	}
	return out
}

func (e *evaluation) verdict(spec gateSpec, s config.GateSetting) gates.Verdict {
	v := gates.Verdict{
		Gate:      spec.name,
		Title:     spec.title,
		Mode:      gates.Mode(s.Mode),
		Threshold: thresholdText(spec, s),
	}
	m := spec.measure(e, s)
	if b := e.broken(spec, m); b != nil {
		// Fail closed: a tool that crashed or a report cut short must not
		// turn a red gate green.
		v.Status = gates.StatusFailed
		if s.Mode == config.Advisory {
			v.Status = gates.StatusWarned
		}
		v.Measured = "not measured"
		if m.ok {
			value := m.value
			v.Value = &value
			v.Measured = m.measured
			if v.Measured == "" {
				v.Measured = formatValue(spec, value)
			}
			v.Measured += " (incomplete)"
			v.Reports = reportPaths(m.reports)
		}
		v.Reason = b.reason
		v.Next = b.reason + "; " + b.next
		return v
	}
	if !m.ok {
		v.Status = gates.StatusNotEvaluated
		v.Reason = e.missingReason(spec, m.missing)
		v.Next = e.nextForMissing(spec)
		return v
	}

	value := m.value
	v.Value = &value
	v.Measured = m.measured
	if v.Measured == "" {
		v.Measured = formatValue(spec, value)
	}
	v.Reports = reportPaths(m.reports)

	failed := !passes(spec.cmp, value, s.Threshold)
	if m.failed != nil {
		failed = *m.failed
	}
	switch {
	case !failed:
		v.Status = gates.StatusPassed
	case s.Mode == config.Advisory:
		v.Status = gates.StatusWarned
		v.Next = m.next
	default:
		v.Status = gates.StatusFailed
		v.Next = m.next
	}
	return v
}

func passes(cmp comparison, value, threshold float64) bool {
	switch cmp {
	case atLeast:
		return value >= threshold
	case atMost:
		return value <= threshold
	case lessThan:
		return value < threshold
	default:
		return value == 1
	}
}

// lighthouseUnit is the unit of Lighthouse category scores, which range
// from 0 to 100 and are no percentage.
const lighthouseUnit = "of 100"

// ThresholdText returns the threshold of a gate as its verdicts show it,
// such as ">= 85 %", "<= 0 failing" or ">= 90 of 100", or "required" for
// a yes/no gate. Listings such as `ci plan` use it so that they match the
// verdicts.
func ThresholdText(s config.GateSetting) string {
	spec, ok := specFor(s.Name)
	if !ok {
		return strings.TrimSpace(fmt.Sprintf("%s %s", formatNumber(s.Threshold), s.Unit))
	}
	return thresholdText(spec, s)
}

func thresholdText(spec gateSpec, s config.GateSetting) string {
	if spec.cmp == mustHold {
		return "required"
	}
	symbol := map[comparison]string{atLeast: ">=", atMost: "<=", lessThan: "<"}[spec.cmp]
	return strings.TrimSpace(fmt.Sprintf("%s %s %s", symbol, formatNumber(s.Threshold), spec.unit))
}

func formatValue(spec gateSpec, value float64) string {
	switch {
	case spec.cmp == mustHold && value == 1:
		return "yes"
	case spec.cmp == mustHold:
		return "no"
	case spec.unit == "%":
		return fmt.Sprintf("%.2f %%", value)
	}
	unit := spec.unit
	if value == 1 && strings.HasSuffix(unit, "s") && !strings.Contains(unit, "/") {
		unit = strings.TrimSuffix(unit, "s") // "1 finding", not "1 findings"
	}
	return strings.TrimSpace(formatNumber(value) + " " + unit)
}

func formatNumber(v float64) string {
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d", int64(v))
	}
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

// missingReason explains a gate without value: a step that did not run,
// or a result or report that is simply absent. A malformed report or an
// errored step fails the gate instead (see broken); a malformed report
// of another gate's tool is not this gate's concern.
func (e *evaluation) missingReason(spec gateSpec, missing string) string {
	if sources := e.notRunSources(spec); len(sources) > 0 {
		return strings.Join(groupNotRun(sources), "; ")
	}
	if len(spec.formats) == 0 {
		// Only an in-process analyzer or a step's console output feeds
		// this gate, so no report file could have supplied it.
		return "result missing: " + missing
	}
	where := ""
	if e.in.ReportsDir != "" {
		where = fmt.Sprintf(" among %d files in %s", e.in.FilesScanned, e.in.ReportsDir)
	}
	return "report missing: " + missing + where
}

// notRunSources returns the gate's steps that did not run, in policy
// order. A step that would have run but could not (no engine) explains
// the gate better than a step that does not apply here, so skipped steps
// are listed only when no other step is.
func (e *evaluation) notRunSources(spec gateSpec) []SkippedStep {
	var sources, wouldRun []SkippedStep
	for _, s := range e.sortedNotRun() {
		if !slices.Contains(spec.steps, s.Step) {
			continue
		}
		sources = append(sources, s)
		if !strings.HasPrefix(s.Reason, "skipped: ") {
			wouldRun = append(wouldRun, s)
		}
	}
	if len(wouldRun) > 0 {
		return wouldRun
	}
	return sources
}

// engineCommand is how to run the pipeline under a Dagger engine.
const engineCommand = "dagger run go run ./ci pipeline"

// nextForMissing returns how to obtain the gate's input: run under an engine
// when its steps could not run without one, else run the steps that
// would apply.
func (e *evaluation) nextForMissing(spec gateSpec) string {
	if len(spec.steps) == 0 {
		return ""
	}
	sources := e.notRunSources(spec)
	var engine, skipped []string
	for _, s := range sources {
		switch {
		case strings.Contains(strings.ToLower(s.Reason), "no dagger engine"):
			engine = append(engine, s.Step)
		case strings.HasPrefix(s.Reason, "skipped: "):
			skipped = append(skipped, s.Step)
		}
	}
	switch {
	case len(engine) > 0:
		return fmt.Sprintf("run under a Dagger engine so that step %s runs: `%s ...`", strings.Join(engine, " and "), engineCommand)
	case len(skipped) > 0 && len(skipped) == len(sources):
		return fmt.Sprintf("enable step %s in the policy, or disable this gate", strings.Join(skipped, " or "))
	}
	return fmt.Sprintf("run step %s and keep its report in the reports directory", strings.Join(spec.steps, " or "))
}

// NOTE: a SARIF log only names its tool, not which scanners it ran, so any
// Trivy log makes the vulnerability and secret gates count as measured,
// even one from "trivy config" that scanned only for misconfigurations.

// findingCount measures a finding gate. The gate is evaluated when a tool
// whose name contains one of the keys ran. missing names the absent input.
func findingCount(key, missing string, more ...string) func(*evaluation, config.GateSetting) measurement {
	keys := append([]string{key}, more...)
	return func(e *evaluation, s config.GateSetting) measurement {
		ran := false
		for _, k := range keys {
			ran = ran || e.tally.HasTool(strings.ToLower(k))
		}
		count := e.tally.Counts[s.Name]
		if !ran && count == 0 {
			return measurement{missing: missing}
		}
		return measurement{
			ok:      true,
			value:   float64(count),
			reports: e.findingReports(keys),
			next:    findingNext(s.Name, e.tally.Worst[s.Name], count),
		}
	}
}

// findingReports lists the SARIF reports of the given tools.
func (e *evaluation) findingReports(keys []string) []string {
	var out []string
	for _, rep := range e.sortedReports() {
		if rep.SARIF == nil {
			continue
		}
		for _, tool := range rep.SARIF.Tools {
			if slices.ContainsFunc(keys, func(k string) bool { return strings.Contains(strings.ToLower(tool), strings.ToLower(k)) }) {
				out = append(out, rep.Path)
				break
			}
		}
	}
	for _, a := range e.in.Analyses {
		if !slices.ContainsFunc(keys, func(k string) bool { return strings.EqualFold(a.Tool, k) }) {
			continue
		}
		switch {
		case len(a.Paths) > 0:
			out = append(out, a.Paths...)
		case a.Source != "":
			out = append(out, a.Source)
		}
	}
	return out
}

var findingVerbs = map[string]string{
	"secrets":                     "remove the secret and rotate it",
	"eslint-errors":               "fix the ESLint error",
	"critical-vulnerabilities":    "upgrade or patch the vulnerable dependency",
	"hipaa-critical":              "fix the HIPAA violation",
	"phi-exposure":                "remove or mask the PHI value",
	"infrastructure-critical":     "fix the misconfiguration",
	"pss-restricted":              "set the restricted securityContext fields",
	"fhir-conformance":            "fix the invalid FHIR resource",
	"typescript-errors":           "fix the TypeScript error",
	"formatting":                  "run prettier --write on",
	"go-lint-errors":              "fix the golangci-lint error",
	"accessibility":               "fix the accessibility violation",
	"sast-findings":               "fix the code that Semgrep flags",
	"dast-findings":               "fix the response that ZAP flags",
	"kubernetes-schema":           "fix the invalid Kubernetes resource",
	"kubernetes-policy":           "fix the Kubernetes manifest",
	"terraform-lint":              "fix the TFLint issue",
	"terraform-misconfigurations": "fix the Terraform misconfiguration",
	"terraform-drift":             "apply or reconcile the Terraform changes",
	"image-minimal":               "remove the shell or package manager from the final image stage",
	"image-policy":                "fix the image configuration that the policy rejects",
}

func findingNext(gate string, worst []gates.Finding, count int) string {
	if len(worst) == 0 {
		return ""
	}
	var where []string
	for i, f := range worst {
		if i == 3 {
			break
		}
		loc := f.Path
		if loc == "" {
			loc = "(no location)"
		} else if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d", f.Path, f.Line)
		}
		where = append(where, fmt.Sprintf("%s (%s %s)", loc, f.Tool, f.RuleID))
	}
	text := fmt.Sprintf("%s at %s", findingVerbs[gate], strings.Join(where, ", "))
	if more := count - len(where); more > 0 {
		text += fmt.Sprintf(", and %d more", more)
	}
	return text
}
