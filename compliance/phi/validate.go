package phi

// Validators for identifier formats. Each takes the digits or characters of a
// candidate with separators removed and reports whether the value can be a
// real identifier; synthetic checks return a reason when the value is a
// reserved, test or example value that cannot belong to a real person.

// ssnValid reports whether nine digits form an SSN the Social Security
// Administration could issue: area not 000 or 666, group not 00, serial not
// 0000. Area 900-999 is handled by ssnSynthetic, because those numbers are
// never issued but appear in test fixtures.
func ssnValid(d []byte) bool {
	if len(d) != 9 {
		return false
	}
	area := string(d[0:3])
	if area == "000" || area == "666" {
		return false
	}
	if d[3] == '0' && d[4] == '0' {
		return false
	}
	if string(d[5:9]) == "0000" {
		return false
	}
	return true
}

// advertisingSSNs are numbers printed in advertisements or used as examples
// so widely that they cannot identify a patient (078-05-1120 was printed in
// wallet inserts in 1938, 219-09-9999 in a Social Security pamphlet).
var advertisingSSNs = map[string]bool{
	"078051120": true,
	"219099999": true,
	"457555462": true,
	"123456789": true,
}

// ssnSynthetic returns why a valid-format SSN cannot belong to a person, or "".
func ssnSynthetic(d []byte) string {
	if d[0] == '9' {
		return "SSN area 900-999 is never issued"
	}
	if advertisingSSNs[string(d)] {
		return "well-known advertising or example SSN"
	}
	if allSame(d) {
		return "placeholder SSN of one repeated digit"
	}
	return ""
}

func allSame(d []byte) bool {
	for _, c := range d[1:] {
		if c != d[0] {
			return false
		}
	}
	return true
}

// luhnValid reports whether the digit string passes the Luhn (mod 10) check.
func luhnValid(d []byte) bool {
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// npiValid reports whether ten digits form a National Provider Identifier:
// first digit 1 or 2 and a Luhn check digit computed over the digits
// prefixed with 80840, the NPI's ISO 7812 issuer prefix.
func npiValid(d []byte) bool {
	if len(d) != 10 || (d[0] != '1' && d[0] != '2') {
		return false
	}
	var full [15]byte
	copy(full[:], "80840")
	copy(full[5:], d)
	return luhnValid(full[:])
}

// exampleNPIs are provider numbers printed in CMS documentation as worked
// check-digit examples.
var exampleNPIs = map[string]bool{"1234567893": true}

// deaRegistrantTypes are the first letters the DEA assigns by registrant type.
const deaRegistrantTypes = "ABCDEFGHJKLMPRSTUX"

// deaValid reports whether two letters and seven digits form a DEA
// registration number: a known registrant-type letter, a letter (or 9) for
// the registrant's last name, and a check digit equal to the last digit of
// (d1+d3+d5) + 2*(d2+d4+d6).
func deaValid(v []byte) bool {
	if len(v) != 9 {
		return false
	}
	if !containsByte(deaRegistrantTypes, v[0]) {
		return false
	}
	if !(isUpper(v[1]) || v[1] == '9') {
		return false
	}
	for _, c := range v[2:] {
		if !isDigit(c) {
			return false
		}
	}
	n := func(i int) int { return int(v[2+i] - '0') }
	sum := n(0) + n(2) + n(4) + 2*(n(1)+n(3)+n(5))
	return sum%10 == n(6)
}

// mbiLetters are the letters allowed in a Medicare Beneficiary Identifier:
// A-Z without S, L, O, I, B and Z.
const mbiLetters = "ACDEFGHJKMNPQRTUVWXY"

// mbiValid reports whether eleven characters follow the CMS MBI layout:
// position 1 digit 1-9; 2, 5, 8, 9 allowed letters; 4, 7, 10, 11 digits;
// 3 and 6 an allowed letter or a digit.
func mbiValid(v []byte) bool {
	if len(v) != 11 {
		return false
	}
	if v[0] < '1' || v[0] > '9' {
		return false
	}
	for i, c := range v {
		switch i {
		case 1, 4, 7, 8:
			if !containsByte(mbiLetters, c) {
				return false
			}
		case 3, 6, 9, 10:
			if !isDigit(c) {
				return false
			}
		case 2, 5:
			if !isDigit(c) && !containsByte(mbiLetters, c) {
				return false
			}
		}
	}
	return true
}

// exampleMBIs are identifiers CMS prints in its MBI format documentation.
var exampleMBIs = map[string]bool{"1EG4TE5MK73": true, "1EG4TE5MK72": true}

// cardBrand returns the card network for a Luhn-valid number whose issuer
// prefix and length match a network's published ranges, or "".
func cardBrand(d []byte) string {
	n := len(d)
	p := func(k int) int {
		v := 0
		for _, c := range d[:k] {
			v = v*10 + int(c-'0')
		}
		return v
	}
	switch {
	case d[0] == '4' && (n == 13 || n == 16 || n == 19):
		return "visa"
	case n == 16 && ((p(2) >= 51 && p(2) <= 55) || (p(4) >= 2221 && p(4) <= 2720)):
		return "mastercard"
	case n == 15 && (p(2) == 34 || p(2) == 37):
		return "amex"
	case n >= 16 && n <= 19 && (p(4) == 6011 || p(2) == 65 || (p(3) >= 644 && p(3) <= 649)):
		return "discover"
	case n >= 16 && n <= 19 && p(4) >= 3528 && p(4) <= 3589:
		return "jcb"
	case n >= 14 && n <= 19 && ((p(3) >= 300 && p(3) <= 305) || p(2) == 36 || p(2) == 38 || p(2) == 39):
		return "diners"
	case n >= 16 && n <= 19 && p(2) == 62:
		return "unionpay"
	case n >= 12 && n <= 19 && (p(2) == 50 || (p(2) >= 56 && p(2) <= 69)):
		return "maestro"
	}
	return ""
}

// testCards are numbers that card networks and payment processors publish
// for testing; no account exists behind them.
var testCards = map[string]bool{
	"4111111111111111": true, "4242424242424242": true, "4012888888881881": true,
	"4000056655665556": true, "4222222222222": true, "4000000000000002": true,
	"4000000000000077": true, "4000000000009995": true, "4917610000000000": true,
	"5555555555554444": true, "5105105105105100": true, "5200828282828210": true,
	"2223003122003222": true, "2222400010000008": true, "5454545454545454": true,
	"378282246310005": true, "371449635398431": true, "378734493671000": true,
	"6011111111111117": true, "6011000990139424": true, "6011000000000004": true,
	"3530111333300000": true, "3566002020360505": true, "3566111111111113": true,
	"30569309025904": true, "38520000023237": true, "36227206271667": true,
	"6200000000000005": true, "6759649826438453": true,
}

// cardSynthetic returns why a card number cannot be a real account, or "".
func cardSynthetic(d []byte) string {
	if testCards[string(d)] {
		return "published test card number"
	}
	if allSame(d[1:]) {
		return "placeholder card number of one repeated digit"
	}
	return ""
}

// nanpValid reports whether ten digits form a North American number:
// area code and exchange both start with 2-9.
func nanpValid(d []byte) bool {
	return len(d) == 10 && d[0] >= '2' && d[3] >= '2'
}

// phoneSynthetic returns why a NANP number is fictional, or "": 555-0100
// through 555-0199 are reserved for fiction, and area code 555 is not
// assigned (Synthea writes its phone numbers there).
func phoneSynthetic(d []byte) string {
	if len(d) == 7 && string(d[0:3]) == "555" && string(d[3:5]) == "01" {
		return "555-01xx numbers are reserved for fictional use"
	}
	if len(d) != 10 {
		return ""
	}
	if string(d[3:6]) == "555" && string(d[6:8]) == "01" {
		return "555-01xx numbers are reserved for fictional use"
	}
	if string(d[0:3]) == "555" {
		return "area code 555 is not assigned"
	}
	if allSame(d) || string(d) == "1234567890" {
		return "placeholder phone number"
	}
	return ""
}

// emailSynthetic returns why an e-mail domain cannot reach a person, or "":
// RFC 2606 and RFC 6761 reserve example.com/.net/.org and the .test,
// .example, .invalid and .localhost top-level domains.
func emailSynthetic(domain string) string {
	d := lowerASCII(domain)
	switch {
	case d == "example.com" || d == "example.org" || d == "example.net",
		hasSuffix(d, ".example.com"), hasSuffix(d, ".example.org"), hasSuffix(d, ".example.net"):
		return "reserved example domain (RFC 2606)"
	case hasSuffix(d, ".test"), hasSuffix(d, ".example"), hasSuffix(d, ".invalid"), hasSuffix(d, ".localhost"), d == "localhost":
		return "reserved top-level domain (RFC 2606)"
	}
	return ""
}

// icd10Valid reports whether v (dot optional) has the ICD-10-CM code shape:
// a letter other than U, a digit, an alphanumeric third character, then up
// to four alphanumeric characters after the category.
func icd10Valid(v []byte) bool {
	n := len(v)
	if n < 3 || n > 8 {
		return false
	}
	if !isUpper(v[0]) || v[0] == 'U' || !isDigit(v[1]) || !(isDigit(v[2]) || isUpper(v[2])) {
		return false
	}
	rest := v[3:]
	if len(rest) > 0 && rest[0] == '.' {
		rest = rest[1:]
		if len(rest) == 0 {
			return false
		}
	}
	if len(rest) > 4 {
		return false
	}
	for _, c := range rest {
		if !isDigit(c) && !isUpper(c) {
			return false
		}
	}
	return true
}

// dateValid parses a calendar date in one of the layouts used for birth
// dates (YYYY-MM-DD, YYYY/MM/DD, MM/DD/YYYY, MM-DD-YYYY, and YYYYMMDD when
// compact is set) and reports whether it is a real day between 1880 and
// 2099.
func dateValid(v []byte, compact bool) bool {
	var y, m, d int
	num := func(b []byte) (int, bool) {
		x := 0
		for _, c := range b {
			if !isDigit(c) {
				return 0, false
			}
			x = x*10 + int(c-'0')
		}
		return x, len(b) > 0
	}
	ok := true
	switch {
	case len(v) == 10 && (v[4] == '-' || v[4] == '/') && v[7] == v[4]:
		var a, b, c bool
		y, a = num(v[0:4])
		m, b = num(v[5:7])
		d, c = num(v[8:10])
		ok = a && b && c
	case len(v) == 10 && (v[2] == '/' || v[2] == '-') && v[5] == v[2]:
		var a, b, c bool
		m, a = num(v[0:2])
		d, b = num(v[3:5])
		y, c = num(v[6:10])
		ok = a && b && c
	case compact && (len(v) == 8 || (len(v) > 8 && len(v) <= 14)):
		var a, b, c bool
		y, a = num(v[0:4])
		m, b = num(v[4:6])
		d, c = num(v[6:8])
		ok = a && b && c
	default:
		return false
	}
	if !ok || y < 1880 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [...]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if d > days[m-1] {
		return false
	}
	if m == 2 && d == 29 && !(y%4 == 0 && (y%100 != 0 || y%400 == 0)) {
		return false
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isAlpha(c byte) bool { return isUpper(c) || isLower(c) }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if isUpper(s[i]) {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if isUpper(b[j]) {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
