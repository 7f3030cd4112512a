package phi

import (
	"sort"
	"strconv"
	"strings"
)

// jsonFrame is one object or array of a JSON document.
type jsonFrame struct {
	parent  int
	key     string // key under which the frame sits in its parent
	isArray bool
	// resourceType and system are the frame's own "resourceType" and
	// "system" string members, which identify what a FHIR element is.
	resourceType string
	system       string
	// typeAt is the offset of the resourceType value.
	typeAt     int
	start, end int
}

// jsonScalar is a string or number member or array element.
type jsonScalar struct {
	frame      int
	key        string
	start, end int // the value without quotes
}

// maxJSONDepth bounds nesting so hostile input cannot exhaust memory.
const maxJSONDepth = 512

// scanJSON tokenizes the file, then classifies every scalar by its key and
// by the FHIR resource it belongs to. It returns false when the file is not
// valid enough JSON to walk, so the caller can scan it as text.
func (s *fileScan) scanJSON() bool {
	frames, scalars, ok := tokenizeJSON(s.data)
	if !ok {
		return false
	}
	s.structured = true
	// Frames come parent first, so one forward pass settles, for every
	// frame, the Patient resource and the patient key that enclose it.
	patientOf := make([]int, len(frames))
	underPatientKey := make([]bool, len(frames))
	for i := range frames {
		patientOf[i] = -1
		f := &frames[i]
		underPatientKey[i] = lookupKeyword([]byte(f.key))&kPatient != 0 || f.parent >= 0 && underPatientKey[f.parent]
		switch {
		case f.resourceType == "Patient":
			patientOf[i] = i
		case f.resourceType == "" && f.parent >= 0:
			patientOf[i] = patientOf[f.parent]
		}
	}
	patientHits := map[int][]int{}
	for _, sc := range scalars {
		k := lookupKeyword([]byte(sc.key))
		p := patientOf[sc.frame]
		k |= fhirKinds(frames, sc, p >= 0)
		patient := p >= 0 || underPatientKey[sc.frame]
		if sc.key == "resourceType" || sc.key == "system" || sc.key == "reference" || sc.key == "url" {
			continue
		}
		s.curLine = s.lineAt(sc.start)
		before := len(s.hits)
		s.scanLine(sc.start, sc.end, k, patient)
		if p >= 0 {
			for h := before; h < len(s.hits); h++ {
				patientHits[p] = append(patientHits[p], h)
			}
		}
	}
	s.addPatientHits(frames, patientHits)
	s.structured = false
	return true
}

// fhirKinds returns the categories a FHIR R4 element implies: HumanName
// parts and addresses inside a Patient, telecom values by their system,
// identifier values by their naming system, and ICD-10 codings.
func fhirKinds(frames []jsonFrame, sc jsonScalar, inPatient bool) kind {
	f := &frames[sc.frame]
	frameKey := f.key
	if f.isArray && f.parent >= 0 {
		// A scalar array such as "given": [...] or "line": [...].
		frameKey = frames[f.parent].key
	}
	system := strings.ToLower(f.system)
	switch {
	case sc.key == "value" && frameKey == "identifier" || sc.key == "value" && f.key == "identifier":
		switch {
		case strings.Contains(system, "us-ssn"):
			return kSSN
		case strings.Contains(system, "us-mbi") || strings.Contains(system, "medicare"):
			return kMBI
		case strings.Contains(system, "us-npi"):
			return kNPI
		case inPatient:
			return kMRN
		}
	case sc.key == "code" && (strings.Contains(system, "icd-10") || strings.Contains(system, "icd10")):
		return kICD
	case !inPatient:
		return 0
	case sc.key == "family" || sc.key == "given":
		return kName
	case sc.key == "text" && frameKey == "name":
		return kName
	case sc.key == "line" || sc.key == "text" && frameKey == "address":
		return kAddress
	case sc.key == "value" && (f.key == "telecom" || frameKey == "telecom"):
		if system == "email" {
			return kEmail
		}
		return kPhone
	}
	return 0
}

// addPatientHits adds one finding per FHIR Patient resource that
// produced field hits, at the resource's "resourceType" member.
func (s *fileScan) addPatientHits(frames []jsonFrame, patientHits map[int][]int) {
	for p, idx := range patientHits {
		if len(idx) == 0 {
			continue
		}
		rules := map[string]bool{}
		synthetic := "every identifier in the resource is synthetic"
		for _, h := range idx {
			rules[strings.TrimPrefix(s.hits[h].rule, "phi/")] = true
			if s.hits[h].synthetic == "" {
				synthetic = ""
			}
		}
		if synthetic == "" && s.synthFile != "" {
			synthetic = s.synthFile
		}
		names := make([]string, 0, len(rules))
		for r := range rules {
			names = append(names, r)
		}
		sort.Strings(names)
		start := frames[p].typeAt
		s.hits = append(s.hits, hit{rule: RuleFHIRPatient, start: start, end: start + 1, line: s.lineAt0(start),
			value: "Patient", masked: "Patient resource with " + strconv.Itoa(len(idx)) + " identifiers (" + strings.Join(names, ", ") + ")",
			confidence: 0.95, synthetic: synthetic, detail: "FHIR R4 Patient resource", record: -1})
	}
}

// lineAt0 counts the line of off from the start of the file.
func (s *fileScan) lineAt0(off int) int {
	s.lineOff, s.lineNo = 0, 1
	return s.lineAt(off)
}

// tokenizeJSON walks a JSON document and returns its frames and scalars.
// It accepts only well-nested input and reports false otherwise.
func tokenizeJSON(data []byte) ([]jsonFrame, []jsonScalar, bool) {
	var frames []jsonFrame
	var scalars []jsonScalar
	var stack []int
	pendingKey := ""
	expectKey := false
	keyFor := func() string {
		if len(stack) > 0 && frames[stack[len(stack)-1]].isArray {
			return frames[stack[len(stack)-1]].key
		}
		return pendingKey
	}
	top := func() int {
		if len(stack) == 0 {
			return -1
		}
		return stack[len(stack)-1]
	}
	i := 0
	for i < len(data) {
		c := data[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			i++
		case '{', '[':
			if len(stack) >= maxJSONDepth {
				return nil, nil, false
			}
			frames = append(frames, jsonFrame{parent: top(), key: keyFor(), isArray: c == '[', start: i})
			stack = append(stack, len(frames)-1)
			expectKey = c == '{'
			i++
		case '}', ']':
			if len(stack) == 0 || frames[top()].isArray != (c == ']') {
				return nil, nil, false
			}
			frames[top()].end = i + 1
			stack = stack[:len(stack)-1]
			i++
		case ',':
			if len(stack) == 0 {
				return nil, nil, false
			}
			expectKey = !frames[top()].isArray
			i++
		case ':':
			expectKey = false
			i++
		case '"':
			j := i + 1
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(data) {
				return nil, nil, false
			}
			str := data[i+1 : j]
			t := top()
			switch {
			case t < 0:
			case expectKey:
				pendingKey = string(str)
			default:
				key := keyFor()
				f := &frames[t]
				if !f.isArray && key == "resourceType" {
					f.resourceType = string(str)
					f.typeAt = i + 1
				} else if !f.isArray && key == "system" {
					f.system = string(str)
				}
				scalars = append(scalars, jsonScalar{frame: t, key: key, start: i + 1, end: j})
			}
			i = j + 1
		default:
			j := i
			for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' && data[j] != ' ' && data[j] != '\n' && data[j] != '\r' && data[j] != '\t' {
				j++
			}
			if j == i {
				return nil, nil, false
			}
			if t := top(); t >= 0 && (isDigit(c) || c == '-') {
				scalars = append(scalars, jsonScalar{frame: t, key: keyFor(), start: i, end: j})
			}
			i = j
		}
	}
	return frames, scalars, len(stack) == 0 && len(frames) > 0
}
