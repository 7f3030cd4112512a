package fhirpath

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseTemporalForms(t *testing.T) {
	tests := []struct {
		parse     func(string) (Temporal, error)
		text      string
		precision Precision
		output    string
	}{
		{ParseDate, "2024", PrecisionYear, "2024"},
		{ParseDate, "2024-02", PrecisionMonth, "2024-02"},
		{ParseDate, "2024-02-29", PrecisionDay, "2024-02-29"},
		{ParseDateTime, "2024-02-29T13", PrecisionHour, "2024-02-29T13"},
		{ParseDateTime, "2024-02-29T13:45:10.5+05:30", PrecisionMillisecond, "2024-02-29T13:45:10.5+05:30"},
		{ParseDateTime, "2024-02-29T13:45:10Z", PrecisionSecond, "2024-02-29T13:45:10Z"},
		{ParseTime, "13:45:10.123", PrecisionMillisecond, "13:45:10.123"},
	}
	for _, tt := range tests {
		value, err := tt.parse(tt.text)
		require.NoError(t, err, tt.text)
		assert.Equal(t, tt.precision, value.Precision, tt.text)
		assert.Equal(t, tt.output, value.String(), tt.text)
	}
}

func TestParseTemporalErrors(t *testing.T) {
	tests := map[string]func(string) (Temporal, error){
		"2023-02-29":                ParseDate,
		"2024-13":                   ParseDate,
		"24-01-01":                  ParseDate,
		"2024-01-01T10:00":          ParseDate,
		"2024-01-01T25:00":          ParseDateTime,
		"2024-01-01T10:60":          ParseDateTime,
		"2024-01-01T10:00:00+15:00": ParseDateTime,
		"2024-01-01T10:00:00.":      ParseDateTime,
		"10:00Z":                    ParseTime,
	}
	for text, parse := range tests {
		_, err := parse(text)
		assert.Error(t, err, text)
	}
}

func TestCompareTemporalPrecisionAndZones(t *testing.T) {
	parse := func(text string) Temporal {
		value, err := parseTemporalLiteral(text)
		require.NoError(t, err, text)
		return value
	}
	tests := []struct {
		a, b  string
		order int
		known bool
	}{
		{"2024-01-01", "2024-01-02", -1, true},
		{"2024-01", "2024-01-15", 0, false},
		{"2024-01", "2024-02-15", -1, true},
		{"2024-01-01T10:00:00+02:00", "2024-01-01T08:00:00Z", 0, true},
		{"2024-01-01T10:00:00+02:00", "2024-01-01T09:00:00Z", -1, true},
		{"2024-01-01T10:00:00", "2024-01-01T10:00:00Z", 0, false},
		{"2024-01-01T10:00:00.000", "2024-01-01T10:00:00", 0, true},
		{"T10:00", "T09:59:59", 1, true},
	}
	for _, tt := range tests {
		order, known := compareTemporal(parse(tt.a), parse(tt.b))
		assert.Equal(t, tt.known, known, "%s vs %s", tt.a, tt.b)
		if tt.known {
			assert.Equal(t, tt.order, order, "%s vs %s", tt.a, tt.b)
		}
	}
}

func TestAddDurationCalendarRules(t *testing.T) {
	tests := []struct {
		start    string
		quantity Quantity
		sign     int
		want     string
	}{
		{"2024-01-31", Quantity{Value: DecimalFromInt(1), Unit: "month"}, 1, "2024-02-29"},
		{"2023-01-31", Quantity{Value: DecimalFromInt(1), Unit: "month"}, 1, "2023-02-28"},
		{"2024-02-29", Quantity{Value: DecimalFromInt(1), Unit: "year"}, 1, "2025-02-28"},
		{"2024-03-01", Quantity{Value: DecimalFromInt(1), Unit: "day"}, -1, "2024-02-29"},
		{"2024-01-01", Quantity{Value: DecimalFromInt(2), Unit: "weeks"}, 1, "2024-01-15"},
		{"2024-01", Quantity{Value: DecimalFromInt(13), Unit: "months"}, 1, "2025-02"},
		{"2024-01-01T23:30:00Z", Quantity{Value: DecimalFromInt(45), Unit: "min"}, 1, "2024-01-02T00:15:00Z"},
	}
	for _, tt := range tests {
		start, err := parseTemporalLiteral(tt.start)
		require.NoError(t, err, tt.start)
		got, err := start.addDuration(tt.quantity, tt.sign)
		require.NoError(t, err, tt.start)
		assert.Equal(t, tt.want, got.String(), "%s %+d %s", tt.start, tt.sign, tt.quantity)
	}
	_, err := Temporal{Kind: KindDate, Year: 2024, Month: 1, Day: 1, Precision: PrecisionDay}.addDuration(Quantity{Value: DecimalFromInt(1), Unit: "kg"}, 1)
	assert.Error(t, err)
}

func TestTemporalFromClock(t *testing.T) {
	zone := time.FixedZone("test", -5*3600)
	now := time.Date(2026, 12, 4, 21, 7, 52, 123_456_789, zone)
	assert.Equal(t, "2026-12-04T21:07:52.123-05:00", temporalFromTime(now, KindDateTime).String())
	assert.Equal(t, "2026-12-04", temporalFromTime(now, KindDate).String())
	assert.Equal(t, "21:07:52.123", temporalFromTime(now, KindTime).String())
}
