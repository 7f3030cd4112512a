package kube

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck feeds arbitrary bytes through Load and Evaluate; neither may
// panic, whatever the YAML.
func FuzzCheck(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*/*.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("kind: Pod\napiVersion: v1\nspec: {containers: [{securityContext: [1]}], volumes: {a: 1}}\n"))
	f.Add([]byte("kind: List\napiVersion: v1\nitems: [1, {kind: List, apiVersion: v1, items: []}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		manifests := &Manifests{}
		_ = manifests.loadData("m.yaml", data)
		Evaluate(manifests.Objects, Options{ProductionPaths: []string{"**"}})
	})
}
