package pipelines

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/config"
)

// planFor plans the example app with its own policy, changed by edit.
func planFor(t *testing.T, edit func(*config.Config)) *Plan {
	t.Helper()
	policyFile := filepath.Join(exampleApp, config.DefaultFile)
	data, err := os.ReadFile(policyFile)
	require.NoError(t, err)
	cfg, err := config.Parse(policyFile, data)
	require.NoError(t, err)
	if edit != nil {
		edit(cfg)
	}
	plan, err := MakePlan(exampleApp, cfg, nil)
	require.NoError(t, err)
	return plan
}

func plannedStep(t *testing.T, plan *Plan, name string) PlannedStep {
	t.Helper()
	for _, ph := range plan.Phases {
		for _, s := range ph.Steps {
			if s.Name == name {
				return s
			}
		}
	}
	require.Failf(t, "step not in plan", "%s", name)
	return PlannedStep{}
}

func TestPlanShowsConfiguredCommands(t *testing.T) {
	plan := planFor(t, nil)
	tests := []struct {
		step, want, notWant string
	}{
		{"jest", "--maxWorkers=2", "--maxWorkers=4"},
		{"playwright", "--project=chromium", "--project=firefox"},
		{"k6", "k6 run --vus 50 --duration 30s", "--vus 1000"},
		{"stryker", "--mutate src/phi/**,src/auth/**,src/audit/**,src/fhir/**", "src/phi/**/*.ts"},
		{"newman", "newman run postman/hms-app.postman_collection.json", "COLLECTION"},
	}
	for _, tt := range tests {
		t.Run(tt.step, func(t *testing.T) {
			command := strings.Join(plannedStep(t, plan, tt.step).Command, " ")
			assert.Contains(t, command, tt.want)
			assert.NotContains(t, command, tt.notWant)
		})
	}
}

func TestPlanAirGapDatabases(t *testing.T) {
	plan := planFor(t, nil)
	for _, name := range []string{"trivy-fs", "osv-scanner"} {
		s := plannedStep(t, plan, name)
		assert.Equal(t, "skipped", s.Runs, name)
		assert.Contains(t, s.Reason, "runtime downloads are off", name)
	}
	trivyConfig := plannedStep(t, plan, "trivy-config")
	assert.Equal(t, "container", trivyConfig.Runs)
	assert.Contains(t, trivyConfig.Command, "--skip-check-update")

	mirrored := planFor(t, func(c *config.Config) { c.Images.Mirror = "registry.hospital.example/mirror" })
	trivyFS := plannedStep(t, mirrored, "trivy-fs")
	require.Equal(t, "container", trivyFS.Runs)
	assert.Contains(t, strings.Join(trivyFS.Command, " "),
		"--db-repository registry.hospital.example/mirror/ghcr.io/aquasecurity/trivy-db:2")
	var refs []string
	for _, img := range mirrored.Images {
		refs = append(refs, img.Ref)
	}
	assert.Contains(t, refs, "registry.hospital.example/mirror/ghcr.io/aquasecurity/trivy-db:2")
	assert.Contains(t, refs, "registry.hospital.example/mirror/ghcr.io/aquasecurity/trivy-checks:1")
	for _, img := range mirrored.Images {
		if img.Ref == "registry.hospital.example/mirror/ghcr.io/aquasecurity/trivy-db:2" {
			assert.Equal(t, "ghcr.io/aquasecurity/trivy-db:2", img.Source)
			assert.True(t, img.Artifact)
		}
	}
}

func TestStepOptionsReadEveryDatabaseKey(t *testing.T) {
	cfg, err := config.Parse("hmsci.yaml", []byte(`version: 1
steps:
  trivy-fs:
    db-repository: registry.hospital.example/fs/trivy-db:2
  trivy-image:
    db-repository: registry.hospital.example/image/trivy-db:2
  trivy-config:
    db-repository: registry.hospital.example/config/trivy-checks:1
  osv-scanner:
    db-repository: https://mirror.hospital.example/osv
  govulncheck:
    db-repository: https://vuln.hospital.example
container:
  build-args:
    NODE_BUILD_IMAGE: registry.hospital.example/mirror/docker.io/library/node:20
`))
	require.NoError(t, err)
	o, err := stepOptions(cfg, nil, func(string) string { return "" })
	require.NoError(t, err)
	assert.Equal(t, "registry.hospital.example/fs/trivy-db:2", o.TrivyDBRepository)
	assert.Equal(t, "registry.hospital.example/image/trivy-db:2", o.TrivyImageDBRepository)
	assert.Equal(t, "registry.hospital.example/config/trivy-checks:1", o.TrivyChecksRepository)
	assert.Equal(t, "https://mirror.hospital.example/osv", o.OSVDatabaseURL)
	assert.Equal(t, "https://vuln.hospital.example", o.GoVulnDB)
	assert.Equal(t, map[string]string{"NODE_BUILD_IMAGE": "registry.hospital.example/mirror/docker.io/library/node:20"}, o.BuildArgs)
}

func TestPlanListsEveryImage(t *testing.T) {
	plan := planFor(t, func(c *config.Config) {
		c.Images.Mirror = "registry.hospital.example/mirror"
		c.Container.BuildArgs = map[string]string{
			"NODE_BUILD_IMAGE": "registry.hospital.example/mirror/docker.io/library/node:20.19.5-bookworm-slim",
		}
	})
	byRef := map[string]PlannedImage{}
	for _, img := range plan.Images {
		byRef[img.Ref] = img
	}
	mirror := "registry.hospital.example/mirror/"
	for _, ref := range []string{
		mirror + "docker.io/library/postgres:17.2-alpine",
		mirror + "docker.io/library/redis:7.4.1-alpine",
		mirror + "docker.io/postman/newman:6.2.1-alpine",
		mirror + "docker.io/library/busybox:1.37.0",
		mirror + "docker.io/library/node:20.19.5-bookworm-slim",
		"gcr.io/distroless/nodejs20-debian12:nonroot",
	} {
		img, ok := byRef[ref]
		if assert.True(t, ok, "plan does not list %s", ref) {
			assert.False(t, img.Pinned, "%s has no digest", ref)
		}
	}
	assert.True(t, byRef["gcr.io/distroless/nodejs20-debian12:nonroot"].BypassesMirror,
		"a base image that no build argument moved is outside the mirror")
	assert.Equal(t, "set container.build-args", byRef["gcr.io/distroless/nodejs20-debian12:nonroot"].MirrorHint)
	assert.False(t, byRef[mirror+"docker.io/library/node:20.19.5-bookworm-slim"].BypassesMirror,
		"a base image that a build argument moved under the mirror")
	syntax := byRef["docker.io/docker/dockerfile:1"]
	assert.True(t, syntax.BypassesMirror)
	assert.Contains(t, syntax.MirrorHint, "# syntax line")
	assert.False(t, byRef[mirror+"docker.io/library/postgres:17.2-alpine"].BypassesMirror)
	node := byRef[mirror+"docker.io/library/node:22.12.0-bookworm@sha256:0e910f435308c36ea60b4cfd7b80208044d77a074d16b768a81901ce938a62dc"]
	assert.True(t, node.Pinned)

	assert.Equal(t, "docker.io/library/postgres:17.2-alpine", byRef[mirror+"docker.io/library/postgres:17.2-alpine"].Source)
	assert.Equal(t, "gcr.io/distroless/nodejs20-debian12:nonroot", byRef["gcr.io/distroless/nodejs20-debian12:nonroot"].Source)
	assert.Equal(t, "docker.io/library/node:20.19.5-bookworm-slim", byRef[mirror+"docker.io/library/node:20.19.5-bookworm-slim"].Source,
		"a build argument under the mirror names its origin after the prefix")
	assert.Equal(t, "docker.io/postman/newman:6.2.1-alpine", byRef[mirror+"docker.io/postman/newman:6.2.1-alpine"].Source)

	var text bytes.Buffer
	require.NoError(t, plan.WriteText(&text))
	assert.Contains(t, text.String(), mirror+"docker.io/library/postgres:17.2-alpine  [UNPINNED: no digest]")
	assert.Contains(t, text.String(), "copy from: docker.io/library/postgres:17.2-alpine")
	assert.Contains(t, text.String(), "postgres service: newman")
	assert.Contains(t, text.String(), "not under images.mirror: set container.build-args")

	data, err := json.Marshal(plan)
	require.NoError(t, err)
	var decoded struct {
		Images []struct {
			Ref    string `json:"ref"`
			Source string `json:"source"`
			Pinned bool   `json:"pinned"`
			UsedBy []struct {
				Purpose string   `json:"purpose"`
				Steps   []string `json:"steps"`
			} `json:"usedBy"`
		} `json:"images"`
	}
	require.NoError(t, json.Unmarshal(data, &decoded))
	require.NotEmpty(t, decoded.Images)
	for _, img := range decoded.Images {
		assert.NotEmpty(t, img.Ref)
		assert.NotEmpty(t, img.Source, img.Ref)
		assert.NotEmpty(t, img.UsedBy, img.Ref)
	}
}

func TestPlanGateThresholds(t *testing.T) {
	plan := planFor(t, nil)
	thresholds := map[string]string{}
	for _, g := range plan.Gates {
		thresholds[g.Name] = g.Threshold
	}
	assert.Equal(t, "<= 0 failing", thresholds["unit-tests"])
	assert.Equal(t, ">= 85 %", thresholds["coverage-line"])
	assert.Equal(t, "required", thresholds["migrations"])
	assert.NotContains(t, thresholds["lighthouse-performance"], "%", "a Lighthouse score is not a percentage")

	var text bytes.Buffer
	require.NoError(t, plan.WriteText(&text))
	_, gates, found := strings.Cut(text.String(), "\ngates:\n")
	require.True(t, found)
	column := -1
	for _, line := range strings.Split(strings.TrimRight(gates, "\n"), "\n") {
		if strings.HasPrefix(line, "problem:") || line == "" {
			break
		}
		at := strings.Index(line, "blocking")
		if at < 0 {
			at = strings.Index(line, "advisory")
		}
		require.GreaterOrEqual(t, at, 0, line)
		if column < 0 {
			column = at
		}
		assert.Equal(t, column, at, "mode column misaligned in %q", line)
	}
}

func TestPlanReportsUnresolvedBaseImage(t *testing.T) {
	source := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(source, "Dockerfile"), []byte("FROM ${RUNTIME_IMAGE}\n"), 0o644))
	plan, err := MakePlan(source, config.Default(), []string{"container"})
	require.NoError(t, err)
	assert.Contains(t, plan.Problems,
		"step image-build: Dockerfile base images: Dockerfile:1: FROM ${RUNTIME_IMAGE}: build argument RUNTIME_IMAGE is not declared by an ARG before the first FROM")

	var text bytes.Buffer
	require.NoError(t, plan.WriteText(&text))
	assert.Contains(t, text.String(), "problem: step image-build: Dockerfile base images: Dockerfile:1:")
	assert.Equal(t, 1, strings.Count(text.String(), "RUNTIME_IMAGE is not declared"), "each problem is listed once")
}
