package hipaa

import (
	"regexp"
	"slices"
	"strings"
)

var (
	nestController = regexp.MustCompile(`@Controller\s*\(`)
	nestMethod     = regexp.MustCompile(`@(Get|Post|Put|Patch|Delete|All|Head|Options)\s*\(`)
	decoratorName  = regexp.MustCompile(`@([A-Za-z_$][\w$]*)`)
	classKeyword   = regexp.MustCompile(`\bclass\s+[A-Za-z_$][\w$]*[^{]*\{`)
	methodName     = regexp.MustCompile(`^\s*(?:(?:public|private|protected|static|async|readonly)\s+)*([A-Za-z_$][\w$]*)\s*(?:<[^>(]*>)?\s*\(`)
)

// globalGuardMarker is the NestJS token that registers a guard for every
// route of the application.
const globalGuardMarker = "APP_GUARD"

// nestRoutes finds NestJS controller routes: methods decorated with @Get,
// @Post and the like inside a class decorated with @Controller. A route is
// authorized by a guard decorator on the method or the class, or by a
// global guard (APP_GUARD) anywhere in the tree. A public decorator on the
// method or the class declares it public.
func (rs *routeScanner) nestRoutes(globalGuard bool) []Route {
	src, code := rs.src, rs.src.code
	var routes []Route
	for _, m := range nestController.FindAllStringIndex(code, -1) {
		argsEnd := src.matchClose(m[1] - 1)
		if argsEnd < 0 {
			continue
		}
		prefix := ""
		if args := splitTopLevel(code, m[1], argsEnd); len(args) > 0 {
			prefix = controllerPrefix(src, args[0])
		}
		class := classKeyword.FindStringIndex(code[argsEnd:])
		if class == nil {
			// No class follows this decorator, so none follows a later one.
			break
		}
		bodyOpen := argsEnd + class[1] - 1
		bodyClose := src.matchClose(bodyOpen)
		if bodyClose < 0 {
			continue
		}
		classDecorators := decoratorsIn(code[memberStart(code, 0, m[0]):bodyOpen])

		for _, dm := range nestMethod.FindAllStringSubmatchIndex(code[bodyOpen:bodyClose], -1) {
			at := bodyOpen + dm[0]
			open := bodyOpen + dm[1] - 1
			end := src.matchClose(open)
			if end < 0 {
				continue
			}
			path := ""
			if args := splitTopLevel(code, open+1, end); len(args) > 0 {
				path, _ = src.stringLiteral(args[0])
			}
			nameAt, name, body, ok := methodAfterDecorators(src, end+1)
			if !ok {
				continue
			}
			r := Route{
				Method:       strings.ToUpper(code[bodyOpen+dm[2] : bodyOpen+dm[3]]),
				Path:         maskRoutePath(joinRoutePath(prefix, path)),
				File:         src.path,
				Line:         src.line(at),
				Style:        "nest",
				Handler:      name,
				HandlerFound: true,
				Audited:      rs.audits.calls(src, body),
			}
			methodDecorators := decoratorsIn(code[memberStart(code, bodyOpen+1, at):nameAt])
			switch {
			case rs.anyDecorator(methodDecorators, rs.opts.PublicDecorators) != "" || rs.anyDecorator(classDecorators, rs.opts.PublicDecorators) != "":
				r.Public = true
			case rs.anyDecorator(methodDecorators, rs.opts.GuardDecorators) != "":
				r.Authorization = "@" + rs.anyDecorator(methodDecorators, rs.opts.GuardDecorators)
			case rs.anyDecorator(classDecorators, rs.opts.GuardDecorators) != "":
				r.Authorization = "@" + rs.anyDecorator(classDecorators, rs.opts.GuardDecorators) + " on the controller"
			case globalGuard:
				r.Authorization = globalGuardMarker
			}
			routes = append(routes, r)
		}
	}
	return routes
}

// controllerPrefix returns the path of @Controller('x') or
// @Controller({ path: 'x' }), or "" when it has none or is not a literal.
func controllerPrefix(src *source, arg span) string {
	if prefix, ok := src.stringLiteral(arg); ok {
		return prefix
	}
	code := src.code
	if code[arg.start] != '{' || code[arg.end-1] != '}' {
		return ""
	}
	for _, p := range splitTopLevel(code, arg.start+1, arg.end-1) {
		key, _, ok := strings.Cut(code[p.start:p.end], ":")
		if !ok || strings.TrimSpace(key) != "path" {
			continue
		}
		valueStart := p.start + len(key) + 1
		for valueStart < p.end && isSpace(code[valueStart]) {
			valueStart++
		}
		prefix, _ := src.stringLiteral(span{valueStart, p.end})
		return prefix
	}
	return ""
}

func (rs *routeScanner) anyDecorator(found, names []string) string {
	for _, f := range found {
		if slices.Contains(names, f) {
			return f
		}
	}
	return ""
}

// memberStart returns where the declaration that contains offset begins:
// just after the last } or ; before it, but not before floor.
func memberStart(code string, floor, offset int) int {
	i := strings.LastIndexAny(code[floor:offset], "};")
	if i < 0 {
		return floor
	}
	return floor + i + 1
}

// decoratorsIn returns the decorator names used in code.
func decoratorsIn(code string) []string {
	var out []string
	for _, m := range decoratorName.FindAllStringSubmatch(code, -1) {
		out = append(out, m[1])
	}
	return out
}

// methodAfterDecorators skips further decorators after from and returns
// the offset and name of the method they decorate and its body.
func methodAfterDecorators(src *source, from int) (nameAt int, name string, body span, ok bool) {
	code := src.code
	i := from
	for {
		for i < len(code) && isSpace(code[i]) {
			i++
		}
		if i >= len(code) || code[i] != '@' {
			break
		}
		i++
		for i < len(code) && (code[i] == '.' || code[i] == '_' || code[i] == '$' || isWordByte(code[i])) {
			i++
		}
		for i < len(code) && isSpace(code[i]) {
			i++
		}
		if i < len(code) && code[i] == '(' {
			end := src.matchClose(i)
			if end < 0 {
				return 0, "", span{}, false
			}
			i = end + 1
		}
	}
	m := methodName.FindStringSubmatchIndex(code[i:])
	if m == nil {
		return 0, "", span{}, false
	}
	body, ok = src.bodyAfterParams(i + m[1] - 1)
	return i + m[2], code[i+m[2] : i+m[3]], body, ok
}

func isWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// joinRoutePath joins a controller prefix and a method path as NestJS
// does: both trimmed of slashes and joined with one.
func joinRoutePath(prefix, path string) string {
	parts := []string{}
	for _, p := range []string{prefix, path} {
		if p = strings.Trim(p, "/"); p != "" {
			parts = append(parts, p)
		}
	}
	return "/" + strings.Join(parts, "/")
}
