package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzParse checks that Parse never panics and that every policy it
// accepts prints to YAML that parses back to the same policy.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"version: 1\n",
		"gates:\n  coverage-line: {threshold: 90, mode: advisory}\n",
		"gates:\n  coverage-phi-modules:\n    overrides: [{glob: 'a/**', threshold: 99}]\n",
		"steps:\n  k6: {vus: 10, duration: 1m}\n  jest: {workers: 2}\n",
		"phi: {max-file-size: 3MiB, include: ['**/*.ts']}\n",
		"images: {overrides: {eslint: 'x:1'}}\n",
		"a: &a [1, *a]\n",
		"gates: [1, 2]\n",
		"{",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		out, err := c.Marshal()
		require.NoError(t, err)
		back, err := Parse("fuzz.yaml", out)
		require.NoError(t, err, "printed policy:\n%s", out)
		require.Equal(t, c, back)
	})
}
