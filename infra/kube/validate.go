package kube

import (
	"errors"
	"fmt"

	"gopkg.in/yaml.v3"
)

// errInvalidManifest marks load errors for a document that is valid YAML
// but that the API server would reject: a duplicate key or a value of the
// wrong type in a field hmsci checks.
var errInvalidManifest = errors.New("manifest is not a valid Kubernetes object")

// fieldType is the scalar type the Kubernetes API gives a field.
type fieldType uint8

const (
	typeBool fieldType = iota + 1
	typeInt
)

// typedFields are the fields whose values the security checks read, with
// the scalar type of their Kubernetes API definition (PodSpec,
// SecurityContext, PodSecurityContext in k8s.io/api core/v1). A string
// there ("privileged: 'yes'") would be rejected on apply, and a check that
// read it as false would pass a privileged Pod.
var typedFields = map[string]fieldType{
	"privileged": typeBool, "runAsNonRoot": typeBool, "allowPrivilegeEscalation": typeBool,
	"readOnlyRootFilesystem": typeBool, "hostNetwork": typeBool, "hostPID": typeBool,
	"hostIPC": typeBool, "hostUsers": typeBool, "automountServiceAccountToken": typeBool,
	"runAsUser": typeInt, "runAsGroup": typeInt, "fsGroup": typeInt,
}

// maxShownValue bounds how much of a wrong value an error quotes.
const maxShownValue = 40

// validateDocument returns an error for each duplicate mapping key in the
// document and, when the document is a Kubernetes object (it has
// apiVersion and kind), for each typed field whose value has another type.
// Each error names file, line and column.
func validateDocument(rel string, doc int, node *yaml.Node) []error {
	root := node
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	object := root.Kind == yaml.MappingNode && mappingValue(root, "apiVersion") != nil && mappingValue(root, "kind") != nil
	var errs []error
	var walk func(n *yaml.Node, parent string)
	walk = func(n *yaml.Node, parent string) {
		switch n.Kind {
		case yaml.MappingNode:
			seen := map[string]*yaml.Node{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				key, value := n.Content[i], n.Content[i+1]
				if key.Kind == yaml.ScalarNode {
					if first, ok := seen[key.Value]; ok {
						errs = append(errs, fmt.Errorf("%s:%d:%d: document %d: duplicate key %q in %s, first at line %d column %d; the API server rejects it, and readers disagree on which value wins: %w",
							rel, key.Line, key.Column, doc, key.Value, describe(parent), first.Line, first.Column, errInvalidManifest))
					} else {
						seen[key.Value] = key
					}
					if object {
						if err := checkType(rel, doc, key, value); err != nil {
							errs = append(errs, err)
						}
					}
				}
				walk(value, joinPath(parent, key.Value))
			}
		case yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, parent+"[]")
			}
		}
	}
	walk(root, "")
	return errs
}

// describe names a field path for messages; the root has none.
func describe(path string) string {
	if path == "" {
		return "the document root"
	}
	return path
}

// mappingValue returns the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// checkType returns an error when key names a typed field and value is a
// scalar of another type. Null is accepted: it means the field is unset.
func checkType(rel string, doc int, key, value *yaml.Node) error {
	want, ok := typedFields[key.Value]
	if !ok {
		return nil
	}
	value = resolve(value)
	if value == nil || isNull(value) {
		return nil
	}

	var wantTag, wantText string
	switch want {
	case typeBool:
		wantTag, wantText = "!!bool", "a boolean, true or false"
	case typeInt:
		wantTag, wantText = "!!int", "an integer, such as 10001"
	}
	if value.Kind == yaml.ScalarNode && value.Tag == wantTag {
		return nil
	}

	got := "a " + kindName(value)
	if value.Kind == yaml.ScalarNode {
		text := value.Value
		if len(text) > maxShownValue {
			text = text[:maxShownValue] + "..."
		}
		got = fmt.Sprintf("%s %q", tagName(value.Tag), text)
	}

	hint := "write it without quotes"
	switch {
	case value.Kind != yaml.ScalarNode:
		hint = "write a single value"
	case value.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
	case want == typeBool:
		// yaml.v3 reads YAML 1.2, where only true and false are booleans.
		hint = "write true or false, because YAML 1.1 readers take yes or on for true and YAML 1.2 readers take them for strings"
	default:
		hint = "write a whole number"
	}
	return fmt.Errorf("%s:%d:%d: document %d: %s must be %s, not %s; the API server rejects it, so %s: %w",
		rel, value.Line, value.Column, doc, key.Value, wantText, got, hint, errInvalidManifest)
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	}
	return "value"
}

// tagName names a resolved YAML tag for messages.
func tagName(tag string) string {
	switch tag {
	case "!!str":
		return "the string"
	case "!!int":
		return "the integer"
	case "!!float":
		return "the number"
	case "!!bool":
		return "the boolean"
	}
	return "the value"
}
