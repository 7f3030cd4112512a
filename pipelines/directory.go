package pipelines

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"dagger.io/dagger"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/render"
)

// DirectoryOptions configures RunDirectory.
type DirectoryOptions struct {
	// Policy is the policy file relative to the source; empty means
	// config.DefaultFile. A missing file means the built-in defaults.
	Policy   string
	Phases   []string
	FailFast bool
	Logger   *slog.Logger
}

// RunDirectory runs the pipeline on a source that exists only as a Dagger
// directory, as in a Dagger function. It exports the source to a temporary
// directory for the in-process analyzers, runs, renders, and returns the
// reports as a Dagger directory together with the Result.
func RunDirectory(ctx context.Context, client *dagger.Client, source *dagger.Directory, opts DirectoryOptions) (*dagger.Directory, *gates.Result, error) {
	srcDir, err := os.MkdirTemp("", "hmsci-source-")
	if err != nil {
		return nil, nil, err
	}
	defer os.RemoveAll(srcDir)
	if _, err := source.Export(ctx, srcDir); err != nil {
		return nil, nil, fmt.Errorf("export source for the in-process analyzers: %w", err)
	}

	policyFile := opts.Policy
	if policyFile == "" {
		policyFile = config.DefaultFile
	}
	cfg, err := config.Load(filepath.Join(srcDir, filepath.FromSlash(policyFile)))
	if err != nil {
		return nil, nil, err
	}

	outDir, err := os.MkdirTemp("", "hmsci-reports-")
	if err != nil {
		return nil, nil, err
	}
	result, err := Run(ctx, Options{
		SourceDir: srcDir, Source: source, Client: client, Config: cfg,
		Phases: opts.Phases, FailFast: opts.FailFast, OutDir: outDir, Logger: opts.Logger,
	})
	if err != nil {
		return nil, nil, err
	}
	result.Source = "."
	if _, err := render.WriteAll(outDir, result); err != nil {
		return nil, nil, fmt.Errorf("write renderings: %w", err)
	}
	return client.Host().Directory(outDir), result, nil
}
