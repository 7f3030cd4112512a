package steps

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeRef(t *testing.T) {
	tests := []struct{ in, want string }{
		{"node:22", "docker.io/library/node:22"},
		{"bitnami/redis:7", "docker.io/bitnami/redis:7"},
		{"docker.io/library/node:22", "docker.io/library/node:22"},
		{"docker.io/node:22", "docker.io/library/node:22"},
		{"index.docker.io/grafana/k6:0.57.0", "docker.io/grafana/k6:0.57.0"},
		{"ghcr.io/gitleaks/gitleaks:v8.30.1", "ghcr.io/gitleaks/gitleaks:v8.30.1"},
		{"quay.io/prometheus/busybox:latest", "quay.io/prometheus/busybox:latest"},
		{"cgr.dev/chainguard/node:latest", "cgr.dev/chainguard/node:latest"},
		{"localhost:5000/app:dev", "localhost:5000/app:dev"},
		{"localhost/app:dev", "localhost/app:dev"},
		{"alpine@sha256:abc", "docker.io/library/alpine@sha256:abc"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, NormalizeRef(tt.in))
		})
	}
}

func TestMirrorRef(t *testing.T) {
	mirror := "registry.hospital.example/mirror/"
	tests := []struct{ in, want string }{
		{"docker.io/library/node:22", "registry.hospital.example/mirror/docker.io/library/node:22"},
		{"node:22", "registry.hospital.example/mirror/docker.io/library/node:22"},
		{"ghcr.io/gitleaks/gitleaks:v8.30.1", "registry.hospital.example/mirror/ghcr.io/gitleaks/gitleaks:v8.30.1"},
		{"quay.io/x/y:1", "registry.hospital.example/mirror/quay.io/x/y:1"},
		{"cgr.dev/chainguard/node:latest", "registry.hospital.example/mirror/cgr.dev/chainguard/node:latest"},
		{"mcr.microsoft.com/playwright:v1.49.1-noble", "registry.hospital.example/mirror/mcr.microsoft.com/playwright:v1.49.1-noble"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, MirrorRef(mirror, tt.in))
			assert.Equal(t, tt.want, MirrorRef(strings.TrimSuffix(mirror, "/"), tt.in), "mirror without trailing slash")
		})
	}
	assert.Equal(t, "docker.io/library/node:22", MirrorRef("", "node:22"))
}

func TestImagesResolve(t *testing.T) {
	im := NewImages(Options{
		Mirror:         "registry.hospital.example/mirror",
		ImageOverrides: map[string]string{ImageTrivy: "registry.hospital.example/sec/trivy:0.60.0", "gitleaks": " internal/gitleaks:v9 "},
	})

	ref, err := im.Resolve(ImageNode)
	require.NoError(t, err)
	assert.Equal(t, "registry.hospital.example/mirror/"+DefaultImages[ImageNode].Ref(), ref)

	ref, err = im.Resolve(ImageTrivy)
	require.NoError(t, err)
	assert.Equal(t, "registry.hospital.example/sec/trivy:0.60.0", ref, "an override is used as given, without the mirror")

	ref, err = im.ResolveStep(Gitleaks.Spec())
	require.NoError(t, err)
	assert.Equal(t, "internal/gitleaks:v9", ref, "a step-name override wins")

	_, err = im.Resolve("no-such-image")
	require.ErrorContains(t, err, `unknown image key "no-such-image"`)
}

func TestImageRefDigest(t *testing.T) {
	img := Image{Repository: "docker.io/library/node", Tag: "22", Digest: "sha256:0123"}
	assert.Equal(t, "docker.io/library/node:22@sha256:0123", img.Ref())
	img.Digest = ""
	assert.Equal(t, "docker.io/library/node:22", img.Ref())
}

func TestDefaultImagesQualified(t *testing.T) {
	for key, img := range DefaultImages {
		assert.Equal(t, img.Repository, NormalizeRef(img.Repository), "image %s must be fully qualified", key)
		assert.NotEmpty(t, img.Tag, key)
		assert.NotEqual(t, "latest", img.Tag, key)
		if img.Digest != "" {
			assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, img.Digest, key)
		}
	}
}

func TestResolveForPlaywrightVersion(t *testing.T) {
	d := Detection{PlaywrightVersion: "1.64.1"}

	ref, err := NewImages(Options{}).ResolveFor(Playwright.Spec(), d)
	require.NoError(t, err)
	assert.Equal(t, "mcr.microsoft.com/playwright:v1.64.1-noble", ref)

	ref, err = NewImages(Options{Mirror: "mirror.example/m"}).ResolveFor(Axe.Spec(), d)
	require.NoError(t, err)
	assert.Equal(t, "mirror.example/m/mcr.microsoft.com/playwright:v1.64.1-noble", ref)

	ref, err = NewImages(Options{ImageOverrides: map[string]string{"playwright": "internal/pw:1"}}).ResolveFor(Lighthouse.Spec(), d)
	require.NoError(t, err)
	assert.Equal(t, "internal/pw:1", ref)

	ref, err = NewImages(Options{}).ResolveFor(Gitleaks.Spec(), d)
	require.NoError(t, err)
	assert.Equal(t, DefaultImages[ImageGitleaks].Ref(), ref, "other steps ignore the Playwright version")
}
