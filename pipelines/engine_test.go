package pipelines

import (
	"context"
	"os"
	"testing"
	"time"

	"dagger.io/dagger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/internal/engine"
)

// TestPipelineOnEngine runs every phase of the example app through a real
// Dagger engine. It runs under `dagger run go test ./pipelines` or with
// HMSCI_ENGINE=1 and the dagger CLI on PATH, and skips at once otherwise.
func TestPipelineOnEngine(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	if ok, reason := engine.Available(ctx); !ok {
		t.Skip(reason)
	}
	client, err := engine.Connect(ctx, dagger.WithLogOutput(os.Stderr))
	require.NoError(t, err)
	defer client.Close()

	dir := copyApp(t)
	result, err := Run(ctx, Options{SourceDir: dir, Client: client, Config: loadPolicy(t, dir), OutDir: t.TempDir()})
	require.NoError(t, err)

	for _, name := range []string{"tsc", "eslint", "prettier", "jest", "gitleaks", "trivy-fs"} {
		s := stepOf(t, result, name)
		assert.NotEqual(t, gates.StepErrored, s.Status, "%s: %s", name, s.Reason)
		assert.NotEqual(t, gates.StepNotRun, s.Status, "%s: %s", name, s.Reason)
	}
	for _, gate := range []string{"coverage-line", "coverage-branch", "unit-tests", "secrets", "eslint-errors"} {
		v := verdictOf(t, result, gate)
		assert.Equal(t, gates.StatusPassed, v.Status, "%s: %s %s", gate, v.Measured, v.Reason)
	}
}
