package steps

import (
	"fmt"

	"dagger.io/dagger"
)

// nodeDeps returns the step's image with the source mounted and the
// project's dependencies installed from its lockfile, so every Node tool
// runs from node_modules/.bin and nothing is fetched beyond the lockfile.
// A failed install is an error of the step, unlike a tool's findings.
func (env *Env) nodeDeps(spec Spec) (*dagger.Container, error) {
	ref, err := env.Images.ResolveStep(spec)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", spec.Name, err)
	}
	return env.nodeDepsFrom(spec, ref)
}

// nodeDepsFrom is nodeDeps for an image reference that is already resolved.
func (env *Env) nodeDepsFrom(spec Spec, ref string) (*dagger.Container, error) {
	ctr := env.mountSource(env.baseFrom(ref))
	d, o := env.Detection, env.Options

	ctr = ctr.
		WithEnvVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1").
		WithEnvVariable("NPM_CONFIG_UPDATE_NOTIFIER", "false").
		WithEnvVariable("NPM_CONFIG_FUND", "false").
		WithEnvVariable("NPM_CONFIG_AUDIT", "false").
		WithEnvVariable("COREPACK_ENABLE_DOWNLOAD_PROMPT", "0")
	if o.NPMRegistry != "" {
		ctr = ctr.WithEnvVariable("NPM_CONFIG_REGISTRY", o.NPMRegistry)
	}

	install, err := installCommand(d, o)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", spec.Name, err)
	}
	switch d.PackageManager {
	case "pnpm":
		ctr = ctr.WithMountedCache("/root/.local/share/pnpm/store", env.cache(CachePNPM)).
			WithEnvVariable("npm_config_store_dir", "/root/.local/share/pnpm/store")
	case "yarn":
		ctr = ctr.WithMountedCache("/usr/local/share/.cache/yarn", env.cache(CacheYarn)).
			WithEnvVariable("YARN_CACHE_FOLDER", "/usr/local/share/.cache/yarn")
	default:
		ctr = ctr.WithMountedCache("/root/.npm", env.cache(CacheNPM))
	}
	return ctr.WithExec(install), nil
}

// installCommand returns the frozen-lockfile install for the detected
// package manager. pnpm and yarn berry come through corepack, which
// downloads the package manager itself, so they need runtime downloads or
// an image that ships them.
func installCommand(d Detection, o Options) ([]string, error) {
	switch d.PackageManager {
	case "pnpm":
		if o.AllowRuntimeDownloads {
			return []string{"corepack", "pnpm", "install", "--frozen-lockfile"}, nil
		}
		return []string{"pnpm", "install", "--frozen-lockfile"}, nil
	case "yarn":
		return []string{"yarn", "install", "--frozen-lockfile", "--non-interactive"}, nil
	case "npm", "":
		if d.Lockfile == "" {
			return nil, fmt.Errorf("no package-lock.json, pnpm-lock.yaml or yarn.lock in the source: commit a lockfile so installs are reproducible")
		}
		return []string{"npm", "ci"}, nil
	default:
		return nil, fmt.Errorf("unknown package manager %q: expected npm, pnpm or yarn", d.PackageManager)
	}
}

// bin returns the path of a tool installed by the project's lockfile.
func bin(tool string) string { return "node_modules/.bin/" + tool }

// skipUnlessDependency returns a Skip rule for a tool that must come from
// the project's dependencies.
func skipUnlessDependency(pkg string) func(Detection, Options) (bool, string) {
	return func(d Detection, _ Options) (bool, string) {
		if !d.Node {
			return true, "no package.json in the source"
		}
		if !d.HasDependency(pkg) {
			return true, fmt.Sprintf("%s is not a dependency in package.json", pkg)
		}
		return false, ""
	}
}
