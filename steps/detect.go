package steps

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Detection is the result of Detect: the languages, tools and deployment
// files of a source tree. Paths are slash-separated and relative to Root.
type Detection struct {
	// Root is the host directory that was scanned.
	Root string

	// Node is set when package.json exists at the root.
	Node bool
	// TypeScript is set when a tsconfig.json exists or typescript is a dependency.
	TypeScript bool
	// TSConfig is the root tsconfig path, usually "tsconfig.json".
	TSConfig string
	// PackageManager is npm, pnpm or yarn; Lockfile is its lockfile.
	PackageManager string
	Lockfile       string
	// Scripts are the package.json scripts.
	Scripts map[string]string
	// Dependencies maps every dependency and devDependency to its version
	// range from package.json.
	Dependencies map[string]string
	// TestFramework is jest or vitest, from the dependencies.
	TestFramework string
	// Playwright is set when @playwright/test is a dependency;
	// PlaywrightVersion is its exact version when the lockfile gives one.
	Playwright        bool
	PlaywrightVersion string
	// StrykerConfig is the Stryker config file, if any.
	StrykerConfig string
	// ESLintConfig and PrettierConfig are the config files found.
	ESLintConfig   string
	PrettierConfig string

	// Go is set when go.mod exists at the root; GoModules lists every
	// directory holding a go.mod; GoTools are the go.mod tool directives.
	Go        bool
	GoModules []string
	GoTools   []string

	// K6Scripts are JavaScript files that import k6.
	K6Scripts []string
	// NewmanCollections and NewmanEnvironments are Postman exports.
	NewmanCollections  []string
	NewmanEnvironments []string
	// MigrationsDir is the database migrations directory, if any.
	MigrationsDir string
	// SemgrepConfig is a semgrep rules file or directory in the source.
	SemgrepConfig string

	// Dockerfiles are Dockerfile paths, the root one first.
	Dockerfiles []string
	// KubernetesDirs hold plain YAML manifests (apiVersion and kind).
	KubernetesDirs []string
	// HelmCharts are directories with a Chart.yaml.
	HelmCharts []string
	// Kustomizations are directories with a kustomization file.
	Kustomizations []string
	// TerraformDirs hold *.tf files.
	TerraformDirs []string
	// PolicyDir is a Rego policy directory (policy/ or policies/).
	PolicyDir string
	// SonarProperties is sonar-project.properties at the root, if any.
	SonarProperties string

	// Problems lists files that could not be read or parsed, each naming
	// the file and the cause. Detection continues past them.
	Problems []string
}

// skippedDirs are never descended into: dependencies, build output, VCS.
var skippedDirs = map[string]bool{
	"node_modules": true, ".git": true, "vendor": true, "dist": true, "build": true,
	"coverage": true, ".next": true, ".turbo": true, ".terraform": true,
	"hmsci-reports": true, ".scannerwork": true, "reports": true,
}

// maxSniffBytes is how much of a file Detect reads to classify it.
const maxSniffBytes = 8 << 10

var k6Import = regexp.MustCompile(`(?m)^\s*import\s.*from\s+['"]k6(/[a-z/]+)?['"]`)

// Detect scans root on the host filesystem and reports the languages,
// tools and deployment files found. It returns no error, because unreadable
// or invalid files are listed in Problems and detection goes on.
func Detect(root string) Detection {
	d := Detection{Root: root, Scripts: map[string]string{}, Dependencies: map[string]string{}}

	info, err := os.Stat(root)
	if err != nil {
		d.Problems = append(d.Problems, fmt.Sprintf("source %q: %v", root, err))
		return d
	}
	if !info.IsDir() {
		d.Problems = append(d.Problems, fmt.Sprintf("source %q: not a directory", root))
		return d
	}

	d.detectNode()
	d.detectGo()
	d.SonarProperties = d.firstExisting("sonar-project.properties")
	d.walk()
	d.sortAll()
	return d
}

func (d *Detection) exists(rel string) bool {
	_, err := os.Stat(filepath.Join(d.Root, filepath.FromSlash(rel)))
	return err == nil
}

func (d *Detection) firstExisting(candidates ...string) string {
	for _, c := range candidates {
		if d.exists(c) {
			return c
		}
	}
	return ""
}

type packageJSON struct {
	Scripts         map[string]string `json:"scripts"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	PackageManager  string            `json:"packageManager"`
}

func (d *Detection) detectNode() {
	data, err := os.ReadFile(filepath.Join(d.Root, "package.json"))
	if err != nil {
		if !os.IsNotExist(err) {
			d.Problems = append(d.Problems, fmt.Sprintf("package.json: %v", err))
		}
		return
	}
	d.Node = true

	var pkg packageJSON
	if err := json.Unmarshal(data, &pkg); err != nil {
		d.Problems = append(d.Problems, fmt.Sprintf("package.json: %s", describeJSONError(data, err)))
	}
	for k, v := range pkg.Scripts {
		d.Scripts[k] = v
	}
	for k, v := range pkg.Dependencies {
		d.Dependencies[k] = v
	}
	for k, v := range pkg.DevDependencies {
		d.Dependencies[k] = v
	}

	switch {
	case d.exists("pnpm-lock.yaml"):
		d.PackageManager, d.Lockfile = "pnpm", "pnpm-lock.yaml"
	case d.exists("yarn.lock"):
		d.PackageManager, d.Lockfile = "yarn", "yarn.lock"
	case d.exists("package-lock.json"):
		d.PackageManager, d.Lockfile = "npm", "package-lock.json"
	case d.exists("npm-shrinkwrap.json"):
		d.PackageManager, d.Lockfile = "npm", "npm-shrinkwrap.json"
	case strings.HasPrefix(pkg.PackageManager, "pnpm@"):
		d.PackageManager = "pnpm"
	case strings.HasPrefix(pkg.PackageManager, "yarn@"):
		d.PackageManager = "yarn"
	default:
		d.PackageManager = "npm"
	}

	d.TSConfig = d.firstExisting("tsconfig.json")
	_, hasTS := d.Dependencies["typescript"]
	d.TypeScript = d.TSConfig != "" || hasTS

	switch {
	case d.hasDep("vitest"):
		d.TestFramework = "vitest"
	case d.hasDep("jest"):
		d.TestFramework = "jest"
	}

	if d.hasDep("@playwright/test") {
		d.Playwright = true
		d.PlaywrightVersion = d.lockedVersion("@playwright/test")
	}

	d.StrykerConfig = d.firstExisting("stryker.config.json", "stryker.config.mjs", "stryker.config.js",
		"stryker.conf.json", "stryker.conf.js", ".stryker.config.json")
	d.ESLintConfig = d.firstExisting("eslint.config.js", "eslint.config.mjs", "eslint.config.cjs",
		"eslint.config.ts", ".eslintrc.json", ".eslintrc.js", ".eslintrc.cjs", ".eslintrc.yml", ".eslintrc.yaml", ".eslintrc")
	d.PrettierConfig = d.firstExisting(".prettierrc", ".prettierrc.json", ".prettierrc.yml", ".prettierrc.yaml",
		".prettierrc.js", ".prettierrc.cjs", ".prettierrc.mjs", "prettier.config.js", "prettier.config.mjs", "prettier.config.cjs")
}

func (d *Detection) hasDep(name string) bool {
	_, ok := d.Dependencies[name]
	return ok
}

var exactVersion = regexp.MustCompile(`\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?`)

// lockedVersion returns the exact installed version of a package from
// package-lock.json, else the first x.y.z in its package.json range.
func (d *Detection) lockedVersion(name string) string {
	if d.Lockfile == "package-lock.json" || d.Lockfile == "npm-shrinkwrap.json" {
		data, err := os.ReadFile(filepath.Join(d.Root, d.Lockfile))
		if err == nil {
			var lock struct {
				Packages map[string]struct {
					Version string `json:"version"`
				} `json:"packages"`
			}
			if err := json.Unmarshal(data, &lock); err != nil {
				d.Problems = append(d.Problems, fmt.Sprintf("%s: %s", d.Lockfile, describeJSONError(data, err)))
			} else if p, ok := lock.Packages["node_modules/"+name]; ok && p.Version != "" {
				return p.Version
			}
		}
	}
	return exactVersion.FindString(d.Dependencies[name])
}

func (d *Detection) detectGo() {
	data, err := os.ReadFile(filepath.Join(d.Root, "go.mod"))
	if err != nil {
		return
	}
	d.Go = true
	d.GoTools = parseGoTools(data)
}

// parseGoTools returns the paths named by tool directives in a go.mod, in
// both the single-line and the block form.
func parseGoTools(gomod []byte) []string {
	var tools []string
	inBlock := false
	scanner := bufio.NewScanner(bytes.NewReader(gomod))
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case inBlock && line == ")":
			inBlock = false
		case inBlock && line != "":
			tools = append(tools, line)
		case line == "tool (":
			inBlock = true
		case strings.HasPrefix(line, "tool "):
			tools = append(tools, strings.TrimSpace(strings.TrimPrefix(line, "tool ")))
		}
	}
	return tools
}

// HasGoTool reports whether go.mod declares the tool path (Go 1.24+ tool
// directive), so `go tool` runs it from the module cache without a download
// beyond the project's own dependencies.
func (d Detection) HasGoTool(toolPath string) bool {
	for _, t := range d.GoTools {
		if t == toolPath {
			return true
		}
	}
	return false
}

// HasDependency reports whether package.json lists name as a dependency or
// devDependency.
func (d Detection) HasDependency(name string) bool {
	_, ok := d.Dependencies[name]
	return ok
}

func (d *Detection) walk() {
	k8s := map[string]bool{}
	tf := map[string]bool{}
	chartRoots := []string{}

	err := filepath.WalkDir(d.Root, func(p string, entry fs.DirEntry, err error) error {
		if err != nil {
			d.Problems = append(d.Problems, fmt.Sprintf("%s: %v", p, err))
			if entry != nil && entry.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, relErr := filepath.Rel(d.Root, p)
		if relErr != nil {
			return nil
		}
		rel = filepath.ToSlash(rel)
		name := entry.Name()

		if entry.IsDir() {
			if rel != "." && (skippedDirs[name] || strings.HasPrefix(name, ".") && name != ".semgrep") {
				return fs.SkipDir
			}
			d.classifyDir(rel, name)
			return nil
		}

		dir := path.Dir(rel)
		switch {
		case name == "go.mod":
			d.GoModules = append(d.GoModules, dir)
		case name == "Dockerfile" || strings.HasSuffix(name, ".Dockerfile") || strings.HasPrefix(name, "Dockerfile."):
			d.Dockerfiles = append(d.Dockerfiles, rel)
		case name == "Chart.yaml":
			d.HelmCharts = append(d.HelmCharts, dir)
			chartRoots = append(chartRoots, dir)
		case name == "kustomization.yaml" || name == "kustomization.yml" || name == "Kustomization":
			d.Kustomizations = append(d.Kustomizations, dir)
		case strings.HasSuffix(name, ".tf"):
			tf[dir] = true
		case strings.HasSuffix(name, ".postman_collection.json"):
			d.NewmanCollections = append(d.NewmanCollections, rel)
		case strings.HasSuffix(name, ".postman_environment.json"):
			d.NewmanEnvironments = append(d.NewmanEnvironments, rel)
		case (name == ".semgrep.yml" || name == ".semgrep.yaml") && dir == ".":
			d.SemgrepConfig = rel
		case strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml"):
			inPolicy := d.PolicyDir != "" && underAny(rel, []string{d.PolicyDir})
			if !inPolicy && !underAny(rel, chartRoots) && !strings.HasPrefix(rel, ".github/") && d.isKubernetesManifest(p, rel) {
				k8s[dir] = true
			}
		case strings.HasSuffix(name, ".js") || strings.HasSuffix(name, ".ts"):
			if d.importsK6(p, rel) {
				d.K6Scripts = append(d.K6Scripts, rel)
			}
		}
		return nil
	})
	if err != nil {
		d.Problems = append(d.Problems, fmt.Sprintf("walk %s: %v", d.Root, err))
	}

	for dir := range k8s {
		if !underAny(dir, chartRoots) {
			d.KubernetesDirs = append(d.KubernetesDirs, dir)
		}
	}
	for dir := range tf {
		d.TerraformDirs = append(d.TerraformDirs, dir)
	}
}

func (d *Detection) classifyDir(rel, name string) {
	switch {
	case name == "migrations" && d.MigrationsDir == "":
		d.MigrationsDir = rel
	case rel == ".semgrep" && d.SemgrepConfig == "":
		d.SemgrepConfig = rel
	case (rel == "policy" || rel == "policies") && d.PolicyDir == "":
		d.PolicyDir = rel
	}
}

func underAny(rel string, roots []string) bool {
	for _, r := range roots {
		if r == "." || rel == r || strings.HasPrefix(rel, r+"/") {
			return true
		}
	}
	return false
}

func sniff(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf := make([]byte, maxSniffBytes)
	n, err := f.Read(buf)
	if n == 0 && err != nil {
		return nil, nil
	}
	return buf[:n], nil
}

var (
	topAPIVersion = regexp.MustCompile(`(?m)^apiVersion:\s*\S+`)
	topKind       = regexp.MustCompile(`(?m)^kind:\s*[A-Z]\w*`)
)

func (d *Detection) isKubernetesManifest(p, rel string) bool {
	head, err := sniff(p)
	if err != nil {
		d.Problems = append(d.Problems, fmt.Sprintf("%s: %v", rel, err))
		return false
	}
	if bytes.Contains(head, []byte("{{")) {
		return false
	}
	return topAPIVersion.Match(head) && topKind.Match(head)
}

func (d *Detection) importsK6(p, rel string) bool {
	head, err := sniff(p)
	if err != nil {
		d.Problems = append(d.Problems, fmt.Sprintf("%s: %v", rel, err))
		return false
	}
	return k6Import.Match(head)
}

func (d *Detection) sortAll() {
	for _, list := range []*[]string{&d.GoModules, &d.K6Scripts, &d.NewmanCollections, &d.NewmanEnvironments,
		&d.KubernetesDirs, &d.HelmCharts, &d.Kustomizations, &d.TerraformDirs} {
		sort.Strings(*list)
	}
	sort.SliceStable(d.Dockerfiles, func(i, j int) bool {
		return rootFirst(d.Dockerfiles[i], d.Dockerfiles[j])
	})
}

func rootFirst(a, b string) bool {
	if (a == "Dockerfile") != (b == "Dockerfile") {
		return a == "Dockerfile"
	}
	return a < b
}

// describeJSONError adds the line and column of a JSON syntax error.
func describeJSONError(data []byte, err error) string {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	offset := int64(-1)
	switch {
	case asError(err, &syntax):
		offset = syntax.Offset
	case asError(err, &typeErr):
		offset = typeErr.Offset
	}
	if offset < 0 {
		return err.Error()
	}
	line, col := lineColumn(data, offset)
	return fmt.Sprintf("line %d column %d: %v", line, col, err)
}

func lineColumn(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(offset) - bytes.LastIndexByte(before, '\n')
	return line, col
}
