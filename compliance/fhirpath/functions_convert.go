package fhirpath

import (
	"encoding/base64"
	"encoding/hex"
	"math"
	"math/big"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

var (
	integerPattern  = regexp.MustCompile(`^[+-]?\d+$`)
	decimalPattern  = regexp.MustCompile(`^[+-]?\d+(\.\d+)?$`)
	quantityPattern = regexp.MustCompile(`^([+-]?\d+(?:\.\d+)?)\s*(?:'([^']+)'|([a-z]+))?$`)
)

// conversion converts one system value; ok is false when the value does not convert.
type conversion func(value any) (any, bool)

func convertToBoolean(value any) (any, bool) {
	switch v := value.(type) {
	case bool:
		return v, true
	case int64:
		if v == 0 || v == 1 {
			return v == 1, true
		}
	case Decimal:
		if v.Cmp(DecimalFromInt(1)) == 0 {
			return true, true
		}
		if v.Cmp(DecimalFromInt(0)) == 0 {
			return false, true
		}
	case string:
		switch strings.ToLower(v) {
		case "true", "t", "yes", "y", "1", "1.0":
			return true, true
		case "false", "f", "no", "n", "0", "0.0":
			return false, true
		}
	}
	return nil, false
}

func convertToInteger(value any) (any, bool) {
	switch v := value.(type) {
	case int64:
		return v, true
	case bool:
		if v {
			return int64(1), true
		}
		return int64(0), true
	case string:
		if integerPattern.MatchString(v) {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return nil, false
}

func convertToDecimal(value any) (any, bool) {
	switch v := value.(type) {
	case int64:
		return DecimalFromInt(v), true
	case Decimal:
		return v, true
	case bool:
		if v {
			return DecimalFromInt(1), true
		}
		return DecimalFromInt(0), true
	case string:
		if decimalPattern.MatchString(v) {
			d, err := ParseDecimal(v)
			return d, err == nil
		}
	}
	return nil, false
}

func convertToString(value any) (any, bool) {
	return toText(value)
}

func temporalConversion(kind TemporalKind) conversion {
	return func(value any) (any, bool) {
		switch v := value.(type) {
		case Temporal:
			switch {
			case v.Kind == kind:
				return v, true
			case kind == KindDateTime && v.Kind == KindDate:
				v.Kind = KindDateTime
				return v, true
			case kind == KindDate && v.Kind == KindDateTime:
				v.Kind = KindDate
				if v.Precision > PrecisionDay {
					v.Precision = PrecisionDay
				}
				v.Hour, v.Minute, v.Second, v.Nanosecond, v.HasZone, v.ZoneSeconds = 0, 0, 0, 0, false, 0
				return v, true
			}
		case string:
			var t Temporal
			var err error
			switch kind {
			case KindDate:
				t, err = ParseDate(v)
			case KindDateTime:
				t, err = ParseDateTime(v)
			default:
				t, err = ParseTime(v)
			}
			return t, err == nil
		}
		return nil, false
	}
}

func convertToQuantity(value any) (any, bool) {
	switch v := value.(type) {
	case Quantity:
		return v, true
	case int64:
		return Quantity{Value: DecimalFromInt(v), Unit: "1"}, true
	case Decimal:
		return Quantity{Value: v, Unit: "1"}, true
	case bool:
		if v {
			return Quantity{Value: DecimalFromInt(1), Unit: "1"}, true
		}
		return Quantity{Value: DecimalFromInt(0), Unit: "1"}, true
	case string:
		match := quantityPattern.FindStringSubmatch(strings.TrimSpace(v))
		if match == nil {
			return nil, false
		}
		d, err := ParseDecimal(match[1])
		if err != nil {
			return nil, false
		}
		unit := "1"
		switch {
		case match[2] != "":
			unit = match[2]
		case match[3] != "":
			if _, ok := calendarUnits[match[3]]; !ok {
				return nil, false
			}
			unit = match[3]
		}
		return Quantity{Value: d, Unit: unit}, true
	}
	return nil, false
}

func registerConversion(name string, convert conversion) {
	register("to"+name, 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		value, ok, err := ev.singleInput("to"+name, focus)
		if err != nil || !ok {
			return Collection{}, err
		}
		converted, ok := convert(value)
		if !ok {
			return Collection{}, nil
		}
		return Collection{converted}, nil
	})
	register("convertsTo"+name, 0, 0, func(ev *evaluator, focus Collection, _ []*astNode, _ *scope) (Collection, error) {
		value, ok, err := ev.singleInput("convertsTo"+name, focus)
		if err != nil || !ok {
			return Collection{}, err
		}
		_, ok = convert(value)
		return boolResult(ok), nil
	})
}

func registerConversionFunctions() {
	registerConversion("Boolean", convertToBoolean)
	registerConversion("Integer", convertToInteger)
	registerConversion("Decimal", convertToDecimal)
	registerConversion("String", convertToString)
	registerConversion("Date", temporalConversion(KindDate))
	registerConversion("DateTime", temporalConversion(KindDateTime))
	registerConversion("Time", temporalConversion(KindTime))
	registerConversion("Quantity", convertToQuantity)
	// toQuantity(unit) converts to a unit; only identical and convertible units succeed.
	quantityToUnit := func(ev *evaluator, focus Collection, args []*astNode, sc *scope, name string) (any, bool, error) {
		value, ok, err := ev.singleInput(name, focus)
		if err != nil || !ok {
			return nil, false, err
		}
		q, ok := convertToQuantity(value)
		if !ok {
			return nil, false, nil
		}
		if len(args) == 0 {
			return q, true, nil
		}
		unit, ok, err := ev.stringArgument(name, args[0], sc)
		if err != nil || !ok {
			return nil, false, err
		}
		converted, ok := convertQuantity(q.(Quantity), unit)
		if !ok {
			return nil, false, nil
		}
		return converted, true, nil
	}
	register("toQuantity", 0, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		q, ok, err := quantityToUnit(ev, focus, args, sc, "toQuantity")
		if err != nil || !ok {
			return Collection{}, err
		}
		return Collection{q}, nil
	})
	register("convertsToQuantity", 0, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		if len(focus) == 0 {
			return Collection{}, nil
		}
		_, ok, err := quantityToUnit(ev, focus, args, sc, "convertsToQuantity")
		if err != nil {
			return nil, err
		}
		return boolResult(ok), nil
	})
}

func registerStringFunctions() {
	stringFunction := func(name string, minArgs, maxArgs int, apply func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error)) {
		register(name, minArgs, maxArgs, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
			s, ok, err := ev.stringInput(name, focus)
			if err != nil || !ok {
				return Collection{}, err
			}
			return apply(ev, s, args, sc)
		})
	}
	withString := func(name string, apply func(s, arg string) Collection) func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error) {
		return func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error) {
			arg, ok, err := ev.stringArgument(name, args[0], sc)
			if err != nil || !ok {
				return Collection{}, err
			}
			return apply(s, arg), nil
		}
	}
	stringFunction("indexOf", 1, 1, withString("indexOf", func(s, arg string) Collection {
		index := strings.Index(s, arg)
		if index < 0 {
			return Collection{int64(-1)}
		}
		return Collection{int64(utf8.RuneCountInString(s[:index]))}
	}))
	stringFunction("startsWith", 1, 1, withString("startsWith", func(s, arg string) Collection {
		return boolResult(strings.HasPrefix(s, arg))
	}))
	stringFunction("endsWith", 1, 1, withString("endsWith", func(s, arg string) Collection {
		return boolResult(strings.HasSuffix(s, arg))
	}))
	stringFunction("contains", 1, 1, withString("contains", func(s, arg string) Collection {
		return boolResult(strings.Contains(s, arg))
	}))
	stringFunction("substring", 1, 2, func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error) {
		start, ok, err := ev.integerArgument("substring", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		runes := []rune(s)
		if start < 0 || start >= int64(len(runes)) {
			return Collection{}, nil
		}
		end := int64(len(runes))
		if len(args) == 2 {
			length, ok, err := ev.integerArgument("substring", args[1], sc)
			if err != nil {
				return nil, err
			}
			if ok {
				if length < 0 {
					length = 0
				}
				end = min(end, start+length)
			}
		}
		return Collection{string(runes[start:end])}, nil
	})
	stringFunction("upper", 0, 0, func(_ *evaluator, s string, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{strings.ToUpper(s)}, nil
	})
	stringFunction("lower", 0, 0, func(_ *evaluator, s string, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{strings.ToLower(s)}, nil
	})
	stringFunction("trim", 0, 0, func(_ *evaluator, s string, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{strings.TrimSpace(s)}, nil
	})
	stringFunction("length", 0, 0, func(_ *evaluator, s string, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{int64(utf8.RuneCountInString(s))}, nil
	})
	stringFunction("toChars", 0, 0, func(_ *evaluator, s string, _ []*astNode, _ *scope) (Collection, error) {
		result := Collection{}
		for _, r := range s {
			result = append(result, string(r))
		}
		return result, nil
	})
	stringFunction("replace", 2, 2, func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error) {
		pattern, ok1, err := ev.stringArgument("replace", args[0], sc)
		if err != nil {
			return nil, err
		}
		substitution, ok2, err := ev.stringArgument("replace", args[1], sc)
		if err != nil || !ok1 || !ok2 {
			return Collection{}, err
		}
		return Collection{strings.ReplaceAll(s, pattern, substitution)}, nil
	})
	stringFunction("matches", 1, 1, func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error) {
		pattern, ok, err := ev.stringArgument("matches", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		re, err := compileRegex(pattern)
		if err != nil {
			return nil, ev.fail("matches(): invalid regular expression %q: %v", pattern, err)
		}
		return boolResult(re.MatchString(s)), nil
	})
	stringFunction("replaceMatches", 2, 2, func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error) {
		pattern, ok1, err := ev.stringArgument("replaceMatches", args[0], sc)
		if err != nil {
			return nil, err
		}
		substitution, ok2, err := ev.stringArgument("replaceMatches", args[1], sc)
		if err != nil || !ok1 || !ok2 {
			return Collection{}, err
		}
		if pattern == "" {
			return Collection{s}, nil
		}
		re, err := compileRegex(pattern)
		if err != nil {
			return nil, ev.fail("replaceMatches(): invalid regular expression %q: %v", pattern, err)
		}
		return Collection{re.ReplaceAllString(s, substitution)}, nil
	})
	stringFunction("split", 1, 1, withString("split", func(s, sep string) Collection {
		result := Collection{}
		for _, part := range strings.Split(s, sep) {
			result = append(result, part)
		}
		return result
	}))
	register("join", 0, 1, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
		sep := ""
		if len(args) == 1 {
			s, _, err := ev.stringArgument("join", args[0], sc)
			if err != nil {
				return nil, err
			}
			sep = s
		}
		parts := make([]string, 0, len(focus))
		for _, item := range focus {
			s, ok := stringOf(item)
			if !ok {
				return nil, ev.fail("join() requires String items, found %s", typeName(item))
			}
			parts = append(parts, s)
		}
		return Collection{strings.Join(parts, sep)}, nil
	})
	stringFunction("encode", 1, 1, func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error) {
		format, ok, err := ev.stringArgument("encode", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		switch format {
		case "hex":
			return Collection{hex.EncodeToString([]byte(s))}, nil
		case "base64":
			return Collection{base64.StdEncoding.EncodeToString([]byte(s))}, nil
		case "urlbase64":
			return Collection{base64.URLEncoding.EncodeToString([]byte(s))}, nil
		case "uri":
			return Collection{url.QueryEscape(s)}, nil
		}
		return nil, ev.fail("encode(): unknown format %q", format)
	})
	stringFunction("decode", 1, 1, func(ev *evaluator, s string, args []*astNode, sc *scope) (Collection, error) {
		format, ok, err := ev.stringArgument("decode", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		var decoded []byte
		switch format {
		case "hex":
			decoded, err = hex.DecodeString(s)
		case "base64":
			decoded, err = base64.StdEncoding.DecodeString(s)
		case "urlbase64":
			decoded, err = base64.URLEncoding.DecodeString(s)
		case "uri":
			var text string
			text, err = url.QueryUnescape(s)
			decoded = []byte(text)
		default:
			return nil, ev.fail("decode(): unknown format %q", format)
		}
		if err != nil {
			return Collection{}, nil
		}
		return Collection{string(decoded)}, nil
	})
}

// maxRoundDigits bounds the precision of round(), which sizes an exact intermediate value.
const maxRoundDigits = 100

// maxRegexLength bounds patterns taken from expressions; Go's RE2 engine runs in linear time,
// so the length is the only cost to bound.
const maxRegexLength = 4096

func compileRegex(pattern string) (*regexp.Regexp, error) {
	if len(pattern) > maxRegexLength {
		return nil, errTooLong
	}
	// FHIRPath evaluates regular expressions in single-line mode: . matches a newline.
	return regexp.Compile("(?s)" + pattern)
}

type regexError string

func (e regexError) Error() string { return string(e) }

const errTooLong = regexError("the pattern is longer than 4096 bytes")

func registerMathFunctions() {
	numeric := func(name string, apply func(ev *evaluator, value any, args []*astNode, sc *scope) (Collection, error), maxArgs int) {
		register(name, 0, maxArgs, func(ev *evaluator, focus Collection, args []*astNode, sc *scope) (Collection, error) {
			value, ok, err := ev.singleInput(name, focus)
			if err != nil || !ok {
				return Collection{}, err
			}
			switch value.(type) {
			case int64, Decimal, Quantity:
				return apply(ev, value, args, sc)
			}
			return nil, ev.fail("%s() requires a number, found %s", name, typeName(value))
		})
	}
	floatFunction := func(name string, f func(float64) float64) {
		numeric(name, func(ev *evaluator, value any, _ []*astNode, _ *scope) (Collection, error) {
			if _, isQuantity := value.(Quantity); isQuantity {
				return nil, ev.fail("%s() requires a number, found Quantity", name)
			}
			d, ok := floatToDecimal(f(toDecimal(value).Float64()))
			if !ok {
				return Collection{}, nil
			}
			return Collection{d}, nil
		}, 0)
	}
	numeric("abs", func(_ *evaluator, value any, _ []*astNode, _ *scope) (Collection, error) {
		switch v := value.(type) {
		case int64:
			if v < 0 {
				v = -v
			}
			return Collection{v}, nil
		case Decimal:
			if v.Cmp(Decimal{}) < 0 {
				v = Decimal{}.sub(v)
			}
			return Collection{v}, nil
		case Quantity:
			if v.Value.Cmp(Decimal{}) < 0 {
				v.Value = Decimal{}.sub(v.Value)
			}
			return Collection{v}, nil
		}
		return Collection{}, nil
	}, 0)
	numeric("ceiling", func(_ *evaluator, value any, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{int64(math.Ceil(toDecimal(value).Float64()))}, nil
	}, 0)
	numeric("floor", func(_ *evaluator, value any, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{int64(math.Floor(toDecimal(value).Float64()))}, nil
	}, 0)
	numeric("truncate", func(_ *evaluator, value any, _ []*astNode, _ *scope) (Collection, error) {
		return Collection{toDecimal(value).truncate().Int64()}, nil
	}, 0)
	floatFunction("exp", math.Exp)
	floatFunction("ln", math.Log)
	floatFunction("sqrt", math.Sqrt)
	numeric("round", func(ev *evaluator, value any, args []*astNode, sc *scope) (Collection, error) {
		digits := int64(0)
		if len(args) == 1 {
			n, ok, err := ev.integerArgument("round", args[0], sc)
			if err != nil || !ok {
				return Collection{}, err
			}
			if n < 0 || n > maxRoundDigits {
				return nil, ev.fail("round() requires a precision from 0 to %d, found %d", maxRoundDigits, n)
			}
			digits = n
		}
		return Collection{toDecimal(value).round(int(digits))}, nil
	}, 1)
	numeric("log", func(ev *evaluator, value any, args []*astNode, sc *scope) (Collection, error) {
		base, ok, err := ev.singleArgument("log", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		d, ok := floatToDecimal(math.Log(toDecimal(value).Float64()) / math.Log(toDecimal(base).Float64()))
		if !ok {
			return Collection{}, nil
		}
		return Collection{d}, nil
	}, 1)
	functions["log"] = function{minArgs: 1, maxArgs: 1, call: functions["log"].call}
	numeric("power", func(ev *evaluator, value any, args []*astNode, sc *scope) (Collection, error) {
		exponent, ok, err := ev.singleArgument("power", args[0], sc)
		if err != nil || !ok {
			return Collection{}, err
		}
		if base, isInt := value.(int64); isInt {
			if e, isInt := exponent.(int64); isInt && e >= 0 {
				// A base other than -1, 0 and 1 overflows 64 bits before the exponent 64, so
				// the exact power is computed only when it can fit.
				if e > 64 && (base < -1 || base > 1) {
					return Collection{}, nil
				}
				result := new(big.Int).Exp(big.NewInt(base), big.NewInt(e), nil)
				if !result.IsInt64() {
					return Collection{}, nil
				}
				return Collection{result.Int64()}, nil
			}
		}
		d, ok := floatToDecimal(math.Pow(toDecimal(value).Float64(), toDecimal(exponent).Float64()))
		if !ok {
			return Collection{}, nil
		}
		return Collection{d}, nil
	}, 1)
	functions["power"] = function{minArgs: 1, maxArgs: 1, call: functions["power"].call}
}
