package fhir

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/hms-enterprise/hmsci/compliance/fhir/internal/spec"
)

// validator checks one document. It is not safe for concurrent use.
type validator struct {
	m          *model
	opts       Options
	out        *Outcome
	invariants invariantEvaluator
	// exprSlab hands out location steps in chunks.
	exprSlab []exprNode
	// resources is the stack of resources being walked, innermost last.
	resources []*resourceFrame
}

// resourceFrame is the state of one resource on the walker's stack, used
// to resolve local references and to evaluate invariants.
type resourceFrame struct {
	value       *Value
	typeName    string
	containedID map[string]bool
	isContained bool
	// bundle is set while the walker is inside a Bundle's entries.
	bundle *bundleFrame
	// fullURL is the fullUrl of the bundle entry the resource is in, or
	// of the entry its container is in.
	fullURL string
	// person is set for a resource about a person and for every resource
	// contained in one, so that messages mask all of their values.
	person bool
}

// walk carries the position of a value in the resource.
type walk struct {
	owner *typeInfo
	elem  *elementInfo
	typ   spec.Type
	expr  *exprNode
	// phi is set below an element that holds person data (names,
	// identifiers, telecom, addresses, birth dates) and everywhere in a
	// resource about a person, so messages mask values.
	phi bool
	// context names where an extension of this value would sit: the
	// element path and the type, such as "Patient.name" and "HumanName".
	context extensionContext
}

// extensionContext is the place of a value that an extension on it would
// have: the element path, the type and, for an element defined by a
// content reference, the referenced path. An empty path marks a nested
// extension, whose context is its parent extension.
type extensionContext struct {
	path, typeName, contentRef string
}

// matches reports whether an element context of an extension definition
// names this place, by element path or by type.
func (c extensionContext) matches(name string) bool {
	return name != "" && (name == c.path || name == c.typeName || name == c.contentRef)
}

func (c extensionContext) String() string {
	s := c.path
	if c.typeName != "" && c.typeName != c.path {
		s += " (" + c.typeName + ")"
	}
	return s
}

func (v *validator) add(sev Severity, code, rule string, at *Value, expr fmt.Stringer, format string, args ...any) {
	is := Issue{Severity: sev, Code: code, Rule: rule, Expression: expr.String(), Message: fmt.Sprintf(format, args...)}
	if at != nil {
		is.Line, is.Column = at.Line, at.Col
	}
	v.out.Issues = append(v.out.Issues, is)
}

func (v *validator) addAt(sev Severity, code, rule string, line, col int, expr fmt.Stringer, format string, args ...any) {
	v.out.Issues = append(v.out.Issues, Issue{Severity: sev, Code: code, Rule: rule, Expression: expr.String(), Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// phiTypes are data types whose values are person data in every resource.
var phiTypes = map[string]bool{"HumanName": true, "Identifier": true, "ContactPoint": true, "Address": true}

// phiElements are element names whose values are person data.
var phiElements = map[string]bool{"birthDate": true, "deceasedDateTime": true, "multipleBirthInteger": true}

// show quotes a value for a message, masking it below person data: only
// the first character and the length remain.
func show(w walk, s string) string {
	if !w.phi {
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		return strconv.Quote(s)
	}
	return maskValue(s)
}

func maskValue(s string) string {
	r := []rune(s)
	if len(r) <= 1 {
		return "'*' (masked)"
	}
	return fmt.Sprintf("'%c%s' (masked, %d characters)", r[0], strings.Repeat("*", min(len(r)-1, 8)), len(r))
}

// validateResource checks a resource object and returns its type name, or
// "" when the type is missing or unknown.
func (v *validator) validateResource(res *Value, expr string, contained bool, bundle *bundleFrame) string {
	v.out.Resources++
	if res.Kind != KindObject {
		v.add(SeverityError, "structure", RuleStructure, res, exprText(expr), "a resource must be a JSON object, found %s", res.Kind)
		return ""
	}
	rtv := res.Member("resourceType")
	if rtv == nil {
		v.add(SeverityError, "structure", RuleStructure, res, exprText(expr), "resourceType is missing: a FHIR resource must name its type")
		return ""
	}
	if rtv.Kind != KindString {
		v.add(SeverityError, "structure", RuleJSON, rtv, exprText(expr), "resourceType must be a string, found %s", rtv.Kind)
		return ""
	}
	rt := rtv.Text
	ti := v.m.types[rt]
	if ti == nil || ti.def.Kind != "resource" {
		v.unknownResourceType(rtv, expr)
		return ""
	}
	if ti.def.Abstract {
		v.add(SeverityError, "structure", RuleStructure, rtv, exprText(expr), "resourceType %q is abstract and cannot be instantiated", rt)
		return ""
	}
	if expr == "" {
		expr = rt
	}
	frame := &resourceFrame{value: res, typeName: rt, isContained: contained, bundle: bundle, person: personResources[rt]}
	if parent := v.currentResource(); parent != nil && parent.person {
		frame.person = true
	}
	if bundle != nil {
		if u, ok := bundle.fullURLOf[res]; ok {
			frame.fullURL = u
		} else if parent := v.currentResource(); parent != nil {
			frame.fullURL = parent.fullURL
		}
	}
	if rt == "Bundle" {
		frame.bundle = newBundleFrame(v.m, res)
	}
	if cs := res.Member("contained"); cs != nil && cs.Kind == KindArray {
		frame.containedID = map[string]bool{}
		for _, c := range cs.Items {
			if id := c.String("id"); id != "" {
				frame.containedID[id] = true
			}
		}
	}
	v.resources = append(v.resources, frame)
	defer func() { v.resources = v.resources[:len(v.resources)-1] }()

	if idv := res.Member("id"); idv != nil && idv.Kind == KindString {
		v.checkResourceID(idv, expr+".id", frame.person)
	} else if contained && idv == nil {
		v.add(SeverityError, "required", RuleCardinality, res, exprText(expr), "a contained resource must have an id")
	}
	w := walk{owner: ti, typ: spec.Type{Code: rt}, expr: v.newExpr(nil, expr, "", "", -1), context: extensionContext{path: rt, typeName: rt}, phi: frame.person}
	v.validateObject(res, w, true)
	v.checkContained(res, frame, expr)
	v.checkInvariants(res, w, ti.root.Constraints, nil)
	if rt == "Bundle" {
		v.validateBundle(res, frame.bundle, expr)
	}
	return rt
}

// checkResourceID checks the format of a resource id. The id of a resource
// about a person is masked, because it is often a medical record number.
func (v *validator) checkResourceID(idv *Value, path string, person bool) {
	expr := exprText(path)
	id := idv.Text
	switch {
	case len(id) > 64:
		v.add(SeverityError, "value", RuleDatatype, idv, expr, "invalid resource id: too long (%d characters, maximum 64)", len(id))
	case !isID(id):
		v.add(SeverityError, "value", RuleDatatype, idv, expr, "invalid resource id %s: only A-Z, a-z, 0-9, '-' and '.' are allowed", showIf(person, id))
	}
}

// unknownResourceType reports a resourceType that FHIR R4 does not define.
// A near miss such as "Pateint" is printed with the type it resembles. Any
// other value is masked, because the document may still be a patient
// record whose columns shifted.
func (v *validator) unknownResourceType(rtv *Value, expr string) {
	rt := rtv.Text
	if guess := closest(rt, maps.Keys(v.m.resources)); guess != "" {
		v.add(SeverityError, "structure", RuleStructure, rtv, exprText(expr), "unknown resourceType %q: not a FHIR R4 resource type; did you mean %q?", rt, guess)
		return
	}
	v.add(SeverityError, "structure", RuleStructure, rtv, exprText(expr), "unknown resourceType %s: not a FHIR R4 resource type (the value is masked because it resembles no type name and may be data)", maskValue(rt))
}

// validateObject checks the members of an object against the children of
// the element (or type) that w names.
func (v *validator) validateObject(obj *Value, w walk, isResource bool) {
	owner, base, kids := v.m.childrenOf(w.owner, w.elem, w.typ)
	if owner == nil {
		return
	}
	if len(obj.Members) == 0 {
		v.add(SeverityError, "structure", RuleJSON, obj, w.expr, "empty object: an element must have a value or children, otherwise leave it out")
		return
	}
	// Count members per element so that choice variants and
	// primitive-extension pairs are seen together.
	var uses []*memberUse
	// Objects are small, so a linear search beats a map here.
	byElem := func(e *elementInfo) *memberUse {
		for _, u := range uses {
			if u.ref.elem == e {
				return u
			}
		}
		return nil
	}
	onlyIDs := true
	for i := range obj.Members {
		mb := &obj.Members[i]
		if isResource && mb.Key == "resourceType" {
			continue
		}
		if mb.Key != "id" {
			onlyIDs = false
		}
		key, underscore := mb.Key, false
		if strings.HasPrefix(key, "_") {
			key, underscore = key[1:], true
		}
		ref, ok := kids[key]
		if !ok {
			hint := ""
			if guess := closest(key, maps.Keys(kids)); guess != "" {
				hint = fmt.Sprintf("; did you mean %q?", guess)
			}
			v.addAt(SeverityError, "structure", RuleStructure, mb.Line, mb.Col, w.expr, "unrecognized property %s in %s%s", v.showKey(w, mb.Key), base, hint)
			continue
		}
		if underscore && !v.m.isPrimitive(ref.typ.Code) {
			v.addAt(SeverityError, "structure", RuleJSON, mb.Line, mb.Col, w.expr, "property %q: a '_' property is only allowed for primitive elements, and %q is of type %s", mb.Key, key, ref.typ.Code)
			continue
		}
		u := byElem(ref.elem)
		if u == nil {
			u = &memberUse{ref: ref, key: key, keyLine: mb.Line, keyCol: mb.Col}
			uses = append(uses, u)
		} else if u.key != key {
			v.addAt(SeverityError, "structure", RuleStructure, mb.Line, mb.Col, w.expr, "choice element %s[x] appears as both %q and %q: only one type is allowed", ref.elem.name, u.key, key)
			continue
		}
		if underscore {
			u.underscore = mb.Value
		} else {
			u.value = mb.Value
		}
	}
	if onlyIDs && !isResource {
		v.add(SeverityError, "structure", RuleJSON, obj, w.expr, "element has only an id: an element must have a value or children (ele-1)")
	}

	inner := w
	inner.owner = owner
	for _, u := range uses {
		v.validateMember(inner, u)
	}

	// Cardinality of every child element, in definition order.
	for _, child := range v.childList(owner, base) {
		count := 0
		if u := byElem(child); u != nil {
			count = u.count()
		}
		if count < child.Min {
			v.add(SeverityError, "required", RuleCardinality, obj, w.expr, "%s: minimum required = %d, but only found %d", child.Path, child.Min, count)
		}
		if child.Max != spec.Unbounded && count > child.Max {
			v.add(SeverityError, "structure", RuleCardinality, obj, w.expr, "%s: maximum allowed = %d, but found %d", child.Path, child.Max, count)
		}
	}
}

// memberUse is one element's value and '_' extension in an object.
type memberUse struct {
	ref        childRef
	key        string
	value      *Value
	underscore *Value
	keyLine    int
	keyCol     int
}

// count returns how many values the member holds. In an array a position
// counts when the value or its '_' extension is present.
func (u *memberUse) count() int {
	n := 0
	if u.value != nil {
		if u.value.Kind == KindArray {
			n = len(u.value.Items)
		} else {
			n = 1
		}
	}
	if u.underscore != nil {
		if u.underscore.Kind == KindArray {
			n = max(n, len(u.underscore.Items))
		} else {
			n = max(n, 1)
		}
	}
	return n
}

// childList returns the child elements of a path in definition order.
func (v *validator) childList(owner *typeInfo, base string) []*elementInfo {
	return owner.childList[base]
}

// validateMember checks the value (and '_' extension) of one element.
func (v *validator) validateMember(parent walk, u *memberUse) {
	elem := u.ref.elem
	ofType := ""
	if elem.choice {
		ofType = u.ref.typ.Code
	}
	expr := v.newExpr(parent.expr, "", elem.name, ofType, -1)
	w := walk{owner: parent.owner, elem: elem, typ: u.ref.typ, expr: expr, phi: parent.phi}
	if phiTypes[u.ref.typ.Code] || phiElements[u.key] {
		w.phi = true
	}
	if elem.name == "extension" && parent.typ.Code == "Extension" {
		w.context = extensionContext{}
	} else if elem.name == "extension" || elem.name == "modifierExtension" {
		w.context = parent.context
	} else {
		w.context = extensionContext{path: elem.Path, typeName: u.ref.typ.Code, contentRef: elem.ContentReference}
	}
	repeating := elem.Max == spec.Unbounded || elem.Max > 1
	primitive := v.m.isPrimitive(u.ref.typ.Code)

	if !repeating {
		if u.value != nil && u.value.Kind == KindArray {
			v.add(SeverityError, "structure", RuleJSON, u.value, expr, "property %q must be a single value, not a JSON array (maximum cardinality 1)", u.key)
			return
		}
		if u.underscore != nil && u.underscore.Kind == KindArray {
			v.add(SeverityError, "structure", RuleJSON, u.underscore, expr, "property %q must be a single object, not a JSON array", "_"+u.key)
			return
		}
		if u.value != nil {
			v.validateItem(u.value, w, primitive)
		}
		if u.underscore != nil {
			v.validatePrimitiveElement(u.underscore, w, u.value == nil)
		}
		if u.value != nil || u.underscore != nil {
			v.checkBinding(u.value, w)
		}
		return
	}

	if u.value != nil && u.value.Kind != KindArray {
		v.add(SeverityError, "structure", RuleJSON, u.value, expr, "property %q must be a JSON array, not %s (maximum cardinality %s)", u.key, articleKind(u.value.Kind), maxText(elem.Max))
		return
	}
	if u.underscore != nil && u.underscore.Kind != KindArray {
		v.add(SeverityError, "structure", RuleJSON, u.underscore, expr, "property %q must be a JSON array, not %s", "_"+u.key, articleKind(u.underscore.Kind))
		return
	}
	if u.value != nil && len(u.value.Items) == 0 {
		v.add(SeverityError, "structure", RuleJSON, u.value, expr, "array %q cannot be empty: leave the property out when it has no values", u.key)
	}
	if u.underscore != nil && len(u.underscore.Items) == 0 {
		v.add(SeverityError, "structure", RuleJSON, u.underscore, expr, "array %q cannot be empty: leave the property out when it has no values", "_"+u.key)
	}
	if u.value != nil && u.underscore != nil && len(u.value.Items) != len(u.underscore.Items) {
		v.add(SeverityError, "structure", RuleJSON, u.underscore, expr, "array %q has %d items but %q has %d: primitive extensions must align with their values", "_"+u.key, len(u.underscore.Items), u.key, len(u.value.Items))
	}
	n := u.count()
	for i := 0; i < n; i++ {
		iw := w
		iw.expr = v.newExpr(expr, "", "", "", i)
		var val, ext *Value
		if u.value != nil && i < len(u.value.Items) {
			val = u.value.Items[i]
		}
		if u.underscore != nil && i < len(u.underscore.Items) {
			ext = u.underscore.Items[i]
		}
		if val != nil && val.Kind == KindNull {
			if !primitive || ext == nil || ext.Kind == KindNull {
				v.add(SeverityError, "structure", RuleJSON, val, iw.expr, "null is only allowed in a primitive array whose '_' array has an extension at the same position")
			}
			val = nil
		}
		if ext != nil && ext.Kind == KindNull {
			if val == nil {
				v.add(SeverityError, "structure", RuleJSON, ext, iw.expr, "null is only allowed in a '_' array whose value array has a value at the same position")
			}
			ext = nil
		}
		if val != nil {
			v.validateItem(val, iw, primitive)
		}
		if ext != nil {
			v.validatePrimitiveElement(ext, iw, val == nil)
		}
		if val != nil || ext != nil {
			v.checkBinding(val, iw)
		}
	}
}

func articleKind(k Kind) string {
	switch k {
	case KindArray, KindObject:
		return "an " + k.String()
	default:
		return "a " + k.String()
	}
}

func maxText(n int) string {
	if n == spec.Unbounded {
		return "*"
	}
	return strconv.Itoa(n)
}

// validateItem checks one value of an element.
func (v *validator) validateItem(val *Value, w walk, primitive bool) {
	code := w.typ.Code
	switch {
	case primitive || strings.HasPrefix(code, "System."):
		v.validatePrimitive(val, w)
		return
	case code == "Resource" || v.m.resources[code]:
		if val.Kind != KindObject {
			v.add(SeverityError, "structure", RuleJSON, val, w.expr, "expected a resource object, found %s", val.Kind)
			return
		}
		contained := w.elem != nil && w.elem.name == "contained"
		var bundle *bundleFrame
		if len(v.resources) > 0 {
			bundle = v.resources[len(v.resources)-1].bundle
		}
		rt := v.validateResource(val, w.expr.String(), contained, bundle)
		if rt != "" && code != "Resource" && rt != code {
			v.add(SeverityError, "structure", RuleStructure, val, w.expr, "resource type %s is not allowed here: expected %s", rt, code)
		}
		if contained && val.Member("contained") != nil {
			v.add(SeverityError, "invariant", RuleInvariant, val, w.expr, "a contained resource cannot contain resources (dom-2)")
		}
		return
	}
	if val.Kind != KindObject {
		v.add(SeverityError, "structure", RuleJSON, val, w.expr, "property must be a JSON object of type %s, found %s", typeLabel(w), val.Kind)
		return
	}
	v.validateObject(val, w, false)
	switch code {
	case "Reference":
		v.checkReference(val, w)
	case "Extension":
		v.checkExtension(val, w)
	case "Narrative":
		v.checkNarrative(val, w)
	case "Coding":
		v.checkCodingTerminology(val, w)
	case "Identifier":
		v.checkIdentifierTerminology(val, w)
	}
	var typeConstraints []spec.Constraint
	if ti := v.m.types[code]; ti != nil && ti.def.Kind == "complex-type" {
		typeConstraints = ti.root.Constraints
	}
	var elemConstraints []spec.Constraint
	if w.elem != nil {
		elemConstraints = w.elem.Constraints
	}
	v.checkInvariants(val, w, elemConstraints, typeConstraints)
}

func typeLabel(w walk) string {
	if w.typ.Code == "BackboneElement" || w.typ.Code == "Element" || w.typ.Code == "" {
		if w.elem != nil {
			return w.elem.Path
		}
	}
	return w.typ.Code
}

// validatePrimitiveElement checks the '_' object of a primitive: it may
// hold only id and extension.
func (v *validator) validatePrimitiveElement(ext *Value, w walk, valueMissing bool) {
	if ext.Kind != KindObject {
		v.add(SeverityError, "structure", RuleJSON, ext, w.expr, "a '_' property must be a JSON object with id or extension, found %s", ext.Kind)
		return
	}
	if len(ext.Members) == 0 {
		v.add(SeverityError, "structure", RuleJSON, ext, w.expr, "empty object: a '_' property must have an id or extensions")
		return
	}
	ew := walk{owner: v.m.types["Element"], typ: spec.Type{Code: "Element"}, expr: w.expr, phi: w.phi, context: w.context}
	v.validateObject(ext, ew, false)
	if valueMissing && ext.Member("extension") == nil {
		v.add(SeverityError, "structure", RuleJSON, ext, w.expr, "a primitive without a value must have an extension (ele-1)")
	}
}
