package fhirpath

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TemporalKind is the kind of a [Temporal]: Date, DateTime or Time.
type TemporalKind uint8

// Temporal kinds.
const (
	KindDate TemporalKind = iota
	KindDateTime
	KindTime
)

// Precision is the finest component a date or time value states.
type Precision uint8

// Precisions from coarsest to finest.
const (
	PrecisionYear Precision = iota
	PrecisionMonth
	PrecisionDay
	PrecisionHour
	PrecisionMinute
	PrecisionSecond
	PrecisionMillisecond
)

// Temporal is a FHIRPath System.Date, System.DateTime or System.Time with its precision and
// optional time-zone offset.
type Temporal struct {
	Kind       TemporalKind
	Year       int
	Month      int
	Day        int
	Hour       int
	Minute     int
	Second     int
	Nanosecond int
	Precision  Precision
	// HasZone is true when the value states a time-zone offset; ZoneSeconds is that offset
	// east of UTC.
	HasZone     bool
	ZoneSeconds int
	// fractionDigits is the number of fraction-of-second digits written.
	fractionDigits int
}

// ParseDate parses a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD).
func ParseDate(text string) (Temporal, error) {
	t, err := parseTemporal(text, KindDate)
	if err != nil {
		return Temporal{}, err
	}
	if t.Precision > PrecisionDay {
		return Temporal{}, fmt.Errorf("invalid date %q: it has a time", text)
	}
	return t, nil
}

// ParseDateTime parses a FHIR dateTime or instant, from a year alone up to fractional
// seconds with a zone.
func ParseDateTime(text string) (Temporal, error) { return parseTemporal(text, KindDateTime) }

// ParseTime parses a FHIR time (hh, hh:mm, hh:mm:ss with optional fraction).
func ParseTime(text string) (Temporal, error) { return parseTemporal("T"+text, KindTime) }

func parseTemporalLiteral(text string) (Temporal, error) {
	if strings.HasPrefix(text, "T") {
		return parseTemporal(text, KindTime)
	}
	if strings.Contains(text, "T") {
		return parseTemporal(text, KindDateTime)
	}
	return parseTemporal(text, KindDate)
}

func parseTemporal(text string, kind TemporalKind) (Temporal, error) {
	t := Temporal{Kind: kind, Month: 1, Day: 1}
	rest := text
	fail := func(reason string) (Temporal, error) {
		return Temporal{}, fmt.Errorf("invalid %s %q: %s", kindName(kind), text, reason)
	}
	number := func(width int) (int, bool) {
		if len(rest) < width {
			return 0, false
		}
		for i := 0; i < width; i++ {
			if !isDigit(rest[i]) {
				return 0, false
			}
		}
		n, _ := strconv.Atoi(rest[:width])
		rest = rest[width:]
		return n, true
	}
	if kind != KindTime {
		year, ok := number(4)
		if !ok {
			return fail("expected a four-digit year")
		}
		t.Year, t.Precision = year, PrecisionYear
		if strings.HasPrefix(rest, "-") {
			rest = rest[1:]
			if t.Month, ok = number(2); !ok || t.Month < 1 || t.Month > 12 {
				return fail("invalid month")
			}
			t.Precision = PrecisionMonth
			if strings.HasPrefix(rest, "-") {
				rest = rest[1:]
				if t.Day, ok = number(2); !ok || t.Day < 1 || t.Day > daysIn(t.Year, t.Month) {
					return fail("invalid day")
				}
				t.Precision = PrecisionDay
			}
		}
		if rest == "" {
			return t, nil
		}
		if kind == KindDate {
			return fail("unexpected text after the date")
		}
	}
	if !strings.HasPrefix(rest, "T") {
		if kind == KindDateTime && t.Precision < PrecisionHour {
			return parseZone(t, rest, fail)
		}
		return fail("expected T before the time")
	}
	rest = rest[1:]
	if rest == "" && kind == KindDateTime {
		return t, nil
	}
	hour, ok := number(2)
	if !ok || hour > 23 {
		return fail("invalid hour")
	}
	t.Hour, t.Precision = hour, PrecisionHour
	if strings.HasPrefix(rest, ":") {
		rest = rest[1:]
		if t.Minute, ok = number(2); !ok || t.Minute > 59 {
			return fail("invalid minute")
		}
		t.Precision = PrecisionMinute
		if strings.HasPrefix(rest, ":") {
			rest = rest[1:]
			if t.Second, ok = number(2); !ok || t.Second > 59 {
				return fail("invalid second")
			}
			t.Precision = PrecisionSecond
			if strings.HasPrefix(rest, ".") {
				rest = rest[1:]
				digits := 0
				for digits < len(rest) && isDigit(rest[digits]) {
					digits++
				}
				if digits == 0 {
					return fail("missing fraction digits")
				}
				fraction := rest[:digits]
				rest = rest[digits:]
				t.fractionDigits = digits
				if len(fraction) > 9 {
					fraction = fraction[:9]
				}
				n, _ := strconv.Atoi(fraction + strings.Repeat("0", 9-len(fraction)))
				t.Nanosecond = n
				t.Precision = PrecisionMillisecond
			}
		}
	}
	if kind == KindTime {
		if rest != "" {
			return fail("unexpected text after the time")
		}
		return t, nil
	}
	return parseZone(t, rest, fail)
}

func parseZone(t Temporal, rest string, fail func(string) (Temporal, error)) (Temporal, error) {
	switch {
	case rest == "":
		return t, nil
	case rest == "Z":
		t.HasZone = true
		return t, nil
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		hours, err1 := strconv.Atoi(rest[1:3])
		minutes, err2 := strconv.Atoi(rest[4:6])
		if err1 != nil || err2 != nil || hours > 14 || minutes > 59 {
			return fail("invalid time-zone offset")
		}
		t.HasZone = true
		t.ZoneSeconds = hours*3600 + minutes*60
		if rest[0] == '-' {
			t.ZoneSeconds = -t.ZoneSeconds
		}
		return t, nil
	}
	return fail("invalid time-zone offset")
}

func kindName(kind TemporalKind) string {
	switch kind {
	case KindDate:
		return "date"
	case KindTime:
		return "time"
	}
	return "dateTime"
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// String formats the value as FHIR does, at its precision, without the @ prefix.
func (t Temporal) String() string {
	var b strings.Builder
	if t.Kind != KindTime {
		fmt.Fprintf(&b, "%04d", t.Year)
		if t.Precision >= PrecisionMonth {
			fmt.Fprintf(&b, "-%02d", t.Month)
		}
		if t.Precision >= PrecisionDay {
			fmt.Fprintf(&b, "-%02d", t.Day)
		}
		if t.Kind == KindDate || t.Precision < PrecisionHour {
			return b.String()
		}
		b.WriteByte('T')
	}
	fmt.Fprintf(&b, "%02d", t.Hour)
	if t.Precision >= PrecisionMinute {
		fmt.Fprintf(&b, ":%02d", t.Minute)
	}
	if t.Precision >= PrecisionSecond {
		fmt.Fprintf(&b, ":%02d", t.Second)
	}
	if t.Precision >= PrecisionMillisecond {
		digits := t.fractionDigits
		if digits == 0 {
			digits = 3
		}
		fraction := fmt.Sprintf("%09d", t.Nanosecond)
		b.WriteString("." + fraction[:min(digits, 9)])
	}
	if t.Kind == KindDateTime && t.HasZone {
		if t.ZoneSeconds == 0 {
			b.WriteByte('Z')
		} else {
			sign := '+'
			offset := t.ZoneSeconds
			if offset < 0 {
				sign, offset = '-', -offset
			}
			fmt.Fprintf(&b, "%c%02d:%02d", sign, offset/3600, offset/60%60)
		}
	}
	return b.String()
}

// utc returns the value as a time.Time in UTC, taking a missing zone as UTC.
func (t Temporal) utc() time.Time {
	tt := time.Date(t.Year, time.Month(t.Month), t.Day, t.Hour, t.Minute, t.Second, t.Nanosecond, time.UTC)
	if t.HasZone {
		tt = tt.Add(-time.Duration(t.ZoneSeconds) * time.Second)
	}
	return tt
}

// components returns the comparable fields from year to nanosecond.
func (t Temporal) components() [7]int {
	return [7]int{t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, t.Nanosecond}
}

// compareTemporal orders two values of the same kind. ok is false when the result is unknown
// because the values have different precisions and agree on every shared component.
func compareTemporal(a, b Temporal) (order int, ok bool) {
	if a.Kind == KindTime || b.Kind == KindTime {
		if a.Kind != b.Kind {
			return 0, false
		}
	}
	// Seconds and fractions of a second are one precision for comparison.
	pa, pb := a.Precision, b.Precision
	if pa == PrecisionMillisecond {
		pa = PrecisionSecond
	}
	if pb == PrecisionMillisecond {
		pb = PrecisionSecond
	}
	// NOTE: a time with a zone compared with one without gives an unknown result, because
	// the local zone of the data is not known; other engines may assume one.
	if a.HasZone != b.HasZone && a.Kind == KindDateTime && b.Kind == KindDateTime && pa >= PrecisionHour && pb >= PrecisionHour {
		return 0, false
	}
	if a.HasZone && b.HasZone && pa >= PrecisionHour && pb >= PrecisionHour {
		a, b = a.shiftToUTC(), b.shiftToUTC()
	}
	ca, cb := a.components(), b.components()
	shared := pa
	if pb < shared {
		shared = pb
	}
	last := int(shared)
	if shared == PrecisionSecond {
		last = 6 // include the nanoseconds
	}
	first := 0
	if a.Kind == KindTime {
		first = 3
	}
	for i := first; i <= last; i++ {
		if ca[i] != cb[i] {
			if ca[i] < cb[i] {
				return -1, true
			}
			return 1, true
		}
	}
	if pa != pb {
		return 0, false
	}
	return 0, true
}

func (t Temporal) shiftToUTC() Temporal {
	u := t.utc()
	shifted := t
	shifted.Year, shifted.Month, shifted.Day = u.Year(), int(u.Month()), u.Day()
	shifted.Hour, shifted.Minute, shifted.Second = u.Hour(), u.Minute(), u.Second()
	shifted.ZoneSeconds = 0
	return shifted
}

// addDuration adds a calendar or UCUM time quantity, as FHIRPath date arithmetic does.
func (t Temporal) addDuration(q Quantity, sign int) (Temporal, error) {
	unit, ok := durationUnit(q.Unit)
	if !ok {
		return Temporal{}, fmt.Errorf("cannot add a quantity in unit %q to a date/time", q.Unit)
	}
	amount := q.Value.truncate().Int64() * int64(sign)
	// Calendar units coarser than the value's precision are applied directly; finer ones
	// are converted to the value's precision first, dropping any remainder.
	result := t
	base := time.Date(t.Year, time.Month(t.Month), t.Day, t.Hour, t.Minute, t.Second, t.Nanosecond, time.UTC)
	switch unit {
	case PrecisionYear:
		base = base.AddDate(int(amount), 0, 0)
		if t.Precision >= PrecisionDay && base.Day() != t.Day {
			base = time.Date(t.Year+int(amount), time.Month(t.Month)+1, 0, t.Hour, t.Minute, t.Second, t.Nanosecond, time.UTC)
		}
	case PrecisionMonth:
		target := time.Date(t.Year, time.Month(t.Month)+time.Month(amount), 1, t.Hour, t.Minute, t.Second, t.Nanosecond, time.UTC)
		day := min(t.Day, daysIn(target.Year(), int(target.Month())))
		base = time.Date(target.Year(), target.Month(), day, t.Hour, t.Minute, t.Second, t.Nanosecond, time.UTC)
	case PrecisionDay:
		if q.Unit == "week" || q.Unit == "weeks" || q.Unit == "wk" {
			amount *= 7
		}
		if t.Precision < PrecisionDay {
			break
		}
		base = base.AddDate(0, 0, int(amount))
	case PrecisionHour:
		base = base.Add(time.Duration(amount) * time.Hour)
	case PrecisionMinute:
		base = base.Add(time.Duration(amount) * time.Minute)
	case PrecisionSecond:
		// FHIRPath adds whole seconds: the fraction of a decimal second quantity is dropped.
		base = base.Add(time.Duration(amount) * time.Second)
	case PrecisionMillisecond:
		base = base.Add(time.Duration(amount) * time.Millisecond)
	}
	if unit == PrecisionYear && t.Precision < PrecisionDay {
		result.Year += int(amount)
		return result, nil
	}
	if unit == PrecisionMonth && t.Precision < PrecisionDay {
		total := t.Year*12 + (t.Month - 1) + int(amount)
		if t.Precision == PrecisionYear {
			total = t.Year*12 + int(amount/12)*12
		}
		result.Year, result.Month = total/12, total%12+1
		return result, nil
	}
	result.Year, result.Month, result.Day = base.Year(), int(base.Month()), base.Day()
	if t.Kind != KindDate {
		result.Hour, result.Minute, result.Second, result.Nanosecond = base.Hour(), base.Minute(), base.Second(), base.Nanosecond()
	}
	return result, nil
}

// calendarUnits maps the FHIRPath calendar duration keywords to their precision.
var calendarUnits = map[string]Precision{
	"year": PrecisionYear, "years": PrecisionYear,
	"month": PrecisionMonth, "months": PrecisionMonth,
	"week": PrecisionDay, "weeks": PrecisionDay,
	"day": PrecisionDay, "days": PrecisionDay,
	"hour": PrecisionHour, "hours": PrecisionHour,
	"minute": PrecisionMinute, "minutes": PrecisionMinute,
	"second": PrecisionSecond, "seconds": PrecisionSecond,
	"millisecond": PrecisionMillisecond, "milliseconds": PrecisionMillisecond,
}

// ucumTimeUnits maps the UCUM time units that date arithmetic accepts to the precision they
// add at. The UCUM year 'a' and month 'mo' are absent: their lengths are averages, so FHIRPath
// rejects them in date arithmetic.
var ucumTimeUnits = map[string]Precision{
	"wk": PrecisionDay, "d": PrecisionDay,
	"h": PrecisionHour, "min": PrecisionMinute, "s": PrecisionSecond, "ms": PrecisionMillisecond,
}

func durationUnit(unit string) (Precision, bool) {
	if p, ok := calendarUnits[unit]; ok {
		return p, true
	}
	p, ok := ucumTimeUnits[unit]
	return p, ok
}

// temporalFromTime converts a clock reading into a DateTime, Date or Time in its zone.
func temporalFromTime(now time.Time, kind TemporalKind) Temporal {
	_, offset := now.Zone()
	t := Temporal{
		Kind: kind, Year: now.Year(), Month: int(now.Month()), Day: now.Day(),
		Hour: now.Hour(), Minute: now.Minute(), Second: now.Second(),
		Nanosecond: now.Nanosecond() / 1e6 * 1e6, Precision: PrecisionMillisecond,
		HasZone: true, ZoneSeconds: offset, fractionDigits: 3,
	}
	switch kind {
	case KindDate:
		t = Temporal{Kind: KindDate, Year: t.Year, Month: t.Month, Day: t.Day, Precision: PrecisionDay}
	case KindTime:
		t.Year, t.Month, t.Day, t.HasZone, t.ZoneSeconds = 0, 1, 1, false, 0
	}
	return t
}
