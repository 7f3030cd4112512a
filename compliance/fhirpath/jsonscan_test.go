package fhirpath

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseJSONValues(t *testing.T) {
	value, err := parseJSON([]byte(` {"s": "a\"b\\c\/\n\u00e9\ud83d\ude00", "n": -12.5e+3, "z": 0, "t": true, "f": false, "x": null, "a": [1, [], {}]} `))
	require.NoError(t, err)
	object, ok := value.(Object)
	require.True(t, ok)
	require.Len(t, object, 7)
	get := func(i int) any {
		v, _ := unwrapOffset(object[i].Value)
		return v
	}
	assert.Equal(t, "a\"b\\c/\né😀", get(0))
	assert.Equal(t, json.Number("-12.5e+3"), get(1))
	assert.Equal(t, json.Number("0"), get(2))
	assert.Equal(t, true, get(3))
	assert.Equal(t, false, get(4))
	assert.Nil(t, get(5))
	assert.Equal(t, []any{json.Number("1"), []any{}, Object{}}, get(6))
}

func TestParseJSONErrors(t *testing.T) {
	tests := []struct {
		input   string
		offset  int
		message string
	}{
		{`{"a": tru}`, 6, "expected true"},
		{`{"a": 01}`, 7, "expected ',' or '}'"},
		{`{"a": 1.}`, 8, "no digits after the decimal point"},
		{`{"a": "x\q"}`, 8, `invalid escape sequence \q`},
		{"{\"a\": \"x\ny\"}", 8, "control character"},
		{`{"a" 1}`, 5, "expected ':'"},
		{`{a: 1}`, 1, "expected a string object key"},
		{`[1, 2`, 5, "unexpected end of JSON input"},
		{`{"a": "open`, 6, "unterminated string"},
		{`{} x`, 3, "unexpected data"},
		{"{\"a\": \"\xff\"}", 7, "invalid UTF-8"},
		{`{"a": "\u12"}`, 9, `invalid \u escape`},
		{``, 0, "unexpected end of JSON input"},
		{`-`, 1, "invalid number"},
		{`1e`, 2, "no digits in the exponent"},
	}
	for _, tt := range tests {
		_, err := parseJSON([]byte(tt.input))
		require.Error(t, err, tt.input)
		assert.Contains(t, err.Error(), tt.message, tt.input)
		assert.Equal(t, tt.offset, jsonErrorOffset(err), "offset for %q", tt.input)
	}
}

func TestParseJSONDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1)
	_, err := parseJSON([]byte(deep))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nests deeper")

	shallow := strings.Repeat("[", 10) + strings.Repeat("]", 10)
	_, err = parseJSON([]byte(shallow))
	assert.NoError(t, err)
}
