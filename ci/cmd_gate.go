package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/gates/render"
	"github.com/hms-enterprise/hmsci/gates/reports"
	"github.com/hms-enterprise/hmsci/gates/toolreports"
)

// gateFlags are the flags of "ci gate".
type gateFlags struct {
	reports string
	policy  string
	out     string
	root    string
}

func init() {
	var f gateFlags
	register(&command{
		name:    "gate",
		summary: "evaluate the policy gates on a directory of tool reports; exit 1 if a blocking gate failed",
		usage:   "--reports DIR [--policy hmsci.yaml] [--out DIR] [--root DIR]",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&f.reports, "reports", "", "directory searched recursively for SARIF, LCOV, Cobertura, Go coverprofile, JUnit, Stryker, k6, Lighthouse and CycloneDX reports (required)")
			fs.StringVar(&f.policy, "policy", config.DefaultFile, "policy file; the built-in defaults apply if it does not exist")
			fs.StringVar(&f.out, "out", "hmsci-reports", "directory for summary.md, result.json, gates.junit.xml, hmsci.sarif and dashboard.html")
			fs.StringVar(&f.root, "root", ".", "source root: absolute paths in reports under it are made relative, so policy path globs match")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			return runGate(ctx, env, f, args)
		},
	})
}

// runGate evaluates the reports in f.reports. It returns exitError{2} for
// usage errors and an invalid policy, and exitError{1} when a blocking gate
// failed.
func runGate(_ context.Context, env *environment, f gateFlags, args []string) error {
	usage := func(format string, a ...any) error {
		fmt.Fprintf(env.stderr, "ci gate: "+format+"\n", a...)
		return exitError{code: 2}
	}
	if len(args) > 0 {
		return usage("unexpected argument %q: name the reports directory with --reports", args[0])
	}
	if f.reports == "" {
		return usage("missing --reports DIR: name the directory that contains the tool reports, such as hmsci-reports")
	}
	info, err := os.Stat(f.reports)
	if err != nil {
		return usage("reports directory %s: %v", f.reports, errors.Unwrap(err))
	}
	if !info.IsDir() {
		return usage("--reports %s is a file: name the directory that contains it", f.reports)
	}
	root, err := filepath.Abs(f.root)
	if err != nil {
		return usage("invalid --root %q: %v", f.root, err)
	}

	cfg, err := loadPolicy(env, f.policy)
	if err != nil {
		fmt.Fprintln(env.stderr, err)
		return usage("invalid policy %s: fix the errors above, or run 'go run ./ci config validate --policy %s'", f.policy, f.policy)
	}

	in, err := gateInputs(cfg, f, root)
	if err != nil {
		return err
	}
	for _, e := range in.ReportErrors {
		fmt.Fprintf(env.stderr, "warning: %v\n", e)
	}
	if len(in.Reports) == 0 {
		fmt.Fprintf(env.stderr, "warning: no report of a known format among %d files in %s: every gate is not evaluated\n", in.FilesScanned, f.reports)
	}

	result := policy.Run(cfg, in, f.reports)
	result.Notes = append([]string{"policy: " + cfg.Source}, result.Notes...)
	// SARIF paths become relative to the repository that holds --root, so
	// code scanning places them on the right files.
	renderOpts, err := render.DetectOptions(root)
	if err != nil {
		return err
	}
	if _, err := render.WriteAllWith(f.out, result, renderOpts); err != nil {
		return err
	}
	if err := render.Table(env.stdout, result); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "renderings written to %s\n", f.out)

	if summary := env.getenv("GITHUB_STEP_SUMMARY"); summary != "" {
		if err := appendMarkdown(summary, result, renderOpts); err != nil {
			return err
		}
	}
	if result.Blocked() {
		return exitError{code: 1}
	}
	return nil
}

// gateInputs scans the reports directory. Files that an earlier `ci gate`
// wrote into it are skipped, because counting the merged SARIF or the gate
// JUnit again would double findings and turn gates into test cases.
func gateInputs(cfg *config.Config, f gateFlags, root string) (policy.Inputs, error) {
	own := map[string]bool{}
	for _, name := range render.OutputFiles {
		abs, err := filepath.Abs(filepath.Join(f.out, name))
		if err != nil {
			return policy.Inputs{}, fmt.Errorf("resolve output path: %w", err)
		}
		own[abs] = true
	}

	in := policy.Inputs{ReportsDir: f.reports, Root: root, SARIFTallies: map[string]*policy.Tally{}}
	var paths []string
	walkErr := filepath.WalkDir(f.reports, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			in.ReportErrors = append(in.ReportErrors, &reports.ParseError{Path: path, Err: err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if abs, err := filepath.Abs(path); err == nil && own[abs] {
			return nil
		}
		paths = append(paths, path)
		return nil
	})
	if walkErr != nil {
		return policy.Inputs{}, fmt.Errorf("scan reports directory %s: %w", f.reports, walkErr)
	}
	slices.Sort(paths)
	in.FilesScanned = len(paths)

	for _, path := range paths {
		rep, tally, err := readReport(cfg, root, path)
		switch {
		case errors.Is(err, reports.ErrUnknownFormat):
		case err != nil:
			in.ReportErrors = append(in.ReportErrors, err)
		default:
			in.Reports = append(in.Reports, rep)
			if tally != nil {
				in.SARIFTallies[path] = tally
			}
		}
	}

	// Step outputs without a standard format (tsc text, conftest JSON,
	// image checks) are found by their step directory name.
	analyses, toolErrs := toolreports.ParseTree(f.reports)
	in.Analyses = append(in.Analyses, analyses...)
	in.ReportErrors = append(in.ReportErrors, toolErrs...)
	return in, nil
}

// readReport detects and parses one report file. A SARIF log is read in
// one streaming pass that counts every finding toward the gates and keeps
// the first reports.DefaultMaxFindings findings for the renderings, so a
// large log is neither held in memory nor parsed twice. Other formats go
// to the parsers of package reports.
func readReport(cfg *config.Config, root, path string) (*reports.Report, *policy.Tally, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, nil, &reports.ParseError{Path: path, Err: err}
	}
	defer file.Close()

	br := bufio.NewReaderSize(file, reports.DetectHeadSize)
	head, err := br.Peek(reports.DetectHeadSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, &reports.ParseError{Path: path, Err: fmt.Errorf("read: %w", err)}
	}
	format := reports.Detect(path, head)
	if format == reports.FormatUnknown {
		format = reports.FormatFromName(path)
	}
	switch format {
	case reports.FormatUnknown:
		return nil, nil, reports.ErrUnknownFormat
	case reports.FormatSARIF:
	default:
		rep, err := reports.ParseFormat(format, path, br)
		return rep, nil, err
	}

	tally := policy.NewTally(cfg, root)
	sum := &reports.SARIFSummary{
		Findings:   []gates.Finding{},
		BySeverity: map[gates.Severity]int{},
		ByLevel:    map[string]int{},
		ByTool:     map[string]int{},
	}
	tools, err := reports.ScanSARIF(path, br, func(finding gates.Finding) error {
		tally.Add(&finding)
		sum.Total++
		if finding.Suppressed {
			sum.Suppressed++
		} else {
			sum.BySeverity[finding.Severity]++
			sum.ByTool[finding.Tool]++
			if level, ok := finding.Properties[reports.PropertySARIFLevel].(string); ok {
				sum.ByLevel[level]++
			}
		}
		if len(sum.Findings) < reports.DefaultMaxFindings {
			sum.Findings = append(sum.Findings, finding)
		} else {
			sum.FindingsOmitted++
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	sum.Tools = tools
	for _, tool := range tools {
		tally.AddTool(tool)
	}
	return &reports.Report{Path: path, Format: reports.FormatSARIF, SARIF: sum}, tally, nil
}

func appendMarkdown(path string, result *gates.Result, opts render.Options) error {
	file, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open GITHUB_STEP_SUMMARY: %w", err)
	}
	if err := render.MarkdownWith(file, result, opts); err != nil {
		file.Close()
		return fmt.Errorf("write GITHUB_STEP_SUMMARY %s: %w", path, err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("write GITHUB_STEP_SUMMARY %s: %w", path, err)
	}
	return nil
}
