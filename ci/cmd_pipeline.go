package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"dagger.io/dagger"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates/render"
	"github.com/hms-enterprise/hmsci/internal/engine"
	"github.com/hms-enterprise/hmsci/pipelines"
)

// pipelineFlags are the flags of "ci pipeline" and the phase commands.
type pipelineFlags struct {
	source   string
	policy   string
	out      string
	phases   stringList
	failFast bool
	noEngine bool
	// requireEngine makes a run without an engine an error.
	requireEngine bool
}

// stringList is a flag that may be repeated or given as a comma list.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			*l = append(*l, part)
		}
	}
	return nil
}

func (f *pipelineFlags) register(fs *flag.FlagSet, withPhase bool) {
	fs.StringVar(&f.source, "source", ".", "source directory to check")
	fs.StringVar(&f.policy, "policy", "", "policy file (default: hmsci.yaml in the source directory; the built-in defaults apply if it does not exist)")
	fs.StringVar(&f.out, "out", pipelines.DefaultOutDir, "directory for every step's reports and for summary.md, result.json, gates.junit.xml, hmsci.sarif and dashboard.html")
	fs.BoolVar(&f.failFast, "fail-fast", false, "cancel the remaining steps after the first step error (default: every step runs and reports)")
	fs.BoolVar(&f.noEngine, "no-engine", false, "do not connect to a Dagger engine: run only the in-process checks")
	fs.BoolVar(&f.requireEngine, "require-engine", false, "exit 2 when no Dagger engine is reachable, instead of running only the in-process checks (use in CI)")
	if withPhase {
		f.phases = nil // a repeatable flag starts empty on every run
		fs.Var(&f.phases, "phase", "run only this phase; repeat or separate with commas ("+strings.Join(pipelines.PhaseNames(), ", ")+")")
	}
}

func init() {
	var f pipelineFlags
	register(&command{
		name:    "pipeline",
		summary: "run every phase on the source, write all reports and renderings; exit 1 if a blocking gate failed",
		usage:   "[--source DIR] [--policy FILE] [--out DIR] [--phase NAME]... [--fail-fast] [--no-engine | --require-engine]",
		flags:   func(fs *flag.FlagSet) { f.register(fs, true) },
		run: func(ctx context.Context, env *environment, args []string) error {
			return runPipeline(ctx, env, f, args)
		},
	})
	for _, p := range pipelines.Phases {
		var pf pipelineFlags
		register(&command{
			name:    p.Name,
			summary: "run only the " + p.Description + " phase; exit 1 if a blocking gate failed",
			usage:   "[--source DIR] [--policy FILE] [--out DIR] [--fail-fast] [--no-engine | --require-engine]",
			flags:   func(fs *flag.FlagSet) { pf.register(fs, false) },
			run: func(ctx context.Context, env *environment, args []string) error {
				pf.phases = stringList{p.Name}
				return runPipeline(ctx, env, pf, args)
			},
		})
	}
}

// connectEngine returns a Dagger client, or nil and the reason when no
// engine is reachable. It never lets the SDK download its CLI.
var connectEngine = func(ctx context.Context, env *environment) (*dagger.Client, string) {
	ok, reason := engine.Available(ctx)
	if !ok {
		return nil, strings.TrimPrefix(reason, "no Dagger engine: ")
	}
	client, err := engine.Connect(ctx, dagger.WithLogOutput(env.stderr))
	if err != nil {
		return nil, err.Error()
	}
	return client, ""
}

func runPipeline(ctx context.Context, env *environment, f pipelineFlags, args []string) error {
	if len(args) > 0 {
		fmt.Fprintf(env.stderr, "ci: unexpected argument %q: name the source with --source\n", args[0])
		return exitError{code: 2}
	}
	if err := checkRunFlags(f); err != nil {
		fmt.Fprintf(env.stderr, "ci: %v\n", err)
		return exitError{code: 2}
	}
	policyFile := f.policy
	if policyFile == "" {
		policyFile = filepath.Join(f.source, config.DefaultFile)
	}
	cfg, err := loadPolicy(env, policyFile)
	if err != nil {
		fmt.Fprintln(env.stderr, err)
		fmt.Fprintf(env.stderr, "ci: invalid policy %s: fix the errors above, or run 'go run ./ci config validate --policy %s'\n", policyFile, policyFile)
		return exitError{code: 2}
	}

	logger := slog.New(slog.NewTextHandler(env.stderr, nil))
	var client *dagger.Client
	reason := "disabled with --no-engine"
	if !f.noEngine {
		client, reason = connectEngine(ctx, env)
	}
	if client == nil {
		// A user who asked for an engine gets an error, not a run that
		// quietly leaves most gates unevaluated and passes.
		if f.requireEngine || (!f.noEngine && engineRequested(env)) {
			fmt.Fprintf(env.stderr, "ci: no Dagger engine: %s; an engine was required (--require-engine, %s or %s)\n",
				reason, engine.OptInVar, engine.SessionPortVar)
			return exitError{code: 2}
		}
		fmt.Fprintf(env.stderr, "No Dagger engine: %s. Running the in-process checks only; containerized steps are marked not run.\n", reason)
		if env.getenv("GITHUB_ACTIONS") == "true" {
			// A workflow annotation, so the job page shows it, not only the log.
			fmt.Fprintf(env.stdout, "::warning title=hmsci::No Dagger engine: containerized steps were not run and their gates are not evaluated. Run under 'dagger run' or pass --require-engine.\n")
		}
	} else {
		defer client.Close()
	}

	result, err := pipelines.Run(ctx, pipelines.Options{
		SourceDir: f.source, Client: client, NoEngineReason: reason, Config: cfg,
		Phases: f.phases, FailFast: f.failFast, OutDir: f.out, Logger: logger,
	})
	if err != nil {
		return err
	}
	// SARIF paths become relative to the repository that holds the
	// source, so code scanning places them on the right files.
	renderOpts, err := render.DetectOptions(f.source)
	if err != nil {
		return err
	}
	if _, err := render.WriteAllWith(f.out, result, renderOpts); err != nil {
		return fmt.Errorf("write renderings to %s: %w", f.out, err)
	}
	if err := render.Table(env.stdout, result); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "reports and renderings written to %s\n", f.out)
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

func init() {
	var source, policyFile, format string
	var phases stringList
	register(&command{
		name:    "plan",
		summary: "print the phases, steps, images, reports and gates a run would use, with skip reasons; needs no engine",
		usage:   "[--source DIR] [--policy FILE] [--phase NAME]... [--format text|json]",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&source, "source", ".", "source directory to plan for")
			fs.StringVar(&policyFile, "policy", "", "policy file (default: hmsci.yaml in the source directory)")
			phases = nil // a repeatable flag starts empty on every run
			fs.Var(&phases, "phase", "plan only this phase; repeat or separate with commas")
			fs.StringVar(&format, "format", "text", "output format: text or json")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			if len(args) > 0 {
				fmt.Fprintf(env.stderr, "ci plan: unexpected argument %q: name the source with --source\n", args[0])
				return exitError{code: 2}
			}
			if err := checkSourceDir(source); err != nil {
				fmt.Fprintf(env.stderr, "ci plan: %v\n", err)
				return exitError{code: 2}
			}
			for _, p := range phases {
				if _, ok := pipelines.LookupPhase(p); !ok {
					fmt.Fprintf(env.stderr, "ci plan: unknown phase %q in --phase: expected one of %s\n", p, strings.Join(pipelines.PhaseNames(), ", "))
					return exitError{code: 2}
				}
			}
			if format != "text" && format != "json" {
				fmt.Fprintf(env.stderr, "ci plan: invalid --format %q: expected text or json\n", format)
				return exitError{code: 2}
			}
			file := policyFile
			if file == "" {
				file = filepath.Join(source, config.DefaultFile)
			}
			cfg, err := loadPolicy(env, file)
			if err != nil {
				fmt.Fprintln(env.stderr, err)
				return exitError{code: 2}
			}
			plan, err := pipelines.MakePlan(source, cfg, phases)
			if err != nil {
				return err
			}
			if format == "json" {
				return writeIndentedJSON(env.stdout, plan)
			}
			return plan.WriteText(env.stdout)
		},
	})
}

// checkRunFlags rejects flags that would fail only after the run, so the
// user learns of a typo before any step starts.
func checkRunFlags(f pipelineFlags) error {
	if f.noEngine && f.requireEngine {
		return errors.New("--no-engine and --require-engine exclude each other")
	}
	if err := checkSourceDir(f.source); err != nil {
		return err
	}
	if info, err := os.Stat(f.out); err == nil && !info.IsDir() {
		return fmt.Errorf("--out %s is a file: name a directory for the reports", f.out)
	}
	for _, p := range f.phases {
		if _, ok := pipelines.LookupPhase(p); !ok {
			return fmt.Errorf("unknown phase %q in --phase: expected one of %s", p, strings.Join(pipelines.PhaseNames(), ", "))
		}
	}
	return nil
}

func checkSourceDir(dir string) error {
	info, err := os.Stat(dir)
	switch {
	case err != nil:
		return fmt.Errorf("--source %s not found: name the project directory to check", dir)
	case !info.IsDir():
		return fmt.Errorf("--source %s is a file, not a directory: name the project directory", dir)
	}
	return nil
}

// engineRequested reports whether the environment requests an engine
// explicitly: HMSCI_ENGINE=1, or a Dagger session from `dagger run`.
func engineRequested(env *environment) bool {
	return env.getenv(engine.OptInVar) == "1" || env.getenv(engine.SessionPortVar) != ""
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
