package phi

import (
	"sort"
	"strings"
)

// MaskText returns s with every identifier that the scanner detects in it
// replaced by the masked form that findings show: an SSN becomes
// "***-**-6789", a date of birth "**/**/****", an e-mail address
// "j*******@*******.org". It runs the same detectors and context rules as a
// scan of a text file. So values that need a keyword (an NPI, a bare
// nine-digit SSN, a name) are masked only where a keyword gives them
// context. SSNs in 3-2-4 form, MBIs, grouped card numbers and
// parenthesized US phone numbers are masked anywhere.
//
// Values inside paths, URLs and identifiers, such as
// "exports/123-45-6789_smith.txt" or "/Patient/123-45-6789", are found by
// a second pass that reads '/', '\', '_', '.', ':', '=', '?', '&', '#', '%'
// and '$' as spaces. Synthetic values are masked too, because a renderer
// cannot tell a reader which values are safe to print.
func MaskText(s string) string {
	if !maybeIdentifier(s) {
		return s
	}
	data := []byte(s)
	hits := scanFile("", data, nil)
	if spaced, ok := spaceSeparators(data); ok {
		hits = append(hits, scanFile("", spaced, nil)...)
	}
	if len(hits) == 0 {
		return s
	}
	return applyMasks(s, hits)
}

// maybeIdentifier reports whether s has a digit, an '@' or a letter run
// long enough to be a keyword. Every detector needs one of them, so text
// without any is returned as it is without a scan.
func maybeIdentifier(s string) bool {
	letters := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c) || c == '@':
			return true
		case isAlpha(c):
			letters++
			if letters >= 3 {
				return true
			}
		default:
			letters = 0
		}
	}
	return false
}

// pathSeparators are the bytes that glue a value to its neighbours in
// paths, URLs, query strings and identifiers.
const pathSeparators = "/\\_.:=?&#%$"

// spaceSeparators returns a copy of data with path separators, and a '-'
// between a letter and a digit, turned into spaces. The copy has the same
// length, so hit offsets apply to data unchanged. It returns false when no
// byte changed.
func spaceSeparators(data []byte) ([]byte, bool) {
	var out []byte
	for i, c := range data {
		sep := strings.IndexByte(pathSeparators, c) >= 0 ||
			c == '-' && i > 0 && isAlpha(data[i-1]) && i+1 < len(data) && isDigit(data[i+1])
		if !sep {
			continue
		}
		if out == nil {
			out = append([]byte(nil), data...)
		}
		out[i] = ' '
	}
	return out, out != nil
}

// applyMasks replaces the span of every hit in s with its masked value.
// Overlapping hits are merged, and a merged span is masked whole.
func applyMasks(s string, hits []hit) string {
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].start != hits[j].start {
			return hits[i].start < hits[j].start
		}
		return hits[i].end > hits[j].end
	})
	var b strings.Builder
	b.Grow(len(s))
	done := 0
	for i := 0; i < len(hits); {
		start, end, style := hits[i].start, hits[i].end, hits[i].style
		j := i + 1
		for ; j < len(hits) && hits[j].start < end; j++ {
			if hits[j].end > end {
				end = hits[j].end
				style = maskAll
			}
		}
		if start < done {
			start = done
		}
		if start < end {
			b.WriteString(s[done:start])
			b.WriteString(mask(s[start:end], style))
			done = end
		}
		i = j
	}
	b.WriteString(s[done:])
	return b.String()
}
