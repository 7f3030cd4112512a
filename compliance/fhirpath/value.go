package fhirpath

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is a FHIRPath System.Decimal: an exact rational value with the number of fraction
// digits it was written with, which equivalence (~) and text output use.
type Decimal struct {
	rat   *big.Rat
	scale int
}

// maxDivisionScale is the number of fraction digits kept after a division that does not
// terminate; FHIRPath requires at least 8.
const maxDivisionScale = 8

// maxDecimalExponent bounds the exponent of a decimal in E notation, so that a value such as
// 1e999999999 in an input file cannot make the exact arithmetic allocate without bound.
const maxDecimalExponent = 400

// ParseDecimal parses a decimal number such as "-12.50" or "1e3".
func ParseDecimal(text string) (Decimal, error) {
	if e := strings.IndexAny(text, "eE"); e >= 0 {
		exponent, err := strconv.Atoi(strings.TrimPrefix(text[e+1:], "+"))
		if err != nil || exponent > maxDecimalExponent || exponent < -maxDecimalExponent {
			return Decimal{}, fmt.Errorf("invalid decimal %q: the exponent is outside -%d to %d", text, maxDecimalExponent, maxDecimalExponent)
		}
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return Decimal{}, fmt.Errorf("invalid decimal %q", text)
	}
	scale := 0
	mantissa := strings.ToLower(text)
	if e := strings.IndexByte(mantissa, 'e'); e >= 0 {
		mantissa = mantissa[:e]
	}
	if dot := strings.IndexByte(mantissa, '.'); dot >= 0 {
		scale = len(mantissa) - dot - 1
	}
	return Decimal{rat: r, scale: scale}, nil
}

// DecimalFromInt returns the decimal value of an integer.
func DecimalFromInt(n int64) Decimal { return Decimal{rat: new(big.Rat).SetInt64(n)} }

func (d Decimal) value() *big.Rat {
	if d.rat == nil {
		return new(big.Rat)
	}
	return d.rat
}

// String formats the decimal with its scale, or with up to 8 fraction digits when the value
// needs more.
func (d Decimal) String() string {
	r := d.value()
	if r.IsInt() && d.scale == 0 {
		return r.Num().String()
	}
	scale := d.scale
	if _, exact := r.FloatPrec(); exact {
		prec, _ := r.FloatPrec()
		if prec > scale {
			scale = prec
		}
	} else if scale < maxDivisionScale {
		scale = maxDivisionScale
	}
	return r.FloatString(scale)
}

// Float64 returns the nearest float64.
func (d Decimal) Float64() float64 {
	f, _ := d.value().Float64()
	return f
}

// Cmp compares two decimals by value.
func (d Decimal) Cmp(other Decimal) int { return d.value().Cmp(other.value()) }

func (d Decimal) add(o Decimal) Decimal {
	return Decimal{rat: new(big.Rat).Add(d.value(), o.value()), scale: max(d.scale, o.scale)}
}

func (d Decimal) sub(o Decimal) Decimal {
	return Decimal{rat: new(big.Rat).Sub(d.value(), o.value()), scale: max(d.scale, o.scale)}
}

func (d Decimal) mul(o Decimal) Decimal {
	return Decimal{rat: new(big.Rat).Mul(d.value(), o.value()), scale: d.scale + o.scale}
}

func (d Decimal) quo(o Decimal) (Decimal, bool) {
	if o.value().Sign() == 0 {
		return Decimal{}, false
	}
	q := new(big.Rat).Quo(d.value(), o.value())
	scale := maxDivisionScale
	if prec, exact := q.FloatPrec(); exact {
		scale = prec
	}
	return Decimal{rat: q, scale: scale}, true
}

// round rounds half away from zero to the given number of fraction digits.
func (d Decimal) round(digits int) Decimal {
	r := d.value()
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil))
	scaled := new(big.Rat).Mul(r, scale)
	num := new(big.Int).Abs(scaled.Num())
	den := scaled.Denom()
	q, rem := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(rem, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if scaled.Sign() < 0 {
		q.Neg(q)
	}
	return Decimal{rat: new(big.Rat).Quo(new(big.Rat).SetInt(q), scale), scale: digits}
}

func (d Decimal) truncate() *big.Int {
	r := d.value()
	return new(big.Int).Quo(r.Num(), r.Denom())
}

// Quantity is a FHIRPath System.Quantity: a decimal value with a UCUM unit or a calendar
// duration keyword (year, month, week, day, hour, minute, second, millisecond).
type Quantity struct {
	Value Decimal
	Unit  string
}

func (q Quantity) String() string {
	if _, ok := calendarUnits[q.Unit]; ok {
		return q.Value.String() + " " + q.Unit
	}
	return q.Value.String() + " '" + q.Unit + "'"
}

func toDecimal(value any) Decimal {
	switch v := value.(type) {
	case int64:
		return DecimalFromInt(v)
	case Decimal:
		return v
	}
	return Decimal{}
}

// floatToDecimal converts a math result back to a decimal with 8 fraction digits.
func floatToDecimal(f float64) (Decimal, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Decimal{}, false
	}
	r := new(big.Rat)
	if r.SetFloat64(f) == nil {
		return Decimal{}, false
	}
	return Decimal{rat: r}.round(maxDivisionScale), true
}
