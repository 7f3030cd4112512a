package fhirpath

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// scope holds the iteration variables of the innermost function argument being evaluated.
type scope struct {
	this  Collection
	index int64
	total Collection
	// hasIndex is false outside the argument of an iterating function.
	hasIndex bool
}

func rootScope(input Collection) *scope { return &scope{this: input} }

type evaluator struct {
	expr  *Expression
	env   *Environment
	input Collection
	now   time.Time
	// steps counts evaluated nodes to stop runaway expressions such as repeat() on cycles.
	steps int
}

// maxSteps bounds the work of one evaluation so that a hostile expression cannot run forever.
const maxSteps = 5_000_000

func newEvaluator(expr *Expression, env *Environment, input Collection) *evaluator {
	clock := time.Now
	if env.Now != nil {
		clock = env.Now
	}
	return &evaluator{expr: expr, env: env, input: input, now: clock()}
}

func (ev *evaluator) fail(format string, args ...any) error {
	return &EvalError{Expression: ev.expr.source, Message: fmt.Sprintf(format, args...)}
}

func (ev *evaluator) unsupported(format string, args ...any) error {
	return &EvalError{Expression: ev.expr.source, Message: fmt.Sprintf(format, args...), Err: ErrNotSupported}
}

func (ev *evaluator) eval(node *astNode, focus Collection, sc *scope) (Collection, error) {
	ev.steps++
	if ev.steps > maxSteps {
		return nil, ev.fail("evaluation exceeded %d steps", maxSteps)
	}
	switch node.kind {
	case astLiteral:
		return Collection{node.value}, nil
	case astEmpty:
		return Collection{}, nil
	case astIdentifier:
		return ev.navigate(focus, node.name, true)
	case astFunction:
		return ev.callFunction(node, focus, sc)
	case astSpecial:
		switch node.name {
		case "$this":
			return sc.this, nil
		case "$index":
			if !sc.hasIndex {
				return nil, ev.fail("$index is only defined inside an iterating function")
			}
			return Collection{sc.index}, nil
		case "$total":
			return sc.total, nil
		}
	case astExternal:
		return ev.external(node.name)
	case astInvoke:
		left, err := ev.eval(node.children[0], focus, sc)
		if err != nil {
			return nil, err
		}
		right := node.children[1]
		switch right.kind {
		case astIdentifier:
			return ev.navigate(left, right.name, false)
		case astFunction:
			return ev.callFunction(right, left, sc)
		case astSpecial:
			return ev.eval(right, left, sc)
		}
		return nil, ev.fail("invalid invocation")
	case astIndexer:
		left, err := ev.eval(node.children[0], focus, sc)
		if err != nil {
			return nil, err
		}
		index, err := ev.eval(node.children[1], ev.input, rootScope(ev.input))
		if err != nil {
			return nil, err
		}
		if len(index) == 0 {
			return Collection{}, nil
		}
		i, ok := integerOf(index[0])
		if len(index) != 1 || !ok {
			return nil, ev.fail("the indexer requires a single Integer")
		}
		if i < 0 || i >= int64(len(left)) {
			return Collection{}, nil
		}
		return Collection{left[i]}, nil
	case astUnary:
		operand, err := ev.eval(node.children[0], focus, sc)
		if err != nil {
			return nil, err
		}
		return ev.negate(node.op, operand)
	case astBinary:
		return ev.binary(node, focus, sc)
	case astType:
		left, err := ev.eval(node.children[0], focus, sc)
		if err != nil {
			return nil, err
		}
		return ev.typeOperator(node.op, left, node.typeSpec)
	}
	return nil, ev.fail("unknown expression node")
}

// navigate returns the children called name of each node in focus. At the start of a path, a
// name that is the type of a focus node (or one of its base types) selects that node.
func (ev *evaluator) navigate(focus Collection, name string, atRoot bool) (Collection, error) {
	var result Collection
	for _, item := range focus {
		node, ok := item.(*Node)
		if !ok {
			// A System.Quantity exposes its value and unit like a FHIR Quantity.
			if q, isQuantity := item.(Quantity); isQuantity {
				switch name {
				case "value":
					result = append(result, q.Value)
				case "unit", "code":
					result = append(result, q.Unit)
				}
			}
			continue
		}
		found := false
		for _, child := range node.Children {
			if child.Name == name {
				result = append(result, child)
				found = true
			}
		}
		// A JSON property name with a type suffix, such as valueQuantity, is not a FHIRPath
		// name: the element is "value", and value.ofType(Quantity) selects the type.
		if !found && atRoot && name != "" && unicode.IsUpper(rune(name[0])) && ev.nodeIsType(node, name) {
			result = append(result, node)
		}
	}
	return result, nil
}

func (ev *evaluator) external(name string) (Collection, error) {
	if value, ok := ev.env.Variables[name]; ok {
		return value, nil
	}
	switch name {
	case "resource":
		if ev.env.Resource == nil {
			return Collection{}, nil
		}
		return Collection{ev.env.Resource}, nil
	case "rootResource":
		if ev.env.RootResource != nil {
			return Collection{ev.env.RootResource}, nil
		}
		if ev.env.Resource == nil {
			return Collection{}, nil
		}
		return Collection{ev.env.Resource}, nil
	case "context":
		if ev.env.Context != nil {
			return ev.env.Context, nil
		}
		return ev.input, nil
	case "ucum":
		return Collection{"http://unitsofmeasure.org"}, nil
	case "sct":
		return Collection{"http://snomed.info/sct"}, nil
	case "loinc":
		return Collection{"http://loinc.org"}, nil
	}
	if rest, ok := strings.CutPrefix(name, "vs-"); ok {
		return Collection{"http://hl7.org/fhir/ValueSet/" + rest}, nil
	}
	if rest, ok := strings.CutPrefix(name, "ext-"); ok {
		return Collection{"http://hl7.org/fhir/StructureDefinition/" + rest}, nil
	}
	return nil, ev.fail("undefined environment variable %%%s", name)
}

// primitive converts a node with a primitive value into its system value; other items are
// returned unchanged. ok is false for a primitive node without a value.
func primitive(item any) (any, bool) {
	node, isNode := item.(*Node)
	if !isNode {
		return item, true
	}
	if node.Value == nil {
		if node.Type == "Quantity" || node.Type == "Age" || node.Type == "Duration" || node.Type == "Distance" || node.Type == "Count" || node.Type == "SimpleQuantity" || node.Type == "MoneyQuantity" {
			if q, ok := quantityOfNode(node); ok {
				return q, true
			}
		}
		return node, !isPrimitiveType(node.Type)
	}
	switch v := node.Value.(type) {
	case bool:
		return v, true
	case json.Number:
		if node.Type == "decimal" {
			d, err := ParseDecimal(v.String())
			if err != nil {
				return nil, false
			}
			return d, true
		}
		if n, err := strconv.ParseInt(v.String(), 10, 64); err == nil {
			return n, true
		}
		d, err := ParseDecimal(v.String())
		if err != nil {
			return nil, false
		}
		return d, true
	case string:
		switch node.Type {
		case "date":
			if t, err := ParseDate(v); err == nil {
				return t, true
			}
		case "dateTime", "instant":
			if t, err := ParseDateTime(v); err == nil {
				return t, true
			}
		case "time":
			if t, err := ParseTime(v); err == nil {
				return t, true
			}
		}
		return v, true
	}
	return node.Value, true
}

// SystemValue converts a collection item to its FHIRPath system value. A primitive node gives
// its bool, int64, Decimal, string or Temporal, and a Quantity element gives a Quantity.
// System values and other complex nodes are returned unchanged. ok is false for a primitive
// node without a value.
func SystemValue(item any) (value any, ok bool) { return primitive(item) }

// quantityOfNode reads a FHIR Quantity element as a System.Quantity, preferring the UCUM code
// over the human-readable unit.
func quantityOfNode(node *Node) (Quantity, bool) {
	valueNode := node.Child("value")
	if valueNode == nil || valueNode.Value == nil {
		return Quantity{}, false
	}
	number, ok := valueNode.Value.(json.Number)
	if !ok {
		return Quantity{}, false
	}
	d, err := ParseDecimal(number.String())
	if err != nil {
		return Quantity{}, false
	}
	unit := ""
	if code := node.Child("code"); code != nil {
		if s, ok := code.Value.(string); ok {
			unit = s
		}
	}
	if unit == "" {
		if u := node.Child("unit"); u != nil {
			if s, ok := u.Value.(string); ok {
				unit = s
			}
		}
	}
	if unit == "" {
		unit = "1"
	}
	return Quantity{Value: d, Unit: unit}, true
}

var primitiveTypes = map[string]bool{
	"boolean": true, "integer": true, "string": true, "decimal": true, "uri": true, "url": true,
	"canonical": true, "base64Binary": true, "instant": true, "date": true, "dateTime": true,
	"time": true, "code": true, "oid": true, "id": true, "markdown": true, "unsignedInt": true,
	"positiveInt": true, "uuid": true, "xhtml": true,
}

func isPrimitiveType(name string) bool { return primitiveTypes[name] }

func booleanOf(item any) (bool, bool) {
	value, ok := primitive(item)
	if !ok {
		return false, false
	}
	b, ok := value.(bool)
	return b, ok
}

func integerOf(item any) (int64, bool) {
	value, ok := primitive(item)
	if !ok {
		return 0, false
	}
	n, ok := value.(int64)
	return n, ok
}

func stringOf(item any) (string, bool) {
	value, ok := primitive(item)
	if !ok {
		return "", false
	}
	switch v := value.(type) {
	case string:
		return v, true
	}
	return "", false
}

// singleton applies the FHIRPath singleton evaluation rule: empty stays empty, one item is
// returned, more items are an error.
func (ev *evaluator) singleton(c Collection, what string) (any, bool, error) {
	switch len(c) {
	case 0:
		return nil, false, nil
	case 1:
		value, ok := primitive(c[0])
		if !ok {
			return nil, false, nil
		}
		return value, true, nil
	}
	return nil, false, ev.fail("%s requires a single item, found %d", what, len(c))
}

// truth evaluates a collection as a Boolean for logic operators: known is false for empty.
func (ev *evaluator) truth(c Collection, what string) (value bool, known bool, err error) {
	item, ok, err := ev.singleton(c, what)
	if err != nil || !ok {
		return false, false, err
	}
	if b, isBool := item.(bool); isBool {
		return b, true, nil
	}
	return true, true, nil
}

func boolResult(b bool) Collection { return Collection{b} }

func (ev *evaluator) negate(op string, operand Collection) (Collection, error) {
	value, ok, err := ev.singleton(operand, "unary "+op)
	if err != nil || !ok {
		return Collection{}, err
	}
	if op == "+" {
		switch value.(type) {
		case int64, Decimal, Quantity:
			return Collection{value}, nil
		}
		return nil, ev.fail("unary + requires a number or Quantity, found %s", typeName(value))
	}
	switch v := value.(type) {
	case int64:
		return Collection{-v}, nil
	case Decimal:
		return Collection{Decimal{}.sub(v)}, nil
	case Quantity:
		return Collection{Quantity{Value: Decimal{}.sub(v.Value), Unit: v.Unit}}, nil
	}
	return nil, ev.fail("unary - requires a number or Quantity, found %s", typeName(value))
}

func (ev *evaluator) binary(node *astNode, focus Collection, sc *scope) (Collection, error) {
	left, err := ev.eval(node.children[0], focus, sc)
	if err != nil {
		return nil, err
	}
	op := node.op
	// Short-circuit the logic operators where the left side decides the result.
	switch op {
	case "and", "or", "implies":
		l, lKnown, err := ev.truth(left, op)
		if err != nil {
			return nil, err
		}
		if lKnown && ((op == "and" && !l) || (op == "or" && l)) {
			return boolResult(op == "or"), nil
		}
		if op == "implies" && lKnown && !l {
			return boolResult(true), nil
		}
	}
	right, err := ev.eval(node.children[1], focus, sc)
	if err != nil {
		return nil, err
	}
	switch op {
	case "and", "or", "xor", "implies":
		return ev.logic(op, left, right)
	case "|":
		return union(left, right), nil
	case "=", "!=":
		result, known := equalCollections(left, right)
		if !known {
			return Collection{}, nil
		}
		return boolResult(result == (op == "=")), nil
	case "~", "!~":
		return boolResult(equivalentCollections(left, right) == (op == "~")), nil
	case "<", "<=", ">", ">=":
		return ev.compare(op, left, right)
	case "in", "contains":
		element, set := left, right
		if op == "contains" {
			element, set = right, left
		}
		if len(element) == 0 {
			return Collection{}, nil
		}
		if len(element) > 1 {
			return nil, ev.fail("%s requires a single item, found %d", op, len(element))
		}
		for _, item := range set {
			if eq, known := equalItems(element[0], item); known && eq {
				return boolResult(true), nil
			}
		}
		return boolResult(false), nil
	case "&":
		var b strings.Builder
		for _, side := range []Collection{left, right} {
			value, ok, err := ev.singleton(side, "&")
			if err != nil {
				return nil, err
			}
			if ok {
				s, isString := value.(string)
				if !isString {
					return nil, ev.fail("& requires String operands, found %s", typeName(value))
				}
				b.WriteString(s)
			}
		}
		return Collection{b.String()}, nil
	}
	return ev.arithmetic(op, left, right)
}

func (ev *evaluator) logic(op string, left, right Collection) (Collection, error) {
	l, lKnown, err := ev.truth(left, op)
	if err != nil {
		return nil, err
	}
	r, rKnown, err := ev.truth(right, op)
	if err != nil {
		return nil, err
	}
	switch op {
	case "and":
		if (lKnown && !l) || (rKnown && !r) {
			return boolResult(false), nil
		}
		if lKnown && rKnown {
			return boolResult(true), nil
		}
	case "or":
		if (lKnown && l) || (rKnown && r) {
			return boolResult(true), nil
		}
		if lKnown && rKnown {
			return boolResult(false), nil
		}
	case "xor":
		if lKnown && rKnown {
			return boolResult(l != r), nil
		}
	case "implies":
		if lKnown && !l {
			return boolResult(true), nil
		}
		if rKnown && r {
			return boolResult(true), nil
		}
		if lKnown && rKnown {
			return boolResult(false), nil
		}
	}
	return Collection{}, nil
}

func union(left, right Collection) Collection {
	result := Collection{}
	var set itemSet
	for _, side := range []Collection{left, right} {
		for _, item := range side {
			if set.add(item) {
				result = append(result, item)
			}
		}
	}
	return result
}

// itemSet deduplicates items by FHIRPath equality. Booleans, numbers and strings, including
// primitive elements, are found by a map key, so that unions of the primitive values that
// FHIR invariants collect take linear time. Other items are found by a linear scan.
type itemSet struct {
	keys   map[string]struct{}
	others Collection
}

// add adds an item unless an equal one is present, and reports whether it was added.
func (s *itemSet) add(item any) bool {
	if key, ok := itemKey(item); ok {
		if s.keys == nil {
			s.keys = map[string]struct{}{}
		}
		if _, found := s.keys[key]; found {
			return false
		}
		s.keys[key] = struct{}{}
		return true
	}
	if containsItem(s.others, item) {
		return false
	}
	s.others = append(s.others, item)
	return true
}

func itemKey(item any) (string, bool) {
	value, ok := primitive(item)
	if !ok {
		return "", false
	}
	switch v := value.(type) {
	case bool:
		if v {
			return "b:true", true
		}
		return "b:false", true
	case int64:
		return "n:" + DecimalFromInt(v).value().RatString(), true
	case Decimal:
		return "n:" + v.value().RatString(), true
	case string:
		return "s:" + v, true
	}
	return "", false
}

func containsItem(c Collection, item any) bool {
	for _, existing := range c {
		if eq, known := equalItems(existing, item); known && eq {
			return true
		}
	}
	return false
}

func (ev *evaluator) compare(op string, left, right Collection) (Collection, error) {
	l, lok, err := ev.singleton(left, op)
	if err != nil {
		return nil, err
	}
	r, rok, err := ev.singleton(right, op)
	if err != nil || !lok || !rok {
		return Collection{}, err
	}
	order, known, err := ev.order(l, r, op)
	if err != nil || !known {
		return Collection{}, err
	}
	switch op {
	case "<":
		return boolResult(order < 0), nil
	case "<=":
		return boolResult(order <= 0), nil
	case ">":
		return boolResult(order > 0), nil
	}
	return boolResult(order >= 0), nil
}

// order compares two system values of comparable types.
func (ev *evaluator) order(l, r any, op string) (int, bool, error) {
	switch lv := l.(type) {
	case int64:
		switch rv := r.(type) {
		case int64:
			return cmpInt(lv, rv), true, nil
		case Decimal:
			return DecimalFromInt(lv).Cmp(rv), true, nil
		}
	case Decimal:
		switch rv := r.(type) {
		case int64:
			return lv.Cmp(DecimalFromInt(rv)), true, nil
		case Decimal:
			return lv.Cmp(rv), true, nil
		}
	case string:
		if rv, ok := r.(string); ok {
			return strings.Compare(lv, rv), true, nil
		}
		if rv, ok := r.(Temporal); ok {
			if t, err := parseTemporal(lv, rv.Kind); err == nil {
				order, known := compareTemporal(t, rv)
				return order, known, nil
			}
		}
	case Temporal:
		if rv, ok := r.(string); ok {
			if t, err := parseTemporal(rv, lv.Kind); err == nil {
				r = t
			}
		}
		if rv, ok := r.(Temporal); ok {
			if (lv.Kind == KindTime) != (rv.Kind == KindTime) {
				return 0, false, ev.fail("%s cannot compare %s with %s", op, typeName(l), typeName(r))
			}
			order, known := compareTemporal(lv, rv)
			return order, known, nil
		}
	case Quantity:
		if rv, ok := r.(Quantity); ok {
			a, b, comparable := commonUnit(lv, rv)
			if !comparable {
				return 0, false, nil
			}
			return a.Cmp(b), true, nil
		}
	}
	return 0, false, ev.fail("%s cannot compare %s with %s", op, typeName(l), typeName(r))
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (ev *evaluator) arithmetic(op string, left, right Collection) (Collection, error) {
	l, lok, err := ev.singleton(left, op)
	if err != nil {
		return nil, err
	}
	r, rok, err := ev.singleton(right, op)
	if err != nil || !lok || !rok {
		return Collection{}, err
	}
	switch lv := l.(type) {
	case string:
		if rv, ok := r.(string); ok && op == "+" {
			return Collection{lv + rv}, nil
		}
	case int64:
		if rv, ok := r.(int64); ok {
			return ev.integerArithmetic(op, lv, rv)
		}
		if rv, ok := r.(Decimal); ok {
			return ev.decimalArithmetic(op, DecimalFromInt(lv), rv)
		}
		if rv, ok := r.(Quantity); ok && op == "*" {
			return Collection{Quantity{Value: DecimalFromInt(lv).mul(rv.Value), Unit: rv.Unit}}, nil
		}
	case Decimal:
		switch rv := r.(type) {
		case int64:
			return ev.decimalArithmetic(op, lv, DecimalFromInt(rv))
		case Decimal:
			return ev.decimalArithmetic(op, lv, rv)
		case Quantity:
			if op == "*" {
				return Collection{Quantity{Value: lv.mul(rv.Value), Unit: rv.Unit}}, nil
			}
		}
	case Temporal:
		if rv, ok := r.(Quantity); ok && (op == "+" || op == "-") {
			sign := 1
			if op == "-" {
				sign = -1
			}
			t, err := lv.addDuration(rv, sign)
			if err != nil {
				return nil, ev.fail("%s: %v", op, err)
			}
			return Collection{t}, nil
		}
	case Quantity:
		return ev.quantityArithmetic(op, lv, r)
	}
	return nil, ev.fail("%s cannot combine %s with %s", op, typeName(l), typeName(r))
}

func (ev *evaluator) integerArithmetic(op string, a, b int64) (Collection, error) {
	// An Integer result that overflows 64 bits is empty, as FHIRPath specifies for overflow.
	switch op {
	case "+":
		sum := a + b
		if (sum > a) != (b > 0) {
			return Collection{}, nil
		}
		return Collection{sum}, nil
	case "-":
		difference := a - b
		if (difference < a) != (b > 0) {
			return Collection{}, nil
		}
		return Collection{difference}, nil
	case "*":
		if a != 0 && (a*b/a != b || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64)) {
			return Collection{}, nil
		}
		return Collection{a * b}, nil
	case "/":
		return ev.decimalArithmetic(op, DecimalFromInt(a), DecimalFromInt(b))
	case "div":
		if b == 0 {
			return Collection{}, nil
		}
		return Collection{a / b}, nil
	case "mod":
		if b == 0 {
			return Collection{}, nil
		}
		return Collection{a % b}, nil
	}
	return nil, ev.fail("unknown operator %s", op)
}

func (ev *evaluator) decimalArithmetic(op string, a, b Decimal) (Collection, error) {
	switch op {
	case "+":
		return Collection{a.add(b)}, nil
	case "-":
		return Collection{a.sub(b)}, nil
	case "*":
		return Collection{a.mul(b)}, nil
	case "/":
		q, ok := a.quo(b)
		if !ok {
			return Collection{}, nil
		}
		return Collection{q}, nil
	case "div":
		q, ok := a.quo(b)
		if !ok {
			return Collection{}, nil
		}
		return Collection{q.truncate().Int64()}, nil
	case "mod":
		q, ok := a.quo(b)
		if !ok {
			return Collection{}, nil
		}
		whole := Decimal{rat: new(Decimal).value().SetInt(q.truncate())}
		return Collection{a.sub(whole.mul(b))}, nil
	}
	return nil, ev.fail("unknown operator %s", op)
}

func (ev *evaluator) quantityArithmetic(op string, a Quantity, right any) (Collection, error) {
	switch r := right.(type) {
	case Quantity:
		switch op {
		case "+", "-":
			converted, ok := convertQuantity(r, a.Unit)
			if !ok {
				return nil, ev.fail("%s cannot combine units %q and %q", op, a.Unit, r.Unit)
			}
			if op == "+" {
				return Collection{Quantity{Value: a.Value.add(converted.Value), Unit: a.Unit}}, nil
			}
			return Collection{Quantity{Value: a.Value.sub(converted.Value), Unit: a.Unit}}, nil
		case "*":
			return Collection{Quantity{Value: a.Value.mul(r.Value), Unit: combineUnits(a.Unit, r.Unit, ".")}}, nil
		case "/":
			q, ok := a.Value.quo(r.Value)
			if !ok {
				return Collection{}, nil
			}
			if a.Unit == r.Unit {
				return Collection{Quantity{Value: q, Unit: "1"}}, nil
			}
			return Collection{Quantity{Value: q, Unit: combineUnits(a.Unit, r.Unit, "/")}}, nil
		}
	case int64, Decimal:
		d := toDecimal(r)
		switch op {
		case "*":
			return Collection{Quantity{Value: a.Value.mul(d), Unit: a.Unit}}, nil
		case "/":
			q, ok := a.Value.quo(d)
			if !ok {
				return Collection{}, nil
			}
			return Collection{Quantity{Value: q, Unit: a.Unit}}, nil
		}
	}
	return nil, ev.fail("%s cannot combine Quantity with %s", op, typeName(right))
}

func combineUnits(a, b, sep string) string {
	if a == "1" {
		if sep == "." {
			return b
		}
	}
	if b == "1" {
		return a
	}
	return a + sep + b
}

// typeName returns the FHIRPath type name of a value, for messages.
func typeName(value any) string {
	switch v := value.(type) {
	case bool:
		return "Boolean"
	case int64:
		return "Integer"
	case Decimal:
		return "Decimal"
	case string:
		return "String"
	case Quantity:
		return "Quantity"
	case Temporal:
		switch v.Kind {
		case KindDate:
			return "Date"
		case KindTime:
			return "Time"
		}
		return "DateTime"
	case *Node:
		if v.Type != "" {
			return v.Type
		}
		return "element " + v.Name
	}
	return fmt.Sprintf("%T", value)
}
