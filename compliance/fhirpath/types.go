package fhirpath

// builtinBaseTypes is the FHIR R4 (4.0.1) type hierarchy for the primitive types and the
// abstract resource types, used when the Model does not know a type.
var builtinBaseTypes = map[string]string{
	"code": "string", "id": "string", "markdown": "string",
	"url": "uri", "canonical": "uri", "oid": "uri", "uuid": "uri",
	"positiveInt": "integer", "unsignedInt": "integer",
	"boolean": "Element", "integer": "Element", "string": "Element", "decimal": "Element",
	"uri": "Element", "base64Binary": "Element", "instant": "Element", "date": "Element",
	"dateTime": "Element", "time": "Element", "xhtml": "Element",
	"BackboneElement": "Element", "Quantity": "Element",
	"SimpleQuantity": "Quantity", "MoneyQuantity": "Quantity", "Age": "Quantity",
	"Duration": "Quantity", "Distance": "Quantity", "Count": "Quantity",
	"DomainResource": "Resource",
	"Bundle":         "Resource", "Binary": "Resource", "Parameters": "Resource",
}

// baseType returns the parent type of name from the model, or from the built-in table.
func (ev *evaluator) baseType(name string) string {
	if ev.env.Model != nil {
		if base := ev.env.Model.BaseType(name); base != "" {
			return base
		}
	}
	return builtinBaseTypes[name]
}

// nodeIsType reports whether the node's type is name or derives from it.
func (ev *evaluator) nodeIsType(node *Node, name string) bool {
	typ := node.Type
	for depth := 0; typ != "" && depth < 32; depth++ {
		if typ == name {
			return true
		}
		typ = ev.baseType(typ)
	}
	return false
}

// systemTypeName returns the System type of a system value, or "" for a node.
func systemTypeName(value any) string {
	if _, ok := value.(*Node); ok {
		return ""
	}
	return typeName(value)
}

// isOfType reports whether an item is of the type spec or a subtype.
func (ev *evaluator) isOfType(item any, spec typeSpecifier) bool {
	if node, ok := item.(*Node); ok {
		if spec.namespace == "" && systemTypes[spec.name] && node.Value != nil {
			// An unqualified System name also matches a FHIR primitive of that kind, so
			// that the R4 invariant que-7 "answer is Boolean" holds for answerBoolean.
			// NOTE: the official suite expects Patient.active.is(Boolean) to be false.
			value, _ := primitive(node)
			return systemTypeName(value) == spec.name
		}
		if spec.namespace == "System" {
			return false
		}
		return ev.nodeIsType(node, spec.name)
	}
	if spec.namespace == "FHIR" {
		return false
	}
	name := systemTypeName(item)
	return name == spec.name || (spec.name == "Any" && name != "")
}

func (ev *evaluator) typeOperator(op string, left Collection, spec typeSpecifier) (Collection, error) {
	if op != "is" {
		if err := ev.checkKnownType(spec); err != nil {
			return nil, err
		}
	}
	if len(left) == 0 {
		return Collection{}, nil
	}
	if op == "is" {
		if len(left) > 1 {
			return nil, ev.fail("is requires a single item, found %d", len(left))
		}
		return boolResult(ev.isOfType(left[0], spec)), nil
	}
	if op == "as" && len(left) > 1 {
		return nil, ev.fail("as requires a single item, found %d", len(left))
	}
	// as and ofType match the exact type: the official suite expects code.as(string) to be
	// empty although code derives from string, while is(string) is true.
	result := Collection{}
	for _, item := range left {
		if ev.isExactType(item, spec) {
			result = append(result, item)
		}
	}
	return result, nil
}

func (ev *evaluator) isExactType(item any, spec typeSpecifier) bool {
	if node, ok := item.(*Node); ok {
		return spec.namespace != "System" && node.Type == spec.name
	}
	return spec.namespace != "FHIR" && systemTypeName(item) == spec.name
}

var systemTypes = map[string]bool{
	"Boolean": true, "Integer": true, "Decimal": true, "String": true, "Date": true,
	"DateTime": true, "Time": true, "Quantity": true, "Any": true,
}

// checkKnownType rejects a type name that neither the System namespace nor the model defines.
// Without a model every name is accepted, since the FHIR types are then unknown.
func (ev *evaluator) checkKnownType(spec typeSpecifier) error {
	if ev.env.Model == nil {
		return nil
	}
	name := spec.name
	if spec.namespace != "FHIR" && systemTypes[name] {
		return nil
	}
	if spec.namespace == "System" {
		return ev.fail("unknown type System.%s", name)
	}
	if name == "Element" || name == "Resource" || builtinBaseTypes[name] != "" || ev.env.Model.BaseType(name) != "" {
		return nil
	}
	return ev.fail("unknown type %s", spec)
}

// typeSpecFromArgument reads a type name passed as a function argument such as ofType(Patient).
func typeSpecFromArgument(arg *astNode) (typeSpecifier, bool) {
	switch arg.kind {
	case astIdentifier:
		return typeSpecifier{name: arg.name}, true
	case astInvoke:
		left, right := arg.children[0], arg.children[1]
		if left.kind == astIdentifier && right.kind == astIdentifier {
			return typeSpecifier{namespace: left.name, name: right.name}, true
		}
	case astLiteral:
		if s, ok := arg.value.(string); ok {
			return typeSpecifier{name: s}, true
		}
	}
	return typeSpecifier{}, false
}
