package config

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// StepBase holds the settings that every step has.
type StepBase struct {
	Enabled bool `yaml:"enabled"`
	// Timeout limits the step; zero means the phase's timeout.
	Timeout Duration `yaml:"timeout"`
	// Image replaces the step's pinned image reference; empty keeps it.
	Image string `yaml:"image"`
}

// WorkerStep is a test runner that runs tests in parallel workers.
type WorkerStep struct {
	StepBase `yaml:",inline"`
	Workers  int `yaml:"workers" min:"1" max:"256" unit:"workers"`
}

// TargetStep is a step that probes a running application.
type TargetStep struct {
	StepBase `yaml:",inline"`
	// TargetURL is the application under test; empty means the app
	// service that the pipeline starts.
	TargetURL URL `yaml:"target-url"`
}

// K6Step is the k6 load test.
type K6Step struct {
	StepBase `yaml:",inline"`
	// VUs is the number of concurrent virtual users.
	VUs       int      `yaml:"vus" min:"1" max:"100000" unit:"virtual users"`
	Duration  Duration `yaml:"duration"`
	TargetURL URL      `yaml:"target-url"`
}

func (s *K6Step) check() error {
	if s.Duration < Duration(time.Second) {
		return fmt.Errorf("duration %s too short: a load test needs at least 1s", s.Duration)
	}
	return nil
}

// StrykerStep is the Stryker mutation test.
type StrykerStep struct {
	StepBase `yaml:",inline"`
	// CriticalPaths limits mutation to these globs; empty mutates every
	// file that Stryker's own configuration selects.
	CriticalPaths []Glob `yaml:"critical-paths"`
}

// SonarQubeStep is the SonarQube scanner.
type SonarQubeStep struct {
	StepBase `yaml:",inline"`
	URL      URL     `yaml:"url"`
	TokenEnv EnvName `yaml:"token-env"`
}

func (s *SonarQubeStep) check() error {
	if s.Enabled && s.URL == "" {
		return fmt.Errorf("missing key \"url\": an enabled sonarqube step needs the server URL")
	}
	return nil
}

// TokenStep is a step that authenticates with a token from the environment.
type TokenStep struct {
	StepBase `yaml:",inline"`
	TokenEnv EnvName `yaml:"token-env"`
}

// DatabaseStep is a scanner that reads a vulnerability database or a
// checks bundle at run time.
type DatabaseStep struct {
	StepBase `yaml:",inline"`
	// DBRepository is the source of the step's database in air-gapped
	// networks. For trivy-fs and trivy-image it is the OCI repository of
	// the vulnerability database, and for trivy-config the OCI repository
	// of the misconfiguration checks bundle. For osv-scanner it is the
	// http(s) URL of a copy of the OSV database bucket, and for
	// govulncheck the URL of a Go vulnerability database. Empty means the
	// copy under images.mirror when a mirror is set, else the tool's
	// public source, which needs images.allow-runtime-downloads.
	DBRepository string `yaml:"db-repository"`
}

func (s *DatabaseStep) check() error {
	repo := s.DBRepository
	if repo == "" {
		return nil
	}
	if strings.ContainsAny(repo, " \t\r\n") {
		return fmt.Errorf("invalid db-repository %q: remove the spaces", repo)
	}
	if u, err := url.Parse(repo); err == nil && u.User != nil {
		return fmt.Errorf("invalid db-repository %q: credentials in the URL would be logged; give the mirror without user information", u.Redacted())
	}
	return nil
}

// PlaywrightStep is the Playwright end-to-end test.
type PlaywrightStep struct {
	StepBase `yaml:",inline"`
	Browsers []Browser `yaml:"browsers"`
}

func (s *PlaywrightStep) check() error {
	seen := map[Browser]bool{}
	for _, b := range s.Browsers {
		if seen[b] {
			return fmt.Errorf("browser %q listed twice", b)
		}
		seen[b] = true
	}
	if s.Enabled && len(s.Browsers) == 0 {
		return fmt.Errorf("empty browsers list: name at least one browser or set enabled: false")
	}
	return nil
}

// Steps holds the settings of every pipeline step, keyed by step name.
type Steps struct {
	TSC             StepBase       `yaml:"tsc"`
	TSConfigStrict  StepBase       `yaml:"tsconfig-strict"`
	TypeCoverage    StepBase       `yaml:"type-coverage"`
	ESLint          StepBase       `yaml:"eslint"`
	Prettier        StepBase       `yaml:"prettier"`
	GolangciLint    StepBase       `yaml:"golangci-lint"`
	SonarQube       SonarQubeStep  `yaml:"sonarqube"`
	Jest            WorkerStep     `yaml:"jest"`
	GoTest          WorkerStep     `yaml:"go-test"`
	Stryker         StrykerStep    `yaml:"stryker"`
	Newman          StepBase       `yaml:"newman"`
	Playwright      PlaywrightStep `yaml:"playwright"`
	Axe             StepBase       `yaml:"axe"`
	Lighthouse      TargetStep     `yaml:"lighthouse"`
	K6              K6Step         `yaml:"k6"`
	Semgrep         StepBase       `yaml:"semgrep"`
	TrivyFS         DatabaseStep   `yaml:"trivy-fs"`
	Gitleaks        StepBase       `yaml:"gitleaks"`
	OSVScanner      DatabaseStep   `yaml:"osv-scanner"`
	Govulncheck     DatabaseStep   `yaml:"govulncheck"`
	ZAP             TargetStep     `yaml:"zap"`
	LicenseCheck    StepBase       `yaml:"license-check"`
	Snyk            TokenStep      `yaml:"snyk"`
	PHIScan         StepBase       `yaml:"phi-scan"`
	FHIRValidate    StepBase       `yaml:"fhir-validate"`
	HIPAA           StepBase       `yaml:"hipaa"`
	ImageBuild      StepBase       `yaml:"image-build"`
	ImageCheck      StepBase       `yaml:"image-check"`
	SBOM            StepBase       `yaml:"sbom"`
	TrivyImage      DatabaseStep   `yaml:"trivy-image"`
	Sign            StepBase       `yaml:"sign"`
	Verify          StepBase       `yaml:"verify"`
	ConftestImage   StepBase       `yaml:"conftest-image"`
	Kubeconform     StepBase       `yaml:"kubeconform"`
	KubePolicy      StepBase       `yaml:"kube-policy"`
	ConftestK8s     StepBase       `yaml:"conftest-k8s"`
	TFLint          StepBase       `yaml:"tflint"`
	TrivyConfig     DatabaseStep   `yaml:"trivy-config"`
	TerraformDrift  StepBase       `yaml:"terraform-drift"`
	TerraformPolicy StepBase       `yaml:"terraform-policy"`
}

// StepNames lists every step name in pipeline order.
func StepNames() []string {
	var names []string
	for _, f := range fieldsOf(reflect.TypeFor[Steps]()) {
		names = append(names, f.key)
	}
	return names
}

// Step returns the common settings of the named step.
func (s *Steps) Step(name string) (StepBase, bool) {
	v := reflect.ValueOf(s).Elem()
	for _, f := range fieldsOf(v.Type()) {
		if f.key == name {
			entry := v.FieldByIndex(f.index)
			if base, ok := entry.Interface().(StepBase); ok {
				return base, true
			}
			return entry.FieldByName("StepBase").Interface().(StepBase), true
		}
	}
	return StepBase{}, false
}

func defaultSteps() Steps {
	on := StepBase{Enabled: true}
	off := StepBase{Enabled: false}
	return Steps{
		TSC: on, TSConfigStrict: on, TypeCoverage: on, ESLint: on, Prettier: on, GolangciLint: on,
		// SonarQube and Snyk need a server or an account, so they are opt-in.
		SonarQube:    SonarQubeStep{StepBase: off, TokenEnv: "SONAR_TOKEN"},
		Jest:         WorkerStep{StepBase: on, Workers: 4},
		GoTest:       WorkerStep{StepBase: on, Workers: 4},
		Stryker:      StrykerStep{StepBase: on},
		Newman:       on,
		Playwright:   PlaywrightStep{StepBase: on, Browsers: []Browser{"chromium", "firefox", "webkit"}},
		Axe:          on,
		Lighthouse:   TargetStep{StepBase: on},
		K6:           K6Step{StepBase: on, VUs: 1000, Duration: Duration(30 * time.Second)},
		Semgrep:      on,
		TrivyFS:      DatabaseStep{StepBase: on},
		Gitleaks:     on,
		OSVScanner:   DatabaseStep{StepBase: on},
		Govulncheck:  DatabaseStep{StepBase: on},
		ZAP:          TargetStep{StepBase: on},
		LicenseCheck: on,
		Snyk:         TokenStep{StepBase: off, TokenEnv: "SNYK_TOKEN"},
		PHIScan:      on, FHIRValidate: on, HIPAA: on,
		ImageBuild: on, ImageCheck: on, SBOM: on,
		TrivyImage: DatabaseStep{StepBase: on},
		Sign:       on, Verify: on, ConftestImage: on,
		Kubeconform: on, KubePolicy: on, ConftestK8s: on,
		TFLint:          on,
		TrivyConfig:     DatabaseStep{StepBase: on},
		TerraformDrift:  on,
		TerraformPolicy: on,
	}
}
