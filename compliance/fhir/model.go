package fhir

//go:generate go run ./gen -out r4.json.gz

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/hms-enterprise/hmsci/compliance/fhir/internal/spec"
	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

// specData is the output of ./gen: the FHIR R4 4.0.1 definitions.
//
//go:embed r4.json.gz
var specData []byte

// model is the decoded spec with the lookup tables the validator needs.
type model struct {
	spec       *spec.Spec
	types      map[string]*typeInfo
	valueSets  map[string]*valueSet
	extensions map[string]*spec.ExtensionDef
	resources  map[string]bool
	// names holds every JSON property name that some type defines, and
	// systems every code system of the embedded value sets. Messages about
	// person data print a key or system in full only when it is one of
	// these, so a value typed into the wrong place is never shown.
	names, systems map[string]bool
	// elementInfos maps an element path or type name and a JSON property
	// name to its description for the FHIRPath tree.
	elementInfos map[string]map[string]fhirpath.ElementInfo
}

type typeInfo struct {
	def      *spec.TypeDef
	root     *elementInfo
	elements map[string]*elementInfo
	// children maps an element path to the JSON property names allowed
	// below it; it is filled when the type is loaded.
	children map[string]map[string]childRef
	// childList maps an element path to its child elements in
	// definition order.
	childList map[string][]*elementInfo
}

type elementInfo struct {
	*spec.Element
	// name is the last path segment without "[x]".
	name   string
	choice bool
	// typeInfo is the type that owns this element definition.
	owner *typeInfo
}

// childRef is the target of a JSON property name: the element and, for a
// choice element, the type named by the suffix.
type childRef struct {
	elem *elementInfo
	typ  spec.Type
}

type valueSet struct {
	url, name string
	// codes maps "system|code" and, for code-typed elements, "|code".
	codes map[string]bool
}

var (
	loadOnce sync.Once
	loaded   *model
	loadErr  error
)

// defaultModel decodes the embedded definitions once.
func defaultModel() (*model, error) {
	loadOnce.Do(func() {
		s, err := spec.Decode(specData)
		if err != nil {
			loadErr = fmt.Errorf("load embedded FHIR definitions: %w", err)
			return
		}
		loaded = newModel(s)
	})
	return loaded, loadErr
}

func newModel(s *spec.Spec) *model {
	m := &model{
		spec:       s,
		types:      make(map[string]*typeInfo, len(s.Types)),
		valueSets:  make(map[string]*valueSet, len(s.ValueSets)),
		extensions: make(map[string]*spec.ExtensionDef, len(s.Extensions)),
		resources:  map[string]bool{},
		names:      map[string]bool{},
		systems:    map[string]bool{},
	}
	for i := range s.Types {
		td := &s.Types[i]
		ti := &typeInfo{def: td, elements: make(map[string]*elementInfo, len(td.Elements))}
		for j := range td.Elements {
			e := &td.Elements[j]
			last := e.Path[strings.LastIndexByte(e.Path, '.')+1:]
			ei := &elementInfo{Element: e, name: strings.TrimSuffix(last, "[x]"), choice: strings.HasSuffix(last, "[x]"), owner: ti}
			ti.elements[e.Path] = ei
			if j == 0 {
				ti.root = ei
			}
		}
		ti.children = map[string]map[string]childRef{}
		ti.childList = map[string][]*elementInfo{}
		for j := 1; j < len(td.Elements); j++ {
			ei := ti.elements[td.Elements[j].Path]
			parent := ei.Path[:strings.LastIndexByte(ei.Path, '.')]
			kids := ti.children[parent]
			if kids == nil {
				kids = map[string]childRef{}
				ti.children[parent] = kids
			}
			ti.childList[parent] = append(ti.childList[parent], ei)
			m.names[ei.name] = true
			if !ei.choice {
				var t spec.Type
				if len(ei.Types) == 1 {
					t = ei.Types[0]
				}
				kids[ei.name] = childRef{elem: ei, typ: t}
				continue
			}
			for _, t := range ei.Types {
				kids[ei.name+upperFirst(t.Code)] = childRef{elem: ei, typ: t}
				m.names[ei.name+upperFirst(t.Code)] = true
			}
		}
		m.types[td.Name] = ti
		if td.Kind == "resource" && !td.Abstract {
			m.resources[td.Name] = true
		}
	}
	for i := range s.ValueSets {
		vs := &s.ValueSets[i]
		set := &valueSet{url: vs.URL, name: vs.Name, codes: make(map[string]bool, 2*len(vs.Codes))}
		for _, c := range vs.Codes {
			set.codes[c.System+"|"+c.Code] = true
			m.systems[c.System] = true
			set.codes["|"+c.Code] = true
		}
		m.valueSets[vs.URL] = set
	}
	for i := range s.Extensions {
		m.extensions[s.Extensions[i].URL] = &s.Extensions[i]
	}
	m.elementInfos = map[string]map[string]fhirpath.ElementInfo{}
	for _, ti := range m.types {
		for parent, kids := range ti.children {
			infos := make(map[string]fhirpath.ElementInfo, len(kids))
			for property := range kids {
				if info, ok := m.elementInfo(parent, property); ok {
					infos[property] = info
				}
			}
			m.elementInfos[parent] = infos
		}
	}
	return m
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// isPrimitive reports whether the named type is a FHIR primitive type.
func (m *model) isPrimitive(name string) bool {
	ti := m.types[name]
	return ti != nil && ti.def.Kind == "primitive-type"
}

// childrenOf returns the JSON property names allowed in an object that
// the element at path of owner defines, following content references and,
// for complex types, switching to the type's own definition. It returns
// the type whose definition applies as well.
func (m *model) childrenOf(owner *typeInfo, elem *elementInfo, typ spec.Type) (*typeInfo, string, map[string]childRef) {
	if elem == nil {
		return owner, owner.def.Name, owner.children[owner.def.Name]
	}
	if elem.ContentReference != "" {
		return owner, elem.ContentReference, owner.children[elem.ContentReference]
	}
	if kids, ok := owner.children[elem.Path]; ok && (typ.Code == "BackboneElement" || typ.Code == "Element" || typ.Code == "") {
		return owner, elem.Path, kids
	}
	ti := m.types[typ.Code]
	if ti == nil {
		return nil, "", nil
	}
	return ti, ti.def.Name, ti.children[ti.def.Name]
}
