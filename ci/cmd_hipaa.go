package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"

	"github.com/hms-enterprise/hmsci/compliance/hipaa"
	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/pipelines"
)

// hipaaGates are the gates "ci hipaa" evaluates.
var hipaaGates = []string{policy.CheckPHIEncrypted, policy.CheckRBACEnforced, policy.RatioAuditTrail, policy.CheckPHIMasked}

// hipaaFlags are the flags of "ci hipaa".
type hipaaFlags struct {
	format          string
	policy          string
	phiLogExposures int
}

func init() {
	var f hipaaFlags
	register(&command{
		name:    "hipaa",
		summary: "map a service's routes, manifests and Terraform to HIPAA safeguards; exit 1 if a blocking HIPAA gate failed",
		usage:   "[--format text|json] [--policy hmsci.yaml] [--phi-log-exposures N] ROOT",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&f.format, "format", "text", "output format: text or json")
			fs.StringVar(&f.policy, "policy", config.DefaultFile, "policy file whose gates decide pass and fail; defaults apply if it does not exist")
			fs.IntVar(&f.phiLogExposures, "phi-log-exposures", -1, "number of phi/log-exposure findings from 'ci phi', for the phi-masked gate; -1 leaves that gate not evaluated")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			return runHIPAA(ctx, env, f, args)
		},
	})
}

// hipaaOutput is the JSON output of "ci hipaa".
type hipaaOutput struct {
	Report   *hipaa.Report   `json:"report"`
	Verdicts []gates.Verdict `json:"verdicts"`
}

func runHIPAA(ctx context.Context, env *environment, f hipaaFlags, args []string) error {
	fail := func(err error) error {
		fmt.Fprintf(env.stderr, "ci hipaa: %v\n", err)
		return exitError{code: 2}
	}
	if len(args) != 1 {
		return fail(errors.New("expected one ROOT: the service directory, such as examples/hms-app"))
	}
	if f.format != "text" && f.format != "json" {
		return fail(fmt.Errorf("invalid --format %q: expected text or json", f.format))
	}
	if f.phiLogExposures < -1 {
		return fail(fmt.Errorf("invalid --phi-log-exposures %d: expected a count, or -1 when unknown", f.phiLogExposures))
	}
	cfg, err := loadPolicy(env, f.policy)
	if err != nil {
		return fail(fmt.Errorf("load policy: %w", err))
	}
	root := args[0]

	opts := pipelines.HIPAAOptions(cfg)
	inputs := hipaa.Inputs{}
	if f.phiLogExposures >= 0 {
		n := f.phiLogExposures
		inputs.PHILogExposures = &n
	}
	report, err := hipaa.Evaluate(ctx, root, opts, inputs)
	if err != nil {
		return fail(err)
	}

	absRoot, err := filepath.Abs(root)
	if err != nil {
		return fail(fmt.Errorf("resolve %q: %w", root, err))
	}
	all := policy.Evaluate(cfg, policy.Inputs{Root: absRoot, Analyses: []policy.Analysis{report.Analysis(root)}})
	var verdicts []gates.Verdict
	for _, v := range all {
		if slices.Contains(hipaaGates, v.Gate) {
			verdicts = append(verdicts, v)
		}
	}

	if err := writeHIPAA(env.stdout, f.format, report, verdicts); err != nil {
		return fail(fmt.Errorf("write report: %w", err))
	}
	for _, v := range verdicts {
		if v.Status == gates.StatusFailed {
			return exitError{code: 1}
		}
	}
	return nil
}

func writeHIPAA(w io.Writer, format string, report *hipaa.Report, verdicts []gates.Verdict) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(hipaaOutput{Report: report, Verdicts: verdicts})
	}
	p := &hipaaPrinter{w: w}
	p.printf("HIPAA Security Rule safeguards\n")
	for _, row := range report.Safeguards {
		p.printf("  %-18s %-26s %s\n", row.ID, row.Title, row.Status)
		for _, e := range row.Evidence {
			p.printf("      %s\n", e)
		}
	}
	p.printf("\nGates\n")
	for _, v := range verdicts {
		detail := v.Measured
		if v.Status == gates.StatusNotEvaluated {
			detail = v.Reason
		}
		p.printf("  %-14s %-16s %s\n", v.Gate, v.Status, detail)
	}
	if len(report.Findings) > 0 {
		p.printf("\nFindings\n")
		for _, fd := range report.Findings {
			p.printf("  %s:%d: %s %s: %s\n", fd.Path, fd.Line, fd.Severity, fd.RuleID, fd.Message)
		}
	}
	for _, n := range report.Notes {
		p.printf("note: %s\n", n)
	}
	return p.err
}

// hipaaPrinter writes formatted lines and keeps the first write error.
type hipaaPrinter struct {
	w   io.Writer
	err error
}

func (p *hipaaPrinter) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
