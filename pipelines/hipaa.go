package pipelines

import (
	"context"
	"fmt"
	"time"

	"github.com/hms-enterprise/hmsci/compliance/hipaa"
	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
)

// hipaaStep is the native step that maps the other analyzers' results to
// HIPAA Security Rule safeguards; it runs after every phase because it
// reads the PHI scanner's result.
const hipaaStep = "hipaa"

// runHIPAA evaluates the HIPAA safeguards over the source and the PHI
// scanner's log-exposure count, and records the hipaa step.
func (r *run) runHIPAA(ctx context.Context) {
	res := &gates.StepResult{Name: hipaaStep, Phase: PhaseCompliance}
	if !r.stepSetting(hipaaStep).Enabled {
		res.Status, res.Reason = gates.StepSkipped, "disabled in "+r.cfg.Source
		r.record(res)
		return
	}
	if !r.cfg.Phases.Compliance.Enabled {
		res.Status, res.Reason = gates.StepSkipped, "phase compliance is disabled in "+r.cfg.Source
		r.record(res)
		return
	}

	var inputs hipaa.Inputs
	r.mu.Lock()
	if phiAnalysis, ok := r.analyses[policy.ToolPHI]; ok {
		exposures := 0
		for _, f := range phiAnalysis.Findings {
			if f.RuleID == "phi/log-exposure" && !f.Suppressed {
				exposures++
			}
		}
		inputs.PHILogExposures = &exposures
	}
	r.mu.Unlock()

	opts := HIPAAOptions(r.cfg)
	r.log.Info("step started", "phase", PhaseCompliance, "step", hipaaStep)
	start := time.Now()
	report, err := hipaa.Evaluate(ctx, r.opts.SourceDir, opts, inputs)
	res.Duration = time.Since(start).Round(time.Millisecond)
	if err != nil {
		res.Status, res.Reason = gates.StepErrored, fmt.Sprintf("evaluate HIPAA safeguards: %v", err)
		r.log.Error("step errored", "phase", PhaseCompliance, "step", hipaaStep, "error", err)
		r.record(res)
		return
	}

	analysis := report.Analysis(r.source)
	r.addAnalysis(analysis)
	res.Findings = report.Findings
	res.Status = gates.StepSucceeded
	if len(res.Findings) > 0 || !checksPass(analysis) {
		res.Status = gates.StepFindings
	}
	in := nativeInput{reportDir: r.stepDir(hipaaStep), spec: r.spec(hipaaStep)}
	if err := writeJSON(in.reportDir, "hipaa.json", report); err == nil {
		res.Reports = append(res.Reports, "steps/hipaa/hipaa.json")
	}
	if name, err := writeFindingsSARIF(in, report.Findings, nil); err == nil {
		res.Reports = append([]string{"steps/hipaa/" + name}, res.Reports...)
	}
	r.log.Info("step finished", "phase", PhaseCompliance, "step", hipaaStep, "status", res.Status,
		"duration", res.Duration, "findings", len(res.Findings))
	r.record(res)
}

// HIPAAOptions maps the policy onto the HIPAA safeguard checks' options.
func HIPAAOptions(cfg *config.Config) hipaa.Options {
	h := cfg.HIPAA
	return hipaa.Options{
		SourcePaths:      h.SourcePaths,
		Exclude:          globStrings(h.Exclude),
		AuditFunctions:   h.AuditFunctions,
		AuthMiddleware:   h.AuthMiddleware,
		PublicPaths:      globStrings(h.PublicPaths),
		PatientDataPaths: globStrings(h.PatientDataPaths),
		Kube:             KubeOptions(cfg),
		Terraform:        TerraformOptions(cfg),
	}
}
