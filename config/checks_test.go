package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEnvNameRejectsSecrets(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  string
		// secret is the part of the value no error may contain.
		secret string
	}{
		{"github token", "ghp_R7f2kQ9zLm3Xw8Yt1Vb6Nc4Hd0Sa5Ue2Pj7G", `value "ghp_***" looks like the secret itself`, "R7f2kQ9zLm3Xw8Yt1Vb6"},
		{"github fine-grained token", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", `value "gith***" looks like the secret itself`, "11ABCDEFG0123456789"},
		{"gitlab token", "glpat-Ab3dEf6hIj9kLm2nOp5q", `value "glpa***"`, "Ab3dEf6hIj9kLm2nOp5q"},
		{"slack token", "xoxb-123456789012-abcdefABCDEF", `value "xoxb***"`, "123456789012-abcdef"},
		{"stripe key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc", `value "sk_l***"`, "4eC39HqLyjWDarjtT1zdp7dc"},
		{"aws access key", "AKIAZ7QWERTYUIOP1234", `value "AKIA***"`, "Z7QWERTYUIOP1234"},
		{"aws session key", "ASIAZ7QWERTYUIOP1234", `value "ASIA***"`, "Z7QWERTYUIOP1234"},
		{"sonarqube token", "squ_0123456789abcdef0123456789abcdef01234567", `value "squ_***"`, "0123456789abcdef0123"},
		{"high entropy", "q8Zt3LkP0vXw9RbN2mYc7HsJ4dFg", `value "q8Zt***"`, "3LkP0vXw9RbN2mYc7HsJ"},
		{"long value with symbols", "abc+def/ghi+jkl/mno+pqr==", `invalid environment variable name "abc+***"`, "def/ghi+jkl"},
		{"not a name", "SNYK-TOKEN", `invalid environment variable name "SNYK-TOKEN": use letters, digits and _`, ""},
		{"starts with a digit", "1TOKEN", `invalid environment variable name "1TOKEN"`, ""},
		{"shell syntax", "$SNYK", `invalid environment variable name "$SNYK"`, ""},
		{"empty", "", "invalid environment variable name: empty", ""},
		{"integer", "12345678901234567890", `expected an environment variable name such as SNYK_TOKEN, found the value "1234***"`, "5678901234567890"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hmsci.yaml", []byte("steps:\n  snyk:\n    token-env: "+quoteUnlessNumber(tt.value)+"\n"))
			errs := fieldErrors(t, err)
			require.Len(t, errs, 1)
			assert.Contains(t, errs[0].Error(), tt.want)
			assert.Equal(t, "steps.snyk.token-env", errs[0].Path)
			assert.Equal(t, 3, errs[0].Line)
			if tt.secret != "" {
				assert.NotContains(t, errs[0].Error(), tt.secret)
			}
		})
	}
}

func quoteUnlessNumber(v string) string {
	if v != "" && strings.Trim(v, "0123456789") == "" {
		return v
	}
	return `"` + v + `"`
}

func TestEnvNameAcceptsVariableNames(t *testing.T) {
	for _, name := range []string{"SNYK_TOKEN", "REGISTRY_PASSWORD", "_X", "cosign_key", "SONAR_TOKEN_2", "HOSPITAL_REGISTRY_PASSWORD_PRODUCTION_EU1", "AKIA_KEY_NAME"} {
		t.Run(name, func(t *testing.T) {
			c, err := Parse("hmsci.yaml", []byte("container:\n  password-env: "+name+"\n"))
			require.NoError(t, err)
			assert.Equal(t, EnvName(name), c.Container.PasswordEnv)
		})
	}
}

func TestURLErrorMasksPassword(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://user:S3cretPass@registry.example/mirror", "https://user:***@registry.example/mirror"},
		{"ftp://user:S3cretPass@host/x", "ftp://user:***@host/x"},
		{"https://user@registry.example", "https://user@registry.example"},
		{"https://registry.example", "https://registry.example"},
		{"user:S3cretPass@host x", "user:S3cretPass@host x"},
		{"ht tp://user:S3cretPass@host", "ht tp://user:***@host"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, redactURL(tt.in), tt.in)
	}

	_, err := Parse("hmsci.yaml", []byte("steps:\n  zap:\n    target-url: \"ftp://user:S3cretPass@host/x\"\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid URL "ftp://user:***@host/x"`)
	assert.NotContains(t, err.Error(), "S3cretPass")
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
}

const validAllowlist = "allow:\n  - path: test/fixtures/**\n    reason: synthetic patients\n"

func TestLoadChecksPHIFiles(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		files  map[string]string
		want   string // empty: valid
		line   int
		column int
	}{
		{
			name:   "allowlist typo suggests the near file",
			policy: "version: 1\nphi:\n  allowlist: phi-allowlist.yml\n",
			files:  map[string]string{"phi-allowlist.yaml": validAllowlist},
			want:   `hmsci.yaml:3:14: phi.allowlist: file "phi-allowlist.yml" not found; did you mean "phi-allowlist.yaml"?`,
			line:   3, column: 14,
		},
		{
			name:   "allowlist in a subfolder",
			policy: "phi:\n  allowlist: policy/phi-alowlist.yaml\n",
			files:  map[string]string{"policy/phi-allowlist.yaml": validAllowlist},
			want:   `phi.allowlist: file "policy/phi-alowlist.yaml" not found; did you mean "policy/phi-allowlist.yaml"?`,
			line:   2, column: 14,
		},
		{
			name:   "allowlist missing with nothing near",
			policy: "phi:\n  allowlist: phi.yaml\n",
			want:   `phi.allowlist: file "phi.yaml" not found in `,
			line:   2, column: 14,
		},
		{
			name:   "allowlist that does not parse",
			policy: "phi:\n  allowlist: phi-allowlist.yaml\n",
			files:  map[string]string{"phi-allowlist.yaml": "allow:\n  - pth: x\n"},
			want:   `phi.allowlist: file "phi-allowlist.yaml" is not a PHI allowlist: `,
			line:   2, column: 14,
		},
		{
			name:   "allowlist is a directory",
			policy: "phi:\n  allowlist: lists\n",
			files:  map[string]string{"lists/a.yaml": validAllowlist},
			want:   `phi.allowlist: "lists" is a directory`,
			line:   2, column: 14,
		},
		{
			name:   "valid allowlist",
			policy: "phi:\n  allowlist: phi-allowlist.yaml\n",
			files:  map[string]string{"phi-allowlist.yaml": validAllowlist},
		},
		{
			name:   "missing baseline is fine",
			policy: "phi:\n  baseline: phi-baseline.json\n",
		},
		{
			name:   "broken baseline",
			policy: "phi:\n  baseline: phi-baseline.json\n",
			files:  map[string]string{"phi-baseline.json": "{\"version\": 1, \"findings\": [tru"},
			want:   `phi.baseline: file "phi-baseline.json" is not a PHI baseline: `,
			line:   2, column: 13,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			path := filepath.Join(dir, "hmsci.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tt.policy), 0o644))
			c, err := Load(path)
			if tt.want == "" {
				require.NoError(t, err)
				require.NotNil(t, c)
				return
			}
			errs := fieldErrors(t, err)
			require.Len(t, errs, 1)
			assert.Contains(t, errs[0].Error(), tt.want)
			assert.Equal(t, tt.line, errs[0].Line)
			assert.Equal(t, tt.column, errs[0].Column)
		})
	}
}

func TestParseSkipsPHIFileChecks(t *testing.T) {
	c, err := Parse("hmsci.yaml", []byte("phi:\n  allowlist: does-not-exist.yaml\n"))
	require.NoError(t, err)
	assert.Equal(t, "does-not-exist.yaml", c.PHI.Allowlist)
}

func TestMirrorErrorMasksPassword(t *testing.T) {
	_, err := Parse("secret.yaml", []byte("images:\n  mirror: \"https://user:Hunter2Secret@registry.example/mirror\"\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid mirror "https://user:***@registry.example/mirror"`)
	assert.NotContains(t, err.Error(), "Hunter2Secret")
}
