// Package config loads and validates hmsci.yaml, the policy file that sets
// gate thresholds, step options, images and analyzer settings.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-multierror"
	"gopkg.in/yaml.v3"

	"github.com/hms-enterprise/hmsci/compliance/phi"
	"github.com/hms-enterprise/hmsci/infra/kube"
	"github.com/hms-enterprise/hmsci/infra/terraform"
)

// DefaultFile is the policy file name that commands look for.
const DefaultFile = "hmsci.yaml"

// MaxFileSize bounds the policy file that Load reads.
const MaxFileSize = 1 << 20

// Config is the effective policy: the file's values over the defaults.
type Config struct {
	// Source names the origin of the values: a file name, or a note that
	// no file exists and the defaults apply.
	Source string `yaml:"-"`

	Version        Version        `yaml:"version"`
	Gates          Gates          `yaml:"gates"`
	Images         Images         `yaml:"images"`
	Phases         Phases         `yaml:"phases"`
	Steps          Steps          `yaml:"steps"`
	PHI            PHI            `yaml:"phi"`
	FHIR           FHIR           `yaml:"fhir"`
	HIPAA          HIPAA          `yaml:"hipaa"`
	App            App            `yaml:"app"`
	Container      Container      `yaml:"container"`
	Infrastructure Infrastructure `yaml:"infrastructure"`
}

// Images sets where step images come from.
type Images struct {
	// Mirror is a registry prefix put in front of each image reference,
	// which keeps its source registry: with "registry.hospital.example/mirror",
	// docker.io/library/node:22 is pulled as
	// registry.hospital.example/mirror/docker.io/library/node:22.
	Mirror string `yaml:"mirror"`
	// Overrides replaces the image reference of single steps.
	Overrides map[StepName]string `yaml:"overrides"`
	// AllowRuntimeDownloads lets steps fetch tools or rule sets at run
	// time; off by default for air-gapped networks.
	AllowRuntimeDownloads bool `yaml:"allow-runtime-downloads"`
	// NPMRegistry is the npm registry that Node steps install the
	// project's packages from, such as a hospital's npm mirror. Empty means
	// the project's .npmrc or npm's default.
	NPMRegistry URL `yaml:"npm-registry"`
	// GoProxy is the GOPROXY of Go steps; empty means Go's default.
	GoProxy URL `yaml:"go-proxy"`
}

func (im *Images) check() error {
	if strings.Contains(im.Mirror, "://") || strings.ContainsAny(im.Mirror, " \t\r\n") {
		return fmt.Errorf("invalid mirror %q: use a registry prefix without scheme or spaces, such as \"registry.hospital.example/mirror\"", redactURL(im.Mirror))
	}
	for _, step := range slices.Sorted(maps.Keys(im.Overrides)) {
		ref := im.Overrides[step]
		if ref == "" || strings.Contains(ref, "://") || strings.ContainsAny(ref, " \t\r\n") {
			return fmt.Errorf("invalid image reference %q for step %q: use a reference such as \"registry.example/team/tool:1.2@sha256:...\"", ref, step)
		}
	}
	// Credentials in a URL would end up in logs and in the engine's cache
	// keys; registries authenticate through the project's .npmrc or netrc.
	for key, u := range map[string]URL{"npm-registry": im.NPMRegistry, "go-proxy": im.GoProxy} {
		if parsed, err := url.Parse(string(u)); err == nil && parsed.User != nil {
			return fmt.Errorf("invalid %s %q: remove the credentials from the URL and give them to the tool as a secret", key, redactURL(string(u)))
		}
	}
	return nil
}

// Phase holds the settings of one pipeline phase.
type Phase struct {
	Enabled bool     `yaml:"enabled"`
	Timeout Duration `yaml:"timeout"`
}

// Phases holds every phase and how the pipeline treats failures.
type Phases struct {
	// FailFast cancels the remaining phases after the first failure;
	// off by default, so every phase reports.
	FailFast       bool  `yaml:"fail-fast"`
	Quality        Phase `yaml:"quality"`
	Testing        Phase `yaml:"testing"`
	Security       Phase `yaml:"security"`
	Compliance     Phase `yaml:"compliance"`
	Container      Phase `yaml:"container"`
	Infrastructure Phase `yaml:"infrastructure"`
}

// PHI sets the in-process PHI scanner.
type PHI struct {
	Include     []Glob   `yaml:"include"`
	Exclude     []Glob   `yaml:"exclude"`
	MaxFileSize ByteSize `yaml:"max-file-size"`
	// MaskFunctions are function names whose result counts as masked.
	MaskFunctions []string `yaml:"mask-functions"`
	// Allowlist and Baseline are repository-relative files; empty means none.
	Allowlist string `yaml:"allowlist"`
	Baseline  string `yaml:"baseline"`
	// SyntheticBlocking makes findings on synthetic test data block too.
	SyntheticBlocking bool `yaml:"synthetic-blocking"`
}

// FHIR sets the in-process FHIR R4 validator.
type FHIR struct {
	Include []Glob `yaml:"include"`
	Exclude []Glob `yaml:"exclude"`
	// Blocking lists globs whose resources must all validate.
	Blocking           []Glob            `yaml:"blocking"`
	ExtensibleBindings BindingStrictness `yaml:"extensible-bindings"`
	// AllowedExtensions are URL prefixes of extensions that R4 core does
	// not define but the project uses, such as an implementation guide's
	// "http://hl7.org/fhir/us/core/StructureDefinition/". Any other
	// unknown extension is an error, as in the HL7 validator.
	AllowedExtensions []string `yaml:"allowed-extensions"`
	// AllowExampleURLs accepts url values in example domains such as
	// example.org.
	AllowExampleURLs bool `yaml:"allow-example-urls"`
	// StrictIdentifiers makes a failed NPI, SSN or MBI check an error
	// instead of a warning.
	StrictIdentifiers bool `yaml:"strict-identifiers"`
}

// Container sets the image build, signing and publishing.
type Container struct {
	Dockerfile string `yaml:"dockerfile"`
	Context    string `yaml:"context"`
	// Image is the repository name without tag, such as "hospital/portal".
	Image    string `yaml:"image"`
	Registry string `yaml:"registry"`
	// KeySecretEnv and PasswordEnv name the variables that hold the
	// signing key and the registry password.
	KeySecretEnv   EnvName  `yaml:"key-secret-env"`
	PasswordEnv    EnvName  `yaml:"password-env"`
	MinimalRuntime bool     `yaml:"minimal-runtime"`
	MaxSizeMB      int      `yaml:"max-size-mb" min:"1" unit:"MB"`
	Publish        bool     `yaml:"publish"`
	Tiers          []string `yaml:"tiers"`
	// BuildArgs are the Dockerfile ARG values of the image build, such as
	// a base image on the hospital's registry mirror. `ci plan` resolves
	// the Dockerfile's FROM lines with them.
	BuildArgs map[string]string `yaml:"build-args"`
}

// buildArgName is the syntax of a Dockerfile ARG name.
var buildArgName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (c *Container) check() error {
	seen := map[string]bool{}
	for _, t := range c.Tiers {
		if t == "" {
			return fmt.Errorf("empty tier name in tiers")
		}
		if seen[t] {
			return fmt.Errorf("tier %q listed twice", t)
		}
		seen[t] = true
	}
	if c.Publish && c.Registry == "" {
		return fmt.Errorf("publish is true but registry is empty: set registry or publish: false")
	}
	for _, name := range slices.Sorted(maps.Keys(c.BuildArgs)) {
		if !buildArgName.MatchString(name) {
			return fmt.Errorf("invalid build-args name %q: a Dockerfile ARG name has letters, digits and '_' and does not start with a digit", name)
		}
	}
	return nil
}

// Kubernetes sets manifest validation.
type Kubernetes struct {
	Paths []Glob `yaml:"paths"`
	// ProductionPaths are the manifests held to the restricted Pod
	// Security Standard.
	ProductionPaths   []Glob `yaml:"production-paths"`
	KubernetesVersion string `yaml:"kubernetes-version"`
	// SchemaLocation is a local directory or URL template of JSON schemas
	// for kubeconform; empty means the schemas baked into the image.
	SchemaLocation string `yaml:"schema-location"`
	// DefaultNamespace is the namespace of manifests without
	// metadata.namespace; empty means "default".
	DefaultNamespace string `yaml:"default-namespace"`
	// DisabledRules lists hmsci-kube rule ids that are not reported.
	DisabledRules []string `yaml:"disabled-rules"`
}

func (k *Kubernetes) check() error {
	var major, minor, patch int
	if n, err := fmt.Sscanf(k.KubernetesVersion, "%d.%d.%d", &major, &minor, &patch); err != nil || n != 3 ||
		fmt.Sprintf("%d.%d.%d", major, minor, patch) != k.KubernetesVersion {
		return fmt.Errorf("invalid kubernetes-version %q: use major.minor.patch such as \"1.31.0\"", k.KubernetesVersion)
	}
	var ids []string
	for _, r := range kube.Rules() {
		ids = append(ids, r.ID)
	}
	return checkRuleIDs(k.DisabledRules, ids)
}

// Terraform sets Terraform validation.
type Terraform struct {
	Paths []Glob `yaml:"paths"`
	// MinBackupRetentionDays is the shortest accepted database backup
	// retention.
	MinBackupRetentionDays int `yaml:"min-backup-retention-days" min:"1" max:"35" unit:"days"`
	// DisabledRules lists hmsci-terraform rule ids that are not reported.
	DisabledRules []string `yaml:"disabled-rules"`
}

func (t *Terraform) check() error {
	var ids []string
	for _, r := range terraform.Rules() {
		ids = append(ids, r.ID)
	}
	return checkRuleIDs(t.DisabledRules, ids)
}

// checkRuleIDs rejects an id that is not a known rule, suggesting the
// closest one.
func checkRuleIDs(disabled, known []string) error {
	for _, id := range disabled {
		if !slices.Contains(known, id) {
			return fmt.Errorf("unknown rule %q in disabled-rules; did you mean %q?", id, closest(id, known))
		}
	}
	return nil
}

// App sets how the pipeline starts the application service that API,
// end-to-end, accessibility, load and DAST tests run against.
type App struct {
	// Command replaces the image's entrypoint and command, such as
	// ["/nodejs/bin/node", "dist/dev-server.js"]; empty keeps them.
	Command []string `yaml:"command"`
	// Port is the port the app listens on; the pipeline also sets PORT.
	Port int `yaml:"port" min:"1" max:"65535" unit:"port"`
	// Env sets environment variables of the app service, such as test
	// sessions. The values travel in plain text, so never put a secret
	// here.
	Env map[string]string `yaml:"env"`
}

func (a *App) check() error {
	for _, name := range slices.Sorted(maps.Keys(a.Env)) {
		if !buildArgName.MatchString(name) {
			return fmt.Errorf("invalid env name %q: use letters, digits and '_', not starting with a digit", name)
		}
	}
	return nil
}

// HIPAA sets the in-process HIPAA safeguard checks. Empty lists mean the
// built-in defaults listed in docs/hipaa.md.
type HIPAA struct {
	// SourcePaths are the directories, relative to the root, scanned for
	// route registrations; empty means src/ when it exists, else the root.
	SourcePaths []string `yaml:"source-paths"`
	// Exclude are globs of files left out of the route scan.
	Exclude []Glob `yaml:"exclude"`
	// AuditFunctions name the functions that write an audit record.
	AuditFunctions []string `yaml:"audit-functions"`
	// AuthMiddleware name the middleware functions that authorize a route.
	AuthMiddleware []string `yaml:"auth-middleware"`
	// PublicPaths are URL path globs that may be served without
	// authorization, such as health checks.
	PublicPaths []Glob `yaml:"public-paths"`
	// PatientDataPaths are URL path globs of routes that read or write
	// patient data and so must write an audit record.
	PatientDataPaths []Glob `yaml:"patient-data-paths"`
}

// Policies locates Rego policies for conftest.
type Policies struct {
	Paths []string `yaml:"paths"`
}

// Infrastructure sets Kubernetes, Terraform and policy checks.
type Infrastructure struct {
	Kubernetes Kubernetes `yaml:"kubernetes"`
	Terraform  Terraform  `yaml:"terraform"`
	Policies   Policies   `yaml:"policies"`
}

// Default returns the built-in policy.
func Default() *Config {
	phase := Phase{Enabled: true, Timeout: Duration(30 * time.Minute)}
	return &Config{
		Source:  "built-in defaults",
		Version: CurrentVersion,
		Gates:   defaultGates(),
		Images:  Images{Overrides: map[StepName]string{}},
		Phases: Phases{
			Quality: phase, Testing: phase, Security: phase,
			Compliance: phase, Container: phase, Infrastructure: phase,
		},
		Steps: defaultSteps(),
		App:   App{Port: 3000, Env: map[string]string{}},
		PHI: PHI{
			Include:       []Glob{"**"},
			Exclude:       []Glob{"**/.git/**", "**/node_modules/**", "**/vendor/**", "**/dist/**", "**/build/**", "hmsci-reports/**"},
			MaxFileSize:   2 << 20,
			MaskFunctions: slices.Clone(phi.DefaultMaskFunctions),
		},
		FHIR: FHIR{
			Include:            []Glob{"**/fhir/**/*.json", "**/*.fhir.json", "**/*.ndjson"},
			Exclude:            []Glob{"**/node_modules/**"},
			ExtensibleBindings: "warning",
		},
		Container: Container{
			Dockerfile:     "Dockerfile",
			Context:        ".",
			KeySecretEnv:   "COSIGN_PRIVATE_KEY",
			PasswordEnv:    "REGISTRY_PASSWORD",
			MinimalRuntime: true,
			MaxSizeMB:      500,
			Tiers:          []string{"dev", "staging", "prod"},
			BuildArgs:      map[string]string{},
		},
		Infrastructure: Infrastructure{
			Kubernetes: Kubernetes{
				Paths:             []Glob{"k8s/**/*.yaml", "k8s/**/*.yml", "deploy/**/*.yaml", "deploy/**/*.yml"},
				ProductionPaths:   []Glob{"**/prod/**", "**/production/**"},
				KubernetesVersion: "1.31.0",
			},
			Terraform: Terraform{Paths: []Glob{"**/*.tf"}, MinBackupRetentionDays: terraform.DefaultMinBackupRetentionDays},
			Policies:  Policies{Paths: []string{"policy"}},
		},
	}
}

// Load reads the policy file at path. A missing file yields the defaults,
// with Source saying so.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		c := Default()
		c.Source = fmt.Sprintf("built-in defaults (no %s found)", path)
		return c, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read policy file %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("policy file %s is larger than %d bytes", path, MaxFileSize)
	}
	// Unlike Parse, Load has the path of the policy file, so it also checks
	// the files that the policy names beside it (phi.allowlist).
	return parse(filepath.ToSlash(path), data, filepath.Dir(path))
}

// syntaxError turns a yaml.v3 parse error ("yaml: line 3: did not find
// expected key") into a FieldError with the line.
func syntaxError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
		_, rest, _ := strings.Cut(msg, ":")
		return &FieldError{File: name, Line: line, Column: 1, Message: "invalid YAML: " + strings.TrimSpace(rest)}
	}
	return &FieldError{File: name, Message: "invalid YAML: " + msg}
}

// Parse decodes policy data over the defaults. name is used in error
// messages. Every problem in the file is reported: the returned error is a
// *multierror.Error whose entries are *FieldError values.
func Parse(name string, data []byte) (*Config, error) {
	return parse(name, data, "")
}

// parse is Parse; dir, when set, is the directory of the policy file,
// against which keys that name files are checked.
func parse(name string, data []byte, dir string) (*Config, error) {
	c := Default()
	c.Source = name

	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil // an empty file means the defaults
		}
		return nil, syntaxError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &FieldError{File: name, Line: extra.Line, Column: extra.Column, Message: "invalid policy file: it must contain one YAML document; remove the second '---'"}
	}

	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return c, nil
		}
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return c, nil
	}

	d := &decoder{file: name, dir: dir}
	d.decode(root, reflect.ValueOf(c).Elem(), "", bounds{}, nil, 0)
	if len(d.errs) > 0 {
		var all *multierror.Error
		for _, e := range d.errs {
			all = multierror.Append(all, e)
		}
		all.ErrorFormat = listErrors
		return nil, all
	}
	return c, nil
}

func listErrors(errs []error) string {
	var b bytes.Buffer
	for i, e := range errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Marshal returns the effective policy as YAML, every default filled in.
func (c *Config) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encode policy: %w", err)
	}
	return b.Bytes(), nil
}
