package fhir

import (
	"errors"
	"strings"

	"github.com/hms-enterprise/hmsci/compliance/fhir/internal/spec"
)

// errNotSupported marks an invariant whose expression the FHIRPath engine
// cannot evaluate; such an invariant is counted as skipped.
var errNotSupported = errors.New("expression not supported")

// invariantEvaluator evaluates one FHIRPath invariant on a node of the
// resource that the validator is walking.
type invariantEvaluator interface {
	// evaluate returns whether the invariant holds. focus is the node the
	// constraint is defined on and resource the innermost resource.
	// root is %rootResource and doc the top-level resource of the file.
	evaluate(c spec.Constraint, focus, resource, root, doc *Value) (bool, error)
}

// nativeInvariants are the base constraints the validator checks in Go
// instead of through FHIRPath, because the structural walk already has the
// facts: ele-1 (value or children), ext-1 (extension or value), ref-1
// (local references resolve to a contained resource), the
// contained-resource rules dom-2 to dom-5 and dom-6 (narrative), and the
// Bundle rules bdl-1 to bdl-12.
var nativeInvariants = map[string]bool{
	"ele-1": true, "ext-1": true, "ref-1": true,
	"dom-2": true, "dom-3": true, "dom-4": true, "dom-5": true, "dom-6": true,
	"bdl-1": true, "bdl-2": true, "bdl-3": true, "bdl-4": true, "bdl-5": true, "bdl-7": true,
	"bdl-8": true, "bdl-9": true, "bdl-10": true, "bdl-11": true, "bdl-12": true,
}

// checkInvariants evaluates the constraints of an element and of its data
// type on one node, each key once.
func (v *validator) checkInvariants(node *Value, w walk, elem, typ []spec.Constraint) {
	var done map[string]bool
	for _, list := range [2][]spec.Constraint{elem, typ} {
		for _, c := range list {
			if nativeInvariants[c.Key] || c.Expression == "" {
				continue
			}
			if done == nil {
				done = map[string]bool{}
			}
			if done[c.Key] {
				continue
			}
			done[c.Key] = true
			v.evaluateInvariant(c, node, w)
		}
	}
}

func (v *validator) evaluateInvariant(c spec.Constraint, node *Value, w walk) {
	if v.invariants == nil {
		v.out.InvariantsSkipped++
		return
	}
	frame := v.currentResource()
	var res, root, doc *Value
	if frame != nil {
		res = frame.value
	}
	if len(v.resources) > 0 {
		doc = v.resources[0].value
	}
	if container := v.containerResource(); container != nil {
		root = container.value
	}
	ok, err := v.invariants.evaluate(c, node, res, root, doc)
	if err != nil {
		v.out.InvariantsSkipped++
		return
	}
	v.out.InvariantsEvaluated++
	if ok {
		return
	}
	sev := SeverityError
	if c.Severity == "warning" {
		sev = SeverityWarning
	}
	v.out.Issues = append(v.out.Issues, Issue{Severity: sev, Code: "invariant", Rule: RuleInvariant, Expression: w.expr.String(), Line: node.Line, Column: node.Col, Key: c.Key,
		Message: "constraint " + c.Key + " failed: " + strings.TrimSuffix(c.Human, ".")})
}

// checkContained applies dom-3 to dom-5 to the contained resources of a
// resource and dom-6 to the resource itself.
func (v *validator) checkContained(res *Value, frame *resourceFrame, expr string) {
	ti := v.m.types[frame.typeName]
	if ti == nil || ti.def.Base != "DomainResource" && !v.isDomainResource(ti) {
		return
	}
	if !frame.isContained && res.Member("text") == nil {
		v.add(SeverityWarning, "invariant", RuleInvariant, res, exprText(expr), "a resource should have narrative for robust management (dom-6)")
	}
	cs := res.Member("contained")
	if cs == nil || cs.Kind != KindArray || len(cs.Items) == 0 {
		return
	}
	refs := map[string]bool{}
	collectLocalRefs(res, refs)
	for i, c := range cs.Items {
		if c.Kind != KindObject {
			continue
		}
		cex := expr + ".contained[" + itoa(i) + "]"
		id := c.String("id")
		if id != "" && !refs["#"+id] && !refersToContainer(c) {
			v.add(SeverityError, "invariant", RuleInvariant, c, exprText(cex), "the contained resource %s is not referenced from elsewhere in the containing resource, nor does it refer to the containing resource (dom-3)", showIf(frame.person, id))
		}
		if meta := c.Member("meta"); meta != nil {
			if meta.Member("versionId") != nil || meta.Member("lastUpdated") != nil {
				v.add(SeverityError, "invariant", RuleInvariant, meta, exprText(cex+".meta"), "a contained resource must not have meta.versionId or meta.lastUpdated (dom-4)")
			}
			if meta.Member("security") != nil {
				v.add(SeverityError, "invariant", RuleInvariant, meta, exprText(cex+".meta"), "a contained resource must not have security labels (dom-5)")
			}
		}
	}
}

func (v *validator) isDomainResource(ti *typeInfo) bool {
	for base := ti.def.Base; base != ""; {
		if base == "DomainResource" {
			return true
		}
		next := v.m.types[base]
		if next == nil {
			return false
		}
		base = next.def.Base
	}
	return false
}

// collectLocalRefs gathers every string value that starts with '#'.
func collectLocalRefs(val *Value, refs map[string]bool) {
	switch val.Kind {
	case KindString:
		if strings.HasPrefix(val.Text, "#") {
			refs[val.Text] = true
		}
	case KindArray:
		for _, it := range val.Items {
			collectLocalRefs(it, refs)
		}
	case KindObject:
		for i := range val.Members {
			collectLocalRefs(val.Members[i].Value, refs)
		}
	}
}

// refersToContainer reports whether a contained resource has a reference
// "#", which points at its container.
func refersToContainer(val *Value) bool {
	switch val.Kind {
	case KindArray:
		for _, it := range val.Items {
			if refersToContainer(it) {
				return true
			}
		}
	case KindObject:
		for i := range val.Members {
			m := &val.Members[i]
			if m.Key == "reference" && m.Value.Kind == KindString && m.Value.Text == "#" {
				return true
			}
			if refersToContainer(m.Value) {
				return true
			}
		}
	}
	return false
}
