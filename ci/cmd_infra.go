package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/render"
	"github.com/hms-enterprise/hmsci/infra/kube"
	"github.com/hms-enterprise/hmsci/infra/terraform"
	"github.com/hms-enterprise/hmsci/pipelines"
)

// infraFlags are the flags of "ci infra check".
type infraFlags struct {
	format string
	policy string
}

func init() {
	var f infraFlags
	register(&command{
		name:    "infra check",
		summary: "check Kubernetes manifests and Terraform files without a cluster or terraform; exit 1 if a blocking finding remains",
		usage:   "[--format text|json|sarif] [--policy hmsci.yaml] PATH...",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&f.format, "format", "text", "output format: text, json or sarif")
			fs.StringVar(&f.policy, "policy", config.DefaultFile, "policy file whose infrastructure and gates sections set production paths and blocking severities; defaults apply if it does not exist")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			return runInfraCheck(ctx, env, f, args)
		},
	})
}

// infraResult is the JSON output of "ci infra check".
type infraResult struct {
	Findings []gates.Finding `json:"findings"`
	// Blocking counts the findings that fail a blocking gate.
	Blocking  int             `json:"blocking"`
	Kube      infraKubeStats  `json:"kube"`
	Terraform infraTerraStats `json:"terraform"`
	// Errors are files that could not be read or parsed.
	Errors []string `json:"errors,omitempty"`
}

type infraKubeStats struct {
	Files   int            `json:"files"`
	Objects int            `json:"objects"`
	Skipped []kube.Skipped `json:"skipped,omitempty"`
}

type infraTerraStats struct {
	Modules   int `json:"modules"`
	Resources int `json:"resources"`
}

// runInfraCheck checks every PATH and prints one report. It returns
// exitError{1} when a blocking finding remains, exitError{2} for invalid
// input (bad flags or policy, unreadable or malformed files) otherwise.
func runInfraCheck(ctx context.Context, env *environment, f infraFlags, args []string) error {
	fail := func(err error) error {
		fmt.Fprintf(env.stderr, "ci infra check: %v\n", err)
		return exitError{code: 2}
	}
	if len(args) == 0 {
		return fail(errors.New("missing PATH: name the manifest and Terraform files or directories, such as deploy/"))
	}
	if f.format != "text" && f.format != "json" && f.format != "sarif" {
		return fail(fmt.Errorf("invalid --format %q: expected text, json or sarif", f.format))
	}
	cfg, err := loadPolicy(env, f.policy)
	if err != nil {
		return fail(fmt.Errorf("load policy: %w", err))
	}

	kubePaths, tfPaths := splitInfraPaths(args)
	kubeOpts := pipelines.KubeOptions(cfg)

	result := infraResult{}
	var loadErrs []error
	if len(kubePaths) > 0 {
		rep, err := kube.Check(ctx, ".", kubePaths, kubeOpts)
		if rep == nil {
			return fail(err)
		}
		if err != nil {
			loadErrs = append(loadErrs, err)
		}
		result.Findings = append(result.Findings, rep.Findings...)
		result.Kube = infraKubeStats{Files: rep.Files, Objects: rep.Objects, Skipped: rep.Skipped}
	}
	if len(tfPaths) > 0 {
		rep, err := terraform.Check(ctx, ".", tfPaths, pipelines.TerraformOptions(cfg))
		if rep == nil {
			return fail(err)
		}
		if err != nil {
			loadErrs = append(loadErrs, err)
		}
		result.Findings = append(result.Findings, rep.Findings...)
		result.Terraform = infraTerraStats{Modules: rep.Modules, Resources: rep.Resources}
	}
	for _, err := range loadErrs {
		for _, line := range strings.Split(strings.TrimSpace(err.Error()), "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "* "))
			if line != "" && !strings.HasSuffix(line, "occurred:") {
				result.Errors = append(result.Errors, line)
			}
		}
	}
	result.Blocking = countBlocking(cfg, result.Findings)

	if err := writeInfraResult(env.stdout, f.format, &result); err != nil {
		return fail(fmt.Errorf("write report: %w", err))
	}
	for _, e := range result.Errors {
		fmt.Fprintf(env.stderr, "ci infra check: %s\n", e)
	}
	switch {
	case result.Blocking > 0:
		return exitError{code: 1}
	case len(result.Errors) > 0:
		return exitError{code: 2}
	}
	return nil
}

// splitInfraPaths sends directories to both checks and files to the check
// that reads their type.
func splitInfraPaths(args []string) (kubePaths, tfPaths []string) {
	for _, p := range args {
		info, err := os.Stat(p)
		switch {
		case err != nil, info.IsDir():
			// A missing path goes to both so each reports it.
			kubePaths = append(kubePaths, p)
			tfPaths = append(tfPaths, p)
		case strings.HasSuffix(p, ".tf"):
			tfPaths = append(tfPaths, p)
		default:
			kubePaths = append(kubePaths, p)
		}
	}
	return kubePaths, tfPaths
}

// countBlocking counts the findings that the policy's blocking
// infrastructure gates count: those at or above the infrastructure-critical
// severity, and Pod Security findings in the pss-restricted paths. A gate
// fails when its count exceeds its threshold.
func countBlocking(cfg *config.Config, findings []gates.Finding) int {
	infra := cfg.Gates.InfrastructureCritical
	pss := cfg.Gates.PSSRestricted
	minSeverity, err := gates.ParseSeverity(string(infra.Severity))
	if err != nil {
		minSeverity = gates.SeverityCritical
	}
	infraCount, pssCount := 0, 0
	for _, f := range findings {
		if f.Suppressed {
			continue
		}
		if f.Severity >= minSeverity {
			infraCount++
		}
		if strings.HasPrefix(f.RuleID, "kube/pss-") && matchesGlobs(pss.Paths, f.Path) {
			pssCount++
		}
	}
	blocking := 0
	if infra.Enabled && infra.Mode == config.Blocking && infraCount > infra.Threshold {
		blocking += infraCount
	}
	if pss.Enabled && pss.Mode == config.Blocking && pssCount > pss.Threshold {
		blocking += pssCount
	}
	return blocking
}

func matchesGlobs(globs []config.Glob, path string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(string(g), path); ok {
			return true
		}
	}
	return false
}

func writeInfraResult(w io.Writer, format string, r *infraResult) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "sarif":
		return render.SARIF(w, infraAsResult(r))
	}
	for _, f := range r.Findings {
		if _, err := fmt.Fprintf(w, "%s:%d: %s %s: %s\n", f.Path, f.Line, f.Severity, f.RuleID, f.Message); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "%d findings, %d blocking; checked %d Kubernetes objects in %d files and %d Terraform resources in %d modules\n",
		len(r.Findings), r.Blocking, r.Kube.Objects, r.Kube.Files, r.Terraform.Resources, r.Terraform.Modules)
	if err == nil && len(r.Kube.Skipped) > 0 {
		_, err = fmt.Fprintf(w, "skipped %d YAML or JSON documents that are not Kubernetes objects (--format json lists them)\n", len(r.Kube.Skipped))
	}
	return err
}

// infraAsResult wraps the findings in a gates.Result with one step per
// tool, so the shared SARIF renderer writes one run per tool.
func infraAsResult(r *infraResult) *gates.Result {
	byTool := map[string][]gates.Finding{}
	for _, f := range r.Findings {
		byTool[f.Tool] = append(byTool[f.Tool], f)
	}
	phase := gates.PhaseResult{Name: "infrastructure"}
	for _, tool := range []string{kube.Tool, terraform.Tool} {
		status := gates.StepSucceeded
		if len(byTool[tool]) > 0 {
			status = gates.StepFindings
		}
		phase.Steps = append(phase.Steps, gates.StepResult{Name: tool, Phase: phase.Name, Status: status, Findings: byTool[tool]})
	}
	return &gates.Result{Source: ".", Phases: []gates.PhaseResult{phase}}
}
