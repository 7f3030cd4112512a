package fhirpath

import (
	"sort"
	"strings"
	"unicode"
)

// equalItems implements FHIRPath = for two items. known is false when the result is empty, as
// for dates of different precision or a primitive element without a value.
func equalItems(a, b any) (eq bool, known bool) {
	av, aok := primitive(a)
	bv, bok := primitive(b)
	if !aok || !bok {
		return false, false
	}
	switch x := av.(type) {
	case *Node:
		y, ok := bv.(*Node)
		if !ok {
			return false, true
		}
		return equalNodes(x, y, equalItems), true
	case bool:
		y, ok := bv.(bool)
		return ok && x == y, true
	case int64:
		switch y := bv.(type) {
		case int64:
			return x == y, true
		case Decimal:
			return DecimalFromInt(x).Cmp(y) == 0, true
		case Quantity:
			return y.Unit == "1" && DecimalFromInt(x).Cmp(y.Value) == 0, true
		}
	case Decimal:
		switch y := bv.(type) {
		case int64:
			return x.Cmp(DecimalFromInt(y)) == 0, true
		case Decimal:
			return x.Cmp(y) == 0, true
		case Quantity:
			return y.Unit == "1" && x.Cmp(y.Value) == 0, true
		}
	case string:
		switch y := bv.(type) {
		case string:
			return x == y, true
		case Temporal:
			t, err := parseTemporal(x, y.Kind)
			if err != nil {
				return false, true
			}
			order, known := compareTemporal(t, y)
			return order == 0, known
		}
	case Temporal:
		switch y := bv.(type) {
		case Temporal:
			if (x.Kind == KindTime) != (y.Kind == KindTime) {
				return false, true
			}
			order, known := compareTemporal(x, y)
			return order == 0, known
		case string:
			return equalItems(y, x)
		}
	case Quantity:
		switch y := bv.(type) {
		case Quantity:
			if !calendarCompatible(x.Unit, y.Unit) {
				return false, false
			}
			l, r, ok := commonUnit(x, y)
			if !ok {
				return false, true
			}
			return l.Cmp(r) == 0, true
		case int64, Decimal:
			return equalItems(y, x)
		}
	}
	return false, true
}

// calendarCompatible is false for a calendar year or month compared with a UCUM unit: FHIRPath
// does not equate a calendar year with 'a' because their lengths differ.
func calendarCompatible(a, b string) bool {
	pa, aCalendar := calendarUnits[a]
	pb, bCalendar := calendarUnits[b]
	if aCalendar && bCalendar {
		return true
	}
	if aCalendar && pa <= PrecisionMonth || bCalendar && pb <= PrecisionMonth {
		return aCalendar == bCalendar
	}
	return true
}

// equivalentItems implements FHIRPath ~ for two items.
func equivalentItems(a, b any) bool {
	av, aok := primitive(a)
	bv, bok := primitive(b)
	if !aok || !bok {
		return !aok && !bok
	}
	switch x := av.(type) {
	case *Node:
		y, ok := bv.(*Node)
		return ok && equalNodes(x, y, func(p, q any) (bool, bool) { return equivalentItems(p, q), true })
	case string:
		y, ok := bv.(string)
		return ok && normalizeForEquivalence(x) == normalizeForEquivalence(y)
	case int64, Decimal:
		switch bv.(type) {
		case int64, Decimal:
			dx, dy := toDecimal(x), toDecimal(bv)
			scale := min(dx.scale, dy.scale)
			return dx.round(scale).Cmp(dy.round(scale)) == 0
		}
		return false
	case Temporal:
		y, ok := bv.(Temporal)
		if !ok {
			return false
		}
		order, known := compareTemporal(x, y)
		return known && order == 0
	case Quantity:
		y, ok := bv.(Quantity)
		if !ok {
			return false
		}
		l, r, comparable := commonUnit(x, y)
		if !comparable {
			return false
		}
		scale := min(l.scale, r.scale)
		return l.round(scale).Cmp(r.round(scale)) == 0
	}
	eq, known := equalItems(av, bv)
	return known && eq
}

func normalizeForEquivalence(s string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "))
}

// equalNodes compares two complex elements member by member in order.
func equalNodes(a, b *Node, itemEqual func(x, y any) (bool, bool)) bool {
	if a == b {
		return true
	}
	if len(a.Children) != len(b.Children) {
		return false
	}
	if (a.Value == nil) != (b.Value == nil) {
		return false
	}
	if a.Value != nil {
		eq, known := itemEqual(primitiveOrSelf(a), primitiveOrSelf(b))
		if !known || !eq {
			return false
		}
	}
	for i := range a.Children {
		ca, cb := a.Children[i], b.Children[i]
		if ca.Name != cb.Name {
			return false
		}
		if ca.Value != nil || cb.Value != nil {
			eq, known := itemEqual(ca, cb)
			if !known || !eq {
				return false
			}
		}
		if !equalNodes(withoutValue(ca), withoutValue(cb), itemEqual) {
			return false
		}
	}
	return true
}

func primitiveOrSelf(n *Node) any {
	value, _ := primitive(n)
	return value
}

func withoutValue(n *Node) *Node {
	if n.Value == nil {
		return n
	}
	copy := *n
	copy.Value = nil
	return &copy
}

func equalCollections(a, b Collection) (eq bool, known bool) {
	if len(a) == 0 || len(b) == 0 {
		return false, false
	}
	if len(a) != len(b) {
		return false, true
	}
	for i := range a {
		eq, known := equalItems(a[i], b[i])
		if !known {
			return false, false
		}
		if !eq {
			return false, true
		}
	}
	return true, true
}

func equivalentCollections(a, b Collection) bool {
	if len(a) != len(b) {
		return false
	}
	used := make([]bool, len(b))
	for _, x := range a {
		matched := false
		for j, y := range b {
			if !used[j] && equivalentItems(x, y) {
				used[j] = true
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

// sortedKeys returns the keys of a set in order, for deterministic output.
func sortedKeys(set map[string]bool) []string {
	keys := make([]string, 0, len(set))
	for key := range set {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys
}
