package fhirpath

import (
	"encoding/json"
	"html"
	"sort"
	"strings"
)

func init() {
	register("sort", 0, 8, sortFunction)
	register("comparable", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		value, ok, err := ev.singleInput("comparable", focus)
		if err != nil || !ok {
			return Collection{}, err
		}
		other, ok, err := ev.singleArgument("comparable", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		q1, ok1 := value.(Quantity)
		q2, ok2 := other.(Quantity)
		if !ok1 || !ok2 {
			return nil, ev.fail("comparable() requires Quantity values")
		}
		_, _, comparable := commonUnit(q1, q2)
		return boolResult(comparable), nil
	})
	register("matchesFull", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		s, ok, err := ev.stringInput("matchesFull", focus)
		if err != nil || !ok {
			return Collection{}, err
		}
		pattern, ok, err := ev.stringArgument("matchesFull", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		re, err := compileRegex("^(?:" + pattern + ")$")
		if err != nil {
			return nil, ev.fail("matchesFull(): invalid regular expression %q: %v", pattern, err)
		}
		return boolResult(re.MatchString(s)), nil
	})
	register("type", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		result := Collection{}
		for _, item := range focus {
			result = append(result, typeInfoNode(item))
		}
		return result, nil
	})
	register("escape", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		s, ok, err := ev.stringInput("escape", focus)
		if err != nil || !ok {
			return Collection{}, err
		}
		format, ok, err := ev.stringArgument("escape", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		switch format {
		case "html":
			return Collection{htmlEscaper.Replace(s)}, nil
		case "json":
			encoded, _ := json.Marshal(s)
			text := string(encoded[1 : len(encoded)-1])
			// encoding/json escapes <, > and & for HTML safety; JSON itself does not need it.
			text = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(text)
			return Collection{text}, nil
		}
		return nil, ev.fail("escape(): unknown format %q", format)
	})
	register("unescape", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		s, ok, err := ev.stringInput("unescape", focus)
		if err != nil || !ok {
			return Collection{}, err
		}
		format, ok, err := ev.stringArgument("unescape", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		switch format {
		case "html":
			return Collection{html.UnescapeString(s)}, nil
		case "json":
			// Quote the bare double quotes so the text decodes as the body of a JSON string.
			var quoted strings.Builder
			for i := 0; i < len(s); i++ {
				if s[i] == '\\' && i+1 < len(s) {
					quoted.WriteString(s[i : i+2])
					i++
					continue
				}
				if s[i] == '"' {
					quoted.WriteByte('\\')
				}
				quoted.WriteByte(s[i])
			}
			var decoded string
			if err := json.Unmarshal([]byte(`"`+quoted.String()+`"`), &decoded); err != nil {
				return Collection{}, nil
			}
			return Collection{decoded}, nil
		}
		return nil, ev.fail("unescape(): unknown format %q", format)
	})
}

// htmlEscaper escapes the five characters that are special in HTML with named entities.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// typeInfoNode builds the SimpleTypeInfo or ClassInfo value that type() returns, with its
// namespace and name elements.
func typeInfoNode(item any) *Node {
	namespace, name := "System", typeName(item)
	if node, ok := item.(*Node); ok {
		namespace, name = "FHIR", node.Type
	}
	info := &Node{Name: "type", Type: "SimpleTypeInfo", Offset: -1}
	info.Children = []*Node{
		{Name: "namespace", Type: "string", Value: namespace, Parent: info, Offset: -1},
		{Name: "name", Type: "string", Value: name, Parent: info, Offset: -1},
	}
	return info
}

// sortKey is one sort criterion: an expression evaluated per item, descending when it was
// written with a leading minus.
type sortKey struct {
	expr       *astNode
	descending bool
}

func sortFunction(ev *evaluator, focus Collection, args []*astNode, _ *scope) (Collection, error) {
	keys := make([]sortKey, 0, len(args))
	for _, arg := range args {
		if arg.kind == astUnary && arg.op == "-" {
			keys = append(keys, sortKey{expr: arg.children[0], descending: true})
		} else {
			keys = append(keys, sortKey{expr: arg})
		}
	}
	if len(keys) == 0 {
		keys = []sortKey{{expr: &astNode{kind: astSpecial, name: "$this"}}}
	}
	values := make([][]any, len(focus))
	for i, item := range focus {
		values[i] = make([]any, len(keys))
		sc := itemScope(item, i, nil)
		for k, key := range keys {
			result, err := ev.eval(key.expr, sc.this, sc)
			if err != nil {
				return nil, err
			}
			value, ok, err := ev.singleton(result, "sort() key")
			if err != nil {
				return nil, err
			}
			if ok {
				values[i][k] = value
			}
		}
	}
	order := make([]int, len(focus))
	for i := range order {
		order[i] = i
	}
	var sortErr error
	sort.SliceStable(order, func(a, b int) bool {
		for k, key := range keys {
			x, y := values[order[a]][k], values[order[b]][k]
			if x == nil || y == nil {
				if (x == nil) != (y == nil) {
					return x == nil // an empty key sorts first in both directions
				}
				continue
			}
			cmp, known, err := ev.order(x, y, "sort()")
			if err != nil && sortErr == nil {
				sortErr = err
			}
			if !known || cmp == 0 {
				continue
			}
			return (cmp < 0) != key.descending
		}
		return false
	})
	if sortErr != nil {
		return nil, sortErr
	}
	result := make(Collection, len(focus))
	for i, index := range order {
		result[i] = focus[index]
	}
	return result, nil
}
