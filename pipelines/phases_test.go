package pipelines

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func phaseNames(ps []Phase) []string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return names
}

func TestPhasesHaveDescriptions(t *testing.T) {
	for _, p := range Phases {
		assert.NotEmpty(t, p.String(), p.Name)
	}
}

func TestWavesOfDefaultDAG(t *testing.T) {
	got, err := waves(Phases)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []string{PhaseQuality, PhaseSecurity, PhaseCompliance, PhaseInfrastructure}, phaseNames(got[0]))
	assert.Equal(t, []string{PhaseTesting}, phaseNames(got[1]))
	assert.Equal(t, []string{PhaseContainer}, phaseNames(got[2]))
}

func TestWavesRejectsCycle(t *testing.T) {
	_, err := waves([]Phase{{Name: "a", After: []string{"b"}}, {Name: "b", After: []string{"a"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cycle")
}

func TestWavesRejectsUnknownDependency(t *testing.T) {
	_, err := waves([]Phase{{Name: "a", After: []string{"nope"}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"nope"`)
}

func TestSelectPhasesDropsUnselectedDependencies(t *testing.T) {
	got, err := selectPhases([]string{PhaseContainer, PhaseSecurity})
	require.NoError(t, err)
	assert.Equal(t, []string{PhaseSecurity, PhaseContainer}, phaseNames(got))
	assert.Equal(t, []string{PhaseSecurity}, got[1].After)
	// The package-level table is not modified.
	container, _ := LookupPhase(PhaseContainer)
	assert.Equal(t, []string{PhaseTesting, PhaseSecurity}, container.After)
}

func TestSelectPhasesUnknownName(t *testing.T) {
	_, err := selectPhases([]string{"qualty"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown phase "qualty"`)
	assert.Contains(t, err.Error(), "quality")
}

func TestSelectPhasesEmptyMeansAll(t *testing.T) {
	got, err := selectPhases(nil)
	require.NoError(t, err)
	assert.Equal(t, PhaseNames(), phaseNames(got))
}
