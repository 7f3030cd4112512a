package kube

import (
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// field is a YAML node together with its dotted field path inside the
// object, so that checks can name the exact field and its line. A zero
// field (nil node) stands for an absent field; every method accepts it.
type field struct {
	node *yaml.Node
	path string
	// line is the line of the node, or of the nearest present parent when
	// the node is absent, so a finding about a missing field still points
	// at the object that lacks it.
	line int
}

func newField(n *yaml.Node, path string) field {
	n = resolve(n)
	line := 0
	if n != nil {
		line = n.Line
	}
	return field{node: n, path: path, line: line}
}

// resolve follows alias nodes to their anchor.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func (f field) present() bool { return f.node != nil && !isNull(f.node) }

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// get returns the value of key in a mapping. For an absent key it returns
// an absent field that keeps the parent's line.
func (f field) get(key string) field {
	child := field{path: joinPath(f.path, key), line: f.line}
	if f.node == nil || f.node.Kind != yaml.MappingNode {
		return child
	}
	// NOTE: YAML merge keys ("<<") are not expanded; Kubernetes manifests
	// rarely use them and kubectl itself rejects some merge forms.
	for i := 0; i+1 < len(f.node.Content); i += 2 {
		if f.node.Content[i].Value == key {
			v := resolve(f.node.Content[i+1])
			child.node = v
			child.line = f.node.Content[i].Line
			return child
		}
	}
	return child
}

// items returns the elements of a sequence, each with an indexed path.
func (f field) items() []field {
	if f.node == nil || f.node.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]field, 0, len(f.node.Content))
	for i, n := range f.node.Content {
		out = append(out, newField(n, f.path+"["+strconv.Itoa(i)+"]"))
	}
	return out
}

// keys returns the keys of a mapping in document order.
func (f field) keys() []string {
	if f.node == nil || f.node.Kind != yaml.MappingNode {
		return nil
	}
	out := make([]string, 0, len(f.node.Content)/2)
	for i := 0; i+1 < len(f.node.Content); i += 2 {
		out = append(out, f.node.Content[i].Value)
	}
	return out
}

// str returns the scalar value, or "" for an absent or non-scalar node.
func (f field) str() string {
	if f.node == nil || f.node.Kind != yaml.ScalarNode || isNull(f.node) {
		return ""
	}
	return f.node.Value
}

// boolean returns the value of a YAML boolean and whether it was one.
// The strings "true" and "false" count, as the Kubernetes API server
// decodes only those into a bool field.
func (f field) boolean() (value, ok bool) {
	switch strings.ToLower(f.str()) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func (f field) isTrue() bool {
	v, ok := f.boolean()
	return ok && v
}

// integer returns the value of an integer scalar and whether it was one.
func (f field) integer() (int64, bool) {
	s := f.str()
	if s == "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// strings returns the scalar values of a sequence.
func (f field) strings() []string {
	var out []string
	for _, item := range f.items() {
		out = append(out, item.str())
	}
	return out
}

// isEmptyMap reports whether the field is an absent, null or empty mapping.
func (f field) isEmptyMap() bool {
	if !f.present() {
		return true
	}
	return f.node.Kind == yaml.MappingNode && len(f.node.Content) == 0
}
