package fhirpath

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Node is one element of a FHIR resource tree: a resource, a complex value or a primitive.
type Node struct {
	// Name is the FHIRPath element name, without a choice-type suffix: "value" for the JSON
	// property valueQuantity. The root resource node has the resource type as Name.
	Name string
	// Type is the FHIR type code of the value: "Patient", "HumanName", "BackboneElement",
	// "string", "date". Empty when the model has no entry for it.
	Type string
	// TypePath is the key under which a [Model] describes this node's children: the type name
	// for data types and resources ("HumanName"), the element path for backbone elements
	// ("Patient.contact"). Empty means the same as Type.
	TypePath string
	// Value is the primitive value: string, bool or json.Number as it appeared in JSON. It is
	// nil for complex values and for primitives that carry only an id or extensions.
	Value any
	// Children are the child elements in document order. A repeated element contributes one
	// child per item, all with the same Name.
	Children []*Node
	// Parent is the enclosing node, nil for the root.
	Parent *Node
	// Offset is the byte offset of the value in the source JSON, or -1 when unknown.
	Offset int
}

// ElementInfo describes one JSON property of a complex FHIR type.
type ElementInfo struct {
	// Name is the element name without a choice-type suffix ("value" for valueQuantity).
	Name string
	// Type is the FHIR type code of the property's value ("Quantity", "BackboneElement", "code").
	Type string
	// TypePath is the key for the value's own children: Type for data types, the element
	// path ("Patient.contact") for backbone elements. Empty means the same as Type.
	TypePath string
}

// Model describes FHIR types for the tree builder and for type operators.
type Model interface {
	// Element describes the JSON property named property of a node whose TypePath is parent.
	// For a choice element it resolves the suffix: ("Observation", "valueQuantity") gives
	// Name "value", Type "Quantity". It returns false for an unknown property.
	Element(parent, property string) (ElementInfo, bool)
	// BaseType returns the type that typeName derives from ("DomainResource" for "Patient",
	// "string" for "code"), or "" for a type without a base or an unknown type.
	BaseType(typeName string) string
}

// Member is one property of an [Object], in document order.
type Member struct {
	Key   string
	Value any
}

// Object is a JSON object whose property order is kept, accepted by [FromValue].
type Object []Member

// FromJSON parses one FHIR JSON resource and builds its tree. The model may be nil, in which
// case only resource types and JSON kinds give node types. Syntax errors name the byte offset.
func FromJSON(data []byte, model Model) (*Node, error) {
	value, err := parseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("parse FHIR JSON at byte %d: %w", jsonErrorOffset(err), err)
	}
	return FromValue(value, model)
}

// offsetValue wraps a decoded JSON value with the byte offset where it started.
type offsetValue struct {
	value  any
	offset int
}

// FromValue builds a tree from a decoded JSON resource: an [Object] or map[string]any (whose
// keys are then taken in sorted order), with []any arrays and string, bool, json.Number or
// float64 primitives. The model may be nil.
func FromValue(value any, model Model) (*Node, error) {
	value, offset := unwrapOffset(value)
	object, err := asObject(value)
	if err != nil {
		return nil, fmt.Errorf("build FHIR tree: %w", err)
	}
	resourceType, _ := memberString(object, "resourceType")
	if resourceType == "" {
		return nil, errors.New("build FHIR tree: the root object has no resourceType")
	}
	b := builder{model: model}
	root := &Node{Name: resourceType, Type: resourceType, Offset: offset}
	if err := b.fill(root, object, resourceType); err != nil {
		return nil, err
	}
	return root, nil
}

type builder struct {
	model Model
}

func unwrapOffset(value any) (any, int) {
	if wrapped, ok := value.(offsetValue); ok {
		return wrapped.value, wrapped.offset
	}
	return value, -1
}

func asObject(value any) (Object, error) {
	switch v := value.(type) {
	case Object:
		return v, nil
	case map[string]any:
		keys := make([]string, 0, len(v))
		for key := range v {
			keys = append(keys, key)
		}
		sort.Strings(keys)
		object := make(Object, 0, len(keys))
		for _, key := range keys {
			object = append(object, Member{Key: key, Value: v[key]})
		}
		return object, nil
	}
	return nil, fmt.Errorf("expected a JSON object, found %s", jsonKind(value))
}

func memberString(object Object, key string) (string, bool) {
	for _, member := range object {
		if member.Key == key {
			value, _ := unwrapOffset(member.Value)
			s, ok := value.(string)
			return s, ok
		}
	}
	return "", false
}

func jsonKind(value any) string {
	switch value.(type) {
	case nil:
		return "null"
	case Object, map[string]any:
		return "an object"
	case []any:
		return "an array"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case json.Number, float64, int, int64:
		return "a number"
	}
	return fmt.Sprintf("a %T", value)
}

// fill adds the members of object as children of node, whose children are described in the
// model under typePath. Primitive extensions (_name) are merged into the primitive nodes.
func (b *builder) fill(node *Node, object Object, typePath string) error {
	extras := map[string]any{}
	for _, member := range object {
		if strings.HasPrefix(member.Key, "_") && len(member.Key) > 1 {
			extras[member.Key[1:]] = member.Value
		}
	}
	seen := map[string]bool{}
	for _, member := range object {
		key := member.Key
		if key == "resourceType" || strings.HasPrefix(key, "_") {
			continue
		}
		seen[key] = true
		if err := b.addProperty(node, typePath, key, member.Value, extras[key]); err != nil {
			return err
		}
	}
	// A primitive may appear only as _name, with an id or extensions and no value.
	for _, member := range object {
		key := member.Key
		if !strings.HasPrefix(key, "_") || len(key) < 2 || seen[key[1:]] {
			continue
		}
		if err := b.addProperty(node, typePath, key[1:], nil, member.Value); err != nil {
			return err
		}
	}
	return nil
}

func (b *builder) addProperty(parent *Node, typePath, key string, value, extra any) error {
	info := ElementInfo{Name: key}
	known := false
	if b.model != nil {
		info, known = b.model.Element(typePath, key)
		if !known {
			info = ElementInfo{Name: key}
		}
	}
	value, offset := unwrapOffset(value)
	extra, _ = unwrapOffset(extra)
	items, isArray := value.([]any)
	extraItems, extraIsArray := extra.([]any)
	if !isArray {
		items = []any{value}
		if value == nil {
			items = []any{nil}
		}
	}
	if !extraIsArray {
		extraItems = nil
		if extra != nil {
			extraItems = []any{extra}
		}
	}
	count := len(items)
	if value == nil && len(extraItems) > count {
		count = len(extraItems)
	}
	for i := 0; i < count; i++ {
		var item, itemExtra any
		if i < len(items) {
			item = items[i]
		}
		if i < len(extraItems) {
			itemExtra = extraItems[i]
		}
		item, itemOffset := unwrapOffset(item)
		if !isArray {
			itemOffset = offset
		}
		if item == nil && itemExtra == nil {
			continue
		}
		child, err := b.buildValue(info, known, key, item, itemExtra, itemOffset)
		if err != nil {
			return err
		}
		child.Parent = parent
		parent.Children = append(parent.Children, child)
	}
	return nil
}

func (b *builder) buildValue(info ElementInfo, known bool, key string, value, extra any, offset int) (*Node, error) {
	node := &Node{Name: info.Name, Type: info.Type, TypePath: info.TypePath, Offset: offset}
	switch v := value.(type) {
	case Object, map[string]any:
		object, err := asObject(v)
		if err != nil {
			return nil, err
		}
		if resourceType, ok := memberString(object, "resourceType"); ok && resourceType != "" {
			node.Type = resourceType
			node.TypePath = resourceType
		}
		typePath := node.TypePath
		if typePath == "" {
			typePath = node.Type
		}
		if err := b.fill(node, object, typePath); err != nil {
			return nil, err
		}
		return node, nil
	case []any:
		return nil, fmt.Errorf("build FHIR tree: property %q contains a nested array", key)
	case json.Number:
		node.Value = v
		if !known {
			node.Type = "decimal"
			if !strings.ContainsAny(v.String(), ".eE") {
				node.Type = "integer"
			}
		}
	case float64:
		node.Value = json.Number(fmt.Sprint(v))
		if !known {
			node.Type = "decimal"
		}
	case string:
		node.Value = v
		if !known {
			node.Type = "string"
		}
	case bool:
		node.Value = v
		if !known {
			node.Type = "boolean"
		}
	case nil:
	default:
		return nil, fmt.Errorf("build FHIR tree: property %q has unsupported value type %T", key, value)
	}
	if extra != nil {
		object, err := asObject(extra)
		if err != nil {
			return nil, fmt.Errorf("build FHIR tree: property %q: %w", "_"+key, err)
		}
		// The id and extensions of a primitive are Element members.
		if err := b.fill(node, object, "Element"); err != nil {
			return nil, err
		}
	}
	return node, nil
}

// Child returns the first child named name, or nil.
func (n *Node) Child(name string) *Node {
	for _, child := range n.Children {
		if child.Name == name {
			return child
		}
	}
	return nil
}

// HasPrimitiveValue reports whether the node carries a primitive value.
func (n *Node) HasPrimitiveValue() bool { return n.Value != nil }

func (n *Node) typePath() string {
	if n.TypePath != "" {
		return n.TypePath
	}
	return n.Type
}
