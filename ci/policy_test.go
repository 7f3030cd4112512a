package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// defaultsPolicy writes a policy file that sets nothing, so the built-in
// defaults apply, and returns its path.
func defaultsPolicy(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "defaults.yaml")
	require.NoError(t, os.WriteFile(path, []byte("version: 1\n"), 0o644))
	return path
}

func TestExplicitPolicyMustExist(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "hmsci.yaml"), []byte("version: 1\n"), 0o644))
	missing := filepath.Join(dir, "hmsci.yml")
	for _, args := range [][]string{
		{"config", "validate", "--policy", missing},
		{"config", "print", "--policy", missing},
		{"gate", "--reports", dir, "--policy", missing},
		{"pipeline", "--no-engine", "--source", dir, "--policy", missing, "--out", t.TempDir()},
		{"plan", "--source", dir, "--policy", missing},
		{"phi", "--policy", missing, dir},
		{"infra", "check", "--policy", missing, dir},
	} {
		r := runCI(t, nil, args...)
		assert.Equal(t, 2, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stderr, "not found", args)
		assert.Contains(t, r.stderr, "did you mean "+filepath.Join(dir, "hmsci.yaml"), args)
	}
}

func TestCommandGroupHelp(t *testing.T) {
	r := runCI(t, nil, "fhir", "-h")
	assert.Equal(t, 0, r.code)
	assert.Contains(t, r.stderr, "fhir validate")

	r = runCI(t, nil, "config")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, "config needs a subcommand")
	assert.Contains(t, r.stderr, "config validate")
}

func TestUnknownCommandSuggestsClosest(t *testing.T) {
	r := runCI(t, nil, "pipline")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `did you mean "pipeline"?`)
}
