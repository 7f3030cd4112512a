package reports

import (
	"encoding/json"
	"unicode/utf8"
)

// decodeResult reads one SARIF result object into res without reflection.
// It returns errBail for any input whose meaning under encoding/json it
// does not reproduce exactly. Such input is a type mismatch, a key that
// differs from a field name only in case, an escaped key, a repeated key of
// a slice or map field, or invalid JSON. The caller then decodes the same
// bytes with encoding/json, which reports the error or handles the case.
func decodeResult(s *byteScanner, res *sarifResult) error {
	var seen uint8
	err := fastObject(s, func(key []byte) error {
		switch string(key) {
		case "ruleId":
			return fastString(s, &res.RuleID)
		case "ruleIndex":
			return fastIntPtr(s, &res.RuleIndex)
		case "rule":
			return fastRuleReference(s, res)
		case "kind":
			return fastEnum(s, &res.Kind, resultKinds)
		case "level":
			return fastEnum(s, &res.Level, resultLevels)
		case "message":
			return fastMessage(s, &res.Message, &seen)
		case "locations":
			if err := once(&seen, seenLocations); err != nil {
				return err
			}
			return fastLocations(s, &res.Locations)
		case "partialFingerprints":
			if err := once(&seen, seenPartialFingerprints); err != nil {
				return err
			}
			return fastStringMap(s, &res.PartialFingerprints)
		case "fingerprints":
			if err := once(&seen, seenFingerprints); err != nil {
				return err
			}
			return fastStringMap(s, &res.Fingerprints)
		case "suppressions":
			if err := once(&seen, seenSuppressions); err != nil {
				return err
			}
			return fastSuppressions(s, &res.Suppressions)
		case "baselineState":
			return fastEnum(s, &res.BaselineState, baselineStates)
		case "properties":
			return fastProperties(s, &res.Properties)
		}
		return fastUnknown(s, key, resultFields)
	})
	if err != nil {
		return errBail
	}
	return nil
}

// Fields of a result that hold a slice or a map. encoding/json merges a
// repeated key of these into the first value, so decodeResult leaves
// repeats to it.
const (
	seenLocations uint8 = 1 << iota
	seenPartialFingerprints
	seenFingerprints
	seenSuppressions
	seenArguments
)

func once(seen *uint8, field uint8) error {
	if *seen&field != 0 {
		return errBail
	}
	*seen |= field
	return nil
}

// Field names of each struct decodeResult fills, for fastUnknown.
var (
	resultFields = []string{"ruleId", "ruleIndex", "rule", "kind", "level", "message", "locations",
		"partialFingerprints", "fingerprints", "suppressions", "baselineState", "properties"}
	ruleReferenceFields = []string{"id", "index", "toolComponent"}
	toolComponentFields = []string{"name", "index"}
	messageFields       = []string{"text", "markdown", "id", "arguments"}
	locationFields      = []string{"physicalLocation"}
	physicalFields      = []string{"artifactLocation", "region"}
	artifactFields      = []string{"uri", "uriBaseId", "index"}
	regionFields        = []string{"startLine", "startColumn", "endLine", "endColumn"}
	suppressionFields   = []string{"kind", "status", "justification"}
	propertiesFields    = []string{"security-severity"}
)

// fastObject reads an object value into a struct: null leaves the struct
// as it is, as in encoding/json. field gets each key, valid only until it
// reads the value, and must consume the value.
func fastObject(s *byteScanner, field func(key []byte) error) error {
	c, ok := s.peek()
	if !ok {
		return errBail
	}
	if c == 'n' {
		return s.scanLiteral(stateValue, "null")
	}
	if c != '{' {
		return errBail
	}
	s.off++
	c, ok = s.peek()
	if !ok {
		return errBail
	}
	if c == '}' {
		s.off++
		return nil
	}
	for {
		c, ok := s.peek()
		if !ok || c != '"' {
			return errBail
		}
		start, end, flags, err := s.scanString(stateObjectKey)
		if err != nil || flags&stringEscaped != 0 {
			return errBail
		}
		if err := s.expect(':', stateObjectColon); err != nil {
			return errBail
		}
		if err := field(s.bytesAt(start+1, end-1)); err != nil {
			return errBail
		}
		c, ok = s.peek()
		if !ok {
			return errBail
		}
		switch c {
		case ',':
			s.off++
		case '}':
			s.off++
			return nil
		default:
			return errBail
		}
	}
}

// fastUnknown skips the value of a key the struct does not have. A key
// that encoding/json would match to a field case-insensitively, or any
// non-ASCII key (which Unicode case folding can match), bails.
func fastUnknown(s *byteScanner, key []byte, fields []string) error {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return errBail
		}
	}
	for _, name := range fields {
		if equalFoldASCII(key, name) {
			return errBail
		}
	}
	// The fields above sit at most 6 levels deep in a result. Starting the
	// count at 16 makes the depth limit bail early rather than late, and
	// encoding/json then applies the exact limit.
	return s.skipDepth(stateObjectValue, 16)
}

func equalFoldASCII(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := range key {
		a, b := key[i], name[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// fastString reads a string field; null leaves it unchanged.
func fastString(s *byteScanner, dst *string) error {
	c, ok := s.peek()
	switch {
	case !ok:
		return errBail
	case c == '"':
		v, err := s.readString(stateValue)
		if err != nil {
			return errBail
		}
		*dst = v
		return nil
	case c == 'n':
		return s.scanLiteral(stateValue, "null")
	}
	return errBail
}

// Values of SARIF 2.1.0 enumerations, which fastEnum returns without
// allocating a string per result.
var (
	resultLevels   = []string{sarifLevelError, sarifLevelWarning, sarifLevelNote, sarifLevelNone}
	resultKinds    = []string{"fail", "pass", "open", "review", "informational", "notApplicable"}
	baselineStates = []string{"new", "unchanged", "updated", "absent"}
)

// fastEnum reads a string field like fastString, reusing the matching
// string of values when there is one.
func fastEnum(s *byteScanner, dst *string, values []string) error {
	c, ok := s.peek()
	if !ok || c != '"' {
		return fastString(s, dst)
	}
	start, end, flags, err := s.scanString(stateValue)
	if err != nil {
		return errBail
	}
	if flags == 0 {
		raw := s.bytesAt(start+1, end-1)
		for _, v := range values {
			if string(raw) == v {
				*dst = v
				return nil
			}
		}
	}
	*dst = s.stringValue(start, end, flags)
	return nil
}

// fastInt reads an int field; null leaves it unchanged. Numbers with a
// fraction or an exponent bail, as encoding/json rejects them for an int.
func fastInt(s *byteScanner, dst *int) error {
	c, ok := s.peek()
	switch {
	case !ok:
		return errBail
	case c == 'n':
		return s.scanLiteral(stateValue, "null")
	case c != '-' && (c < '0' || c > '9'):
		return errBail
	}
	start, end, err := s.scanNumber(stateValue)
	if err != nil {
		return errBail
	}
	text := s.bytesAt(start, end)
	if len(text) > 18 {
		return errBail
	}

	n := 0
	neg := false
	for i, c := range text {
		switch {
		case c == '-' && i == 0:
			neg = true
		case '0' <= c && c <= '9':
			n = n*10 + int(c-'0')
		default:
			return errBail
		}
	}
	if neg {
		n = -n
	}

	*dst = n
	return nil
}

// fastIntPtr reads a *int field; null sets it to nil.
func fastIntPtr(s *byteScanner, dst **int) error {
	c, ok := s.peek()
	if ok && c == 'n' {
		*dst = nil
		return s.scanLiteral(stateValue, "null")
	}
	var n int
	if *dst != nil {
		n = **dst
	}
	if err := fastInt(s, &n); err != nil {
		return err
	}
	*dst = &n
	return nil
}

// fastRuleReference reads result.rule, a SARIF reportingDescriptorReference
// that can name the rule by id, index and tool component.
func fastRuleReference(s *byteScanner, res *sarifResult) error {
	c, ok := s.peek()
	if ok && c == 'n' {
		res.Rule = nil
		return s.scanLiteral(stateValue, "null")
	}
	if res.Rule == nil {
		res.Rule = &struct {
			ID            string `json:"id"`
			Index         *int   `json:"index"`
			ToolComponent *struct {
				Name  string `json:"name"`
				Index *int   `json:"index"`
			} `json:"toolComponent"`
		}{}
	}
	rule := res.Rule
	return fastObject(s, func(key []byte) error {
		switch string(key) {
		case "id":
			return fastString(s, &rule.ID)
		case "index":
			return fastIntPtr(s, &rule.Index)
		case "toolComponent":
			c, ok := s.peek()
			if ok && c == 'n' {
				rule.ToolComponent = nil
				return s.scanLiteral(stateValue, "null")
			}
			if rule.ToolComponent == nil {
				rule.ToolComponent = &struct {
					Name  string `json:"name"`
					Index *int   `json:"index"`
				}{}
			}
			tc := rule.ToolComponent
			return fastObject(s, func(key []byte) error {
				switch string(key) {
				case "name":
					return fastString(s, &tc.Name)
				case "index":
					return fastIntPtr(s, &tc.Index)
				}
				return fastUnknown(s, key, toolComponentFields)
			})
		}
		return fastUnknown(s, key, ruleReferenceFields)
	})
}

func fastMessage(s *byteScanner, m *sarifMessage, seen *uint8) error {
	return fastObject(s, func(key []byte) error {
		switch string(key) {
		case "text":
			return fastString(s, &m.Text)
		case "markdown":
			return fastString(s, &m.Markdown)
		case "id":
			return fastString(s, &m.ID)
		case "arguments":
			if err := once(seen, seenArguments); err != nil {
				return err
			}
			return fastArray(s, func() error {
				var arg string
				if err := fastString(s, &arg); err != nil {
					return err
				}
				m.Arguments = append(m.Arguments, arg)
				return nil
			}, func() { m.Arguments = nil }, func() {
				if m.Arguments == nil {
					m.Arguments = []string{}
				}
			})
		}
		return fastUnknown(s, key, messageFields)
	})
}

// fastArray reads an array field, calling element for each element. null
// calls setNil; an array calls setEmpty first, so that an empty array
// gives an empty, non-nil slice as in encoding/json.
func fastArray(s *byteScanner, element func() error, setNil, setEmpty func()) error {
	c, ok := s.peek()
	switch {
	case !ok:
		return errBail
	case c == 'n':
		setNil()
		return s.scanLiteral(stateValue, "null")
	case c != '[':
		return errBail
	}
	s.off++
	setEmpty()
	c, ok = s.peek()
	if !ok {
		return errBail
	}
	if c == ']' {
		s.off++
		return nil
	}
	for {
		if err := element(); err != nil {
			return errBail
		}
		c, ok := s.peek()
		if !ok {
			return errBail
		}
		switch c {
		case ',':
			s.off++
		case ']':
			s.off++
			return nil
		default:
			return errBail
		}
	}
}

func fastLocations(s *byteScanner, dst *[]sarifLocation) error {
	return fastArray(s, func() error {
		*dst = append(*dst, sarifLocation{})
		loc := &(*dst)[len(*dst)-1]
		return fastObject(s, func(key []byte) error {
			if string(key) != "physicalLocation" {
				return fastUnknown(s, key, locationFields)
			}
			phys := &loc.PhysicalLocation
			return fastObject(s, func(key []byte) error {
				switch string(key) {
				case "artifactLocation":
					a := &phys.ArtifactLocation
					return fastObject(s, func(key []byte) error {
						switch string(key) {
						case "uri":
							return fastString(s, &a.URI)
						case "uriBaseId":
							return fastString(s, &a.URIBaseID)
						case "index":
							return fastIntPtr(s, &a.Index)
						}
						return fastUnknown(s, key, artifactFields)
					})
				case "region":
					r := &phys.Region
					return fastObject(s, func(key []byte) error {
						switch string(key) {
						case "startLine":
							return fastInt(s, &r.StartLine)
						case "startColumn":
							return fastInt(s, &r.StartColumn)
						case "endLine":
							return fastInt(s, &r.EndLine)
						case "endColumn":
							return fastInt(s, &r.EndColumn)
						}
						return fastUnknown(s, key, regionFields)
					})
				}
				return fastUnknown(s, key, physicalFields)
			})
		})
	}, func() { *dst = nil }, func() { *dst = []sarifLocation{} })
}

func fastSuppressions(s *byteScanner, dst *[]sarifSuppression) error {
	return fastArray(s, func() error {
		*dst = append(*dst, sarifSuppression{})
		sup := &(*dst)[len(*dst)-1]
		return fastObject(s, func(key []byte) error {
			switch string(key) {
			case "kind":
				return fastString(s, &sup.Kind)
			case "status":
				return fastString(s, &sup.Status)
			case "justification":
				return fastString(s, &sup.Justification)
			}
			return fastUnknown(s, key, suppressionFields)
		})
	}, func() { *dst = nil }, func() { *dst = []sarifSuppression{} })
}

// fastStringMap reads a map[string]string field. A null member stores the
// empty string, as encoding/json does.
func fastStringMap(s *byteScanner, dst *map[string]string) error {
	c, ok := s.peek()
	switch {
	case !ok:
		return errBail
	case c == 'n':
		*dst = nil
		return s.scanLiteral(stateValue, "null")
	case c != '{':
		return errBail
	}
	s.off++
	*dst = map[string]string{}
	c, ok = s.peek()
	if !ok {
		return errBail
	}
	if c == '}' {
		s.off++
		return nil
	}
	for {
		c, ok := s.peek()
		if !ok || c != '"' {
			return errBail
		}
		key, err := s.readString(stateObjectKey)
		if err != nil {
			return errBail
		}
		if err := s.expect(':', stateObjectColon); err != nil {
			return errBail
		}
		value := ""
		if err := fastString(s, &value); err != nil {
			return errBail
		}
		(*dst)[key] = value
		c, ok = s.peek()
		if !ok {
			return errBail
		}
		switch c {
		case ',':
			s.off++
		case '}':
			s.off++
			return nil
		default:
			return errBail
		}
	}
}

// fastProperties reads the result's property bag, keeping the raw
// security-severity value as json.RawMessage would.
func fastProperties(s *byteScanner, p *sarifProperties) error {
	return fastObject(s, func(key []byte) error {
		if string(key) != "security-severity" {
			return fastUnknown(s, key, propertiesFields)
		}
		if _, ok := s.peek(); !ok {
			return errBail
		}
		start := s.off
		saved := s.keep(start)
		defer s.release(saved)
		// As in fastUnknown, the depth count starts high so that deep
		// nesting bails to encoding/json, which applies the exact limit.
		if err := s.skipDepth(stateObjectValue, 16); err != nil {
			return errBail
		}
		p.SecuritySeverity = append(json.RawMessage(nil), s.bytesAt(start, s.off)...)
		return nil
	})
}
