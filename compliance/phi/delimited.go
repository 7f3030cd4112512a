package phi

import "bytes"

// Delimiter-separated text: a header row whose columns name PHI (name,
// dob, ssn) gives its categories to the cells of the rows below it. The
// same rows are found in a .csv, a .tsv, a .txt or a Markdown table,
// because exports land in a repository under any name. Program source
// files (Go, JavaScript, Java, Python) are not read for tables.

// table is the header row that the current line may belong to.
type table struct {
	sep  byte
	cols []kind
	// patient is set when the columns or the file name put the rows in a
	// patient record, which weak name columns ("name") need.
	patient bool
	// strict ends the table at the first row whose cell count differs
	// from the header's. It is set for headers found in free text, where
	// such a row is prose again. A .csv or .tsv file keeps its header for
	// ragged rows too.
	strict bool
	// sawLine is set after the first non-blank line of the file.
	sawLine bool
	cells   []span
}

// tableSeparators are the cell separators tried on a line of free text.
const tableSeparators = ",\t;|"

// phiColumnKinds are the column categories that make a header row in free
// text count as a table.
const phiColumnKinds = kSSN | kMRN | kPlan | kDOB | kPhone | kEmail | kAddress | kName | kNameWeak |
	kNPI | kDEA | kMBI | kCard

// patientColumnKinds are the column categories that make every row a
// patient record.
const patientColumnKinds = kSSN | kMRN | kDOB | kMBI | kPatient | kPlan

// maxHeaderCell bounds the length of one header cell, in bytes.
const maxHeaderCell = 48

// tableLine handles data[off:end] as a table row or header and reports
// whether it consumed the line. A line it does not consume is scanned as
// free text.
func (s *fileScan) tableLine(t *table, off, end int) bool {
	if len(bytes.TrimSpace(s.data[off:end])) == 0 {
		if t.strict {
			t.cols = nil
		}
		return false
	}
	first := !t.sawLine
	t.sawLine = true
	if t.cols != nil {
		t.cells = s.tableCells(off, end, t.sep, t.cells[:0])
		if !t.strict || len(t.cells) == len(t.cols) {
			s.scanRow(t)
			return true
		}
		t.cols = nil
	}
	if !headerBytesOnly(s.data[off:end]) {
		return false
	}
	if s.fileSep != 0 && first {
		// The first line of a .csv or .tsv file is its header when it
		// reads like one, whatever its columns are.
		if s.tableHeader(t, off, end, s.fileSep, false) {
			t.strict = false
			return true
		}
	}
	for i := 0; i < len(tableSeparators); i++ {
		sep := tableSeparators[i]
		if s.tableHeader(t, off, end, sep, true) {
			t.strict = sep != s.fileSep
			return true
		}
	}
	return false
}

// scanRow scans each cell of t.cells under its column's categories.
func (s *fileScan) scanRow(t *table) {
	if isRuleRow(s.data, t.cells) {
		return
	}
	for i, c := range t.cells {
		var k kind
		if i < len(t.cols) {
			k = t.cols[i]
		}
		if c.end > c.start {
			s.scanLine(c.start, c.end, k, t.patient)
		}
	}
}

// tableHeader sets t to the header row data[off:end] split at sep and
// reports whether the line is one: at least two cells that read as column
// names and no cell that does not. With needPHI set, at least one column
// must name a PHI category.
func (s *fileScan) tableHeader(t *table, off, end int, sep byte, needPHI bool) bool {
	if bytes.IndexByte(s.data[off:end], sep) < 0 {
		return false
	}
	t.cells = s.tableCells(off, end, sep, t.cells[:0])
	cells := t.cells
	cols := make([]kind, 0, len(cells))
	named := 0
	var all kind
	for _, c := range cells {
		cell := bytes.Trim(s.data[c.start:c.end], "\"' \t\r")
		if len(cell) == 0 {
			cols = append(cols, 0)
			continue
		}
		if !isColumnName(cell) {
			return false
		}
		named++
		k := lookupKeyword(withoutSpaces(cell))
		all |= k
		cols = append(cols, k)
	}
	if named < 2 || needPHI && all&phiColumnKinds == 0 {
		return false
	}
	t.sep = sep
	t.cols = cols
	t.patient = all&patientColumnKinds != 0 || bytes.Contains(bytes.ToLower([]byte(s.path)), []byte("patient"))
	return true
}

// tableCells splits a row into cell spans. A Markdown table row loses its
// outer pipes first, so "| a | b |" has two cells.
func (s *fileScan) tableCells(off, end int, sep byte, cells []span) []span {
	if sep == '|' {
		l, r := off, end
		for l < r && (s.data[l] == ' ' || s.data[l] == '\t') {
			l++
		}
		for r > l && (s.data[r-1] == ' ' || s.data[r-1] == '\t' || s.data[r-1] == '\r') {
			r--
		}
		if l < r && s.data[l] == '|' {
			l++
		}
		if r > l && s.data[r-1] == '|' {
			r--
		}
		off, end = l, r
	}
	return splitCells(s.data, off, end, sep, cells)
}

// headerBytesOnly reports whether line has only bytes that a header row
// may have: those of column names, quotes and separators. It rejects most
// lines of code and prose in one pass, before any split.
func headerBytesOnly(line []byte) bool {
	for _, c := range line {
		switch {
		case isAlnum(c):
		case c == ' ', c == '\t', c == '\r', c == '_', c == '-', c == '.', c == '#', c == '/', c == '(', c == ')',
			c == '"', c == '\'', c == ',', c == ';', c == '|':
		default:
			return false
		}
	}
	return true
}

// isColumnName reports whether cell reads as a column name: a letter or
// '_' first, then letters, at most two digits and a few joining
// characters, so that a row of values never passes for a header.
func isColumnName(cell []byte) bool {
	if len(cell) > maxHeaderCell || !(isAlpha(cell[0]) || cell[0] == '_') {
		return false
	}
	digits := 0
	for _, c := range cell {
		switch {
		case isAlpha(c), c == '_', c == ' ', c == '-', c == '.', c == '#', c == '/', c == '(', c == ')':
		case isDigit(c):
			digits++
		default:
			return false
		}
	}
	return digits <= 2
}

// withoutSpaces returns cell without spaces, so "Date of Birth" is looked
// up as one key.
func withoutSpaces(cell []byte) []byte {
	if bytes.IndexByte(cell, ' ') < 0 {
		return cell
	}
	return bytes.ReplaceAll(cell, []byte(" "), nil)
}

// isRuleRow reports whether every cell is a Markdown alignment rule such
// as "---" or ":--:".
func isRuleRow(data []byte, cells []span) bool {
	dash := false
	for _, c := range cells {
		for _, b := range data[c.start:c.end] {
			switch b {
			case '-':
				dash = true
			case ':', ' ', '\t', '\r', '=':
			default:
				return false
			}
		}
	}
	return dash
}

// splitCells splits one CSV line into cell spans, honouring double quotes.
func splitCells(data []byte, start, end int, sep byte, cells []span) []span {
	i := start
	for i <= end {
		if i < end && data[i] == '"' {
			j := i + 1
			for j < end {
				if data[j] == '"' {
					if j+1 < end && data[j+1] == '"' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			cells = append(cells, span{i + 1, j})
			for j < end && data[j] != sep {
				j++
			}
			i = j + 1
			continue
		}
		j := i
		for j < end && data[j] != sep {
			j++
		}
		e := j
		if e > i && data[e-1] == '\r' {
			e--
		}
		cells = append(cells, span{i, e})
		i = j + 1
	}
	return cells
}
