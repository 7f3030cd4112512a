package fhirpath

import (
	"strconv"
	"strings"
)

// This file converts between a subset of UCUM units so that quantities such as 1000 'mg' and
// 1 'g', or 2 'mg/dL' and 20 'mg/L', compare equal. It covers metric prefixes on gram, liter,
// meter, second, mole and equivalents, the UCUM time units and a few customary units (inch,
// foot, pound), in products and quotients with integer exponents. Any other pair of units
// compares only when the unit strings are identical.

// calendarToUCUM maps the FHIRPath calendar keywords to the UCUM unit of the same length.
var calendarToUCUM = map[string]string{
	"year": "a", "years": "a", "month": "mo", "months": "mo", "week": "wk", "weeks": "wk",
	"day": "d", "days": "d", "hour": "h", "hours": "h", "minute": "min", "minutes": "min",
	"second": "s", "seconds": "s", "millisecond": "ms", "milliseconds": "ms",
}

// ucumPrefixes are the UCUM metric prefixes as powers of ten.
var ucumPrefixes = map[string]int{
	"Y": 24, "Z": 21, "E": 18, "P": 15, "T": 12, "G": 9, "M": 6, "k": 3, "h": 2, "da": 1,
	"d": -1, "c": -2, "m": -3, "u": -6, "n": -9, "p": -12, "f": -15,
}

// ucumMetricBases are the base units that accept a metric prefix.
var ucumMetricBases = map[string]bool{"g": true, "L": true, "l": true, "m": true, "s": true, "mol": true, "eq": true, "U": true, "[iU]": true}

// ucumTimeSeconds gives the length of the UCUM time units in seconds ('a' is the Julian year,
// 'mo' the mean Julian month).
var ucumTimeSeconds = map[string]string{
	"min": "60", "h": "3600", "d": "86400", "wk": "604800", "a": "31557600", "mo": "2629800",
}

// ucumCustomaryUnits are UCUM customary units with their factor to a metric base unit.
var ucumCustomaryUnits = map[string]struct {
	base   string
	factor string
}{
	"[in_i]": {"m", "0.0254"}, "[ft_i]": {"m", "0.3048"}, "[yd_i]": {"m", "0.9144"},
	"[mi_i]": {"m", "1609.344"}, "[lb_av]": {"g", "453.59237"}, "[oz_av]": {"g", "28.349523125"},
}

// ucumCanonical returns the base unit of a unit and the factor that converts a value in the
// unit to that base.
func ucumCanonical(unit string) (string, Decimal, bool) {
	if mapped, ok := calendarToUCUM[unit]; ok {
		unit = mapped
	}
	if seconds, ok := ucumTimeSeconds[unit]; ok {
		factor, _ := ParseDecimal(seconds)
		return "s", factor, true
	}
	if custom, ok := ucumCustomaryUnits[unit]; ok {
		factor, _ := ParseDecimal(custom.factor)
		return custom.base, factor, true
	}
	if unit == "L" {
		unit = "l"
	}
	if ucumMetricBases[unit] {
		return unit, DecimalFromInt(1), true
	}
	for prefix, exponent := range ucumPrefixes {
		base, ok := cutPrefix(unit, prefix)
		if !ok || !ucumMetricBases[base] {
			continue
		}
		if base == "L" {
			base = "l"
		}
		factor := DecimalFromInt(1)
		for i := 0; i < abs(exponent); i++ {
			if exponent > 0 {
				factor = factor.mul(DecimalFromInt(10))
			} else {
				factor, _ = factor.quo(DecimalFromInt(10))
			}
		}
		factor.scale = 0
		return base, factor, true
	}
	return "", Decimal{}, false
}

func cutPrefix(s, prefix string) (string, bool) {
	if len(s) > len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):], true
	}
	return "", false
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// commonUnit converts two quantities to one unit and returns their values, or false when the
// units are not comparable.
func commonUnit(a, b Quantity) (Decimal, Decimal, bool) {
	if a.Unit == b.Unit {
		return a.Value, b.Value, true
	}
	if calendarToUCUM[a.Unit] != "" && calendarToUCUM[a.Unit] == calendarToUCUM[b.Unit] {
		return a.Value, b.Value, true
	}
	factorA, dimensionsA, okA := parseUCUMUnit(a.Unit)
	factorB, dimensionsB, okB := parseUCUMUnit(b.Unit)
	if !okA || !okB || !sameDimensions(dimensionsA, dimensionsB) {
		return Decimal{}, Decimal{}, false
	}
	va := a.Value.mul(factorA)
	vb := b.Value.mul(factorB)
	va.scale, vb.scale = a.Value.scale, b.Value.scale
	return va, vb, true
}

// convertQuantity expresses q in the given unit, or returns false when the units differ in
// dimension or are not known.
func convertQuantity(q Quantity, unit string) (Quantity, bool) {
	if q.Unit == unit {
		return q, true
	}
	if calendarToUCUM[q.Unit] != "" && calendarToUCUM[q.Unit] == calendarToUCUM[unit] {
		return Quantity{Value: q.Value, Unit: unit}, true
	}
	fromFactor, fromDimensions, okFrom := parseUCUMUnit(q.Unit)
	toFactor, toDimensions, okTo := parseUCUMUnit(unit)
	if !okFrom || !okTo || !sameDimensions(fromDimensions, toDimensions) {
		return Quantity{}, false
	}
	value, ok := q.Value.mul(fromFactor).quo(toFactor)
	if !ok {
		return Quantity{}, false
	}
	return Quantity{Value: value, Unit: unit}, true
}

// maxUnitTerms bounds the number of terms parsed from one unit string.
const maxUnitTerms = 16

// parseUCUMUnit reads a UCUM unit made of the simple units listed in ucumCanonical, joined by '.'
// and '/', each with an optional integer exponent ("mg/dL", "cm.m", "m2", "/min", "10*3/uL").
// It returns the factor to the base units and the exponent of each base unit. Annotations in
// braces, such as {beats}, are dimensionless.
func parseUCUMUnit(unit string) (Decimal, map[string]int, bool) {
	factor := DecimalFromInt(1)
	dimensions := map[string]int{}
	if unit == "1" || unit == "" {
		return factor, dimensions, true
	}
	if mapped, ok := calendarToUCUM[unit]; ok {
		unit = mapped
	}
	sign := 1
	rest := unit
	if strings.HasPrefix(rest, "/") {
		sign, rest = -1, rest[1:]
	}
	for terms := 0; rest != ""; terms++ {
		if terms == maxUnitTerms {
			return Decimal{}, nil, false
		}
		end := strings.IndexAny(rest, "./")
		term := rest
		if end >= 0 {
			term = rest[:end]
		}
		termFactor, base, exponent, ok := parseUCUMTerm(term)
		if !ok {
			return Decimal{}, nil, false
		}
		for i := 0; i < abs(exponent); i++ {
			if sign*exponent > 0 {
				factor = factor.mul(termFactor)
			} else {
				factor, _ = factor.quo(termFactor)
			}
		}
		if base != "" {
			dimensions[base] += sign * exponent
		}
		if end < 0 {
			break
		}
		if rest[end] == '/' {
			sign = -1
		} else {
			sign = 1
		}
		rest = rest[end+1:]
	}
	return factor, dimensions, true
}

// parseUCUMTerm reads one term: an annotation, a power of ten (10*3), or a simple unit with an
// optional exponent (m2, s-1).
func parseUCUMTerm(term string) (Decimal, string, int, bool) {
	if strings.HasPrefix(term, "{") && strings.HasSuffix(term, "}") {
		return DecimalFromInt(1), "", 1, true
	}
	if rest, ok := strings.CutPrefix(term, "10*"); ok {
		power, err := strconv.Atoi(rest)
		if err != nil || power > maxDecimalExponent || power < -maxDecimalExponent {
			return Decimal{}, "", 0, false
		}
		factor, err := ParseDecimal("1e" + rest)
		return factor, "", 1, err == nil
	}
	atom := strings.TrimRight(term, "0123456789")
	exponentText := term[len(atom):]
	if strings.HasSuffix(atom, "-") || strings.HasSuffix(atom, "+") {
		exponentText = atom[len(atom)-1:] + exponentText
		atom = atom[:len(atom)-1]
	}
	exponent := 1
	if exponentText != "" {
		n, err := strconv.Atoi(exponentText)
		if err != nil || n == 0 || n > 9 || n < -9 {
			return Decimal{}, "", 0, false
		}
		exponent = n
	}
	base, factor, ok := ucumCanonical(atom)
	if !ok {
		return Decimal{}, "", 0, false
	}
	return factor, base, exponent, true
}

func sameDimensions(a, b map[string]int) bool {
	count := func(m map[string]int) int {
		n := 0
		for _, exponent := range m {
			if exponent != 0 {
				n++
			}
		}
		return n
	}
	if count(a) != count(b) {
		return false
	}
	for base, exponent := range a {
		if exponent != 0 && b[base] != exponent {
			return false
		}
	}
	return true
}
