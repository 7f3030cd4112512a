package phi

import (
	"bytes"
	"path"
	"sort"
	"strings"
)

// hit is a detection inside one file before it becomes a gates.Finding.
// value is the detected text and never leaves the package unmasked.
type hit struct {
	rule       string
	start, end int
	line       int
	record     int
	value      string
	// masked replaces the masked value for summary findings (an HL7 PID
	// segment, a FHIR Patient resource) whose value is a list of fields.
	masked     string
	confidence float64
	synthetic  string
	detail     string
	style      maskStyle
}

// icdCandidate is an ICD-10-CM code that becomes a finding only when an
// identifier sits in the same record.
type icdCandidate struct {
	start, end int
	line       int
	record     int
}

// fileScan is the state of scanning one file.
type fileScan struct {
	path string
	data []byte
	ls   lineScan
	hits []hit
	icds []icdCandidate

	curLine         int
	curRecord       int // HL7 message index, or -1 outside HL7
	lastPatientLine int
	structured      bool // values come from a parsed structure (JSON, SQL, HL7)
	// fileSep is the cell separator of a .csv or .tsv file, or 0.
	fileSep byte
	// source is set for program source files, whose lines are never
	// table rows.
	source    bool
	synthFile string
	covered   []span // values already classified by a structured pass
	// icdWindow is how many lines apart an ICD-10-CM code and an
	// identifier may be outside HL7: nested JSON and YAML records span
	// lines, other text ties them only on one line.
	icdWindow int

	lineOff int // byte offset of the line counted in lineNo
	// logExpr and logExprAt carry a PHI reference found inside an
	// interpolated string out of skipString.
	logExpr   string
	logExprAt int
	lineNo    int
}

// identifierRules are the rules whose hits tie an ICD-10-CM code to a person.
var identifierRules = map[string]bool{
	RuleSSN: true, RuleMBI: true, RuleMRN: true, RuleName: true, RuleDOB: true,
	RulePhone: true, RuleEmail: true, RuleAddress: true,
}

// objectICDWindow is the icdWindow of JSON and YAML files, in lines.
const objectICDWindow = 8

func (s *fileScan) addHit(h hit) {
	if len(s.covered) > 0 && !s.structured && s.isCovered(h.start, h.end) {
		return
	}
	if h.synthetic == "" && s.synthFile != "" {
		h.synthetic = s.synthFile
	}
	h.line = s.curLine
	h.record = s.curRecord
	s.hits = append(s.hits, h)
}

func (s *fileScan) isCovered(start, end int) bool {
	k := sort.Search(len(s.covered), func(i int) bool { return s.covered[i].end > start })
	return k < len(s.covered) && s.covered[k].start < end
}

// lineAt returns the 1-based line of offset off. Calls must not go
// backwards by more than one line, which holds for every pass because
// each pass walks the file forward.
func (s *fileScan) lineAt(off int) int {
	if off < s.lineOff {
		s.lineOff, s.lineNo = 0, 1
	}
	s.lineNo += bytes.Count(s.data[s.lineOff:off], []byte{'\n'})
	s.lineOff = off
	return s.lineNo
}

// format is the parser a file goes through.
type format uint8

const (
	formatText format = iota
	formatYAML
	formatJSON
	formatCSV
	formatTSV
	formatSQL
	formatHL7
)

// language is the programming language whose logging calls are checked.
type language uint8

const (
	langNone language = iota
	langGo
	langJS
	langJava
	langPython
)

func detectFormat(p string, data []byte) (format, language) {
	ext := strings.ToLower(path.Ext(p))
	switch ext {
	case ".json", ".fhir", ".ndjson":
		return formatJSON, langNone
	case ".yaml", ".yml":
		return formatYAML, langNone
	case ".csv":
		return formatCSV, langNone
	case ".tsv":
		return formatTSV, langNone
	case ".sql":
		return formatSQL, langNone
	case ".hl7", ".hl7v2":
		return formatHL7, langNone
	case ".go":
		return formatText, langGo
	case ".js", ".jsx", ".ts", ".tsx", ".mjs", ".cjs", ".mts", ".cts":
		return formatText, langJS
	case ".java", ".kt", ".scala":
		return formatText, langJava
	case ".py":
		return formatText, langPython
	}
	if bytes.HasPrefix(data, []byte("MSH|")) {
		return formatHL7, langNone
	}
	return formatText, langNone
}

// scanFile runs every pass that applies to the file and returns its hits.
func scanFile(p string, data []byte, maskFuncs map[string]bool) []hit {
	s := &fileScan{path: p, data: data, curRecord: -1, lineNo: 1}
	if bytes.Contains(data, []byte("synthetichealth/synthea")) {
		s.synthFile = "Synthea-generated fixture"
	}
	f, lang := detectFormat(p, data)
	s.source = lang != langNone
	if f == formatJSON || f == formatYAML {
		s.icdWindow = objectICDWindow
	}
	switch f {
	case formatJSON:
		if !s.scanJSON() {
			s.hits = s.hits[:0]
			s.icds = s.icds[:0]
			s.scanText(false)
		}
	case formatCSV:
		s.fileSep = ','
		s.scanText(false)
	case formatTSV:
		s.fileSep = '\t'
		s.scanText(false)
	case formatSQL:
		s.scanSQL()
		s.scanText(false)
	case formatHL7:
		s.scanHL7()
	case formatYAML:
		s.scanText(true)
	default:
		s.scanText(false)
	}
	if lang != langNone {
		s.scanLogCalls(lang, maskFuncs)
	}
	s.resolveICD()
	sort.SliceStable(s.hits, func(i, j int) bool { return s.hits[i].start < s.hits[j].start })
	return s.hits
}

// yamlFrame is a mapping key that encloses the following lines.
type yamlFrame struct {
	indent  int
	patient bool
}

// scanText scans the file line by line. With yaml set it tracks the
// enclosing mapping keys, so that "name:" under "patient:" counts as a
// patient's name.
func (s *fileScan) scanText(yaml bool) {
	s.structured = false
	data := s.data
	var stack []yamlFrame
	var tbl table
	line := 0
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += off
		}
		line++
		s.curLine = line
		patient := false
		if yaml {
			stack, patient = s.yamlContext(stack, off, end)
		} else if !s.source && s.tableLine(&tbl, off, end) {
			off = end + 1
			continue
		}
		if end > off {
			s.scanLine(off, end, 0, patient)
		}
		off = end + 1
	}
}

// yamlContext updates the stack of enclosing keys for the line
// data[off:end] and reports whether a patient key encloses it.
func (s *fileScan) yamlContext(stack []yamlFrame, off, end int) ([]yamlFrame, bool) {
	data := s.data
	indent := 0
	for off+indent < end && (data[off+indent] == ' ' || data[off+indent] == '-') {
		indent++
	}
	if off+indent >= end || data[off+indent] == '#' {
		patient := len(stack) > 0 && stack[len(stack)-1].patient
		return stack, patient
	}
	for len(stack) > 0 && stack[len(stack)-1].indent >= indent {
		stack = stack[:len(stack)-1]
	}
	patient := len(stack) > 0 && stack[len(stack)-1].patient
	k := off + indent
	for k < end && (isWordByte(data[k]) || data[k] == '-') {
		k++
	}
	if k < end && data[k] == ':' {
		key := data[off+indent : k]
		rest := bytes.TrimSpace(data[k+1 : end])
		if len(rest) == 0 || rest[0] == '&' || rest[0] == '#' {
			stack = append(stack, yamlFrame{indent: indent, patient: patient || lookupKeyword(key)&kPatient != 0})
		}
	}
	return stack, patient
}

// resolveICD turns ICD-10-CM candidates into findings when an identifier
// hit is in the same HL7 message, or within icdWindow lines elsewhere.
func (s *fileScan) resolveICD() {
	if len(s.icds) == 0 {
		return
	}
	// Identifier hits by HL7 message and, sorted, by line, so each
	// candidate looks only at its own record or line window.
	type recordIDs struct{ found, real bool }
	byRecord := map[int]recordIDs{}
	var byLine []hit
	for _, h := range s.hits {
		if !identifierRules[h.rule] {
			continue
		}
		if h.record >= 0 {
			r := byRecord[h.record]
			byRecord[h.record] = recordIDs{found: true, real: r.real || h.synthetic == ""}
		}
		byLine = append(byLine, h)
	}
	sort.SliceStable(byLine, func(i, j int) bool { return byLine[i].line < byLine[j].line })
	for _, c := range s.icds {
		synthetic := "all identifiers next to the code are synthetic"
		found := false
		if c.record >= 0 {
			r := byRecord[c.record]
			found = r.found
			if r.real {
				synthetic = ""
			}
		} else {
			k := sort.Search(len(byLine), func(i int) bool { return byLine[i].line >= c.line-s.icdWindow })
			for ; k < len(byLine) && byLine[k].line <= c.line+s.icdWindow; k++ {
				found = true
				if byLine[k].synthetic == "" {
					synthetic = ""
				}
			}
		}
		if !found {
			continue
		}
		if synthetic == "" && s.synthFile != "" {
			synthetic = s.synthFile
		}
		s.hits = append(s.hits, hit{rule: RuleICD, start: c.start, end: c.end, line: c.line,
			value: string(s.data[c.start:c.end]), style: maskAll, record: c.record,
			confidence: 0.8, synthetic: synthetic, detail: "diagnosis code in a record with a patient identifier"})
	}
}
