package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// lineIndex converts byte offsets of a stream into line and column numbers
// while keeping memory bounded: it remembers only the newline offsets past
// the last pruned offset, and a count of the ones before it.
type lineIndex struct {
	r        io.Reader
	read     int64   // bytes read from r so far
	newlines []int64 // offsets of newlines at or after pruned
	pruned   int64
	// prunedLines counts newlines before pruned; prunedLastNL is the offset
	// of the last of them, or -1.
	prunedLines  int
	prunedLastNL int64
}

func newLineIndex(r io.Reader) *lineIndex {
	return &lineIndex{r: r, prunedLastNL: -1}
}

func (li *lineIndex) Read(p []byte) (int, error) {
	n, err := li.r.Read(p)
	for i := 0; i < n; {
		j := bytes.IndexByte(p[i:n], '\n')
		if j < 0 {
			break
		}
		li.newlines = append(li.newlines, li.read+int64(i+j))
		i += j + 1
	}
	li.read += int64(n)
	return n, err
}

// prune drops the newlines before off. Callers prune only offsets that no
// later error can point before.
func (li *lineIndex) prune(off int64) {
	if off <= li.pruned {
		return
	}
	k := sort.Search(len(li.newlines), func(i int) bool { return li.newlines[i] >= off })
	if k > 0 {
		li.prunedLines += k
		li.prunedLastNL = li.newlines[k-1]
		li.newlines = append(li.newlines[:0], li.newlines[k:]...)
	}
	li.pruned = off
}

// position returns the 1-based line and byte column of off.
func (li *lineIndex) position(off int64) (line, column int) {
	if off < li.pruned {
		off = li.pruned
	}
	k := sort.Search(len(li.newlines), func(i int) bool { return li.newlines[i] >= off })
	lastNL := li.prunedLastNL
	if k > 0 {
		lastNL = li.newlines[k-1]
	}
	return li.prunedLines + k + 1, int(off - lastNL)
}

// jsonStream wraps a json.Decoder so that every error it returns is a
// *ParseError with the line and column of the problem.
type jsonStream struct {
	path   string
	format Format
	lines  *lineIndex
	dec    *json.Decoder
}

// jsonReadBuffer is the read size for JSON reports. json.Decoder requests
// little more than it needs from its reader, so an unbuffered file would
// cost one system call per few hundred bytes.
const jsonReadBuffer = 64 << 10

func newJSONStream(path string, format Format, r io.Reader) *jsonStream {
	li := newLineIndex(bufio.NewReaderSize(r, jsonReadBuffer))
	dec := json.NewDecoder(li)
	dec.UseNumber()
	return &jsonStream{path: path, format: format, lines: li, dec: dec}
}

// errorAt builds a ParseError at byte offset off.
func (s *jsonStream) errorAt(off int64, value string, err error) *ParseError {
	line, col := s.lines.position(off)
	return &ParseError{Path: s.path, Format: s.format, Line: line, Column: col, Value: shorten(value), Err: err}
}

// fail builds a ParseError at the decoder's current offset.
func (s *jsonStream) fail(value string, format string, args ...any) *ParseError {
	return s.errorAt(s.dec.InputOffset(), value, fmt.Errorf(format, args...))
}

// valueStart returns the offset where the decoder's next value begins: after
// any pending ',' or ':' separator, which is where encoding/json counts
// UnmarshalTypeError offsets from.
func (s *jsonStream) valueStart() int64 {
	base, _ := s.valueOffsets()
	return base
}

// valueOffsets returns valueStart and the offset of the first byte of the
// next value, past white space, which is where errors about the whole value
// point.
func (s *jsonStream) valueOffsets() (base, first int64) {
	off := s.dec.InputOffset()
	base, first = off, off
	buf, ok := s.dec.Buffered().(io.ByteReader)
	if !ok {
		return base, first
	}
	sawSeparator := false
	for pos := off; ; pos++ {
		c, err := buf.ReadByte()
		if err != nil {
			return base, pos
		}
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case (c == ',' || c == ':') && !sawSeparator:
			sawSeparator = true
			base = pos + 1
			continue
		}
		return base, pos
	}
}

// firstByte returns the offset of the first byte of the next value.
func (s *jsonStream) firstByte() int64 {
	_, first := s.valueOffsets()
	return first
}

// convert turns an encoding/json error into a positioned ParseError. base
// is the valueStart taken before the failed call.
func (s *jsonStream) convert(err error, base int64) error {
	if err == nil {
		return nil
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return s.errorAt(s.lines.read, "", errUnexpectedEnd)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		field := typeErr.Field
		if field == "" {
			field = "value"
		}
		return s.errorAt(base+typeErr.Offset, "",
			fmt.Errorf("invalid %s: got JSON %s, expected %s", field, typeErr.Value, typeErr.Type))
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		// The decoder's SyntaxError offsets count bytes over its whole life
		// rather than from the start of the stream, so rescan the unread
		// buffer with a fresh decoder to locate the bad byte.
		off := s.dec.InputOffset()
		pending, _ := io.ReadAll(s.dec.Buffered())
		var raw json.RawMessage
		rescanErr := json.NewDecoder(bytes.NewReader(pending)).Decode(&raw)
		var rescanSyntax *json.SyntaxError
		switch {
		case errors.As(rescanErr, &rescanSyntax):
			bad := off + rescanSyntax.Offset - 1
			return s.errorAt(bad, byteAt(pending, rescanSyntax.Offset-1), fmt.Errorf("invalid JSON: %s", rescanSyntax.Error()))
		case errors.Is(rescanErr, io.ErrUnexpectedEOF):
			return s.errorAt(s.lines.read, "", errUnexpectedEnd)
		}
		return s.errorAt(off, byteAt(pending, 0), fmt.Errorf("invalid JSON: %s", syntaxErr.Error()))
	}
	return s.errorAt(s.dec.InputOffset(), "", fmt.Errorf("read: %w", err))
}

func byteAt(b []byte, i int64) string {
	if i < 0 || i >= int64(len(b)) {
		return ""
	}
	return string(b[i])
}

// token reads the next JSON token.
func (s *jsonStream) token() (json.Token, error) {
	base := s.valueStart()
	tok, err := s.dec.Token()
	if err != nil {
		return nil, s.convert(err, base)
	}
	return tok, nil
}

// decode reads the next JSON value into v.
func (s *jsonStream) decode(v any) error {
	_, err := s.decodeAt(v)
	return err
}

// decodeAt reads the next JSON value into v and returns the offset of its
// first byte, for errors found later in the value's content.
func (s *jsonStream) decodeAt(v any) (int64, error) {
	base, first := s.valueOffsets()
	return first, s.convert(s.dec.Decode(v), base)
}

// skip reads and discards the next JSON value.
func (s *jsonStream) skip() error {
	var discard skipValue
	return s.decode(&discard)
}

// skipValue accepts any JSON value without keeping it.
type skipValue struct{}

func (*skipValue) UnmarshalJSON([]byte) error { return nil }

// more reports whether the current array or object has another element.
func (s *jsonStream) more() bool { return s.dec.More() }

// expectDelim reads one token and fails unless it is want.
func (s *jsonStream) expectDelim(want json.Delim, description string) error {
	off := s.firstByte()
	tok, err := s.token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return s.errorAt(off, tokenText(tok), fmt.Errorf("invalid %s: expected %q", description, string(want)))
	}
	return nil
}

// key reads an object key, or returns ok=false at the closing '}'.
func (s *jsonStream) key() (string, bool, error) {
	tok, err := s.token()
	if err != nil {
		return "", false, err
	}
	switch t := tok.(type) {
	case string:
		return t, true, nil
	case json.Delim:
		if t == '}' {
			return "", false, nil
		}
	}
	return "", false, s.fail(tokenText(tok), "invalid object: expected a key")
}

// object reads a JSON object key by key, calling field with each key and
// the offset where its value starts. field must consume the value, by
// decoding or skipping it.
func (s *jsonStream) object(description string, field func(key string, off int64) error) error {
	if err := s.expectDelim('{', description); err != nil {
		return err
	}
	for {
		key, ok, err := s.key()
		if err != nil {
			return err
		}
		if !ok {
			return nil
		}
		if err := field(key, s.firstByte()); err != nil {
			return err
		}
	}
}

// end checks that nothing but white space follows the top-level value.
func (s *jsonStream) end() error {
	base, off := s.valueOffsets()
	tok, err := s.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil
	}
	if err != nil {
		return s.convert(err, base)
	}
	return s.errorAt(off, tokenText(tok), errors.New("invalid JSON: unexpected data after the top-level value"))
}

// pruneBatch is how many newline offsets the line index collects before
// prune drops the consumed ones, so pruning stays cheap per value.
const pruneBatch = 4096

// prune releases line bookkeeping for the input already consumed.
func (s *jsonStream) prune() {
	if len(s.lines.newlines) >= pruneBatch {
		s.lines.prune(s.dec.InputOffset())
	}
}

// tokenText describes an unexpected token for an error. A string shows as
// its type only, because a misplaced string can be a snippet that holds a
// secret or PHI.
func tokenText(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return string(t)
	case string:
		return "a string"
	default:
		return fmt.Sprint(t)
	}
}
