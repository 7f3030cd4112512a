package pipelines

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/hms-enterprise/hmsci/compliance/fhir"
	"github.com/hms-enterprise/hmsci/compliance/phi"
	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/gates/render"
	"github.com/hms-enterprise/hmsci/infra/kube"
	"github.com/hms-enterprise/hmsci/infra/terraform"
	"github.com/hms-enterprise/hmsci/steps"
)

// nativeInput is what an in-process analyzer reads.
type nativeInput struct {
	root      string
	cfg       *config.Config
	detection steps.Detection
	// reportDir is the step's own directory under the output directory.
	reportDir string
	spec      steps.Spec
}

// nativeOutput is what an in-process analyzer produced.
type nativeOutput struct {
	analysis policy.Analysis
	// reports are file names written under reportDir.
	reports []string
	// err is a problem with some inputs (a malformed manifest) that did
	// not stop the analyzer from reporting on the rest.
	err error
}

// nativeAnalyzer runs one engine-free step in the Go process.
type nativeAnalyzer func(ctx context.Context, in nativeInput) (nativeOutput, error)

// nativeAnalyzers maps native step names to their analyzers. The hipaa
// step is absent: it reads the other analyzers' results and runs after
// them (see runHIPAA).
var nativeAnalyzers = map[string]nativeAnalyzer{
	"phi-scan":         runPHI,
	"fhir-validate":    runFHIR,
	"kube-policy":      runKube,
	"terraform-policy": runTerraform,
	"tsconfig-strict":  runTSConfigStrict,
}

func globStrings(globs []config.Glob) []string {
	out := make([]string, len(globs))
	for i, g := range globs {
		out[i] = string(g)
	}
	return out
}

// expandGlobs returns the files under root that match any glob, sorted and
// slash-separated, skipping dependency and VCS directories.
func expandGlobs(root string, globs []string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", "vendor", ".terraform":
				return filepath.SkipDir
			}
			return nil
		}
		for _, g := range globs {
			if ok, _ := doublestar.Match(g, rel); ok {
				files = append(files, rel)
				break
			}
		}
		return nil
	})
	sort.Strings(files)
	return files, err
}

// writeJSON writes v as indented JSON to dir/name.
func writeJSON(dir, name string, v any) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, name), append(data, '\n'), 0o644)
}

func runFHIR(ctx context.Context, in nativeInput) (nativeOutput, error) {
	f := in.cfg.FHIR
	opts := fhir.Options{
		Include:           globStrings(f.Include),
		Exclude:           globStrings(f.Exclude),
		Blocking:          globStrings(f.Blocking),
		ExtensibleAsError: f.ExtensibleBindings == "error",
		AllowedExtensions: f.AllowedExtensions,
		AllowExampleURLs:  f.AllowExampleURLs,
		StrictIdentifiers: f.StrictIdentifiers,
	}
	report, err := fhir.ValidateTree(ctx, in.root, opts)
	if err != nil {
		return nativeOutput{}, fmt.Errorf("validate FHIR resources under %s: %w", in.root, err)
	}
	findings := report.Findings()
	passed := 0
	for _, o := range report.Outcomes {
		if o.Conformant() {
			passed++
		}
	}
	out := nativeOutput{analysis: policy.Analysis{
		Tool:     policy.ToolFHIR,
		Findings: findings,
		Ratios:   map[string]policy.Ratio{policy.RatioFHIRConformance: {Passed: passed, Total: len(report.Outcomes)}},
		Source:   fmt.Sprintf("%d FHIR files", len(report.Outcomes)),
	}}
	for _, o := range report.Outcomes {
		out.analysis.Paths = append(out.analysis.Paths, o.File)
	}
	if err := writeJSON(in.reportDir, "fhir-outcomes.json", report); err != nil {
		return out, err
	}
	out.reports = []string{"fhir-outcomes.json"}
	return out, nil
}

// manifestPaths returns the files to check: the policy's globs when they
// match anything, else the directories that detection found.
func manifestPaths(root string, globs []string, detected []string) ([]string, error) {
	files, err := expandGlobs(root, globs)
	if err != nil {
		return nil, err
	}
	if len(files) > 0 {
		return files, nil
	}
	return detected, nil
}

func runKube(ctx context.Context, in nativeInput) (nativeOutput, error) {
	k := in.cfg.Infrastructure.Kubernetes
	paths, err := manifestPaths(in.root, globStrings(k.Paths), in.detection.KubernetesDirs)
	if err != nil {
		return nativeOutput{}, fmt.Errorf("list Kubernetes manifests: %w", err)
	}
	out := nativeOutput{analysis: policy.Analysis{Tool: policy.ToolKube, Source: strings.Join(paths, ", "), Paths: paths}}
	if len(paths) == 0 {
		return out, nil
	}
	report, err := kube.Check(ctx, in.root, paths, KubeOptions(in.cfg))
	if report == nil {
		return out, fmt.Errorf("check Kubernetes manifests: %w", err)
	}
	out.err = err
	out.analysis.Findings = report.Findings
	if werr := writeJSON(in.reportDir, "kube-policy.json", report); werr != nil {
		return out, werr
	}
	out.reports = []string{"kube-policy.json"}
	return out, nil
}

func runTerraform(ctx context.Context, in nativeInput) (nativeOutput, error) {
	paths, err := manifestPaths(in.root, globStrings(in.cfg.Infrastructure.Terraform.Paths), in.detection.TerraformDirs)
	if err != nil {
		return nativeOutput{}, fmt.Errorf("list Terraform files: %w", err)
	}
	out := nativeOutput{analysis: policy.Analysis{Tool: policy.ToolTerraform, Source: strings.Join(paths, ", "), Paths: paths}}
	if len(paths) == 0 {
		return out, nil
	}
	report, err := terraform.Check(ctx, in.root, paths, TerraformOptions(in.cfg))
	if report == nil {
		return out, fmt.Errorf("check Terraform files: %w", err)
	}
	out.err = err
	out.analysis.Findings = report.Findings
	if werr := writeJSON(in.reportDir, "terraform-policy.json", report); werr != nil {
		return out, werr
	}
	out.reports = []string{"terraform-policy.json"}
	return out, nil
}

func runTSConfigStrict(_ context.Context, in nativeInput) (nativeOutput, error) {
	report, err := steps.CheckTSConfig(in.root, in.detection.TSConfig)
	if err != nil {
		return nativeOutput{}, fmt.Errorf("check %s: %w", in.detection.TSConfig, err)
	}
	check := policy.Check{OK: len(report.Missing) == 0, Detail: "every strict-family option is enabled in " + report.Config}
	if !check.OK {
		check.Detail = fmt.Sprintf("%s does not enable %s", report.Config, strings.Join(report.Missing, ", "))
	}
	out := nativeOutput{analysis: policy.Analysis{
		Tool:   policy.ToolTSConfig,
		Checks: map[string]policy.Check{policy.CheckTypeScriptStrict: check},
		Source: report.Config,
		Paths:  report.Chain,
	}}
	if err := writeJSON(in.reportDir, "tsconfig-strict.json", report); err != nil {
		return out, err
	}
	out.reports = []string{"tsconfig-strict.json"}
	return out, nil
}

func runPHI(ctx context.Context, in nativeInput) (nativeOutput, error) {
	c := in.cfg.PHI
	opts := phi.Options{
		Include:           globStrings(c.Include),
		Exclude:           globStrings(c.Exclude),
		MaxFileSize:       int64(c.MaxFileSize),
		MaskFunctions:     c.MaskFunctions,
		SyntheticBlocking: c.SyntheticBlocking,
	}
	if c.Allowlist != "" {
		opts.AllowlistPath = filepath.Join(in.root, filepath.FromSlash(c.Allowlist))
	}
	if c.Baseline != "" {
		opts.BaselinePath = filepath.Join(in.root, filepath.FromSlash(c.Baseline))
	}
	report, err := phi.Scan(ctx, in.root, opts)
	if err != nil {
		return nativeOutput{}, fmt.Errorf("scan for PHI: %w", err)
	}
	out := nativeOutput{analysis: policy.Analysis{
		Tool:     policy.ToolPHI,
		Findings: report.Findings,
		Source:   fmt.Sprintf("%d files, %d bytes", report.FilesScanned, report.BytesScanned),
		// The scanner reads the whole source tree that the policy selects.
		Paths: []string{"."},
	}}
	if err := os.MkdirAll(in.reportDir, 0o755); err != nil {
		return out, err
	}
	name := sarifReportName(in.spec)
	f, err := os.Create(filepath.Join(in.reportDir, name))
	if err != nil {
		return out, err
	}
	defer f.Close()
	// The scanner's own SARIF carries its rule help and masked values.
	if err := phi.RenderSARIF(f, report); err != nil {
		return out, fmt.Errorf("write %s: %w", name, err)
	}
	out.reports = []string{name}
	return out, f.Close()
}

// sarifReportName returns the step's SARIF report name from its spec, or
// NAME.sarif when the spec lists none.
func sarifReportName(spec steps.Spec) string {
	for _, r := range spec.Reports {
		if strings.HasSuffix(r, ".sarif") {
			return r
		}
	}
	return spec.Name + ".sarif"
}

// writeFindingsSARIF writes findings as the step's SARIF report, unless
// the analyzer already wrote it, and returns the file name.
func writeFindingsSARIF(in nativeInput, findings []gates.Finding, written []string) (string, error) {
	name := sarifReportName(in.spec)
	if slices.Contains(written, name) {
		return "", nil
	}
	if err := os.MkdirAll(in.reportDir, 0o755); err != nil {
		return "", err
	}
	f, err := os.Create(filepath.Join(in.reportDir, name))
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := render.SARIF(f, &gates.Result{Findings: findings}); err != nil {
		return "", fmt.Errorf("write %s: %w", name, err)
	}
	return name, f.Close()
}

// KubeOptions maps the policy onto the Kubernetes checks' options.
func KubeOptions(cfg *config.Config) kube.Options {
	k := cfg.Infrastructure.Kubernetes
	return kube.Options{
		ProductionPaths:  globStrings(k.ProductionPaths),
		DefaultNamespace: k.DefaultNamespace,
		DisabledRules:    k.DisabledRules,
	}
}

// TerraformOptions maps the policy onto the Terraform checks' options.
func TerraformOptions(cfg *config.Config) terraform.Options {
	t := cfg.Infrastructure.Terraform
	return terraform.Options{MinBackupRetentionDays: t.MinBackupRetentionDays, DisabledRules: t.DisabledRules}
}
