package hipaa

import "strings"

// minIdentifierDigits is the number of digits from which a literal route
// segment is taken for a record identifier (an SSN, MRN, phone number or
// birth date) and masked. Years and API versions have fewer.
const minIdentifierDigits = 5

// maskRoutePath returns the route path with the literal segments that may
// identify a patient masked, because findings, evidence and reports print
// route paths. A hard-coded route such as "/fhir/Patient/536-22-1234/smith"
// becomes "/fhir/Patient/***-**-****/*****". A literal segment is masked
// when it has at least minIdentifierDigits digits or an '@', and so is
// every literal segment after a masked one, such as a surname that follows
// an SSN. Parameters (":id", "{id}", "*") and FHIR operation and control
// segments ("$everything", "_history") are kept, and a parameter ends the
// masking.
func maskRoutePath(path string) string {
	segments := strings.Split(path, "/")
	masking := false
	for i, seg := range segments {
		switch {
		case seg == "":
		case isRouteParameter(seg):
			masking = false
		case strings.HasPrefix(seg, "$") || strings.HasPrefix(seg, "_"):
		case masking || digitCount(seg) >= minIdentifierDigits || strings.Contains(seg, "@"):
			segments[i] = maskSegment(seg)
			masking = true
		}
	}
	return strings.Join(segments, "/")
}

// isRouteParameter reports whether seg is a path parameter or wildcard in
// Express, Nest or OpenAPI syntax.
func isRouteParameter(seg string) bool {
	return strings.HasPrefix(seg, ":") || strings.HasPrefix(seg, "{") || strings.HasPrefix(seg, "*") ||
		strings.HasPrefix(seg, "(")
}

func digitCount(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// maskSegment replaces every letter and digit of seg with '*' and keeps
// punctuation, so the shape of the value stays readable.
func maskSegment(seg string) string {
	b := []byte(seg)
	for i, c := range b {
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
			b[i] = '*'
		}
	}
	return string(b)
}
