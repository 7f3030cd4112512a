package steps

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckTSConfig(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		missing []string
		chain   []string
	}{
		{
			name:    "strict covers the family",
			files:   map[string]string{"tsconfig.json": `{"compilerOptions": {"strict": true}}`},
			missing: []string{},
			chain:   []string{"tsconfig.json"},
		},
		{
			name:    "explicit false beats strict",
			files:   map[string]string{"tsconfig.json": `{"compilerOptions": {"strict": true, "strictNullChecks": false}}`},
			missing: []string{"strictNullChecks"},
		},
		{
			name: "comments and trailing commas",
			files: map[string]string{"tsconfig.json": `{
  // base options
  "compilerOptions": {
    /* strict family */ "strict": true, // all on
    "noImplicitAny": true,
  },
}`},
			missing: []string{},
		},
		{
			name: "relative extends chain",
			files: map[string]string{
				"tsconfig.json":    `{"extends": "./config/base", "compilerOptions": {"noImplicitAny": false}}`,
				"config/base.json": `{"extends": "./root.json", "compilerOptions": {"strict": true}}`,
				"config/root.json": `{"compilerOptions": {"strict": false}}`,
			},
			missing: []string{"noImplicitAny"},
			chain:   []string{"tsconfig.json", "config/base.json", "config/root.json"},
		},
		{
			name: "package extends",
			files: map[string]string{
				"tsconfig.json": `{"extends": "@tsconfig/strictest/tsconfig.json"}`,
				"node_modules/@tsconfig/strictest/tsconfig.json": `{"compilerOptions": {"strict": true}}`,
			},
			missing: []string{},
			chain:   []string{"tsconfig.json", "node_modules/@tsconfig/strictest/tsconfig.json"},
		},
		{
			name: "array extends, later wins",
			files: map[string]string{
				"tsconfig.json": `{"extends": ["./a.json", "./b.json"]}`,
				"a.json":        `{"compilerOptions": {"strict": false}}`,
				"b.json":        `{"compilerOptions": {"strict": true}}`,
			},
			missing: []string{},
		},
		{
			name:  "nothing set",
			files: map[string]string{"tsconfig.json": `{"compilerOptions": {"target": "ES2022"}}`},
			missing: []string{"noImplicitAny", "noImplicitThis", "alwaysStrict", "strictNullChecks", "strictFunctionTypes",
				"strictBindCallApply", "strictPropertyInitialization", "useUnknownInCatchVariables", "strictBuiltinIteratorReturn"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeTree(t, tt.files)
			report, err := CheckTSConfig(root, "tsconfig.json")
			require.NoError(t, err)
			assert.Equal(t, tt.missing, report.Missing)
			if tt.chain != nil {
				assert.Equal(t, tt.chain, report.Chain)
			}
			assert.Len(t, report.Options, len(StrictFamily))
		})
	}
}

func TestCheckTSConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"syntax error with position", map[string]string{"tsconfig.json": "{\n  \"compilerOptions\": {\n    \"strict\" true\n  }\n}"},
			"tsconfig.json: line 3 column"},
		{"missing relative parent", map[string]string{"tsconfig.json": `{"extends": "./nope.json"}`},
			`extends "./nope.json": file not found`},
		{"missing package", map[string]string{"tsconfig.json": `{"extends": "@org/base"}`},
			`extends "@org/base": package not found under node_modules`},
		{"cycle", map[string]string{"tsconfig.json": `{"extends": "./a.json"}`, "a.json": `{"extends": "./tsconfig.json"}`},
			"tsconfig.json: extends cycle"},
		{"non-boolean option", map[string]string{"tsconfig.json": `{"compilerOptions": {"strict": "yes"}}`},
			"compilerOptions.strict is yes, expected true or false"},
		{"bad extends type", map[string]string{"tsconfig.json": `{"extends": 3}`},
			"extends is 3, expected a string or an array of strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CheckTSConfig(writeTree(t, tt.files), "tsconfig.json")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestCheckTSConfigExampleApp(t *testing.T) {
	report, err := CheckTSConfig("../examples/hms-app", "tsconfig.json")
	if err != nil {
		t.Skipf("examples/hms-app tsconfig not usable here: %v", err)
	}
	assert.True(t, report.Strict)
}

func TestStripJSONCKeepsOffsets(t *testing.T) {
	in := []byte("{\"a\": \"// not a comment\", /* c */ \"b\": [1,],}")
	out := stripJSONC(in)
	assert.Len(t, out, len(in))
	assert.Equal(t, "{\"a\": \"// not a comment\",         \"b\": [1 ] }", string(out))
}
