package kube

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadRejectsDuplicateKeys(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "dup.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\nspec:\n  containers: []\n")
	manifests, err := Load(root, []string{"dup.yaml"})
	require.Error(t, err)
	assert.ErrorIs(t, err, errInvalidManifest)
	assert.Contains(t, err.Error(), `dup.yaml:5:3: document 1: duplicate key "name" in metadata, first at line 4 column 3`)
	require.Len(t, manifests.Objects, 1, "the object is still checked")
}

func TestLoadRejectsWrongTypes(t *testing.T) {
	tests := []struct {
		name, securityContext, want string
	}{
		{"quoted boolean", `{privileged: "yes"}`, `pod.yaml:9:37: document 1: privileged must be a boolean, true or false, not the string "yes"; the API server rejects it, so write it without quotes`},
		{"yaml 1.1 boolean", `{privileged: yes}`, `privileged must be a boolean, true or false, not the string "yes"; the API server rejects it, so write true or false`},
		{"string user", `{runAsUser: "root"}`, `pod.yaml:9:36: document 1: runAsUser must be an integer, such as 10001, not the string "root"`},
		{"quoted number", `{runAsUser: "1000"}`, `runAsUser must be an integer, such as 10001, not the string "1000"`},
		{"float user", `{runAsUser: 1.5}`, `runAsUser must be an integer, such as 10001, not the number "1.5"; the API server rejects it, so write a whole number`},
		{"string non-root", `{runAsNonRoot: "true"}`, `runAsNonRoot must be a boolean`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n    - name: app\n      image: app:1\n      securityContext: "+tt.securityContext+"\n")
			_, err := Load(root, []string{"pod.yaml"})
			require.Error(t, err)
			assert.ErrorIs(t, err, errInvalidManifest)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadAcceptsTypedFields(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  hostNetwork: false\n  securityContext: {runAsUser: 1000, runAsNonRoot: true, fsGroup: null}\n  containers: []\n")
	// Outside a Kubernetes object, such as a Helm values file, the field
	// names carry no type.
	writeFile(t, root, "values.yaml", "privileged: \"yes\"\nrunAsUser: root\n")
	_, err := Load(root, []string{"pod.yaml", "values.yaml"})
	assert.NoError(t, err)
}

func TestLoadContinuesAfterBadDocument(t *testing.T) {
	root := t.TempDir()
	content := "# header comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: one}\n---\nkind: [\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: three}\n---\nkind: {\n"
	writeFile(t, root, "multi.yaml", content)
	manifests, err := Load(root, []string{"multi.yaml"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multi.yaml:8: document 2: invalid YAML")
	assert.Contains(t, err.Error(), "multi.yaml:14: document 4: invalid YAML")
	var names []string
	for _, o := range manifests.Objects {
		names = append(names, o.Name)
		if o.Name == "three" {
			assert.Equal(t, 9, o.Line, "lines count from the start of the file")
			assert.Equal(t, 3, o.Document)
		}
	}
	assert.Equal(t, []string{"one", "three"}, names)
}

func TestSplitDocuments(t *testing.T) {
	tests := []struct {
		name  string
		input string
		lines []int
	}{
		{"no marker", "a: 1\n", []int{1}},
		{"leading marker", "---\na: 1\n", []int{1}},
		{"comment before marker", "# c\n---\na: 1\n---\nb: 2\n", []int{2, 4}},
		{"content before marker", "a: 1\n---\nb: 2\n", []int{1, 2}},
		{"marker with content", "--- {a: 1}\n--- {b: 2}\n", []int{1, 2}},
		{"dashes in a value", "a: |\n  ---x\n---not-a-marker: 1\n", []int{1}},
		{"empty", "", []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var lines []int
			for _, d := range splitDocuments([]byte(tt.input)) {
				lines = append(lines, d.line)
			}
			assert.Equal(t, tt.lines, lines)
		})
	}
}
