package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

func runHIPAACommand(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env := &environment{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	code = runMain(context.Background(), env, append([]string{"hipaa", "--policy", defaultsPolicy(t)}, args...))
	return out.String(), errOut.String(), code
}

func TestHIPAAExpressFaults(t *testing.T) {
	stdout, stderr, code := runHIPAACommand(t, "--format", "json", "--phi-log-exposures", "0", "../compliance/hipaa/testdata/express")
	assert.Equal(t, 1, code, stderr)

	var out struct {
		Verdicts []gates.Verdict `json:"verdicts"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	status := map[string]gates.Status{}
	for _, v := range out.Verdicts {
		status[v.Gate] = v.Status
	}
	assert.Equal(t, gates.StatusFailed, status["audit-trail"])
	assert.Equal(t, gates.StatusFailed, status["rbac-enforced"])
	assert.Equal(t, gates.StatusPassed, status["phi-masked"])
	assert.Equal(t, gates.StatusNotEvaluated, status["phi-encrypted"])
}

func TestHIPAAExampleAppText(t *testing.T) {
	if _, err := os.Stat("../examples/hms-app/src"); err != nil {
		t.Skipf("example app not present: %v", err)
	}
	stdout, stderr, code := runHIPAACommand(t, "../examples/hms-app")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "164.312(b)")
	assert.Contains(t, stdout, "audit-trail    passed")
	assert.Contains(t, stdout, "phi-masked     not-evaluated")
}

func TestHIPAAUsageErrors(t *testing.T) {
	_, stderr, code := runHIPAACommand(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "expected one ROOT")

	_, stderr, code = runHIPAACommand(t, "--phi-log-exposures", "-5", ".")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "invalid --phi-log-exposures -5")
}
