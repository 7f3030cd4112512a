package fhir

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"

	"github.com/hms-enterprise/hmsci/compliance/fhir/internal/spec"
	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

// expressionCache holds parsed invariant expressions; a nil entry marks an
// expression the FHIRPath parser rejects. fhirpath.Expression is safe for
// concurrent use.
var expressionCache sync.Map // map[string]*fhirpath.Expression

func parseInvariant(source string) *fhirpath.Expression {
	if e, ok := expressionCache.Load(source); ok {
		return e.(*fhirpath.Expression)
	}
	e, err := fhirpath.Parse(source)
	if err != nil {
		e = nil
	}
	expressionCache.Store(source, e)
	return e
}

// fhirpathInvariants evaluates invariants with the fhirpath package on a
// node tree built once per document from the parsed JSON.
type fhirpathInvariants struct {
	m     *model
	built *Value
	// slab hands out nodes in chunks to cut allocations.
	slab []fhirpath.Node
}

func newFHIRPathInvariants(m *model) *fhirpathInvariants {
	return &fhirpathInvariants{m: m}
}

func (f *fhirpathInvariants) evaluate(c spec.Constraint, focus, resource, root, doc *Value) (bool, error) {
	expr := parseInvariant(c.Expression)
	if expr == nil {
		return false, errNotSupported
	}
	if f.built != doc {
		f.build(doc)
	}
	node := focus.node
	if node == nil {
		return false, errNotSupported
	}
	env := fhirpath.Environment{Resource: resource.node, RootResource: root.node, Model: modelAdapter{f.m}}
	result, err := expr.Evaluate(fhirpath.Collection{node}, &env)
	if err != nil {
		return false, errors.Join(errNotSupported, err)
	}
	switch {
	case len(result) == 0:
		// NOTE: an empty result is counted as skipped, not as a failure.
		// The engine's `is` returns empty for an empty operand, so an
		// expression such as "probability is decimal implies ..." gives
		// empty when the element is absent. The R4 examples pass them.
		return false, errEmptyResult
	case len(result) > 1:
		return false, errNotSupported
	}
	if b, ok := result[0].(bool); ok {
		return b, nil
	}
	return true, nil
}

// errEmptyResult marks an invariant whose expression evaluated to the
// empty collection.
var errEmptyResult = errors.New("invariant evaluated to an empty collection")

// build converts the document into fhirpath nodes, remembering the node of
// every object and value.
func (f *fhirpathInvariants) build(root *Value) {
	f.built = root
	rt := root.String("resourceType")
	n := &fhirpath.Node{Name: rt, Type: rt, TypePath: rt, Offset: -1}
	root.node = n
	f.fill(n, root, rt)
}

func (f *fhirpathInvariants) fill(parent *fhirpath.Node, obj *Value, typePath string) {
	var extras map[string]*Value
	for i := range obj.Members {
		mb := &obj.Members[i]
		if strings.HasPrefix(mb.Key, "_") && len(mb.Key) > 1 {
			if extras == nil {
				extras = map[string]*Value{}
			}
			extras[mb.Key[1:]] = mb.Value
		}
	}
	ma := modelAdapter{f.m}
	if parent.Children == nil {
		parent.Children = make([]*fhirpath.Node, 0, len(obj.Members))
	}
	for i := range obj.Members {
		mb := &obj.Members[i]
		if mb.Key == "resourceType" || strings.HasPrefix(mb.Key, "_") {
			continue
		}
		info, _ := ma.Element(typePath, mb.Key)
		if info.Name == "" {
			info.Name = mb.Key
		}
		f.add(parent, info, mb.Value, extras[mb.Key])
	}
	for key, extra := range extras {
		if obj.Member(key) != nil {
			continue
		}
		info, _ := ma.Element(typePath, key)
		if info.Name == "" {
			info.Name = key
		}
		f.add(parent, info, nil, extra)
	}
}

func (f *fhirpathInvariants) add(parent *fhirpath.Node, info fhirpath.ElementInfo, value, extra *Value) {
	if (value != nil && value.Kind == KindArray) || (extra != nil && extra.Kind == KindArray) {
		n := 0
		if value != nil && value.Kind == KindArray {
			n = len(value.Items)
		}
		if extra != nil && extra.Kind == KindArray {
			n = max(n, len(extra.Items))
		}
		for i := 0; i < n; i++ {
			var item, itemExtra *Value
			if value != nil && value.Kind == KindArray && i < len(value.Items) {
				item = value.Items[i]
			}
			if extra != nil && extra.Kind == KindArray && i < len(extra.Items) {
				itemExtra = extra.Items[i]
			}
			f.addOne(parent, info, item, itemExtra)
		}
		return
	}
	f.addOne(parent, info, value, extra)
}

func (f *fhirpathInvariants) addOne(parent *fhirpath.Node, info fhirpath.ElementInfo, value, extra *Value) {
	if value != nil && value.Kind == KindNull {
		value = nil
	}
	if extra != nil && extra.Kind == KindNull {
		extra = nil
	}
	if value == nil && extra == nil {
		return
	}
	if len(f.slab) == 0 {
		f.slab = make([]fhirpath.Node, 128)
	}
	node := &f.slab[0]
	f.slab = f.slab[1:]
	*node = fhirpath.Node{Name: info.Name, Type: info.Type, TypePath: info.TypePath, Parent: parent, Offset: -1}
	if value != nil {
		switch value.Kind {
		case KindObject:
			// Invariants focus on objects only, so only they are indexed.
			value.node = node
			if rt := value.String("resourceType"); rt != "" {
				node.Type, node.TypePath = rt, rt
			}
			tp := node.TypePath
			if tp == "" {
				tp = node.Type
			}
			f.fill(node, value, tp)
		case KindString:
			node.Value = value.Text
		case KindBool:
			node.Value = value.Text == "true"
		case KindNumber:
			node.Value = json.Number(value.Text)
		}
	}
	if extra != nil && extra.Kind == KindObject {
		f.fill(node, extra, "Element")
	}
	parent.Children = append(parent.Children, node)
}

// modelAdapter exposes the embedded definitions as a fhirpath.Model.
type modelAdapter struct{ m *model }

func (a modelAdapter) Element(parent, property string) (fhirpath.ElementInfo, bool) {
	info, ok := a.m.elementInfos[parent][property]
	return info, ok
}

// elementInfo describes a JSON property of the object at parent for the
// FHIRPath tree; newModel calls it once per property.
func (m *model) elementInfo(parent, property string) (fhirpath.ElementInfo, bool) {
	typeName := parent
	if i := strings.IndexByte(parent, '.'); i >= 0 {
		typeName = parent[:i]
	}
	ti := m.types[typeName]
	if ti == nil {
		return fhirpath.ElementInfo{}, false
	}
	ref, ok := ti.children[parent][property]
	if !ok {
		return fhirpath.ElementInfo{}, false
	}
	code := ref.typ.Code
	if rest, ok := strings.CutPrefix(code, "System."); ok {
		// System.String becomes string, System.DateTime dateTime.
		code = strings.ToLower(rest[:1]) + rest[1:]
	}
	info := fhirpath.ElementInfo{Name: ref.elem.name, Type: code}
	switch {
	case ref.elem.ContentReference != "":
		info.TypePath = ref.elem.ContentReference
		if target := ti.elements[ref.elem.ContentReference]; target != nil && len(target.Types) > 0 {
			info.Type = target.Types[0].Code
		}
	case code == "BackboneElement" || code == "Element":
		if _, has := ti.children[ref.elem.Path]; has {
			info.TypePath = ref.elem.Path
		}
	}
	return info, true
}

func (a modelAdapter) BaseType(typeName string) string {
	if ti := a.m.types[typeName]; ti != nil {
		return ti.def.Base
	}
	return ""
}
