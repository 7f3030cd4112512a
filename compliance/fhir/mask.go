package fhir

import (
	"fmt"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"
)

// personResources are the resource types about a person. Every value
// under them, whatever element it sits in, is masked in messages: an
// invalid value in a code or reference field is where a shifted column
// of an export puts a surname or an SSN.
var personResources = map[string]bool{"Patient": true, "Practitioner": true, "RelatedPerson": true, "Person": true}

// showKey quotes a JSON property name for a message. Below person data a
// name that no FHIR type defines is masked, because it may be a value
// typed where a key belongs.
func (v *validator) showKey(w walk, key string) string {
	if !w.phi || v.m.names[strings.TrimPrefix(key, "_")] {
		return strconv.Quote(key)
	}
	return maskValue(key)
}

// showSystem returns a code system URI for a message. Below person data
// only a system that an embedded value set uses is printed in full.
func (v *validator) showSystem(w walk, system string) string {
	if !w.phi || v.m.systems[system] {
		return system
	}
	return maskValue(system)
}

// showRef quotes a reference for a message. It is masked below person
// data and wherever it points at a person resource, because the id of a
// Patient is often its medical record number.
func showRef(w walk, ref string) string {
	if w.phi || pointsAtPerson(ref) {
		return maskValue(ref)
	}
	return show(w, ref)
}

// pointsAtPerson reports whether a reference or URL names a person
// resource type as its type segment, such as Patient/123,
// https://server/fhir/RelatedPerson/7 or Patient?identifier=x.
func pointsAtPerson(ref string) bool {
	for t := range personResources {
		if strings.HasPrefix(ref, t+"/") || strings.HasPrefix(ref, t+"?") || strings.Contains(ref, "/"+t+"/") {
			return true
		}
	}
	return false
}

// showIf quotes s, or masks it when mask is set.
func showIf(mask bool, s string) string {
	if mask {
		return maskValue(s)
	}
	return strconv.Quote(s)
}

// maskIn replaces every occurrence of value in a message built by other
// code, such as the terminology package, with its mask.
func maskIn(message, value string) string {
	if value == "" {
		return message
	}
	masked := maskValue(value)
	message = strings.ReplaceAll(message, strconv.Quote(value), masked)
	return strings.ReplaceAll(message, value, masked)
}

// closest returns the candidate nearest to s by edit distance when it is
// close enough to be a typo of it: at most one edit for names of up to
// four characters and two for longer ones. A case-only difference always
// counts. It returns "" when no candidate is that close.
func closest(s string, candidates iter.Seq[string]) string {
	if s == "" || utf8.RuneCountInString(s) > 64 {
		return ""
	}
	limit := 2
	if utf8.RuneCountInString(s) <= 4 {
		limit = 1
	}
	best, bestDistance := "", limit+1
	for c := range candidates {
		if strings.EqualFold(c, s) {
			return c
		}
		if d := editDistance(s, c, limit); d < bestDistance || d == bestDistance && best != "" && c < best {
			best, bestDistance = c, d
		}
	}
	if bestDistance > limit {
		return ""
	}
	return best
}

// editDistance returns the Levenshtein distance between a and b, or
// limit+1 once it is known to exceed limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// suggest returns "; did you mean "x"?" naming the code of the value set
// closest to s, or "" when none is close. The hint shows a code of the
// value set, never the value itself.
func (vs *valueSet) suggest(s string) string {
	codes := func(yield func(string) bool) {
		for key := range vs.codes {
			if code, ok := strings.CutPrefix(key, "|"); ok && !yield(code) {
				return
			}
		}
	}
	if guess := closest(s, codes); guess != "" {
		return fmt.Sprintf("; did you mean %q?", guess)
	}
	return ""
}
