package phi

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPathFindingsMaskNames(t *testing.T) {
	fsys := fstest.MapFS{
		"exports/536-22-4321_vandermolen.txt": {Data: []byte("ssn 536-22-1234\n")},
		"exports/ssn_536229876/visits.txt":    {Data: []byte("no identifiers here\n")},
		"exports/report-2025-01-15.txt":       {Data: []byte("quiet\n")},
		"src/v1.22.333/build_1234567893.go":   {Data: []byte("package x\n")},
		"exports/phone_617-234-1234_old.csv":  {Data: []byte("id\n1\n")},
	}
	rep, err := ScanFS(context.Background(), fsys, Options{})
	require.NoError(t, err)

	var paths []string
	for _, f := range rep.Findings {
		assert.NotContains(t, f.Path, "536-22-4321", "every finding masks the name")
		assert.NotContains(t, f.Path, "536229876")
		assert.NotContains(t, f.Path, "617-234-1234")
		assert.NotContains(t, f.Message, "4321_")
		assert.NotContains(t, f.Path, "vandermolen", "other words of a name with a value are masked")
		if f.RuleID == RulePath {
			paths = append(paths, f.Path+" "+f.Properties["detectedRule"].(string))
		}
	}
	assert.ElementsMatch(t, []string{
		"exports/***-**-4321_***********.txt phi/ssn",
		"exports/***_*****9876 phi/ssn",
		"exports/*****_***-***-1234_***.csv phi/phone",
	}, paths)

	// The file's own finding carries the masked path too.
	found := false
	for _, f := range rep.Findings {
		if f.RuleID == RuleSSN {
			found = true
			assert.Equal(t, "exports/***-**-4321_***********.txt", f.Path)
			assert.Equal(t, 1, f.Line)
		}
	}
	assert.True(t, found)

	var out strings.Builder
	require.NoError(t, RenderText(&out, rep))
	assert.Contains(t, out.String(), "exports/***_*****9876: high phi/path: Folder name contains a US Social Security number *****9876;")
}

func TestPathFindingAllowlistUsesRealPath(t *testing.T) {
	dir := t.TempDir()
	allow := writeFile(t, dir, "allow.yaml", "allow:\n  - path: \"exports/536-22-4321_*.txt\"\n    rule: phi/path\n    reason: reviewed\n")
	rep, err := ScanFS(context.Background(), fstest.MapFS{"exports/536-22-4321_a.txt": {Data: []byte("x\n")}}, Options{AllowlistPath: allow})
	require.NoError(t, err)
	require.Len(t, rep.Findings, 1)
	assert.True(t, rep.Findings[0].Suppressed)
	assert.Equal(t, "exports/***-**-4321_*.txt", rep.Findings[0].Path)
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}
