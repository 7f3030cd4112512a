package toolreports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// decodeJSON decodes a JSON report into v. A syntax or type error becomes
// a ParseError with the line and column of the offending byte. An empty
// file is an error of its own, because the tool then failed before writing.
func (r *reader) decodeJSON(name string, data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return r.errorf(name, 0, "file is empty: the tool wrote no JSON; read the step log for its error")
	}
	err := json.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	pe := &ParseError{Step: r.step, Path: r.path(name)}
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syntax):
		pe.Line, pe.Column = lineColumn(data, syntax.Offset)
		pe.Err = fmt.Errorf("invalid JSON: %w", err)
	case errors.As(err, &typ):
		pe.Line, pe.Column = lineColumn(data, typ.Offset)
		pe.Field = typ.Field
		pe.Err = fmt.Errorf("invalid value: expected %s, found JSON %s", typ.Type, typ.Value)
	default:
		pe.Err = err
	}
	return pe
}

// lineColumn returns the 1-based line and column of a byte offset. The
// offset of a json error points just past the offending byte.
func lineColumn(data []byte, offset int64) (line, column int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	if offset < 0 {
		offset = 0
	}
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	column = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	if column < 1 {
		column = 1
	}
	return line, column
}
