package steps

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// GatekeeperPolicy is one OPA Gatekeeper constraint turned into files that
// conftest can evaluate: the template's Rego, unchanged, and an adapter
// that calls its violation rule with Gatekeeper's input shape.
type GatekeeperPolicy struct {
	// Template and Constraint name the source objects.
	Template   string
	Constraint string
	// Files maps a file name to its Rego source.
	Files map[string]string
}

type gatekeeperObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec yaml.Node `yaml:"spec"`
}

type templateSpec struct {
	CRD struct {
		Spec struct {
			Names struct {
				Kind string `yaml:"kind"`
			} `yaml:"names"`
		} `yaml:"spec"`
	} `yaml:"crd"`
	Targets []struct {
		Target string   `yaml:"target"`
		Rego   string   `yaml:"rego"`
		Libs   []string `yaml:"libs"`
	} `yaml:"targets"`
}

type constraintSpec struct {
	Match      constraintMatch `yaml:"match"`
	Parameters map[string]any  `yaml:"parameters"`
}

// constraintMatch is the subset of a constraint's spec.match that applies
// to a manifest outside a cluster: kinds and namespaces. Label selectors
// need cluster state and are not applied.
type constraintMatch struct {
	Kinds []struct {
		APIGroups []string `yaml:"apiGroups" json:"apiGroups"`
		Kinds     []string `yaml:"kinds" json:"kinds"`
	} `yaml:"kinds" json:"kinds"`
	Namespaces         []string `yaml:"namespaces" json:"namespaces"`
	ExcludedNamespaces []string `yaml:"excludedNamespaces" json:"excludedNamespaces"`
}

var regoPackage = regexp.MustCompile(`(?m)^\s*package\s+([A-Za-z_][\w.]*)`)

// GatekeeperPolicies reads every YAML file under dir (on the host), pairs
// each Gatekeeper ConstraintTemplate with the constraints of its kind, and
// returns conftest-ready Rego. A template without constraints is checked
// with empty parameters. The adapter passes the manifest as
// input.review.object and the constraint's spec.parameters as
// input.parameters; templates that read data.inventory (Gatekeeper's
// replicated cluster state) see none.
func GatekeeperPolicies(dir string) ([]GatekeeperPolicy, error) {
	type template struct {
		name, kind, pkg, rego string
		libs                  []string
	}
	var templates []template
	constraints := map[string][]gatekeeperObject{}

	err := filepath.WalkDir(dir, func(p string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if entry.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return nil
		}
		objects, err := readYAMLObjects(p)
		if err != nil {
			return err
		}
		for _, obj := range objects {
			switch {
			case obj.Kind == "ConstraintTemplate" && strings.HasPrefix(obj.APIVersion, "templates.gatekeeper.sh/"):
				var spec templateSpec
				if err := obj.Spec.Decode(&spec); err != nil {
					return fmt.Errorf("%s: ConstraintTemplate %q line %d: %w", p, obj.Metadata.Name, obj.Spec.Line, err)
				}
				if len(spec.Targets) == 0 || strings.TrimSpace(spec.Targets[0].Rego) == "" {
					return fmt.Errorf("%s: ConstraintTemplate %q has no spec.targets[0].rego", p, obj.Metadata.Name)
				}
				m := regoPackage.FindStringSubmatch(spec.Targets[0].Rego)
				if m == nil {
					return fmt.Errorf("%s: ConstraintTemplate %q: rego has no package clause", p, obj.Metadata.Name)
				}
				kind := spec.CRD.Spec.Names.Kind
				if kind == "" {
					return fmt.Errorf("%s: ConstraintTemplate %q has no spec.crd.spec.names.kind", p, obj.Metadata.Name)
				}
				templates = append(templates, template{name: obj.Metadata.Name, kind: kind, pkg: m[1],
					rego: spec.Targets[0].Rego, libs: spec.Targets[0].Libs})
			case strings.HasPrefix(obj.APIVersion, "constraints.gatekeeper.sh/"):
				constraints[obj.Kind] = append(constraints[obj.Kind], obj)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read Gatekeeper policies in %s: %w", dir, err)
	}

	sort.Slice(templates, func(i, j int) bool { return templates[i].name < templates[j].name })
	var policies []GatekeeperPolicy
	for _, tpl := range templates {
		files := map[string]string{"template-" + safeName(tpl.name) + ".rego": tpl.rego}
		for i, lib := range tpl.libs {
			files[fmt.Sprintf("template-%s-lib%d.rego", safeName(tpl.name), i)] = lib
		}
		objs := constraints[tpl.kind]
		if len(objs) == 0 {
			objs = []gatekeeperObject{{Kind: tpl.kind}}
			objs[0].Metadata.Name = tpl.name + "-default"
		}
		for _, c := range objs {
			var spec constraintSpec
			if !c.Spec.IsZero() {
				if err := c.Spec.Decode(&spec); err != nil {
					return nil, fmt.Errorf("constraint %s %q line %d: %w", c.Kind, c.Metadata.Name, c.Spec.Line, err)
				}
			}
			adapter, err := gatekeeperAdapter(tpl.pkg, c.Metadata.Name, spec.Match, spec.Parameters)
			if err != nil {
				return nil, err
			}
			policy := GatekeeperPolicy{Template: tpl.name, Constraint: c.Metadata.Name, Files: map[string]string{}}
			for k, v := range files {
				policy.Files[k] = v
			}
			policy.Files["constraint-"+safeName(c.Metadata.Name)+".rego"] = adapter
			policies = append(policies, policy)
		}
	}
	return policies, nil
}

// gatekeeperAdapter returns Rego that evaluates the template's violation
// rule once per manifest that the constraint's kinds and namespaces match,
// and reports each violation as a conftest deny.
func gatekeeperAdapter(templatePackage, constraint string, match constraintMatch, parameters map[string]any) (string, error) {
	if parameters == nil {
		parameters = map[string]any{}
	}
	params, err := json.Marshal(normalizeYAML(parameters))
	if err != nil {
		return "", fmt.Errorf("constraint %q: encode parameters: %w", constraint, err)
	}
	if match.Namespaces == nil {
		match.Namespaces = []string{}
	}
	if match.ExcludedNamespaces == nil {
		match.ExcludedNamespaces = []string{}
	}
	for i := range match.Kinds {
		if match.Kinds[i].APIGroups == nil {
			match.Kinds[i].APIGroups = []string{"*"}
		}
		if match.Kinds[i].Kinds == nil {
			match.Kinds[i].Kinds = []string{"*"}
		}
	}
	matchJSON, err := json.Marshal(match)
	if err != nil {
		return "", fmt.Errorf("constraint %q: encode match: %w", constraint, err)
	}
	name, err := json.Marshal(constraint)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf(`# Generated by hmsci from the Gatekeeper constraint %[2]s.
package hmsci.gatekeeper.%[1]s

import rego.v1

match := %[5]s

api_group := split(input.apiVersion, "/")[0] if contains(input.apiVersion, "/")

else := ""

namespace := object.get(input, ["metadata", "namespace"], "default")

kind_matches if count(object.get(match, "kinds", [])) == 0

kind_matches if {
	some k in match.kinds
	some kind in k.kinds
	kind in {"*", input.kind}
	some group in k.apiGroups
	group in {"*", api_group}
}

namespace_matches if {
	count(match.namespaces) == 0
	not namespace in match.excludedNamespaces
}

namespace_matches if {
	namespace in match.namespaces
	not namespace in match.excludedNamespaces
}

review := {"object": input, "kind": {"group": api_group, "kind": object.get(input, "kind", "")}}

deny contains msg if {
	kind_matches
	namespace_matches
	violations := data.%[3]s.violation with input as {"review": review, "parameters": %[4]s}
	some v in violations
	msg := sprintf("%%s: %%s", [%[2]s, v.msg])
}
`, safeName(constraint), name, templatePackage, params, matchJSON), nil
}

func safeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 || b.String()[0] >= '0' && b.String()[0] <= '9' {
		return "c_" + b.String()
	}
	return b.String()
}

// normalizeYAML converts map[any]any values from YAML into
// map[string]any so encoding/json accepts them.
func normalizeYAML(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			out[k] = normalizeYAML(val)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			out[fmt.Sprint(k)] = normalizeYAML(val)
		}
		return out
	case []any:
		for i := range t {
			t[i] = normalizeYAML(t[i])
		}
		return t
	}
	return v
}

func readYAMLObjects(p string) ([]gatekeeperObject, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var objects []gatekeeperObject
	dec := yaml.NewDecoder(f)
	for {
		var obj gatekeeperObject
		err := dec.Decode(&obj)
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		objects = append(objects, obj)
	}
}
