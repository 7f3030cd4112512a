package steps

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
)

// tscSample is real output of `tsc --noEmit --pretty false` (TypeScript
// 7.0.2) on a two-line sample, plus a continuation line in the form tsc
// prints for elaborated errors.
const tscSample = `src/a.ts(3,14): error TS2322: Type 'number' is not assignable to type 'string'.
src\win\b.ts(10,1): error TS2345: Argument of type '{ id: number; }' is not assignable to parameter of type 'Patient'.
  Property 'name' is missing in type '{ id: number; }' but required in type 'Patient'.
Found 2 errors in 2 files.
`

func TestParseTSCOutput(t *testing.T) {
	findings, err := ParseTSCOutput(strings.NewReader(tscSample))
	require.NoError(t, err)
	require.Len(t, findings, 2)

	assert.Equal(t, gates.Finding{Tool: "tsc", RuleID: "TS2322", Severity: gates.SeverityHigh,
		Message: "Type 'number' is not assignable to type 'string'.", Path: "src/a.ts", Line: 3, Column: 14}, findings[0])
	assert.Equal(t, "src/win/b.ts", findings[1].Path)
	assert.Equal(t, "TS2345", findings[1].RuleID)
	assert.Contains(t, findings[1].Message, "Property 'name' is missing")
}

func TestParseTSCOutputEmpty(t *testing.T) {
	findings, err := ParseTSCOutput(strings.NewReader(""))
	require.NoError(t, err)
	assert.Empty(t, findings)
}
