package steps_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/steps"
)

// TestSpecGatesExistInPolicy checks every gate a Spec names against the
// gate keys of hmsci.yaml, so `ci plan` never lists a gate that no policy
// entry configures.
func TestSpecGatesExistInPolicy(t *testing.T) {
	keys := map[string]bool{}
	gatesType := reflect.TypeOf(config.Gates{})
	for i := 0; i < gatesType.NumField(); i++ {
		name, _, _ := strings.Cut(gatesType.Field(i).Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	assert.NotEmpty(t, keys)

	for _, step := range steps.All() {
		for _, gate := range step.Spec().Gates {
			assert.True(t, keys[gate], "step %s names gate %q, which hmsci.yaml does not define", step.Spec().Name, gate)
		}
	}
}
