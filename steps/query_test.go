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

// Plaintexts of the test secrets; none may appear outside setSecret.
var testSecrets = map[string]string{
	"sonar-token":       "sonar-plaintext-7f3a",
	"snyk-token":        "snyk-plaintext-91bc",
	"registry-password": "registry-plaintext-55de",
	"cosign-key":        "cosign-key-plaintext-0a1b",
	"cosign-password":   "cosign-password-plaintext-3c4d",
	"aws-secret":        "aws-plaintext-e5f6",
	"npm-build-token":   "npm-build-plaintext-a7b8",
}

// fullDetection describes a project that every step applies to.
func fullDetection(t *testing.T) Detection {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "tsconfig.json"),
		[]byte(`{"compilerOptions": {"strict": true}}`), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(root, "policy"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "policy", "owner-label.yaml"), []byte(gatekeeperSample), 0o644))
	deps := map[string]string{}
	for _, dep := range []string{"typescript", "type-coverage", "eslint", "@microsoft/eslint-formatter-sarif",
		"prettier", "jest", "jest-junit", "vitest", "@vitest/coverage-v8", "@stryker-mutator/core",
		"@playwright/test", "@axe-core/cli", "chromedriver", "lighthouse"} {
		deps[dep] = "^1.0.0"
	}
	return Detection{
		Root: root, Node: true, TypeScript: true, TSConfig: "tsconfig.json",
		PackageManager: "npm", Lockfile: "package-lock.json",
		Scripts:      map[string]string{"migrate:up": "node migrate up", "migrate:down": "node migrate down"},
		Dependencies: deps, TestFramework: "jest",
		Playwright: true, PlaywrightVersion: "1.50.1",
		Go: true, GoModules: []string{"."},
		GoTools:           []string{goJUnitReportPath + "/cmd/go-junit-report", govulncheckPath},
		K6Scripts:         []string{"load/smoke.js"},
		NewmanCollections: []string{"api/hms.postman_collection.json"},
		SemgrepConfig:     ".semgrep.yml",
		Dockerfiles:       []string{"Dockerfile"},
		KubernetesDirs:    []string{"deploy/k8s"},
		HelmCharts:        []string{"deploy/chart"},
		Kustomizations:    []string{"deploy/overlays/prod"},
		TerraformDirs:     []string{"infra"},
		PolicyDir:         "policy",
	}
}

// fullOptions enables every optional step, with secrets from the client.
func fullOptions(client *dagger.Client) Options {
	secret := func(name string) *dagger.Secret { return client.SetSecret(name, testSecrets[name]) }
	return Options{
		CriticalPaths:          []string{"src/phi/**/*.ts", "src/auth/**/*.ts"},
		SonarURL:               "https://sonar.hospital.example",
		SonarToken:             secret("sonar-token"),
		SonarProjectKey:        "hms-app",
		SnykToken:              secret("snyk-token"),
		OSVDatabaseURL:         "https://mirror.hospital.example/osv/",
		TrivyDBRepository:      "registry.hospital.example/trivy/trivy-db:2",
		TrivyImageDBRepository: "registry.hospital.example/trivy-image/trivy-db:2",
		TrivyChecksRepository:  "registry.hospital.example/trivy/trivy-checks:1",
		Publish:                true,
		ImageRepository:        "registry.hospital.example/hms/app",
		Tier:                   "staging",
		Version:                "1.4.2",
		RegistryUsername:       "ci-bot",
		RegistryPassword:       secret("registry-password"),
		CosignKey:              secret("cosign-key"),
		CosignPassword:         secret("cosign-password"),
		CosignPublicKey:        client.Directory().WithNewFile("cosign.pub", "PUBLIC KEY").File("cosign.pub"),
		KubeSchemas:            client.Directory().WithNewDirectory("schemas-v1.31.0"),
		TerraformDrift:         true,
		TerraformEnv:           map[string]*dagger.Secret{"AWS_SECRET_ACCESS_KEY": secret("aws-secret")},
		BuildArgs:              map[string]string{"NODE_ENV": "production"},
		BuildSecrets:           []*dagger.Secret{secret("npm-build-token")},
		VUs:                    250,
		GoVulnDBDir:            client.Directory().WithNewDirectory("vulndb/index"),
	}
}

// q quotes argv elements the way the SDK writes a GraphQL string list.
func q(args ...string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = `"` + a + `"`
	}
	return strings.Join(quoted, ",")
}

type queryCase struct {
	want   []string
	caches []string
	// secretVars are environment variables that must be set from secrets.
	secretVars []string
}

var queryCases = map[string]queryCase{
	"tsc": {want: []string{q("node_modules/.bin/tsc", "--noEmit", "--pretty", "false", "-p", "tsconfig.json"),
		`redirectStdout:"/hmsci/reports/tsc.txt"`, q("npm", "ci")}, caches: []string{CacheNPM}},
	"tsconfig-strict": {want: []string{`withNewFile(`, `tsconfig-strict.json`, `\"missing\": []`}},
	"type-coverage": {want: []string{q("node_modules/.bin/type-coverage", "--detail", "--strict", "--json-output", "-p", "tsconfig.json"),
		`redirectStdout:"/hmsci/reports/type-coverage.json"`}, caches: []string{CacheNPM}},
	"eslint": {want: []string{q("node_modules/.bin/eslint", "--format", "@microsoft/eslint-formatter-sarif",
		"--output-file", "/hmsci/reports/eslint.sarif", ".")}, caches: []string{CacheNPM}},
	"prettier": {want: []string{q("node_modules/.bin/prettier", "--list-different", "."),
		`redirectStdout:"/hmsci/reports/prettier.txt"`}, caches: []string{CacheNPM}},
	"golangci-lint": {want: []string{q("golangci-lint", "run", "--output.sarif.path=/hmsci/reports/golangci-lint.sarif"),
		`name:"GOLANGCI_LINT_CACHE"`}, caches: []string{CacheGoMod, CacheGoBuild, CacheGolangciLint}},
	"sonarqube": {want: []string{`"sonar-scanner"`, `"-Dsonar.projectKey=hms-app"`, `"-Dsonar.qualitygate.wait=true"`,
		`api/qualitygates/project_status`, `value:"https://sonar.hospital.example"`, `docker.io/curlimages/curl:8.11.1`},
		caches: []string{CacheSonar}, secretVars: []string{"SONAR_TOKEN"}},
	"jest": {want: []string{q("node_modules/.bin/jest", "--ci", "--coverage", "--coverageReporters=lcov", "--coverageReporters=cobertura",
		"--coverageDirectory=/hmsci/reports/coverage", "--maxWorkers=4"), `value:"jest.junit.xml"`,
		`"coverage/lcov.info"`, `"coverage/cobertura-coverage.xml"`}, caches: []string{CacheNPM}},
	"vitest": {want: []string{q("node_modules/.bin/vitest", "run"), `"--outputFile.junit=/hmsci/reports/vitest.junit.xml"`,
		`"--maxWorkers=4"`}, caches: []string{CacheNPM}},
	"go-test": {want: []string{`go test -json -covermode=atomic -coverprofile=/hmsci/reports/coverage.out ./...`,
		`go tool go-junit-report -parser gojson`, `"go-test.junit.xml"`}, caches: []string{CacheGoMod, CacheGoBuild}},
	"stryker": {want: []string{`'node_modules/.bin/stryker' 'run' '--mutate' 'src/phi/**/*.ts,src/auth/**/*.ts'`,
		`reports/mutation/mutation.json`, `'--concurrency' '4'`}, caches: []string{CacheNPM}},
	"newman": {want: []string{`'newman' 'run' 'api/hms.postman_collection.json' '--env-var' 'baseUrl=http://app:3000'`,
		`'--reporter-junit-export' '/hmsci/reports/newman-hms.junit.xml'`,
		`'npm' 'run' 'migrate:up'`, `'npm' 'run' 'migrate:down'`, `echo up-again $?`,
		`withServiceBinding(`, `alias:"postgres"`, `alias:"redis"`, `alias:"app"`,
		`docker.io/library/postgres:17.2-alpine`, `docker.io/library/redis:7.4.1-alpine`,
		`value:"trust"`, `dockerBuild(`}, caches: []string{CacheNPM}},
	"playwright": {want: []string{`mcr.microsoft.com/playwright:v1.50.1-noble`,
		q("node_modules/.bin/playwright", "test", "--reporter=junit", "--project=chromium", "--project=firefox", "--project=webkit"),
		`value:"/hmsci/reports/playwright.junit.xml"`, `alias:"app"`, `name:"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"`}},
	"axe": {want: []string{`node_modules/.bin/axe 'http://app:3000' --save axe.json --dir '/hmsci/reports'`,
		`--chromedriver-path node_modules/.bin/chromedriver`, `alias:"app"`}},
	"lighthouse": {want: []string{`'node_modules/.bin/lighthouse' 'http://app:3000' '--output=json' '--output-path=/hmsci/reports/lighthouse.json'`,
		`CHROME_PATH=`, `alias:"app"`}},
	"k6": {want: []string{q("k6", "run", "--vus", "250", "--duration", "1m0s", "--summary-export", "/hmsci/reports/k6-summary.json",
		"--env", "BASE_URL=http://app:3000", "load/smoke.js"), `alias:"app"`, `docker.io/grafana/k6:0.57.0`}},
	"semgrep": {want: []string{q("semgrep", "scan", "--config", ".semgrep.yml", "--sarif", "--output", "/hmsci/reports/semgrep.sarif",
		"--metrics", "off")}},
	"trivy-fs": {want: []string{q("trivy", "fs", "--scanners", "vuln,misconfig,license", "--format", "sarif",
		"--output", "/hmsci/reports/trivy-fs.sarif", "--cache-dir", "/root/.cache/trivy"),
		q("--db-repository", "registry.hospital.example/trivy/trivy-db:2", "--skip-java-db-update",
			"--checks-bundle-repository", "registry.hospital.example/trivy/trivy-checks:1", ".")},
		caches: []string{CacheTrivyDB}},
	"gitleaks": {want: []string{q("gitleaks", "dir", ".", "--report-format", "sarif", "--report-path", "/hmsci/reports/gitleaks.sarif", "--redact")}},
	"osv-scanner": {want: []string{q("/osv-scanner", "scan", "source", "--recursive", "--format", "sarif",
		"--output", "/hmsci/reports/osv-scanner.sarif", "--offline-vulnerabilities", "."),
		`value:"/root/.cache/osv-db"`, `http(url:"https://mirror.hospital.example/osv/npm/all.zip")`,
		`http(url:"https://mirror.hospital.example/osv/Go/all.zip")`, `path:"osv-scanner/npm/all.zip"`}},
	"govulncheck": {want: []string{q("go", "tool", "govulncheck", "-db", "file:///hmsci/vulndb", "-format", "sarif", "./..."),
		`path:"/hmsci/vulndb"`,
		`redirectStdout:"/hmsci/reports/govulncheck.sarif"`}, caches: []string{CacheGoMod, CacheGoBuild}},
	"zap": {want: []string{q("zap-baseline.py", "-t", "http://app:3000", "-J", "zap.json", "-I"), `alias:"app"`,
		`ghcr.io/zaproxy/zaproxy:2.16.0`}},
	"license-check": {want: []string{q("/syft", "scan", "dir:/src", "-o", "cyclonedx-json=/hmsci/reports/sbom-source.cdx.json")}},
	"snyk": {want: []string{q("snyk", "test", "--all-projects", "--sarif-file-output=/hmsci/reports/snyk.sarif")},
		secretVars: []string{"SNYK_TOKEN"}},
	"image-build": {want: []string{`dockerBuild(`, `dockerfile:"Dockerfile"`, `name:"NODE_ENV"`, `<secret npm-build-token>`}},
	"image-check": {want: []string{`asTarball`, `rootfs`, `"image-check.json","image-config.json","image-manifest.json"`,
		`docker.io/library/busybox:1.37.0`}},
	"sbom": {want: []string{q("/syft", "scan", "oci-archive:/hmsci/image.tar", "-o", "cyclonedx-json=/hmsci/reports/sbom.cdx.json")}},
	"trivy-image": {want: []string{`tar -xf /hmsci/image.tar -C /tmp/oci`,
		q("trivy", "image", "--input", "/tmp/oci", "--format", "json", "--output", "/hmsci/reports/trivy-image.json"),
		q("--db-repository", "registry.hospital.example/trivy-image/trivy-db:2", "--skip-java-db-update"),
		q("trivy", "convert", "--format", "sarif", "--output", "/hmsci/reports/trivy-image.sarif")}, caches: []string{CacheTrivyDB}},
	"conftest-image": {want: []string{q("conftest", "test", "--policy", "/policies", "--all-namespaces", "--output", "json"),
		`config.rego`, `package hmsci.image`}},
	"publish": {want: []string{`tar -xf /hmsci/image.tar -C /tmp/oci`, `crane push /tmp/oci 'registry.hospital.example/hms/app:1.4.2'`,
		`crane tag 'registry.hospital.example/hms/app:1.4.2' 'staging'`, `crane auth login`,
		`file(path:"/ko-app/crane")`, `file(path:"/etc/ssl/certs/ca-certificates.crt")`},
		secretVars: []string{"REGISTRY_PASSWORD"}},
	"sign": {want: []string{`cosign sign --key env://COSIGN_KEY --tlog-upload=false`, `cosign attest --key env://COSIGN_KEY`,
		`--type cyclonedx --predicate /hmsci/sbom.cdx.json`, `from(address:"ghcr.io/sigstore/cosign/cosign:v2.4.1")`,
		`file(path:"/ko-app/cosign")`, `path:"/usr/local/bin/cosign"`, `docker.io/library/busybox:1.37.0`},
		secretVars: []string{"COSIGN_KEY", "COSIGN_PASSWORD", "REGISTRY_PASSWORD"}},
	"verify": {want: []string{`cosign verify --key /hmsci/cosign.pub --insecure-ignore-tlog=true`,
		`cosign verify-attestation --key /hmsci/cosign.pub`}, secretVars: []string{"REGISTRY_PASSWORD"}},
	"kubeconform": {want: []string{q("/kubeconform", "-strict", "-summary", "-output", "json", "-kubernetes-version", "1.31.0",
		"-schema-location", "/hmsci/schemas/"+kubeSchemaLayout, "deploy/k8s", "/hmsci/rendered"),
		`helm template 'chart' 'deploy/chart'`, `kubectl kustomize 'deploy/overlays/prod'`}},
	"conftest-k8s": {want: []string{q("conftest", "test", "--policy", "policy", "--policy", "/hmsci/gatekeeper", "--all-namespaces",
		"--output", "json", "--no-color", "deploy/k8s", "/hmsci/rendered"),
		`path:"constraint-must_have_owner.rego"`, `package hmsci.gatekeeper.must_have_owner`, `path:"template-requiredowner.rego"`}},
	"tflint": {want: []string{q("tflint", "--recursive", "--format", "sarif", "--no-color"),
		`redirectStdout:"/hmsci/reports/tflint.sarif"`}, caches: []string{CacheTFLintPlugins}},
	"trivy-config": {want: []string{q("trivy", "config", "--format", "sarif", "--output", "/hmsci/reports/trivy-config.sarif"),
		q("--checks-bundle-repository", "registry.hospital.example/trivy/trivy-checks:1", ".")},
		caches: []string{CacheTrivyDB}},
	"terraform-drift": {want: []string{`terraform -chdir='infra' plan -detailed-exitcode -input=false -no-color -lock=false`,
		`"terraform-drift.txt","terraform-plan-*.json"`}, caches: []string{CacheTerraform},
		secretVars: []string{"AWS_SECRET_ACCESS_KEY"}},
}

func TestQueryEveryStep(t *testing.T) {
	ctx := context.Background()
	for _, step := range All() {
		spec := step.Spec()
		if errorsIsNative(step) {
			continue
		}
		tc, ok := queryCases[spec.Name]
		require.True(t, ok, "no query case for step %s", spec.Name)

		t.Run(spec.Name, func(t *testing.T) {
			rec := daggertest.New()
			client, err := dagger.Connect(ctx, dagger.WithConn(rec))
			require.NoError(t, err)
			defer client.Close()

			source := client.Directory().WithNewDirectory("hmsci-test-source")
			env := NewEnv(client, source, fullDetection(t), fullOptions(client))
			out, err := step.Run(ctx, env)
			require.NoError(t, err)
			require.NotNil(t, out.Reports)

			before := len(rec.Queries())
			require.Zero(t, before, "building the output sent queries before any ID was requested")

			reportsID, err := out.Reports.ID(ctx)
			require.NoError(t, err)
			text := rec.Expand(string(reportsID))
			if out.Container != nil {
				ctrID, err := out.Container.ID(ctx)
				require.NoError(t, err)
				text += "\n" + rec.Expand(string(ctrID))
			}

			for _, want := range tc.want {
				assert.Contains(t, text, want)
			}
			for _, key := range tc.caches {
				assert.Contains(t, text, `cacheVolume(key:"`+key+`")`)
			}
			for _, name := range tc.secretVars {
				assert.Regexp(t, `withSecretVariable\((name:"`+name+`", secret:"\[<secret [a-z-]+>\]"|secret:"\[<secret [a-z-]+>\]", name:"`+name+`")\)`, text)
			}

			if !spec.Native {
				ref := imageRefFor(t, env, spec)
				if ref != "" {
					assert.Contains(t, text, `from(address:"`+ref+`")`)
				}
				if len(spec.Reports) > 0 {
					assert.Contains(t, text, `name:"NO_COLOR"`)
					assert.Contains(t, text, `include:[`+q(spec.Reports...)+`]`)
				}
				if !failsOnError[spec.Name] {
					assert.Contains(t, text, `expect:ANY`, "tool exec must survive a non-zero exit")
				}
			}

			for name, plaintext := range testSecrets {
				for _, query := range rec.QueriesContaining(plaintext) {
					assert.Contains(t, query, `setSecret(`, "secret %s leaked outside setSecret", name)
				}
				assert.NotContains(t, text, plaintext)
			}
			for _, key := range rec.CacheVolumeKeys() {
				assert.True(t, strings.HasPrefix(key, "hmsci/"), "cache volume %q is not namespaced", key)
			}
		})
	}
}

// failsOnError lists steps whose command has no findings to report, so a
// non-zero exit is an error of the step: the build, the image inspection
// and the push.
var failsOnError = map[string]bool{"image-build": true, "image-check": true, "publish": true}

func errorsIsNative(step Step) bool {
	_, native := step.(nativeStep)
	return native
}

func imageRefFor(t *testing.T, env *Env, spec Spec) string {
	switch spec.Name {
	case "image-build":
		return ""
	case "playwright", "axe", "lighthouse":
		ref, err := env.playwrightRef(spec)
		require.NoError(t, err)
		return ref
	}
	ref, err := env.Images.ResolveStep(spec)
	require.NoError(t, err)
	return ref
}

func TestQueryNativeStepsRefuse(t *testing.T) {
	ctx := context.Background()
	rec := daggertest.New()
	client, err := dagger.Connect(ctx, dagger.WithConn(rec))
	require.NoError(t, err)
	defer client.Close()
	env := NewEnv(client, client.Directory(), fullDetection(t), Options{})

	for _, step := range []Step{PHIScan, FHIRValidate, HIPAA, KubePolicy, TerraformPolicy} {
		_, err := step.Run(ctx, env)
		require.ErrorIs(t, err, ErrNative, step.Spec().Name)
	}
}

func TestQuerySkippedStepRefuses(t *testing.T) {
	ctx := context.Background()
	rec := daggertest.New()
	client, err := dagger.Connect(ctx, dagger.WithConn(rec))
	require.NoError(t, err)
	defer client.Close()
	env := NewEnv(client, client.Directory(), Detection{Root: t.TempDir()}, Options{})

	_, err = SonarQube.Run(ctx, env)
	require.ErrorIs(t, err, ErrNotApplicable)
	assert.Contains(t, err.Error(), "no SonarQube server URL configured")
	assert.Empty(t, rec.Queries())
}
