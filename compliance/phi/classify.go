package phi

import (
	"bytes"
	"sort"
	"strings"
)

// Context strength of a category for one value.
const (
	ctxNone = 0
	ctxNear = 1 // a keyword close by in the same line
	ctxKey  = 2 // the key, column or field that owns the value
)

// context returns how strongly categories k apply to the value at
// [start, end).
func (s *fileScan) context(k kind, start, end int, keyKinds kind) int {
	if keyKinds&k != 0 {
		return ctxKey
	}
	best := ctxNone
	// Keyword hits are in line order, so only those ending within
	// keyWindow bytes before the value need a look. That keeps long lines
	// with many keywords and numbers linear.
	kws := s.ls.kws
	first := sort.Search(len(kws), func(i int) bool { return kws[i].end >= start-keyWindow })
	for i := first; i < len(kws) && kws[i].start <= end+nearAfter; i++ {
		kw := &kws[i]
		if kw.kinds&k == 0 {
			continue
		}
		if kw.valueStart >= 0 && (start == kw.valueStart || start == kw.valueStart+1 && isQuote(s.data[kw.valueStart])) {
			return ctxKey
		}
		if kw.end <= start && start-kw.end <= nearBefore || kw.start >= end && kw.start-end <= nearAfter {
			best = ctxNear
		}
	}
	return best
}

// keyWindow bounds, in bytes, how far before a value its key may end
// ("key:" followed by padding). It is at least nearBefore.
const keyWindow = 128

func isQuote(c byte) bool { return c == '"' || c == '\'' || c == '`' }

// classifyLine turns the candidates collected by scanLine into hits.
func (s *fileScan) classifyLine(start, end int, keyKinds, lineKinds kind, patientCtx bool) {
	first := len(s.hits)
	for i := range s.ls.nums {
		s.classifyNumber(&s.ls.nums[i], keyKinds)
	}
	for i := range s.ls.words {
		s.classifyWord(&s.ls.words[i], keyKinds)
	}
	for _, e := range s.ls.emails {
		s.classifyEmail(e, keyKinds, lineKinds, patientCtx)
	}

	// Values whose category only a key can tell: names, addresses and
	// alphanumeric record numbers. They must not overlap the hits above,
	// which are kept sorted for a binary search.
	s.ls.lineHits = s.ls.lineHits[:0]
	for _, h := range s.hits[first:] {
		s.ls.lineHits = append(s.ls.lineHits, span{h.start, h.end})
	}
	sort.Slice(s.ls.lineHits, func(i, j int) bool { return s.ls.lineHits[i].start < s.ls.lineHits[j].start })
	textKinds := kName | kNameWeak | kAddress | kMRN | kPlan
	if keyKinds != 0 {
		if keyKinds&textKinds != 0 {
			v := trimSpan(s.data, start, end)
			s.classifyText(v, keyKinds, patientCtx)
		}
		return
	}
	if lineKinds&textKinds == 0 {
		return
	}
	for i := range s.ls.kws {
		kw := &s.ls.kws[i]
		if kw.valueStart < 0 || kw.kinds&textKinds == 0 {
			continue
		}
		v := s.keyValue(kw.valueStart, end, kw.kinds&(kMRN|kPlan) != 0)
		if v.end > v.start {
			s.classifyText(v, kw.kinds, patientCtx)
		}
	}
}

// keyValue returns the value that starts at vs: a quoted string, or the
// text up to a delimiter. For record numbers it stops at white space.
func (s *fileScan) keyValue(vs, end int, token bool) span {
	data := s.data
	if vs >= end {
		return span{vs, vs}
	}
	if q := data[vs]; isQuote(q) {
		j := bytes.IndexByte(data[vs+1:end], q)
		if j < 0 {
			return span{vs, vs}
		}
		return trimSpan(data, vs+1, vs+1+j)
	}
	j := vs
	if end > vs+maxTextValue {
		end = vs + maxTextValue
	}
	for j < end {
		c := data[j]
		if c == ',' || c == ';' || c == '}' || c == ']' || c == ')' || c == '<' || c == '\t' || c == '|' ||
			(c == ' ' && (token || j+1 < end && data[j+1] == '#')) {
			break
		}
		j++
	}
	return trimSpan(data, vs, j)
}

func trimSpan(data []byte, start, end int) span {
	for start < end && (data[start] == ' ' || data[start] == '\t' || data[start] == '\r' || isQuote(data[start])) {
		start++
	}
	for end > start && (data[end-1] == ' ' || data[end-1] == '\t' || data[end-1] == '\r' || isQuote(data[end-1])) {
		end--
	}
	return span{start, end}
}

// overlaps reports whether [start, end) overlaps a candidate hit of the
// current line. Those hits do not overlap each other, so their ends are
// sorted too.
func (s *fileScan) overlaps(start, end int) bool {
	hits := s.ls.lineHits
	k := sort.Search(len(hits), func(i int) bool { return hits[i].end > start })
	return k < len(hits) && hits[k].start < end
}

func sepsUniform(seps []byte, allowed string) bool {
	if len(seps) == 0 {
		return false
	}
	for _, c := range seps {
		if c != seps[0] {
			return false
		}
	}
	return containsByte(allowed, seps[0])
}

func groupsEqual(g []int, want ...int) bool {
	if len(g) != len(want) {
		return false
	}
	for i := range g {
		if g[i] != want[i] {
			return false
		}
	}
	return true
}

func confidenceFor(c int, key, near, none float64) float64 {
	switch c {
	case ctxKey:
		return key
	case ctxNear:
		return near
	}
	return none
}

// classifyNumber validates a digit run as an SSN, card, NPI, birth date,
// phone number or record number, in that order.
func (s *fileScan) classifyNumber(t *numTok, keyKinds kind) {
	d := t.digits
	g := t.groups
	n := len(d)
	raw := s.data[t.start:t.end]
	plain := !t.paren && !t.plus && !t.ext

	// Social Security number: 3-2-4 with one separator, or nine bare
	// digits under an SSN key or keyword.
	ssnCtx := s.context(kSSN, t.start, t.end, keyKinds)
	if plain && (groupsEqual(g, 3, 2, 4) && sepsUniform(t.seps, "- .") || len(g) == 1 && n == 9 && ssnCtx > ctxNone) {
		if ssnValid(d) {
			s.addHit(hit{rule: RuleSSN, start: t.start, end: t.end, value: string(raw),
				confidence: confidenceFor(ssnCtx, 0.95, 0.9, 0.75), synthetic: ssnSynthetic(d)})
		}
		return
	}

	// Payment card: 12-19 digits, one group or groups of 3-6 digits.
	if plain && n >= 12 && n <= 19 && (len(g) == 1 || len(g) >= 3 && sepsUniform(t.seps, " -") && groupsWithin(g, 3, 6)) {
		cardCtx := s.context(kCard, t.start, t.end, keyKinds)
		// An ungrouped number in running text or code needs a card keyword:
		// long constants and test vectors pass the Luhn check one time in ten.
		grouped := len(g) > 1
		if luhnValid(d) && cardBrand(d) != "" && (grouped || cardCtx > ctxNone || s.structured && (n == 15 || n == 16)) {
			synthetic := cardSynthetic(d)
			s.addHit(hit{rule: RuleCard, start: t.start, end: t.end, value: string(raw),
				confidence: confidenceFor(cardCtx, 0.95, 0.9, 0.7), synthetic: synthetic, detail: cardBrand(d)})
			return
		}
	}

	// National Provider Identifier: ten digits under an NPI key or keyword.
	if plain && len(g) == 1 && n == 10 {
		if c := s.context(kNPI, t.start, t.end, keyKinds); c > ctxNone {
			if npiValid(d) {
				synthetic := ""
				if exampleNPIs[string(d)] {
					synthetic = "NPI printed as a check-digit example by CMS"
				}
				s.addHit(hit{rule: RuleNPI, start: t.start, end: t.end, value: string(raw),
					confidence: confidenceFor(c, 0.95, 0.85, 0), synthetic: synthetic})
			}
			return
		}
	}

	// Date of birth: a valid calendar date under a birth-date key or keyword.
	if dobCtx := s.context(kDOB, t.start, t.end, keyKinds); dobCtx > ctxNone && plain {
		dated := (groupsEqual(g, 4, 2, 2) || groupsEqual(g, 2, 2, 4)) && sepsUniform(t.seps, "-/")
		compact := len(g) == 1 && (n == 8 || n == 12 || n == 14) && dobCtx == ctxKey
		if (dated || compact) && dateValid(raw, compact) {
			s.addHit(hit{rule: RuleDOB, start: t.start, end: t.end, value: string(raw),
				confidence: confidenceFor(dobCtx, 0.9, 0.8, 0), style: maskAll})
			return
		}
	}

	// Phone and fax numbers.
	phoneCtx := s.context(kPhone, t.start, t.end, keyKinds)
	usParen := t.paren && groupsEqual(g, 3, 3, 4)
	if phoneCtx > ctxNone || usParen {
		nd := d
		if n == 11 && d[0] == '1' {
			nd = d[1:]
		}
		usShape := usParen ||
			!t.paren && groupsEqual(g, 3, 3, 4) && sepsUniform(t.seps, "-. ") ||
			groupsEqual(g, 1, 3, 3, 4) && d[0] == '1' ||
			t.plus && n == 11 && d[0] == '1' ||
			len(g) == 1 && (n == 10 || n == 11 && d[0] == '1') && phoneCtx == ctxKey
		switch {
		case usShape && nanpValid(nd):
			s.addHit(hit{rule: RulePhone, start: t.start, end: t.end, value: string(raw),
				confidence: confidenceFor(phoneCtx, 0.9, 0.85, 0.6), synthetic: phoneSynthetic(nd)})
			return
		case phoneCtx > ctxNone && n >= 7 && n <= 15 && (len(g) >= 2 || t.plus || phoneCtx == ctxKey) && !groupsWithin(g, 1, 2):
			s.addHit(hit{rule: RulePhone, start: t.start, end: t.end, value: string(raw),
				confidence: confidenceFor(phoneCtx, 0.7, 0.55, 0), detail: "international or non-NANP format", synthetic: phoneSynthetic(d)})
			return
		}
	}

	// Medical record and health-plan numbers.
	if c := s.context(kMRN|kPlan, t.start, t.end, keyKinds); c > ctxNone && n >= 4 && n <= 20 && !allSame(d) {
		detail := "medical record number"
		if s.context(kPlan, t.start, t.end, keyKinds) > ctxNone {
			detail = "health-plan number"
		}
		s.addHit(hit{rule: RuleMRN, start: t.start, end: t.end, value: string(raw),
			confidence: confidenceFor(c, 0.85, 0.7, 0), detail: detail})
	}
}

func groupsWithin(g []int, lo, hi int) bool {
	for _, x := range g {
		if x < lo || x > hi {
			return false
		}
	}
	return true
}

// classifyWord validates an upper-case alphanumeric word as a DEA number,
// an MBI or an ICD-10-CM code.
func (s *fileScan) classifyWord(w *wordTok, keyKinds kind) {
	v := w.value
	switch {
	case len(v) == 9 && deaValid(v):
		c := s.context(kDEA, w.start, w.end, keyKinds)
		s.addHit(hit{rule: RuleDEA, start: w.start, end: w.end, value: string(s.data[w.start:w.end]),
			confidence: confidenceFor(c, 0.95, 0.9, 0.65)})
	case len(v) == 11 && mbiValid(v):
		c := s.context(kMBI, w.start, w.end, keyKinds)
		synthetic := ""
		if exampleMBIs[string(v)] {
			synthetic = "MBI printed as an example in CMS documentation"
		}
		s.addHit(hit{rule: RuleMBI, start: w.start, end: w.end, value: string(s.data[w.start:w.end]),
			confidence: confidenceFor(c, 0.95, 0.9, 0.7), synthetic: synthetic})
	case len(v) == 3 && icd10Valid(v):
		end := w.end
		dotted := false
		if end+1 < len(s.data) && s.data[end] == '.' && isAlnum(s.data[end+1]) {
			j := end + 1
			for j < len(s.data) && isAlnum(s.data[j]) && j-end <= 5 {
				j++
			}
			if icd10Valid(s.data[w.start:j]) && (j >= len(s.data) || !isWordByte(s.data[j])) {
				end = j
				dotted = true
			}
		}
		if dotted || s.context(kICD, w.start, end, keyKinds) > ctxNone {
			s.icds = append(s.icds, icdCandidate{start: w.start, end: end, line: s.curLine, record: s.curRecord})
		}
	}
}

// classifyEmail reports an e-mail address when a key, a keyword in the
// line or a patient record gives it context.
func (s *fileScan) classifyEmail(e span, keyKinds, lineKinds kind, patientCtx bool) {
	c := s.context(kEmail, e.start, e.end, keyKinds)
	if c == ctxNone && lineKinds&kEmail != 0 {
		c = ctxNear
	}
	if c == ctxNone && !patientCtx {
		return
	}
	v := s.data[e.start:e.end]
	at := bytes.IndexByte(v, '@')
	local := lowerASCII(string(v[:at]))
	if local == "git" || local == "noreply" || local == "no-reply" {
		return
	}
	s.addHit(hit{rule: RuleEmail, start: e.start, end: e.end, value: string(v),
		confidence: confidenceFor(c, 0.9, 0.8, 0.6), synthetic: emailSynthetic(string(v[at+1:])), style: maskEmail})
}

// classifyText validates the value v of a name, address or record-number
// key that does not overlap a candidate hit of its line.
func (s *fileScan) classifyText(v span, kinds kind, patientCtx bool) {
	if v.end <= v.start || v.end-v.start >= maxTextValue || s.overlaps(v.start, v.end) {
		return
	}
	value := s.data[v.start:v.end]
	switch {
	case kinds&kName != 0 || kinds&kNameWeak != 0 && patientCtx:
		minWords := 2
		if kinds&kName != 0 || s.structured {
			minWords = 1
		}
		if ok, synthetic := nameCheck(value, minWords); ok {
			s.addHit(hit{rule: RuleName, start: v.start, end: v.end, value: string(value),
				confidence: 0.8, synthetic: synthetic, style: maskInitials})
		}
	case kinds&kAddress != 0:
		if addressCheck(value) {
			s.addHit(hit{rule: RuleAddress, start: v.start, end: v.end, value: string(value),
				confidence: 0.8, style: maskAll})
		}
	case kinds&(kMRN|kPlan) != 0:
		if recordNumberCheck(value) {
			detail := "medical record number"
			if kinds&kPlan != 0 {
				detail = "health-plan number"
			}
			s.addHit(hit{rule: RuleMRN, start: v.start, end: v.end, value: string(value), confidence: 0.85, detail: detail})
		}
	}
}

// maxTextValue bounds, in bytes, the name, address or record-number
// values read after a key; longer text is prose, not one value.
const maxTextValue = 200

// notNames are values of name keys that are types, placeholders or code.
var notNames = map[string]bool{
	"string": true, "str": true, "text": true, "varchar": true, "number": true, "boolean": true, "null": true,
	"none": true, "nil": true, "undefined": true, "unknown": true, "optional": true, "required": true,
	"true": true, "false": true, "test": true, "name": true, "example": true, "object": true, "list": true,
	"patient": true, "default": true, "value": true, "redacted": true, "masked": true, "anonymous": true,
}

// placeholderNames are names used in fixtures because they belong to no one.
var placeholderNames = map[string]bool{
	"john doe": true, "jane doe": true, "john smith": true, "jane smith": true, "test patient": true,
	"doe john": true, "doe jane": true, "john q public": true, "baby doe": true,
}

// nameCheck reports whether v looks like a person's name (1-5 words that
// start with a capital letter) and, when it is a known placeholder or a
// Synthea-style name with digits appended, why it is synthetic.
func nameCheck(v []byte, minWords int) (bool, string) {
	words := bytes.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '^' || r == '\t' })
	if len(words) < minWords || len(words) > 5 {
		return false, ""
	}
	synthetic := ""
	for _, w := range words {
		if len(w) > 30 || notNames[lowerASCII(string(w))] {
			return false, ""
		}
		if !(isUpper(w[0]) || w[0] >= 0x80) {
			return false, ""
		}
		digits := 0
		for k, c := range w {
			switch {
			case isAlpha(c) || c >= 0x80 || c == '\'' || c == '-':
				if digits > 0 {
					return false, ""
				}
			case c == '.':
				if k != len(w)-1 {
					return false, ""
				}
			case isDigit(c):
				digits++
			default:
				return false, ""
			}
		}
		if digits > 0 {
			if digits > 4 || digits == len(w) {
				return false, ""
			}
			synthetic = "Synthea-style name with a numeric suffix"
		}
	}
	joined := lowerASCII(string(bytes.Join(words, []byte(" "))))
	if placeholderNames[joined] {
		synthetic = "placeholder name"
	}
	return true, synthetic
}

// addressCheck reports whether v starts like a street address: a house
// number and a street name, or a post-office box.
func addressCheck(v []byte) bool {
	words := bytes.Fields(bytes.ReplaceAll(v, []byte("^"), []byte(" ")))
	if len(words) < 2 {
		return false
	}
	lower := lowerASCII(string(v))
	if len(lower) > 6 && (lower[:6] == "po box" || len(lower) > 8 && lower[:8] == "p.o. box") {
		return true
	}
	house := words[0]
	if len(house) > 7 || !isDigit(house[0]) {
		return false
	}
	for k, c := range house {
		if !isDigit(c) && !(k == len(house)-1 && isAlpha(c)) && c != '-' {
			return false
		}
	}
	if !isAlpha(words[1][0]) {
		return false
	}
	// A capitalized street name, or a street suffix, separates "12 Elm
	// Street" from "24 bytes" in a comment.
	if isUpper(words[1][0]) {
		return true
	}
	for _, w := range words[1:] {
		if streetSuffixes[strings.TrimRight(lowerASCII(string(w)), ".,")] {
			return true
		}
	}
	return false
}

// streetSuffixes are common USPS street suffixes, in lower case.
var streetSuffixes = map[string]bool{
	"st": true, "street": true, "ave": true, "avenue": true, "rd": true, "road": true, "dr": true,
	"drive": true, "ln": true, "lane": true, "blvd": true, "boulevard": true, "way": true, "ct": true,
	"court": true, "pl": true, "place": true, "ter": true, "terrace": true, "pkwy": true, "parkway": true,
	"hwy": true, "highway": true, "cir": true, "circle": true, "sq": true, "square": true,
}

// recordNumberCheck reports whether v looks like a record or member
// number: 4-24 letters, digits and dashes, with at least three digits,
// not one repeated digit and not a UUID.
func recordNumberCheck(v []byte) bool {
	if len(v) < 4 || len(v) > 24 {
		return false
	}
	digits, dashes := 0, 0
	for _, c := range v {
		switch {
		case isDigit(c):
			digits++
		case c == '-':
			dashes++
		case isAlpha(c):
		default:
			return false
		}
	}
	if digits < 3 || dashes > 3 {
		return false
	}
	d := make([]byte, 0, digits)
	for _, c := range v {
		if isDigit(c) {
			d = append(d, c)
		}
	}
	return !allSame(d)
}
