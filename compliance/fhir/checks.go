package fhir

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// checkBinding checks a coded value against a required or extensible
// binding whose value set expansion is embedded. Value sets without an
// expansion (such as all of SNOMED CT or MIME types) are not checked.
func (v *validator) checkBinding(val *Value, w walk) {
	if val == nil || w.elem == nil || w.elem.Binding == nil {
		return
	}
	b := w.elem.Binding
	if b.Strength != "required" && b.Strength != "extensible" {
		return
	}
	vs := v.m.valueSets[b.ValueSet]
	if vs == nil {
		return
	}
	sev := SeverityError
	if b.Strength == "extensible" && !v.opts.ExtensibleAsError {
		sev = SeverityWarning
	}
	label := vs.name
	if label == "" {
		label = vs.url
	}
	switch w.typ.Code {
	case "code", "string", "uri":
		if val.Kind == KindString && val.Text != "" && !vs.codes["|"+val.Text] {
			v.add(sev, "code-invalid", RuleBinding, val, w.expr, "the value %s is not in the value set %s (%s), and a code from it is %s%s", show(w, val.Text), label, vs.url, b.Strength, vs.suggest(val.Text))
		}
	case "Coding":
		if system, code := val.String("system"), val.String("code"); code != "" && system != "" && !vs.codes[system+"|"+code] {
			v.add(sev, "code-invalid", RuleBinding, val, w.expr, "the code %s#%s is not in the value set %s (%s), and a code from it is %s%s", v.showSystem(w, system), show(w, code), label, vs.url, b.Strength, vs.suggest(code))
		}
	case "CodeableConcept":
		cs := val.Member("coding")
		if cs == nil || cs.Kind != KindArray {
			return
		}
		coded := 0
		for _, c := range cs.Items {
			system, code := c.String("system"), c.String("code")
			if code == "" || system == "" {
				continue
			}
			coded++
			if vs.codes[system+"|"+code] {
				return
			}
		}
		if coded > 0 {
			v.add(sev, "code-invalid", RuleBinding, val, w.expr, "none of the %d codings is in the value set %s (%s), and a code from it is %s", coded, label, vs.url, b.Strength)
		}
	}
}

// currentResource returns the innermost resource being walked.
func (v *validator) currentResource() *resourceFrame {
	if len(v.resources) == 0 {
		return nil
	}
	return v.resources[len(v.resources)-1]
}

// containerResource returns the innermost resource that is not contained:
// the one whose contained list local references resolve against.
func (v *validator) containerResource() *resourceFrame {
	for i := len(v.resources) - 1; i >= 0; i-- {
		if !v.resources[i].isContained {
			return v.resources[i]
		}
	}
	return nil
}

// checkReference checks the format and target type of Reference.reference
// and records it for resolution when the resource is inside a Bundle.
func (v *validator) checkReference(val *Value, w walk) {
	rv := val.Member("reference")
	if rv == nil || rv.Kind != KindString || rv.Text == "" {
		return
	}
	ref := rv.Text
	expr := v.child(w.expr, "reference")

	if strings.HasPrefix(ref, "#") {
		if ref == "#" {
			return
		}
		container := v.containerResource()
		if container != nil && !container.containedID[ref[1:]] {
			v.add(SeverityError, "not-found", RuleReference, rv, expr, "unable to resolve the local reference %s: no contained resource has that id", showRef(w, ref))
		}
		return
	}
	typeName, ok := "", true
	switch {
	case strings.HasPrefix(ref, "urn:uuid:") && !uuidRE.MatchString(ref):
		v.add(SeverityWarning, "invalid", RuleReference, rv, expr, "reference %s is not a well-formed urn:uuid: (expected a lower-case 8-4-4-4-12 hex UUID)", showRef(w, ref))
	case strings.HasPrefix(ref, "urn:uuid:"):
	case strings.HasPrefix(ref, "urn:oid:"):
		ok = oidRE.MatchString(ref)
	case strings.Contains(ref, "?"):
		// A conditional reference such as Patient?identifier=x; only a
		// transaction resolves it.
		typeName = ref[:strings.IndexByte(ref, '?')]
		ok = v.m.resources[typeName]
	case hasScheme(ref):
		typeName, _, _ = restfulTail(v.m, ref)
	default:
		var id string
		typeName, id, ok = splitRelative(v.m, ref)
		ok = ok && isID(id)
	}

	if !ok || strings.ContainsAny(ref, " \t\r\n") {
		v.add(SeverityError, "invalid", RuleReference, rv, expr, "invalid reference %s: expected Type/id, an absolute URL, urn:uuid:, urn:oid: or #id", showRef(w, ref))
		return
	}
	if typeName != "" && len(w.typ.Targets) > 0 && !slices.Contains(w.typ.Targets, "Resource") && !slices.Contains(w.typ.Targets, typeName) {
		v.add(SeverityError, "structure", RuleReference, rv, expr, "invalid reference target type %s: this element allows %s", typeName, strings.Join(w.typ.Targets, ", "))
	}
	// References of the Bundle itself (such as Bundle.signature.who) may
	// point outside it; only references inside entries are resolved.
	if frame := v.currentResource(); frame != nil && frame.bundle != nil && frame.value != frame.bundle.value {
		frame.bundle.refs = append(frame.bundle.refs, pendingRef{ref: ref, value: rv, expr: expr, sourceFullURL: frame.fullURL, phi: w.phi})
	}
}

func hasScheme(s string) bool {
	i := strings.Index(s, ":")
	if i <= 0 {
		return false
	}
	for _, c := range s[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// splitRelative splits Type/id or Type/id/_history/version.
func splitRelative(m *model, ref string) (typeName, id string, ok bool) {
	parts := strings.Split(ref, "/")
	switch {
	case len(parts) == 2:
	case len(parts) == 4 && parts[2] == "_history" && parts[3] != "":
	default:
		return "", "", false
	}
	if !m.resources[parts[0]] {
		return parts[0], parts[1], false
	}
	return parts[0], parts[1], true
}

// restfulTail returns the type and id at the end of an absolute RESTful
// URL such as http://server/fhir/Patient/1 (or .../_history/2).
func restfulTail(m *model, url string) (typeName, id string, ok bool) {
	parts := strings.Split(url, "/")
	if n := len(parts); n >= 4 && parts[n-2] == "_history" {
		parts = parts[:n-2]
	}
	n := len(parts)
	if n < 2 || !m.resources[parts[n-2]] {
		return "", "", false
	}
	return parts[n-2], parts[n-1], true
}

// checkExtension checks ext-1 and that a known extension is used in one of
// its contexts. An unknown extension is an error unless its URL starts
// with an allowed prefix, and a warning in example domains.
func (v *validator) checkExtension(val *Value, w walk) {
	hasValue, hasExt := false, false
	for _, mb := range val.Members {
		if strings.HasPrefix(mb.Key, "value") {
			hasValue = true
		}
		if mb.Key == "extension" {
			hasExt = true
		}
	}
	if hasValue == hasExt {
		v.add(SeverityError, "invariant", RuleInvariant, val, w.expr, "an extension must have either extensions or a value[x], not both and not neither (ext-1)")
	}

	uv := val.Member("url")
	if uv == nil || uv.Kind != KindString || uv.Text == "" {
		return
	}
	url := uv.Text
	if w.context.path == "" {
		// A nested extension of a complex extension: its url is relative
		// to the parent definition.
		return
	}

	def := v.m.extensions[url]
	if def == nil {
		for _, p := range v.opts.AllowedExtensions {
			if strings.HasPrefix(url, p) {
				return
			}
		}
		urlText := url
		if w.phi {
			urlText = maskValue(url)
		}
		if isExampleURL(url) {
			v.add(SeverityWarning, "structure", RuleExtension, uv, w.expr, "the extension %s is not defined in FHIR R4 core; example domains are allowed but cannot be checked", urlText)
			return
		}
		v.add(SeverityError, "structure", RuleExtension, uv, w.expr, "the extension %s is not defined in FHIR R4 core, so it is not allowed here; if an implementation guide you use defines it, allow its URL prefix (fhir.allowed-extensions in the policy, or the ci flag --allow-extension)", urlText)
		return
	}
	if len(def.Contexts) == 0 {
		return
	}
	for _, c := range def.Contexts {
		if c == "Element" || c == "Resource" || c == "DomainResource" || w.context.matches(c) {
			return
		}
		if c == "BackboneElement" && strings.Contains(w.context.path, ".") {
			return
		}
	}
	v.add(SeverityError, "structure", RuleExtension, uv, w.expr, "the extension %s is not allowed at %s: its definition allows %s", url, w.context, strings.Join(def.Contexts, ", "))
}

// forbiddenXHTML are elements that FHIR narrative must not contain.
var forbiddenXHTML = map[string]bool{"script": true, "form": true, "base": true, "link": true, "iframe": true, "embed": true, "object": true, "applet": true, "frame": true, "frameset": true, "style": false}

// checkNarrative checks Narrative.div: a well-formed XHTML div in the XHTML
// namespace with no active content.
func (v *validator) checkNarrative(val *Value, w walk) {
	div := val.Member("div")
	if div == nil || div.Kind != KindString {
		return
	}
	expr := v.child(w.expr, "div")
	s := strings.TrimSpace(div.Text)
	if !strings.HasPrefix(s, "<div") {
		v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative must start with a <div> element")
		return
	}

	x := &xhtmlScanner{s: s, mask: w.phi}
	x.start = func(name string, attrs []xhtmlAttr, depth int) error {
		if depth == 0 && !hasXHTMLNamespace(attrs) {
			v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative <div> must be in the XHTML namespace http://www.w3.org/1999/xhtml")
		}
		v.checkXHTMLElement(x, name, attrs, div, expr)
		return nil
	}
	switch err := x.scan(); {
	case err == nil:
	case errors.Is(err, errOutsideRoot):
		v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative has content outside its <div> element")
	case errors.Is(err, errDirective):
		v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative contains a <!...> directive such as DOCTYPE, which FHIR narrative does not allow")
	case errors.Is(err, errProcessingInstruction):
		v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative contains a processing instruction, which FHIR narrative does not allow")
	default:
		v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative is not well-formed XHTML: %v", err)
	}
}

// hasXHTMLNamespace reports whether the root element declares the XHTML
// namespace as its default namespace.
func hasXHTMLNamespace(attrs []xhtmlAttr) bool {
	for _, a := range attrs {
		if a.name == "xmlns" {
			return a.value == "http://www.w3.org/1999/xhtml"
		}
	}
	return false
}

// checkXHTMLElement rejects elements and attributes that can run code.
func (v *validator) checkXHTMLElement(x *xhtmlScanner, element string, attrs []xhtmlAttr, div *Value, expr fmt.Stringer) {
	local := element[strings.LastIndexByte(element, ':')+1:]
	if forbiddenXHTML[strings.ToLower(local)] {
		v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative contains a <%s> element, which FHIR narrative does not allow", local)
	}
	for _, a := range attrs {
		name := strings.ToLower(a.name)
		if strings.HasPrefix(name, "on") {
			v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative has an event attribute %s on <%s>, which FHIR narrative does not allow", x.nameText(a.name), local)
		}
		if (name == "href" || name == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.value)), "javascript:") {
			v.add(SeverityError, "invalid", RuleNarrative, div, expr, "the narrative has a javascript: URL in %s, which FHIR narrative does not allow", x.nameText(a.name))
		}
	}
}

// isExampleURL reports whether a URL is in a domain used for examples: the
// RFC 2606 domains example.org, example.com and example.net, and acme.com
// and nema.org, which the HL7 validator also accepts for unknown
// extensions.
func isExampleURL(url string) bool {
	rest, ok := strings.CutPrefix(url, "http://")
	if !ok {
		rest, ok = strings.CutPrefix(url, "https://")
	}
	if !ok {
		return false
	}
	host := rest
	if i := strings.IndexAny(host, "/#?:"); i >= 0 {
		host = host[:i]
	}
	for _, d := range []string{"example.org", "example.com", "example.net", "acme.com", "nema.org"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}
