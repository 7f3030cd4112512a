// Package fhirpath parses and evaluates FHIRPath 2.0 expressions over FHIR R4 resources.
//
// A resource is a tree of [Node] values. Build one from FHIR JSON with [FromJSON], from an
// already decoded value with [FromValue], or construct the nodes yourself. A [Model] gives the
// builder the FHIR type of every element, which FHIRPath needs for choice elements
// (valueQuantity is the element "value" of type Quantity), for `is`, `as` and `ofType`, and to
// read primitive values with the right system type (a FHIR date becomes a System.Date). Without
// a model the builder infers types from the JSON kinds and from resourceType alone.
//
// Typical use by a validator that checks an invariant:
//
//	expr, err := fhirpath.Parse("name.exists() or telecom.exists()")
//	// handle err: a *SyntaxError with line and column
//	root, err := fhirpath.FromJSON(data, model)
//	ok, err := expr.EvaluateBool(fhirpath.Collection{root}, &fhirpath.Environment{Resource: root})
//	if errors.Is(err, fhirpath.ErrNotSupported) { /* skip the invariant */ }
//
// Evaluation never panics on any input and never reads the network or the file system.
// Functions that need a terminology server or the profile registry (memberOf without an
// [Environment.MemberOf] hook, conformsTo) return an error wrapping [ErrNotSupported].
package fhirpath
