package steps

import (
	"context"
	"fmt"
)

// goJUnitReportPath is the module path of go-junit-report v2.
const goJUnitReportPath = "github.com/jstemmer/go-junit-report/v2"

// goJUnitReportVersion is fetched with `go run` when runtime downloads are
// allowed and go.mod has no tool directive for it.
const goJUnitReportVersion = "v2.1.0"

// GoTest runs `go test` with an atomic coverprofile and the test2json
// stream, then converts the stream to JUnit with go-junit-report.
var GoTest = toolStep{
	spec: Spec{
		Name:        "go-test",
		Phase:       PhaseTesting,
		Description: "go unit tests with coverage",
		ImageKey:    ImageGo,
		Command:     []string{"go", "test", "-json", "-covermode=atomic", "-coverprofile=" + reportPath("coverage.out"), "./..."},
		Reports:     []string{"coverage.out", "go-test.json", "go-test.junit.xml"},
		Gates:       []string{"coverage-line", "coverage-phi-modules", "unit-tests"},
		ToolSource:  "the golang image; go-junit-report from a go.mod tool directive (or go run with runtime downloads)",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessGo(d, o); skip {
				return skip, reason
			}
			if !d.HasGoTool(goJUnitReportPath+"/cmd/go-junit-report") && !d.HasGoTool(goJUnitReportPath) && !o.AllowRuntimeDownloads {
				return true, "go-junit-report is not a go.mod tool directive and runtime downloads are off: run `go get -tool " + goJUnitReportPath + "@" + goJUnitReportVersion + "`"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.withSource(spec)
		if err != nil {
			return nil, err
		}
		ctr = env.withGoCaches(ctr)

		junit := "go run " + goJUnitReportPath + "@" + goJUnitReportVersion
		if env.Detection.HasGoTool(goJUnitReportPath+"/cmd/go-junit-report") || env.Detection.HasGoTool(goJUnitReportPath) {
			junit = "go tool go-junit-report"
		}
		script := fmt.Sprintf(`go test -json -covermode=atomic -coverprofile=%s ./... > %s
status=$?
%s -parser gojson -in %s -out %s
exit $status`,
			reportPath("coverage.out"), reportPath("go-test.json"),
			junit, reportPath("go-test.json"), reportPath("go-test.junit.xml"))
		ctr = shell(ctr, script)
		return env.output(spec, ctr), nil
	},
}
