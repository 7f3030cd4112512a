package steps

import (
	"context"
	"fmt"

	"dagger.io/dagger"
)

// Semgrep scans the source with the project's own semgrep rules (offline),
// or the registry's p/default ruleset when runtime downloads are allowed.
var Semgrep = toolStep{
	spec: Spec{
		Name:        "semgrep",
		Phase:       PhaseSecurity,
		Description: "semgrep static application security testing",
		ImageKey:    ImageSemgrep,
		Command: []string{"semgrep", "scan", "--config", ".semgrep.yml", "--sarif", "--output", reportPath("semgrep.sarif"),
			"--metrics", "off", "--disable-version-check", "."},
		CommandFor: semgrepArgs,
		Reports:    []string{"semgrep.sarif"},
		Gates:      []string{"sast-findings"},
		ToolSource: "the semgrep image; rules from the source (or the semgrep registry with runtime downloads)",
		Skip: func(d Detection, o Options) (bool, string) {
			if semgrepConfig(d, o) == "" {
				return true, "no .semgrep.yml, .semgrep.yaml or .semgrep/ in the source and runtime downloads are off"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = ctr.WithEnvVariable("SEMGREP_SEND_METRICS", "off")
		ctr = run(ctr, semgrepArgs(env.Detection, env.Options)...)
		return env.output(spec, ctr), nil
	},
}

func semgrepArgs(d Detection, o Options) []string {
	return []string{"semgrep", "scan", "--config", semgrepConfig(d, o),
		"--sarif", "--output", reportPath("semgrep.sarif"), "--metrics", "off", "--disable-version-check", "."}
}

func semgrepConfig(d Detection, o Options) string {
	switch {
	case o.SemgrepConfig != "":
		return o.SemgrepConfig
	case d.SemgrepConfig != "":
		return d.SemgrepConfig
	case o.AllowRuntimeDownloads:
		return "p/default"
	}
	return ""
}

// trivyCachePath is the Trivy cache (databases and checks) inside the image.
const trivyCachePath = "/root/.cache/trivy"

// trivyBase returns a Trivy container with the cache volume mounted.
// Trivy downloads a database into the cache when the cached copy is
// missing or older than its update interval, from the repository that the
// step's flags name.
func (env *Env) trivyBase(spec Spec) (*dagger.Container, error) {
	ctr, err := env.withSource(spec)
	if err != nil {
		return nil, err
	}
	return ctr.WithMountedCache(trivyCachePath, env.cache(CacheTrivyDB)), nil
}

// trivyCommon returns the flags that every Trivy scan shares.
func trivyCommon(o Options) []string {
	return []string{"--cache-dir", trivyCachePath, "--severity", o.TrivySeverities, "--exit-code", "0", "--no-progress"}
}

func trivyFSArgs(o Options) []string {
	args := []string{"trivy", "fs", "--scanners", "vuln,misconfig,license", "--format", "sarif",
		"--output", reportPath("trivy-fs.sarif")}
	args = append(args, trivyCommon(o)...)
	args = append(args, trivyVulnArgs(o, "trivy-fs")...)
	args = append(args, trivyChecksArgs(o)...)
	return append(args, ".")
}

// TrivyFS scans the source for vulnerable dependencies, misconfigurations
// and licences.
var TrivyFS = toolStep{
	spec: Spec{
		Name:        "trivy-fs",
		Phase:       PhaseSecurity,
		Description: "trivy filesystem scan (vulnerabilities, misconfigurations, licences)",
		ImageKey:    ImageTrivy,
		Command:     trivyFSArgs(Options{AllowRuntimeDownloads: true}.withDefaults()),
		CommandFor:  func(_ Detection, o Options) []string { return trivyFSArgs(o) },
		Pulls:       func(_ Detection, o Options) []Pull { return trivyPulls(o, "trivy-fs", true) },
		Reports:     []string{"trivy-fs.sarif"},
		Gates:       []string{"critical-vulnerabilities", "licenses"},
		ToolSource:  "the trivy image; databases and checks from the configured repositories into the hmsci/trivy-db cache",
		Skip:        skipWithoutTrivyDB("trivy-fs", "trivy-fs"),
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.trivyBase(spec)
		if err != nil {
			return nil, err
		}
		ctr = run(ctr, trivyFSArgs(env.Options)...)
		return env.output(spec, ctr), nil
	},
}

// Gitleaks scans the source tree (not the git history) for secrets and
// redacts every secret in its output.
var Gitleaks = toolStep{
	spec: Spec{
		Name:        "gitleaks",
		Phase:       PhaseSecurity,
		Description: "gitleaks secret detection",
		ImageKey:    ImageGitleaks,
		Command: []string{"gitleaks", "dir", ".", "--report-format", "sarif", "--report-path", reportPath("gitleaks.sarif"),
			"--redact", "--exit-code", "0", "--no-banner"},
		Reports:    []string{"gitleaks.sarif"},
		Gates:      []string{"secrets"},
		ToolSource: "the gitleaks image",
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = run(ctr, spec.Command...)
		return env.output(spec, ctr), nil
	},
}

// osvCachePath is osv-scanner's database cache inside the container, set
// through OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY.
const osvCachePath = "/root/.cache/osv-db"

// OSVScanner checks the lockfiles against the OSV database. It runs
// offline against a database directory from the options or a configured
// copy of the OSV bucket. Only with runtime downloads does it query the
// osv.dev API or download databases into the hmsci/osv-db cache.
// osv-scanner v2.0.2 downloads databases only from its own fixed host, so
// an air-gapped run needs OSVDatabaseDir or OSVDatabaseURL.
var OSVScanner = toolStep{
	spec: Spec{
		Name:        "osv-scanner",
		Phase:       PhaseSecurity,
		Description: "osv-scanner dependency vulnerabilities",
		ImageKey:    ImageOSVScanner,
		Command:     osvArgs(Options{AllowRuntimeDownloads: true}),
		CommandFor:  func(_ Detection, o Options) []string { return osvArgs(o) },
		Reports:     []string{"osv-scanner.sarif"},
		Gates:       []string{"critical-vulnerabilities"},
		ToolSource:  "the osv-scanner image; databases from the configured copy of the OSV bucket",
		Skip: func(d Detection, o Options) (bool, string) {
			if d.Lockfile == "" && !d.Go {
				return true, "no lockfile and no go.mod in the source"
			}
			if osvModeFor(o) == osvNotAllowed {
				return true, "runtime downloads are off and no OSV database copy is configured: set steps.osv-scanner.db-repository to an http(s) copy of the OSV bucket (URL/ECOSYSTEM/all.zip)"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		// The image's binary is /osv-scanner, outside PATH.
		switch osvModeFor(env.Options) {
		case osvDirectory:
			ctr = ctr.WithMountedDirectory(osvCachePath, env.Options.OSVDatabaseDir).
				WithEnvVariable("OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY", osvCachePath)
		case osvMirror:
			ctr = ctr.WithMountedDirectory(osvCachePath, env.osvMirrorDatabases()).
				WithEnvVariable("OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY", osvCachePath)
		case osvDownload:
			ctr = ctr.WithMountedCache(osvCachePath, env.cache(CacheOSVDB)).
				WithEnvVariable("OSV_SCANNER_LOCAL_DB_CACHE_DIRECTORY", osvCachePath)
		}
		ctr = run(ctr, osvArgs(env.Options)...)
		return env.output(spec, ctr), nil
	},
}

const (
	govulncheckPath    = "golang.org/x/vuln/cmd/govulncheck"
	govulncheckVersion = "v1.1.4"
	// goVulnDBPath is the mount point of Options.GoVulnDBDir.
	goVulnDBPath = "/hmsci/vulndb"
)

func govulncheckArgs(d Detection, o Options) []string {
	args := []string{"go", "tool", "govulncheck"}
	if !d.HasGoTool(govulncheckPath) {
		args = []string{"go", "run", govulncheckPath + "@" + govulncheckVersion}
	}
	if db := govulncheckDB(o); db != "" {
		args = append(args, "-db", db)
	}
	return append(args, "-format", "sarif", "./...")
}

// Govulncheck reports known vulnerabilities that the Go code reaches.
var Govulncheck = toolStep{
	spec: Spec{
		Name:        "govulncheck",
		Phase:       PhaseSecurity,
		Description: "govulncheck reachable Go vulnerabilities",
		ImageKey:    ImageGo,
		Command:     []string{"go", "tool", "govulncheck", "-format", "sarif", "./..."},
		CommandFor:  govulncheckArgs,
		Reports:     []string{"govulncheck.sarif"},
		Gates:       []string{"critical-vulnerabilities"},
		ToolSource:  "the golang image; govulncheck from a go.mod tool directive (or go run with runtime downloads)",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessGo(d, o); skip {
				return skip, reason
			}
			if !d.HasGoTool(govulncheckPath) && !o.AllowRuntimeDownloads {
				return true, "govulncheck is not a go.mod tool directive and runtime downloads are off: run `go get -tool " + govulncheckPath + "@" + govulncheckVersion + "`"
			}
			if govulncheckDB(o) == "" && !o.AllowRuntimeDownloads {
				return true, "runtime downloads are off and no Go vulnerability database copy is configured: set steps.govulncheck.db-repository to a mirror of vuln.go.dev"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = env.withGoCaches(ctr)
		if env.Options.GoVulnDBDir != nil {
			ctr = ctr.WithMountedDirectory(goVulnDBPath, env.Options.GoVulnDBDir)
		}
		ctr = runTo(ctr, reportPath("govulncheck.sarif"), govulncheckArgs(env.Detection, env.Options)...)
		return env.output(spec, ctr), nil
	},
}

// zapWorkPath is where zap-baseline.py reads and writes its files.
const zapWorkPath = "/zap/wrk"

// ZAP runs the OWASP ZAP baseline scan (passive) against the app service.
// ZAP's baseline script writes JSON, not SARIF; the gates read the JSON.
var ZAP = toolStep{
	spec: Spec{
		Name:        "zap",
		Phase:       PhaseSecurity,
		Description: "zap baseline dynamic scan",
		ImageKey:    ImageZAP,
		Command:     []string{"zap-baseline.py", "-t", "http://app:3000", "-J", "zap.json", "-I"},
		CommandFor:  func(_ Detection, o Options) []string { return zapArgs(appURL(o)) },
		Pulls:       appPulls,
		Reports:     []string{"zap.json"},
		Gates:       []string{"dast-findings"},
		ToolSource:  "the zaproxy image",
		Skip:        skipUnlessApp,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		services, err := AppServices(env)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		ctr, err := env.base(spec)
		if err != nil {
			return nil, err
		}
		ctr = ctr.WithDirectory(zapWorkPath, env.Client.Directory(), dagger.ContainerWithDirectoryOpts{Permissions: 0o777}).
			WithWorkdir(zapWorkPath)
		if services.App != nil {
			ctr = ctr.WithServiceBinding(AppHost, services.App)
		}
		ctr = run(ctr, zapArgs(services.AppURL)...)
		ctr = ctr.WithExec([]string{"cp", zapWorkPath + "/zap.json", reportPath("zap.json")},
			dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
		return env.output(spec, ctr), nil
	},
}

func zapArgs(target string) []string {
	return []string{"zap-baseline.py", "-t", target, "-J", "zap.json", "-I"}
}

// LicenseCheck builds a CycloneDX SBOM of the source's dependencies with
// syft; the licence gate compares its licences with the allow and deny lists.
var LicenseCheck = toolStep{
	spec: Spec{
		Name:        "license-check",
		Phase:       PhaseSecurity,
		Description: "source SBOM for the licence check",
		ImageKey:    ImageSyft,
		Command:     []string{"/syft", "scan", "dir:" + SourcePath, "-o", "cyclonedx-json=" + reportPath("sbom-source.cdx.json")},
		Reports:     []string{"sbom-source.cdx.json"},
		Gates:       []string{"licenses"},
		ToolSource:  "the syft image",
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = ctr.WithEnvVariable("SYFT_CHECK_FOR_APP_UPDATE", "false")
		ctr = run(ctr, spec.Command...)
		return env.output(spec, ctr), nil
	},
}

// Snyk runs `snyk test` on every project in the source with the token as
// a secret variable.
var Snyk = toolStep{
	spec: Spec{
		Name:        "snyk",
		Phase:       PhaseSecurity,
		Description: "snyk dependency scan",
		ImageKey:    ImageSnyk,
		Command:     []string{"snyk", "test", "--all-projects", "--sarif-file-output=" + reportPath("snyk.sarif")},
		Reports:     []string{"snyk.sarif"},
		Gates:       []string{"critical-vulnerabilities"},
		Optional:    true,
		ToolSource:  "the snyk image",
		Skip: func(_ Detection, o Options) (bool, string) {
			if o.SnykToken == nil {
				return true, "no Snyk token secret configured"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = ctr.WithSecretVariable("SNYK_TOKEN", env.Options.SnykToken).
			WithEnvVariable("SNYK_DISABLE_ANALYTICS", "1")
		ctr = run(ctr, spec.Command...)
		return env.output(spec, ctr), nil
	},
}
