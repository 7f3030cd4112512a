package pipelines

import (
	"fmt"
	"maps"
	"time"

	"dagger.io/dagger"

	"github.com/hms-enterprise/hmsci/config"
	"github.com/hms-enterprise/hmsci/steps"
)

// stepOptions maps the policy onto the options of the containerized steps.
// Tokens named by `token-env` are read with getenv and become Dagger
// secrets, so they never travel as plain values; without a client (no
// engine) they stay nil because no step will run. A token variable named by
// an enabled sonarqube or snyk step but empty is an error, so a
// misconfigured CI secret is not mistaken for an opted-out step.
func stepOptions(cfg *config.Config, client *dagger.Client, getenv func(string) string) (steps.Options, error) {
	s := &cfg.Steps
	o := steps.Options{
		Workers:   s.Jest.Workers,
		VUs:       s.K6.VUs,
		Duration:  time.Duration(s.K6.Duration),
		Browsers:  browsers(s.Playwright.Browsers),
		TargetURL: firstNonEmpty(string(s.K6.TargetURL), string(s.Lighthouse.TargetURL), string(s.ZAP.TargetURL)),
		SonarURL:  string(s.SonarQube.URL),
		// Each database step reads its own db-repository key.
		TrivyDBRepository:      s.TrivyFS.DBRepository,
		TrivyImageDBRepository: s.TrivyImage.DBRepository,
		TrivyChecksRepository:  s.TrivyConfig.DBRepository,
		OSVDatabaseURL:         s.OSVScanner.DBRepository,
		GoVulnDB:               s.Govulncheck.DBRepository,
		BuildArgs:              maps.Clone(cfg.Container.BuildArgs),
		Mirror:                 cfg.Images.Mirror,
		ImageOverrides:         imageOverrides(cfg),
		AllowRuntimeDownloads:  cfg.Images.AllowRuntimeDownloads,
		NPMRegistry:            string(cfg.Images.NPMRegistry),
		AppCommand:             cfg.App.Command,
		AppPort:                cfg.App.Port,
		AppEnv:                 cfg.App.Env,
		GoProxy:                string(cfg.Images.GoProxy),
		KubernetesVersion:      cfg.Infrastructure.Kubernetes.KubernetesVersion,
		Dockerfile:             cfg.Container.Dockerfile,
		RequireMinimalImage:    cfg.Container.MinimalRuntime,
		Publish:                cfg.Container.Publish,
		ImageRepository:        imageRepository(cfg.Container),
	}
	if s.GoTest.Workers > 0 && o.Workers == 0 {
		o.Workers = s.GoTest.Workers
	}
	for _, g := range s.Stryker.CriticalPaths {
		o.CriticalPaths = append(o.CriticalPaths, string(g))
	}
	if len(cfg.Container.Tiers) > 0 {
		o.Tier = cfg.Container.Tiers[0]
	}
	if len(cfg.Infrastructure.Policies.Paths) > 0 {
		o.KubePolicyDir = cfg.Infrastructure.Policies.Paths[0]
	}
	if client == nil {
		return o, nil
	}

	secret := func(step string, env config.EnvName) (*dagger.Secret, error) {
		if env == "" {
			return nil, nil
		}
		value := getenv(string(env))
		if value == "" {
			return nil, fmt.Errorf("step %s: environment variable %s is empty: set it in the CI secrets or remove token-env from hmsci.yaml", step, env)
		}
		// The secret name is the variable name, never the value, so the
		// query and the engine's cache key carry no credential.
		return client.SetSecret("hmsci-"+string(env), value), nil
	}
	var err error
	if s.SonarQube.Enabled && s.SonarQube.URL != "" {
		if o.SonarToken, err = secret("sonarqube", s.SonarQube.TokenEnv); err != nil {
			return o, err
		}
	}
	if s.Snyk.Enabled && s.Snyk.TokenEnv != "" {
		if o.SnykToken, err = secret("snyk", s.Snyk.TokenEnv); err != nil {
			return o, err
		}
	}
	// The signing key and registry password have default variable names,
	// so an unset variable means "not configured": sign and publish then
	// skip with a reason instead of failing the run.
	if env := string(cfg.Container.KeySecretEnv); env != "" && getenv(env) != "" {
		o.CosignKey = client.SetSecret("hmsci-"+env, getenv(env))
	}
	if env := string(cfg.Container.PasswordEnv); env != "" && getenv(env) != "" {
		o.RegistryPassword = client.SetSecret("hmsci-"+env, getenv(env))
	}
	return o, nil
}

func browsers(list []config.Browser) []string {
	out := make([]string, len(list))
	for i, b := range list {
		out[i] = string(b)
	}
	return out
}

// imageOverrides merges images.overrides with each step's own image key;
// the step's key wins because it is the more specific setting.
func imageOverrides(cfg *config.Config) map[string]string {
	out := map[string]string{}
	for step, ref := range cfg.Images.Overrides {
		out[string(step)] = ref
	}
	for _, name := range config.StepNames() {
		if base, ok := cfg.Steps.Step(name); ok && base.Image != "" {
			out[name] = base.Image
		}
	}
	return out
}

func imageRepository(c config.Container) string {
	switch {
	case c.Image == "":
		return ""
	case c.Registry == "":
		return c.Image
	default:
		return c.Registry + "/" + c.Image
	}
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
