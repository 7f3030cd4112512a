package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"path/filepath"

	"github.com/hms-enterprise/hmsci/compliance/phi"
)

// phiFlags are the flags of "ci phi".
type phiFlags struct {
	format        string
	policy        string
	baselineWrite string
	logLevel      string
}

func init() {
	var f phiFlags
	register(&command{
		name:    "phi",
		summary: "scan files for exposed PHI and code that logs it; exit 1 if a blocking finding remains",
		usage:   "[--format sarif|json|text] [--policy hmsci.yaml] [--baseline-write FILE] [--log-level LEVEL] PATH...",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&f.format, "format", phi.FormatSARIF, "output format: sarif, json or text")
			fs.StringVar(&f.policy, "policy", "hmsci.yaml", "policy file whose phi: section configures the scan; defaults apply if it does not exist")
			fs.StringVar(&f.baselineWrite, "baseline-write", "", "write the fingerprints of every unsuppressed finding to this JSON file and exit 0")
			fs.StringVar(&f.logLevel, "log-level", "warn", "progress log level on stderr: debug, info, warn or error")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			return runPHI(ctx, env, f, args)
		},
	})
}

// runPHI scans each PATH, prints one report and returns exitError{1} when a
// blocking finding remains; invalid input returns exitError{2} after
// printing the reason.
func runPHI(ctx context.Context, env *environment, f phiFlags, args []string) error {
	fail := func(err error) error {
		fmt.Fprintf(env.stderr, "ci phi: %v\n", err)
		return exitError{code: 2}
	}
	if len(args) == 0 {
		return fail(errors.New("missing PATH: name the files or directories to scan, such as '.'"))
	}
	if f.format != phi.FormatSARIF && f.format != phi.FormatJSON && f.format != phi.FormatText {
		return fail(fmt.Errorf("invalid --format %q: expected sarif, json or text", f.format))
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(f.logLevel)); err != nil {
		return fail(fmt.Errorf("invalid --log-level %q: expected debug, info, warn or error", f.logLevel))
	}
	logger := slog.New(slog.NewTextHandler(env.stderr, &slog.HandlerOptions{Level: level}))

	opts, source, err := phiOptions(env, f.policy)
	if err != nil {
		return fail(err)
	}
	logger.Info("phi scan starting", "policy", source, "paths", len(args))

	total := &phi.Report{Skipped: map[phi.SkipReason]int{}}
	for _, root := range args {
		rep, err := scanPath(ctx, root, opts)
		if err != nil {
			return fail(err)
		}
		logger.Debug("phi scan of path finished", "path", root, "files", rep.FilesScanned, "bytes", rep.BytesScanned, "findings", len(rep.Findings))
		total.Findings = append(total.Findings, rep.Findings...)
		total.FilesScanned += rep.FilesScanned
		total.BytesScanned += rep.BytesScanned
		for r, n := range rep.Skipped {
			total.Skipped[r] += n
		}
	}
	for _, fd := range total.Findings {
		logger.Debug("phi finding", "rule", fd.RuleID, "path", fd.Path, "line", fd.Line, "masked", fd.Snippet, "blocking", fd.Properties["blocking"])
	}
	logger.Info("phi scan finished", "files", total.FilesScanned, "bytes", total.BytesScanned,
		"findings", len(total.Findings), "blocking", total.Blocking(), "suppressed", total.Suppressed())

	if f.baselineWrite != "" {
		if err := phi.WriteBaseline(f.baselineWrite, total); err != nil {
			return fail(err)
		}
		fmt.Fprintf(env.stderr, "wrote baseline %s with %d findings\n", f.baselineWrite, len(phi.NewBaseline(total).Findings))
		return nil
	}
	if err := phi.Render(env.stdout, total, f.format); err != nil {
		return fail(fmt.Errorf("write report: %w", err))
	}
	if total.Blocking() > 0 {
		return exitError{code: 1}
	}
	return nil
}

// phiOptions maps the phi: section of the policy file to scanner options.
// Allowlist and baseline paths are relative to the policy file's directory.
func phiOptions(env *environment, policy string) (phi.Options, string, error) {
	cfg, err := loadPolicy(env, policy)
	if err != nil {
		return phi.Options{}, "", fmt.Errorf("load policy: %w", err)
	}
	p := cfg.PHI
	opts := phi.Options{
		MaxFileSize:       int64(p.MaxFileSize),
		MaskFunctions:     p.MaskFunctions,
		SyntheticBlocking: p.SyntheticBlocking,
	}
	for _, g := range p.Include {
		opts.Include = append(opts.Include, string(g))
	}
	for _, g := range p.Exclude {
		opts.Exclude = append(opts.Exclude, string(g))
	}
	dir := filepath.Dir(policy)
	if p.Allowlist != "" {
		opts.AllowlistPath = filepath.Join(dir, filepath.FromSlash(p.Allowlist))
	}
	if p.Baseline != "" {
		opts.BaselinePath = filepath.Join(dir, filepath.FromSlash(p.Baseline))
	}
	return opts, cfg.Source, nil
}

// scanPath scans one PATH argument. Finding paths of a directory other
// than "." are prefixed with it, so reports of several roots stay apart.
func scanPath(ctx context.Context, root string, opts phi.Options) (*phi.Report, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("scan %q: %w", root, err)
	}
	if !info.IsDir() {
		file, err := os.Open(root)
		if err != nil {
			return nil, fmt.Errorf("scan %q: %w", root, err)
		}
		defer file.Close()
		return phi.ScanReader(ctx, filepath.ToSlash(root), io.Reader(file), opts)
	}
	rep, err := phi.ScanFS(ctx, os.DirFS(root), opts)
	if err != nil {
		return nil, fmt.Errorf("scan %q: %w", root, err)
	}
	prefix := filepath.ToSlash(filepath.Clean(root))
	if prefix != "." {
		for i := range rep.Findings {
			rep.Findings[i].Path = path.Join(prefix, rep.Findings[i].Path)
		}
	}
	return rep, nil
}
