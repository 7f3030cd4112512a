package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestGroupNotRunByReason(t *testing.T) {
	got := groupNotRun([]SkippedStep{
		{Step: "jest", Reason: "no Dagger engine"},
		{Step: "go-test", Reason: "skipped: no go.mod at the source root"},
		{Step: "k6", Reason: "no Dagger engine"},
	})
	assert.Equal(t, []string{
		"steps jest, k6 not run: no Dagger engine",
		"step go-test not run: skipped: no go.mod at the source root",
	}, got)
}

func TestMissingReasonPrefersStepsThatWouldRun(t *testing.T) {
	e := &evaluation{in: Inputs{NotRun: []SkippedStep{
		{Step: "go-test", Reason: "skipped: no go.mod at the source root"},
		{Step: "jest", Reason: "no Dagger engine"},
	}}}
	reason := e.missingReason(gateSpec{steps: []string{"jest", "go-test"}}, "no coverage report")
	assert.Equal(t, "step jest not run: no Dagger engine", reason)
}

func TestMissingReasonFallsBackToSkipped(t *testing.T) {
	e := &evaluation{in: Inputs{NotRun: []SkippedStep{
		{Step: "sonarqube", Reason: "skipped: disabled in hmsci.yaml"},
	}}}
	reason := e.missingReason(gateSpec{steps: []string{"sonarqube"}}, "no quality gate status")
	assert.Equal(t, "step sonarqube not run: skipped: disabled in hmsci.yaml", reason)
}
