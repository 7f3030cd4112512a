package terraform

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// sortedAttributes returns a body's attributes in source order.
func sortedAttributes(body *hclsyntax.Body) []*hclsyntax.Attribute {
	out := make([]*hclsyntax.Attribute, 0, len(body.Attributes))
	for _, a := range body.Attributes {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SrcRange.Start.Byte < out[j].SrcRange.Start.Byte })
	return out
}

// functions are the Terraform functions that checks may need to evaluate
// literal settings, such as lower("TRUE") or tostring(5432).
var functions = map[string]function.Function{
	"lower":      stdlib.LowerFunc,
	"upper":      stdlib.UpperFunc,
	"tostring":   stdlib.MakeToFunc(cty.String),
	"tonumber":   stdlib.MakeToFunc(cty.Number),
	"tobool":     stdlib.MakeToFunc(cty.Bool),
	"jsonencode": stdlib.JSONEncodeFunc,
	"concat":     stdlib.ConcatFunc,
	"coalesce":   stdlib.CoalesceFunc,
	"max":        stdlib.MaxFunc,
	"min":        stdlib.MinFunc,
}

// maxLocalPasses bounds the passes that resolve locals referring to other
// locals; deeper chains stay unknown.
const maxLocalPasses = 8

// buildEvalContext makes var.* (from variable defaults) and local.* known
// to expressions, so `storage_encrypted = var.encrypted` is checked against
// the default. Variables without a default, and anything that refers to
// another resource, evaluate to unknown.
func (m *Module) buildEvalContext() {
	vars := map[string]cty.Value{}
	for _, b := range m.variables {
		value := cty.DynamicVal
		if def, ok := b.Body.Attributes["default"]; ok {
			if v, diags := def.Expr.Value(&hcl.EvalContext{Functions: functions}); !diags.HasErrors() {
				value = v
			}
		}
		vars[b.Labels[0]] = value
	}
	m.eval = &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars), "local": cty.EmptyObjectVal},
		Functions: functions,
	}

	locals := map[string]cty.Value{}
	for pass := 0; pass < maxLocalPasses; pass++ {
		changed := false
		for _, a := range m.locals {
			if _, done := locals[a.Name]; done {
				continue
			}
			if v, diags := a.Expr.Value(m.eval); !diags.HasErrors() && v.IsWhollyKnown() {
				locals[a.Name] = v
				changed = true
			}
		}
		m.eval.Variables["local"] = cty.ObjectVal(withUnknowns(locals, m.locals))
		if !changed {
			break
		}
	}
}

// withUnknowns fills the locals that did not resolve with unknown values,
// so referring to them yields unknown instead of an error.
func withUnknowns(known map[string]cty.Value, all []*hclsyntax.Attribute) map[string]cty.Value {
	out := make(map[string]cty.Value, len(all))
	for _, a := range all {
		if v, ok := known[a.Name]; ok {
			out[a.Name] = v
		} else {
			out[a.Name] = cty.DynamicVal
		}
	}
	return out
}

// value evaluates an expression. ok is false when the value depends on
// something only known at plan time, such as another resource's attribute.
func (m *Module) value(expr hclsyntax.Expression) (cty.Value, bool) {
	v, diags := expr.Value(m.eval)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return cty.NilVal, false
	}
	return v, true
}

// boolValue evaluates a bool setting. The strings "true" and "false"
// convert, as Terraform converts them for bool arguments.
func (m *Module) boolValue(expr hclsyntax.Expression) (value, known bool) {
	v, ok := m.value(expr)
	if !ok || v.IsNull() {
		return false, false
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil {
		return false, false
	}
	return b.True(), true
}

// stringValue evaluates a string setting; numbers and bools convert.
func (m *Module) stringValue(expr hclsyntax.Expression) (string, bool) {
	v, ok := m.value(expr)
	if !ok || v.IsNull() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", false
	}
	return s.AsString(), true
}

// intValue evaluates a whole-number setting.
func (m *Module) intValue(expr hclsyntax.Expression) (int64, bool) {
	v, ok := m.value(expr)
	if !ok || v.IsNull() {
		return 0, false
	}
	n, err := convert.Convert(v, cty.Number)
	if err != nil {
		return 0, false
	}
	i, accuracy := n.AsBigFloat().Int64()
	if accuracy != 0 {
		return 0, false
	}
	return i, true
}

// stringList evaluates a list or set of strings. known is false when any
// element is unknown.
func (m *Module) stringList(expr hclsyntax.Expression) (values []string, known bool) {
	v, ok := m.value(expr)
	if !ok || v.IsNull() {
		return nil, false
	}
	if !v.Type().IsListType() && !v.Type().IsSetType() && !v.Type().IsTupleType() {
		return nil, false
	}
	for it := v.ElementIterator(); it.Next(); {
		_, elem := it.Element()
		s, err := convert.Convert(elem, cty.String)
		if err != nil || s.IsNull() {
			return nil, false
		}
		values = append(values, s.AsString())
	}
	return values, true
}

// refersTo reports whether expr refers to the resource r, as in
// aws_s3_bucket.phi.id.
func refersTo(expr hclsyntax.Expression, r *Resource) bool {
	for _, traversal := range expr.Variables() {
		if traversal.RootName() != r.Type || len(traversal) < 2 {
			continue
		}
		if attr, ok := traversal[1].(hcl.TraverseAttr); ok && attr.Name == r.Name {
			return true
		}
	}
	return false
}

// referencedResource returns the address (type.name) that expr refers to
// first, or "" when it refers to none.
func referencedResource(expr hclsyntax.Expression, resourceType string) string {
	for _, traversal := range expr.Variables() {
		if traversal.RootName() != resourceType || len(traversal) < 2 {
			continue
		}
		if attr, ok := traversal[1].(hcl.TraverseAttr); ok {
			return attr.Name
		}
	}
	return ""
}

// sourceText returns the source bytes of a range.
func (m *Module) sourceText(rng hcl.Range) string {
	src, ok := m.sources[rng.Filename]
	if !ok || rng.End.Byte > len(src) || rng.Start.Byte > rng.End.Byte {
		return ""
	}
	return string(src[rng.Start.Byte:rng.End.Byte])
}

// blocks returns the nested blocks of type typ.
func blocks(body *hclsyntax.Body, typ string) []*hclsyntax.Block {
	var out []*hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == typ {
			out = append(out, b)
		}
	}
	return out
}

// compact lower-cases s and removes white space and quotes, so textual
// checks of policy documents match JSON, HCL and heredoc spellings alike.
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\n', '\r', '"', '\'':
			return -1
		}
		return r
	}, strings.ToLower(s))
}
