package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// byteScanner is a validating JSON tokenizer that works on a sliding byte
// window of a stream. Unlike json.Decoder it can step over a value without
// building it, which is what makes scanning a large SARIF log fast. Offsets
// are absolute byte offsets in the stream. The window keeps every byte from
// mark on, so a caller can hand a whole value to encoding/json afterwards.
type byteScanner struct {
	path   string
	format Format
	lines  *lineIndex
	src    io.Reader

	buf  []byte
	base int64 // stream offset of buf[0]
	off  int64 // stream offset of the next unread byte
	// mark is the first offset the window must keep, or -1.
	mark int64
	eof  bool
	// readErr is a read error other than io.EOF.
	readErr error
	// quiet makes syntaxError return errBail without wording the error,
	// for the fast decoder, which hands bad input to encoding/json anyway.
	quiet bool
}

// scanReadSize is the number of bytes one refill requests from the source.
const scanReadSize = 64 << 10

// maxScanDepth is the deepest nesting the scanner accepts, the same limit
// encoding/json enforces.
const maxScanDepth = 10000

func newByteScanner(path string, format Format, r io.Reader) *byteScanner {
	li := newLineIndex(r)
	return &byteScanner{
		path: path, format: format, lines: li, src: li,
		buf:  make([]byte, 0, 2*scanReadSize),
		mark: -1,
	}
}

// errBail makes the fast SARIF decoder hand a result to encoding/json,
// because the result uses a shape that the fast path does not decode.
var errBail = errors.New("result needs the encoding/json decoder")

// fill reads more input into the window. It returns false at the end of
// the input or on a read error.
func (s *byteScanner) fill() bool {
	if s.eof || s.readErr != nil {
		return false
	}
	// Compact only when the free space runs short, so that a source that
	// returns a few bytes per read does not cost a copy per read.
	if cap(s.buf)-len(s.buf) < scanReadSize {
		keep := s.off
		if s.mark >= 0 && s.mark < keep {
			keep = s.mark
		}
		if drop := int(keep - s.base); drop > 0 {
			n := copy(s.buf, s.buf[drop:])
			s.buf = s.buf[:n]
			s.base = keep
		}
	}
	if cap(s.buf)-len(s.buf) < scanReadSize {
		grown := make([]byte, len(s.buf), 2*cap(s.buf)+scanReadSize)
		copy(grown, s.buf)
		s.buf = grown
	}
	for {
		n, err := s.src.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if errors.Is(err, io.EOF) {
			s.eof = true
			return n > 0
		}
		if err != nil {
			s.readErr = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// peek skips white space and returns the next byte without consuming it.
// ok is false at the end of the input.
func (s *byteScanner) peek() (byte, bool) {
	for {
		i := int(s.off - s.base)
		for i < len(s.buf) {
			switch c := s.buf[i]; c {
			case ' ', '\t', '\r', '\n':
				i++
			default:
				s.off = s.base + int64(i)
				return c, true
			}
		}
		s.off = s.base + int64(i)
		if !s.fill() {
			return 0, false
		}
	}
}

// errorAt builds a ParseError at offset off.
func (s *byteScanner) errorAt(off int64, value string, err error) *ParseError {
	line, col := s.lines.position(off)
	return &ParseError{Path: s.path, Format: s.format, Line: line, Column: col, Value: shorten(value), Err: err}
}

// endError reports that the input stopped early, or the read error that
// stopped it.
func (s *byteScanner) endError() *ParseError {
	if s.readErr != nil {
		return s.errorAt(s.lines.read, "", fmt.Errorf("read: %w", s.readErr))
	}
	return s.errorAt(s.lines.read, "", errUnexpectedEnd)
}

// Grammar states for syntaxError: each is a JSON prefix that leaves
// encoding/json expecting what the scanner expected, so that it words the
// error exactly as json.Decoder would.
const (
	stateValue          = ""
	stateObjectKeyFirst = "{"
	stateObjectKey      = `{"k":0,`
	stateObjectColon    = `{"k"`
	stateObjectNext     = `{"k":0`
	stateObjectValue    = `{"k":`
	stateArrayFirst     = "["
	stateArrayNext      = "[0"
	stateArrayValue     = "[0,"
)

// syntaxError describes invalid JSON found while the scanner was in state
// and reading the token that starts at from. The window must still hold
// the bytes from from on.
func (s *byteScanner) syntaxError(state string, from int64) error {
	if s.quiet {
		return errBail
	}
	for {
		start := int(from - s.base)
		data := make([]byte, 0, len(state)+len(s.buf)-start)
		data = append(data, state...)
		data = append(data, s.buf[start:]...)
		var raw json.RawMessage
		err := json.NewDecoder(bytes.NewReader(data)).Decode(&raw)
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			rel := syntax.Offset - 1 - int64(len(state))
			bad := from + rel
			return s.errorAt(bad, byteAt(s.buf, int64(start)+rel), fmt.Errorf("invalid JSON: %s", syntax.Error()))
		}
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			saved := s.mark
			if s.mark < 0 || from < s.mark {
				s.mark = from
			}
			s.off = s.base + int64(len(s.buf))
			more := s.fill()
			s.mark = saved
			if more {
				continue
			}
			return s.endError()
		}
		// NOTE: here encoding/json accepted what the scanner rejected. The
		// equivalence tests and fuzzing found no such input, so this only
		// names the position, without encoding/json's wording.
		return s.errorAt(s.off, byteAt(s.buf, s.off-s.base), errors.New("invalid JSON"))
	}
}

// keep marks from as the first offset the window must hold and returns the
// previous mark for release.
func (s *byteScanner) keep(from int64) int64 {
	saved := s.mark
	if s.mark < 0 || from < s.mark {
		s.mark = from
	}
	return saved
}

// release restores the mark that keep returned.
func (s *byteScanner) release(saved int64) { s.mark = saved }

// bytesAt returns the window's bytes in [from, to). The slice is valid
// until the next fill.
func (s *byteScanner) bytesAt(from, to int64) []byte {
	return s.buf[from-s.base : to-s.base]
}

// stringFlags describe the content of a scanned string.
type stringFlags uint8

const (
	stringEscaped stringFlags = 1 << iota
	stringNonASCII
)

// scanString reads the string whose opening quote is the next byte and
// returns the offsets of its quotes: the content is [start+1, end-1).
// state names what the scanner expected, for errors.
func (s *byteScanner) scanString(state string) (start, end int64, flags stringFlags, err error) {
	start = s.off
	saved := s.keep(start)
	defer s.release(saved)
	i := int(s.off-s.base) + 1
	for {
		b := s.buf
		for i < len(b) {
			c := b[i]
			switch {
			case c == '"':
				s.off = s.base + int64(i) + 1
				return start, s.off, flags, nil
			case c == '\\':
				if i+1 >= len(b) {
					goto refill
				}
				flags |= stringEscaped
				switch b[i+1] {
				case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
					i += 2
				case 'u':
					if i+6 > len(b) {
						goto refill
					}
					for _, h := range b[i+2 : i+6] {
						if !isHex(h) {
							s.off = s.base + int64(i)
							return 0, 0, 0, s.syntaxError(state, start)
						}
					}
					i += 6
				default:
					s.off = s.base + int64(i)
					return 0, 0, 0, s.syntaxError(state, start)
				}
			case c < 0x20:
				s.off = s.base + int64(i)
				return 0, 0, 0, s.syntaxError(state, start)
			default:
				if c >= utf8.RuneSelf {
					flags |= stringNonASCII
				}
				i++
			}
		}
	refill:
		s.off = s.base + int64(i)
		if !s.fill() {
			if s.readErr != nil {
				return 0, 0, 0, s.endError()
			}
			return 0, 0, 0, s.syntaxError(state, start)
		}
		i = int(s.off - s.base)
	}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// stringValue converts a scanned string to Go the way encoding/json does:
// escapes decoded and each byte of invalid UTF-8 replaced by U+FFFD.
func (s *byteScanner) stringValue(start, end int64, flags stringFlags) string {
	raw := s.bytesAt(start+1, end-1)
	if flags&stringEscaped == 0 && (flags&stringNonASCII == 0 || utf8.Valid(raw)) {
		return string(raw)
	}
	return unquoteJSON(raw)
}

// unquoteJSON decodes the content of a JSON string that scanString has
// validated. A \u escape of a lone UTF-16 surrogate becomes U+FFFD, as in
// encoding/json.
func unquoteJSON(raw []byte) string {
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			out, i = unescapeAt(raw, i, out)
		case c < utf8.RuneSelf:
			out = append(out, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				out = utf8.AppendRune(out, unicode.ReplacementChar)
			} else {
				out = append(out, raw[i:i+size]...)
			}
			i += size
		}
	}
	return string(out)
}

// unescapeAt appends the escape sequence at raw[i] to out and returns the
// index after it.
func unescapeAt(raw []byte, i int, out []byte) ([]byte, int) {
	switch raw[i+1] {
	case 'b':
		return append(out, '\b'), i + 2
	case 'f':
		return append(out, '\f'), i + 2
	case 'n':
		return append(out, '\n'), i + 2
	case 'r':
		return append(out, '\r'), i + 2
	case 't':
		return append(out, '\t'), i + 2
	case 'u':
		r := hex4(raw[i+2 : i+6])
		i += 6
		if utf16.IsSurrogate(r) {
			if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
				if pair := utf16.DecodeRune(r, hex4(raw[i+2:i+6])); pair != unicode.ReplacementChar {
					return utf8.AppendRune(out, pair), i + 6
				}
			}
			r = unicode.ReplacementChar
		}
		return utf8.AppendRune(out, r), i
	}
	// '"', '\\' and '/' stand for themselves.
	return append(out, raw[i+1]), i + 2
}

// hex4 decodes four hexadecimal digits that scanString has checked.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c <= '9':
			c -= '0'
		case c <= 'F':
			c -= 'A' - 10
		default:
			c -= 'a' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// readString reads a string value and converts it.
func (s *byteScanner) readString(state string) (string, error) {
	start, end, flags, err := s.scanString(state)
	if err != nil {
		return "", err
	}
	return s.stringValue(start, end, flags), nil
}

// scanNumber reads a JSON number and returns its offsets.
func (s *byteScanner) scanNumber(state string) (start, end int64, err error) {
	start = s.off
	saved := s.keep(start)
	defer s.release(saved)
	// Find the end of the number-like run, then check its grammar.
	for {
		i := int(s.off - s.base)
		for i < len(s.buf) && isNumberByte(s.buf[i]) {
			i++
		}
		s.off = s.base + int64(i)
		if i < len(s.buf) || !s.fill() {
			break
		}
	}
	if !validNumber(s.bytesAt(start, s.off)) {
		if s.readErr != nil {
			return 0, 0, s.endError()
		}
		return 0, 0, s.syntaxError(state, start)
	}
	return start, s.off, nil
}

func isNumberByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// validNumber checks the JSON number grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && '0' <= b[i] && b[i] <= '9' {
			i++
		}
	}
	return i == len(b)
}

// scanLiteral reads true, false or null.
func (s *byteScanner) scanLiteral(state string, word string) error {
	start := s.off
	saved := s.keep(start)
	defer s.release(saved)
	for int(s.off-s.base)+len(word) > len(s.buf) {
		if !s.fill() {
			break
		}
	}
	i := int(s.off - s.base)
	for k := 0; k < len(word); k++ {
		if i+k >= len(s.buf) || s.buf[i+k] != word[k] {
			if s.readErr != nil {
				return s.endError()
			}
			return s.syntaxError(state, start)
		}
	}
	s.off += int64(len(word))
	return nil
}

// expect consumes the byte want after white space; state describes what
// the scanner expected, for the error.
func (s *byteScanner) expect(want byte, state string) error {
	c, ok := s.peek()
	if !ok {
		return s.endError()
	}
	if c != want {
		return s.syntaxError(state, s.off)
	}
	s.off++
	return nil
}

// skip reads and validates the next value without keeping it. state names
// what the scanner expected before the value.
func (s *byteScanner) skip(state string) error {
	return s.skipDepth(state, 0)
}

func (s *byteScanner) skipDepth(state string, depth int) error {
	c, ok := s.peek()
	if !ok {
		return s.endError()
	}
	switch {
	case c == '"':
		_, _, _, err := s.scanString(state)
		return err
	case c == '{':
		if depth >= maxScanDepth {
			return s.syntaxError(state, s.off)
		}
		s.off++
		return s.objectFields(func(key string) error {
			return s.skipDepth(stateObjectValue, depth+1)
		}, false)
	case c == '[':
		if depth >= maxScanDepth {
			return s.syntaxError(state, s.off)
		}
		s.off++
		return s.arrayElements(func(state string) error {
			return s.skipDepth(state, depth+1)
		})
	case c == '-' || '0' <= c && c <= '9':
		_, _, err := s.scanNumber(state)
		return err
	case c == 't':
		return s.scanLiteral(state, "true")
	case c == 'f':
		return s.scanLiteral(state, "false")
	case c == 'n':
		return s.scanLiteral(state, "null")
	}
	return s.syntaxError(state, s.off)
}

// objectFields reads the members of an object whose '{' is consumed,
// calling field with each key. field must consume the value. When
// decodeKeys is false the key passed is empty, which saves converting keys
// that no caller reads.
func (s *byteScanner) objectFields(field func(key string) error, decodeKeys bool) error {
	c, ok := s.peek()
	if !ok {
		return s.endError()
	}
	if c == '}' {
		s.off++
		return nil
	}
	state := stateObjectKeyFirst
	for {
		c, ok := s.peek()
		if !ok {
			return s.endError()
		}
		if c != '"' {
			return s.syntaxError(state, s.off)
		}
		start, end, flags, err := s.scanString(state)
		if err != nil {
			return err
		}
		key := ""
		if decodeKeys {
			key = s.stringValue(start, end, flags)
		}
		if err := s.expect(':', stateObjectColon); err != nil {
			return err
		}
		if err := field(key); err != nil {
			return err
		}
		c, ok = s.peek()
		if !ok {
			return s.endError()
		}
		switch c {
		case ',':
			s.off++
			state = stateObjectKey
		case '}':
			s.off++
			return nil
		default:
			return s.syntaxError(stateObjectNext, s.off)
		}
	}
}

// arrayElements reads the elements of an array whose '[' is consumed,
// calling element for each with the state before the element.
func (s *byteScanner) arrayElements(element func(state string) error) error {
	c, ok := s.peek()
	if !ok {
		return s.endError()
	}
	if c == ']' {
		s.off++
		return nil
	}
	state := stateArrayFirst
	for {
		if err := element(state); err != nil {
			return err
		}
		c, ok := s.peek()
		if !ok {
			return s.endError()
		}
		switch c {
		case ',':
			s.off++
			state = stateArrayValue
		case ']':
			s.off++
			return nil
		default:
			return s.syntaxError(stateArrayNext, s.off)
		}
	}
}

// capture validates the next value and returns its bytes, which stay valid
// until the next fill, and its first offset.
func (s *byteScanner) capture(state string) ([]byte, int64, error) {
	if _, ok := s.peek(); !ok {
		return nil, 0, s.endError()
	}
	start := s.off
	saved := s.keep(start)
	defer s.release(saved)
	if err := s.skip(state); err != nil {
		return nil, 0, err
	}
	return s.bytesAt(start, s.off), start, nil
}

// decode reads the next value into v with encoding/json, so that its type
// errors read as json.Decoder's would. It returns the value's first offset.
func (s *byteScanner) decode(state string, v any) (int64, error) {
	raw, start, err := s.capture(state)
	if err != nil {
		return 0, err
	}
	return start, s.unmarshalAt(raw, start, v)
}

// unmarshalAt decodes raw, which starts at offset start, into v and
// positions any error.
func (s *byteScanner) unmarshalAt(raw []byte, start int64, v any) error {
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "value"
		}
		return s.errorAt(start+typeErr.Offset, "",
			fmt.Errorf("invalid %s: got JSON %s, expected %s", field, typeErr.Value, typeErr.Type))
	}
	return s.errorAt(start, "", fmt.Errorf("invalid JSON: %w", err))
}

// valueText describes the value that starts at the next byte for an error
// about an unexpected value, consuming it. A string shows as its type
// only, because a misplaced string can be a snippet that holds a secret or
// PHI.
func (s *byteScanner) valueText(state string) (string, error) {
	c, ok := s.peek()
	if !ok {
		return "", s.endError()
	}
	switch {
	case c == '"':
		return "a string", nil
	case c == '{' || c == '[':
		return string(c), nil
	case c == '-' || '0' <= c && c <= '9':
		start, end, err := s.scanNumber(state)
		if err != nil {
			return "", err
		}
		return string(s.bytesAt(start, end)), nil
	case c == 't':
		return "true", s.scanLiteral(state, "true")
	case c == 'f':
		return "false", s.scanLiteral(state, "false")
	case c == 'n':
		return "null", s.scanLiteral(state, "null")
	}
	return "", s.syntaxError(state, s.off)
}

// expectValue consumes the opening delimiter want of the next value, or
// fails naming the value found instead.
func (s *byteScanner) expectValue(want byte, state, description string) error {
	c, ok := s.peek()
	if !ok {
		return s.endError()
	}
	if c == want {
		s.off++
		return nil
	}
	off := s.off
	text, err := s.valueText(state)
	if err != nil {
		return err
	}
	return s.errorAt(off, text, fmt.Errorf("invalid %s: expected %q", description, string(want)))
}

// end checks that nothing but white space follows the top-level value.
func (s *byteScanner) end() error {
	if _, ok := s.peek(); !ok {
		if s.readErr != nil {
			return s.endError()
		}
		return nil
	}
	off := s.off
	text, err := s.valueText(stateValue)
	if err != nil {
		return err
	}
	return s.errorAt(off, text, errors.New("invalid JSON: unexpected data after the top-level value"))
}

// prune releases line bookkeeping for the input already consumed.
func (s *byteScanner) prune() {
	if len(s.lines.newlines) >= pruneBatch {
		s.lines.prune(s.off)
	}
}
