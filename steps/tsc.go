package steps

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// TSC type-checks the project with the TypeScript compiler from its
// lockfile and keeps the compiler output as tsc.txt; ParseTSCOutput turns
// it into findings.
var TSC = toolStep{
	spec: Spec{
		Name:        "tsc",
		Phase:       PhaseQuality,
		Description: "typescript type check",
		ImageKey:    ImageNode,
		Command:     tscArgs(Detection{}),
		CommandFor:  func(d Detection, _ Options) []string { return tscArgs(d) },
		Reports:     []string{"tsc.txt"},
		Gates:       []string{"typescript-errors"},
		ToolSource:  "typescript from the project's lockfile",
		Skip:        skipUnlessTypeScript,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.nodeDeps(spec)
		if err != nil {
			return nil, err
		}
		ctr = runTo(ctr, reportPath("tsc.txt"), tscArgs(env.Detection)...)
		return env.output(spec, ctr), nil
	},
}

func tscArgs(d Detection) []string {
	return []string{bin("tsc"), "--noEmit", "--pretty", "false", "-p", tsconfigPath(d)}
}

// tsconfigPath is the detected tsconfig, else tsconfig.json.
func tsconfigPath(d Detection) string {
	if d.TSConfig == "" {
		return "tsconfig.json"
	}
	return d.TSConfig
}

// tscLine matches one diagnostic of `tsc --pretty false`, such as
// src/a.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.
var tscLine = regexp.MustCompile(`^(.+?)\((\d+),(\d+)\): (error|warning|message) (TS\d+): (.*)$`)

// ParseTSCOutput reads the output of `tsc --noEmit --pretty false` and
// returns one finding per diagnostic. Continuation lines (indented detail
// of the previous diagnostic) are appended to its message. Lines that are
// neither are ignored, such as the "Found N errors" footer of tsc --build.
func ParseTSCOutput(r io.Reader) ([]gates.Finding, error) {
	var findings []gates.Finding
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 64<<10), 4<<20)
	for scanner.Scan() {
		line := strings.TrimRight(scanner.Text(), "\r")
		if m := tscLine.FindStringSubmatch(line); m != nil {
			lineNo, _ := strconv.Atoi(m[2])
			col, _ := strconv.Atoi(m[3])
			sev := gates.SeverityHigh
			if m[4] == "warning" {
				sev = gates.SeverityMedium
			} else if m[4] == "message" {
				sev = gates.SeverityInfo
			}
			findings = append(findings, gates.Finding{
				Tool: "tsc", RuleID: m[5], Severity: sev, Message: m[6],
				Path: strings.ReplaceAll(m[1], `\`, "/"), Line: lineNo, Column: col,
			})
			continue
		}
		if len(findings) > 0 && strings.HasPrefix(line, "  ") && strings.TrimSpace(line) != "" {
			last := &findings[len(findings)-1]
			last.Message += " " + strings.TrimSpace(line)
		}
	}
	if err := scanner.Err(); err != nil {
		return findings, fmt.Errorf("read tsc output: %w", err)
	}
	return findings, nil
}
