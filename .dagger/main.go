// Hmsci runs CI for hospital and healthcare software: code quality, tests,
// security scans, HIPAA and FHIR compliance, container supply chain and
// infrastructure checks, each result turned into a gate verdict.
//
// This module is a thin adapter: every decision lives in the Go library
// github.com/hms-enterprise/hmsci, which this file calls with the published
// Dagger SDK client. Objects cross between the module's generated types and
// the SDK's types by ID.
package main

import (
	"context"
	"errors"

	sdk "dagger.io/dagger"

	"dagger/hmsci/internal/dagger"

	"github.com/hms-enterprise/hmsci/pipelines"
)

type Hmsci struct{}

// Pipeline runs every phase and returns the reports directory: summary.md,
// result.json, hmsci.sarif, gates.junit.xml, dashboard.html and each step's
// reports. It succeeds even when a gate blocks; use check to fail.
func (m *Hmsci) Pipeline(
	ctx context.Context,
	// Source tree to check.
	// +defaultPath="/"
	source *dagger.Directory,
	// Policy file, relative to the source.
	// +optional
	// +default="hmsci.yaml"
	policy string,
	// Cancel the remaining steps after the first error.
	// +optional
	failFast bool,
) (*dagger.Directory, error) {
	return m.run(ctx, source, policy, failFast)
}

// Quality runs the code quality phase: tsc, ESLint, Prettier, type coverage, golangci-lint.
func (m *Hmsci) Quality(
	ctx context.Context,
	// Source tree to check.
	// +defaultPath="/"
	source *dagger.Directory,
) (*dagger.Directory, error) {
	return m.run(ctx, source, "", false, pipelines.PhaseQuality)
}

// Testing runs unit, mutation, API, end-to-end, accessibility and load tests.
func (m *Hmsci) Testing(
	ctx context.Context,
	// Source tree to check.
	// +defaultPath="/"
	source *dagger.Directory,
) (*dagger.Directory, error) {
	return m.run(ctx, source, "", false, pipelines.PhaseTesting)
}

// Security runs SAST, dependency, secret and licence scans.
func (m *Hmsci) Security(
	ctx context.Context,
	// Source tree to check.
	// +defaultPath="/"
	source *dagger.Directory,
) (*dagger.Directory, error) {
	return m.run(ctx, source, "", false, pipelines.PhaseSecurity)
}

// Compliance runs the PHI exposure scan, FHIR R4 validation and HIPAA safeguard checks.
func (m *Hmsci) Compliance(
	ctx context.Context,
	// Source tree to check.
	// +defaultPath="/"
	source *dagger.Directory,
) (*dagger.Directory, error) {
	return m.run(ctx, source, "", false, pipelines.PhaseCompliance)
}

// Container builds the image, checks it, writes its SBOM, scans and signs it.
func (m *Hmsci) Container(
	ctx context.Context,
	// Source tree to check.
	// +defaultPath="/"
	source *dagger.Directory,
) (*dagger.Directory, error) {
	return m.run(ctx, source, "", false, pipelines.PhaseContainer)
}

// Infrastructure validates Kubernetes manifests and Terraform.
func (m *Hmsci) Infrastructure(
	ctx context.Context,
	// Source tree to check.
	// +defaultPath="/"
	source *dagger.Directory,
) (*dagger.Directory, error) {
	return m.run(ctx, source, "", false, pipelines.PhaseInfrastructure)
}

// Check runs every phase and fails when a blocking gate fails.
func (m *Hmsci) Check(
	ctx context.Context,
	// +defaultPath="/"
	source *dagger.Directory,
) error {
	client, src, err := m.connect(ctx, source)
	if err != nil {
		return err
	}
	defer client.Close()
	_, result, err := pipelines.RunDirectory(ctx, client, src, pipelines.DirectoryOptions{})
	if err != nil {
		return err
	}
	if result.Blocked() {
		return errors.New("a blocking gate failed: see summary.md from the pipeline function")
	}
	return nil
}

func (m *Hmsci) run(ctx context.Context, source *dagger.Directory, policy string, failFast bool, phases ...string) (*dagger.Directory, error) {
	client, src, err := m.connect(ctx, source)
	if err != nil {
		return nil, err
	}
	defer client.Close()
	out, _, err := pipelines.RunDirectory(ctx, client, src, pipelines.DirectoryOptions{
		Policy: policy, Phases: phases, FailFast: failFast,
	})
	if err != nil {
		return nil, err
	}
	id, err := out.ID(ctx)
	if err != nil {
		return nil, err
	}
	return dag.LoadDirectoryFromID(dagger.DirectoryID(id)), nil
}

// connect joins the running session with the published SDK (it finds the
// session through DAGGER_SESSION_PORT) and loads the source there by ID.
func (m *Hmsci) connect(ctx context.Context, source *dagger.Directory) (*sdk.Client, *sdk.Directory, error) {
	id, err := source.ID(ctx)
	if err != nil {
		return nil, nil, err
	}
	client, err := sdk.Connect(ctx)
	if err != nil {
		return nil, nil, err
	}
	return client, client.LoadDirectoryFromID(sdk.DirectoryID(id)), nil
}
