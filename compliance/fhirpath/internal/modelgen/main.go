// Command modelgen writes the FHIR R4 element table and constraint list that the fhirpath
// tests use. It reads the StructureDefinitions from the Bundle-types.json and
// Bundle-resources.json files of the hl7.fhir.r4.examples 4.0.1 npm package (CC0) and writes
// one line per record, sorted, so that the output is deterministic. The element table has
//
//	base <TAB> type <TAB> base type
//	elem <TAB> path <TAB> type[,type...]   (a choice element keeps its [x] suffix)
//	ref  <TAB> path <TAB> referenced path  (contentReference)
//
// and the constraint list has
//
//	path <TAB> key <TAB> severity <TAB> FHIRPath expression
//
// Usage: go run ./compliance/fhirpath/internal/modelgen PACKAGE_DIR ELEMENTS.gz CONSTRAINTS.gz
package main

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type structureDefinition struct {
	ResourceType   string `json:"resourceType"`
	Name           string `json:"name"`
	Type           string `json:"type"`
	Kind           string `json:"kind"`
	Derivation     string `json:"derivation"`
	BaseDefinition string `json:"baseDefinition"`
	Snapshot       struct {
		Element []struct {
			Path             string `json:"path"`
			ContentReference string `json:"contentReference"`
			Constraint       []struct {
				Key        string `json:"key"`
				Severity   string `json:"severity"`
				Expression string `json:"expression"`
			} `json:"constraint"`
			Type []struct {
				Code      string `json:"code"`
				Extension []struct {
					URL      string `json:"url"`
					ValueURL string `json:"valueUrl"`
				} `json:"extension"`
			} `json:"type"`
		} `json:"element"`
	} `json:"snapshot"`
}

type bundle struct {
	Entry []struct {
		Resource json.RawMessage `json:"resource"`
	} `json:"entry"`
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: modelgen PACKAGE_DIR ELEMENTS.gz CONSTRAINTS.gz")
		os.Exit(2)
	}
	elements, constraints, err := collect(os.Args[1])
	if err == nil {
		err = write(os.Args[2], elements)
	}
	if err == nil {
		err = write(os.Args[3], constraints)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "modelgen:", err)
		os.Exit(1)
	}
}

func collect(dir string) (elements, constraints []string, err error) {
	seen := map[string]bool{}
	add := func(lines *[]string, line string) {
		if !seen[line] {
			seen[line] = true
			*lines = append(*lines, line)
		}
	}
	for _, name := range []string{"Bundle-types.json", "Bundle-resources.json"} {
		path := filepath.Join(dir, name)
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
		var b bundle
		if err := json.Unmarshal(data, &b); err != nil {
			return nil, nil, fmt.Errorf("parse %s: %w", path, err)
		}
		for _, entry := range b.Entry {
			var header struct {
				ResourceType string `json:"resourceType"`
			}
			if err := json.Unmarshal(entry.Resource, &header); err != nil {
				return nil, nil, fmt.Errorf("parse %s: %w", path, err)
			}
			if header.ResourceType != "StructureDefinition" {
				continue
			}
			var sd structureDefinition
			if err := json.Unmarshal(entry.Resource, &sd); err != nil {
				return nil, nil, fmt.Errorf("parse %s: %w", path, err)
			}
			if sd.ResourceType != "StructureDefinition" || sd.Derivation == "constraint" || sd.Kind == "logical" {
				continue
			}
			if base := lastSegment(sd.BaseDefinition); base != "" {
				add(&elements, "base\t"+sd.Type+"\t"+base)
			}
			for _, element := range sd.Snapshot.Element {
				for _, c := range element.Constraint {
					if c.Expression != "" && !strings.ContainsAny(c.Expression, "\t\n") {
						add(&constraints, element.Path+"\t"+c.Key+"\t"+c.Severity+"\t"+c.Expression)
					}
				}
				if !strings.Contains(element.Path, ".") {
					continue
				}
				if element.ContentReference != "" {
					add(&elements, "ref\t"+element.Path+"\t"+strings.TrimPrefix(element.ContentReference, "#"))
					continue
				}
				var types []string
				for _, t := range element.Type {
					types = append(types, typeCode(t.Code, t.Extension))
				}
				if len(types) > 0 {
					add(&elements, "elem\t"+element.Path+"\t"+strings.Join(types, ","))
				}
			}
		}
	}
	sort.Strings(elements)
	sort.Strings(constraints)
	return elements, constraints, nil
}

// typeCode maps the System type codes of id and value elements to the FHIR type the
// structuredefinition-fhir-type extension names.
func typeCode(code string, extensions []struct {
	URL      string `json:"url"`
	ValueURL string `json:"valueUrl"`
}) string {
	if !strings.HasPrefix(code, "http://hl7.org/fhirpath/System.") {
		return code
	}
	for _, ext := range extensions {
		if strings.HasSuffix(ext.URL, "structuredefinition-fhir-type") && ext.ValueURL != "" {
			return ext.ValueURL
		}
	}
	return strings.ToLower(strings.TrimPrefix(code, "http://hl7.org/fhirpath/System."))
}

func lastSegment(url string) string {
	if i := strings.LastIndexByte(url, '/'); i >= 0 {
		return url[i+1:]
	}
	return url
}

func write(path string, lines []string) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	zw := gzip.NewWriter(file)
	zw.ModTime = zw.ModTime.UTC() // zero time: the output does not depend on when it ran
	if _, err := zw.Write([]byte(strings.Join(lines, "\n") + "\n")); err != nil {
		file.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		file.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return file.Close()
}
