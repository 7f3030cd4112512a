package fhirpath

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of objects and arrays in FromJSON input; FHIR resources
// nest far less deeply, and the bound keeps hostile input from exhausting the stack.
const maxJSONDepth = 1000

// jsonScanner is a strict RFC 8259 parser that produces Object, []any, json.Number, string,
// bool and nil values, wrapping object member values in offsetValue. It is several times
// faster than encoding/json's token API, which FromJSON used before.
type jsonScanner struct {
	data  []byte
	pos   int
	depth int
}

// jsonSyntaxError is a JSON syntax error at a byte offset.
type jsonSyntaxError struct {
	offset  int
	message string
}

func (e *jsonSyntaxError) Error() string { return e.message }

func (s *jsonScanner) fail(format string, args ...any) error {
	return &jsonSyntaxError{offset: s.pos, message: fmt.Sprintf(format, args...)}
}

func (s *jsonScanner) skipSpace() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\r', '\n':
			s.pos++
		default:
			return
		}
	}
}

func (s *jsonScanner) value() (any, error) {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return nil, s.fail("unexpected end of JSON input")
	}
	switch c := s.data[s.pos]; {
	case c == '{':
		return s.object()
	case c == '[':
		return s.array()
	case c == '"':
		return s.str()
	case c == '-' || isDigit(c):
		return s.number()
	case c == 't':
		return s.literal("true", true)
	case c == 'f':
		return s.literal("false", false)
	case c == 'n':
		return s.literal("null", nil)
	default:
		return nil, s.fail("invalid character %q looking for a value", c)
	}
}

func (s *jsonScanner) enter() error {
	s.depth++
	if s.depth > maxJSONDepth {
		return s.fail("JSON nests deeper than %d levels", maxJSONDepth)
	}
	return nil
}

func (s *jsonScanner) object() (any, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer func() { s.depth-- }()
	s.pos++ // {
	object := Object{}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		return object, nil
	}
	for {
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != '"' {
			return nil, s.fail("expected a string object key")
		}
		key, err := s.str()
		if err != nil {
			return nil, err
		}
		s.skipSpace()
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			return nil, s.fail("expected ':' after object key %q", key)
		}
		s.pos++
		s.skipSpace()
		offset := s.pos
		value, err := s.value()
		if err != nil {
			return nil, err
		}
		object = append(object, Member{Key: key.(string), Value: offsetValue{value: value, offset: offset}})
		s.skipSpace()
		if s.pos >= len(s.data) {
			return nil, s.fail("unexpected end of JSON input in an object")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return object, nil
		default:
			return nil, s.fail("expected ',' or '}' after an object member")
		}
	}
}

func (s *jsonScanner) array() (any, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer func() { s.depth-- }()
	s.pos++ // [
	items := []any{}
	s.skipSpace()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		return items, nil
	}
	for {
		item, err := s.value()
		if err != nil {
			return nil, err
		}
		items = append(items, item)
		s.skipSpace()
		if s.pos >= len(s.data) {
			return nil, s.fail("unexpected end of JSON input in an array")
		}
		switch s.data[s.pos] {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return items, nil
		default:
			return nil, s.fail("expected ',' or ']' after an array item")
		}
	}
}

func (s *jsonScanner) literal(text string, value any) (any, error) {
	if len(s.data)-s.pos < len(text) || string(s.data[s.pos:s.pos+len(text)]) != text {
		return nil, s.fail("invalid literal, expected %s", text)
	}
	s.pos += len(text)
	return value, nil
}

func (s *jsonScanner) number() (any, error) {
	start := s.pos
	if s.data[s.pos] == '-' {
		s.pos++
	}
	digits := func() int {
		n := 0
		for s.pos < len(s.data) && isDigit(s.data[s.pos]) {
			s.pos++
			n++
		}
		return n
	}
	if s.pos < len(s.data) && s.data[s.pos] == '0' {
		s.pos++
	} else if digits() == 0 {
		return nil, s.fail("invalid number")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if digits() == 0 {
			return nil, s.fail("invalid number: no digits after the decimal point")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if digits() == 0 {
			return nil, s.fail("invalid number: no digits in the exponent")
		}
	}
	return json.Number(s.data[start:s.pos]), nil
}

func (s *jsonScanner) str() (any, error) {
	s.pos++ // opening quote
	start := s.pos
	// Fast path: no escapes.
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		if c == '"' {
			text := s.data[start:s.pos]
			s.pos++
			if !utf8.Valid(text) {
				return nil, &jsonSyntaxError{offset: start, message: "invalid UTF-8 in a string"}
			}
			return string(text), nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return nil, s.fail("invalid control character in a string")
		}
		s.pos++
	}
	buffer := append([]byte(nil), s.data[start:s.pos]...)
	for s.pos < len(s.data) {
		c := s.data[s.pos]
		switch {
		case c == '"':
			s.pos++
			if !utf8.Valid(buffer) {
				return nil, &jsonSyntaxError{offset: start, message: "invalid UTF-8 in a string"}
			}
			return string(buffer), nil
		case c < 0x20:
			return nil, s.fail("invalid control character in a string")
		case c != '\\':
			buffer = append(buffer, c)
			s.pos++
			continue
		}
		if s.pos+1 >= len(s.data) {
			break
		}
		escape := s.data[s.pos+1]
		s.pos += 2
		switch escape {
		case '"', '\\', '/':
			buffer = append(buffer, escape)
		case 'b':
			buffer = append(buffer, '\b')
		case 'f':
			buffer = append(buffer, '\f')
		case 'n':
			buffer = append(buffer, '\n')
		case 'r':
			buffer = append(buffer, '\r')
		case 't':
			buffer = append(buffer, '\t')
		case 'u':
			r, err := s.hex4()
			if err != nil {
				return nil, err
			}
			if utf16.IsSurrogate(r) && s.pos+1 < len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
				s.pos += 2
				low, err := s.hex4()
				if err != nil {
					return nil, err
				}
				r = utf16.DecodeRune(r, low)
			}
			buffer = utf8.AppendRune(buffer, r)
		default:
			s.pos -= 2
			return nil, s.fail("invalid escape sequence \\%c", escape)
		}
	}
	return nil, &jsonSyntaxError{offset: start - 1, message: "unterminated string"}
}

func (s *jsonScanner) hex4() (rune, error) {
	if s.pos+4 > len(s.data) {
		return 0, s.fail("invalid \\u escape")
	}
	n, err := strconv.ParseUint(string(s.data[s.pos:s.pos+4]), 16, 32)
	if err != nil {
		return 0, s.fail("invalid \\u escape")
	}
	s.pos += 4
	return rune(n), nil
}

// parseJSON parses one JSON document, rejecting trailing data.
func parseJSON(data []byte) (any, error) {
	s := &jsonScanner{data: data}
	value, err := s.value()
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.pos != len(s.data) {
		return nil, s.fail("unexpected data after the resource")
	}
	return value, nil
}

func jsonErrorOffset(err error) int {
	var syntaxErr *jsonSyntaxError
	if errors.As(err, &syntaxErr) {
		return syntaxErr.offset
	}
	return 0
}
