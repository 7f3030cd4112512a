package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hms-enterprise/hmsci/compliance/fhir"
	"github.com/hms-enterprise/hmsci/config"
)

// fhirFlags are the flags of "ci fhir validate".
type fhirFlags struct {
	format            string
	policy            string
	allowExtensions   prefixList
	allowExampleURLs  bool
	strictIdentifiers bool
}

// prefixList collects a repeated string flag.
type prefixList []string

func (p *prefixList) String() string { return strings.Join(*p, ",") }

func (p *prefixList) Set(v string) error {
	if strings.TrimSpace(v) == "" {
		return errors.New("empty URL prefix")
	}
	*p = append(*p, v)
	return nil
}

func init() {
	var f fhirFlags
	register(&command{
		name:    "fhir validate",
		summary: "validate FHIR R4 JSON and NDJSON files offline; exit 1 if any error-severity issue is found",
		usage:   "[--format json|sarif|text] [--policy hmsci.yaml] [--allow-extension PREFIX]... [--allow-example-urls] [--strict-identifiers] PATH...",
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&f.format, "format", "text", "output format: json (OperationOutcome per file), sarif or text")
			fs.StringVar(&f.policy, "policy", "hmsci.yaml", "policy file whose fhir: section selects files in directories and sets binding strictness; its globs are relative to its directory; defaults apply if the default file does not exist")
			f.allowExtensions = nil // a repeatable flag starts empty on every run
			fs.Var(&f.allowExtensions, "allow-extension", "URL prefix of extensions to accept although FHIR R4 core does not define them, such as http://hl7.org/fhir/us/core/StructureDefinition/, in addition to fhir.allowed-extensions (repeatable)")
			fs.BoolVar(&f.allowExampleURLs, "allow-example-urls", false, "accept url values in example domains such as example.org, for example data")
			fs.BoolVar(&f.strictIdentifiers, "strict-identifiers", false, "report an NPI, SSN or MBI identifier that fails its check as an error instead of a warning")
		},
		run: func(ctx context.Context, env *environment, args []string) error {
			return runFHIRValidate(ctx, env, f, args)
		},
	})
}

// runFHIRValidate validates each PATH, prints one report and returns
// exitError{1} when an error or fatal issue was found; invalid usage
// returns exitError{2} after printing the reason.
func runFHIRValidate(ctx context.Context, env *environment, f fhirFlags, args []string) error {
	fail := func(err error) error {
		fmt.Fprintf(env.stderr, "ci fhir validate: %v\n", err)
		return exitError{code: 2}
	}
	if len(args) == 0 {
		return fail(errors.New("missing PATH: name the FHIR files or directories to validate, such as 'fixtures/fhir'"))
	}
	var write func(*fhir.Report, io.Writer) error
	switch f.format {
	case "json":
		write = (*fhir.Report).WriteJSON
	case "sarif":
		write = (*fhir.Report).WriteSARIF
	case "text":
		write = (*fhir.Report).WriteText
	default:
		return fail(fmt.Errorf("invalid --format %q: expected json, sarif or text", f.format))
	}
	cfg, err := loadPolicy(env, f.policy)
	if err != nil {
		return fail(err)
	}
	opts := fhirOptions(cfg.FHIR)
	// The flags add to the policy: they can allow more, never less.
	opts.AllowedExtensions = append(opts.AllowedExtensions, f.allowExtensions...)
	opts.AllowExampleURLs = opts.AllowExampleURLs || f.allowExampleURLs
	opts.StrictIdentifiers = opts.StrictIdentifiers || f.strictIdentifiers
	// The policy's globs are relative to the directory of the policy file,
	// as in the pipeline, which matches them against the source root where
	// hmsci.yaml lives. Without a policy file they are relative to the
	// working directory.
	opts.Base = "."
	baseName := "the working directory"
	if info, err := os.Stat(f.policy); err == nil && !info.IsDir() {
		opts.Base = filepath.Dir(f.policy)
		baseName = fmt.Sprintf("%q, the directory of %s", opts.Base, f.policy)
	}

	total := &fhir.Report{Root: args[0], Blocking: map[string]bool{}}
	for _, root := range args {
		info, err := os.Stat(root)
		if err != nil {
			return fail(fmt.Errorf("cannot read PATH %q: %w", root, err))
		}
		rep, err := fhir.ValidateTree(ctx, root, opts)
		if err != nil {
			return fail(err)
		}
		if info.IsDir() && len(rep.Outcomes) == 0 {
			excluded := ""
			if len(opts.Exclude) > 0 {
				excluded = fmt.Sprintf(" and not fhir.exclude %q", opts.Exclude)
			}
			fmt.Fprintf(env.stderr, "ci fhir validate: no file under %q matches fhir.include %q%s of %s; the globs are matched against paths relative to %s\n",
				root, includeGlobs(opts), excluded, cfg.Source, baseName)
		}
		// Name each file by the path the user gave, so that the report
		// points at it from the working directory.
		for _, o := range rep.Outcomes {
			blocking := rep.Blocking[o.File]
			if info.IsDir() {
				o.File = filepath.ToSlash(filepath.Join(root, o.File))
			} else if path, line, ok := strings.Cut(o.File, ":"); ok && strings.HasSuffix(strings.ToLower(path), ".ndjson") {
				o.File = filepath.ToSlash(root) + ":" + line
			} else {
				o.File = filepath.ToSlash(root)
			}
			total.Outcomes = append(total.Outcomes, o)
			if blocking {
				total.Blocking[o.File] = true
			}
		}
	}
	if len(total.Outcomes) == 0 {
		// A green result for no input would hide a wrong path or glob, so
		// an empty selection is a usage error, not a pass.
		return fail(errors.New("no FHIR resource was selected, so nothing was checked: name the files themselves, or change fhir.include in the policy"))
	}
	sort.SliceStable(total.Outcomes, func(i, j int) bool { return total.Outcomes[i].File < total.Outcomes[j].File })
	if err := write(total, env.stdout); err != nil {
		return fail(err)
	}
	if total.Errors() > 0 {
		return exitError{code: 1}
	}
	return nil
}

// includeGlobs returns the include globs that select files in a
// directory, with the validator's own default when the policy sets none.
func includeGlobs(opts fhir.Options) []string {
	if len(opts.Include) == 0 {
		return []string{"**/*.json", "**/*.ndjson"}
	}
	return opts.Include
}

// fhirOptions maps the fhir: section of the policy to validator options.
func fhirOptions(c config.FHIR) fhir.Options {
	opts := fhir.Options{
		ExtensibleAsError: c.ExtensibleBindings == "error",
		AllowedExtensions: append([]string(nil), c.AllowedExtensions...),
		AllowExampleURLs:  c.AllowExampleURLs,
		StrictIdentifiers: c.StrictIdentifiers,
	}
	for _, g := range c.Include {
		opts.Include = append(opts.Include, string(g))
	}
	for _, g := range c.Exclude {
		opts.Exclude = append(opts.Exclude, string(g))
	}
	for _, g := range c.Blocking {
		opts.Blocking = append(opts.Blocking, string(g))
	}
	return opts
}
