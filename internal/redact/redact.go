// Package redact masks PHI identifiers and secret-shaped tokens in text
// that hmsci prints, such as finding messages, file paths and step errors.
package redact

import (
	"regexp"
	"strings"

	"github.com/hms-enterprise/hmsci/compliance/phi"
)

// Text returns s with PHI identifiers masked by phi.MaskText and key-like
// tokens masked by Tokens. Use it for free text: messages, reasons, next
// steps and notes.
func Text(s string) string {
	return Tokens(phi.MaskText(s))
}

// Path returns p with the PHI identifiers inside it masked, such as the
// SSN in "exports/123-45-6789_smith.txt". Each value in masked is the
// masked form of a value that a finding at p reported, such as
// "J*** S****". Path masks it in p too, wherever p holds a value of that
// shape (see MaskShape). Tokens are not masked, because long file names
// mix letters and digits as tokens do.
func Path(p string, masked ...string) string {
	p = phi.MaskText(p)
	for _, m := range masked {
		p = MaskShape(p, m)
	}
	return p
}

// tokenPattern matches long runs of key-like characters that mix letters
// and digits, the shape of API keys and access tokens.
var tokenPattern = regexp.MustCompile(`[A-Za-z0-9+/_=\-]{16,}`)

// Tokens hides key-like tokens in s. Analyzers mask what they find, but
// third-party tools may quote a secret in their message text. A token
// keeps its first 4 characters. Runs without both a letter and a digit,
// with more than two dashes (advisory ids), or with a '/' but no '+' or
// '=' (paths) are kept.
func Tokens(s string) string {
	if !hasTokenRun(s) {
		return s
	}
	return tokenPattern.ReplaceAllStringFunc(s, func(tok string) string {
		hasLetter := strings.ContainsAny(tok, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
		hasDigit := strings.ContainsAny(tok, "0123456789")
		if !hasLetter || !hasDigit || strings.Count(tok, "-") > 2 || strings.Contains(tok, "/") && !strings.ContainsAny(tok, "+=") {
			return tok
		}
		return tok[:4] + strings.Repeat("*", 8)
	})
}

// hasTokenRun reports whether s has a run that tokenPattern matches. A
// byte loop is cheaper than the regular expression for the many strings
// that have none.
func hasTokenRun(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '+' || c == '/' || c == '_' || c == '=' || c == '-' {
			if run++; run >= 16 {
				return true
			}
			continue
		}
		run = 0
	}
	return false
}

// MaskShape masks every place in s that could be the value behind masked,
// a masked value such as "J*** S****" or "j*******@*******.org". A '*'
// matches one byte other than '/', '\' and white space, a letter or digit
// matches itself, and any other byte matches any byte that is neither a
// letter nor a digit, so "J*** S****" also matches "John_Smith". A match
// must not continue a word on either side. A masked value with no visible
// letter or digit, or fewer than three '*', is ignored: it would match too
// many ordinary words.
func MaskShape(s, masked string) string {
	if !usefulShape(masked) || len(s) < len(masked) {
		return s
	}
	var out []byte
	for i := 0; i+len(masked) <= len(s); i++ {
		if i > 0 && isWord(s[i-1]) {
			continue
		}
		end := i + len(masked)
		if end < len(s) && isWord(s[end]) {
			continue
		}
		if !shapeMatches(s[i:end], masked) {
			continue
		}
		if out == nil {
			out = []byte(s)
		}
		for k := i; k < end; k++ {
			if masked[k-i] == '*' {
				out[k] = '*'
			}
		}
		i = end - 1
	}
	if out == nil {
		return s
	}
	return string(out)
}

func usefulShape(masked string) bool {
	stars, visible := 0, 0
	for i := 0; i < len(masked); i++ {
		switch c := masked[i]; {
		case c == '*':
			stars++
		case isAlnum(c):
			visible++
		}
	}
	return stars >= 3 && visible > 0
}

func shapeMatches(candidate, masked string) bool {
	for k := 0; k < len(masked); k++ {
		c, m := candidate[k], masked[k]
		switch {
		case m == '*':
			// An e-mail mask hides dots and dashes too, so '*' takes any
			// byte that is not a path separator or white space.
			if c == '/' || c == '\\' || c <= ' ' {
				return false
			}
		case isAlnum(m):
			if c != m {
				return false
			}
		default:
			if isAlnum(c) || c >= 0x80 {
				return false
			}
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isWord(c byte) bool { return isAlnum(c) || c >= 0x80 }
