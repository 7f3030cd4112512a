package render

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

func repoResult() *gates.Result {
	return &gates.Result{Source: "/home/runner/work/mono/mono/examples/hms-app", Findings: []gates.Finding{
		{Tool: "hmsci-phi", RuleID: "phi/ssn", Severity: gates.SeverityHigh, Message: "US Social Security number ***-**-4321", Path: "FAULTS.md", Line: 14},
		{Tool: "hmsci-fhir", RuleID: "fhir/invariant", Severity: gates.SeverityMedium, Message: "dom-6: a resource should have narrative", Path: "fixtures/fhir/p.json", Line: 1},
		{Tool: "hmsci-kube", RuleID: "kube/pss-privileged", Severity: gates.SeverityHigh, Message: "container app is privileged", Path: "./deploy/k8s/app.yaml", Line: 9},
		{Tool: "hmsci-terraform", RuleID: "tf/s3-public-acl", Severity: gates.SeverityCritical, Message: "bucket phi has a public ACL", Path: "deploy/terraform/main.tf", Line: 3},
		{Tool: "semgrep", RuleID: "custom.rule", Severity: gates.SeverityMedium, Message: "Hard-coded credential. Move it to a secret store", Path: "/home/runner/work/mono/mono/examples/hms-app/src/a.ts", Line: 2},
		{Tool: "hmsci-hipaa", RuleID: "hipaa/route-public", Severity: gates.SeverityHigh, Message: "route GET /x is declared public", Path: "src/patients/handlers.ts", Line: 143},
		{Tool: "ESLint", RuleID: "no-unused-vars", Severity: gates.SeverityMedium, Message: "'x' is unused", Path: "/tmp/elsewhere/b.ts", Line: 2},
	}}
}

func decodeSARIF(t *testing.T, b []byte) map[string]sarifRun {
	t.Helper()
	var doc sarifLog
	require.NoError(t, json.Unmarshal(b, &doc))
	runs := map[string]sarifRun{}
	for _, r := range doc.Runs {
		runs[r.Tool.Driver.Name] = r
	}
	return runs
}

func TestSARIFSourcePrefix(t *testing.T) {
	opts := Options{SourcePrefix: "examples/hms-app", RepoRoot: "/home/runner/work/mono/mono"}
	var b bytes.Buffer
	require.NoError(t, SARIFWith(&b, repoResult(), opts))
	runs := decodeSARIF(t, b.Bytes())

	uri := func(tool string) sarifArtifact {
		return runs[tool].Results[0].Locations[0].PhysicalLocation.ArtifactLocation
	}
	assert.Equal(t, sarifArtifact{URI: "examples/hms-app/FAULTS.md", URIBaseID: "%SRCROOT%"}, uri("hmsci-phi"))
	assert.Equal(t, "examples/hms-app/deploy/k8s/app.yaml", uri("hmsci-kube").URI, "a ./ prefix is dropped")
	assert.Equal(t, "examples/hms-app/src/a.ts", uri("semgrep").URI, "an absolute path under the repository root becomes relative")
	assert.Equal(t, sarifArtifact{URI: "file:///tmp/elsewhere/b.ts"}, uri("ESLint"), "a path outside the repository stays absolute")
	base, ok := runs["hmsci-phi"].OriginalURIBaseIDs["%SRCROOT%"]
	require.True(t, ok, "each run declares %SRCROOT%")
	assert.Empty(t, base.URI, "the runner's absolute path is not published")

	b.Reset()
	require.NoError(t, SARIF(&b, repoResult()))
	assert.Equal(t, "FAULTS.md", decodeSARIF(t, b.Bytes())["hmsci-phi"].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI, "zero options keep source-relative paths")
}

func TestSARIFRuleMetadata(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, SARIF(&b, repoResult()))
	runs := decodeSARIF(t, b.Bytes())

	phiRule := runs["hmsci-phi"].Tool.Driver.Rules[0]
	assert.Equal(t, "US Social Security number", phiRule.ShortDescription.Text)
	assert.Contains(t, phiRule.FullDescription.Text, "phi-exposure")
	assert.Contains(t, phiRule.Help.Text, "hmsci:allow-phi")
	assert.Equal(t, []string{"security"}, phiRule.Properties.Tags)
	assert.Equal(t, "8.0", phiRule.Properties.SecuritySeverity)

	fhirRun := runs["hmsci-fhir"]
	fhirRule := fhirRun.Tool.Driver.Rules[0]
	assert.Equal(t, []string{"quality"}, fhirRule.Properties.Tags, "FHIR rules are quality rules")
	assert.Empty(t, fhirRule.Properties.SecuritySeverity)
	assert.NotContains(t, fhirRun.Results[0].Properties, "security-severity")
	assert.Contains(t, fhirRule.FullDescription.Text, "fhir-conformance")
	assert.Equal(t, "warning", fhirRule.DefaultConfig.Level)

	kubeRule := runs["hmsci-kube"].Tool.Driver.Rules[0]
	assert.Equal(t, "Privileged container", kubeRule.ShortDescription.Text)
	assert.Contains(t, kubeRule.FullDescription.Text, "pss-restricted")

	tfRule := runs["hmsci-terraform"].Tool.Driver.Rules[0]
	assert.Equal(t, "S3 bucket with a public ACL", tfRule.ShortDescription.Text)
	assert.Equal(t, "9.5", tfRule.Properties.SecuritySeverity)

	semgrepRule := runs["semgrep"].Tool.Driver.Rules[0]
	assert.Equal(t, "Hard-coded credential", semgrepRule.ShortDescription.Text, "third-party rules take the first sentence of the message")
	assert.Contains(t, semgrepRule.FullDescription.Text, "sast-findings")

	hipaaRule := runs["hmsci-hipaa"].Tool.Driver.Rules[0]
	assert.Equal(t, "Route declared public on a protected path", hipaaRule.ShortDescription.Text)
	assert.Contains(t, hipaaRule.Help.Text, "public-paths")

	eslintRule := runs["ESLint"].Tool.Driver.Rules[0]
	assert.Equal(t, []string{"quality"}, eslintRule.Properties.Tags)
	for tool, run := range runs {
		for _, rule := range run.Tool.Driver.Rules {
			assert.NotEmpty(t, rule.Help.Text, "%s %s has help", tool, rule.ID)
			assert.NotEqual(t, rule.ID, rule.ShortDescription.Text, "%s %s has a title", tool, rule.ID)
		}
	}
}

func TestSARIFWithOptionsValidatesAgainstSchema(t *testing.T) {
	schemaFile, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	require.NoError(t, err)
	defer schemaFile.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(schemaFile)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif-schema-2.1.0.json", schemaDoc))
	schema, err := c.Compile("sarif-schema-2.1.0.json")
	require.NoError(t, err)

	var b bytes.Buffer
	require.NoError(t, SARIFWith(&b, repoResult(), Options{SourcePrefix: "examples/hms-app", RepoRoot: "/home/runner/work/mono/mono"}))
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b.Bytes()))
	require.NoError(t, err)
	require.NoError(t, schema.Validate(inst))
}

func TestDetectOptions(t *testing.T) {
	repo := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(repo, ".git"), 0o755))
	service := filepath.Join(repo, "services", "api")
	require.NoError(t, os.MkdirAll(service, 0o755))
	resolvedRepo, err := filepath.EvalSymlinks(repo)
	require.NoError(t, err)

	opts, err := DetectOptions(service)
	require.NoError(t, err)
	assert.Equal(t, Options{SourcePrefix: "services/api", RepoRoot: resolvedRepo}, opts)

	opts, err = DetectOptions(repo)
	require.NoError(t, err)
	assert.Equal(t, Options{RepoRoot: resolvedRepo}, opts, "the repository root has no prefix")

	// A linked work tree or submodule has a .git file.
	sub := filepath.Join(repo, "vendor-sub")
	require.NoError(t, os.MkdirAll(filepath.Join(sub, "pkg"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(sub, ".git"), []byte("gitdir: ../.git/modules/sub\n"), 0o644))
	opts, err = DetectOptions(filepath.Join(sub, "pkg"))
	require.NoError(t, err)
	assert.Equal(t, "pkg", opts.SourcePrefix)

	outside := t.TempDir()
	opts, err = DetectOptions(outside)
	require.NoError(t, err)
	assert.Equal(t, Options{}, opts, "no work tree above the source")
}
