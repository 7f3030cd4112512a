package fhir

// checkCodingTerminology checks Coding.system and Coding.code through the
// terminology package.
func (v *validator) checkCodingTerminology(val *Value, w walk) {}

// checkIdentifierTerminology checks Identifier.system and Identifier.value
// through the terminology package.
func (v *validator) checkIdentifierTerminology(val *Value, w walk) {}

func defaultInvariants() invariantEvaluator { return nil }
