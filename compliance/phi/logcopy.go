package phi

import (
	"regexp"
	"sort"
)

// Local copies: "const s = patient.ssn; console.info(s)" logs the SSN
// through a variable whose name says nothing. The scanner records every
// assignment of a plain dotted expression to a local name, and a logged
// bare name counts as PHI when its latest assignment before the call
// copied a PHI reference.

// localAssignment matches "name = a.b.c", "name := a.b", and declarations
// such as "const name = a.b;" or "String name = a.b;", when the value is a
// dotted name alone, ended by ';' or the end of the line.
var localAssignment = regexp.MustCompile(`(?m)(?:^|[^\w.$])([A-Za-z_$][\w$]*)[ \t]*:?=[ \t]*([A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*)[ \t]*(?:;|\r?$)`)

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

// collectCopies records the assignments of the file in offset order.
func (s *fileScan) collectCopies() {
	s.copies = s.copies[:0]
	for _, m := range localAssignment.FindAllSubmatchIndex(s.data, -1) {
		name := string(s.data[m[2]:m[3]])
		source := string(s.data[m[4]:m[5]])
		s.copies = append(s.copies, localCopy{name: name, source: source, offset: m[2], phi: referencesPHI(source, false)})
	}
}

// copySource returns the PHI expression that the bare name held at
// offset off was copied from, or "" when its latest assignment before off
// copied no PHI, lies too far back, or does not exist.
func (s *fileScan) copySource(name string, off int) string {
	k := sort.Search(len(s.copies), func(i int) bool { return s.copies[i].offset >= off })
	for k--; k >= 0 && off-s.copies[k].offset <= maxCopyDistance; k-- {
		c := s.copies[k]
		if c.name != name {
			continue
		}
		if c.phi {
			return c.source
		}
		return ""
	}
	return ""
}
