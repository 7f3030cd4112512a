package phi

import (
	"bytes"
	"sort"
	"strconv"
	"strings"
)

// pidFields maps PID field positions (HL7 v2.5 chapter 3) to the categories
// of their values. PID-3 is handled per repetition, by identifier type.
var pidFields = map[int]kind{
	2:  kMRN,     // patient ID (external)
	4:  kMRN,     // alternate patient ID
	5:  kName,    // patient name (XPN)
	6:  kName,    // mother's maiden name
	7:  kDOB,     // date/time of birth
	11: kAddress, // patient address (XAD)
	13: kPhone,   // home phone (XTN)
	14: kPhone,   // business phone (XTN)
	18: kMRN,     // patient account number
	19: kSSN,     // SSN number - patient
}

// nk1Fields maps next-of-kin fields: a relative's name, address and phone
// identify the patient's household.
var nk1Fields = map[int]kind{2: kName, 4: kAddress, 5: kPhone, 6: kPhone}

// cxTypeKinds maps the identifier type code (CX.5, HL7 table 0203) of a
// PID-3 repetition to the category of its ID (CX.1).
var cxTypeKinds = map[string]kind{
	"SS": kSSN, "MR": kMRN, "MRN": kMRN, "PI": kMRN, "PT": kMRN, "AN": kMRN,
	"MC": kMBI, "MB": kPlan, "MA": kPlan, "SN": kPlan, "NPI": kNPI,
}

// scanHL7 parses HL7 v2 messages: segments end with CR or LF, MSH-1 and
// MSH-2 give the field, component and repetition separators, and field
// positions give the meaning of each value.
func (s *fileScan) scanHL7() {
	data := s.data
	fieldSep, compSep, repSep := byte('|'), byte('^'), byte('~')
	message := -1
	var pid *hit
	pidFirst := 0
	for off := 0; off < len(data); {
		end := off
		for end < len(data) && data[end] != '\r' && data[end] != '\n' {
			end++
		}
		seg := data[off:end]
		s.curLine = s.lineAt(off)
		switch {
		case bytes.HasPrefix(seg, []byte("MSH")) && len(seg) >= 8:
			s.closePID(pid, pidFirst)
			pid = nil
			fieldSep, compSep, repSep = seg[3], seg[4], seg[5]
			message++
			s.curRecord = message
		case len(seg) > 4 && string(seg[:3]) == "PID" && seg[3] == fieldSep:
			s.closePID(pid, pidFirst)
			pidFirst = len(s.hits)
			pid = &hit{rule: RuleHL7PID, start: off, end: off + 3, line: s.curLine, record: s.curRecord, value: "PID", confidence: 0.95}
			s.scanSegment(off, end, fieldSep, compSep, repSep, pidFields, true)
		case len(seg) > 4 && string(seg[:3]) == "NK1" && seg[3] == fieldSep:
			s.scanSegment(off, end, fieldSep, compSep, repSep, nk1Fields, false)
		case len(seg) > 4 && string(seg[:3]) == "DG1" && seg[3] == fieldSep:
			s.scanSegment(off, end, fieldSep, compSep, repSep, map[int]kind{3: kICD}, false)
		case end > off:
			s.structured = false
			s.scanLine(off, end, 0, false)
		}
		off = end + 1
	}
	s.closePID(pid, pidFirst)
}

// scanSegment classifies the fields of one segment by position.
func (s *fileScan) scanSegment(off, end int, fieldSep, compSep, repSep byte, fields map[int]kind, isPID bool) {
	s.structured = true
	data := s.data
	pos := 0
	for start := off; start <= end; pos++ {
		j := start
		for j < end && data[j] != fieldSep {
			j++
		}
		k := fields[pos]
		switch {
		case pos == 0:
		case isPID && pos == 3:
			s.scanCX(start, j, compSep, repSep)
		case k != 0 && j > start:
			for _, r := range splitOn(data, start, j, repSep) {
				if k&(kPhone|kMRN|kSSN|kICD) != 0 {
					// Only the first component holds the number or code.
					r.end = firstComponent(data, r, compSep)
				}
				if r.end > r.start {
					s.scanLine(r.start, r.end, k, true)
				}
			}
		case j > start:
			s.structured = false
			s.scanLine(start, j, 0, false)
			s.structured = true
		}
		start = j + 1
	}
	s.structured = false
}

// scanCX classifies each repetition of a PID-3 identifier list by its
// identifier type code.
func (s *fileScan) scanCX(start, end int, compSep, repSep byte) {
	data := s.data
	for _, r := range splitOn(data, start, end, repSep) {
		comps := splitOn(data, r.start, r.end, compSep)
		if len(comps) == 0 || comps[0].end == comps[0].start {
			continue
		}
		k := kMRN
		if len(comps) >= 5 {
			if t, ok := cxTypeKinds[strings.ToUpper(string(data[comps[4].start:comps[4].end]))]; ok {
				k = t
			}
		}
		s.scanLine(comps[0].start, comps[0].end, k, true)
	}
}

func splitOn(data []byte, start, end int, sep byte) []span {
	var out []span
	for i := start; i <= end; {
		j := i
		for j < end && data[j] != sep {
			j++
		}
		out = append(out, span{i, j})
		i = j + 1
	}
	return out
}

func firstComponent(data []byte, r span, compSep byte) int {
	for i := r.start; i < r.end; i++ {
		if data[i] == compSep {
			return i
		}
	}
	return r.end
}

// closePID adds the segment-level finding when the PID segment produced
// field hits, listing the fields it exposes.
func (s *fileScan) closePID(pid *hit, first int) {
	if pid == nil || len(s.hits) == first {
		return
	}
	rules := map[string]bool{}
	synthetic := "every identifier in the segment is synthetic"
	for _, h := range s.hits[first:] {
		rules[strings.TrimPrefix(h.rule, "phi/")] = true
		if h.synthetic == "" {
			synthetic = ""
		}
	}
	names := make([]string, 0, len(rules))
	for r := range rules {
		names = append(names, r)
	}
	sort.Strings(names)
	pid.synthetic = synthetic
	if synthetic == "" && s.synthFile != "" {
		pid.synthetic = s.synthFile
	}
	pid.masked = "PID segment with " + strconv.Itoa(len(s.hits)-first) + " identifiers (" + strings.Join(names, ", ") + ")"
	pid.detail = "HL7 v2 PID segment"
	s.hits = append(s.hits, *pid)
}
