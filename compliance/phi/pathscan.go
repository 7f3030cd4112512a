package phi

import (
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// PHI in file and folder names: exports are often named after the patient
// ("536-22-1234_smith.csv"). Each name is scanned like a line of text, a
// phi/path finding reports each value, and every finding's path shows the
// name masked, so no rendering repeats it.

// nameText returns name with its separators turned into spaces, so that
// "ssn_536221234.csv" reads as "ssn 536221234 csv". A '-' between digits
// stays, because it is part of a formatted SSN or phone number. The
// result has the length of name, so hit offsets index name too.
func nameText(name string) []byte {
	b := []byte(name)
	for i, c := range b {
		switch {
		case isAlnum(c) || c >= 0x80:
		case c == '-' && i > 0 && i+1 < len(b) && isDigit(b[i-1]) && isDigit(b[i+1]):
		default:
			b[i] = ' '
		}
	}
	return b
}

// maxExtension is the longest file name extension kept unmasked, in bytes
// without the dot ("ndjson").
const maxExtension = 6

// nameHits returns the value hits in one file or folder name. Rules that
// need more than one value (ICD-10-CM codes, logging calls) do not apply.
func nameHits(name string) []hit {
	s := &fileScan{path: name, data: nameText(name), curRecord: -1, lineNo: 1, curLine: 1}
	s.scanLine(0, len(s.data), 0, false)
	return s.hits
}

// maskedName returns name with every detected value masked. A name with
// a detected value has its other words masked too, because they are
// likely the same patient's name ("536-22-1234_vandermolen.txt"), which
// has no context that would tell it from a word. Only a short extension
// stays.
func maskedName(name string, hits []hit) string {
	if len(hits) == 0 {
		return name
	}
	stem := len(name)
	if dot := strings.LastIndexByte(name, '.'); dot > 0 && len(name)-dot <= maxExtension+1 {
		stem = dot
	}
	b := []byte(maskAllBytes([]byte(name[:stem])) + name[stem:])
	for _, h := range hits {
		copy(b[h.start:h.end], mask(name[h.start:h.end], h.style))
	}
	return string(b)
}

// shownPath returns p with each name that holds a detected value masked.
// Results are cached per name, because every file of a folder shares the
// folder's names.
func (sc *scanner) shownPath(p string) string {
	if sc.names == nil {
		sc.names = map[string]string{}
	}
	parts := strings.Split(p, "/")
	for i, part := range parts {
		shown, ok := sc.names[part]
		if !ok {
			shown = maskedName(part, nameHits(part))
			sc.names[part] = shown
		}
		parts[i] = shown
	}
	return strings.Join(parts, "/")
}

// nameFindings reports the values detected in the last name of p, a file
// or, with folder set, a folder.
func (sc *scanner) nameFindings(p string, folder bool) []gates.Finding {
	base := p[strings.LastIndexByte(p, '/')+1:]
	hits := nameHits(base)
	if len(hits) == 0 {
		return nil
	}
	shown := sc.shownPath(p)
	what := "File name"
	if folder {
		what = "Folder name"
	}
	rule := rulesByID[RulePath]
	out := make([]gates.Finding, 0, len(hits))
	for i, h := range hits {
		masked := mask(h.value, h.style)
		detected := rulesByID[h.rule]
		props := map[string]any{
			"confidence":   h.confidence,
			"maskedValue":  masked,
			"detectedRule": h.rule,
		}
		sev := rule.Severity
		msg := what + " contains a " + detected.Name + " " + masked + "; rename it and keep no patient identifier in file or folder names"
		if h.synthetic != "" {
			sev = gates.SeverityLow
			props["synthetic"] = true
			props["syntheticReason"] = h.synthetic
			msg += "; synthetic: " + h.synthetic
		}
		f := gates.Finding{
			Tool:        ToolName,
			RuleID:      RulePath,
			Severity:    sev,
			Message:     msg,
			Path:        shown,
			Snippet:     masked,
			Fingerprint: fingerprint(RulePath, shown, masked, i),
			Properties:  props,
		}
		sc.allowlisted(&f, p, h.value)
		out = append(out, f)
	}
	return out
}
