package steps

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"dagger.io/dagger"
)

// Paths inside tool containers.
const (
	// SourcePath is where the source directory is mounted.
	SourcePath = "/src"
	// ReportsPath is where every tool writes its reports.
	ReportsPath = "/hmsci/reports"
)

// Cache volume keys, namespaced so they never collide with another
// module's caches.
const (
	CacheNPM           = "hmsci/npm"
	CachePNPM          = "hmsci/pnpm-store"
	CacheYarn          = "hmsci/yarn"
	CacheGoMod         = "hmsci/go-mod"
	CacheGoBuild       = "hmsci/go-build"
	CacheGolangciLint  = "hmsci/golangci-lint"
	CacheTrivyDB       = "hmsci/trivy-db"
	CacheOSVDB         = "hmsci/osv-db"
	CacheKubeSchemas   = "hmsci/kubeconform-schemas"
	CacheTFLintPlugins = "hmsci/tflint-plugins"
	CacheTerraform     = "hmsci/terraform-plugins"
	CacheSonar         = "hmsci/sonar"
)

// Env is the context of a step run: client, source, detection, options and
// images. The pipeline builds one Env per run and shares it between steps,
// so services and the built image are defined once.
type Env struct {
	Client *dagger.Client
	// Source is the project directory.
	Source    *dagger.Directory
	Detection Detection
	// Options have their defaults applied by NewEnv.
	Options Options
	Images  Images

	servicesOnce sync.Once
	services     *Services
	servicesErr  error

	imageOnce sync.Once
	image     *dagger.Container
	imageErr  error

	publishMu  sync.Mutex
	publishRef string
}

// NewEnv returns an Env with the option defaults applied and the image
// table built from the options.
func NewEnv(client *dagger.Client, source *dagger.Directory, d Detection, o Options) *Env {
	o = o.withDefaults()
	return &Env{Client: client, Source: source, Detection: d, Options: o, Images: NewImages(o)}
}

// noiseEnv switches off colours, spinners and prompts in every tool.
var noiseEnv = [][2]string{
	{"CI", "true"},
	{"NO_COLOR", "1"},
	{"TERM", "dumb"},
	{"FORCE_COLOR", "0"},
}

// base returns the step's image with the noise switches set and an empty
// report directory, without the source.
func (env *Env) base(spec Spec) (*dagger.Container, error) {
	ref, err := env.Images.ResolveStep(spec)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", spec.Name, err)
	}
	return env.baseFrom(ref), nil
}

// baseFrom is base for an image reference that is already resolved.
func (env *Env) baseFrom(ref string) *dagger.Container {
	ctr := env.Client.Container().From(ref)
	for _, kv := range noiseEnv {
		ctr = ctr.WithEnvVariable(kv[0], kv[1])
	}
	// World-writable, so images that run as a non-root user can write.
	return ctr.WithDirectory(ReportsPath, env.Client.Directory(), dagger.ContainerWithDirectoryOpts{Permissions: 0o777})
}

// withSource returns base with the source mounted at SourcePath as workdir.
func (env *Env) withSource(spec Spec) (*dagger.Container, error) {
	ctr, err := env.base(spec)
	if err != nil {
		return nil, err
	}
	return env.mountSource(ctr), nil
}

func (env *Env) mountSource(ctr *dagger.Container) *dagger.Container {
	return ctr.WithMountedDirectory(SourcePath, env.Source).WithWorkdir(SourcePath)
}

func (env *Env) cache(key string) *dagger.CacheVolume { return env.Client.CacheVolume(key) }

// run executes a tool whose non-zero exit means findings, not failure: the
// report decides the verdict.
func run(ctr *dagger.Container, args ...string) *dagger.Container {
	return ctr.WithExec(args, dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny})
}

// runTo is run with the tool's stdout written to a report file.
func runTo(ctr *dagger.Container, stdoutPath string, args ...string) *dagger.Container {
	return ctr.WithExec(args, dagger.ContainerWithExecOpts{Expect: dagger.ReturnTypeAny, RedirectStdout: stdoutPath})
}

// shell runs a POSIX sh script whose exit status is ignored like run.
func shell(ctr *dagger.Container, script string) *dagger.Container {
	return run(ctr, "sh", "-c", script)
}

// output collects exactly the spec's report files from ReportsPath.
func (env *Env) output(spec Spec, ctr *dagger.Container) *Output {
	reports := env.Client.Directory()
	if len(spec.Reports) > 0 {
		reports = reports.WithDirectory(".", ctr.Directory(ReportsPath), dagger.DirectoryWithDirectoryOpts{Include: spec.Reports})
	}
	return &Output{Container: ctr, Reports: reports}
}

// reportPath returns the absolute path of a report file in the container.
func reportPath(name string) string { return ReportsPath + "/" + name }

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellQuote(a)
	}
	return strings.Join(quoted, " ")
}

// sortedEnv returns map keys in order, so queries stay identical between
// runs and Dagger can cache them.
func sortedEnv[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
