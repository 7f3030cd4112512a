package steps

import (
	"strings"
	"testing"
)

func FuzzStripJSONC(f *testing.F) {
	for _, seed := range []string{`{"a": 1, // c
}`, `/* x */ {"b": "/* not */", }`, `"unterminated`, `/*`, `,]`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := stripJSONC([]byte(in))
		if len(out) != len(in) {
			t.Fatalf("length changed from %d to %d", len(in), len(out))
		}
		if strings.Count(string(out), "\n") != strings.Count(in, "\n") {
			t.Fatalf("line count changed")
		}
	})
}

func FuzzParseTSCOutput(f *testing.F) {
	f.Add(tscSample)
	f.Add("a.ts(1,1): error TS1: x\n  more\n")
	f.Fuzz(func(t *testing.T, in string) {
		findings, err := ParseTSCOutput(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, finding := range findings {
			if finding.Line < 0 || finding.Column < 0 {
				t.Fatalf("negative position in %+v", finding)
			}
		}
	})
}
