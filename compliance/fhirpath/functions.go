package fhirpath

import (
	"fmt"
	"strings"
)

// function evaluates one FHIRPath function on its focus. Arguments are unevaluated so that
// iterating functions can evaluate them once per item.
type function struct {
	minArgs, maxArgs int
	call             func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error)
}

var functions map[string]function

// maxRepeatItems bounds the result of repeat(), whose projection may produce new values
// forever (repeat($this + 1)).
const maxRepeatItems = 100_000

func init() {
	functions = map[string]function{}
	registerExistenceFunctions()
	registerFilterFunctions()
	registerConversionFunctions()
	registerStringFunctions()
	registerMathFunctions()
	registerUtilityFunctions()
	registerFHIRFunctions()
}

func (ev *evaluator) callFunction(node *astNode, focus Collection, sc *scope) (Collection, error) {
	fn, ok := functions[node.name]
	if !ok {
		return nil, ev.unsupported("unknown function %s()", node.name)
	}
	if len(node.children) < fn.minArgs || len(node.children) > fn.maxArgs {
		if fn.minArgs == fn.maxArgs {
			return nil, ev.fail("%s() takes %d argument(s), found %d", node.name, fn.minArgs, len(node.children))
		}
		return nil, ev.fail("%s() takes %d to %d arguments, found %d", node.name, fn.minArgs, fn.maxArgs, len(node.children))
	}
	if focus == nil {
		focus = Collection{}
	}
	return fn.call(ev, focus, node.children, sc)
}

// argument evaluates a non-iterating argument in the scope of the function call.
func (ev *evaluator) argument(arg *astNode, sc *scope) (Collection, error) {
	return ev.eval(arg, sc.this, sc)
}

// itemScope is the scope of an iterating function's argument for one item.
func itemScope(item any, index int, total Collection) *scope {
	return &scope{this: Collection{item}, index: int64(index), total: total, hasIndex: true}
}

// perItem evaluates an argument once for each item of the focus.
func (ev *evaluator) perItem(focus Collection, arg *astNode, each func(index int, item any, result Collection) error) error {
	for i, item := range focus {
		sc := itemScope(item, i, nil)
		result, err := ev.eval(arg, sc.this, sc)
		if err != nil {
			return err
		}
		if err := each(i, item, result); err != nil {
			return err
		}
	}
	return nil
}

// singleArgument evaluates an argument that must be empty or one value.
func (ev *evaluator) singleArgument(name string, arg *astNode, sc *scope) (any, bool, error) {
	value, err := ev.argument(arg, sc)
	if err != nil {
		return nil, false, err
	}
	return ev.singleton(value, name+"() argument")
}

func (ev *evaluator) integerArgument(name string, arg *astNode, sc *scope) (int64, bool, error) {
	value, ok, err := ev.singleArgument(name, arg, sc)
	if err != nil || !ok {
		return 0, false, err
	}
	n, isInt := value.(int64)
	if !isInt {
		return 0, false, ev.fail("%s() requires an Integer argument, found %s", name, typeName(value))
	}
	return n, true, nil
}

func (ev *evaluator) stringArgument(name string, arg *astNode, sc *scope) (string, bool, error) {
	value, ok, err := ev.singleArgument(name, arg, sc)
	if err != nil || !ok {
		return "", false, err
	}
	s, isString := value.(string)
	if !isString {
		return "", false, ev.fail("%s() requires a String argument, found %s", name, typeName(value))
	}
	return s, true, nil
}

func register(name string, minArgs, maxArgs int, call func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error)) {
	functions[name] = function{minArgs: minArgs, maxArgs: maxArgs, call: call}
}

func registerExistenceFunctions() {
	register("empty", 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		return boolResult(len(focus) == 0), nil
	})
	register("exists", 0, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		if len(args) == 0 {
			return boolResult(len(focus) > 0), nil
		}
		filtered, err := ev.where(focus, args[0])
		if err != nil {
			return nil, err
		}
		return boolResult(len(filtered) > 0), nil
	})
	register("all", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, _ *scope) (Collection, error) {
		all := true
		err := ev.perItem(focus, args[0], func(_ int, _ any, result Collection) error {
			value, known, err := ev.truth(result, "all()")
			if err != nil {
				return err
			}
			if !known || !value {
				all = false
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return boolResult(all), nil
	})
	boolAggregate := func(name string, want bool, any bool) {
		register(name, 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
			for _, item := range focus {
				b, ok := booleanOf(item)
				if !ok {
					return nil, ev.fail("%s() requires Boolean items, found %s", name, typeName(item))
				}
				if any && b == want {
					return boolResult(true), nil
				}
				if !any && b != want {
					return boolResult(false), nil
				}
			}
			return boolResult(!any), nil
		})
	}
	boolAggregate("allTrue", true, false)
	boolAggregate("anyTrue", true, true)
	boolAggregate("allFalse", false, false)
	boolAggregate("anyFalse", false, true)
	register("subsetOf", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		other, err := ev.argument(args[0], sc)
		if err != nil {
			return nil, err
		}
		for _, item := range focus {
			if !containsItem(other, item) {
				return boolResult(false), nil
			}
		}
		return boolResult(true), nil
	})
	register("supersetOf", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		other, err := ev.argument(args[0], sc)
		if err != nil {
			return nil, err
		}
		for _, item := range other {
			if !containsItem(focus, item) {
				return boolResult(false), nil
			}
		}
		return boolResult(true), nil
	})
	register("count", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{int64(len(focus))}, nil
	})
	register("distinct", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		return union(focus, nil), nil
	})
	register("isDistinct", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		return boolResult(len(union(focus, nil)) == len(focus)), nil
	})
}

func (ev *evaluator) where(focus Collection, criteria *astNode) (Collection, error) {
	result := Collection{}
	err := ev.perItem(focus, criteria, func(_ int, item any, value Collection) error {
		b, known, err := ev.truth(value, "where()")
		if err != nil {
			return err
		}
		if known && b {
			result = append(result, item)
		}
		return nil
	})
	return result, err
}

func registerFilterFunctions() {
	register("where", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, _ *scope) (Collection, error) {
		return ev.where(focus, args[0])
	})
	register("select", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, _ *scope) (Collection, error) {
		result := Collection{}
		err := ev.perItem(focus, args[0], func(_ int, _ any, value Collection) error {
			result = append(result, value...)
			return nil
		})
		return result, err
	})
	register("repeat", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, _ *scope) (Collection, error) {
		result := Collection{}
		var seen itemSet
		queue := focus
		for len(queue) > 0 {
			var next Collection
			err := ev.perItem(queue, args[0], func(_ int, _ any, value Collection) error {
				for _, item := range value {
					if seen.add(item) {
						result = append(result, item)
						next = append(next, item)
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			if len(result) > maxRepeatItems {
				return nil, ev.fail("repeat() produced more than %d items; the projection may never stop", maxRepeatItems)
			}
			queue = next
		}
		return result, nil
	})
	register("ofType", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, _ *scope) (Collection, error) {
		spec, ok := typeSpecFromArgument(args[0])
		if !ok {
			return nil, ev.fail("ofType() requires a type name")
		}
		return ev.typeOperator("ofType", focus, spec)
	})
	// The function form as() filters like ofType() instead of failing on more than one item,
	// because the R4 invariant dom-3 applies it to descendants().
	register("as", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, _ *scope) (Collection, error) {
		spec, ok := typeSpecFromArgument(args[0])
		if !ok {
			return nil, ev.fail("as() requires a type name")
		}
		return ev.typeOperator("ofType", focus, spec)
	})
	register("is", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, _ *scope) (Collection, error) {
		spec, ok := typeSpecFromArgument(args[0])
		if !ok {
			return nil, ev.fail("is() requires a type name")
		}
		return ev.typeOperator("is", focus, spec)
	})
	register("single", 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		if len(focus) > 1 {
			return nil, ev.fail("single() found %d items", len(focus))
		}
		return focus, nil
	})
	register("first", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		return focus[:min(1, len(focus))], nil
	})
	register("last", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		if len(focus) == 0 {
			return Collection{}, nil
		}
		return focus[len(focus)-1:], nil
	})
	register("tail", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		if len(focus) == 0 {
			return Collection{}, nil
		}
		return focus[1:], nil
	})
	register("skip", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		n, ok, err := ev.integerArgument("skip", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		if n <= 0 {
			return focus, nil
		}
		if n >= int64(len(focus)) {
			return Collection{}, nil
		}
		return focus[n:], nil
	})
	register("take", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		n, ok, err := ev.integerArgument("take", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		if n <= 0 {
			return Collection{}, nil
		}
		return focus[:min(int(n), len(focus))], nil
	})
	register("intersect", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		other, err := ev.argument(args[0], sc)
		if err != nil {
			return nil, err
		}
		result := Collection{}
		for _, item := range focus {
			if containsItem(other, item) && !containsItem(result, item) {
				result = append(result, item)
			}
		}
		return result, nil
	})
	register("exclude", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		other, err := ev.argument(args[0], sc)
		if err != nil {
			return nil, err
		}
		result := Collection{}
		for _, item := range focus {
			if !containsItem(other, item) {
				result = append(result, item)
			}
		}
		return result, nil
	})
	register("union", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		other, err := ev.argument(args[0], sc)
		if err != nil {
			return nil, err
		}
		return union(focus, other), nil
	})
	register("combine", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		other, err := ev.argument(args[0], sc)
		if err != nil {
			return nil, err
		}
		result := append(Collection{}, focus...)
		return append(result, other...), nil
	})
	register("children", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		result := Collection{}
		for _, item := range focus {
			if node, ok := item.(*Node); ok {
				for _, child := range node.Children {
					result = append(result, child)
				}
			}
		}
		return result, nil
	})
	register("descendants", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		result := Collection{}
		var walk func(node *Node)
		walk = func(node *Node) {
			for _, child := range node.Children {
				result = append(result, child)
				walk(child)
			}
		}
		for _, item := range focus {
			if node, ok := item.(*Node); ok {
				walk(node)
			}
		}
		return result, nil
	})
	register("not", 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		b, known, err := ev.truth(focus, "not()")
		if err != nil || !known {
			return Collection{}, err
		}
		return boolResult(!b), nil
	})
	register("iif", 2, 3, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		if len(focus) > 1 {
			return nil, ev.fail("iif() requires a single input item, found %d", len(focus))
		}
		// The arguments see the input of iif() as $this.
		argScope := &scope{this: focus, index: sc.index, total: sc.total, hasIndex: sc.hasIndex}
		condition, err := ev.argument(args[0], argScope)
		if err != nil {
			return nil, err
		}
		value, ok, err := ev.singleton(condition, "iif() criterion")
		if err != nil {
			return nil, err
		}
		b, isBool := value.(bool)
		if ok && !isBool {
			return nil, ev.fail("iif() requires a Boolean criterion, found %s", typeName(value))
		}
		if ok && b {
			return ev.argument(args[1], argScope)
		}
		if len(args) == 3 {
			return ev.argument(args[2], argScope)
		}
		return Collection{}, nil
	})
	register("aggregate", 1, 2, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		total := Collection{}
		if len(args) == 2 {
			init, err := ev.argument(args[1], sc)
			if err != nil {
				return nil, err
			}
			total = init
		}
		for i, item := range focus {
			itemScope := &scope{this: Collection{item}, index: int64(i), total: total, hasIndex: true}
			next, err := ev.eval(args[0], itemScope.this, itemScope)
			if err != nil {
				return nil, err
			}
			total = next
		}
		return total, nil
	})
	register("trace", 1, 2, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		name, _, err := ev.stringArgument("trace", args[0], sc)
		if err != nil {
			return nil, err
		}
		if ev.env.Trace == nil {
			return focus, nil
		}
		logged := focus
		if len(args) == 2 {
			logged = Collection{}
			err := ev.perItem(focus, args[1], func(_ int, _ any, value Collection) error {
				logged = append(logged, value...)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
		ev.env.Trace(name, logged)
		return focus, nil
	})
}

// singleInput returns the single input value of a function that operates on one item.
func (ev *evaluator) singleInput(name string, focus Collection) (any, bool, error) {
	return ev.singleton(focus, name+"()")
}

func (ev *evaluator) stringInput(name string, focus Collection) (string, bool, error) {
	value, ok, err := ev.singleInput(name, focus)
	if err != nil || !ok {
		return "", false, err
	}
	s, isString := value.(string)
	if !isString {
		return "", false, ev.fail("%s() requires a String input, found %s", name, typeName(value))
	}
	return s, true, nil
}

// toText converts a system value to its String form, as toString() does.
func toText(value any) (string, bool) {
	switch v := value.(type) {
	case string:
		return v, true
	case bool:
		if v {
			return "true", true
		}
		return "false", true
	case int64:
		return fmt.Sprint(v), true
	case Decimal:
		return v.String(), true
	case Temporal:
		return v.String(), true
	case Quantity:
		return v.String(), true
	}
	return "", false
}

func trimmedLower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
