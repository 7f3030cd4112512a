package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runInfra(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = runMain(context.Background(), env, append([]string{"infra", "check", "--policy", defaultsPolicy(t)}, args...))
	return out.String(), errOut.String(), code
}

func TestInfraCheckCleanManifests(t *testing.T) {
	stdout, stderr, code := runInfra(t, "../infra/kube/testdata/clean", "../infra/terraform/testdata/clean")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "0 findings, 0 blocking; checked 9 Kubernetes objects in 4 files and 18 Terraform resources in 1 modules")
	assert.Contains(t, stdout, "skipped 1 YAML or JSON documents that are not Kubernetes objects")
}

func TestInfraCheckPrivilegedPodInProduction(t *testing.T) {
	root := t.TempDir()
	pod, err := os.ReadFile("../infra/kube/testdata/faults/privileged-pod.yaml")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(root, "prod"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "prod", "pod.yaml"), pod, 0o644))

	stdout, stderr, code := runInfra(t, "--format", "json", filepath.Join(root, "prod"))
	assert.Equal(t, 1, code, stderr)

	var result infraResult
	require.NoError(t, json.Unmarshal([]byte(stdout), &result))
	assert.Positive(t, result.Blocking)
	var rules []string
	for _, f := range result.Findings {
		rules = append(rules, f.RuleID+" "+f.Severity.String())
	}
	assert.Contains(t, rules, "kube/pss-privileged critical")
}

func TestInfraCheckOutsideProductionDoesNotBlock(t *testing.T) {
	_, stderr, code := runInfra(t, "../infra/kube/testdata/faults/privileged-pod.yaml")
	assert.Equal(t, 0, code, stderr)
}

func TestInfraCheckMalformedTerraform(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "bad.tf"), []byte("resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n}\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "good.tf"), []byte("resource \"aws_ebs_volume\" \"v\" {\n  encrypted = false\n}\n"), 0o644))

	stdout, stderr, code := runInfra(t, root)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "bad.tf:2:")
	assert.Contains(t, stderr, "invalid HCL")
	assert.Contains(t, stdout, "high tf/ebs-encrypted", "the good file is still checked")
}

func TestInfraCheckSARIF(t *testing.T) {
	stdout, stderr, code := runInfra(t, "--format", "sarif", "../infra/kube/testdata/faults/hostpath.yaml")
	assert.Equal(t, 0, code, stderr)
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &log))
	assert.Equal(t, "2.1.0", log.Version)
	require.NotEmpty(t, log.Runs)
	assert.Equal(t, "hmsci-kube", log.Runs[0].Tool.Driver.Name)
	var rules []string
	for _, r := range log.Runs[0].Results {
		rules = append(rules, r.RuleID)
	}
	assert.Contains(t, rules, "kube/pss-host-path")
}

func TestInfraCheckUsageErrors(t *testing.T) {
	_, stderr, code := runInfra(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "missing PATH")

	_, stderr, code = runInfra(t, "--format", "xml", ".")
	assert.Equal(t, 2, code)
	assert.True(t, strings.Contains(stderr, `invalid --format "xml"`), stderr)
}
