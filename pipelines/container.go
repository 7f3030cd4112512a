package pipelines

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/gates/reports"
	"github.com/hms-enterprise/hmsci/gates/toolreports"
	"github.com/hms-enterprise/hmsci/steps"
)

// runContainer evaluates a containerized step through the engine: it
// exports the step's reports to OutDir/steps/NAME/ and parses them. The
// tool's exit status does not decide the outcome, its reports do.
func (r *run) runContainer(ctx context.Context, spec steps.Spec, s steps.Step, res *gates.StepResult) error {
	if img, err := r.env.Images.ResolveFor(spec, r.detection); err == nil {
		res.Image = img
	}
	out, err := s.Run(ctx, r.env)
	if err != nil {
		return fmt.Errorf("build step: %w", err)
	}
	dir := r.stepDir(spec.Name)
	if _, err := out.Reports.Export(ctx, dir); err != nil {
		return fmt.Errorf("run and export reports to %s: %w", dir, err)
	}
	// A step built by the engine itself (the Dockerfile build) ran no
	// command of its own, so it has no exit code.
	exitCode := 0
	if out.Container != nil && spec.ImageKey != "" {
		if exitCode, err = out.Container.ExitCode(ctx); err != nil {
			return fmt.Errorf("read exit code: %w", err)
		}
	}

	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the tool wrote none of its reports (%s); exit code %d", strings.Join(spec.Reports, ", "), exitCode)
	}
	parsed, errs := reports.ScanDir(dir)
	for _, rep := range parsed {
		rel, _ := filepath.Rel(r.opts.OutDir, rep.Path)
		res.Reports = append(res.Reports, filepath.ToSlash(rel))
		if rep.SARIF != nil {
			res.Findings = append(res.Findings, rep.SARIF.Findings...)
		}
	}
	analyses, err := stepAnalyses(spec, dir)
	if err != nil {
		errs = append(errs, err)
	}
	// Tool-specific outputs (tsc text, conftest JSON, image checks...).
	// On a broken report toolreports still returns an analysis that marks
	// the step's gates unmeasured, so the gate explains itself.
	toolAnalyses, err := toolreports.Parse(spec.Name, dir)
	if err != nil {
		errs = append(errs, err)
	}
	analyses = append(analyses, toolAnalyses...)
	for _, a := range analyses {
		res.Findings = append(res.Findings, a.Findings...)
		r.addAnalysis(a)
	}

	r.mu.Lock()
	r.inputs.Reports = append(r.inputs.Reports, parsed...)
	r.inputs.ReportErrors = append(r.inputs.ReportErrors, errs...)
	r.inputs.FilesScanned += len(parsed) + len(errs)
	r.mu.Unlock()

	res.Status = gates.StepSucceeded
	switch {
	case len(errs) > 0:
		res.Status = gates.StepErrored
		res.Reason = fmt.Sprintf("%d report(s) could not be parsed, first: %v", len(errs), errs[0])
	case len(parsed)+len(analyses) == 0 && len(spec.Reports) > 0:
		res.Status = gates.StepErrored
		res.Reason = fmt.Sprintf("the tool wrote none of its reports (%s); exit code %d", strings.Join(spec.Reports, ", "), exitCode)
	case len(res.Findings) > 0 || exitCode != 0:
		res.Status = gates.StepFindings
		if exitCode != 0 {
			res.Reason = fmt.Sprintf("exit code %d", exitCode)
		}
	}
	return nil
}

// stepAnalyses reads the reports that are specific to one tool and have no
// standard format, such as ESLint's JSON output.
func stepAnalyses(spec steps.Spec, dir string) ([]policy.Analysis, error) {
	var out []policy.Analysis
	if spec.Name == steps.ESLint.Spec().Name {
		path := filepath.Join(dir, "eslint.json")
		f, err := os.Open(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("open %s: %w", path, err)
		default:
			defer f.Close()
			findings, err := steps.ParseESLintJSON(f, steps.SourcePath)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			out = append(out, policy.Analysis{Tool: "eslint", Findings: findings, Source: "eslint.json"})
		}
	}
	return out, nil
}
