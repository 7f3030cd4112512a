package fhirpath

// This file converts between a small set of UCUM units so that quantities such as 1000 'mg'
// and 1 'g' compare equal. It covers metric prefixes on gram, liter, meter, second, mole and
// equivalents, the UCUM time units and a few customary units (inch, foot, pound). Any other
// pair of units compares only when the unit strings are identical.

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
	baseA, factorA, okA := ucumCanonical(a.Unit)
	baseB, factorB, okB := ucumCanonical(b.Unit)
	if !okA || !okB || baseA != baseB {
		return Decimal{}, Decimal{}, false
	}
	va := a.Value.mul(factorA)
	vb := b.Value.mul(factorB)
	va.scale, vb.scale = a.Value.scale, b.Value.scale
	return va, vb, true
}
