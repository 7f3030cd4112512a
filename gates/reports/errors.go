package reports

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ParseError is a report that could not be parsed. It names the file, the
// position (1-based; 0 means unknown) and, where one exists, the bad value.
type ParseError struct {
	Path   string
	Format Format
	Line   int
	Column int
	// Value is the offending text, shortened to maxErrorValue bytes.
	Value string
	Err   error
}

// maxErrorValue bounds the bad value quoted in an error, so that a huge or
// sensitive field is not copied whole into logs.
const maxErrorValue = 80

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("parse ")
	if e.Format != FormatUnknown {
		b.WriteString(string(e.Format))
		b.WriteString(" ")
	}
	fmt.Fprintf(&b, "report %q", e.Path)
	switch {
	case e.Line > 0 && e.Column > 0:
		fmt.Fprintf(&b, " line %d column %d", e.Line, e.Column)
	case e.Line > 0:
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	if e.Value != "" {
		fmt.Fprintf(&b, " (value %q)", e.Value)
	}
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// shorten cuts s to at most maxErrorValue bytes on a rune boundary.
func shorten(s string) string { return shortenTo(s, maxErrorValue) }

// shortenTo cuts s to at most n bytes on a rune boundary, marking the cut
// with an ellipsis.
func shortenTo(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// errUnexpectedEnd reports a report cut off before its end.
var errUnexpectedEnd = errors.New("unexpected end of file: the report is truncated")

// asParseError fills in path and format on err when it is a *ParseError
// without them, or wraps it in one.
func asParseError(path string, format Format, err error) error {
	if err == nil {
		return nil
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		if pe.Path == "" {
			pe.Path = path
		}
		if pe.Format == FormatUnknown {
			pe.Format = format
		}
		return err
	}
	return &ParseError{Path: path, Format: format, Err: err}
}
