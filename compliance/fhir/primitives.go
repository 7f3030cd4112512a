package fhir

import (
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// maxStringBytes is the FHIR limit on the size of a string value (1 MB).
const maxStringBytes = 1024 * 1024

var (
	dateRE     = regexp.MustCompile(`^([0-9]{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$`)
	dateTimeRE = regexp.MustCompile(`^([0-9]{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$`)
	instantRE  = regexp.MustCompile(`^([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$`)
	timeRE     = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?$`)
	oidRE      = regexp.MustCompile(`^urn:oid:[0-2](\.(0|[1-9][0-9]*))+$`)
	uuidRE     = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	// htmlTagRE finds tags that a presentation layer would execute or
	// render as active content when a plain string is shown as HTML.
	htmlTagRE = regexp.MustCompile(`(?i)<\s*/?\s*(script|iframe|object|embed|img|a|form|input|style|link|meta|svg|body|html|base|frame|frameset|applet)\b`)
	// markdownTagRE finds what reads as an HTML tag inside markdown.
	markdownTagRE = regexp.MustCompile(`<[A-Za-z!/?]`)
)

func isID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// validatePrimitive checks the JSON kind and the format of a primitive value.
func (v *validator) validatePrimitive(val *Value, w walk) {
	code := w.typ.Code
	if strings.HasPrefix(code, "System.") {
		code = strings.ToLower(strings.TrimPrefix(code, "System."))
	}
	switch code {
	case "boolean":
		if val.Kind != KindBool {
			v.add(SeverityError, "structure", RuleJSON, val, w.expr, "a boolean must be JSON true or false, found %s", val.Kind)
		}
		return
	case "integer", "positiveInt", "unsignedInt", "decimal":
		if val.Kind != KindNumber {
			v.add(SeverityError, "structure", RuleJSON, val, w.expr, "a %s must be a JSON number, found %s", code, val.Kind)
			return
		}
		v.checkNumber(val, w, code)
		return
	}
	if val.Kind != KindString {
		v.add(SeverityError, "structure", RuleJSON, val, w.expr, "a %s must be a JSON string, found %s", code, val.Kind)
		return
	}
	s := val.Text
	if s == "" {
		v.add(SeverityError, "value", RuleJSON, val, w.expr, "empty string: a %s must have a value, otherwise leave the property out", code)
		return
	}
	if len(s) > maxStringBytes && code != "xhtml" && code != "base64Binary" {
		v.add(SeverityError, "too-long", RuleDatatype, val, w.expr, "value is %d bytes, above the FHIR limit of %d", len(s), maxStringBytes)
		return
	}
	bad := func(what string) {
		v.add(SeverityError, "value", RuleDatatype, val, w.expr, "invalid %s %s: %s", code, show(w, s), what)
	}
	switch code {
	case "string":
		if strings.TrimSpace(s) == "" {
			bad("a string must contain non-whitespace content")
		} else if loc := htmlTagRE.FindStringIndex(s); loc != nil {
			v.add(SeverityError, "security", RuleSecurity, val, w.expr, "the string contains text that looks like an embedded HTML tag (%s), which is not allowed in a plain string", show(walk{}, s[loc[0]:loc[1]]))
		}
	case "markdown":
		if strings.TrimSpace(s) == "" {
			bad("markdown must contain non-whitespace content")
		} else if loc := markdownTagRE.FindStringIndex(s); loc != nil {
			v.add(SeverityError, "security", RuleSecurity, val, w.expr, "the markdown contains what looks like an embedded HTML tag starting at %s; escape '<' or remove the tag", show(walk{}, s[loc[0]:loc[1]]))
		}
	case "id":
		if !isID(s) {
			bad("an id has 1 to 64 characters from A-Z, a-z, 0-9, '-' and '.'")
		}
	case "code":
		if s != strings.TrimSpace(s) || strings.Contains(s, "  ") || strings.ContainsAny(s, "\t\n\r") {
			bad("a code has no leading or trailing whitespace and no runs of whitespace")
		}
	case "date":
		if m := dateRE.FindStringSubmatch(s); m == nil || !validDay(s) {
			bad("expected YYYY, YYYY-MM or YYYY-MM-DD")
		}
	case "dateTime":
		if dateTimeRE.MatchString(s) && validDay(s) {
			return
		}
		if dateTimeRE.MatchString(s+"Z") && strings.Contains(s, "T") {
			bad("if a date has a time, it must have a timezone")
			return
		}
		bad("expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss+zz:zz")
	case "instant":
		if !instantRE.MatchString(s) || !validDay(s) {
			bad("expected YYYY-MM-DDThh:mm:ss(.sss)+zz:zz with seconds and a timezone")
		}
	case "time":
		if !timeRE.MatchString(s) {
			bad("expected hh:mm:ss")
		}
	case "uri", "url", "canonical":
		if strings.ContainsAny(s, " \t\r\n") {
			bad("a URI cannot contain whitespace")
		} else if code == "url" && !v.opts.AllowExampleURLs && isExampleURL(s) {
			v.add(SeverityError, "value", RuleDatatype, val, w.expr, "example URL %s is not allowed in a url element (set allowExampleURLs for example data)", show(w, s))
		} else if strings.HasPrefix(s, "urn:oid:") && !oidRE.MatchString(s) {
			bad("an OID URI is urn:oid: followed by dotted decimal numbers")
		} else if strings.HasPrefix(s, "urn:uuid:") && !uuidRE.MatchString(s) {
			bad("a UUID URI is urn:uuid: followed by a lower-case 8-4-4-4-12 hex UUID")
		}
	case "oid":
		if !oidRE.MatchString(s) {
			bad("an oid is urn:oid: followed by dotted decimal numbers")
		}
	case "uuid":
		if !uuidRE.MatchString(s) {
			bad("a uuid is urn:uuid: followed by a lower-case 8-4-4-4-12 hex UUID")
		}
	case "base64Binary":
		if !validBase64(s) {
			bad("not valid base64")
		}
	case "xhtml":
		// checked by checkNarrative with the element context
	default:
		if !utf8.ValidString(s) {
			bad("invalid UTF-8")
		}
	}
}

// validDay rejects calendar dates that do not exist, such as 2023-02-30.
func validDay(s string) bool {
	if len(s) < 10 {
		return true
	}
	_, err := time.Parse("2006-01-02", s[:10])
	return err == nil
}

// base64Class classifies bytes for validBase64: 1 for the alphabet, 2 for
// '=', 3 for whitespace and 0 for anything else.
var base64Class = func() (t [256]byte) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = 1
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	t['+'], t['/'], t['='] = 1, 1, 2
	t[' '], t['\n'], t['\r'], t['\t'] = 3, 3, 3, 3
	return t
}()

// validBase64 checks standard base64 with padding, ignoring whitespace,
// without allocating a decoded copy.
func validBase64(s string) bool {
	n, pad := 0, 0
	for i := 0; i < len(s); i++ {
		switch base64Class[s[i]] {
		case 0:
			return false
		case 1:
			if pad > 0 {
				return false
			}
			n++
		case 2:
			pad++
			n++
		}
	}
	return n%4 == 0 && pad <= 2
}

func (v *validator) checkNumber(val *Value, w walk, code string) {
	text := val.Text
	if code == "decimal" {
		if _, ok := new(big.Float).SetString(text); !ok {
			v.add(SeverityError, "value", RuleDatatype, val, w.expr, "invalid decimal %s", show(w, text))
		}
		return
	}
	if strings.ContainsAny(text, ".eE") {
		v.add(SeverityError, "value", RuleDatatype, val, w.expr, "invalid %s %s: expected a whole number", code, show(w, text))
		return
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < -2147483648 || n > 2147483647 {
		v.add(SeverityError, "value", RuleDatatype, val, w.expr, "invalid %s %s: outside the 32-bit integer range", code, show(w, text))
		return
	}
	switch {
	case code == "positiveInt" && n < 1:
		v.add(SeverityError, "value", RuleDatatype, val, w.expr, "invalid positiveInt %s: must be 1 or more", show(w, text))
	case code == "unsignedInt" && n < 0:
		v.add(SeverityError, "value", RuleDatatype, val, w.expr, "invalid unsignedInt %s: must be 0 or more", show(w, text))
	}
}
