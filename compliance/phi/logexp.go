package phi

import (
	"bytes"
	"strings"
)

// DefaultMaskFunctions are the function names whose arguments count as
// masked when the policy names none. Matching ignores case and compares
// the last component of the called name, so "phi.Mask" matches "mask".
var DefaultMaskFunctions = []string{"mask", "maskPHI", "redact", "redactPHI", "anonymize", "pseudonymize", "hashPHI"}

// logMethods are the method or function names that write a log line or
// print, in lower case.
var logMethods = map[string]bool{
	"print": true, "printf": true, "println": true, "info": true, "infof": true, "infow": true,
	"debug": true, "debugf": true, "debugw": true, "warn": true, "warnf": true, "warnw": true,
	"warning": true, "error": true, "errorf": true, "errorw": true, "fatal": true, "fatalf": true,
	"fatalln": true, "panic": true, "panicf": true, "trace": true, "tracef": true, "log": true,
	"critical": true, "exception": true, "withfield": true, "withfields": true,
	"fprint": true, "fprintf": true, "fprintln": true,
}

// loggerReceivers are receivers whose print-like methods write logs or
// standard output, in lower case. Any receiver containing "log" counts too.
var loggerReceivers = map[string]bool{
	"console": true, "fmt": true, "slog": true, "out": true, "err": true, "zap": true,
	"logrus": true, "zerolog": true, "glog": true, "klog": true, "sugar": true,
}

// stdStreams are the receivers whose write method prints to standard
// output or standard error, in lower case.
var stdStreams = map[string]bool{"stdout": true, "stderr": true}

// phiFieldNames are normalized field names whose values are PHI.
var phiFieldNames = map[string]bool{
	"ssn": true, "socialsecuritynumber": true, "dob": true, "dateofbirth": true, "birthdate": true,
	"mrn": true, "medicalrecordnumber": true, "mbi": true, "medicareid": true, "medicarenumber": true,
	"firstname": true, "lastname": true, "fullname": true, "patientname": true, "givenname": true,
	"familyname": true, "address": true, "homeaddress": true, "streetaddress": true, "phone": true,
	"phonenumber": true, "homephone": true, "email": true, "emailaddress": true, "memberid": true,
	"insuranceid": true, "subscriberid": true, "diagnosis": true, "diagnoses": true,
}

// phiObjectNames are variables that hold a whole patient record.
var phiObjectNames = map[string]bool{
	"patient": true, "patients": true, "patientrecord": true, "patientdata": true, "patientinfo": true,
	"pt": true, "beneficiary": true,
}

// maxLogCall bounds how far a call's arguments are read, in bytes.
const maxLogCall = 4000

// scanLogCalls reports logging and print calls whose arguments reference
// PHI fields or patient objects outside a masking function.
func (s *fileScan) scanLogCalls(lang language, maskFuncs map[string]bool) {
	data := s.data
	s.lineOff, s.lineNo = 0, 1
	for off := 0; off < len(data); {
		p := bytes.IndexByte(data[off:], '(')
		if p < 0 {
			return
		}
		p += off
		off = p + 1
		callee := calleeBefore(data, p)
		if callee == "" || !isLogCall(callee, lang) && !isStdStreamPrint(data[p+1:], callee, lang) {
			continue
		}
		expr, at, end := s.phiArgument(p, lang, maskFuncs)
		if expr == "" {
			// Skip the arguments read, so nested parentheses are not
			// read again as calls.
			off = max(off, end)
			continue
		}
		s.curLine = s.lineAt(at)
		shown := expr
		if source := s.copySource(expr, at); source != "" {
			shown = expr + " (a copy of " + source + ")"
		}
		s.hits = append(s.hits, hit{rule: RuleLogExposure, start: at, end: at + len(expr), line: s.curLine, record: -1,
			value: expr, masked: shown, confidence: 0.8, detail: callee})
		off = end
	}
}

// calleeBefore returns the dotted name that ends at the '(' at index p,
// such as "console.log" or "self.logger.info".
func calleeBefore(data []byte, p int) string {
	j := p
	for j > 0 && (isWordByte(data[j-1]) || data[j-1] == '.') {
		j--
	}
	if j == p {
		return ""
	}
	return string(data[j:p])
}

func isLogCall(callee string, lang language) bool {
	parts := strings.Split(callee, ".")
	method := strings.ToLower(parts[len(parts)-1])
	if len(parts) == 1 {
		return lang == langPython && method == "print"
	}
	receiver := strings.ToLower(parts[len(parts)-2])
	if stdStreams[receiver] && (method == "write" || method == "writestring") {
		// process.stdout.write in Node.js, sys.stderr.write in Python,
		// os.Stdout.WriteString in Go.
		return true
	}
	if !logMethods[method] {
		return false
	}
	if receiver == "fmt" && (method == "errorf" || strings.HasPrefix(method, "fprint")) {
		return false
	}
	return loggerReceivers[receiver] || strings.Contains(receiver, "log") || receiver == "" && strings.Contains(strings.ToLower(callee), "log")
}

// isStdStreamPrint reports whether a Go fmt.Fprint* call writes to
// standard output or standard error; args starts after its '('.
func isStdStreamPrint(args []byte, callee string, lang language) bool {
	if lang != langGo || !strings.HasPrefix(callee, "fmt.Fprint") {
		return false
	}
	args = bytes.TrimLeft(args, " \t\n")
	return bytes.HasPrefix(args, []byte("os.Stderr")) || bytes.HasPrefix(args, []byte("os.Stdout"))
}

// phiArgument reads the arguments of the call whose '(' is at p and
// returns the first expression that references PHI outside a mask
// function, with its offset, and the offset where the call ends.
func (s *fileScan) phiArgument(p int, lang language, maskFuncs map[string]bool) (string, int, int) {
	data := s.data
	limit := p + maxLogCall
	if limit > len(data) {
		limit = len(data)
	}
	// calls holds, per open parenthesis, whether it is a mask call.
	calls := []bool{false}
	masked := 0
	i := p + 1
	for i < limit && len(calls) > 0 {
		c := data[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			i = s.skipString(i, limit, lang, maskFuncs, masked > 0)
			if s.logExpr != "" {
				expr, at := s.logExpr, s.logExprAt
				s.logExpr = ""
				return expr, at, i
			}
		case c == '(':
			name := calleeBefore(data, i)
			isMask := isMaskCall(name, maskFuncs)
			calls = append(calls, isMask)
			if isMask {
				masked++
			}
			i++
		case c == ')':
			if calls[len(calls)-1] {
				masked--
			}
			calls = calls[:len(calls)-1]
			i++
		case isAlpha(c) || c == '_':
			j := i
			for j < limit && (isWordByte(data[j]) || data[j] == '.' || data[j] == '?' && j+1 < limit && data[j+1] == '.') {
				j++
			}
			expr := string(data[i:j])
			followedByCall := j < limit && data[j] == '('
			if masked == 0 && referencesPHI(expr, followedByCall) && !(j < limit && data[j] == '(' && isMaskCall(expr, maskFuncs)) {
				return expr, i, j
			}
			if masked == 0 && !followedByCall && s.copySource(expr, i) != "" {
				return expr, i, j
			}
			i = j
		default:
			i++
		}
	}
	return "", 0, i
}

// skipString skips a string literal starting at i. In JavaScript template
// literals and Python f-strings it checks the interpolated expressions and
// leaves a PHI reference found there in s.logExpr.
func (s *fileScan) skipString(i, limit int, lang language, maskFuncs map[string]bool, inMask bool) int {
	data := s.data
	q := data[i]
	fstring := lang == langPython && i > 0 && (data[i-1] == 'f' || data[i-1] == 'F')
	template := q == '`' && lang == langJS
	j := i + 1
	for j < limit && data[j] != q {
		if data[j] == '\\' {
			j += 2
			continue
		}
		if data[j] == '\n' && !template && q != '`' {
			return j
		}
		if (template && data[j] == '$' && j+1 < limit && data[j+1] == '{') || (fstring && data[j] == '{') {
			open := j + 1
			if template {
				open = j + 2
			}
			close := bytes.IndexByte(data[open:limit], '}')
			if close < 0 {
				return limit
			}
			inner := bytes.TrimSpace(data[open : open+close])
			if !inMask {
				at := open + bytes.Index(data[open:open+close], inner)
				if expr, off := phiInExpression(inner, maskFuncs); expr != "" {
					s.logExpr = expr
					s.logExprAt = at + off
				} else if s.copySource(string(inner), at) != "" {
					s.logExpr = string(inner)
					s.logExprAt = at
				}
			}
			j = open + close + 1
			continue
		}
		j++
	}
	return j + 1
}

// phiInExpression checks an interpolated expression such as
// "patient.ssn" or "mask(patient.ssn)".
func phiInExpression(expr []byte, maskFuncs map[string]bool) (string, int) {
	depthMasked := false
	for i := 0; i < len(expr); {
		c := expr[i]
		if isAlpha(c) || c == '_' {
			j := i
			for j < len(expr) && (isWordByte(expr[j]) || expr[j] == '.') {
				j++
			}
			name := string(expr[i:j])
			call := j < len(expr) && expr[j] == '('
			if call && isMaskCall(name, maskFuncs) {
				depthMasked = true
			}
			if !depthMasked && referencesPHI(name, call) {
				return name, i
			}
			i = j
			continue
		}
		i++
	}
	return "", 0
}

func isMaskCall(name string, maskFuncs map[string]bool) bool {
	if name == "" {
		return false
	}
	k := strings.LastIndexByte(name, '.')
	return maskFuncs[strings.ToLower(name[k+1:])]
}

// referencesPHI reports whether a dotted expression reads a PHI field
// (patient.ssn, p.getDateOfBirth) or passes a whole patient object.
func referencesPHI(expr string, call bool) bool {
	parts := strings.Split(strings.ReplaceAll(expr, "?", ""), ".")
	last := normalizeName(parts[len(parts)-1])
	if call {
		// A getter such as getSsn() or get_dob() reads the field.
		if strings.HasPrefix(last, "get") && phiFieldNames[last[3:]] {
			return true
		}
		return false
	}
	if phiFieldNames[last] {
		return true
	}
	if len(parts) >= 2 && phiObjectNames[normalizeName(parts[len(parts)-2])] && patientFieldNames[last] {
		return true
	}
	return phiObjectNames[last]
}

// patientFieldNames are normalized field names that hold PHI when they are
// read from a patient object (patient.name), although on other objects
// (service.name) they do not.
var patientFieldNames = map[string]bool{
	"name": true, "names": true, "given": true, "family": true, "surname": true,
	"telecom": true, "identifier": true, "identifiers": true,
}

func normalizeName(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c == '-' {
			continue
		}
		if isUpper(c) {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}
