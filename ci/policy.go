package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/hms-enterprise/hmsci/config"
)

// loadPolicy loads the policy file at path. When the file was named with
// --policy it must exist, because a typo there would otherwise silently
// run with the built-in defaults; the default file may be absent.
func loadPolicy(env *environment, path string) (*config.Config, error) {
	if env.flagSet("policy") {
		info, err := os.Stat(path)
		switch {
		case err != nil:
			return nil, fmt.Errorf("policy file %s not found%s", path, nearbyFile(path))
		case info.IsDir():
			return nil, fmt.Errorf("policy file %s is a directory: name the hmsci.yaml inside it", path)
		}
	}
	return config.Load(path)
}

// nearbyFile suggests a policy file in the same directory whose name
// differs only in its extension, such as hmsci.yaml for hmsci.yml.
func nearbyFile(path string) string {
	dir, base := filepath.Split(path)
	stem := base[:len(base)-len(filepath.Ext(base))]
	for _, ext := range []string{".yaml", ".yml"} {
		candidate := filepath.Join(dir, stem+ext)
		if candidate != filepath.Clean(path) {
			if _, err := os.Stat(candidate); err == nil {
				return fmt.Sprintf("; did you mean %s?", candidate)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, config.DefaultFile)); err == nil && base != config.DefaultFile {
		return fmt.Sprintf("; did you mean %s?", filepath.Join(dir, config.DefaultFile))
	}
	return ""
}
