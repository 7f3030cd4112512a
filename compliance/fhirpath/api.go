package fhirpath

import (
	"errors"
	"fmt"
	"time"
)

// Collection is an ordered FHIRPath collection. Each item is a *Node (an element of a resource
// tree) or a system value: bool (Boolean), int64 (Integer), Decimal, string (String),
// Temporal (Date, DateTime or Time) or Quantity.
type Collection []any

// ErrNotSupported marks functions that this engine does not implement or cannot run without a
// hook (conformsTo, memberOf without [Environment.MemberOf]). A validator treats an invariant
// that fails with this error as skipped.
var ErrNotSupported = errors.New("not supported")

// SyntaxError is a parse error with its position in the expression. Line and Column count
// from 1; Offset is the byte offset from 0.
type SyntaxError struct {
	Expression string
	Offset     int
	Line       int
	Column     int
	Message    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid FHIRPath expression %q at line %d column %d: %s", e.Expression, e.Line, e.Column, e.Message)
}

// EvalError is an evaluation error: a type mismatch or a collection with more than one item
// where one was required. Message names the operator or function.
type EvalError struct {
	Expression string
	Message    string
	Err        error
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("evaluate FHIRPath expression %q: %s", e.Expression, e.Message)
}

// Unwrap returns the wrapped error, such as [ErrNotSupported].
func (e *EvalError) Unwrap() error { return e.Err }

// Environment holds the variables and hooks of one evaluation. The zero value is usable:
// %resource and %rootResource then are empty, %context is the input, and resolve() looks up
// contained resources and Bundle entries of the input's tree.
type Environment struct {
	// Resource is %resource: the resource that contains the node being checked.
	Resource *Node
	// RootResource is %rootResource: the outermost resource (the Bundle or the container of a
	// contained resource). Nil means the same as Resource.
	RootResource *Node
	// Context is %context. Nil means the evaluation input.
	Context Collection
	// Variables are further %name constants, keyed without the percent sign.
	Variables map[string]Collection
	// Model gives type inheritance for is, as and ofType. Nil means only the built-in FHIR R4
	// primitive and resource hierarchy is known.
	Model Model
	// Now is the clock for now(), today() and timeOfDay(); nil means time.Now. An evaluation
	// reads it once, so every call within one evaluation returns the same instant.
	Now func() time.Time
	// Resolve finds the resource a reference string points to, for resolve(). Nil means the
	// built-in lookup: "#id" among the contained resources, and Bundle entries by fullUrl or
	// by type/id.
	Resolve func(reference string, from *Node) (*Node, error)
	// MemberOf reports whether a code (with its system, empty when unknown) is in the value
	// set with the given canonical URL. Nil makes memberOf() return [ErrNotSupported].
	MemberOf func(system, code, valueSet string) (bool, error)
	// Trace receives the values passed to trace(); nil discards them.
	Trace func(name string, values Collection)
}

// Expression is a parsed FHIRPath expression, safe for concurrent evaluation.
type Expression struct {
	source string
	root   *astNode
}

// String returns the expression source text.
func (e *Expression) String() string { return e.source }

// Parse parses a FHIRPath expression. A syntax error is a *SyntaxError.
func Parse(expression string) (*Expression, error) {
	p, err := newParser(expression)
	if err != nil {
		return nil, err
	}
	root, err := p.parseTop()
	if err != nil {
		return nil, err
	}
	return &Expression{source: expression, root: root}, nil
}

// MustParse parses an expression that is known to be valid, such as a constant in code, and
// panics on a syntax error.
func MustParse(expression string) *Expression {
	e, err := Parse(expression)
	if err != nil {
		panic(err)
	}
	return e
}

// Evaluate evaluates the expression with input as the focus ($this at the start). The
// environment may be nil. The result is never nil when err is nil.
func (e *Expression) Evaluate(input Collection, env *Environment) (result Collection, err error) {
	if env == nil {
		env = &Environment{}
	}
	ev := newEvaluator(e, env, input)
	defer func() {
		// The evaluator returns its errors, so a panic here is a bug. Turning it into an error
		// keeps one bad expression from stopping a whole validation run.
		if r := recover(); r != nil {
			result = nil
			err = &EvalError{Expression: e.source, Message: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	result, err = ev.eval(e.root, input, rootScope(input))
	if err == nil && result == nil {
		result = Collection{}
	}
	return result, err
}

// EvaluateBool evaluates the expression as an invariant. A result of one Boolean gives that
// value. Any other single item gives true, and the empty collection gives false. More than one
// item is an error. Use Evaluate to tell an empty result from false.
func (e *Expression) EvaluateBool(input Collection, env *Environment) (bool, error) {
	result, err := e.Evaluate(input, env)
	if err != nil {
		return false, err
	}
	switch len(result) {
	case 0:
		return false, nil
	case 1:
		if b, ok := booleanOf(result[0]); ok {
			return b, nil
		}
		return true, nil
	}
	return false, &EvalError{Expression: e.source, Message: fmt.Sprintf("expected a single Boolean, found %d items", len(result))}
}
