package fhirpath_test

import (
	"bufio"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

// constraint is one invariant of the R4 base definitions.
type constraint struct {
	path, key, severity, expression string
}

func readConstraints(t *testing.T) []constraint {
	t.Helper()
	file, err := os.Open("testdata/r4-constraints.txt.gz")
	require.NoError(t, err)
	defer file.Close()
	zr, err := gzip.NewReader(file)
	require.NoError(t, err)
	var result []constraint
	scanner := bufio.NewScanner(zr)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	for scanner.Scan() {
		fields := strings.SplitN(scanner.Text(), "\t", 4)
		require.Len(t, fields, 4, "constraint line %q", scanner.Text())
		result = append(result, constraint{path: fields[0], key: fields[1], severity: fields[2], expression: fields[3]})
	}
	require.NoError(t, scanner.Err())
	return result
}

func TestR4ConstraintsParse(t *testing.T) {
	constraints := readConstraints(t)
	require.Greater(t, len(constraints), 1000)
	distinct := map[string]bool{}
	for _, c := range constraints {
		if distinct[c.expression] {
			continue
		}
		distinct[c.expression] = true
		_, err := fhirpath.Parse(c.expression)
		assert.NoError(t, err, "%s on %s", c.key, c.path)
	}
	t.Logf("parsed %d distinct R4 constraint expressions", len(distinct))
}

// knownInvalidExamples are suite inputs that break R4 invariants on purpose, with the
// invariants each must fail.
var knownInvalidExamples = map[string][]string{
	// The example's own comment marks the second "chol-mass" concept as wrong.
	"codesystem-example.json": {"csd-1"},
	// The contained Organization has neither identifier nor name, and the reference to it
	// lacks the leading #, so nothing refers to it.
	"patient-container-example.json": {"org-1", "dom-3"},
}

// TestR4ConstraintsHoldOnExamples evaluates every R4 base constraint on every element it
// applies to in the official example resources. Each error-severity invariant must not be
// false, except the one each known invalid example breaks, which must be.
func TestR4ConstraintsHoldOnExamples(t *testing.T) {
	model, err := loadR4Model()
	require.NoError(t, err)
	constraints := readConstraints(t)
	files, err := filepath.Glob("testdata/fhirpath-suite/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)

	evaluated, unsupported, empty := 0, 0, 0
	for _, file := range files {
		base := filepath.Base(file)
		brokenFound := map[string]bool{}
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		root, err := fhirpath.FromJSON(data, model)
		require.NoError(t, err, file)
		for _, c := range constraints {
			expr, err := fhirpath.Parse(c.expression)
			require.NoError(t, err)
			for _, target := range constraintTargets(t, root, c.path, model) {
				env := &fhirpath.Environment{Resource: enclosingResource(target.node), RootResource: root, Model: model}
				result, err := expr.Evaluate(fhirpath.Collection{target.node}, env)
				if errors.Is(err, fhirpath.ErrNotSupported) {
					unsupported++
					continue
				}
				evaluated++
				if !assert.NoError(t, err, "%s %s (%s) on %s", base, c.key, c.expression, target.label) {
					continue
				}
				if len(result) == 0 {
					// ref-1 on a Reference with only a display evaluates to empty.
					empty++
					continue
				}
				failed := len(result) == 1 && result[0] == false
				if failed && slices.Contains(knownInvalidExamples[base], c.key) {
					brokenFound[c.key] = true
					continue
				}
				if c.severity == "error" {
					assert.False(t, failed, "%s: %s fails on %s: %s", base, c.key, target.label, c.expression)
				}
			}
		}
		for _, key := range knownInvalidExamples[base] {
			assert.True(t, brokenFound[key], "%s should fail %s", base, key)
		}
	}
	t.Logf("evaluated %d invariants on elements of the examples (%d empty), %d not supported", evaluated, empty, unsupported)
	require.Greater(t, evaluated, 1000)
}

// TestR4ConstraintsOnPackageExamples runs the check of TestR4ConstraintsHoldOnExamples over
// every example of the hl7.fhir.r4.examples package when FHIR_R4_EXAMPLES names its
// extracted package folder. It lists each false error-severity invariant and each evaluation
// error, which a reviewer checks against the example by hand.
func TestR4ConstraintsOnPackageExamples(t *testing.T) {
	dir := os.Getenv("FHIR_R4_EXAMPLES")
	if dir == "" {
		t.Skip("set FHIR_R4_EXAMPLES to the extracted hl7.fhir.r4.examples package folder to run this test")
	}
	model, err := loadR4Model()
	require.NoError(t, err)
	constraints := readConstraints(t)
	parsed := make([]*fhirpath.Expression, len(constraints))
	for i, c := range constraints {
		parsed[i], err = fhirpath.Parse(c.expression)
		require.NoError(t, err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	resources, evaluated, failures, errorCount := 0, 0, 0, 0
	for _, file := range files {
		info, err := os.Stat(file)
		require.NoError(t, err)
		if info.Size() > 1<<20 || strings.HasPrefix(filepath.Base(file), "package.json") {
			continue // the definition bundles are data, not examples
		}
		data, err := os.ReadFile(file)
		require.NoError(t, err)
		root, err := fhirpath.FromJSON(data, model)
		if err != nil {
			continue // not a resource (ig-r4.json is a configuration file)
		}
		resources++
		for i, c := range constraints {
			for _, target := range constraintTargets(t, root, c.path, model) {
				env := &fhirpath.Environment{Resource: enclosingResource(target.node), RootResource: root, Model: model}
				result, err := parsed[i].Evaluate(fhirpath.Collection{target.node}, env)
				if errors.Is(err, fhirpath.ErrNotSupported) {
					continue
				}
				evaluated++
				if err != nil {
					errorCount++
					t.Logf("ERROR %s %s on %s: %v", filepath.Base(file), c.key, target.label, err)
					continue
				}
				if c.severity == "error" && len(result) == 1 && result[0] == false {
					failures++
					t.Logf("FALSE %s %s on %s: %s", filepath.Base(file), c.key, target.label, c.expression)
				}
			}
		}
	}
	t.Logf("%d resources, %d evaluations, %d false error-severity invariants, %d evaluation errors", resources, evaluated, failures, errorCount)
}

type target struct {
	node  *fhirpath.Node
	label string
}

// constraintTargets returns the nodes a constraint defined at path applies to: resources of
// the path's type and elements below them, or every element of a data type.
func constraintTargets(t *testing.T, root *fhirpath.Node, path string, model *tableModel) []target {
	t.Helper()
	typeName, rest, _ := strings.Cut(path, ".")
	bases := nodesOfType(root, typeName, model)
	if rest == "" {
		result := make([]target, 0, len(bases))
		for _, n := range bases {
			result = append(result, target{node: n, label: n.Type})
		}
		return result
	}
	expr, err := parsePathCached(strings.ReplaceAll(rest, "[x]", ""))
	require.NoError(t, err, path)
	var result []target
	for _, base := range bases {
		nodes, err := expr.Evaluate(fhirpath.Collection{base}, nil)
		require.NoError(t, err, path)
		for _, item := range nodes {
			if n, ok := item.(*fhirpath.Node); ok {
				result = append(result, target{node: n, label: path})
			}
		}
	}
	return result
}

// typeIndex caches, for the most recent root, the nodes of each type and its base types.
var typeIndex struct {
	sync.Mutex
	root   *fhirpath.Node
	byType map[string][]*fhirpath.Node
}

func nodesOfType(root *fhirpath.Node, typeName string, model *tableModel) []*fhirpath.Node {
	typeIndex.Lock()
	defer typeIndex.Unlock()
	if typeIndex.root != root {
		typeIndex.root = root
		typeIndex.byType = map[string][]*fhirpath.Node{}
		walk(root, func(n *fhirpath.Node) {
			for typ, depth := n.Type, 0; typ != "" && depth < 16; depth++ {
				typeIndex.byType[typ] = append(typeIndex.byType[typ], n)
				typ = model.BaseType(typ)
			}
		})
	}
	return typeIndex.byType[typeName]
}

var pathExpressions sync.Map // element path -> *fhirpath.Expression

func parsePathCached(path string) (*fhirpath.Expression, error) {
	if cached, ok := pathExpressions.Load(path); ok {
		return cached.(*fhirpath.Expression), nil
	}
	expr, err := fhirpath.Parse(path)
	if err != nil {
		return nil, err
	}
	pathExpressions.Store(path, expr)
	return expr, nil
}

func walk(n *fhirpath.Node, visit func(*fhirpath.Node)) {
	visit(n)
	for _, child := range n.Children {
		walk(child, visit)
	}
}

func enclosingResource(n *fhirpath.Node) *fhirpath.Node {
	for node := n; node != nil; node = node.Parent {
		if node.Parent == nil || node.Name == "contained" || node.Name == "resource" {
			return node
		}
	}
	return n
}
