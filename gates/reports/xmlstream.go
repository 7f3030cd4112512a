package reports

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// xmlStream wraps an xml.Decoder so that every error it returns is a
// *ParseError with the line and column of the problem.
type xmlStream struct {
	path   string
	format Format
	dec    *xml.Decoder
	// stack holds the local names of the open elements.
	stack []string
	// root is set once the root element has started.
	root bool
}

func newXMLStream(path string, format Format, r io.Reader) *xmlStream {
	dec := xml.NewDecoder(r)
	// Reports declare UTF-8 or ASCII; accept other declared charsets as
	// bytes rather than failing, since only ASCII attributes are measured.
	dec.CharsetReader = func(_ string, input io.Reader) (io.Reader, error) { return input, nil }
	return &xmlStream{path: path, format: format, dec: dec}
}

// fail builds a ParseError at the decoder's current position.
func (s *xmlStream) fail(value string, err error) *ParseError {
	line, col := s.dec.InputPos()
	return &ParseError{Path: s.path, Format: s.format, Line: line, Column: col, Value: shorten(value), Err: err}
}

// next returns the next start or end element, keeping the element stack,
// or io.EOF after the root element closes.
func (s *xmlStream) next() (xml.Token, error) {
	for {
		tok, err := s.dec.Token()
		if errors.Is(err, io.EOF) {
			if len(s.stack) > 0 {
				return nil, s.fail(s.stack[len(s.stack)-1], fmt.Errorf("%w: element <%s> is not closed", errUnexpectedEnd, s.stack[len(s.stack)-1]))
			}
			return nil, io.EOF
		}
		if err != nil {
			var syntax *xml.SyntaxError
			if errors.As(err, &syntax) {
				line, col := s.dec.InputPos()
				if syntax.Line > 0 && syntax.Line != line {
					col = 0
					line = syntax.Line
				}
				msg := syntax.Msg
				if strings.Contains(msg, "unexpected EOF") {
					return nil, &ParseError{Path: s.path, Format: s.format, Line: line, Column: col, Err: errUnexpectedEnd}
				}
				return nil, &ParseError{Path: s.path, Format: s.format, Line: line, Column: col, Err: fmt.Errorf("invalid XML: %s", msg)}
			}
			return nil, s.fail("", fmt.Errorf("read: %w", err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(s.stack) == 0 && s.root {
				return nil, s.fail(t.Name.Local, errors.New("invalid XML: more than one root element"))
			}
			s.stack = append(s.stack, t.Name.Local)
			s.root = true
			return t, nil
		case xml.EndElement:
			s.stack = s.stack[:len(s.stack)-1]
			return t, nil
		case xml.CharData:
			return t.Copy(), nil
		}
	}
}

// parent returns the name of the element that encloses the current one,
// counted from the innermost: parent(0) is the current element.
func (s *xmlStream) parent(up int) string {
	i := len(s.stack) - 1 - up
	if i < 0 {
		return ""
	}
	return s.stack[i]
}

func attr(e xml.StartElement, name string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}
