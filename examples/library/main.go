// Command library shows hmsci used as a Go library inside a team's own
// pipeline: it runs two steps of its choice through Dagger, then the whole
// security phase, and fails on a blocking gate.
//
// Run it from a checkout of the project to check, under an engine:
//
//	dagger run go run github.com/hms-enterprise/hmsci/examples/library .
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"dagger.io/dagger"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/gates/render"
	"github.com/hms-enterprise/hmsci/pipelines"
	"github.com/hms-enterprise/hmsci/steps"
)

func main() {
	source := "."
	if len(os.Args) > 1 {
		source = os.Args[1]
	}
	ctx := context.Background()
	client, err := dagger.Connect(ctx, dagger.WithLogOutput(os.Stderr))
	if err != nil {
		log.Fatalf("connect to Dagger: %v", err)
	}
	defer client.Close()

	// One step on its own: the lazy report directory is exported only here.
	env := steps.NewEnv(client, client.Host().Directory(source), steps.Detect(source), steps.Options{})
	out, err := steps.Gitleaks.Run(ctx, env)
	if err != nil {
		log.Fatalf("build gitleaks step: %v", err)
	}
	if _, err := out.Reports.Export(ctx, filepath.Join("hmsci-reports", "gitleaks")); err != nil {
		log.Fatalf("run gitleaks: %v", err)
	}

	// A whole phase, with the policy and the gates.
	cfg, err := config.Load(filepath.Join(source, config.DefaultFile))
	if err != nil {
		log.Fatal(err)
	}
	result, err := pipelines.Run(ctx, pipelines.Options{
		SourceDir: source, Client: client, Config: cfg,
		Phases: []string{pipelines.PhaseSecurity}, OutDir: "hmsci-reports",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := render.WriteAll("hmsci-reports", result); err != nil {
		log.Fatal(err)
	}
	if err := render.Table(os.Stdout, result); err != nil {
		log.Fatal(err)
	}
	if result.Blocked() {
		fmt.Fprintln(os.Stderr, "a blocking gate failed")
		os.Exit(1)
	}
}
