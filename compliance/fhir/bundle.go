package fhir

import (
	"fmt"
	"strconv"
	"strings"
)

// bundleFrame is the state of one Bundle: its entries' fullUrls, read
// before the walk, and the references found during it.
type bundleFrame struct {
	value     *Value
	typ       string
	fullURLOf map[*Value]string
	// fullURLs maps each fullUrl, and each fullUrl without a version, to
	// the entry index.
	fullURLs map[string]int
	// typeIDs maps "Type/id" of each entry resource to the entry index.
	typeIDs map[string]int
	refs    []pendingRef
}

type pendingRef struct {
	ref           string
	value         *Value
	expr          fmt.Stringer
	sourceFullURL string
	// phi is set when the reference sits in person data, so messages mask it.
	phi bool
}

func newBundleFrame(m *model, bundle *Value) *bundleFrame {
	b := &bundleFrame{value: bundle, typ: bundle.String("type"), fullURLOf: map[*Value]string{}, fullURLs: map[string]int{}, typeIDs: map[string]int{}}
	entries := bundle.Member("entry")
	if entries == nil || entries.Kind != KindArray {
		return b
	}
	for i, e := range entries.Items {
		res := e.Member("resource")
		full := e.String("fullUrl")
		if res != nil {
			b.fullURLOf[res] = full
			if rt, id := res.String("resourceType"), res.String("id"); rt != "" && id != "" {
				if _, dup := b.typeIDs[rt+"/"+id]; !dup {
					b.typeIDs[rt+"/"+id] = i
				}
			}
		}
		if full != "" {
			if _, dup := b.fullURLs[full]; !dup {
				b.fullURLs[full] = i
			}
		}
	}
	return b
}

// validateBundle applies the rules of Bundle.type and resolves the
// references its entries made.
func (v *validator) validateBundle(bundle *Value, b *bundleFrame, expr string) {
	typ := b.typ
	entries := bundle.Member("entry")
	var items []*Value
	if entries != nil && entries.Kind == KindArray {
		items = entries.Items
	}
	rule := func(at *Value, where, key, format string, args ...any) {
		msg := format
		if len(args) > 0 {
			msg = fmt.Sprintf(format, args...)
		}
		if key != "" {
			msg += " (" + key + ")"
		}
		v.add(SeverityError, "invariant", RuleBundle, at, exprText(where), "%s", msg)
	}

	if total := bundle.Member("total"); total != nil && typ != "searchset" && typ != "history" {
		rule(total, expr+".total", "bdl-1", "total is only allowed in a searchset or history bundle, not in a %s bundle", typ)
	}
	switch typ {
	case "document":
		if id := bundle.Member("identifier"); id == nil || id.String("system") == "" || id.String("value") == "" {
			rule(bundle, expr, "bdl-9", "a document bundle must have an identifier with a system and a value")
		}
		if bundle.Member("timestamp") == nil {
			rule(bundle, expr, "bdl-10", "a document bundle must have a timestamp")
		}
		if len(items) == 0 || items[0].Member("resource").String("resourceType") != "Composition" {
			rule(bundle, expr, "bdl-11", "a document bundle must have a Composition as its first resource")
		}
	case "message":
		if len(items) == 0 || items[0].Member("resource").String("resourceType") != "MessageHeader" {
			rule(bundle, expr, "bdl-12", "a message bundle must have a MessageHeader as its first resource")
		}
	}

	seen := map[string][]string{}
	for i, e := range items {
		if e.Kind != KindObject {
			continue
		}
		ex := expr + ".entry[" + strconv.Itoa(i) + "]"
		res := e.Member("resource")
		request, response, search := e.Member("request"), e.Member("response"), e.Member("search")
		if search != nil && typ != "searchset" {
			rule(search, ex+".search", "bdl-2", "entry.search is only allowed in a searchset bundle, not in a %s bundle", typ)
		}
		switch typ {
		case "batch", "transaction", "history":
			if request == nil {
				rule(e, ex, "bdl-3", "each entry of a %s bundle must have a request", typ)
			}
		default:
			if request != nil {
				rule(request, ex+".request", "bdl-3", "entry.request is only allowed in batch, transaction and history bundles, not in a %s bundle", typ)
			}
		}
		switch typ {
		case "batch-response", "transaction-response", "history":
			if response == nil {
				rule(e, ex, "bdl-4", "each entry of a %s bundle must have a response", typ)
			}
		default:
			if response != nil {
				rule(response, ex+".response", "bdl-4", "entry.response is only allowed in batch-response, transaction-response and history bundles, not in a %s bundle", typ)
			}
		}
		if res == nil && request == nil && response == nil {
			rule(e, ex, "bdl-5", "an entry must have a resource, a request or a response")
		}
		if typ == "searchset" && res != nil && res.Kind == KindObject && res.String("id") == "" {
			mode := ""
			if search != nil {
				mode = search.String("mode")
			}
			// The HL7 validator requires ids for matches; an entry without a
			// search mode is treated as a match unless it is an
			// OperationOutcome, which a server adds as an outcome.
			if mode == "match" || mode == "" && res.String("resourceType") != "OperationOutcome" {
				v.add(SeverityError, "invalid", RuleBundle, res, exprText(ex+".resource"), "a resource in a searchset bundle must have an id")
			}
		}

		fv := e.Member("fullUrl")
		if fv == nil || fv.Kind != KindString || fv.Text == "" {
			continue
		}
		full := fv.Text
		fex := ex + ".fullUrl"
		// The fullUrl of a person resource carries its id, which is often
		// a medical record number, so messages mask it.
		person := pointsAtPerson(full) || res != nil && personResources[res.String("resourceType")]
		urlText := showIf(person, full)
		if strings.Contains(full, "/_history/") {
			rule(fv, fex, "bdl-8", "fullUrl %s must not be a version-specific reference", urlText)
		}
		if !hasScheme(full) {
			v.add(SeverityError, "invalid", RuleBundle, fv, exprText(fex), "fullUrl %s must be an absolute URL (such as urn:uuid:... or https://server/fhir/Type/id)", urlText)
		} else if t, id, ok := restfulTail(v.m, full); ok && res != nil && (strings.HasPrefix(full, "http:") || strings.HasPrefix(full, "https:")) {
			rt, rid := res.String("resourceType"), res.String("id")
			if rt != "" && (t != rt || (rid != "" && id != rid)) {
				if person {
					rid = maskValue(rid)
				}
				v.add(SeverityError, "invalid", RuleBundle, fv, exprText(fex), "fullUrl %s looks like a RESTful server URL, so it must end with the resource's type and id (/%s/%s)", urlText, rt, rid)
			}
		}
		version := ""
		if res != nil {
			version = res.Member("meta").String("versionId")
		}
		if typ != "history" {
			for _, other := range seen[full] {
				if other == version {
					rule(fv, fex, "bdl-7", "fullUrl %s occurs more than once with the same meta.versionId", urlText)
					break
				}
			}
		}
		seen[full] = append(seen[full], version)
	}

	v.resolveBundleReferences(b)
}

// resolveBundleReferences checks the references recorded inside a bundle.
// In document, message, transaction and batch bundles an unresolved
// urn:uuid: or urn:oid: reference is an error, and in other bundles a
// warning. In document bundles, which must be self-contained, relative
// references must resolve too.
func (v *validator) resolveBundleReferences(b *bundleFrame) {
	strict := b.typ == "document"
	for _, r := range b.refs {
		if b.resolves(v.m, r) {
			continue
		}
		ref := showIf(r.phi || pointsAtPerson(r.ref), r.ref)
		switch {
		case (strings.HasPrefix(r.ref, "urn:uuid:") || strings.HasPrefix(r.ref, "urn:oid:")) && (strict || b.typ == "message" || b.typ == "transaction" || b.typ == "batch"):
			v.add(SeverityError, "not-found", RuleReference, r.value, r.expr, "reference %s does not resolve: no entry in the bundle has this fullUrl", ref)
		case strings.HasPrefix(r.ref, "urn:uuid:") || strings.HasPrefix(r.ref, "urn:oid:"):
			v.add(SeverityWarning, "not-found", RuleReference, r.value, r.expr, "reference %s does not resolve: no entry in the bundle has this fullUrl", ref)
		case strict && !hasScheme(r.ref) && !strings.Contains(r.ref, "?"):
			v.add(SeverityError, "not-found", RuleReference, r.value, r.expr, "reference %s does not resolve: a %s bundle must contain every resource it references", ref, b.typ)
		case strict:
			v.add(SeverityWarning, "not-found", RuleReference, r.value, r.expr, "reference %s does not resolve inside this %s bundle", ref, b.typ)
		}
	}
}

func (b *bundleFrame) resolves(m *model, r pendingRef) bool {
	ref := r.ref
	if i := strings.Index(ref, "/_history/"); i >= 0 {
		ref = ref[:i]
	}
	if hasScheme(ref) {
		_, ok := b.fullURLs[ref]
		return ok
	}
	if strings.Contains(ref, "?") {
		return true
	}
	if t, id, ok := restfulTail(m, r.sourceFullURL); ok && (strings.HasPrefix(r.sourceFullURL, "http:") || strings.HasPrefix(r.sourceFullURL, "https:")) {
		base := strings.TrimSuffix(r.sourceFullURL, t+"/"+id)
		if i := strings.Index(r.sourceFullURL, "/_history/"); i >= 0 {
			base = strings.TrimSuffix(r.sourceFullURL[:i], t+"/"+id)
		}
		if _, ok := b.fullURLs[base+ref]; ok {
			return true
		}
	}
	_, ok := b.typeIDs[ref]
	return ok
}
