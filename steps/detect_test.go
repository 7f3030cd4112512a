package steps

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return root
}

func TestDetectFullProject(t *testing.T) {
	root := writeTree(t, map[string]string{
		"package.json": `{"scripts": {"migrate:up": "x", "migrate:down": "y"},
			"dependencies": {"pg": "^8"},
			"devDependencies": {"jest": "^29.7.0", "typescript": "~5.9.3", "@playwright/test": "^1.49.0"}}`,
		"package-lock.json":                       `{"packages": {"node_modules/@playwright/test": {"version": "1.49.1"}}}`,
		"tsconfig.json":                           `{}`,
		"eslint.config.mjs":                       `export default []`,
		"stryker.config.json":                     `{}`,
		"go.mod":                                  "module example.com/x\n\ngo 1.24\n\ntool (\n\tgolang.org/x/vuln/cmd/govulncheck // vulns\n)\ntool github.com/jstemmer/go-junit-report/v2\n",
		"tools/go.mod":                            "module example.com/tools\n",
		"load/smoke.js":                           "import http from 'k6/http';\nexport default function () {}\n",
		"src/app.js":                              "import express from 'express';\n",
		"api/hms.postman_collection.json":         `{}`,
		"api/local.postman_environment.json":      `{}`,
		"Dockerfile":                              "FROM scratch\n",
		"services/worker/Dockerfile":              "FROM scratch\n",
		"deploy/k8s/deployment.yaml":              "apiVersion: apps/v1\nkind: Deployment\n",
		"deploy/k8s/notes.yaml":                   "title: not a manifest\n",
		"deploy/chart/Chart.yaml":                 "apiVersion: v2\nname: chart\n",
		"deploy/chart/templates/deployment.yaml":  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
		"deploy/overlays/prod/kustomization.yaml": "resources: []\n",
		"infra/main.tf":                           "resource \"x\" \"y\" {}\n",
		"db/migrations/001.sql":                   "select 1;\n",
		"policy/deny.rego":                        "package main\n",
		".semgrep.yml":                            "rules: []\n",
		".github/workflows/ci.yml":                "apiVersion: v1\nkind: NotReally\n",
		"node_modules/x/Dockerfile":               "FROM scratch\n",
		"sonar-project.properties":                "sonar.projectKey=x\n",
	})

	d := Detect(root)

	assert.Empty(t, d.Problems)
	assert.True(t, d.Node)
	assert.True(t, d.TypeScript)
	assert.Equal(t, "tsconfig.json", d.TSConfig)
	assert.Equal(t, "npm", d.PackageManager)
	assert.Equal(t, "package-lock.json", d.Lockfile)
	assert.Equal(t, "jest", d.TestFramework)
	assert.True(t, d.Playwright)
	assert.Equal(t, "1.49.1", d.PlaywrightVersion)
	assert.Equal(t, "stryker.config.json", d.StrykerConfig)
	assert.Equal(t, "eslint.config.mjs", d.ESLintConfig)
	assert.True(t, d.Go)
	assert.Equal(t, []string{".", "tools"}, d.GoModules)
	assert.True(t, d.HasGoTool(govulncheckPath))
	assert.True(t, d.HasGoTool(goJUnitReportPath))
	assert.Equal(t, []string{"load/smoke.js"}, d.K6Scripts)
	assert.Equal(t, []string{"api/hms.postman_collection.json"}, d.NewmanCollections)
	assert.Equal(t, []string{"api/local.postman_environment.json"}, d.NewmanEnvironments)
	assert.Equal(t, []string{"Dockerfile", "services/worker/Dockerfile"}, d.Dockerfiles)
	assert.Equal(t, []string{"deploy/k8s"}, d.KubernetesDirs)
	assert.Equal(t, []string{"deploy/chart"}, d.HelmCharts)
	assert.Equal(t, []string{"deploy/overlays/prod"}, d.Kustomizations)
	assert.Equal(t, []string{"infra"}, d.TerraformDirs)
	assert.Equal(t, "db/migrations", d.MigrationsDir)
	assert.Equal(t, "policy", d.PolicyDir)
	assert.Equal(t, ".semgrep.yml", d.SemgrepConfig)
	assert.Equal(t, "sonar-project.properties", d.SonarProperties)
}

func TestDetectPackageManagers(t *testing.T) {
	tests := []struct {
		name     string
		files    map[string]string
		manager  string
		lockfile string
	}{
		{"pnpm", map[string]string{"package.json": `{}`, "pnpm-lock.yaml": ""}, "pnpm", "pnpm-lock.yaml"},
		{"yarn", map[string]string{"package.json": `{}`, "yarn.lock": ""}, "yarn", "yarn.lock"},
		{"npm", map[string]string{"package.json": `{}`, "package-lock.json": `{}`}, "npm", "package-lock.json"},
		{"packageManager field", map[string]string{"package.json": `{"packageManager": "pnpm@9.1.0"}`}, "pnpm", ""},
		{"no lockfile", map[string]string{"package.json": `{}`}, "npm", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Detect(writeTree(t, tt.files))
			assert.Equal(t, tt.manager, d.PackageManager)
			assert.Equal(t, tt.lockfile, d.Lockfile)
		})
	}
}

func TestDetectReportsInvalidPackageJSON(t *testing.T) {
	d := Detect(writeTree(t, map[string]string{"package.json": "{\n  \"scripts\": {\n    \"a\": 1\n  }\n}"}))
	require.Len(t, d.Problems, 1)
	assert.Contains(t, d.Problems[0], "package.json: line 3")
	assert.True(t, d.Node)
}

func TestDetectMissingRoot(t *testing.T) {
	d := Detect(filepath.Join(t.TempDir(), "absent"))
	require.Len(t, d.Problems, 1)
	assert.Contains(t, d.Problems[0], "absent")
	assert.False(t, d.Node)
}

func TestDetectExampleApp(t *testing.T) {
	root := filepath.Join("..", "examples", "hms-app")
	if _, err := os.Stat(filepath.Join(root, "package.json")); err != nil {
		t.Skip("examples/hms-app is not in this tree")
	}
	d := Detect(root)
	assert.True(t, d.Node)
	assert.True(t, d.TypeScript)
	assert.Equal(t, "npm", d.PackageManager)
	assert.Equal(t, "jest", d.TestFramework)
	assert.Contains(t, d.Dockerfiles, "Dockerfile")
	assert.Contains(t, d.KubernetesDirs, "deploy/k8s")
	assert.Contains(t, d.TerraformDirs, "deploy/terraform")
	assert.Equal(t, "migrations", d.MigrationsDir)
}

func TestParseGoTools(t *testing.T) {
	got := parseGoTools([]byte("module x\n\ntool a/b // comment\ntool (\n\tc/d\n\n\te/f\n)\nrequire g v1\n"))
	assert.Equal(t, []string{"a/b", "c/d", "e/f"}, got)
}
