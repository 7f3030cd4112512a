package hipaa

import (
	"regexp"
	"strings"
)

// function is a named function body found in the source tree.
type function struct {
	src  *source
	name string
	body span
}

var (
	functionDecl = regexp.MustCompile(`\bfunction\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>(]*>)?\s*\(`)
	// functionVar matches `const name = (` and `const name = async (` and
	// `const name: Handler = function (`.
	functionVar = regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=;]+)?=\s*(?:async\s+)?(?:function\b[^(]*)?\(`)
	// functionVarBare matches `const name = async req =>`.
	functionVarBare = regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=;]+)?=\s*(?:async\s+)?[A-Za-z_$][\w$]*\s*=>`)
	// methodDecl matches class and object methods: `async readPatient(`.
	methodDecl  = regexp.MustCompile(`(?m)^[ \t]*(?:(?:public|private|protected|static|async|readonly)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>(]*>)?\s*\(`)
	callPattern = regexp.MustCompile(`([A-Za-z_$][\w$]*)\s*\(`)
)

// keywords that methodDecl would otherwise take for method names.
var notMethods = map[string]bool{
	"if": true, "for": true, "while": true, "switch": true, "catch": true, "function": true,
	"return": true, "await": true, "typeof": true, "new": true, "super": true,
}

// functions indexes every named function of the tree by name. Names
// defined more than once keep every body, and a call counts as auditing
// when any of them audits.
type functions map[string][]function

func (fs functions) add(src *source) {
	code := src.code
	for _, m := range functionDecl.FindAllStringSubmatchIndex(code, -1) {
		name := code[m[2]:m[3]]
		if body, ok := src.bodyAfterParams(m[1] - 1); ok {
			fs[name] = append(fs[name], function{src: src, name: name, body: body})
		}
	}
	for _, m := range functionVar.FindAllStringSubmatchIndex(code, -1) {
		name := code[m[2]:m[3]]
		if body, ok := src.bodyAfterParams(m[1] - 1); ok {
			fs[name] = append(fs[name], function{src: src, name: name, body: body})
		}
	}
	for _, m := range functionVarBare.FindAllStringSubmatchIndex(code, -1) {
		name := code[m[2]:m[3]]
		fs[name] = append(fs[name], function{src: src, name: name, body: src.arrowBody(m[1])})
	}
	for _, m := range methodDecl.FindAllStringSubmatchIndex(code, -1) {
		name := code[m[2]:m[3]]
		if notMethods[name] {
			continue
		}
		closing := src.matchClose(m[1] - 1)
		if closing < 0 {
			continue
		}
		// A method declaration is followed by its body, possibly after a
		// return type; a call statement is followed by ; or an operator.
		rest := strings.TrimLeft(code[closing+1:], " \t\r\n")
		if !strings.HasPrefix(rest, "{") && !strings.HasPrefix(rest, ":") {
			continue
		}
		if body, ok := src.bodyAfterParams(m[1] - 1); ok {
			fs[name] = append(fs[name], function{src: src, name: name, body: body})
		}
	}
}

// bodyAfterParams returns the body of a function whose parameter list opens
// at paren: a braced block, or the expression of an arrow function.
func (src *source) bodyAfterParams(paren int) (span, bool) {
	code := src.code
	closing := src.matchClose(paren)
	if closing < 0 {
		return span{}, false
	}
	i := closing + 1
	for i < len(code) {
		switch {
		case code[i] == '{':
			end := src.matchClose(i)
			if end < 0 {
				return span{}, false
			}
			return span{i, end + 1}, true
		case strings.HasPrefix(code[i:], "=>"):
			return src.arrowBody(i + 2), true
		case code[i] == ';':
			return span{}, false
		case code[i] == '<' || code[i] == '(' || code[i] == '[':
			// Skip a generic or tuple return type such as Promise<Reply>.
			if end := src.matchAngleOrBracket(i); end > i {
				i = end + 1
				continue
			}
		}
		i++
	}
	return span{}, false
}

func (src *source) matchAngleOrBracket(open int) int {
	code := src.code
	if code[open] != '<' {
		return src.matchClose(open)
	}
	depth := 0
	for i := open; i < len(code); i++ {
		switch code[i] {
		case '<':
			depth++
		case '>':
			depth--
			if depth == 0 {
				return i
			}
		case ';', '{':
			return -1
		}
	}
	return -1
}

// arrowBody returns the body of an arrow function whose "=>" ends at from.
func (src *source) arrowBody(from int) span {
	code := src.code
	i := from
	for i < len(code) && isSpace(code[i]) {
		i++
	}
	if i < len(code) && code[i] == '{' {
		if end := src.matchClose(i); end >= 0 {
			return span{i, end + 1}
		}
	}
	// An expression body ends at the first ; or line end outside brackets.
	depth := 0
	for j := i; j < len(code); j++ {
		switch code[j] {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return span{i, j}
			}
			depth--
		case ';', '\n':
			if depth == 0 {
				return span{i, j}
			}
		case ',':
			if depth == 0 {
				return span{i, j}
			}
		}
	}
	return span{i, len(code)}
}

// auditChecker decides whether code calls an audit function, directly or
// through named functions of the tree.
type auditChecker struct {
	funcs     functions
	auditFunc map[string]bool
	memo      map[string]bool
	visiting  map[string]bool
}

func newAuditChecker(funcs functions, auditFunctions []string) *auditChecker {
	a := &auditChecker{funcs: funcs, auditFunc: map[string]bool{}, memo: map[string]bool{}, visiting: map[string]bool{}}
	for _, name := range auditFunctions {
		a.auditFunc[name] = true
	}
	return a
}

// calls reports whether code[sp] calls an audit function.
func (a *auditChecker) calls(src *source, sp span) bool {
	code := src.code[sp.start:sp.end]
	for _, m := range callPattern.FindAllStringSubmatchIndex(code, -1) {
		name := code[m[2]:m[3]]
		if isDeclaration(code, m[0]) {
			continue
		}
		if a.auditFunc[name] || a.functionAudits(name) {
			return true
		}
	}
	return false
}

// isDeclaration reports whether the name at offset follows the function
// keyword, which makes it a declaration rather than a call.
func isDeclaration(code string, offset int) bool {
	return strings.HasSuffix(strings.TrimRight(code[:offset], " \t"), "function")
}

func (a *auditChecker) functionAudits(name string) bool {
	if v, ok := a.memo[name]; ok {
		return v
	}
	bodies, ok := a.funcs[name]
	if !ok || a.visiting[name] {
		return false
	}
	a.visiting[name] = true
	result := false
	for _, f := range bodies {
		if a.calls(f.src, f.body) {
			result = true
			break
		}
	}
	delete(a.visiting, name)
	a.memo[name] = result
	return result
}
