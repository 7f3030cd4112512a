package fhir

import (
	"strconv"
	"strings"
)

// exprNode is one step of a FHIRPath-style location such as
// Patient.name[0].given[1]. The walker creates one per element and item but
// joins them into a string only when an issue needs it.
type exprNode struct {
	parent *exprNode
	// root is the text of a root node, such as "Patient" or
	// "Bundle.entry[0].resource".
	root string
	// name is the element name of a child step; ofType is the type of a
	// choice element.
	name, ofType string
	// index is the item position of an index step, or -1.
	index int
}

// String joins the steps, such as "Observation.value.ofType(Quantity)".
func (e *exprNode) String() string {
	if e == nil {
		return ""
	}
	if e.parent == nil {
		return e.root
	}
	var steps []*exprNode
	for n := e; n.parent != nil; n = n.parent {
		steps = append(steps, n)
	}
	var b strings.Builder
	b.WriteString(steps[len(steps)-1].parent.root)
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if s.index >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
			continue
		}
		b.WriteByte('.')
		b.WriteString(s.name)
		if s.ofType != "" {
			b.WriteString(".ofType(")
			b.WriteString(s.ofType)
			b.WriteByte(')')
		}
	}
	return b.String()
}

// exprText is a location that is already a string.
type exprText string

func (e exprText) String() string { return string(e) }

// newExpr returns a step from the validator's slab, so that a step costs
// no allocation of its own.
func (v *validator) newExpr(parent *exprNode, root, name, ofType string, index int) *exprNode {
	if len(v.exprSlab) == 0 {
		v.exprSlab = make([]exprNode, 64)
	}
	e := &v.exprSlab[0]
	v.exprSlab = v.exprSlab[1:]
	*e = exprNode{parent: parent, root: root, name: name, ofType: ofType, index: index}
	return e
}

// child returns the step to the element name below parent.
func (v *validator) child(parent *exprNode, name string) *exprNode {
	return v.newExpr(parent, "", name, "", -1)
}
