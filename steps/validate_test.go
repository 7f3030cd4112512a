package steps

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateZeroOptions(t *testing.T) {
	require.NoError(t, Options{}.Validate())
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"negative workers", Options{Workers: -1}, "workers -1 is negative"},
		{"negative vus", Options{VUs: -5}, "vus -5 is negative"},
		{"negative duration", Options{Duration: -time.Second}, "duration -1s is negative"},
		{"bad port", Options{AppPort: 70000}, "app port 70000 is not a TCP port"},
		{"comma in critical path", Options{CriticalPaths: []string{"src/{a,b}/*.ts"}}, `critical path "src/{a,b}/*.ts" contains a comma`},
		{"unknown browser", Options{Browsers: []string{"safari"}}, `browser "safari" is unknown`},
		{"sonar without token", Options{SonarURL: "https://sonar.example"}, "token secret is missing"},
		{"publish without repository", Options{Publish: true, Version: "1.0"}, "image repository is missing"},
		{"publish bad version", Options{Publish: true, ImageRepository: "r/x", Version: "a b"}, `image version tag "a b" is invalid`},
		{"publish bad tier", Options{Publish: true, ImageRepository: "r/x", Version: "1", Tier: "qa"}, `promotion tier "qa" is unknown`},
		{"username without password", Options{Publish: true, ImageRepository: "r/x", Version: "1", RegistryUsername: "ci"}, "must be set together"},
		{"blank override", Options{ImageOverrides: map[string]string{"node": " "}}, `image override "node"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.o.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestValidateReportsAllErrors(t *testing.T) {
	err := Options{Workers: -1, VUs: -1}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "workers")
	assert.Contains(t, err.Error(), "vus")
}
