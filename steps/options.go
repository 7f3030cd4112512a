package steps

import (
	"time"

	"dagger.io/dagger"
)

// Default option values; Options.withDefaults applies them to zero fields.
const (
	DefaultWorkers           = 4
	DefaultVUs               = 1000
	DefaultDuration          = time.Minute
	DefaultAppPort           = 3000
	DefaultKubernetesVersion = "1.31.0"
	// DefaultTrivyDBRepository, DefaultTrivyJavaDBRepository and
	// DefaultTrivyChecksRepository are the public GitHub Container
	// Registry copies of Trivy's vulnerability database, Java index
	// database and misconfiguration checks bundle (schema versions of
	// trivy v0.58.1). Trivy's own defaults try mirror.gcr.io first.
	DefaultTrivyDBRepository     = "ghcr.io/aquasecurity/trivy-db:2"
	DefaultTrivyJavaDBRepository = "ghcr.io/aquasecurity/trivy-java-db:1"
	DefaultTrivyChecksRepository = "ghcr.io/aquasecurity/trivy-checks:1"
	DefaultTrivySeverities       = "UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL"
)

// DefaultBrowsers are the Playwright projects run by default.
var DefaultBrowsers = []string{"chromium", "firefox", "webkit"}

// Options configure the steps. The zero value is useful: every empty field
// takes the default named in its comment. The pipeline maps hmsci.yaml onto
// this struct.
type Options struct {
	// Workers is the test worker count for jest and vitest (default 4).
	Workers int
	// VUs is the k6 virtual user count (default 1000).
	VUs int
	// Duration is the k6 test duration (default 1m).
	Duration time.Duration
	// CriticalPaths are globs of modules that Stryker mutates, such as
	// "src/phi/**/*.ts". Stryker is skipped when empty.
	CriticalPaths []string
	// Browsers are the Playwright project names to run (default chromium,
	// firefox, webkit).
	Browsers []string
	// TargetURL points axe, Lighthouse, ZAP and k6 at a running app instead of
	// the app service that hmsci starts from the source.
	TargetURL string

	// SonarURL enables the sonarqube step; SonarToken is required with it.
	SonarURL        string
	SonarToken      *dagger.Secret
	SonarProjectKey string
	// SnykToken enables the snyk step.
	SnykToken *dagger.Secret

	// TrivyDBRepository is the OCI repository of the Trivy vulnerability
	// database for trivy-fs, and for trivy-image unless
	// TrivyImageDBRepository is set. Empty means the copy of
	// DefaultTrivyDBRepository under Mirror when a mirror is set, else
	// DefaultTrivyDBRepository with runtime downloads; with neither, the
	// vulnerability scans are skipped.
	TrivyDBRepository string
	// TrivyImageDBRepository is TrivyDBRepository for trivy-image.
	TrivyImageDBRepository string
	// TrivyChecksRepository is the OCI repository of Trivy's
	// misconfiguration checks bundle for trivy-config and trivy-fs. Empty
	// means the copy under Mirror, else the public bundle with runtime
	// downloads, else the checks built into the trivy binary.
	TrivyChecksRepository string
	// TrivySeverities limits Trivy results (default all severities).
	TrivySeverities string
	// OSVOffline makes osv-scanner match against local databases instead of
	// the osv.dev API, downloading them into the hmsci/osv-db cache volume
	// from osv-scanner's fixed public host (runtime downloads).
	OSVOffline bool
	// OSVDatabaseURL is an http(s) copy of the OSV database bucket, laid
	// out like it (URL/ECOSYSTEM/all.zip). The engine fetches the zip of
	// each ecosystem that the project's lockfiles use, and osv-scanner
	// runs offline against them.
	OSVDatabaseURL string
	// OSVDatabaseDir is a copy of osv-scanner's database cache
	// (osv-scanner/ECOSYSTEM/all.zip). It implies OSVOffline and needs no
	// network at all.
	OSVDatabaseDir *dagger.Directory
	// GoVulnDB is the govulncheck database URL, such as an internal mirror
	// of vuln.go.dev (default: govulncheck's own default).
	GoVulnDB string
	// GoVulnDBDir is a copy of the Go vulnerability database (the
	// index/ and ID/ tree of vuln.go.dev). It wins over GoVulnDB and lets
	// govulncheck run with no network.
	GoVulnDBDir *dagger.Directory
	// SemgrepConfig is the semgrep --config value (default: .semgrep.yml,
	// .semgrep.yaml or .semgrep/ in the source).
	SemgrepConfig string

	// Timeout bounds every step; zero means no limit. The pipeline applies
	// it to the context of Run and of the evaluation.
	Timeout time.Duration

	// Mirror is the registry mirror prefix for every image, such as
	// "registry.hospital.example/mirror/".
	Mirror string
	// ImageOverrides replaces image references by image key or step name.
	ImageOverrides map[string]string
	// AllowRuntimeDownloads lets steps fetch tools at run time (npm exec,
	// go run pkg@version, tflint --init, corepack). Off by default: tools
	// come from the images or from the project's own lockfile.
	AllowRuntimeDownloads bool
	// NPMRegistry is the npm registry for dependency installs, such as a
	// hospital mirror (default: the project's .npmrc or npm's default).
	NPMRegistry string
	// GoProxy is the GOPROXY for Go steps (default: Go's default).
	GoProxy string

	// AppPort is the port the app listens on (default 3000).
	AppPort int
	// AppCommand starts the app (default: the Dockerfile's entrypoint when a
	// Dockerfile exists, else "npm start").
	AppCommand []string
	// AppEnv sets extra environment variables of the app service, such as
	// test sessions for API tests. They are plain values in the query, so
	// never put a secret here.
	AppEnv map[string]string
	// MigrateUp and MigrateDown run the database migrations in the app's
	// source (default: the package.json scripts migrate:up / migrate:down,
	// or db:migrate / db:rollback).
	MigrateUp   []string
	MigrateDown []string
	// K6Script overrides the detected k6 script path.
	K6Script string

	// Dockerfile is the Dockerfile path relative to the source (default:
	// the first detected Dockerfile).
	Dockerfile string
	// BuildTarget is the Dockerfile stage to build (default: the last).
	BuildTarget string
	// BuildArgs are passed to the Docker build.
	BuildArgs map[string]string
	// BuildSecrets are mounted as build secrets, by their secret name.
	BuildSecrets []*dagger.Secret
	// RequireMinimalImage makes image-check fail on a shell or package
	// manager in the final image.
	RequireMinimalImage bool
	// ImagePolicies replaces the image Rego policies shipped with hmsci.
	ImagePolicies *dagger.Directory

	// Publish pushes the built image (opt-in). ImageRepository is the
	// target, such as "registry.hospital.example/hms/app"; Tier is the
	// promotion tier tag (dev, staging or prod) and Version the version tag.
	Publish         bool
	ImageRepository string
	Tier            string
	Version         string
	// RegistryUsername and RegistryPassword authenticate the push and cosign.
	RegistryUsername string
	RegistryPassword *dagger.Secret
	// CosignKey and CosignPassword enable sign; CosignPublicKey enables verify.
	CosignKey       *dagger.Secret
	CosignPassword  *dagger.Secret
	CosignPublicKey *dagger.File

	// KubernetesVersion selects the kubeconform schema set (default 1.31.0).
	KubernetesVersion string
	// KubeSchemas is a pinned kubeconform schema directory. Without it,
	// kubeconform runs only with runtime downloads allowed, and keeps the
	// downloaded schemas in the hmsci/kubeconform-schemas cache volume.
	KubeSchemas *dagger.Directory
	// KubePolicyDir is the user's Rego directory for conftest-k8s, relative
	// to the source (default: the first of policy/, policies/ found).
	KubePolicyDir string
	// TerraformDrift enables the terraform-drift step; TerraformEnv holds
	// the provider credentials as secrets by environment variable name.
	TerraformDrift bool
	TerraformEnv   map[string]*dagger.Secret
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.VUs <= 0 {
		o.VUs = DefaultVUs
	}
	if o.Duration <= 0 {
		o.Duration = DefaultDuration
	}
	if len(o.Browsers) == 0 {
		o.Browsers = DefaultBrowsers
	}
	if o.AppPort <= 0 {
		o.AppPort = DefaultAppPort
	}
	if o.KubernetesVersion == "" {
		o.KubernetesVersion = DefaultKubernetesVersion
	}
	if o.TrivySeverities == "" {
		o.TrivySeverities = DefaultTrivySeverities
	}
	return o
}
