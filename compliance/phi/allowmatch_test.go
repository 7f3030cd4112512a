package phi

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAllowlistValuePattern(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	require.NoError(t, os.MkdirAll(filepath.Join(src, "fixtures"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(src, "fixtures", "a.yaml"),
		[]byte("phone: 617-555-0134\nphone: 617-723-3981\nssn: 536-22-1234\n"), 0o644))
	allow := filepath.Join(dir, "allow.yaml")
	require.NoError(t, os.WriteFile(allow, []byte(
		"allow:\n  - path: \"fixtures/**\"\n    rule: phi/phone\n    match: '555-01\\d\\d$'\n    reason: fictional 555-01xx numbers\n"), 0o644))

	rep, err := Scan(context.Background(), src, Options{AllowlistPath: allow})
	require.NoError(t, err)
	suppressed := map[int]bool{}
	for _, f := range rep.Findings {
		suppressed[f.Line] = f.Suppressed
	}
	require.Len(t, suppressed, 3)
	assert.True(t, suppressed[1], "the 555-01xx number matches the pattern")
	assert.False(t, suppressed[2], "a real-looking number in the same path stays")
	assert.False(t, suppressed[3], "the rule narrows the entry to phones")
}

func TestAllowlistPatternErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "allow.yaml")
	require.NoError(t, os.WriteFile(p, []byte("allow:\n  - match: '^(555'\n    reason: x\n"), 0o644))
	_, err := LoadAllowlist(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `line 2: invalid value pattern (match) "^(555"`)

	require.NoError(t, os.WriteFile(p, []byte("allow:\n  - match: '^555-01'\n    reason: fictional numbers anywhere\n"), 0o644))
	_, err = LoadAllowlist(p)
	assert.NoError(t, err, "a pattern alone selects findings")
}
