package hipaa

import (
	"regexp"
	"sort"
	"strings"
)

// source is one TypeScript or JavaScript file. code is text with the
// contents of strings, template literals and comments replaced by spaces,
// byte for byte, so offsets and line numbers match while braces and words
// inside them no longer count. Quote characters stay.
//
// NOTE: regular expression literals are not recognized; a brace or quote
// inside one can confuse brace matching for the rest of its function.
type source struct {
	path       string
	text       string
	code       string
	lineStarts []int
	// closeAt holds, for each open bracket of code, the offset of its
	// closing bracket or -1; openAt holds, for each offset, the innermost
	// bracket still open there or -1. indexBrackets fills both.
	closeAt []int32
	openAt  []int32
}

func newSource(path, text string) *source {
	s := &source{path: path, text: text, code: blankLiterals(text)}
	s.lineStarts = append(s.lineStarts, 0)
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			s.lineStarts = append(s.lineStarts, i+1)
		}
	}
	return s
}

// line returns the 1-based line of a byte offset.
func (s *source) line(offset int) int {
	return sort.Search(len(s.lineStarts), func(i int) bool { return s.lineStarts[i] > offset })
}

// blankLiterals returns text with string, template and comment contents
// replaced by spaces. Template substitutions (${...}) stay code.
func blankLiterals(text string) string {
	out := []byte(text)
	const (
		stateCode = iota
		stateLineComment
		stateBlockComment
		stateSingle
		stateDouble
		stateTemplate
	)
	state := stateCode
	// templateDepths holds, for each open ${ substitution, the brace
	// depth at which it closes.
	var templateDepths []int
	depth := 0
	blank := func(i int) {
		if out[i] != '\n' {
			out[i] = ' '
		}
	}
	for i := 0; i < len(text); i++ {
		ch := text[i]
		next := byte(0)
		if i+1 < len(text) {
			next = text[i+1]
		}
		switch state {
		case stateCode:
			switch {
			case ch == '/' && next == '/':
				state = stateLineComment
				blank(i)
			case ch == '/' && next == '*':
				state = stateBlockComment
				blank(i)
			case ch == '\'':
				state = stateSingle
			case ch == '"':
				state = stateDouble
			case ch == '`':
				state = stateTemplate
			case ch == '{':
				depth++
			case ch == '}':
				if n := len(templateDepths); n > 0 && templateDepths[n-1] == depth {
					templateDepths = templateDepths[:n-1]
					state = stateTemplate
					continue
				}
				depth--
			}
		case stateLineComment:
			if ch == '\n' {
				state = stateCode
			} else {
				blank(i)
			}
		case stateBlockComment:
			blank(i)
			if ch == '*' && next == '/' {
				blank(i + 1)
				i++
				state = stateCode
			}
		case stateSingle, stateDouble:
			quote := byte('\'')
			if state == stateDouble {
				quote = '"'
			}
			switch {
			case ch == '\\' && i+1 < len(text):
				blank(i)
				blank(i + 1)
				i++
			case ch == quote || ch == '\n':
				state = stateCode
			default:
				blank(i)
			}
		case stateTemplate:
			switch {
			case ch == '\\' && i+1 < len(text):
				blank(i)
				blank(i + 1)
				i++
			case ch == '`':
				state = stateCode
			case ch == '$' && next == '{':
				templateDepths = append(templateDepths, depth)
				i++
				state = stateCode
			default:
				blank(i)
			}
		}
	}
	return string(out)
}

// matchClose returns the offset of the bracket that closes the one at
// open, or -1. It counts (), [] and {} together on the blanked code, so a
// closing bracket of any kind closes the innermost open one.
func (src *source) matchClose(open int) int {
	src.indexBrackets()
	if open < 0 || open >= len(src.closeAt) {
		return -1
	}
	return int(src.closeAt[open])
}

// indexBrackets fills closeAt and openAt in one pass, so that matching a
// bracket costs O(1) and scanning a file stays linear even when its
// brackets do not balance.
func (src *source) indexBrackets() {
	if src.closeAt != nil {
		return
	}
	code := src.code
	src.closeAt = make([]int32, len(code))
	src.openAt = make([]int32, len(code)+1)
	var stack []int32
	for i := 0; i < len(code); i++ {
		src.closeAt[i] = -1
		if n := len(stack); n > 0 {
			src.openAt[i] = stack[n-1]
		} else {
			src.openAt[i] = -1
		}
		switch code[i] {
		case '(', '[', '{':
			stack = append(stack, int32(i))
		case ')', ']', '}':
			if n := len(stack); n > 0 {
				src.closeAt[stack[n-1]] = int32(i)
				stack = stack[:n-1]
			}
		}
	}
	if n := len(stack); n > 0 {
		src.openAt[len(code)] = stack[n-1]
	} else {
		src.openAt[len(code)] = -1
	}
}

// span is a half-open byte range of a source.
type span struct{ start, end int }

// splitTopLevel splits code[start:end] at commas outside brackets and
// returns the trimmed, non-empty parts.
func splitTopLevel(code string, start, end int) []span {
	var parts []span
	depth := 0
	partStart := start
	add := func(from, to int) {
		for from < to && isSpace(code[from]) {
			from++
		}
		for to > from && isSpace(code[to-1]) {
			to--
		}
		if from < to {
			parts = append(parts, span{from, to})
		}
	}
	for i := start; i < end; i++ {
		switch code[i] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case ',':
			if depth == 0 {
				add(partStart, i)
				partStart = i + 1
			}
		}
	}
	add(partStart, end)
	return parts
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// stringLiteral returns the value of a string or template literal without
// substitutions at sp, and whether sp is one.
func (s *source) stringLiteral(sp span) (string, bool) {
	raw := s.text[sp.start:sp.end]
	if len(raw) < 2 {
		return "", false
	}
	quote := raw[0]
	if (quote != '\'' && quote != '"' && quote != '`') || raw[len(raw)-1] != quote {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if quote == '`' && strings.Contains(inner, "${") {
		return "", false
	}
	if strings.ContainsRune(inner, rune(quote)) {
		return "", false
	}
	return inner, true
}

var identifierPattern = regexp.MustCompile(`^[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*$`)

// identifierName returns the last name of an identifier or member
// expression such as controller.readPatient, and whether sp is one.
func (s *source) identifierName(sp span) (string, bool) {
	expr := strings.TrimSpace(s.code[sp.start:sp.end])
	if !identifierPattern.MatchString(expr) {
		return "", false
	}
	if dot := strings.LastIndex(expr, "."); dot >= 0 {
		return strings.TrimSpace(expr[dot+1:]), true
	}
	return expr, true
}

// isInlineFunction reports whether sp is a function or arrow function
// expression.
func (s *source) isInlineFunction(sp span) bool {
	expr := strings.TrimSpace(s.code[sp.start:sp.end])
	return strings.HasPrefix(expr, "function") || strings.HasPrefix(expr, "async function") || strings.Contains(expr, "=>")
}
