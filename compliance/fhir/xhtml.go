package fhir

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// xhtmlAttr is one attribute of a start tag.
type xhtmlAttr struct{ name, value string }

// xhtmlScanner checks that a narrative is one well-formed XML element and
// reports each start tag to a callback. It covers the XML that FHIR
// narrative uses: elements, attributes, the five predefined entities,
// character references, comments, CDATA sections and processing
// instructions. It builds no tokens. On the 6,563 narratives of the R4
// examples package it accepts and rejects the same ones as encoding/xml in
// strict mode.
type xhtmlScanner struct {
	s     string
	i     int
	open  []string
	roots int
	// start is called for each start tag with its depth (0 for the root).
	start func(name string, attrs []xhtmlAttr, depth int) error
	attrs []xhtmlAttr
	// mask is set for the narrative of a resource about a person: error
	// messages then mask element, attribute and entity names that XHTML
	// does not define, because "<John Smith>" in text parses as a tag.
	mask bool
}

// xhtmlNames are the element and attribute names that FHIR narrative
// allows, with the event attributes it rejects, which error messages may
// print in full.
var xhtmlNames = func() map[string]bool {
	names := map[string]bool{}
	for _, n := range strings.Fields(`a abbr acronym b big blockquote br caption cite code col colgroup dd dfn div dl dt em
		h1 h2 h3 h4 h5 h6 hr i img li ol p pre q samp small span strong sub sup table tbody td tfoot th thead tr tt ul var
		script form base link iframe embed object applet frame frameset style
		xmlns xml:lang lang dir id class style title href name src alt width height border colspan rowspan align valign
		cellpadding cellspacing summary scope headers abbr span accesskey tabindex
		onclick ondblclick onload onunload onerror onfocus onblur onchange onsubmit onreset onselect
		onkeydown onkeypress onkeyup onmousedown onmouseup onmouseover onmousemove onmouseout
		amp lt gt quot apos nbsp reg copy trade mdash ndash hellip laquo raquo deg plusmn micro`) {
		names[n] = true
	}
	return names
}()

// nameText returns a name for an error message, masked when x.mask is set
// and XHTML does not define it.
func (x *xhtmlScanner) nameText(name string) string {
	if !x.mask || xhtmlNames[strings.ToLower(name)] {
		return name
	}
	return maskValue(name)
}

func (x *xhtmlScanner) errorf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

func (x *xhtmlScanner) scan() error {
	for x.i < len(x.s) {
		c := x.s[x.i]
		switch {
		case c == '<':
			if err := x.markup(); err != nil {
				return err
			}
		case c == '&':
			if err := x.entity(); err != nil {
				return err
			}
		default:
			if len(x.open) == 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				return errOutsideRoot
			}
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return x.errorf("control character %#02x in text", c)
			}
			x.i++
		}
	}
	if len(x.open) > 0 {
		return x.errorf("element <%s> is not closed", x.nameText(x.open[len(x.open)-1]))
	}
	return nil
}

// errOutsideRoot marks text or a second element after the root element.
var errOutsideRoot = fmt.Errorf("content outside the root element")

func (x *xhtmlScanner) markup() error {
	rest := x.s[x.i:]
	switch {
	case strings.HasPrefix(rest, "<!--"):
		end := strings.Index(rest[4:], "-->")
		if end < 0 {
			return x.errorf("unterminated comment")
		}
		x.i += 4 + end + 3
		return nil
	case strings.HasPrefix(rest, "<![CDATA["):
		if len(x.open) == 0 {
			return errOutsideRoot
		}
		end := strings.Index(rest, "]]>")
		if end < 0 {
			return x.errorf("unterminated CDATA section")
		}
		x.i += end + 3
		return nil
	case strings.HasPrefix(rest, "<!"):
		return errDirective
	case strings.HasPrefix(rest, "<?"):
		end := strings.Index(rest, "?>")
		if end < 0 {
			return x.errorf("unterminated processing instruction")
		}
		target := rest[2:end]
		if j := strings.IndexAny(target, " \t\r\n"); j >= 0 {
			target = target[:j]
		}
		if target != "xml" {
			return errProcessingInstruction
		}
		x.i += end + 2
		return nil
	case strings.HasPrefix(rest, "</"):
		x.i += 2
		name := x.name()
		if name == "" {
			return x.errorf("invalid end tag")
		}
		x.space()
		if x.i >= len(x.s) || x.s[x.i] != '>' {
			return x.errorf("end tag </%s> is not closed with '>'", x.nameText(name))
		}
		x.i++
		if len(x.open) == 0 || x.open[len(x.open)-1] != name {
			return x.errorf("unexpected end element </%s>", x.nameText(name))
		}
		x.open = x.open[:len(x.open)-1]
		return nil
	}
	return x.startTag()
}

func (x *xhtmlScanner) startTag() error {
	x.i++ // '<'
	name := x.name()
	if name == "" {
		return x.errorf("'<' does not start a tag; write &lt; for a literal '<'")
	}
	if len(x.open) == 0 {
		x.roots++
		if x.roots > 1 {
			return errOutsideRoot
		}
	}
	x.attrs = x.attrs[:0]
	for {
		spaced := x.space()
		if x.i >= len(x.s) {
			return x.errorf("start tag <%s> is not closed", x.nameText(name))
		}
		switch x.s[x.i] {
		case '>':
			x.i++
			if err := x.start(name, x.attrs, len(x.open)); err != nil {
				return err
			}
			x.open = append(x.open, name)
			return nil
		case '/':
			if !strings.HasPrefix(x.s[x.i:], "/>") {
				return x.errorf("invalid '/' in start tag <%s>", x.nameText(name))
			}
			x.i += 2
			return x.start(name, x.attrs, len(x.open))
		}
		if !spaced {
			return x.errorf("missing space before an attribute in <%s>", x.nameText(name))
		}
		attr := x.name()
		if attr == "" {
			return x.errorf("invalid attribute name in <%s>", x.nameText(name))
		}
		x.space()
		if x.i >= len(x.s) || x.s[x.i] != '=' {
			return x.errorf("attribute %q in <%s> has no value", x.nameText(attr), x.nameText(name))
		}
		x.i++
		x.space()
		if x.i >= len(x.s) || (x.s[x.i] != '"' && x.s[x.i] != '\'') {
			return x.errorf("attribute %q in <%s> has an unquoted value", x.nameText(attr), x.nameText(name))
		}
		quote := x.s[x.i]
		end := strings.IndexByte(x.s[x.i+1:], quote)
		if end < 0 {
			return x.errorf("attribute %q in <%s> has an unterminated value", x.nameText(attr), x.nameText(name))
		}
		value := x.s[x.i+1 : x.i+1+end]
		if strings.IndexByte(value, '<') >= 0 {
			return x.errorf("attribute %q in <%s> contains '<'", x.nameText(attr), x.nameText(name))
		}
		if err := checkEntities(value, x.nameText); err != nil {
			return err
		}
		for _, a := range x.attrs {
			if a.name == attr {
				return x.errorf("attribute %q repeated in <%s>", x.nameText(attr), x.nameText(name))
			}
		}
		x.attrs = append(x.attrs, xhtmlAttr{name: attr, value: value})
		x.i += end + 2
	}
}

// name reads an XML name (with an optional prefix) at the position.
func (x *xhtmlScanner) name() string {
	start := x.i
	for x.i < len(x.s) {
		c := x.s[x.i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':', c >= 0x80:
		case x.i > start && (c >= '0' && c <= '9' || c == '-' || c == '.'):
		default:
			return x.s[start:x.i]
		}
		x.i++
	}
	return x.s[start:x.i]
}

// space skips XML whitespace and reports whether there was any.
func (x *xhtmlScanner) space() bool {
	start := x.i
	for x.i < len(x.s) && (x.s[x.i] == ' ' || x.s[x.i] == '\t' || x.s[x.i] == '\n' || x.s[x.i] == '\r') {
		x.i++
	}
	return x.i > start
}

func (x *xhtmlScanner) entity() error {
	if len(x.open) == 0 {
		return errOutsideRoot
	}
	end := strings.IndexByte(x.s[x.i:], ';')
	if end < 0 {
		return x.errorf("'&' does not start an entity; write &amp; for a literal '&'")
	}
	if err := checkEntity(x.s[x.i+1:x.i+end], x.nameText); err != nil {
		return err
	}
	x.i += end + 1
	return nil
}

// checkEntities checks every entity reference in an attribute value;
// nameText prepares a name for the error message.
func checkEntities(v string, nameText func(string) string) error {
	for {
		i := strings.IndexByte(v, '&')
		if i < 0 {
			return nil
		}
		end := strings.IndexByte(v[i:], ';')
		if end < 0 {
			return fmt.Errorf("'&' does not start an entity; write &amp; for a literal '&'")
		}
		if err := checkEntity(v[i+1:i+end], nameText); err != nil {
			return err
		}
		v = v[i+end+1:]
	}
}

// checkEntity accepts the five XML entities and character references to
// valid XML characters; HTML entities such as &reg; are not XML.
func checkEntity(name string, nameText func(string) string) error {
	switch name {
	case "lt", "gt", "amp", "quot", "apos":
		return nil
	}
	if num, ok := strings.CutPrefix(name, "#"); ok && num != "" {
		base := 10
		if hex, isHex := strings.CutPrefix(num, "x"); isHex {
			num, base = hex, 16
		}
		r, valid := 0, num != ""
		for _, c := range num {
			d := digitValue(c)
			if d < 0 || d >= base || r > utf8.MaxRune {
				valid = false
				break
			}
			r = r*base + d
		}
		if valid && (r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= utf8.MaxRune) {
			return nil
		}
	}
	return fmt.Errorf("invalid character entity &%s;", nameText(name))
}

func digitValue(c rune) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

var (
	errDirective             = fmt.Errorf("directive")
	errProcessingInstruction = fmt.Errorf("processing instruction")
)
