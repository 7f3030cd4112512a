package phi

import (
	"bytes"
	"strings"
)

// Local copies: "const s = patient.ssn; console.info(s)" logs the SSN
// through a variable whose name says nothing. A logged bare name counts as
// PHI when its latest assignment before the call copied a PHI reference.

// maxCopyDistance bounds, in bytes, how far after its assignment a copy is
// followed, so that a short name reused in a later function is not taken
// for the same variable.
const maxCopyDistance = 3000

// localCopy is one assignment of a dotted expression to a local name.
type localCopy struct {
	name   string
	source string
	offset int
	phi    bool
}

// copySource returns the PHI expression that the bare name read at
// offset off was copied from, or "" when its latest assignment before off
// copied no PHI, lies more than maxCopyDistance bytes back, or does not
// exist. It searches backwards from off, so files without such calls cost
// nothing.
func (s *fileScan) copySource(name string, off int) string {
	if name == "" || strings.ContainsAny(name, ".?") {
		return ""
	}
	lo := max(0, off-maxCopyDistance)
	window := s.data[lo:off]
	for end := len(window); end > 0; {
		k := bytes.LastIndex(window[:end], []byte(name))
		if k < 0 {
			return ""
		}
		end = k
		at := lo + k
		eq := at + len(name)
		for eq < off && (s.data[eq] == ' ' || s.data[eq] == '\t' || s.data[eq] == ':') {
			eq++
		}
		if eq >= off || s.data[eq] != '=' {
			continue
		}
		c, ok := s.assignmentAt(eq)
		if !ok || c.offset != at || c.name != name {
			continue
		}
		if c.phi {
			return c.source
		}
		return ""
	}
	return ""
}

// assignmentAt returns the assignment whose '=' is at index eq when it
// assigns a dotted name alone to a local name: "name = a.b.c",
// "name := a.b", or a declaration such as "const name = a.b;" or
// "String name = a.b;", with the value ended by ';' or the end of the line.
func (s *fileScan) assignmentAt(eq int) (localCopy, bool) {
	data := s.data
	if eq+1 < len(data) && (data[eq+1] == '=' || data[eq+1] == '>') {
		return localCopy{}, false
	}
	// The name: skip ':' of ":=" and blanks, then read an identifier.
	j := eq
	if j > 0 && data[j-1] == ':' {
		j--
	}
	for j > 0 && (data[j-1] == ' ' || data[j-1] == '\t') {
		j--
	}
	nameEnd := j
	for j > 0 && isIdentByte(data[j-1]) {
		j--
	}
	// No identifier ends there when an operator such as "+=", "<=", "!="
	// or "==" puts its other byte before the '='.
	if j == nameEnd || isDigit(data[j]) || j > 0 && (isIdentByte(data[j-1]) || data[j-1] == '.') {
		return localCopy{}, false
	}

	// The value: blanks, then a dotted name alone up to ';' or the line end.
	v := eq + 1
	for v < len(data) && (data[v] == ' ' || data[v] == '\t') {
		v++
	}
	valueStart := v
	for v < len(data) && (isIdentByte(data[v]) || data[v] == '.' || data[v] == '?' && v+1 < len(data) && data[v+1] == '.') {
		v++
	}
	if v == valueStart || isDigit(data[valueStart]) || data[v-1] == '.' {
		return localCopy{}, false
	}
	valueEnd := v
	for v < len(data) && (data[v] == ' ' || data[v] == '\t') {
		v++
	}
	if v < len(data) && data[v] != ';' && data[v] != '\n' && data[v] != '\r' {
		return localCopy{}, false
	}
	source := string(data[valueStart:valueEnd])
	return localCopy{name: string(data[j:nameEnd]), source: source, offset: j, phi: referencesPHI(source, false)}, true
}

// isIdentByte reports whether c continues an identifier in Go, Java,
// Python or JavaScript, where '$' is a letter too.
func isIdentByte(c byte) bool { return isWordByte(c) || c == '$' }
