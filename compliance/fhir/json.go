package fhir

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/hms-enterprise/hmsci/compliance/fhirpath"
)

// Kind is the JSON kind of a value.
type Kind uint8

// JSON value kinds.
const (
	KindNull Kind = iota
	KindBool
	KindNumber
	KindString
	KindArray
	KindObject
)

var kindNames = [...]string{"null", "boolean", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one parsed JSON value with the position where it starts.
type Value struct {
	Kind Kind
	// Line and Col are 1-based; Col counts Unicode code points.
	Line, Col int
	// Text is the decoded string, the number literal as written, or "true"
	// and "false".
	Text    string
	Members []Member
	Items   []*Value
	// node is the FHIRPath node built for this object, if any.
	node *fhirpath.Node
}

// Member is one key and value of a JSON object.
type Member struct {
	Key       string
	Line, Col int
	Value     *Value
}

// Member returns the value of the first member named key, or nil.
func (v *Value) Member(key string) *Value {
	if v == nil || v.Kind != KindObject {
		return nil
	}
	for i := range v.Members {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return nil
}

// String returns the decoded text of a string member, or "".
func (v *Value) String(key string) string {
	m := v.Member(key)
	if m == nil || m.Kind != KindString {
		return ""
	}
	return m.Text
}

// SyntaxError is a JSON syntax error at a position.
type SyntaxError struct {
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("line %d, col %d: %s", e.Line, e.Col, e.Msg)
}

// DuplicateKey is an object key that occurs more than once.
type DuplicateKey struct {
	Key       string
	Line, Col int
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 400

type parser struct {
	data       []byte
	pos        int
	line       int
	lineStart  int
	duplicates []DuplicateKey
	// text is an immutable copy of data; unescaped strings and numbers
	// are slices of it instead of separate allocations.
	text string
	// validUTF8 is set when the whole input is valid UTF-8, so strings
	// need no check of their own.
	validUTF8 bool
	// slab hands out Values in chunks to cut allocations.
	slab []Value
	// knownKey reports whether a property name may be printed in full in
	// an error message. Any other name is masked, because it may be a
	// value written where a key belongs, and nil masks every name.
	knownKey func(string) bool
	// colBase and colAt cache the column of one byte offset on the current
	// line, so that computing columns stays linear on long lines.
	colBase, colAt int
}

// ParseJSON parses one JSON document, keeping the position of every value
// and key. It rejects comments, trailing commas and trailing content, and
// returns duplicate keys separately because FHIR treats them as a content
// error, not a syntax error.
//
// The parser copies data once, and strings without escapes share that copy,
// so later changes to data do not affect the result. Error messages never
// contain a value or property name from data in full, because FHIR JSON
// may hold person data.
func ParseJSON(data []byte) (*Value, []DuplicateKey, error) {
	return parseJSON(data, nil)
}

// parseJSON is ParseJSON with the names that error messages may print.
func parseJSON(data []byte, knownKey func(string) bool) (*Value, []DuplicateKey, error) {
	p := &parser{data: data, line: 1, colAt: 1, knownKey: knownKey}
	if len(data) > 0 {
		p.text = string(data)
		p.validUTF8 = utf8.Valid(data)
	}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos, p.lineStart, p.colBase = 3, 3, 3
	}
	if err := p.skipSpace(); err != nil {
		return nil, nil, err
	}
	if p.pos >= len(p.data) {
		return nil, nil, p.errorf("empty document: expected a JSON object")
	}
	v, err := p.value(0)
	if err != nil {
		return nil, nil, err
	}
	if err := p.skipSpace(); err != nil {
		return nil, nil, err
	}
	if p.pos < len(p.data) {
		return nil, nil, p.errorf("unexpected %s after the end of the JSON value", p.describe())
	}
	return v, p.duplicates, nil
}

func (p *parser) col() int {
	if p.colBase < p.lineStart || p.colBase > p.pos {
		p.colBase, p.colAt = p.lineStart, 1
	}
	p.colAt += utf8.RuneCount(p.data[p.colBase:p.pos])
	p.colBase = p.pos
	return p.colAt
}

func (p *parser) errorf(format string, args ...any) *SyntaxError {
	return &SyntaxError{Line: p.line, Col: p.col(), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) describe() string {
	if p.pos >= len(p.data) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.data[p.pos:])
	return strconv.QuoteRune(r)
}

func (p *parser) skipSpace() error {
	for p.pos < len(p.data) {
		switch c := p.data[p.pos]; c {
		case ' ', '\t', '\r':
			p.pos++
		case '\n':
			p.pos++
			p.line++
			p.lineStart = p.pos
		case '/':
			if p.pos+1 < len(p.data) && (p.data[p.pos+1] == '/' || p.data[p.pos+1] == '*') {
				return p.errorf("JSON comments are not allowed in FHIR JSON")
			}
			return nil
		default:
			return nil
		}
	}
	return nil
}

func (p *parser) value(depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, p.errorf("nesting deeper than %d levels", maxDepth)
	}
	if p.pos >= len(p.data) {
		return nil, p.errorf("unexpected end of input: expected a value")
	}
	if len(p.slab) == 0 {
		p.slab = make([]Value, 64)
	}
	v := &p.slab[0]
	p.slab = p.slab[1:]
	v.Line, v.Col = p.line, p.col()
	switch c := p.data[p.pos]; {
	case c == '{':
		v.Kind = KindObject
		return v, p.object(v, depth)
	case c == '[':
		v.Kind = KindArray
		return v, p.array(v, depth)
	case c == '"':
		s, err := p.str()
		v.Kind, v.Text = KindString, s
		return v, err
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range [...]string{"true", "false", "null"} {
			if strings.HasPrefix(string(p.data[p.pos:min(len(p.data), p.pos+5)]), lit) {
				p.pos += len(lit)
				if lit == "null" {
					v.Kind = KindNull
				} else {
					v.Kind, v.Text = KindBool, lit
				}
				return v, nil
			}
		}
		return nil, p.errorf("invalid literal: expected true, false or null")
	case c == '-' || (c >= '0' && c <= '9'):
		s, err := p.number()
		v.Kind, v.Text = KindNumber, s
		return v, err
	default:
		return nil, p.errorf("unexpected %s: expected a value", p.describe())
	}
}

func (p *parser) object(v *Value, depth int) error {
	p.pos++ // '{'
	var seen map[string]struct{}
	for first := true; ; first = false {
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.pos >= len(p.data) {
			return p.errorf("unexpected end of input: expected '}'")
		}
		if p.data[p.pos] == '}' {
			if !first {
				return p.errorf("trailing comma before '}'")
			}
			p.pos++
			return nil
		}
		if p.data[p.pos] != '"' {
			return p.errorf("unexpected %s: expected a property name in double quotes", p.describe())
		}
		m := Member{Line: p.line, Col: p.col()}
		key, err := p.str()
		if err != nil {
			return err
		}
		m.Key = key
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			keyText := maskValue(key)
			if p.knownKey != nil && p.knownKey(key) {
				keyText = strconv.Quote(key)
			}
			return p.errorf("unexpected %s: expected ':' after property %s", p.describe(), keyText)
		}
		p.pos++
		if err := p.skipSpace(); err != nil {
			return err
		}
		m.Value, err = p.value(depth + 1)
		if err != nil {
			return err
		}
		// Small objects are scanned; large ones switch to a set.
		dup := false
		if seen != nil {
			_, dup = seen[key]
			seen[key] = struct{}{}
		} else {
			for i := range v.Members {
				if v.Members[i].Key == key {
					dup = true
					break
				}
			}
			if len(v.Members) >= 16 {
				seen = make(map[string]struct{}, 32)
				for i := range v.Members {
					seen[v.Members[i].Key] = struct{}{}
				}
				seen[key] = struct{}{}
			}
		}
		if dup {
			p.duplicates = append(p.duplicates, DuplicateKey{Key: key, Line: m.Line, Col: m.Col})
		}
		if v.Members == nil {
			v.Members = make([]Member, 0, 4)
		}
		v.Members = append(v.Members, m)
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.pos >= len(p.data) {
			return p.errorf("unexpected end of input: expected ',' or '}'")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return nil
		default:
			return p.errorf("unexpected %s: expected ',' or '}'", p.describe())
		}
	}
}

func (p *parser) array(v *Value, depth int) error {
	p.pos++ // '['
	for first := true; ; first = false {
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.pos >= len(p.data) {
			return p.errorf("unexpected end of input: expected ']'")
		}
		if p.data[p.pos] == ']' {
			if !first {
				return p.errorf("trailing comma before ']'")
			}
			p.pos++
			return nil
		}
		item, err := p.value(depth + 1)
		if err != nil {
			return err
		}
		v.Items = append(v.Items, item)
		if err := p.skipSpace(); err != nil {
			return err
		}
		if p.pos >= len(p.data) {
			return p.errorf("unexpected end of input: expected ',' or ']'")
		}
		switch p.data[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return nil
		default:
			return p.errorf("unexpected %s: expected ',' or ']'", p.describe())
		}
	}
}

func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	// Fast path: no escapes.
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		if c == '"' {
			s := p.data[start:p.pos]
			p.pos++
			if !p.validUTF8 && !utf8.Valid(s) {
				return "", p.errorf("invalid UTF-8 in string")
			}
			return p.text[start : p.pos-1], nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", p.errorf("control character %#02x in string: escape it", c)
		}
		p.pos++
	}
	var b strings.Builder
	b.Write(p.data[start:p.pos])
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			s := b.String()
			if !utf8.ValidString(s) {
				return "", p.errorf("invalid UTF-8 in string")
			}
			return s, nil
		case c < 0x20:
			return "", p.errorf("control character %#02x in string: escape it", c)
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		if p.pos+1 >= len(p.data) {
			break
		}
		esc := p.data[p.pos+1]
		p.pos += 2
		switch esc {
		case '"', '\\', '/':
			b.WriteByte(esc)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", p.errorf("invalid \\u escape in string")
			}
			if utf16.IsSurrogate(r) {
				if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
					p.pos += 2
					r2, ok := p.hex4()
					if !ok {
						return "", p.errorf("invalid \\u escape in string")
					}
					r = utf16.DecodeRune(r, r2)
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default:
			p.pos -= 2
			return "", p.errorf("invalid escape %q in string", "\\"+string(esc))
		}
	}
	return "", p.errorf("unexpected end of input: unterminated string")
}

func (p *parser) hex4() (rune, bool) {
	if p.pos+4 > len(p.data) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(p.data[p.pos:p.pos+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(n), true
}

func (p *parser) number() (string, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if digits() == 0 {
		return "", p.errorf("invalid number: expected a digit")
	}
	if p.data[intStart] == '0' && p.pos-intStart > 1 {
		text := string(p.data[start:p.pos])
		p.pos = start
		// A phone number or an identifier written without quotes is the
		// usual cause, so the digits are masked.
		return "", p.errorf("invalid number %s: leading zero; if it is an identifier or a phone number, write it as a JSON string", maskValue(text))
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return "", p.errorf("invalid number: expected a digit after '.'")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return "", p.errorf("invalid number: expected a digit in the exponent")
		}
	}
	return p.text[start:p.pos], nil
}
