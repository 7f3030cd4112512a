package steps

import (
	"context"
	"errors"
	"path"
	"path/filepath"
	"testing"
	"time"

	"dagger.io/dagger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/internal/engine"
)

// engineStepTimeout bounds one step on the example app; Playwright and k6
// take minutes on a cold cache.
const engineStepTimeout = 20 * time.Minute

// TestEngineEveryStep runs every applicable step on examples/hms-app
// through a real Dagger engine and checks that each report the Spec names
// was written. Without an engine it skips at once with the reason.
func TestEngineEveryStep(t *testing.T) {
	ctx := context.Background()
	if ok, reason := engine.Available(ctx); !ok {
		t.Skip(reason)
	}

	root, err := filepath.Abs(filepath.Join("..", "examples", "hms-app"))
	require.NoError(t, err)
	detection := Detect(root)
	require.True(t, detection.Node, "examples/hms-app has no package.json: %v", detection.Problems)

	client, err := engine.Connect(ctx)
	require.NoError(t, err)
	defer client.Close()

	source := client.Host().Directory(root, dagger.HostDirectoryOpts{Exclude: []string{"node_modules", "coverage", "reports", "dist"}})
	env := NewEnv(client, source, detection, Options{VUs: 10, Duration: 10 * time.Second, Workers: 2})

	for _, step := range All() {
		spec := step.Spec()
		t.Run(spec.Name, func(t *testing.T) {
			if skip, reason := spec.ShouldSkip(detection, env.Options); skip {
				t.Skip(reason)
			}
			stepCtx, cancel := context.WithTimeout(ctx, engineStepTimeout)
			defer cancel()

			out, err := step.Run(stepCtx, env)
			if errors.Is(err, ErrNative) {
				t.Skip("native step: tested by its analyzer package")
			}
			require.NoError(t, err)

			entries, err := out.Reports.Glob(stepCtx, "**")
			require.NoError(t, err)
			for _, report := range spec.Reports {
				matched := false
				for _, entry := range entries {
					if ok, _ := path.Match(report, entry); ok {
						matched = true
					}
				}
				assert.True(t, matched, "report %s missing from %v", report, entries)
			}
		})
	}
}

// TestEngineSkipsFast checks the tier-3 gate itself: without an engine the
// decision takes well under a second.
func TestEngineSkipsFast(t *testing.T) {
	start := time.Now()
	engine.Available(context.Background())
	assert.Less(t, time.Since(start), time.Second)
}
