package pipelines

import (
	"context"
	"strings"
	"testing"

	"dagger.io/dagger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/internal/daggertest"
)

// TestRunThroughEngineQueries runs the quality phase against a recorder
// that stands in for the engine: it checks the queries the pipeline sends
// and that a step whose reports never arrive is reported as errored, not
// as passed.
func TestRunThroughEngineQueries(t *testing.T) {
	dir := copyApp(t)
	rec := daggertest.New()
	rec.Leaves["exitCode"] = 0
	ctx := context.Background()
	client, err := dagger.Connect(ctx, dagger.WithConn(rec))
	require.NoError(t, err)
	defer client.Close()

	result, err := Run(ctx, Options{
		SourceDir: dir, Client: client, Config: loadPolicy(t, dir),
		OutDir: t.TempDir(), Phases: []string{PhaseQuality},
	})
	require.NoError(t, err)

	queries := strings.Join(rec.Queries(), "\n")
	assert.Contains(t, queries, `host{directory(`, "the source is loaded from the host")
	assert.Contains(t, queries, `path:"`+dir+`"`, "the source is the copied app")
	assert.Contains(t, queries, `node_modules`, "installed dependencies are excluded from the upload")
	assert.Contains(t, queries, `docker.io/library/node:`, "tsc runs in the pinned node image")
	assert.Contains(t, queries, `export(path:`, "reports are exported")

	tsc := stepOf(t, result, "tsc")
	assert.Equal(t, gates.StepErrored, tsc.Status)
	assert.Contains(t, tsc.Reason, "wrote none of its reports")

	// The in-process step ran on the host even with an engine.
	strict := stepOf(t, result, "tsconfig-strict")
	assert.Equal(t, gates.StepSucceeded, strict.Status, strict.Reason)
}

// TestTokensTravelAsSecrets checks that a SonarQube token named in the
// policy reaches the engine as a secret and never as a plain value.
func TestTokensTravelAsSecrets(t *testing.T) {
	dir := copyApp(t)
	cfg := loadPolicy(t, dir)
	cfg.Steps.SonarQube.Enabled = true
	cfg.Steps.SonarQube.URL = "https://sonar.hospital.example"
	cfg.Steps.SonarQube.TokenEnv = "SONAR_TOKEN"
	const token = "squ_0123456789abcdef0123456789abcdef01234567"

	rec := daggertest.New()
	rec.Leaves["exitCode"] = 0
	ctx := context.Background()
	client, err := dagger.Connect(ctx, dagger.WithConn(rec))
	require.NoError(t, err)
	defer client.Close()

	_, err = Run(ctx, Options{
		SourceDir: dir, Client: client, Config: cfg, OutDir: t.TempDir(), Phases: []string{PhaseQuality},
		Getenv: func(name string) string {
			if name == "SONAR_TOKEN" {
				return token
			}
			return ""
		},
	})
	require.NoError(t, err)
	// The SDK orders a field's arguments differently from run to run, so
	// each argument is matched on its own within one query.
	assert.NotEmpty(t, queriesWith(rec, `setSecret(`, `name:"hmsci-SONAR_TOKEN"`), "the token is registered as a secret")
	for _, q := range rec.Queries() {
		if strings.Contains(q, token) {
			assert.Contains(t, q, "setSecret", "the token appears outside setSecret: %s", q)
		}
	}
}

func TestEmptyTokenVariableIsAnError(t *testing.T) {
	dir := copyApp(t)
	cfg := loadPolicy(t, dir)
	cfg.Steps.Snyk.Enabled = true
	cfg.Steps.Snyk.TokenEnv = "SNYK_TOKEN"
	rec := daggertest.New()
	client, err := dagger.Connect(context.Background(), dagger.WithConn(rec))
	require.NoError(t, err)
	defer client.Close()

	_, err = Run(context.Background(), Options{
		SourceDir: dir, Client: client, Config: cfg, OutDir: t.TempDir(),
		Getenv: func(string) string { return "" },
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SNYK_TOKEN is empty")
}

// TestAppSectionStartsTheAppService checks that the policy's app section
// reaches the app service that API tests run against.
func TestAppSectionStartsTheAppService(t *testing.T) {
	dir := copyApp(t)
	cfg := loadPolicy(t, dir)
	cfg.App.Command = []string{"/nodejs/bin/node", "dist/dev-server.js"}
	cfg.App.Env = map[string]string{"HMS_DEV_SESSIONS": "token-a:clinician:dr-a"}

	rec := daggertest.New()
	rec.Leaves["exitCode"] = 0
	ctx := context.Background()
	client, err := dagger.Connect(ctx, dagger.WithConn(rec))
	require.NoError(t, err)
	defer client.Close()

	_, err = Run(ctx, Options{SourceDir: dir, Client: client, Config: cfg, OutDir: t.TempDir(), Phases: []string{PhaseTesting}})
	require.NoError(t, err)
	assert.NotEmpty(t, queriesWith(rec, `name:"HMS_DEV_SESSIONS"`, `value:"token-a:clinician:dr-a"`))
	assert.NotEmpty(t, queriesWith(rec, `"dist/dev-server.js"`))
}

// queriesWith returns the recorded queries that contain every part.
func queriesWith(rec *daggertest.Recorder, parts ...string) []string {
	var out []string
	for _, q := range rec.Queries() {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(q, p)
		}
		if all {
			out = append(out, q)
		}
	}
	return out
}
