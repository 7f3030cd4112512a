package fhirpath

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokenKind int

const (
	tokenEOF tokenKind = iota
	tokenIdentifier
	tokenDelimited // `identifier`
	tokenString
	tokenNumber
	tokenLong
	tokenDateTime
	tokenOperator
	tokenSpecial // $this, $index, $total
	tokenPercent
)

type token struct {
	kind   tokenKind
	text   string // identifier name, unescaped string, operator, number text, literal text
	offset int
}

type astKind int

const (
	astLiteral astKind = iota
	astEmpty
	astIdentifier
	astFunction
	astSpecial
	astExternal
	astInvoke
	astIndexer
	astUnary
	astBinary
	astType
)

// typeSpecifier is a possibly qualified type name: System.String, FHIR.Patient or Patient.
type typeSpecifier struct {
	namespace string
	name      string
}

func (t typeSpecifier) String() string {
	if t.namespace == "" {
		return t.name
	}
	return t.namespace + "." + t.name
}

type astNode struct {
	kind     astKind
	op       string
	name     string
	value    any
	children []*astNode
	typeSpec typeSpecifier
	offset   int
}

type parser struct {
	source string
	tokens []token
	pos    int
	depth  int
}

// maxNesting bounds the nesting of parentheses and unary operators, so that a hostile
// expression cannot exhaust the stack. The R4 invariants nest fewer than 10 levels.
const maxNesting = 500

func newParser(source string) (*parser, error) {
	tokens, err := lex(source)
	if err != nil {
		return nil, err
	}
	return &parser{source: source, tokens: tokens}, nil
}

func syntaxError(source string, offset int, format string, args ...any) *SyntaxError {
	if offset > len(source) {
		offset = len(source)
	}
	line, column := 1, 1
	for i, r := range source[:offset] {
		_ = i
		if r == '\n' {
			line++
			column = 1
		} else {
			column++
		}
	}
	return &SyntaxError{Expression: source, Offset: offset, Line: line, Column: column, Message: fmt.Sprintf(format, args...)}
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// operatorTokens are the operator and punctuation tokens, two-character ones first so that
// "<=" is not read as "<".
var operatorTokens = []string{"<=", ">=", "!=", "!~", "(", ")", "[", "]", "{", "}", ".", ",", "+", "-", "*", "/", "&", "|", "=", "~", "<", ">"}

// lex splits an expression into tokens, dropping whitespace and comments.
func lex(src string) ([]token, error) {
	var tokens []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case strings.HasPrefix(src[i:], "//"):
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				i = len(src)
			} else {
				i += end
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, syntaxError(src, i, "unterminated comment")
			}
			i += end + 4
		case isIdentStart(c):
			start := i
			for i < len(src) && (isIdentStart(src[i]) || isDigit(src[i])) {
				i++
			}
			tokens = append(tokens, token{kind: tokenIdentifier, text: src[start:i], offset: start})
		case c == '`' || c == '\'':
			text, next, err := lexQuoted(src, i, c)
			if err != nil {
				return nil, err
			}
			kind := tokenString
			if c == '`' {
				kind = tokenDelimited
			}
			tokens = append(tokens, token{kind: kind, text: text, offset: i})
			i = next
		case isDigit(c):
			start := i
			for i < len(src) && isDigit(src[i]) {
				i++
			}
			if i+1 < len(src) && src[i] == '.' && isDigit(src[i+1]) {
				i++
				for i < len(src) && isDigit(src[i]) {
					i++
				}
			} else if i < len(src) && src[i] == 'L' && (i+1 == len(src) || !isIdentStart(src[i+1]) && !isDigit(src[i+1])) {
				tokens = append(tokens, token{kind: tokenLong, text: src[start:i], offset: start})
				i++
				continue
			}
			tokens = append(tokens, token{kind: tokenNumber, text: src[start:i], offset: start})
		case c == '@':
			next := lexDateTime(src, i+1)
			if next == i+1 {
				return nil, syntaxError(src, i, "invalid date/time literal")
			}
			tokens = append(tokens, token{kind: tokenDateTime, text: src[i+1 : next], offset: i})
			i = next
		case c == '$':
			start := i
			i++
			for i < len(src) && (isIdentStart(src[i]) || isDigit(src[i])) {
				i++
			}
			name := src[start:i]
			if name != "$this" && name != "$index" && name != "$total" {
				return nil, syntaxError(src, start, "unknown special variable %q", name)
			}
			tokens = append(tokens, token{kind: tokenSpecial, text: name, offset: start})
		case c == '%':
			tokens = append(tokens, token{kind: tokenPercent, text: "%", offset: i})
			i++
		default:
			op := ""
			for _, candidate := range operatorTokens {
				if strings.HasPrefix(src[i:], candidate) {
					op = candidate
					break
				}
			}
			if op == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, syntaxError(src, i, "unexpected character %q", r)
			}
			tokens = append(tokens, token{kind: tokenOperator, text: op, offset: i})
			i += len(op)
		}
	}
	tokens = append(tokens, token{kind: tokenEOF, offset: len(src)})
	return tokens, nil
}

// lexQuoted reads a string or delimited identifier starting at the quote at src[start] and
// returns its unescaped text and the offset after the closing quote.
func lexQuoted(src string, start int, quote byte) (string, int, error) {
	var b strings.Builder
	i := start + 1
	for i < len(src) {
		c := src[i]
		if c == quote {
			return b.String(), i + 1, nil
		}
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(src) {
			break
		}
		esc := src[i+1]
		switch esc {
		case '\'', '"', '`', '\\', '/':
			b.WriteByte(esc)
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+6 > len(src) {
				return "", 0, syntaxError(src, i, "invalid unicode escape")
			}
			code, err := strconv.ParseUint(src[i+2:i+6], 16, 32)
			if err != nil {
				return "", 0, syntaxError(src, i, "invalid unicode escape %q", src[i:i+6])
			}
			b.WriteRune(rune(code))
			i += 6
			continue
		default:
			return "", 0, syntaxError(src, i, "invalid escape sequence %q", src[i:i+2])
		}
		i += 2
	}
	return "", 0, syntaxError(src, start, "unterminated %s", map[byte]string{'\'': "string", '`': "delimited identifier"}[quote])
}

// lexDateTime returns the end offset of the date, dateTime or time literal body starting at
// i (after the @), or i when none starts there.
func lexDateTime(src string, i int) int {
	digits := func(at, n int) bool {
		if at+n > len(src) {
			return false
		}
		for k := at; k < at+n; k++ {
			if !isDigit(src[k]) {
				return false
			}
		}
		return true
	}
	timePart := func(at int) int {
		if !digits(at, 2) {
			return at
		}
		at += 2
		if at < len(src) && src[at] == ':' && digits(at+1, 2) {
			at += 3
			if at < len(src) && src[at] == ':' && digits(at+1, 2) {
				at += 3
				if at+1 < len(src) && src[at] == '.' && isDigit(src[at+1]) {
					at++
					for at < len(src) && isDigit(src[at]) {
						at++
					}
				}
			}
		}
		return at
	}
	zone := func(at int) int {
		if at < len(src) && src[at] == 'Z' {
			return at + 1
		}
		if at < len(src) && (src[at] == '+' || src[at] == '-') && digits(at+1, 2) && at+3 < len(src) && src[at+3] == ':' && digits(at+4, 2) {
			return at + 6
		}
		return at
	}
	if i < len(src) && src[i] == 'T' {
		end := timePart(i + 1)
		if end == i+1 {
			return i
		}
		return end
	}
	if !digits(i, 4) {
		return i
	}
	at := i + 4
	if at < len(src) && src[at] == '-' && digits(at+1, 2) {
		at += 3
		if at < len(src) && src[at] == '-' && digits(at+1, 2) {
			at += 3
		}
	}
	if at < len(src) && src[at] == 'T' {
		at++
		end := timePart(at)
		if end > at {
			return zone(end)
		}
		return at
	}
	return zone(at)
}

func (p *parser) peek() token { return p.tokens[p.pos] }

func (p *parser) next() token {
	t := p.tokens[p.pos]
	if t.kind != tokenEOF {
		p.pos++
	}
	return t
}

func (p *parser) isOperator(text string) bool {
	t := p.peek()
	return t.kind == tokenOperator && t.text == text
}

func (p *parser) isKeyword(text string) bool {
	t := p.peek()
	return t.kind == tokenIdentifier && t.text == text
}

func (p *parser) expect(text string) error {
	if !p.isOperator(text) {
		return p.errorAt(p.peek(), "expected %q", text)
	}
	p.next()
	return nil
}

func (p *parser) errorAt(t token, format string, args ...any) *SyntaxError {
	message := fmt.Sprintf(format, args...)
	if t.kind == tokenEOF {
		message += ", found the end of the expression"
	} else {
		message += fmt.Sprintf(", found %q", p.source[t.offset:tokenEnd(p, t)])
	}
	return syntaxError(p.source, t.offset, "%s", message)
}

func tokenEnd(p *parser, t token) int {
	for i, candidate := range p.tokens {
		if candidate.offset == t.offset && i+1 < len(p.tokens) {
			end := p.tokens[i+1].offset
			text := strings.TrimRight(p.source[t.offset:end], " \t\r\n")
			return t.offset + len(text)
		}
	}
	return len(p.source)
}

func (p *parser) parseTop() (*astNode, error) {
	if p.peek().kind == tokenEOF {
		return nil, syntaxError(p.source, 0, "empty expression")
	}
	node, err := p.parseExpression(0)
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tokenEOF {
		return nil, p.errorAt(p.peek(), "unexpected token")
	}
	return node, nil
}

// Binary operator precedence, lowest first, as in the FHIRPath 2.0 grammar.
var binaryPrecedence = map[string]int{
	"implies": 1,
	"or":      2, "xor": 2,
	"and": 3,
	"in":  4, "contains": 4,
	"=": 5, "~": 5, "!=": 5, "!~": 5,
	"<": 6, "<=": 6, ">": 6, ">=": 6,
	"|":  7,
	"is": 8, "as": 8,
	"+": 9, "-": 9, "&": 9,
	"*": 10, "/": 10, "div": 10, "mod": 10,
}

const unaryPrecedence = 11

func (p *parser) binaryOperator() (string, int, bool) {
	t := p.peek()
	if t.kind != tokenOperator && t.kind != tokenIdentifier {
		return "", 0, false
	}
	level, ok := binaryPrecedence[t.text]
	if !ok {
		return "", 0, false
	}
	return t.text, level, true
}

// parseExpression parses operators of precedence above minLevel by precedence climbing.
func (p *parser) parseExpression(minLevel int) (*astNode, error) {
	left, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	for {
		op, level, ok := p.binaryOperator()
		if !ok || level <= minLevel {
			return left, nil
		}
		opToken := p.next()
		if op == "is" || op == "as" {
			spec, err := p.parseTypeSpecifier()
			if err != nil {
				return nil, err
			}
			left = &astNode{kind: astType, op: op, children: []*astNode{left}, typeSpec: spec, offset: opToken.offset}
			continue
		}
		nextMin := level
		if op == "implies" {
			nextMin = level - 1 // right associative
		}
		right, err := p.parseExpression(nextMin)
		if err != nil {
			return nil, err
		}
		left = &astNode{kind: astBinary, op: op, children: []*astNode{left, right}, offset: opToken.offset}
	}
}

func (p *parser) parseUnary() (*astNode, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, syntaxError(p.source, p.peek().offset, "the expression nests deeper than %d levels", maxNesting)
	}
	if p.isOperator("+") || p.isOperator("-") {
		opToken := p.next()
		operand, err := p.parseUnary()
		if err != nil {
			return nil, err
		}
		return &astNode{kind: astUnary, op: opToken.text, children: []*astNode{operand}, offset: opToken.offset}, nil
	}
	return p.parsePostfix()
}

func (p *parser) parsePostfix() (*astNode, error) {
	node, err := p.parseTerm()
	if err != nil {
		return nil, err
	}
	for {
		switch {
		case p.isOperator("."):
			dot := p.next()
			invocation, err := p.parseInvocation()
			if err != nil {
				return nil, err
			}
			node = &astNode{kind: astInvoke, children: []*astNode{node, invocation}, offset: dot.offset}
		case p.isOperator("["):
			open := p.next()
			index, err := p.parseExpression(0)
			if err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			node = &astNode{kind: astIndexer, children: []*astNode{node, index}, offset: open.offset}
		default:
			return node, nil
		}
	}
}

func (p *parser) parseTerm() (*astNode, error) {
	t := p.peek()
	switch t.kind {
	case tokenOperator:
		switch t.text {
		case "(":
			p.next()
			inner, err := p.parseExpression(0)
			if err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return inner, nil
		case "{":
			p.next()
			if err := p.expect("}"); err != nil {
				return nil, err
			}
			return &astNode{kind: astEmpty, offset: t.offset}, nil
		}
		return nil, p.errorAt(t, "expected an expression")
	case tokenString:
		p.next()
		return &astNode{kind: astLiteral, value: t.text, offset: t.offset}, nil
	case tokenNumber, tokenLong:
		return p.parseNumber()
	case tokenDateTime:
		p.next()
		value, err := parseTemporalLiteral(t.text)
		if err != nil {
			return nil, syntaxError(p.source, t.offset, "invalid date/time literal @%s: %v", t.text, err)
		}
		return &astNode{kind: astLiteral, value: value, offset: t.offset}, nil
	case tokenPercent:
		p.next()
		name := p.peek()
		switch name.kind {
		case tokenIdentifier, tokenDelimited, tokenString:
			p.next()
			full := name.text
			// FHIR defines %vs-name and %ext-name as single constants, so the dashed parts
			// written without spaces are joined.
			if name.kind == tokenIdentifier && (full == "vs" || full == "ext") {
				for p.isOperator("-") && p.peek().offset == p.tokens[p.pos-1].offset+len(p.tokens[p.pos-1].text) &&
					p.tokens[p.pos+1].kind == tokenIdentifier && p.tokens[p.pos+1].offset == p.peek().offset+1 {
					p.next()
					full += "-" + p.next().text
				}
			}
			return &astNode{kind: astExternal, name: full, offset: t.offset}, nil
		}
		return nil, p.errorAt(name, "expected a constant name after %%")
	case tokenIdentifier:
		if t.text == "true" || t.text == "false" {
			p.next()
			return &astNode{kind: astLiteral, value: t.text == "true", offset: t.offset}, nil
		}
		return p.parseInvocation()
	case tokenDelimited, tokenSpecial:
		return p.parseInvocation()
	}
	return nil, p.errorAt(t, "expected an expression")
}

func (p *parser) parseNumber() (*astNode, error) {
	t := p.next()
	if t.kind == tokenLong {
		n, err := strconv.ParseInt(t.text, 10, 64)
		if err != nil {
			return nil, syntaxError(p.source, t.offset, "long number %s out of range", t.text)
		}
		return &astNode{kind: astLiteral, value: n, offset: t.offset}, nil
	}
	// A number followed by a unit string or a calendar keyword is a quantity.
	unit := ""
	hasUnit := false
	next := p.peek()
	if next.kind == tokenString {
		unit = next.text
		hasUnit = true
		p.next()
	} else if next.kind == tokenIdentifier {
		if _, ok := calendarUnits[next.text]; ok {
			unit = next.text
			hasUnit = true
			p.next()
		}
	}
	var value any
	if strings.Contains(t.text, ".") {
		d, err := ParseDecimal(t.text)
		if err != nil {
			return nil, syntaxError(p.source, t.offset, "invalid number %s", t.text)
		}
		value = d
	} else {
		n, err := strconv.ParseInt(t.text, 10, 32)
		if err != nil {
			return nil, syntaxError(p.source, t.offset, "integer %s out of range", t.text)
		}
		value = n
	}
	if hasUnit {
		return &astNode{kind: astLiteral, value: Quantity{Value: toDecimal(value), Unit: unit}, offset: t.offset}, nil
	}
	return &astNode{kind: astLiteral, value: value, offset: t.offset}, nil
}

func (p *parser) parseIdentifier() (token, error) {
	t := p.peek()
	if t.kind == tokenIdentifier || t.kind == tokenDelimited {
		p.next()
		return t, nil
	}
	return t, p.errorAt(t, "expected an identifier")
}

func (p *parser) parseInvocation() (*astNode, error) {
	t := p.peek()
	if t.kind == tokenSpecial {
		p.next()
		return &astNode{kind: astSpecial, name: t.text, offset: t.offset}, nil
	}
	name, err := p.parseIdentifier()
	if err != nil {
		return nil, err
	}
	if name.kind == tokenIdentifier && p.isOperator("(") {
		p.next()
		var args []*astNode
		if !p.isOperator(")") {
			for {
				arg, err := p.parseExpression(0)
				if err != nil {
					return nil, err
				}
				args = append(args, arg)
				if p.isOperator(",") {
					p.next()
					continue
				}
				break
			}
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return &astNode{kind: astFunction, name: name.text, children: args, offset: name.offset}, nil
	}
	return &astNode{kind: astIdentifier, name: name.text, offset: name.offset}, nil
}

func (p *parser) parseTypeSpecifier() (typeSpecifier, error) {
	first, err := p.parseIdentifier()
	if err != nil {
		return typeSpecifier{}, err
	}
	if p.isOperator(".") && p.pos+1 < len(p.tokens) && (p.tokens[p.pos+1].kind == tokenIdentifier || p.tokens[p.pos+1].kind == tokenDelimited) {
		p.next()
		second, _ := p.parseIdentifier()
		return typeSpecifier{namespace: first.text, name: second.text}, nil
	}
	return typeSpecifier{name: first.text}, nil
}
