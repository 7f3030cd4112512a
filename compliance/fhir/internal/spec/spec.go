// Package spec holds the compact form of the FHIR R4 definitions that the
// validator embeds, and the builder that derives it from the HL7 npm packages.
package spec

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
)

// Unbounded is the Max of an element whose maximum cardinality is "*".
const Unbounded = -1

// Spec is the set of definitions one FHIR version needs for validation.
type Spec struct {
	// FHIRVersion is the version of the source packages, such as "4.0.1".
	FHIRVersion string `json:"fhirVersion"`
	// Sources names the npm packages the data came from, as name@version.
	Sources   []string   `json:"sources"`
	Types     []TypeDef  `json:"types"`
	ValueSets []ValueSet `json:"valueSets"`
	// Extensions lists the context of each core extension definition.
	Extensions []ExtensionDef `json:"extensions"`
}

// TypeDef is one resource, complex or primitive type with its snapshot.
type TypeDef struct {
	Name string `json:"name"`
	// Kind is "resource", "complex-type" or "primitive-type".
	Kind     string `json:"kind"`
	Abstract bool   `json:"abstract,omitempty"`
	// Base is the name of the type this one specializes ("DomainResource").
	Base     string    `json:"base,omitempty"`
	Elements []Element `json:"elements"`
}

// Element is one element definition of a snapshot.
type Element struct {
	// Path is the dotted element path, such as "Patient.contact.name" or
	// "Observation.value[x]".
	Path string `json:"path"`
	Min  int    `json:"min,omitempty"`
	// Max is Unbounded for "*".
	Max   int    `json:"max"`
	Types []Type `json:"types,omitempty"`
	// ContentReference is the path whose definition this element reuses,
	// without the leading "#", such as "Questionnaire.item".
	ContentReference string       `json:"contentReference,omitempty"`
	Binding          *Binding     `json:"binding,omitempty"`
	Constraints      []Constraint `json:"constraints,omitempty"`
}

// Type is one allowed type of an element.
type Type struct {
	// Code is the FHIR type name; the FHIRPath system types of primitive
	// values are mapped to their FHIR names ("string", "boolean").
	Code string `json:"code"`
	// Targets lists the resource types a Reference or canonical may point
	// to; "Resource" or an empty list allows any.
	Targets []string `json:"targets,omitempty"`
	// Profiles lists constraining profiles by their type name, such as
	// "SimpleQuantity".
	Profiles []string `json:"profiles,omitempty"`
}

// Binding is a value set binding of a coded element.
type Binding struct {
	// Strength is "required", "extensible", "preferred" or "example".
	Strength string `json:"strength"`
	// ValueSet is the canonical URL without a version suffix.
	ValueSet string `json:"valueSet"`
}

// Constraint is one FHIRPath invariant.
type Constraint struct {
	Key        string `json:"key"`
	Severity   string `json:"severity"`
	Expression string `json:"expression"`
	Human      string `json:"human"`
}

// ValueSet is the expansion of one value set that a required or
// extensible binding of a base definition names.
type ValueSet struct {
	URL   string `json:"url"`
	Name  string `json:"name,omitempty"`
	Codes []Code `json:"codes"`
}

// Code is one system and code pair of an expansion.
type Code struct {
	System string `json:"system"`
	Code   string `json:"code"`
}

// ExtensionDef is the context of one extension definition.
type ExtensionDef struct {
	URL string `json:"url"`
	// Contexts lists the element paths or type names (context type
	// "element") where the extension may appear.
	Contexts []string `json:"contexts,omitempty"`
}

// Encode writes the spec as deterministic gzip-compressed JSON: fields in
// struct order, slices sorted by the builder, and a zeroed gzip header so
// the bytes depend only on the content.
func Encode(s *Spec) ([]byte, error) {
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode reads a spec written by Encode.
func Decode(data []byte) (*Spec, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode spec: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("decode spec: %w", err)
	}
	var s Spec
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("decode spec: %w", err)
	}
	return &s, nil
}
