package fhir

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const encodingDoc = `{"resourceType": "Observation", "status": "final", "code": {"text": "x"}}`

func utf16Bytes(s string, order binary.AppendByteOrder, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	out := make([]byte, 0, 2*len(units))
	for _, u := range units {
		out = order.AppendUint16(out, u)
	}
	return out
}

func TestNonUTF8EncodingsRejected(t *testing.T) {
	utf32LE := []byte{0xFF, 0xFE, 0x00, 0x00}
	for _, r := range encodingDoc {
		utf32LE = binary.LittleEndian.AppendUint32(utf32LE, uint32(r))
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"utf-16le with bom", utf16Bytes(encodingDoc, binary.LittleEndian, true), "encoded as UTF-16 little-endian"},
		{"utf-16be with bom", utf16Bytes(encodingDoc, binary.BigEndian, true), "encoded as UTF-16 big-endian"},
		{"utf-16le without bom", utf16Bytes(encodingDoc, binary.LittleEndian, false), "encoded as UTF-16 little-endian"},
		{"utf-16be without bom", utf16Bytes(encodingDoc, binary.BigEndian, false), "encoded as UTF-16 big-endian"},
		{"utf-32le with bom", utf32LE, "encoded as UTF-32 little-endian"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := ValidateBytes("x.json", tt.data)
			require.Len(t, out.Issues, 1)
			is := out.Issues[0]
			assert.Equal(t, SeverityFatal, is.Severity)
			assert.Contains(t, is.Message, tt.want)
			assert.Contains(t, is.Message, "FHIR JSON must be UTF-8")
			assert.Contains(t, is.Message, "iconv -f UTF-")
			assert.Equal(t, 1, is.Line)
			assert.Equal(t, 1, is.Column)
		})
	}
}

func TestUTF8ByteOrderMarkWarns(t *testing.T) {
	out := ValidateBytes("x.json", append([]byte{0xEF, 0xBB, 0xBF}, encodingDoc...))
	assert.Zero(t, out.Errors(), "a UTF-8 byte order mark is ignored, not an error")
	require.NotEmpty(t, out.Issues)
	assert.Equal(t, SeverityWarning, out.Issues[0].Severity)
	assert.Contains(t, out.Issues[0].Message, "UTF-8 byte order mark")
	assert.Contains(t, out.Issues[0].Message, "without a byte order mark")
}

func TestUTF16NDJSONOneOutcome(t *testing.T) {
	root := t.TempDir()
	data := utf16Bytes(encodingDoc+"\n"+encodingDoc+"\n", binary.LittleEndian, true)
	require.NoError(t, os.WriteFile(filepath.Join(root, "obs.ndjson"), data, 0o644))
	rep, err := ValidateTree(context.Background(), root, Options{})
	require.NoError(t, err)
	require.Len(t, rep.Outcomes, 1)
	assert.Equal(t, "obs.ndjson", rep.Outcomes[0].File)
	require.Len(t, rep.Outcomes[0].Issues, 1)
	assert.Contains(t, rep.Outcomes[0].Issues[0].Message, "UTF-16 little-endian")
}

func TestUnknownResourceTypeSuggestion(t *testing.T) {
	tests := []struct {
		resourceType, want string
	}{
		{"Pateint", `unknown resourceType "Pateint": not a FHIR R4 resource type; did you mean "Patient"?`},
		{"patient", `did you mean "Patient"?`},
		{"Obsrvation", `did you mean "Observation"?`},
		{"Zebrafish", `unknown resourceType 'Z********' (masked, 9 characters)`},
	}
	for _, tt := range tests {
		t.Run(tt.resourceType, func(t *testing.T) {
			out := ValidateBytes("x.json", []byte(`{"resourceType": "`+tt.resourceType+`"}`))
			assert.Contains(t, messages(out), tt.want)
		})
	}
}
