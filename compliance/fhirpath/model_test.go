package fhirpath_test

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"os"
	"strings"
	"sync"
	"unicode"

	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

// tableModel is a fhirpath.Model over the element table in testdata/r4-elements.txt.gz,
// which modelgen writes from the R4 StructureDefinitions.
type tableModel struct {
	elements map[string][]string // path -> type codes
	refs     map[string]string   // path -> referenced path
	choices  map[string][]string // parent path -> choice element names without [x]
	bases    map[string]string
}

var (
	r4ModelOnce sync.Once
	r4Model     *tableModel
	r4ModelErr  error
)

func loadR4Model() (*tableModel, error) {
	r4ModelOnce.Do(func() { r4Model, r4ModelErr = readTableModel("testdata/r4-elements.txt.gz") })
	return r4Model, r4ModelErr
}

func readTableModel(path string) (*tableModel, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	zr, err := gzip.NewReader(file)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	m := &tableModel{elements: map[string][]string{}, refs: map[string]string{}, choices: map[string][]string{}, bases: map[string]string{}}
	scanner := bufio.NewScanner(zr)
	line := 0
	for scanner.Scan() {
		line++
		fields := strings.Split(scanner.Text(), "\t")
		if len(fields) != 3 {
			return nil, fmt.Errorf("read %s line %d: expected 3 fields, found %d", path, line, len(fields))
		}
		switch fields[0] {
		case "base":
			m.bases[fields[1]] = fields[2]
		case "ref":
			m.refs[fields[1]] = fields[2]
		case "elem":
			m.elements[fields[1]] = strings.Split(fields[2], ",")
			if name, ok := strings.CutSuffix(fields[1], "[x]"); ok {
				parent := name[:strings.LastIndexByte(name, '.')]
				m.choices[parent] = append(m.choices[parent], name[len(parent)+1:])
			}
		default:
			return nil, fmt.Errorf("read %s line %d: unknown record %q", path, line, fields[0])
		}
	}
	return m, scanner.Err()
}

func (m *tableModel) Element(parent, property string) (fhirpath.ElementInfo, bool) {
	path := parent + "." + property
	if types, ok := m.elements[path]; ok && len(types) == 1 {
		return m.info(property, path, types[0]), true
	}
	if target, ok := m.refs[path]; ok {
		return fhirpath.ElementInfo{Name: property, Type: "BackboneElement", TypePath: target}, true
	}
	for _, name := range m.choices[parent] {
		suffix, ok := strings.CutPrefix(property, name)
		if !ok || suffix == "" {
			continue
		}
		for _, t := range m.elements[parent+"."+name+"[x]"] {
			if upperFirst(t) == suffix {
				return fhirpath.ElementInfo{Name: name, Type: t, TypePath: t}, true
			}
		}
	}
	// Elements inherited from a base type are listed under the base type's path.
	if base := m.bases[parent]; base != "" && !strings.Contains(parent, ".") {
		return m.Element(base, property)
	}
	return fhirpath.ElementInfo{}, false
}

func (m *tableModel) info(name, path, typ string) fhirpath.ElementInfo {
	if typ == "BackboneElement" || typ == "Element" {
		return fhirpath.ElementInfo{Name: name, Type: typ, TypePath: path}
	}
	return fhirpath.ElementInfo{Name: name, Type: typ, TypePath: typ}
}

func (m *tableModel) BaseType(name string) string { return m.bases[name] }

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}
