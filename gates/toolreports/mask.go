package toolreports

import (
	"context"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/hms-enterprise/hmsci/compliance/phi"
)

// Tool messages can quote what the tool saw: tsc quotes string literal
// types, conftest rules print manifest values, axe and ZAP quote page
// content and URLs. Every message passes through maskMessages before it
// becomes a finding, so no PHI value or secret reaches a report.

var (
	// ansiEscape matches terminal colour and cursor sequences.
	ansiEscape = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)
	// secretKeyword marks a message about a credential. The value-like
	// tokens after it are masked.
	secretKeyword = regexp.MustCompile(`(?i)(passw(or)?d|pwd|secret|token|api[-_ ]?key|access[-_ ]?key|private[-_ ]?key|credential|bearer|authorization)`)
	// envName matches an environment variable name such as DB_PASSWORD.
	envName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)
	// queryValue matches the value of a URL query parameter.
	queryValue = regexp.MustCompile(`([?&;][^=&;#\s"'<>]+=)([^&;#\s"'<>]+)`)
)

// maskedValue replaces a secret. Its length is fixed so that it does not
// reveal the secret's length.
const maskedValue = "********"

// maskMessages returns the messages with PHI values, secrets after a
// credential keyword, URL query values and control characters masked or
// removed. It scans all messages in one pass of the PHI scanner.
func maskMessages(messages []string) []string {
	out := make([]string, len(messages))
	for i, m := range messages {
		out[i] = cleanText(m)
	}
	if len(out) == 0 {
		return out
	}
	data := []byte(strings.Join(out, "\n"))
	rep, err := phi.ScanBytes(context.Background(), "tool-output.txt", data, phi.Options{SyntheticBlocking: true})
	if err == nil && rep != nil {
		for _, f := range rep.Findings {
			maskSpan(out, f.Line, f.Column, f.EndLine, f.EndColumn)
		}
	}
	for i := range out {
		out[i] = maskQueryValues(maskSecrets(out[i]))
	}
	return out
}

// maskMessage masks one message as maskMessages does.
func maskMessage(m string) string { return maskMessages([]string{m})[0] }

// cleanText removes terminal escapes and turns line breaks and other
// control characters into spaces, so that a message is one line.
func cleanText(s string) string {
	s = ansiEscape.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// maskSpan replaces the letters and digits of a span of lines[line-1]
// with '*'. Columns are 1-based Unicode code points, as the PHI scanner
// reports them. An end column of 0, or an end on a later line, masks to
// the end of the start line.
func maskSpan(lines []string, line, column, endLine, endColumn int) {
	if line < 1 || line > len(lines) || column < 1 {
		return
	}
	runes := []rune(lines[line-1])
	start, end := column-1, endColumn-1
	if endColumn == 0 || endLine > line || end > len(runes) {
		end = len(runes)
	}
	if start >= end {
		return
	}
	for i := start; i < end; i++ {
		if unicode.IsLetter(runes[i]) || unicode.IsDigit(runes[i]) {
			runes[i] = '*'
		}
	}
	lines[line-1] = string(runes)
}

// maskSecrets masks the value-like tokens that follow a credential
// keyword, such as "hunter2-SuperSecret" in "env DB_PASSWORD has the
// literal value hunter2-SuperSecret".
// NOTE: this is a heuristic. A secret that is one plain lower-case word,
// or that comes before the keyword, is not recognized.
func maskSecrets(s string) string {
	loc := secretKeyword.FindStringIndex(s)
	if loc == nil {
		return s
	}
	head, tail := s[:loc[1]], s[loc[1]:]
	var b strings.Builder
	b.WriteString(head)
	token := strings.Builder{}
	flush := func() {
		t := token.String()
		token.Reset()
		if looksLikeSecret(t) {
			b.WriteString(maskedValue)
			return
		}
		b.WriteString(t)
	}
	for _, r := range tail {
		if unicode.IsSpace(r) || strings.ContainsRune(`"'=:,;()[]{}<>`+"`", r) {
			flush()
			b.WriteRune(r)
			continue
		}
		token.WriteRune(r)
	}
	flush()
	return b.String()
}

// looksLikeSecret reports whether a token could be a credential value. It
// must have at least six characters and mix letters with digits, or with
// symbols, or consist of letters with two or more upper-case ones among
// lower-case ones ("SuperSecretValue"). Variable names such as
// DB_PASSWORD are kept.
func looksLikeSecret(t string) bool {
	if len(t) < 6 || envName.MatchString(t) && secretKeyword.MatchString(t) {
		return false
	}
	var letters, digits, upper, lower, symbols int
	for _, r := range t {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsUpper(r):
			upper++
			letters++
		case unicode.IsLower(r):
			lower++
			letters++
		case r != '-' && r != '_' && r != '.' && r != '/':
			symbols++
		}
	}
	switch {
	case letters > 0 && digits > 0:
		return true
	case upper > 0 && lower > 0 && upper+lower == len(t) && upper > 1:
		return true
	case symbols > 0 && letters+digits > 0:
		return true
	}
	return false
}

// maskQueryValues replaces the values of URL query parameters, which
// often carry identifiers such as ?mrn=00123456.
func maskQueryValues(s string) string {
	if !strings.ContainsAny(s, "?&;") {
		return s
	}
	return queryValue.ReplaceAllString(s, "${1}***")
}

// maskURL returns u without user information and with every query value
// and the fragment masked. A value that does not parse as a URL is masked
// as a message.
func maskURL(u string) string {
	parsed, err := url.Parse(strings.TrimSpace(u))
	if err != nil || parsed.Scheme == "" && parsed.Host == "" {
		return maskMessage(u)
	}
	parsed.User = nil
	if parsed.RawQuery != "" {
		q := parsed.Query()
		var parts []string
		for _, key := range slices.Sorted(maps.Keys(q)) {
			for range q[key] {
				parts = append(parts, url.QueryEscape(key)+"=***")
			}
		}
		parsed.RawQuery = strings.Join(parts, "&")
	}
	if parsed.Fragment != "" {
		parsed.Fragment = "***"
	}
	return maskMessage(parsed.String())
}
