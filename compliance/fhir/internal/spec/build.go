package spec

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Package file names that Build reads, as `npm pack` writes them.
const (
	ExamplesPackage   = "hl7.fhir.r4.examples-4.0.1.tgz"
	ExpansionsPackage = "hl7.fhir.r4.expansions-4.0.1.tgz"
)

const (
	structureDefinitionPrefix = "http://hl7.org/fhir/StructureDefinition/"
	fhirTypeExtension         = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
	fhirPathSystemPrefix      = "http://hl7.org/fhirpath/System."
)

// ReadPackage calls fn with the path and content of every JSON file under
// package/ in an npm tarball.
func ReadPackage(tgzPath string, fn func(name string, data []byte) error) error {
	f, err := os.Open(tgzPath)
	if err != nil {
		return fmt.Errorf("open npm package: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("read npm package %q: %w", tgzPath, err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read npm package %q: %w", tgzPath, err)
		}
		if hdr.Typeflag != tar.TypeReg || !strings.HasSuffix(hdr.Name, ".json") || path.Dir(hdr.Name) != "package" {
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return fmt.Errorf("read %q in npm package %q: %w", hdr.Name, tgzPath, err)
		}
		if err := fn(path.Base(hdr.Name), data); err != nil {
			return err
		}
	}
}

type rawSD struct {
	ResourceType   string `json:"resourceType"`
	URL            string `json:"url"`
	Name           string `json:"name"`
	Type           string `json:"type"`
	Kind           string `json:"kind"`
	Abstract       bool   `json:"abstract"`
	Derivation     string `json:"derivation"`
	BaseDefinition string `json:"baseDefinition"`
	Context        []struct {
		Type       string `json:"type"`
		Expression string `json:"expression"`
	} `json:"context"`
	Snapshot struct {
		Element []rawElement `json:"element"`
	} `json:"snapshot"`
}

type rawElement struct {
	Path             string `json:"path"`
	Min              int    `json:"min"`
	Max              string `json:"max"`
	ContentReference string `json:"contentReference"`
	Type             []struct {
		Code      string `json:"code"`
		Extension []struct {
			URL      string `json:"url"`
			ValueURL string `json:"valueUrl"`
		} `json:"extension"`
		Profile       []string `json:"profile"`
		TargetProfile []string `json:"targetProfile"`
	} `json:"type"`
	Binding *struct {
		Strength string `json:"strength"`
		ValueSet string `json:"valueSet"`
	} `json:"binding"`
	Constraint []struct {
		Key        string `json:"key"`
		Severity   string `json:"severity"`
		Human      string `json:"human"`
		Expression string `json:"expression"`
	} `json:"constraint"`
}

type rawValueSet struct {
	ResourceType string `json:"resourceType"`
	URL          string `json:"url"`
	Name         string `json:"name"`
	Expansion    *struct {
		Parameter []struct {
			Name         string `json:"name"`
			ValueBoolean *bool  `json:"valueBoolean"`
		} `json:"parameter"`
		Contains []rawContains `json:"contains"`
	} `json:"expansion"`
}

type rawContains struct {
	System   string        `json:"system"`
	Code     string        `json:"code"`
	Abstract bool          `json:"abstract"`
	Contains []rawContains `json:"contains"`
}

// Build reads the two HL7 R4 npm tarballs and returns the spec. It keeps
// every resource, complex and primitive type that the base specification
// defines (derivation "specialization"), and the complete expansions of the
// value sets that their required and extensible bindings name. It also
// keeps the contexts of the core extensions.
func Build(examplesTGZ, expansionsTGZ string) (*Spec, error) {
	s := &Spec{
		FHIRVersion: "4.0.1",
		Sources:     []string{"hl7.fhir.r4.examples@4.0.1", "hl7.fhir.r4.expansions@4.0.1"},
	}
	bound := map[string]bool{}
	err := ReadPackage(examplesTGZ, func(name string, data []byte) error {
		if !strings.HasPrefix(name, "StructureDefinition-") {
			return nil
		}
		var sd rawSD
		if err := json.Unmarshal(data, &sd); err != nil {
			return fmt.Errorf("parse %q: %w", name, err)
		}
		if sd.ResourceType != "StructureDefinition" {
			return nil
		}
		if sd.Type == "Extension" && sd.Derivation == "constraint" {
			s.Extensions = append(s.Extensions, extensionDef(&sd))
			return nil
		}
		// Element and Resource have no base and no derivation.
		if sd.Derivation != "specialization" && sd.BaseDefinition != "" || sd.URL != structureDefinitionPrefix+sd.Name && sd.URL != structureDefinitionPrefix+sd.Type {
			return nil
		}
		switch sd.Kind {
		case "resource", "complex-type", "primitive-type":
		default:
			return nil
		}
		td, err := typeDef(&sd)
		if err != nil {
			return fmt.Errorf("convert %q: %w", name, err)
		}
		for _, e := range td.Elements {
			if e.Binding != nil {
				bound[e.Binding.ValueSet] = true
			}
		}
		s.Types = append(s.Types, td)
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = ReadPackage(expansionsTGZ, func(name string, data []byte) error {
		if !strings.HasPrefix(name, "ValueSet-") {
			return nil
		}
		var vs rawValueSet
		if err := json.Unmarshal(data, &vs); err != nil {
			return fmt.Errorf("parse %q: %w", name, err)
		}
		if !bound[vs.URL] || vs.Expansion == nil || len(vs.Expansion.Contains) == 0 {
			return nil
		}
		// A limited expansion lists only part of the codes (SNOMED CT,
		// LOINC, UCUM, MIME types), so membership cannot be decided.
		for _, p := range vs.Expansion.Parameter {
			if p.Name == "limitedExpansion" {
				return nil
			}
		}
		out := ValueSet{URL: vs.URL, Name: vs.Name}
		var walk func(cs []rawContains)
		walk = func(cs []rawContains) {
			for _, c := range cs {
				if c.Code != "" && !c.Abstract {
					out.Codes = append(out.Codes, Code{System: c.System, Code: c.Code})
				}
				walk(c.Contains)
			}
		}
		walk(vs.Expansion.Contains)
		sort.Slice(out.Codes, func(i, j int) bool {
			if out.Codes[i].System != out.Codes[j].System {
				return out.Codes[i].System < out.Codes[j].System
			}
			return out.Codes[i].Code < out.Codes[j].Code
		})
		s.ValueSets = append(s.ValueSets, out)
		return nil
	})
	if err != nil {
		return nil, err
	}

	sort.Slice(s.Types, func(i, j int) bool { return s.Types[i].Name < s.Types[j].Name })
	sort.Slice(s.ValueSets, func(i, j int) bool { return s.ValueSets[i].URL < s.ValueSets[j].URL })
	sort.Slice(s.Extensions, func(i, j int) bool { return s.Extensions[i].URL < s.Extensions[j].URL })
	if len(s.Types) == 0 {
		return nil, fmt.Errorf("no StructureDefinition found in %q", examplesTGZ)
	}
	return s, nil
}

func extensionDef(sd *rawSD) ExtensionDef {
	def := ExtensionDef{URL: sd.URL}
	for _, c := range sd.Context {
		if c.Type == "element" {
			def.Contexts = append(def.Contexts, c.Expression)
		}
	}
	sort.Strings(def.Contexts)
	return def
}

func typeDef(sd *rawSD) (TypeDef, error) {
	td := TypeDef{
		Name:     sd.Type,
		Kind:     sd.Kind,
		Abstract: sd.Abstract,
		Base:     strings.TrimPrefix(sd.BaseDefinition, structureDefinitionPrefix),
	}
	for i, re := range sd.Snapshot.Element {
		e := Element{
			Path:             re.Path,
			Min:              re.Min,
			ContentReference: strings.TrimPrefix(re.ContentReference, "#"),
		}
		switch re.Max {
		case "*":
			e.Max = Unbounded
		default:
			n, err := strconv.Atoi(re.Max)
			if err != nil {
				return td, fmt.Errorf("element %d %q: invalid max %q: %w", i, re.Path, re.Max, err)
			}
			e.Max = n
		}
		for _, rt := range re.Type {
			t := Type{Code: rt.Code}
			if strings.HasPrefix(rt.Code, fhirPathSystemPrefix) {
				for _, ext := range rt.Extension {
					if ext.URL == fhirTypeExtension {
						t.Code = ext.ValueURL
					}
				}
				if strings.HasPrefix(t.Code, fhirPathSystemPrefix) {
					t.Code = "System." + strings.TrimPrefix(t.Code, fhirPathSystemPrefix)
				}
			}
			for _, p := range rt.TargetProfile {
				t.Targets = append(t.Targets, strings.TrimPrefix(p, structureDefinitionPrefix))
			}
			for _, p := range rt.Profile {
				t.Profiles = append(t.Profiles, strings.TrimPrefix(p, structureDefinitionPrefix))
			}
			e.Types = append(e.Types, t)
		}
		if re.Binding != nil && re.Binding.ValueSet != "" {
			vs := re.Binding.ValueSet
			if i := strings.IndexByte(vs, '|'); i >= 0 {
				vs = vs[:i]
			}
			e.Binding = &Binding{Strength: re.Binding.Strength, ValueSet: vs}
		}
		for _, c := range re.Constraint {
			e.Constraints = append(e.Constraints, Constraint{Key: c.Key, Severity: c.Severity, Expression: c.Expression, Human: c.Human})
		}
		td.Elements = append(td.Elements, e)
	}
	return td, nil
}
