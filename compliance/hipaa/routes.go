package hipaa

import (
	"regexp"
	"slices"
	"strings"
)

// Route is one HTTP route registration found in the source tree.
type Route struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	// File is slash-separated and relative to the root; Line is 1-based.
	File string `json:"file"`
	Line int    `json:"line"`
	// Style is "express" for app.get(path, ...handlers) calls and "table"
	// for route objects such as { method, path, permission, handler }.
	Style string `json:"style"`
	// Handler names the handler function, or "inline".
	Handler string `json:"handler"`
	// Authorization names the middleware or route field that authorizes
	// the route; empty when none was found.
	Authorization string `json:"authorization,omitempty"`
	// Public is set when the route explicitly opts out of authorization.
	Public bool `json:"public,omitempty"`
	// PatientData is set when the path matches a patient-data pattern.
	PatientData bool `json:"patientData"`
	// Audited is set when the handler calls an audit function, directly
	// or through named functions of the tree.
	Audited bool `json:"audited"`
	// HandlerFound is false when a named handler is not defined in the
	// scanned files, so its audit call could not be checked.
	HandlerFound bool `json:"handlerFound"`
}

var (
	expressCall = regexp.MustCompile(`([A-Za-z_$][\w$]*)\s*\.\s*(get|post|put|patch|delete|all)\s*\(`)
	expressUse  = regexp.MustCompile(`([A-Za-z_$][\w$]*)\s*\.\s*use\s*\(`)
	// expressRoute matches router.route('/path'), whose chained
	// .get(...), .post(...) calls register the routes.
	expressRoute = regexp.MustCompile(`([A-Za-z_$][\w$]*)\s*\.\s*route\s*\(`)
	chainedCall  = regexp.MustCompile(`^\s*\.\s*(get|post|put|patch|delete|all)\s*\(`)
	// pathKey anchors the search for route objects; handler may be a
	// shorthand property, so it cannot serve as the anchor.
	pathKey     = regexp.MustCompile(`\bpath\s*:`)
	wordPattern = regexp.MustCompile(`[A-Za-z_$][\w$]*`)
)

// routeScanner finds routes in one file.
type routeScanner struct {
	src    *source
	opts   *Options
	funcs  functions
	audits *auditChecker
}

// mentionsAny returns the first of names used as an identifier in code, or "".
func mentionsAny(code string, names []string) string {
	for _, word := range wordPattern.FindAllString(code, -1) {
		if slices.Contains(names, word) {
			return word
		}
	}
	return ""
}

// useAuth is an app.use or router.use call that installs an authorization
// middleware for later routes on the same receiver.
type useAuth struct {
	receiver string
	offset   int
	prefix   string
	name     string
}

func (rs *routeScanner) expressRoutes() []Route {
	src, code := rs.src, rs.src.code
	var uses []useAuth
	for _, m := range expressUse.FindAllStringSubmatchIndex(code, -1) {
		closing := src.matchClose(m[1] - 1)
		if closing < 0 {
			continue
		}
		args := splitTopLevel(code, m[1], closing)
		prefix := ""
		if len(args) > 0 {
			if p, ok := src.stringLiteral(args[0]); ok {
				prefix = p
			}
		}
		if name := mentionsAny(code[m[1]:closing], rs.opts.AuthMiddleware); name != "" {
			uses = append(uses, useAuth{receiver: code[m[2]:m[3]], offset: m[0], prefix: prefix, name: name})
		}
	}

	var routes []Route
	for _, m := range expressCall.FindAllStringSubmatchIndex(code, -1) {
		closing := src.matchClose(m[1] - 1)
		if closing < 0 {
			continue
		}
		args := splitTopLevel(code, m[1], closing)
		if len(args) < 2 {
			continue
		}
		path, ok := src.stringLiteral(args[0])
		if !ok || !strings.HasPrefix(path, "/") && path != "*" {
			continue
		}
		receiver := code[m[2]:m[3]]
		r := Route{
			Method: strings.ToUpper(code[m[4]:m[5]]),
			Path:   maskRoutePath(path),
			File:   src.path,
			Line:   src.line(m[0]),
			Style:  "express",
		}
		for _, mw := range args[1 : len(args)-1] {
			if name := mentionsAny(code[mw.start:mw.end], rs.opts.AuthMiddleware); name != "" {
				r.Authorization = name
				break
			}
		}
		if r.Authorization == "" {
			r.Authorization = useAuthorization(uses, receiver, m[0], path)
		}
		rs.resolveHandler(&r, args[len(args)-1])
		routes = append(routes, r)
	}
	return append(routes, rs.chainedRoutes(uses)...)
}

// chainedRoutes finds router.route('/path').get(...).post(...) chains.
// Every argument before the last of a chained call is middleware.
func (rs *routeScanner) chainedRoutes(uses []useAuth) []Route {
	src, code := rs.src, rs.src.code
	var routes []Route
	for _, m := range expressRoute.FindAllStringSubmatchIndex(code, -1) {
		closing := src.matchClose(m[1] - 1)
		if closing < 0 {
			continue
		}
		args := splitTopLevel(code, m[1], closing)
		if len(args) != 1 {
			continue
		}
		path, ok := src.stringLiteral(args[0])
		if !ok {
			continue
		}
		receiver := code[m[2]:m[3]]
		next := closing + 1
		for {
			call := chainedCall.FindStringSubmatchIndex(code[next:])
			if call == nil {
				break
			}
			open := next + call[1] - 1
			end := src.matchClose(open)
			if end < 0 {
				break
			}
			callArgs := splitTopLevel(code, open+1, end)
			if len(callArgs) > 0 {
				r := Route{
					Method: strings.ToUpper(code[next+call[2] : next+call[3]]),
					Path:   maskRoutePath(path),
					File:   src.path,
					Line:   src.line(next + call[2]),
					Style:  "express",
				}
				for _, mw := range callArgs[:len(callArgs)-1] {
					if name := mentionsAny(code[mw.start:mw.end], rs.opts.AuthMiddleware); name != "" {
						r.Authorization = name
						break
					}
				}
				if r.Authorization == "" {
					r.Authorization = useAuthorization(uses, receiver, m[0], path)
				}
				rs.resolveHandler(&r, callArgs[len(callArgs)-1])
				routes = append(routes, r)
			}
			next = end + 1
		}
	}
	return routes
}

// useAuthorization names the earlier use() call on receiver that
// authorizes path, or returns "".
func useAuthorization(uses []useAuth, receiver string, offset int, path string) string {
	for _, u := range uses {
		if u.receiver == receiver && u.offset < offset && strings.HasPrefix(path, u.prefix) {
			return receiver + ".use(" + u.name + ")"
		}
	}
	return ""
}

func (rs *routeScanner) tableRoutes() []Route {
	src, code := rs.src, rs.src.code
	var routes []Route
	seen := map[int]bool{}
	for _, m := range pathKey.FindAllStringIndex(code, -1) {
		open := src.enclosingBrace(m[0])
		if open < 0 || seen[open] {
			continue
		}
		seen[open] = true
		closing := src.matchClose(open)
		if closing < 0 {
			continue
		}
		props := map[string]span{}
		for _, p := range splitTopLevel(code, open+1, closing) {
			colon := strings.IndexByte(code[p.start:p.end], ':')
			if colon < 0 {
				// A shorthand property such as { handler } names a
				// variable of the same name.
				if name, ok := src.identifierName(p); ok && !strings.Contains(code[p.start:p.end], ".") {
					props[name] = p
				}
				continue
			}
			key := strings.Trim(strings.TrimSpace(src.text[p.start:p.start+colon]), `'"`)
			value := span{p.start + colon + 1, p.end}
			for value.start < value.end && isSpace(code[value.start]) {
				value.start++
			}
			props[key] = value
		}
		pathSpan, okPath := props["path"]
		methodSpan, okMethod := props["method"]
		handlerSpan, okHandler := props["handler"]
		if !okPath || !okMethod || !okHandler {
			continue
		}
		path, ok1 := src.stringLiteral(pathSpan)
		method, ok2 := src.stringLiteral(methodSpan)
		if !ok1 || !ok2 {
			continue
		}
		r := Route{Method: strings.ToUpper(method), Path: maskRoutePath(path), File: src.path, Line: src.line(open), Style: "table"}
		for _, field := range rs.opts.AuthFields {
			value, ok := props[field]
			if !ok {
				continue
			}
			literal, isLiteral := src.stringLiteral(value)
			raw := strings.TrimSpace(code[value.start:value.end])
			switch {
			case isLiteral && slices.Contains(rs.opts.PublicValues, literal):
				r.Public = true
			case raw == "false" || raw == "null" || raw == "undefined" || (isLiteral && literal == ""):
				// An empty or false authorization field authorizes nothing.
			default:
				r.Authorization = field
			}
			break
		}
		rs.resolveHandler(&r, handlerSpan)
		routes = append(routes, r)
	}
	return routes
}

// enclosingBrace returns the offset of the { that opens the object
// containing offset, or -1 when the innermost open bracket there is not a
// brace.
func (src *source) enclosingBrace(offset int) int {
	src.indexBrackets()
	open := src.openAt[offset]
	if open < 0 || src.code[open] != '{' {
		return -1
	}
	return int(open)
}

// resolveHandler fills the handler facts of r from the handler argument.
func (rs *routeScanner) resolveHandler(r *Route, handler span) {
	if handler.end <= handler.start {
		r.Handler = ""
		return
	}
	if rs.src.isInlineFunction(handler) {
		r.Handler = "inline"
		r.HandlerFound = true
		r.Audited = rs.audits.calls(rs.src, handler)
		return
	}
	name, ok := rs.src.identifierName(handler)
	if !ok {
		r.Handler = strings.TrimSpace(rs.src.text[handler.start:handler.end])
		return
	}
	r.Handler = name
	_, r.HandlerFound = rs.funcs[name]
	r.Audited = rs.audits.functionAudits(name)
}
