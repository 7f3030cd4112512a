package phi

import (
	"bytes"
	"sort"
)

// scanSQL classifies the values of INSERT INTO t (columns) VALUES (...)
// statements by column name. The later text pass skips the values covered
// here, so a value is classified once, with its column as context.
func (s *fileScan) scanSQL() {
	data := s.data
	lower := bytes.ToLower(data)
	for off := 0; ; {
		k := bytes.Index(lower[off:], []byte("insert into"))
		if k < 0 {
			break
		}
		off += k + len("insert into")
		off = s.parseInsert(lower, off)
	}
	sort.Slice(s.covered, func(i, j int) bool { return s.covered[i].start < s.covered[j].start })
	s.structured = false
}

// parseInsert parses one INSERT statement after its keywords and returns
// the offset to continue from. Statements it cannot parse are left to the
// text pass.
func (s *fileScan) parseInsert(lower []byte, i int) int {
	data := s.data
	skip := func() {
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n') {
			i++
		}
	}
	skip()
	tableStart := i
	for i < len(data) && (isWordByte(data[i]) || data[i] == '.' || data[i] == '"' || data[i] == '`' || data[i] == '[' || data[i] == ']') {
		i++
	}
	patient := lookupKeyword(bytes.Trim(tableName(data[tableStart:i]), "\"`[]"))&kPatient != 0 ||
		bytes.Contains(lower[tableStart:i], []byte("patient"))
	skip()
	if i >= len(data) || data[i] != '(' {
		return i
	}
	closeCols := bytes.IndexByte(data[i:], ')')
	if closeCols < 0 {
		return i
	}
	var cols []kind
	for _, c := range bytes.Split(data[i+1:i+closeCols], []byte(",")) {
		k := lookupKeyword(bytes.Trim(c, " \t\r\n\"`[]"))
		if k&(kSSN|kMRN|kDOB|kMBI|kPlan) != 0 {
			patient = true
		}
		cols = append(cols, k)
	}
	i += closeCols + 1
	skip()
	if !bytes.HasPrefix(lower[i:], []byte("values")) {
		return i
	}
	i += len("values")
	s.structured = true
	for {
		skip()
		if i >= len(data) || data[i] != '(' {
			return i
		}
		i++
		for col := 0; i < len(data); col++ {
			skip()
			var v span
			if i < len(data) && data[i] == '\'' {
				j := i + 1
				for j < len(data) {
					if data[j] == '\'' {
						if j+1 < len(data) && data[j+1] == '\'' {
							j += 2
							continue
						}
						break
					}
					j++
				}
				v = span{i + 1, j}
				i = j + 1
			} else {
				j := i
				depth := 0
				for j < len(data) && !(depth == 0 && (data[j] == ',' || data[j] == ')')) {
					if data[j] == '(' {
						depth++
					} else if data[j] == ')' {
						depth--
					}
					j++
				}
				v = trimSpan(data, i, j)
				i = j
			}
			var k kind
			if col < len(cols) {
				k = cols[col]
			}
			if v.end > v.start && v.end <= len(data) {
				s.curLine = s.lineAt(v.start)
				s.scanLine(v.start, v.end, k, patient)
				s.covered = append(s.covered, v)
			}
			skip()
			if i >= len(data) {
				return i
			}
			if data[i] == ',' {
				i++
				continue
			}
			if data[i] == ')' {
				i++
				break
			}
			return i
		}
		skip()
		if i < len(data) && data[i] == ',' {
			i++
			continue
		}
		return i
	}
}

// tableName returns the last part of a qualified name such as public.patients.
func tableName(name []byte) []byte {
	if k := bytes.LastIndexByte(name, '.'); k >= 0 {
		return name[k+1:]
	}
	return name
}
