package fhirpath

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

func registerUtilityFunctions() {
	register("now", 0, 0, func(ev *evaluator, _ Collection, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{temporalFromTime(ev.now, KindDateTime)}, nil
	})
	register("today", 0, 0, func(ev *evaluator, _ Collection, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{temporalFromTime(ev.now, KindDate)}, nil
	})
	register("timeOfDay", 0, 0, func(ev *evaluator, _ Collection, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{temporalFromTime(ev.now, KindTime)}, nil
	})
}

func registerFHIRFunctions() {
	register("extension", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		url, ok, err := ev.stringArgument("extension", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		result := Collection{}
		for _, item := range focus {
			node, isNode := item.(*Node)
			if !isNode {
				continue
			}
			for _, child := range node.Children {
				if child.Name != "extension" {
					continue
				}
				if u := child.Child("url"); u != nil && u.Value == url {
					result = append(result, child)
				}
			}
		}
		return result, nil
	})
	register("hasValue", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		if len(focus) != 1 {
			return boolResult(false), nil
		}
		node, ok := focus[0].(*Node)
		return boolResult(ok && node.Value != nil), nil
	})
	register("getValue", 0, 0, func(_ *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		if len(focus) != 1 {
			return Collection{}, nil
		}
		node, ok := focus[0].(*Node)
		if !ok || node.Value == nil {
			return Collection{}, nil
		}
		value, _ := primitive(node)
		return Collection{value}, nil
	})
	register("resolve", 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		result := Collection{}
		for _, item := range focus {
			reference, from := referenceOf(item)
			if reference == "" {
				continue
			}
			var target *Node
			var err error
			if ev.env.Resolve != nil {
				target, err = ev.env.Resolve(reference, from)
				if err != nil {
					// The reference is left out of the message because resource ids can carry
					// patient identifiers; the hook's error decides what it shows.
					return nil, ev.fail("resolve() failed: %v", err)
				}
			} else {
				target = resolveInTree(reference, from, ev.env)
			}
			if target != nil {
				result = append(result, target)
			}
		}
		return result, nil
	})
	register("memberOf", 1, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		valueSet, ok, err := ev.stringArgument("memberOf", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		if ev.env.MemberOf == nil {
			return nil, ev.unsupported("memberOf(%q) needs a terminology hook", valueSet)
		}
		if len(focus) != 1 {
			return Collection{}, nil
		}
		for _, coding := range codingsOf(focus[0]) {
			member, err := ev.env.MemberOf(coding.system, coding.code, valueSet)
			if err != nil {
				return nil, ev.fail("memberOf(%q): %v", valueSet, err)
			}
			if member {
				return boolResult(true), nil
			}
		}
		return boolResult(false), nil
	})
	register("htmlChecks", 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		if len(focus) == 0 {
			return Collection{}, nil
		}
		for _, item := range focus {
			s, ok := stringOf(item)
			if !ok {
				return boolResult(false), nil
			}
			if err := CheckNarrative(s); err != nil {
				return boolResult(false), nil
			}
		}
		return boolResult(true), nil
	})
	for _, name := range []string{"conformsTo", "elementDefinition", "slice", "checkModifiers"} {
		unsupportedName := name
		register(name, 0, 2, func(ev *evaluator, _ Collection, _ []*astNode, _ *scope) (Collection, error) {
			return nil, ev.unsupported("%s() is not implemented", unsupportedName)
		})
	}
}

// referenceOf reads the reference string of a Reference element, a canonical or a uri.
func referenceOf(item any) (string, *Node) {
	node, ok := item.(*Node)
	if !ok {
		s, _ := item.(string)
		return s, nil
	}
	if s, ok := node.Value.(string); ok {
		return s, node
	}
	if ref := node.Child("reference"); ref != nil {
		s, _ := ref.Value.(string)
		return s, node
	}
	return "", node
}

type coding struct{ system, code string }

// codingsOf reads the codes of a code, Coding or CodeableConcept element.
func codingsOf(item any) []coding {
	node, ok := item.(*Node)
	if !ok {
		if s, ok := item.(string); ok {
			return []coding{{code: s}}
		}
		return nil
	}
	if s, ok := node.Value.(string); ok {
		return []coding{{code: s}}
	}
	var result []coding
	read := func(n *Node) {
		c := coding{}
		if s := n.Child("system"); s != nil {
			c.system, _ = s.Value.(string)
		}
		if s := n.Child("code"); s != nil {
			c.code, _ = s.Value.(string)
		}
		if c.code != "" {
			result = append(result, c)
		}
	}
	if node.Child("coding") != nil {
		for _, child := range node.Children {
			if child.Name == "coding" {
				read(child)
			}
		}
		return result
	}
	read(node)
	return result
}

// resolveInTree finds a referenced resource among the contained resources of the enclosing
// resource and the entries of an enclosing Bundle.
func resolveInTree(reference string, from *Node, env *Environment) *Node {
	if from == nil {
		from = env.Resource
	}
	if from == nil {
		return nil
	}
	if id, ok := strings.CutPrefix(reference, "#"); ok {
		for node := from; node != nil; node = node.Parent {
			for _, child := range node.Children {
				if child.Name == "contained" && idOf(child) == id {
					return child
				}
			}
		}
		return nil
	}
	root := from
	for root.Parent != nil {
		root = root.Parent
	}
	if env.RootResource != nil {
		root = env.RootResource
	}
	if root.Type != "Bundle" {
		return nil
	}
	for _, entry := range root.Children {
		if entry.Name != "entry" {
			continue
		}
		resource := entry.Child("resource")
		if resource == nil {
			continue
		}
		fullURL := ""
		if f := entry.Child("fullUrl"); f != nil {
			fullURL, _ = f.Value.(string)
		}
		if fullURL != "" && fullURL == reference {
			return resource
		}
		typeAndID := resource.Type + "/" + idOf(resource)
		if reference == typeAndID || (fullURL != "" && strings.HasSuffix(fullURL, "/"+reference) && strings.HasSuffix(reference, typeAndID)) {
			return resource
		}
	}
	return nil
}

func idOf(node *Node) string {
	if id := node.Child("id"); id != nil {
		s, _ := id.Value.(string)
		return s
	}
	return ""
}

// narrativeElements are the XHTML elements that FHIR R4 allows in a narrative: the basic
// formatting elements of HTML 4.0 chapters 7 to 11 and 15, links and images.
var narrativeElements = map[string]bool{
	"p": true, "br": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"a": true, "span": true, "b": true, "em": true, "i": true, "strong": true, "small": true, "big": true,
	"tt": true, "dfn": true, "q": true, "var": true, "abbr": true, "acronym": true, "cite": true,
	"blockquote": true, "hr": true, "address": true, "bdo": true, "kbd": true, "sub": true, "sup": true,
	"ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true, "pre": true, "table": true,
	"caption": true, "colgroup": true, "col": true, "thead": true, "tr": true, "tfoot": true,
	"tbody": true, "th": true, "td": true, "code": true, "samp": true, "img": true, "map": true,
	"area": true, "ins": true, "del": true, "s": true, "u": true, "center": true, "font": true,
}

// narrativeAttributes are the attributes allowed on narrative elements. Event handlers (on*)
// and anything that loads active content are absent.
var narrativeAttributes = map[string]bool{
	"title": true, "style": true, "class": true, "id": true, "lang": true, "dir": true,
	"accesskey": true, "tabindex": true, "rowspan": true, "colspan": true, "href": true,
	"name": true, "src": true, "alt": true, "border": true, "cellpadding": true, "cellspacing": true,
	"width": true, "height": true, "align": true, "valign": true, "summary": true, "span": true,
	"char": true, "charoff": true, "abbr": true, "axis": true, "headers": true, "scope": true,
	"nowrap": true, "rules": true, "frame": true, "type": true, "start": true, "value": true,
	"compact": true, "shape": true, "coords": true, "usemap": true, "hreflang": true, "rel": true,
	"rev": true, "cite": true, "datetime": true, "size": true, "color": true, "face": true,
	"bgcolor": true, "clear": true, "noshade": true,
}

const xhtmlNamespace = "http://www.w3.org/1999/xhtml"

// CheckNarrative checks the basic rules for a FHIR R4 narrative (txt-1, txt-2): well-formed
// XHTML whose root is a div in the XHTML namespace, only the allowed elements and attributes,
// no active content, and some non-whitespace text or an image.
func CheckNarrative(xhtml string) error {
	decoder := xml.NewDecoder(strings.NewReader(xhtml))
	decoder.Strict = true
	decoder.Entity = xml.HTMLEntity
	depth := 0
	sawRoot := false
	hasContent := false
	for {
		token, err := decoder.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return errors.New("the narrative is not well-formed XHTML: " + err.Error())
		}
		switch t := token.(type) {
		case xml.StartElement:
			if depth == 0 {
				if sawRoot {
					return errors.New("the narrative has more than one root element")
				}
				sawRoot = true
				if t.Name.Local != "div" || t.Name.Space != xhtmlNamespace {
					return errors.New("the narrative root must be a div in the XHTML namespace")
				}
			}
			if !narrativeElements[t.Name.Local] || (t.Name.Space != xhtmlNamespace && t.Name.Space != "") {
				return errors.New("the narrative contains the element <" + t.Name.Local + ">, which is not allowed")
			}
			for _, attr := range t.Attr {
				if attr.Name.Space == "xmlns" || (attr.Name.Space == "" && attr.Name.Local == "xmlns") {
					continue
				}
				if attr.Name.Space == "http://www.w3.org/XML/1998/namespace" && attr.Name.Local == "lang" {
					continue
				}
				if !narrativeAttributes[attr.Name.Local] || attr.Name.Space != "" {
					return errors.New("the narrative element <" + t.Name.Local + "> has the attribute " + attr.Name.Local + ", which is not allowed")
				}
				if (attr.Name.Local == "href" || attr.Name.Local == "src") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(attr.Value)), "javascript:") {
					return errors.New("the narrative contains a javascript: link")
				}
			}
			if t.Name.Local == "img" {
				hasContent = true
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && strings.TrimSpace(string(t)) != "" {
				return errors.New("the narrative has text outside the root div")
			}
			if strings.TrimSpace(string(t)) != "" {
				hasContent = true
			}
		case xml.ProcInst, xml.Directive:
			return errors.New("the narrative contains a processing instruction or DOCTYPE")
		}
	}
	if !sawRoot {
		return errors.New("the narrative has no root div")
	}
	if !hasContent {
		return errors.New("the narrative has no text content")
	}
	return nil
}
