package phi

// Line scanning makes one pass over the bytes of a line and collects
// keyword hits and candidate tokens: digit runs, upper-case alphanumeric
// words and e-mail addresses. Validators run only on candidates. Context,
// meaning a key that owns the value or a keyword close by, decides the
// context-only rules.

// kwHit is a keyword found in a line.
type kwHit struct {
	start, end int
	kinds      kind
	// valueStart is the offset of the value in "key: value" or
	// "key=value", or -1 when the keyword is not used as a key.
	valueStart int
}

// numTok is a run of digits with separators, such as "(555) 010-1234".
type numTok struct {
	start, end int
	digits     []byte
	groups     []int
	seps       []byte
	paren      bool
	plus       bool
	ext        bool
}

// wordTok is an alphanumeric word that may be a DEA number, an MBI or an
// ICD-10-CM code.
type wordTok struct {
	start, end int
	value      []byte
}

// lineScan holds the per-line state; its slices are reused across lines.
type lineScan struct {
	kws    []kwHit
	nums   []numTok
	words  []wordTok
	digits []byte
	groups []int
	seps   []byte
	mbiBuf []byte
	emails []span
	// lineHits are the sorted spans of the line's candidate hits.
	lineHits []span
}

// proximity limits, in bytes, for a keyword to give context to a value
// that is not the keyword's own value.
const (
	nearBefore = 40
	nearAfter  = 16
)

// scanLine scans data[start:end], one line or one structured value.
// keyKinds are the categories of the key or column that owns the whole span
// (0 for free text). patientCtx is set when the span is inside a patient
// record.
func (s *fileScan) scanLine(start, end int, keyKinds kind, patientCtx bool) {
	ls := &s.ls
	ls.kws = ls.kws[:0]
	ls.nums = ls.nums[:0]
	ls.words = ls.words[:0]
	ls.digits = ls.digits[:0]
	ls.groups = ls.groups[:0]
	ls.seps = ls.seps[:0]
	ls.emails = ls.emails[:0]
	data := s.data
	lineKinds := keyKinds

	i := start
	for i < end {
		c := data[i]
		switch {
		case isAlpha(c):
			j := i + 1
			hasDigit := false
			for j < end {
				d := data[j]
				if isAlpha(d) || d == '_' {
					j++
				} else if isDigit(d) {
					hasDigit = true
					j++
				} else if d == '-' && j+1 < end && isAlpha(data[j+1]) {
					j++
				} else {
					break
				}
			}
			word := data[i:j]
			if k := lookupKeyword(word); k != 0 {
				ls.kws = append(ls.kws, kwHit{start: i, end: j, kinds: k, valueStart: s.keyValueStart(j, end, i)})
				lineKinds |= k
			} else if hasDigit && isUpper(c) && (i == start || !isWordByte(data[i-1])) {
				ls.words = append(ls.words, wordTok{start: i, end: j, value: word})
			}
			i = j
		case isDigit(c) || ((c == '(' || c == '+') && i+1 < end && isDigit(data[i+1])):
			if i > start && isGlueByte(data[i-1]) {
				i = skipWord(data, i, end)
				continue
			}
			i = s.scanNumber(i, end)
		case c == '@':
			s.scanEmailAt(i, start, end)
			i++
		default:
			i++
		}
	}

	if lineKinds&kPatient != 0 {
		s.lastPatientLine = s.curLine
	}
	if s.curLine-s.lastPatientLine <= 6 && s.lastPatientLine > 0 {
		patientCtx = true
	}
	s.classifyLine(start, end, keyKinds, lineKinds, patientCtx)
}

// isWordByte reports whether c continues an identifier.
func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

// isGlueByte reports whether a digit after c belongs to a larger token
// (a version, hash, path, time or identifier) rather than starting a value.
func isGlueByte(c byte) bool {
	return isAlnum(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == ':' || c == '#' || c == '$' || c == '%' || c == '\\'
}

// skipWord returns the index after the word at i; it always advances.
func skipWord(data []byte, i, end int) int {
	start := i
	for i < end && (isWordByte(data[i]) || data[i] == '-' || data[i] == '.') {
		i++
	}
	if i == start {
		return start + 1
	}
	return i
}

// keyValueStart returns where the value of a key ending at keyEnd starts,
// or -1 when the word is not followed by ':', '=', '=>' or '>' (XML).
func (s *fileScan) keyValueStart(keyEnd, end, keyStart int) int {
	data := s.data
	j := keyEnd
	for j < end && (data[j] == '"' || data[j] == '\'' || data[j] == '`' || data[j] == ']') {
		j++
	}
	for j < end && (data[j] == ' ' || data[j] == '\t') {
		j++
	}
	if j >= end {
		return -1
	}
	switch data[j] {
	case ':':
		if j+1 < end && data[j+1] == ':' {
			return -1
		}
		j++
	case '=':
		if j+1 < end && data[j+1] == '=' {
			return -1
		}
		j++
		if j < end && data[j] == '>' {
			j++
		}
	case '>':
		if keyStart == 0 || data[keyStart-1] != '<' {
			return -1
		}
		j++
	default:
		return -1
	}
	for j < end && (data[j] == ' ' || data[j] == '\t') {
		j++
	}
	return j
}

// scanNumber reads a digit run starting at i and records it as a
// candidate; it returns the index after the run.
func (s *fileScan) scanNumber(i, end int) int {
	ls := &s.ls
	data := s.data
	t := numTok{start: i}
	dStart := len(ls.digits)
	gStart := len(ls.groups)
	sStart := len(ls.seps)
	j := i
	if data[j] == '+' {
		t.plus = true
		j++
	}
	if data[j] == '(' {
		t.paren = true
		j++
	}
	for j < end {
		k := j
		for j < end && isDigit(data[j]) && len(ls.digits)-dStart < 24 {
			ls.digits = append(ls.digits, data[j])
			j++
		}
		if j == k {
			break
		}
		ls.groups = append(ls.groups, j-k)
		if j >= end || len(ls.groups)-gStart >= 8 {
			break
		}
		c := data[j]
		if c == ')' && t.paren && len(ls.groups)-gStart == 1 {
			j++
			ls.seps = append(ls.seps, ')')
			if j+1 < end && (data[j] == ' ' || data[j] == '-') && isDigit(data[j+1]) {
				j++
			}
			continue
		}
		if (c == '-' || c == '.' || c == ' ' || c == '/') && j+1 < end && isDigit(data[j+1]) {
			ls.seps = append(ls.seps, c)
			j++
			continue
		}
		break
	}
	if j < end && (isAlpha(data[j]) || data[j] == '_') {
		if data[j] == 'x' && j+1 < end && isDigit(data[j+1]) {
			t.ext = true
			j++
			for j < end && isDigit(data[j]) {
				j++
			}
		} else {
			// Digits glued to letters: a hash, a unit or an MBI.
			w := skipWord(data, i, end)
			s.checkDigitWord(i, w, end)
			ls.digits = ls.digits[:dStart]
			ls.groups = ls.groups[:gStart]
			ls.seps = ls.seps[:sStart]
			return w
		}
	}
	// A trailing ".5" or "-3" that did not fit means a longer token.
	t.end = j
	t.digits = ls.digits[dStart:]
	t.groups = ls.groups[gStart:]
	t.seps = ls.seps[sStart:]
	ls.nums = append(ls.nums, t)
	return j
}

// checkDigitWord records a digit-led alphanumeric word as a possible MBI,
// either plain (1EG4TE5MK73) or printed with dashes (1EG4-TE5-MK73).
func (s *fileScan) checkDigitWord(i, w, end int) {
	data := s.data
	ls := &s.ls
	word := data[i:w]
	for len(word) > 0 && (word[len(word)-1] == '.' || word[len(word)-1] == '-') {
		word = word[:len(word)-1]
		w--
	}
	if len(word) == 11 {
		ls.words = append(ls.words, wordTok{start: i, end: w, value: word})
		return
	}
	if len(word) == 13 && word[4] == '-' && word[8] == '-' {
		ls.mbiBuf = append(ls.mbiBuf[:0], word[0:4]...)
		ls.mbiBuf = append(ls.mbiBuf, word[5:8]...)
		ls.mbiBuf = append(ls.mbiBuf, word[9:13]...)
		ls.words = append(ls.words, wordTok{start: i, end: w, value: append([]byte(nil), ls.mbiBuf...)})
	}
}

// scanEmailAt checks for an e-mail address around the '@' at index at.
func (s *fileScan) scanEmailAt(at, start, end int) {
	data := s.data
	// An address starts after the previous one, so spans never overlap.
	if n := len(s.ls.emails); n > 0 && start < s.ls.emails[n-1].end {
		start = s.ls.emails[n-1].end
		if at < start {
			return
		}
	}
	l := at
	for l > start && isEmailLocal(data[l-1]) {
		l--
	}
	r := at + 1
	for r < end && (isAlnum(data[r]) || data[r] == '.' || data[r] == '-') {
		r++
	}
	for r > at+1 && (data[r-1] == '.' || data[r-1] == '-') {
		r--
	}
	if l == at || r == at+1 {
		return
	}
	if l > start && (data[l-1] == '/' || data[l-1] == ':') {
		return
	}
	domain := data[at+1 : r]
	dot := -1
	for k := len(domain) - 1; k >= 0; k-- {
		if domain[k] == '.' {
			dot = k
			break
		}
	}
	if dot <= 0 || len(domain)-dot-1 < 2 {
		return
	}
	for _, c := range domain[dot+1:] {
		if !isAlpha(c) {
			return
		}
	}
	for l < at && (data[l] == '.' || data[l] == '-' || data[l] == '+') {
		l++
	}
	if l == at {
		return
	}
	s.ls.emails = append(s.ls.emails, span{start: l, end: r})
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
}

// span is a half-open byte range of the file.
type span struct{ start, end int }
