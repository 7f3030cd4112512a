package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestImagesPackageMirrors(t *testing.T) {
	cfg, err := Parse("hmsci.yaml", []byte("images:\n  npm-registry: https://npm.hospital.example/\n  go-proxy: https://goproxy.hospital.example\n"))
	require.NoError(t, err)
	assert.Equal(t, URL("https://npm.hospital.example/"), cfg.Images.NPMRegistry)
	assert.Equal(t, URL("https://goproxy.hospital.example"), cfg.Images.GoProxy)
}

func TestImagesRejectCredentialsInRegistryURL(t *testing.T) {
	_, err := Parse("hmsci.yaml", []byte("images:\n  npm-registry: https://bot:s3cretvalue@npm.hospital.example/\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "npm-registry")
	assert.NotContains(t, err.Error(), "s3cretvalue")
}
