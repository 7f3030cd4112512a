package steps

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dagger.io/dagger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/internal/daggertest"
)

// nodeProject is a detected Node project with a lockfile and Terraform.
func nodeProject() Detection {
	return Detection{Node: true, PackageManager: "npm", Lockfile: "package-lock.json", TerraformDirs: []string{"infra"},
		Dockerfiles: []string{"Dockerfile"}}
}

func TestAirGapDatabaseSources(t *testing.T) {
	const mirror = "registry.hospital.example/mirror"
	tests := []struct {
		name string
		opts Options
		// skipped maps a step to the start of its skip reason; a step not
		// listed runs.
		skipped map[string]string
		// args maps a step to argv elements its command must contain in
		// this order.
		args map[string][]string
		// absent maps a step to argv elements its command must not contain.
		absent map[string][]string
	}{
		{
			name: "downloads off, nothing configured",
			opts: Options{},
			skipped: map[string]string{
				"trivy-fs":    "runtime downloads are off and no Trivy vulnerability database mirror",
				"trivy-image": "runtime downloads are off and no Trivy vulnerability database mirror",
				"osv-scanner": "runtime downloads are off and no OSV database copy",
			},
			args:   map[string][]string{"trivy-config": {"--skip-check-update", "."}},
			absent: map[string][]string{"trivy-config": {"--checks-bundle-repository"}},
		},
		{
			name: "downloads off, images mirror",
			opts: Options{Mirror: mirror},
			skipped: map[string]string{
				"osv-scanner": "runtime downloads are off and no OSV database copy",
			},
			args: map[string][]string{
				"trivy-fs": {"--db-repository", mirror + "/ghcr.io/aquasecurity/trivy-db:2",
					"--java-db-repository", mirror + "/ghcr.io/aquasecurity/trivy-java-db:1",
					"--checks-bundle-repository", mirror + "/ghcr.io/aquasecurity/trivy-checks:1"},
				"trivy-image":  {"--db-repository", mirror + "/ghcr.io/aquasecurity/trivy-db:2"},
				"trivy-config": {"--checks-bundle-repository", mirror + "/ghcr.io/aquasecurity/trivy-checks:1"},
			},
		},
		{
			name: "downloads off, one repository per step",
			opts: Options{
				TrivyDBRepository:      "registry.hospital.example/fs/trivy-db:2",
				TrivyImageDBRepository: "registry.hospital.example/image/trivy-db:2",
				TrivyChecksRepository:  "registry.hospital.example/config/trivy-checks:1",
				OSVDatabaseURL:         "https://mirror.hospital.example/osv",
			},
			args: map[string][]string{
				"trivy-fs":     {"--db-repository", "registry.hospital.example/fs/trivy-db:2", "--skip-java-db-update", "--checks-bundle-repository", "registry.hospital.example/config/trivy-checks:1"},
				"trivy-image":  {"--db-repository", "registry.hospital.example/image/trivy-db:2", "--skip-java-db-update"},
				"trivy-config": {"--checks-bundle-repository", "registry.hospital.example/config/trivy-checks:1"},
				"osv-scanner":  {"--offline-vulnerabilities", "."},
			},
			absent: map[string][]string{"osv-scanner": {"--download-offline-databases"}},
		},
		{
			name:    "trivy-image falls back to the trivy-fs repository",
			opts:    Options{TrivyDBRepository: "registry.hospital.example/fs/trivy-db:2"},
			skipped: map[string]string{"osv-scanner": "runtime downloads are off and no OSV database copy"},
			args:    map[string][]string{"trivy-image": {"--db-repository", "registry.hospital.example/fs/trivy-db:2"}},
		},
		{
			name: "downloads on",
			opts: Options{AllowRuntimeDownloads: true},
			args: map[string][]string{
				"trivy-fs":     {"--db-repository", DefaultTrivyDBRepository, "--java-db-repository", DefaultTrivyJavaDBRepository},
				"trivy-config": {"--checks-bundle-repository", DefaultTrivyChecksRepository},
			},
			absent: map[string][]string{"osv-scanner": {"--offline-vulnerabilities"}},
		},
	}
	d := nodeProject()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, step := range []Step{TrivyFS, TrivyImage, TrivyConfig, OSVScanner} {
				spec := step.Spec()
				skip, reason := spec.ShouldSkip(d, tt.opts.withDefaults())
				if want, ok := tt.skipped[spec.Name]; ok {
					assert.True(t, skip, "%s should be skipped", spec.Name)
					assert.True(t, strings.HasPrefix(reason, want), "%s reason %q", spec.Name, reason)
					continue
				}
				assert.False(t, skip, "%s should run, skipped: %s", spec.Name, reason)
				argv := spec.CommandWith(d, tt.opts)
				if want := tt.args[spec.Name]; len(want) > 0 {
					assert.Contains(t, strings.Join(argv, " "), strings.Join(want, " "), spec.Name)
				}
				for _, flag := range tt.absent[spec.Name] {
					assert.NotContains(t, argv, flag, spec.Name)
				}
			}
		})
	}
}

func TestGovulncheckAirGap(t *testing.T) {
	d := Detection{Go: true, GoModules: []string{"."}, GoTools: []string{govulncheckPath}}

	skip, reason := Govulncheck.Spec().ShouldSkip(d, Options{})
	assert.True(t, skip)
	assert.Contains(t, reason, "no Go vulnerability database copy is configured")

	o := Options{GoVulnDB: "https://vuln.hospital.example"}
	skip, _ = Govulncheck.Spec().ShouldSkip(d, o)
	assert.False(t, skip)
	assert.Equal(t, []string{"go", "tool", "govulncheck", "-db", "https://vuln.hospital.example", "-format", "sarif", "./..."},
		Govulncheck.Spec().CommandWith(d, o))
}

func TestValidateOSVDatabaseURL(t *testing.T) {
	require.NoError(t, Options{OSVDatabaseURL: "https://mirror.hospital.example/osv"}.Validate())
	err := Options{OSVDatabaseURL: "mirror.hospital.example/osv"}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), `OSV database URL "mirror.hospital.example/osv" is not an http(s) URL`)
}

// shellForm is how a step that runs its command through sh writes argv.
func shellForm(args []string) string { return shellJoin(args) }

func TestCommandWithMatchesBuilder(t *testing.T) {
	ctx := context.Background()
	// Options that differ from every default, so a plan that showed the
	// defaults would fail.
	configure := func(client *dagger.Client) Options {
		o := fullOptions(client)
		o.Workers = 2
		o.VUs = 50
		o.Duration = 30_000_000_000
		o.Browsers = []string{"chromium"}
		o.CriticalPaths = []string{"src/phi/**", "src/auth/**", "src/audit/**", "src/fhir/**"}
		o.TargetURL = "http://staging.hospital.example:8080"
		o.KubernetesVersion = "1.30.4"
		o.TrivySeverities = "HIGH,CRITICAL"
		return o
	}
	for _, step := range All() {
		spec := step.Spec()
		if spec.CommandFor == nil || spec.Native {
			continue
		}
		t.Run(spec.Name, func(t *testing.T) {
			rec := daggertest.New()
			client, err := dagger.Connect(ctx, dagger.WithConn(rec))
			require.NoError(t, err)
			defer client.Close()

			d := fullDetection(t)
			o := configure(client)
			env := NewEnv(client, client.Directory(), d, o)
			out, err := step.Run(ctx, env)
			require.NoError(t, err)
			id, err := out.Reports.ID(ctx)
			require.NoError(t, err)
			text := rec.Expand(string(id))
			if out.Container != nil {
				ctrID, err := out.Container.ID(ctx)
				require.NoError(t, err)
				text += "\n" + rec.Expand(string(ctrID))
			}

			argv := spec.CommandWith(d, o)
			require.NotEmpty(t, argv)
			switch spec.Name {
			case "image-build":
				assert.Contains(t, text, `dockerfile:"Dockerfile"`)
				assert.Contains(t, argv, "--build-arg")
				assert.Contains(t, argv, "NODE_ENV=production")
			case "axe":
				// The shell finds Chromium at run time, so only the part
				// before --chrome-path is literal.
				assert.Contains(t, text, argv[0]+" "+shellQuote(argv[1]))
			case "publish":
				assert.Contains(t, text, "crane push "+argv[2]+" "+shellQuote(argv[3]))
			default:
				if !strings.Contains(text, q(argv...)) {
					assert.Contains(t, text, shellForm(argv), "the plan's argv differs from the builder's")
				}
			}
		})
	}
}

func TestCommandWithShowsOptions(t *testing.T) {
	d := Detection{Node: true, K6Scripts: []string{"load/k6.js"}}
	o := Options{Workers: 2, VUs: 50, Duration: 30_000_000_000, Browsers: []string{"chromium"},
		CriticalPaths: []string{"src/phi/**", "src/auth/**", "src/audit/**", "src/fhir/**"}}
	tests := []struct {
		step Step
		want string
	}{
		{Jest, "--maxWorkers=2"},
		{Playwright, "test --reporter=junit --project=chromium"},
		{K6, "k6 run --vus 50 --duration 30s --summary-export /hmsci/reports/k6-summary.json --env BASE_URL=http://app:3000 load/k6.js"},
		{Stryker, "--mutate src/phi/**,src/auth/**,src/audit/**,src/fhir/** --reporters json,clear-text --concurrency 2"},
	}
	for _, tt := range tests {
		got := strings.Join(tt.step.Spec().CommandWith(d, o), " ")
		assert.Contains(t, got, tt.want, tt.step.Spec().Name)
	}
	assert.NotContains(t, strings.Join(Playwright.Spec().CommandWith(d, o), " "), "firefox")
}

func TestDockerfileBaseImages(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		buildArgs map[string]string
		want      []BaseImage
		wantErr   string
	}{
		{
			name: "arg defaults and stages",
			file: "# syntax=docker/dockerfile:1\n# comment\nARG NODE_BUILD_IMAGE=node:20.19.5-bookworm-slim\nARG NODE_RUNTIME_IMAGE=gcr.io/distroless/nodejs20-debian12:nonroot\n\n" +
				"FROM ${NODE_BUILD_IMAGE} AS build\nRUN npm ci\nFROM $NODE_RUNTIME_IMAGE AS runtime\nCOPY --from=build /app /app\n",
			want: []BaseImage{
				{Ref: "docker/dockerfile:1", Line: 1, Instruction: "# syntax", Written: "docker/dockerfile:1"},
				{Ref: "node:20.19.5-bookworm-slim", Line: 6, Instruction: "FROM", Stage: "build", Written: "${NODE_BUILD_IMAGE}"},
				{Ref: "gcr.io/distroless/nodejs20-debian12:nonroot", Line: 8, Instruction: "FROM", Stage: "runtime", Written: "$NODE_RUNTIME_IMAGE"},
			},
		},
		{
			name:      "build args point at the mirror",
			file:      "ARG NODE_BUILD_IMAGE=node:20\nFROM --platform=$BUILDPLATFORM ${NODE_BUILD_IMAGE} as build\nFROM build\n",
			buildArgs: map[string]string{"NODE_BUILD_IMAGE": "registry.hospital.example/mirror/docker.io/library/node:20", "UNUSED": "x"},
			want: []BaseImage{
				{Ref: "registry.hospital.example/mirror/docker.io/library/node:20", Line: 2, Instruction: "FROM", Stage: "build", Written: "${NODE_BUILD_IMAGE}"},
			},
		},
		{
			name: "scratch, default modifier, continuation and copy from an image",
			file: "ARG TAG\nFROM alpine:${TAG:-3.20} \\\n  AS base\nFROM scratch\nCOPY --from=busybox:1.37.0 /bin/sh /sh\nCOPY --from=0 /x /y\nCOPY --from=base /a /b\n",
			want: []BaseImage{
				{Ref: "alpine:3.20", Line: 2, Instruction: "FROM", Stage: "base", Written: "alpine:${TAG:-3.20}"},
				{Ref: "busybox:1.37.0", Line: 5, Instruction: "COPY --from", Written: "busybox:1.37.0"},
			},
		},
		{
			name:    "stage-scoped arg does not reach FROM",
			file:    "FROM node:20 AS a\nARG IMG=evil:1\nFROM ${IMG}\n",
			wantErr: "Dockerfile:3: FROM ${IMG}: build argument IMG is not declared by an ARG before the first FROM",
		},
		{
			name:    "declared without value",
			file:    "ARG BASE\nFROM ${BASE}\n",
			wantErr: "Dockerfile:2: FROM ${BASE} is empty: give the argument a default or set it in container.build-args",
		},
		{
			name:    "from without image",
			file:    "FROM --platform=linux/amd64\n",
			wantErr: "Dockerfile:1: FROM without an image",
		},
		{
			name: "escape directive",
			file: "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n  AS win\n",
			want: []BaseImage{{Ref: "mcr.microsoft.com/windows/servercore:ltsc2022", Line: 2, Instruction: "FROM", Stage: "win",
				Written: "mcr.microsoft.com/windows/servercore:ltsc2022"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DockerfileBaseImages("Dockerfile", []byte(tt.file), tt.buildArgs)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantErr, err.Error())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestExampleDockerfileBaseImages(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "examples", "hms-app", "Dockerfile"))
	require.NoError(t, err)
	images, err := DockerfileBaseImages("Dockerfile", data, nil)
	require.NoError(t, err)
	var refs []string
	for _, img := range images {
		refs = append(refs, img.Ref)
	}
	assert.Equal(t, []string{"docker/dockerfile:1", "node:20.19.5-bookworm-slim", "gcr.io/distroless/nodejs20-debian12:nonroot"}, refs)
}

func TestPullsListServicesAndBaseImages(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "Dockerfile"), []byte("ARG BASE=node:20\nFROM ${BASE}\n"), 0o644))
	d := Detection{Root: root, Node: true, Lockfile: "package-lock.json", Dockerfiles: []string{"Dockerfile"},
		NewmanCollections: []string{"postman/api.postman_collection.json"},
		Scripts:           map[string]string{"migrate:up": "x", "migrate:down": "y"}}
	o := Options{Mirror: "registry.hospital.example/mirror", BuildArgs: map[string]string{"BASE": "registry.hospital.example/mirror/docker.io/library/node:20"}}

	byPurpose := map[string]Pull{}
	for _, p := range Newman.Spec().PullsWith(d, o) {
		require.Empty(t, p.Problem)
		byPurpose[p.Purpose] = p
	}
	assert.Equal(t, "registry.hospital.example/mirror/docker.io/library/postgres:17.2-alpine", byPurpose["postgres service"].Ref)
	assert.Equal(t, "registry.hospital.example/mirror/docker.io/library/redis:7.4.1-alpine", byPurpose["redis service"].Ref)
	assert.False(t, byPurpose["postgres service"].Pinned())
	base := byPurpose["Dockerfile line 2: FROM"]
	assert.Equal(t, "registry.hospital.example/mirror/docker.io/library/node:20", base.Ref)
	assert.True(t, base.Unmirrored)
	assert.Contains(t, byPurpose["database migrations"].Ref, "node:22.12.0-bookworm@sha256:")
	assert.True(t, byPurpose["database migrations"].Pinned())

	pulls := Sign.Spec().PullsWith(d, o)
	var refs []string
	for _, p := range pulls {
		refs = append(refs, p.Ref)
	}
	assert.Contains(t, refs, "registry.hospital.example/mirror/gcr.io/go-containerregistry/crane:v0.20.2")
	assert.Contains(t, refs, "registry.hospital.example/mirror/docker.io/library/busybox:1.37.0")

	missing := Detection{Root: root, Dockerfiles: []string{"missing/Dockerfile"}}
	problems := ImageBuild.Spec().PullsWith(missing, Options{})
	require.Len(t, problems, 1)
	assert.Contains(t, problems[0].Problem, "read missing/Dockerfile")

	withTarget := Options{TargetURL: "https://staging.hospital.example"}
	assert.Empty(t, K6.Spec().PullsWith(d, withTarget), "with a target URL no app service starts")
	var newmanRefs []string
	for _, p := range Newman.Spec().PullsWith(d, withTarget) {
		newmanRefs = append(newmanRefs, p.Ref)
	}
	assert.Contains(t, newmanRefs, "docker.io/library/postgres:17.2-alpine", "migrations still bind the database")
}
