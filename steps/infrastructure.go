package steps

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"dagger.io/dagger"
)

// Paths used by the Kubernetes steps.
const (
	renderedPath     = "/hmsci/rendered"
	kubeSchemasPath  = "/hmsci/schemas"
	kubeSchemaCache  = "/hmsci/schema-cache"
	kubeSchemaLayout = "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
)

func skipUnlessKubernetes(d Detection, _ Options) (bool, string) {
	if len(d.KubernetesDirs) == 0 && len(d.HelmCharts) == 0 && len(d.Kustomizations) == 0 {
		return true, "no Kubernetes manifests, Helm charts or kustomizations in the source"
	}
	return false, ""
}

// renderedManifests renders every Helm chart (helm template) and
// kustomization (kubectl kustomize) into one directory of YAML files, one
// file per chart or kustomization, named after its path.
func (env *Env) renderedManifests() (*dagger.Directory, error) {
	d := env.Detection
	ctr, err := env.withSource(Spec{Name: "render-manifests", ImageKey: ImageK8sTools})
	if err != nil {
		return nil, err
	}
	var script strings.Builder
	script.WriteString("set -e\nmkdir -p " + renderedPath + "\n")
	for _, chart := range d.HelmCharts {
		name := fileSafe(chart)
		fmt.Fprintf(&script, "helm template %s %s > %s/helm-%s.yaml\n",
			shellQuote(path.Base(chart)), shellQuote(chart), renderedPath, name)
	}
	for _, k := range d.Kustomizations {
		fmt.Fprintf(&script, "kubectl kustomize %s > %s/kustomize-%s.yaml\n", shellQuote(k), renderedPath, fileSafe(k))
	}
	return ctr.WithExec([]string{"sh", "-c", script.String()}).Directory(renderedPath), nil
}

func fileSafe(p string) string {
	if p == "." {
		return "root"
	}
	return strings.NewReplacer("/", "_", " ", "_").Replace(p)
}

// plainManifestDirs returns the plain-YAML directories that are not also
// kustomization roots (those are rendered instead).
func plainManifestDirs(d Detection) []string {
	var dirs []string
	for _, dir := range d.KubernetesDirs {
		if !contains(d.Kustomizations, dir) {
			dirs = append(dirs, dir)
		}
	}
	return dirs
}

// Kubeconform validates the manifests (plain, Kustomize output and
// Helm-rendered) against the Kubernetes JSON schemas of one version: a
// pinned schema directory when given, else schemas cached in the
// hmsci/kubeconform-schemas volume and downloaded only with runtime
// downloads allowed.
var Kubeconform = toolStep{
	spec: Spec{
		Name:        "kubeconform",
		Phase:       PhaseInfrastructure,
		Description: "kubeconform Kubernetes schema validation",
		ImageKey:    ImageKubeconform,
		Command: []string{"/kubeconform", "-strict", "-summary", "-output", "json", "-kubernetes-version", DefaultKubernetesVersion,
			"-schema-location", kubeSchemasPath + "/" + kubeSchemaLayout, "DIRS"},
		CommandFor: kubeconformArgs,
		Pulls:      renderPulls,
		Reports:    []string{"kubeconform.json"},
		Gates:      []string{"kubernetes-schema"},
		ToolSource: "the kubeconform image; schemas from Options.KubeSchemas or the schema cache",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessKubernetes(d, o); skip {
				return skip, reason
			}
			if o.KubeSchemas == nil && !o.AllowRuntimeDownloads {
				return true, "no pinned Kubernetes schema directory configured and runtime downloads are off"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		o := env.Options
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		if o.KubeSchemas != nil {
			ctr = ctr.WithMountedDirectory(kubeSchemasPath, o.KubeSchemas)
		} else {
			ctr = ctr.WithMountedCache(kubeSchemaCache, env.cache(CacheKubeSchemas))
		}
		if len(env.Detection.HelmCharts)+len(env.Detection.Kustomizations) > 0 {
			rendered, err := env.renderedManifests()
			if err != nil {
				return nil, fmt.Errorf("step %s: %w", spec.Name, err)
			}
			ctr = ctr.WithMountedDirectory(renderedPath, rendered)
		}
		ctr = runTo(ctr, reportPath("kubeconform.json"), kubeconformArgs(env.Detection, o)...)
		return env.output(spec, ctr), nil
	},
}

// kubeconformArgs returns the kubeconform argv: pinned schemas when given,
// else the schema cache, then the plain manifest directories and the
// rendered charts and kustomizations.
func kubeconformArgs(d Detection, o Options) []string {
	// The image's binary is /kubeconform, outside PATH.
	args := []string{"/kubeconform", "-strict", "-summary", "-output", "json",
		"-kubernetes-version", o.KubernetesVersion}
	if o.KubeSchemas != nil {
		args = append(args, "-schema-location", kubeSchemasPath+"/"+kubeSchemaLayout)
	} else {
		args = append(args, "-cache", kubeSchemaCache, "-schema-location", "default")
	}
	return append(args, manifestArgs(d)...)
}

// manifestArgs lists the plain manifest directories and, when charts or
// kustomizations exist, the directory they are rendered into.
func manifestArgs(d Detection) []string {
	args := plainManifestDirs(d)
	if len(d.HelmCharts)+len(d.Kustomizations) > 0 {
		args = append(args, renderedPath)
	}
	return args
}

// gatekeeperPath is the mount point of the Rego that conftest-k8s generates
// from Gatekeeper constraint templates.
const gatekeeperPath = "/hmsci/gatekeeper"

// gatekeeperDir converts the Gatekeeper templates and constraints under the
// host policy directory into a Rego directory, or returns nil when there
// are none.
func (env *Env) gatekeeperDir(policyDir string) (*dagger.Directory, error) {
	if env.Detection.Root == "" {
		return nil, nil
	}
	policies, err := GatekeeperPolicies(filepath.Join(env.Detection.Root, filepath.FromSlash(policyDir)))
	if err != nil || len(policies) == 0 {
		return nil, err
	}
	dir := env.Client.Directory()
	for _, p := range policies {
		for _, name := range sortedEnv(p.Files) {
			dir = dir.WithNewFile(name, p.Files[name])
		}
	}
	return dir, nil
}

// ConftestK8s evaluates the user's Rego policies on the manifests
// (rendered charts and kustomizations included). OPA Gatekeeper
// ConstraintTemplates and constraints in the policy directory are
// converted into conftest rules, so the same policies gate CI and the
// cluster.
var ConftestK8s = toolStep{
	spec: Spec{
		Name:        "conftest-k8s",
		Phase:       PhaseInfrastructure,
		Description: "kubernetes policy check with conftest",
		ImageKey:    ImageConftest,
		Command: []string{"conftest", "test", "--policy", "policy", "--all-namespaces", "--output", "json",
			"--no-color", "DIRS"},
		CommandFor: conftestK8sArgs,
		Pulls:      renderPulls,
		Reports:    []string{"conftest-k8s.json"},
		Gates:      []string{"kubernetes-policy", "infrastructure-critical"},
		ToolSource: "the conftest image; Rego from the source",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessKubernetes(d, o); skip {
				return skip, reason
			}
			if d.PolicyDir == "" && o.KubePolicyDir == "" {
				return true, "no policy/ or policies/ directory of Rego rules in the source"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		gatekeeper, err := env.gatekeeperDir(kubePolicyDir(env.Detection, env.Options))
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		if gatekeeper != nil {
			ctr = ctr.WithMountedDirectory(gatekeeperPath, gatekeeper)
		}
		if len(env.Detection.HelmCharts)+len(env.Detection.Kustomizations) > 0 {
			rendered, err := env.renderedManifests()
			if err != nil {
				return nil, fmt.Errorf("step %s: %w", spec.Name, err)
			}
			ctr = ctr.WithMountedDirectory(renderedPath, rendered)
		}
		ctr = runTo(ctr, reportPath("conftest-k8s.json"), conftestK8sArgs(env.Detection, env.Options)...)
		return env.output(spec, ctr), nil
	},
}

// kubePolicyDir is the Rego directory of conftest-k8s: the configured
// one, else the detected policy/ or policies/.
func kubePolicyDir(d Detection, o Options) string {
	if o.KubePolicyDir != "" {
		return o.KubePolicyDir
	}
	return d.PolicyDir
}

// conftestK8sArgs returns the conftest argv, with the directory of rules
// converted from Gatekeeper templates when the policy directory has any.
func conftestK8sArgs(d Detection, o Options) []string {
	args := []string{"conftest", "test", "--policy", kubePolicyDir(d, o)}
	if hasGatekeeperPolicies(d, o) {
		args = append(args, "--policy", gatekeeperPath)
	}
	args = append(args, "--all-namespaces", "--output", "json", "--no-color")
	return append(args, manifestArgs(d)...)
}

// hasGatekeeperPolicies reports whether the host policy directory holds
// Gatekeeper templates; an unreadable directory counts as none here, and
// the builder reports the error.
func hasGatekeeperPolicies(d Detection, o Options) bool {
	if d.Root == "" {
		return false
	}
	policies, err := GatekeeperPolicies(filepath.Join(d.Root, filepath.FromSlash(kubePolicyDir(d, o))))
	return err == nil && len(policies) > 0
}

func skipUnlessTerraform(d Detection, _ Options) (bool, string) {
	if len(d.TerraformDirs) == 0 {
		return true, "no *.tf files in the source"
	}
	return false, ""
}

// TFLint lints every Terraform directory recursively. Provider rule
// plugins are installed (tflint --init) only with runtime downloads, into
// the hmsci/tflint-plugins cache.
var TFLint = toolStep{
	spec: Spec{
		Name:        "tflint",
		Phase:       PhaseInfrastructure,
		Description: "tflint Terraform lint",
		ImageKey:    ImageTFLint,
		Command:     []string{"tflint", "--recursive", "--format", "sarif", "--no-color"},
		Reports:     []string{"tflint.sarif"},
		Gates:       []string{"terraform-lint", "infrastructure-critical"},
		ToolSource:  "the tflint image (plugins only with runtime downloads)",
		Skip:        skipUnlessTerraform,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = ctr.WithMountedCache("/root/.tflint.d/plugins", env.cache(CacheTFLintPlugins)).
			WithEnvVariable("TFLINT_PLUGIN_DIR", "/root/.tflint.d/plugins")
		if env.Options.AllowRuntimeDownloads {
			ctr = ctr.WithExec([]string{"tflint", "--init", "--recursive"})
		}
		ctr = runTo(ctr, reportPath("tflint.sarif"), spec.Command...)
		return env.output(spec, ctr), nil
	},
}

func trivyConfigArgs(o Options) []string {
	args := []string{"trivy", "config", "--format", "sarif", "--output", reportPath("trivy-config.sarif")}
	args = append(args, trivyCommon(o)...)
	args = append(args, trivyChecksArgs(o)...)
	return append(args, ".")
}

// TrivyConfig scans Terraform (and other IaC) for misconfigurations such
// as unencrypted storage or public buckets. The checks come from the
// configured bundle repository, or from the checks built into the trivy
// binary when no bundle may be fetched.
var TrivyConfig = toolStep{
	spec: Spec{
		Name:        "trivy-config",
		Phase:       PhaseInfrastructure,
		Description: "trivy infrastructure misconfiguration scan",
		ImageKey:    ImageTrivy,
		Command:     trivyConfigArgs(Options{AllowRuntimeDownloads: true}.withDefaults()),
		CommandFor:  func(_ Detection, o Options) []string { return trivyConfigArgs(o) },
		Pulls:       func(_ Detection, o Options) []Pull { return trivyPulls(o, "trivy-config", true) },
		Reports:     []string{"trivy-config.sarif"},
		Gates:       []string{"terraform-misconfigurations", "infrastructure-critical"},
		ToolSource:  "the trivy image; checks from the configured bundle repository, else built into trivy",
		Skip:        skipUnlessTerraform,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.trivyBase(spec)
		if err != nil {
			return nil, err
		}
		ctr = run(ctr, trivyConfigArgs(env.Options)...)
		return env.output(spec, ctr), nil
	},
}

// TerraformDrift runs `terraform plan -detailed-exitcode` in every
// Terraform directory with the provider credentials as secret variables.
// terraform-drift.txt holds one "DIR STATUS" line per directory: 0 no
// changes, 1 error, 2 drift. The plan of each directory is kept as JSON.
var TerraformDrift = toolStep{
	spec: Spec{
		Name:        "terraform-drift",
		Phase:       PhaseInfrastructure,
		Description: "terraform drift detection",
		ImageKey:    ImageTerraform,
		Command:     []string{"terraform", "plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"},
		Reports:     []string{"terraform-drift.txt", "terraform-plan-*.json"},
		Gates:       []string{"terraform-drift"},
		Optional:    true,
		ToolSource:  "the terraform image; providers through the hmsci/terraform-plugins cache",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessTerraform(d, o); skip {
				return skip, reason
			}
			if !o.TerraformDrift {
				return true, "drift detection is off (opt in and give credentials as secrets)"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = ctr.WithMountedCache("/root/.terraform.d/plugin-cache", env.cache(CacheTerraform)).
			WithEnvVariable("TF_PLUGIN_CACHE_DIR", "/root/.terraform.d/plugin-cache").
			WithEnvVariable("TF_IN_AUTOMATION", "1").
			WithEnvVariable("TF_INPUT", "0")
		for _, name := range sortedEnv(env.Options.TerraformEnv) {
			ctr = ctr.WithSecretVariable(name, env.Options.TerraformEnv[name])
		}
		txt := shellQuote(reportPath("terraform-drift.txt"))
		var script strings.Builder
		script.WriteString(": > " + txt + "\n")
		for _, dir := range env.Detection.TerraformDirs {
			plan := "/tmp/plan-" + fileSafe(dir)
			fmt.Fprintf(&script, `terraform -chdir=%[1]s init -input=false -no-color > /dev/null
if [ $? -ne 0 ]; then echo %[1]s 1 >> %[2]s; else
terraform -chdir=%[1]s plan -detailed-exitcode -input=false -no-color -lock=false -out=%[3]s > /dev/null
echo %[1]s $? >> %[2]s
terraform -chdir=%[1]s show -json %[3]s > %[4]s 2>/dev/null
fi
`, shellQuote(dir), txt, plan, shellQuote(reportPath("terraform-plan-"+fileSafe(dir)+".json")))
		}
		ctr = shell(ctr, script.String())
		return env.output(spec, ctr), nil
	},
}
