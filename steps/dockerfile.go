package steps

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
)

// BaseImage is an image that a Dockerfile build pulls.
type BaseImage struct {
	// Ref is the reference with build arguments substituted, as written
	// (not normalized).
	Ref string
	// Line is the 1-based line of the instruction that names it.
	Line int
	// Instruction is "FROM", "COPY --from" or "# syntax".
	Instruction string
	// Stage is the FROM line's stage name ("AS build"), if any.
	Stage string
	// Written is the reference as the Dockerfile writes it, before build
	// arguments are substituted.
	Written string
}

// dockerfileInstruction is one logical instruction: continuation lines
// joined, comments dropped.
type dockerfileInstruction struct {
	line    int
	keyword string
	args    string
}

// DockerfileBaseImages returns the images that building the Dockerfile
// pulls: every FROM that names an image rather than an earlier stage or
// scratch, every COPY --from that names an image, and the frontend image
// of a "# syntax=" directive. ARG defaults declared before the first FROM
// are substituted into the FROM lines, and buildArgs win over them, as
// `docker build --build-arg` does. An image whose name still contains an
// undefined argument is an error naming the file (name) and line.
func DockerfileBaseImages(name string, data []byte, buildArgs map[string]string) ([]BaseImage, error) {
	escape, syntax, syntaxLine := dockerfileDirectives(data)
	instructions := splitDockerfile(data, escape)

	var images []BaseImage
	if syntax != "" {
		images = append(images, BaseImage{Ref: syntax, Line: syntaxLine, Instruction: "# syntax", Written: syntax})
	}
	globals := map[string]string{}
	stages := map[string]bool{}
	seenFrom := false
	for _, in := range instructions {
		switch in.keyword {
		case "ARG":
			if seenFrom {
				continue // stage-scoped arguments do not reach FROM lines
			}
			for _, decl := range splitFields(in.args) {
				arg, value, hasDefault := strings.Cut(decl, "=")
				if override, ok := buildArgs[arg]; ok {
					globals[arg] = override
				} else if hasDefault {
					globals[arg] = unquote(value)
				} else {
					globals[arg] = ""
				}
			}
		case "FROM":
			seenFrom = true
			fields := withoutFlags(splitFields(in.args))
			if len(fields) == 0 {
				return nil, fmt.Errorf("%s:%d: FROM without an image", name, in.line)
			}
			ref, err := expandArgs(fields[0], globals)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: FROM %s: %w", name, in.line, fields[0], err)
			}
			stage := ""
			if len(fields) >= 3 && strings.EqualFold(fields[1], "AS") {
				stage = fields[2]
			}
			if ref == "" {
				return nil, fmt.Errorf("%s:%d: FROM %s is empty: give the argument a default or set it in container.build-args", name, in.line, fields[0])
			}
			if !strings.EqualFold(ref, "scratch") && !stages[strings.ToLower(ref)] {
				images = append(images, BaseImage{Ref: ref, Line: in.line, Instruction: "FROM", Stage: stage, Written: fields[0]})
			}
			if stage != "" {
				stages[strings.ToLower(stage)] = true
			}
		case "COPY", "ADD":
			for _, field := range splitFields(in.args) {
				from, ok := strings.CutPrefix(field, "--from=")
				if !ok {
					continue
				}
				if stages[strings.ToLower(from)] || isStageIndex(from) || strings.Contains(from, "$") {
					continue
				}
				images = append(images, BaseImage{Ref: from, Line: in.line, Instruction: in.keyword + " --from", Written: from})
			}
		}
	}
	return images, nil
}

// dockerfileDirectives reads the parser directives at the top of the
// file: the escape character and the syntax frontend image.
func dockerfileDirectives(data []byte) (escape byte, syntax string, syntaxLine int) {
	escape = '\\'
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; scanner.Scan(); line++ {
		text := strings.TrimSpace(scanner.Text())
		body, ok := strings.CutPrefix(text, "#")
		if !ok {
			return escape, syntax, syntaxLine
		}
		key, value, found := strings.Cut(body, "=")
		if !found {
			return escape, syntax, syntaxLine // an ordinary comment ends the directives
		}
		switch strings.ToLower(strings.TrimSpace(key)) {
		case "escape":
			if v := strings.TrimSpace(value); len(v) == 1 {
				escape = v[0]
			}
		case "syntax":
			syntax, syntaxLine = strings.TrimSpace(value), line
		default:
			return escape, syntax, syntaxLine
		}
	}
	return escape, syntax, syntaxLine
}

// splitDockerfile joins continuation lines and drops comments and blank
// lines, keeping the line number where each instruction starts.
func splitDockerfile(data []byte, escape byte) []dockerfileInstruction {
	var out []dockerfileInstruction
	var current strings.Builder
	start := 0
	scanner := bufio.NewScanner(bytes.NewReader(data))
	scanner.Buffer(make([]byte, 64<<10), 4<<20)
	for line := 1; scanner.Scan(); line++ {
		text := strings.TrimRight(scanner.Text(), " \t\r")
		trimmed := strings.TrimSpace(text)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && current.Len() == 0) {
			continue
		}
		if current.Len() == 0 {
			start = line
		}
		if strings.HasSuffix(text, string(escape)) {
			current.WriteString(strings.TrimSuffix(text, string(escape)) + " ")
			continue
		}
		current.WriteString(text)
		keyword, args, _ := strings.Cut(strings.TrimSpace(current.String()), " ")
		out = append(out, dockerfileInstruction{line: start, keyword: strings.ToUpper(keyword), args: strings.TrimSpace(args)})
		current.Reset()
	}
	return out
}

// splitFields splits instruction arguments on white space, keeping quoted
// strings together.
func splitFields(s string) []string {
	var fields []string
	var field strings.Builder
	quote := rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
			field.WriteRune(r)
		case quote == 0 && (r == '"' || r == '\''):
			quote = r
			field.WriteRune(r)
		case quote == 0 && (r == ' ' || r == '\t'):
			if field.Len() > 0 {
				fields = append(fields, field.String())
				field.Reset()
			}
		default:
			field.WriteRune(r)
		}
	}
	if field.Len() > 0 {
		fields = append(fields, field.String())
	}
	return fields
}

func withoutFlags(fields []string) []string {
	for len(fields) > 0 && strings.HasPrefix(fields[0], "--") {
		fields = fields[1:]
	}
	return fields
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

func isStageIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// expandArgs substitutes $NAME, ${NAME}, ${NAME:-default} and
// ${NAME:+alternative} from the global build arguments. A name that no
// ARG declares is an error, because the build would use an empty string.
func expandArgs(s string, args map[string]string) (string, error) {
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			out.WriteByte(s[i])
			continue
		}
		var name, modifier, word string
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return "", fmt.Errorf("unclosed ${ in %q", s)
			}
			inner := s[i+2 : i+end]
			i += end
			name = inner
			if before, after, ok := strings.Cut(inner, ":"); ok && after != "" && (after[0] == '-' || after[0] == '+') {
				name, modifier, word = before, after[:1], after[1:]
			}
		} else {
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			if j == i+1 {
				out.WriteByte('$')
				continue
			}
			name = s[i+1 : j]
			i = j - 1
		}
		value, declared := args[name]
		switch {
		case modifier == "-" && value == "":
			out.WriteString(word)
		case modifier == "+" && value != "":
			out.WriteString(word)
		case modifier == "+":
		case !declared:
			return "", fmt.Errorf("build argument %s is not declared by an ARG before the first FROM", name)
		default:
			out.WriteString(value)
		}
	}
	return out.String(), nil
}
