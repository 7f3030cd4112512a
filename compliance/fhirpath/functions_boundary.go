package fhirpath

import "math/big"

// maxBoundaryPrecision is the largest number of decimal digits lowBoundary() and
// highBoundary() accept; larger precisions give an empty result, as the official suite expects.
const maxBoundaryPrecision = 28

func init() {
	register("lowBoundary", 0, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		return ev.boundary(focus, args, sc, false)
	})
	register("highBoundary", 0, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		return ev.boundary(focus, args, sc, true)
	})
	register("precision", 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		value, ok, err := ev.singleInput("precision", focus)
		if err != nil || !ok {
			return Collection{}, err
		}
		switch v := value.(type) {
		case int64:
			return Collection{int64(0)}, nil
		case Decimal:
			return Collection{int64(v.scale)}, nil
		case Temporal:
			return Collection{int64(temporalDigits(v.Kind, v.Precision))}, nil
		}
		return nil, ev.fail("precision() requires a number, date or time, found %s", typeName(value))
	})
}

// boundary implements lowBoundary() and highBoundary(): the least or greatest value that the
// input could stand for, given the precision it was written with.
func (ev *evaluator) boundary(focus Collection, args []*astNode, sc *scope, high bool) (Collection, error) {
	name := "lowBoundary"
	if high {
		name = "highBoundary"
	}
	value, ok, err := ev.singleInput(name, focus)
	if err != nil || !ok {
		return Collection{}, err
	}
	precision := int64(-1)
	if len(args) == 1 {
		p, ok, err := ev.integerArgument(name, args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		if p < 0 {
			return Collection{}, nil
		}
		precision = p
	}
	switch v := value.(type) {
	case int64, Decimal:
		d, ok := decimalBoundary(toDecimal(v), precision, high)
		if !ok {
			return Collection{}, nil
		}
		return Collection{d}, nil
	case Quantity:
		d, ok := decimalBoundary(v.Value, precision, high)
		if !ok {
			return Collection{}, nil
		}
		return Collection{Quantity{Value: d, Unit: v.Unit}}, nil
	case Temporal:
		t, ok := temporalBoundary(v, precision, high)
		if !ok {
			return Collection{}, nil
		}
		return Collection{t}, nil
	}
	return nil, ev.fail("%s() requires a number, Quantity, date or time, found %s", name, typeName(value))
}

// decimalBoundary widens the value by half a unit of its last written digit and cuts the
// result to precision fraction digits (8 when precision is -1). Low boundaries of positive
// values are truncated and high boundaries rounded; negative values mirror that, which gives
// the results the official suite lists.
func decimalBoundary(d Decimal, precision int64, high bool) (Decimal, bool) {
	if precision == -1 {
		precision = 8
	}
	if precision > maxBoundaryPrecision {
		return Decimal{}, false
	}
	if d.Cmp(Decimal{}) < 0 {
		mirrored, ok := decimalBoundary(Decimal{}.sub(d), precision, !high)
		if !ok {
			return Decimal{}, false
		}
		negated := Decimal{}.sub(mirrored)
		negated.scale = mirrored.scale
		return negated, true
	}
	half := new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Mul(big.NewInt(2), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(d.scale)), nil)))
	widened := new(big.Rat).Set(d.value())
	if high {
		widened.Add(widened, half)
		return Decimal{rat: widened}.round(int(precision)), true
	}
	widened.Sub(widened, half)
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(precision), nil)
	scaled := new(big.Rat).Mul(widened, new(big.Rat).SetInt(scale))
	truncated := new(big.Int).Quo(scaled.Num(), scaled.Denom())
	return Decimal{rat: new(big.Rat).SetFrac(truncated, scale), scale: int(precision)}, true
}

// temporalPrecisions maps the digit counts that lowBoundary() and highBoundary() take for
// dates and times to precisions.
var (
	dateTimePrecisions = map[int64]Precision{4: PrecisionYear, 6: PrecisionMonth, 8: PrecisionDay, 10: PrecisionHour, 12: PrecisionMinute, 14: PrecisionSecond, 17: PrecisionMillisecond}
	timePrecisions     = map[int64]Precision{2: PrecisionHour, 4: PrecisionMinute, 6: PrecisionSecond, 9: PrecisionMillisecond}
)

func temporalDigits(kind TemporalKind, p Precision) int {
	if kind == KindTime {
		for digits, precision := range timePrecisions {
			if precision == p {
				return int(digits)
			}
		}
	}
	for digits, precision := range dateTimePrecisions {
		if precision == p {
			return int(digits)
		}
	}
	return 0
}

// temporalBoundary fills the components below the value's precision with their least or
// greatest values, up to the requested precision. A DateTime without a zone gets the
// earliest (+14:00) or latest (-12:00) zone.
func temporalBoundary(t Temporal, digits int64, high bool) (Temporal, bool) {
	var target Precision
	var ok bool
	switch {
	case digits == -1 && t.Kind == KindDate:
		target, ok = PrecisionDay, true
	case digits == -1:
		target, ok = PrecisionMillisecond, true
	case t.Kind == KindTime:
		target, ok = timePrecisions[digits]
	default:
		target, ok = dateTimePrecisions[digits]
	}
	if !ok || (t.Kind == KindDate && target > PrecisionDay) {
		return Temporal{}, false
	}
	result := t
	if target <= t.Precision {
		result.Precision = target
		if target < PrecisionMillisecond {
			result.Nanosecond, result.fractionDigits = 0, 0
		}
		if target < PrecisionHour && t.Kind != KindTime {
			result.Hour, result.Minute, result.Second = 0, 0, 0
			if t.Kind == KindDateTime && target >= PrecisionDay {
				result.Kind = KindDate
			}
			result.HasZone, result.ZoneSeconds = false, 0
		}
		return result, true
	}
	// An hour alone is not a valid FHIR time, so T08 counts as 08:00.
	start := t.Precision
	if start == PrecisionHour {
		start = PrecisionMinute
	}
	for p := start + 1; p <= target; p++ {
		switch p {
		case PrecisionMonth:
			result.Month = pick(high, 12, 1)
		case PrecisionDay:
			result.Day = pick(high, daysIn(result.Year, result.Month), 1)
		case PrecisionHour:
			result.Hour = pick(high, 23, 0)
		case PrecisionMinute:
			result.Minute = pick(high, 59, 0)
		case PrecisionSecond:
			result.Second = pick(high, 59, 0)
		case PrecisionMillisecond:
			result.Nanosecond = pick(high, 999_000_000, 0)
			result.fractionDigits = 3
		}
	}
	result.Precision = target
	if t.Kind == KindDateTime && target >= PrecisionHour && !t.HasZone {
		result.HasZone = true
		result.ZoneSeconds = pick(high, -12*3600, 14*3600)
	}
	return result, true
}

func pick(high bool, highValue, lowValue int) int {
	if high {
		return highValue
	}
	return lowValue
}
