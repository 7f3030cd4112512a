package phi

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
)

// maskStyle selects how much of a detected value a report may show.
type maskStyle uint8

const (
	// maskLast4 keeps separators and the last four letters or digits of a
	// value of at least nine, and hides every other letter and digit.
	maskLast4 maskStyle = iota
	// maskAll hides every letter and digit and keeps only punctuation.
	maskAll
	// maskInitials keeps the first letter of each word.
	maskInitials
	// maskEmail keeps the first character of the local part and the
	// top-level domain.
	maskEmail
)

// mask returns value with identifying characters replaced by '*'. The
// result never contains value itself unless value has no letters or digits.
func mask(value string, style maskStyle) string {
	b := []byte(value)
	switch style {
	case maskLast4:
		alnum := 0
		for _, c := range b {
			if isAlnum(c) {
				alnum++
			}
		}
		keep := 0
		if alnum >= 9 {
			keep = 4
		}
		seen := 0
		for i, c := range b {
			if isAlnum(c) {
				seen++
				if seen <= alnum-keep {
					b[i] = '*'
				}
			}
		}
	case maskInitials:
		start := true
		for i, c := range b {
			if isAlnum(c) || c >= 0x80 {
				if !start {
					b[i] = '*'
				}
				start = false
			} else {
				start = true
			}
		}
		if len(strings.Fields(value)) <= 1 && len(b) > 0 {
			// A single word keeps no letter: a lone initial plus length is
			// enough to guess short names.
			return maskAllBytes(b)
		}
	case maskEmail:
		at := strings.LastIndexByte(value, '@')
		dot := strings.LastIndexByte(value, '.')
		for i, c := range b {
			switch {
			case i == 0 || i == at || c == '.' && i == dot:
			case i > dot && dot > at:
			default:
				b[i] = '*'
			}
		}
	default:
		return maskAllBytes(b)
	}
	return string(b)
}

func maskAllBytes(b []byte) string {
	for i, c := range b {
		if isAlnum(c) || c >= 0x80 {
			b[i] = '*'
		}
	}
	return string(b)
}

// fingerprint identifies a finding across runs without encoding its value,
// because a hash of the value could be reversed by trying every SSN. It
// hashes the rule, the path, the masked value and the number of equal
// masked values of the same rule before it in the file.
func fingerprint(rule, path, masked string, occurrence int) string {
	h := sha256.New()
	h.Write([]byte("hmsci-phi/v1\x00" + rule + "\x00" + path + "\x00" + masked + "\x00" + strconv.Itoa(occurrence)))
	return hex.EncodeToString(h.Sum(nil))[:32]
}
