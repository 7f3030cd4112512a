package steps

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestAllSpecsComplete(t *testing.T) {
	seen := map[string]bool{}
	for _, step := range All() {
		spec := step.Spec()
		t.Run(spec.Name, func(t *testing.T) {
			assert.Regexp(t, kebab, spec.Name)
			assert.False(t, seen[spec.Name], "duplicate step name")
			assert.NotEmpty(t, spec.Description)
			assert.Equal(t, spec.Description, spec.String())
			assert.NotEmpty(t, spec.Phase)
			assert.NotEmpty(t, spec.Command)
			assert.NotEmpty(t, spec.ToolSource)
			if !spec.Native && spec.ImageKey != "" {
				_, ok := DefaultImages[spec.ImageKey]
				assert.True(t, ok, "image key %q not in the table", spec.ImageKey)
			}
		})
		seen[spec.Name] = true
	}
}

func TestAllPhaseOrder(t *testing.T) {
	order := map[Phase]int{PhaseQuality: 0, PhaseTesting: 1, PhaseSecurity: 2, PhaseCompliance: 3, PhaseContainer: 4, PhaseInfrastructure: 5}
	last := -1
	for _, step := range All() {
		rank, ok := order[step.Spec().Phase]
		require.True(t, ok, "unknown phase %q", step.Spec().Phase)
		assert.GreaterOrEqual(t, rank, last, "step %s out of phase order", step.Spec().Name)
		last = rank
	}
}

func TestNativeStepsListed(t *testing.T) {
	for _, name := range []string{"phi-scan", "fhir-validate", "hipaa", "kube-policy", "terraform-policy", "tsconfig-strict"} {
		step, err := ByName(name)
		require.NoError(t, err)
		assert.True(t, step.Spec().Native, name)
	}
	_, err := ByName("no-such-step")
	require.ErrorContains(t, err, `unknown step "no-such-step"`)
}

func TestDocsListEveryStep(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "steps.md"))
	require.NoError(t, err)
	for _, step := range All() {
		name := step.Spec().Name
		assert.True(t, strings.Contains(string(data), "| "+name+" |") || strings.Contains(string(data), "`"+name+"`"),
			"docs/steps.md does not describe step %s", name)
	}
}
