package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContainerBuildArgs(t *testing.T) {
	data := "version: 1\ncontainer:\n  build-args:\n    NODE_BUILD_IMAGE: registry.hospital.example/mirror/docker.io/library/node:20\n    NODE_ENV: production\n"
	c, err := Parse("hmsci.yaml", []byte(data))
	require.NoError(t, err)
	assert.Equal(t, map[string]string{
		"NODE_BUILD_IMAGE": "registry.hospital.example/mirror/docker.io/library/node:20",
		"NODE_ENV":         "production",
	}, c.Container.BuildArgs)
}

func TestContainerBuildArgsInvalidName(t *testing.T) {
	_, err := Parse("hmsci.yaml", []byte("version: 1\ncontainer:\n  build-args:\n    1BAD: x\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid build-args name "1BAD"`)
	assert.Contains(t, err.Error(), "hmsci.yaml:")
}

func TestDatabaseStepRepository(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{name: "oci repository", yaml: "steps:\n  trivy-image:\n    db-repository: registry.hospital.example/trivy-db:2\n"},
		{name: "url", yaml: "steps:\n  osv-scanner:\n    db-repository: https://mirror.hospital.example/osv\n"},
		{name: "spaces", yaml: "steps:\n  trivy-fs:\n    db-repository: 'registry example/db'\n", wantErr: `invalid db-repository "registry example/db"`},
		{name: "userinfo masked", yaml: "steps:\n  govulncheck:\n    db-repository: https://bot:s3cretpass@vuln.hospital.example\n",
			wantErr: `invalid db-repository "https://bot:xxxxx@vuln.hospital.example"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hmsci.yaml", []byte("version: 1\n"+tt.yaml))
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.NotContains(t, err.Error(), "s3cretpass")
		})
	}
}
