package steps

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"dagger.io/dagger"
)

// playwrightChromium finds the Chromium binary that the Playwright image
// ships under /ms-playwright.
const playwrightChromium = `$(ls -d /ms-playwright/chromium-*/chrome-linux/chrome | head -n 1)`

// playwrightRef returns the Playwright image of a browser step.
func (env *Env) playwrightRef(spec Spec) (string, error) {
	return env.Images.ResolveFor(spec, env.Detection)
}

// browserContainer installs the project's dependencies in the Playwright
// image and binds the app service.
func (env *Env) browserContainer(spec Spec) (*dagger.Container, *Services, error) {
	ref, err := env.playwrightRef(spec)
	if err != nil {
		return nil, nil, err
	}
	services, err := AppServices(env)
	if err != nil {
		return nil, nil, fmt.Errorf("step %s: %w", spec.Name, err)
	}
	ctr, err := env.nodeDepsFrom(spec, ref)
	if err != nil {
		return nil, nil, err
	}
	if services.App != nil {
		ctr = ctr.WithServiceBinding(AppHost, services.App)
	}
	return ctr.
		WithEnvVariable("BASE_URL", services.AppURL).
		WithEnvVariable("PLAYWRIGHT_BASE_URL", services.AppURL), services, nil
}

func skipUnlessApp(d Detection, o Options) (bool, string) {
	if o.TargetURL == "" && len(d.Dockerfiles) == 0 && o.Dockerfile == "" && !d.Node {
		return true, "no app to test: no Dockerfile, no package.json and no target URL"
	}
	return false, ""
}

// Playwright runs the end-to-end tests in the Playwright image that matches
// the project's @playwright/test version, one project per browser.
var Playwright = toolStep{
	spec: Spec{
		Name:        "playwright",
		Phase:       PhaseTesting,
		Description: "playwright end-to-end tests",
		ImageKey:    ImagePlaywright,
		Command:     playwrightArgs(DefaultBrowsers),
		CommandFor:  func(_ Detection, o Options) []string { return playwrightArgs(o.Browsers) },
		Pulls:       appPulls,
		Reports:     []string{"playwright.junit.xml"},
		Gates:       []string{"e2e-tests"},
		ToolSource:  "@playwright/test from the project's lockfile; browsers from the matching Playwright image",
		Skip: func(d Detection, o Options) (bool, string) {
			if !d.Playwright {
				return true, "@playwright/test is not a dependency in package.json"
			}
			return skipUnlessApp(d, o)
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, _, err := env.browserContainer(spec)
		if err != nil {
			return nil, err
		}
		ctr = ctr.WithEnvVariable("PLAYWRIGHT_JUNIT_OUTPUT_NAME", reportPath("playwright.junit.xml"))
		ctr = run(ctr, playwrightArgs(env.Options.Browsers)...)
		return env.output(spec, ctr), nil
	},
}

// playwrightArgs selects one Playwright project per browser; the project's
// config must name its projects after the browsers, as Playwright's
// generated config does.
func playwrightArgs(browsers []string) []string {
	args := []string{bin("playwright"), "test", "--reporter=junit"}
	for _, b := range browsers {
		args = append(args, "--project="+b)
	}
	return args
}

// Axe audits the app's start page for accessibility with @axe-core/cli
// from the project's lockfile, driving the Playwright image's Chromium
// through the project's chromedriver package.
var Axe = toolStep{
	spec: Spec{
		Name:        "axe",
		Phase:       PhaseTesting,
		Description: "axe accessibility audit",
		ImageKey:    ImagePlaywright,
		Command:     axeArgs("http://app:3000"),
		CommandFor: func(_ Detection, o Options) []string {
			return axeArgs(appURL(o))
		},
		Pulls:      appPulls,
		Reports:    []string{"axe.json"},
		Gates:      []string{"accessibility"},
		ToolSource: "@axe-core/cli and chromedriver from the project's lockfile; Chromium from the Playwright image",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessDependency("@axe-core/cli")(d, o); skip {
				return skip, reason
			}
			if !d.HasDependency("chromedriver") {
				return true, "chromedriver is not a dependency in package.json (@axe-core/cli drives Chromium through it)"
			}
			return skipUnlessApp(d, o)
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, services, err := env.browserContainer(spec)
		if err != nil {
			return nil, err
		}
		// NOTE: chromedriver's major version must match the image's Chromium.
		args := axeArgs(services.AppURL)
		for i, a := range args {
			switch {
			case a == "CHROMIUM":
				args[i] = `"` + playwrightChromium + `"`
			case a == services.AppURL || a == ReportsPath:
				args[i] = shellQuote(a)
			}
		}
		ctr = shell(ctr, strings.Join(args, " "))
		return env.output(spec, ctr), nil
	},
}

// axeArgs is the axe command line; CHROMIUM stands for the Chromium
// binary that the shell finds in the Playwright image.
func axeArgs(target string) []string {
	return []string{bin("axe"), target, "--save", "axe.json", "--dir", ReportsPath,
		"--chrome-path", "CHROMIUM", "--chromedriver-path", bin("chromedriver"),
		"--chrome-options", "headless,no-sandbox,disable-dev-shm-usage"}
}

// lighthouseVersion is run through npm exec when the project has no
// lighthouse dependency and runtime downloads are allowed.
const lighthouseVersion = "12.8.2"

// Lighthouse audits the app's start page (performance, accessibility, best
// practices, SEO) with headless Chromium from the Playwright image.
var Lighthouse = toolStep{
	spec: Spec{
		Name:        "lighthouse",
		Phase:       PhaseTesting,
		Description: "lighthouse audit",
		ImageKey:    ImagePlaywright,
		Command:     lighthouseArgs(Detection{Dependencies: map[string]string{"lighthouse": ""}}, "http://app:3000"),
		CommandFor:  func(d Detection, o Options) []string { return lighthouseArgs(d, appURL(o)) },
		Pulls:       appPulls,
		Reports:     []string{"lighthouse.json"},
		Gates:       []string{"lighthouse-performance", "lighthouse-accessibility"},
		ToolSource:  "lighthouse from the project's lockfile (npm exec with runtime downloads); Chromium from the Playwright image",
		Skip: func(d Detection, o Options) (bool, string) {
			if !d.Node {
				return true, "no package.json in the source"
			}
			if !d.HasDependency("lighthouse") && !o.AllowRuntimeDownloads {
				return true, "lighthouse is not a dependency in package.json and runtime downloads are off"
			}
			return skipUnlessApp(d, o)
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, services, err := env.browserContainer(spec)
		if err != nil {
			return nil, err
		}
		script := "CHROME_PATH=\"" + playwrightChromium + "\" " + shellJoin(lighthouseArgs(env.Detection, services.AppURL))
		ctr = shell(ctr, script)
		return env.output(spec, ctr), nil
	},
}

// lighthouseArgs runs lighthouse from the lockfile, or through npm exec
// when it is no dependency (the Skip rule allows that only with runtime
// downloads).
func lighthouseArgs(d Detection, target string) []string {
	tool := []string{bin("lighthouse")}
	if !d.HasDependency("lighthouse") {
		tool = []string{"npm", "exec", "--yes", "--", "lighthouse@" + lighthouseVersion}
	}
	return append(tool, target, "--output=json", "--output-path="+reportPath("lighthouse.json"),
		"--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage", "--quiet")
}

// k6Args is the k6 command line; the script is Options.K6Script, else the
// first detected k6 script.
func k6Args(d Detection, o Options, target string) []string {
	script := o.K6Script
	if script == "" && len(d.K6Scripts) > 0 {
		script = d.K6Scripts[0]
	}
	if script == "" {
		script = "SCRIPT"
	}
	return []string{"k6", "run", "--vus", strconv.Itoa(o.VUs), "--duration", o.Duration.String(),
		"--summary-export", reportPath("k6-summary.json"), "--env", "BASE_URL=" + target, script}
}

// K6 load-tests the app with the project's k6 script. The VU count and
// duration come from the options; the thresholds are the policy's gates,
// evaluated on the exported summary.
var K6 = toolStep{
	spec: Spec{
		Name:        "k6",
		Phase:       PhaseTesting,
		Description: "k6 load test",
		ImageKey:    ImageK6,
		Command:     k6Args(Detection{}, Options{}.withDefaults(), "http://app:3000"),
		CommandFor:  func(d Detection, o Options) []string { return k6Args(d, o, appURL(o)) },
		Pulls:       appPulls,
		Reports:     []string{"k6-summary.json"},
		Gates:       []string{"response-time", "error-rate", "throughput", "availability"},
		ToolSource:  "the k6 image",
		Skip: func(d Detection, o Options) (bool, string) {
			if len(d.K6Scripts) == 0 && o.K6Script == "" {
				return true, "no k6 script in the source (a .js file importing k6)"
			}
			return skipUnlessApp(d, o)
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		services, err := AppServices(env)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		if services.App != nil {
			ctr = ctr.WithServiceBinding(AppHost, services.App)
		}
		ctr = ctr.WithEnvVariable("K6_NO_USAGE_REPORT", "true")
		ctr = run(ctr, k6Args(env.Detection, env.Options, services.AppURL)...)
		return env.output(spec, ctr), nil
	},
}
