package config

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FieldError is one problem in a policy file, positioned at the YAML node
// that caused it.
type FieldError struct {
	File   string
	Line   int
	Column int
	// Path is the dotted key path, such as "gates.coverage-line.threshold".
	Path    string
	Message string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// nodeDecoder is implemented by value types that check their own YAML
// scalar, such as durations and globs. The returned error is a bare message;
// the decoder adds file, position and key path.
type nodeDecoder interface {
	decodeNode(n *yaml.Node) error
}

// maxDepth bounds nesting, including alias expansion, so a hostile file
// cannot exhaust the stack.
const maxDepth = 32

// decoder walks a yaml.Node tree into Go values strictly: every key must
// match a struct field and every scalar must have the field's type.
type decoder struct {
	file string
	// dir is the directory of the policy file, for keys that name files
	// beside it; empty when the policy did not come from a file.
	dir  string
	errs []*FieldError
	// visits counts decoded nodes, aliases expanded each time, so an
	// alias bomb stops at maxVisits instead of exhausting memory.
	visits  int
	stopped bool
}

// maxVisits is far above the node count of any real policy file.
const maxVisits = 100_000

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	e := &FieldError{File: d.file, Path: path, Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	d.errs = append(d.errs, e)
}

// bounds is the allowed range of a number, read from the `min` and `max`
// struct tags.
type bounds struct {
	min, max       *float64
	exclusiveMin   bool
	unit           string
	hasConstraints bool
}

func boundsOf(f reflect.StructField) bounds {
	var b bounds
	if s, ok := f.Tag.Lookup("min"); ok {
		if strings.HasPrefix(s, ">") {
			b.exclusiveMin = true
			s = s[1:]
		}
		v, _ := strconv.ParseFloat(s, 64)
		b.min = &v
		b.hasConstraints = true
	}
	if s, ok := f.Tag.Lookup("max"); ok {
		v, _ := strconv.ParseFloat(s, 64)
		b.max = &v
		b.hasConstraints = true
	}
	b.unit = f.Tag.Get("unit")
	return b
}

func (b bounds) check(v float64) string {
	unit := ""
	if b.unit != "" {
		unit = " " + b.unit
	}
	switch {
	case b.min != nil && b.exclusiveMin && v <= *b.min:
		return fmt.Sprintf("value %s out of range: must be greater than %s%s", formatNumber(v), formatNumber(*b.min), unit)
	case b.min != nil && !b.exclusiveMin && v < *b.min:
		return fmt.Sprintf("value %s out of range: must be at least %s%s", formatNumber(v), formatNumber(*b.min), unit)
	case b.max != nil && v > *b.max:
		return fmt.Sprintf("value %s out of range: must be at most %s%s", formatNumber(v), formatNumber(*b.max), unit)
	}
	return ""
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// structField is one YAML key of a struct, possibly reached through inline
// embedded structs.
type structField struct {
	key    string
	index  []int
	bounds bounds
}

// fieldsOf lists the YAML keys of a struct type in declaration order.
func fieldsOf(t reflect.Type) []structField {
	var out []structField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if opts == "inline" {
			for _, inner := range fieldsOf(f.Type) {
				inner.index = append([]int{i}, inner.index...)
				out = append(out, inner)
			}
			continue
		}
		out = append(out, structField{key: name, index: []int{i}, bounds: boundsOf(f)})
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names the kind of a node for "expected X, found Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		value := n.Value
		if len(value) > 40 {
			value = value[:40] + "…"
		}
		switch n.ShortTag() {
		case "!!null":
			return "no value"
		case "!!bool":
			return fmt.Sprintf("the boolean %s", value)
		case "!!int", "!!float":
			return fmt.Sprintf("the number %s", value)
		case "!!str":
			return fmt.Sprintf("the string %q", value)
		default:
			return fmt.Sprintf("%s %q", n.ShortTag(), value)
		}
	}
	return "an unsupported node"
}

var nodeDecoderType = reflect.TypeFor[nodeDecoder]()

// decode stores node n into v. parent is the struct type that contains the
// struct being decoded, used to hint where a misplaced key belongs.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string, b bounds, parent reflect.Type, depth int) {
	d.visits++
	if d.visits > maxVisits {
		if !d.stopped {
			d.stopped = true
			d.fail(n, path, "document too large: more than %d values after expanding aliases", maxVisits)
		}
		return
	}
	if depth > maxDepth {
		d.fail(n, path, "nesting deeper than %d levels", maxDepth)
		return
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			d.fail(n, path, "unresolved alias *%s", n.Value)
			return
		}
		d.decode(n.Alias, v, path, b, parent, depth+1)
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		d.fail(n, path, "missing value: expected %s", expectation(v.Type()))
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(nodeDecoderType) {
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "expected %s, found %s", expectation(v.Type()), describe(n))
			return
		}
		if err := v.Addr().Interface().(nodeDecoder).decodeNode(n); err != nil {
			d.fail(n, path, "%v", err)
		}
		return
	}

	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path, parent, depth)
	case reflect.Map:
		d.decodeMap(n, v, path, depth)
	case reflect.Slice:
		d.decodeSlice(n, v, path, b, depth)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
			d.fail(n, path, "expected true or false, found %s", describe(n))
			return
		}
		var x bool
		if err := n.Decode(&x); err != nil {
			d.fail(n, path, "invalid boolean %q: %v", n.Value, err)
			return
		}
		v.SetBool(x)
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
			d.fail(n, path, "expected an integer, found %s", describe(n))
			return
		}
		var x int64
		if err := n.Decode(&x); err != nil || v.OverflowInt(x) {
			d.fail(n, path, "integer %s out of range", n.Value)
			return
		}
		if msg := b.check(float64(x)); msg != "" {
			d.fail(n, path, "%s", msg)
			return
		}
		v.SetInt(x)
	case reflect.Float64:
		tag := n.ShortTag()
		if n.Kind != yaml.ScalarNode || (tag != "!!int" && tag != "!!float") {
			d.fail(n, path, "expected a number, found %s", describe(n))
			return
		}
		var x float64
		if err := n.Decode(&x); err != nil {
			d.fail(n, path, "invalid number %q: %v", n.Value, err)
			return
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			d.fail(n, path, "invalid number %s: must be finite", n.Value)
			return
		}
		if msg := b.check(x); msg != "" {
			d.fail(n, path, "%s", msg)
			return
		}
		v.SetFloat(x)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			d.fail(n, path, "expected a string, found %s; quote the value if it is meant as text", describe(n))
			return
		}
		v.SetString(n.Value)
	default:
		d.fail(n, path, "internal error: no decoder for Go type %s", v.Type())
	}
}

func expectation(t reflect.Type) string {
	if reflect.PointerTo(t).Implements(nodeDecoderType) {
		if e, ok := reflect.New(t).Interface().(interface{ expected() string }); ok {
			return e.expected()
		}
		return "a scalar"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "a mapping"
	case reflect.Slice:
		return "a list"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64:
		return "an integer"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// mappingPairs checks n is a mapping and yields its string keys, reporting
// non-string keys, merge keys and duplicates.
func (d *decoder) mappingPairs(n *yaml.Node, path string, want string, yield func(key *yaml.Node, value *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "expected %s, found %s", want, describe(n))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || (k.ShortTag() != "!!str" && k.ShortTag() != "!!merge") {
			d.fail(k, path, "invalid key %s: keys must be strings", describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			d.fail(k, path, "merge keys (<<) are not supported: write the keys out")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.fail(k, join(path, k.Value), "duplicate key: first defined at line %d", first.Line)
			continue
		}
		seen[k.Value] = k
		yield(k, val)
	}
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string, parent reflect.Type, depth int) {
	fields := fieldsOf(v.Type())
	byKey := make(map[string]structField, len(fields))
	for _, f := range fields {
		byKey[f.key] = f
	}
	d.mappingPairs(n, path, "a mapping", func(k, val *yaml.Node) {
		f, ok := byKey[k.Value]
		if !ok {
			d.fail(k, join(path, k.Value), "%s", unknownKeyMessage(k.Value, fields, parent, parentPath(path)))
			return
		}
		d.decode(val, v.FieldByIndex(f.index), join(path, k.Value), f.bounds, v.Type(), depth+1)
	})
	if c, ok := v.Addr().Interface().(checker); ok && n.Kind == yaml.MappingNode {
		if err := c.check(); err != nil {
			d.fail(n, path, "%v", err)
		}
	}
	if fc, ok := v.Addr().Interface().(fileChecker); ok && n.Kind == yaml.MappingNode && d.dir != "" {
		d.checkFilesAt(fc, n, path)
	}
}

// checker is implemented by structs with rules that span several keys; the
// decoder calls check after the struct's keys are decoded.
type checker interface {
	check() error
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string, depth int) {
	if v.Type().Key().Kind() != reflect.String {
		d.fail(n, path, "internal error: map key type %s", v.Type().Key())
		return
	}
	m := reflect.MakeMap(v.Type())
	d.mappingPairs(n, path, "a mapping", func(k, val *yaml.Node) {
		key := reflect.New(v.Type().Key())
		if kd, ok := key.Interface().(nodeDecoder); ok {
			if err := kd.decodeNode(k); err != nil {
				d.fail(k, join(path, k.Value), "invalid key: %v", err)
				return
			}
		} else {
			key.Elem().SetString(k.Value)
		}
		elem := reflect.New(v.Type().Elem()).Elem()
		before := len(d.errs)
		d.decode(val, elem, join(path, k.Value), bounds{}, nil, depth+1)
		if len(d.errs) == before {
			m.SetMapIndex(key.Elem(), elem)
		}
	})
	v.Set(m)
}

func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string, b bounds, depth int) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "expected a list, found %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		// An empty list is stored as nil so that printing and parsing
		// again yields the same value.
		v.Set(reflect.Zero(v.Type()))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), b, nil, depth+1)
	}
	v.Set(s)
}

// unknownKeyMessage explains an unknown key: the closest valid key, or the
// sibling entries (other gates or steps) where the key is valid.
func unknownKeyMessage(key string, fields []structField, parent reflect.Type, parentPath string) string {
	msg := "unknown key"
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.key
	}
	if s := closest(key, names); s != "" {
		return fmt.Sprintf("%s; did you mean %q?", msg, s)
	}
	if owners := ownersOfKey(key, parent); len(owners) > 0 {
		return fmt.Sprintf("%s: %q applies only to %s %s", msg, key, parentPath, strings.Join(owners, ", "))
	}
	sort.Strings(names)
	return fmt.Sprintf("%s; valid keys: %s", msg, strings.Join(names, ", "))
}

func parentPath(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

// ownersOfKey lists the fields of parent whose struct type has the key, so
// that "workers" under steps.eslint can point to steps jest and go-test.
func ownersOfKey(key string, parent reflect.Type) []string {
	if parent == nil || parent.Kind() != reflect.Struct {
		return nil
	}
	var owners []string
	for _, f := range fieldsOf(parent) {
		ft := parent.FieldByIndex(f.index).Type
		if ft.Kind() != reflect.Struct {
			continue
		}
		for _, inner := range fieldsOf(ft) {
			if inner.key == key {
				owners = append(owners, f.key)
				break
			}
		}
	}
	return owners
}

// closest returns the candidate with the smallest edit distance to key, if
// that distance is small enough to be a typo.
func closest(key string, candidates []string) string {
	best, bestDist := "", math.MaxInt
	for _, c := range candidates {
		if dist := levenshtein(key, c); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	limit := max(2, len(key)/3)
	if bestDist <= limit && bestDist < len(key) {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
