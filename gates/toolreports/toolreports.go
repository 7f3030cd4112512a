// Package toolreports turns the reports that containerized steps write in
// their tools' own formats into policy.Analysis values for the gates.
// These formats are tsc text, Prettier file lists, conftest, kubeconform,
// axe, ZAP and SonarQube JSON, and the status files of hmsci's shell steps.
//
// SARIF, JUnit and the other standard formats are parsed by gates/reports;
// Parse returns nothing for steps that write only those.
package toolreports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"

	"github.com/hms-enterprise/hmsci/gates/policy"
)

// MaxReportSize is the largest report file read, in bytes. Larger files
// are rejected rather than read into memory.
const MaxReportSize = 256 << 20

// ParseError is a report file that could not be read or parsed.
type ParseError struct {
	// Step is the step whose report failed.
	Step string
	// Path is the report file.
	Path string
	// Line and Column are 1-based; 0 means unknown.
	Line, Column int
	// Field is the JSON path of an invalid value, such as
	// "site[0].alerts[2].riskcode", when the line is unknown.
	Field string
	Err   error
}

func (e *ParseError) Error() string {
	where := ""
	switch {
	case e.Line > 0 && e.Column > 0:
		where = fmt.Sprintf(" line %d column %d", e.Line, e.Column)
	case e.Line > 0:
		where = fmt.Sprintf(" line %d", e.Line)
	}
	if e.Field != "" {
		where += " field " + e.Field
	}
	return fmt.Sprintf("parse %s report %q%s: %v", e.Step, e.Path, where, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// ErrMissing is wrapped by the ParseError of a report file the step did
// not write.
var ErrMissing = errors.New("report file missing")

// stepParser reads the report files of one step into an analysis.
type stepParser struct {
	// gates are the gates that the analysis feeds. When parsing fails,
	// each is marked unmeasured with the error, so the gate shows why it
	// has no value instead of passing on an empty result.
	gates []string
	parse func(r *reader, a *policy.Analysis) error
}

var parsers = map[string]stepParser{
	policy.ToolTSC:            {gates: []string{"typescript-errors"}, parse: parseTSC},
	policy.ToolPrettier:       {gates: []string{"formatting"}, parse: parsePrettier},
	policy.ToolSonarQube:      {gates: []string{policy.CheckSonarQubeQualityGate}, parse: parseSonarQube},
	policy.ToolNewman:         {gates: []string{policy.CheckMigrations}, parse: parseMigrations},
	policy.ToolAxe:            {gates: []string{"accessibility"}, parse: parseAxe},
	policy.ToolZAP:            {gates: []string{"dast-findings"}, parse: parseZAP},
	policy.ToolImageCheck:     {gates: []string{policy.CheckImageNonRoot, "image-minimal"}, parse: parseImageCheck},
	policy.ToolConftestImage:  {gates: []string{"image-policy"}, parse: parseConftestImage},
	policy.ToolConftestK8s:    {gates: []string{"kubernetes-policy"}, parse: parseConftestK8s},
	policy.ToolKubeconform:    {gates: []string{"kubernetes-schema"}, parse: parseKubeconform},
	policy.ToolSign:           {gates: []string{policy.CheckImageSigned}, parse: parseSign},
	policy.ToolVerify:         {gates: []string{policy.CheckImageSigned}, parse: parseVerify},
	policy.ToolTerraformDrift: {gates: []string{"terraform-drift"}, parse: parseTerraformDrift},
}

// Steps lists the steps whose reports Parse reads, sorted.
func Steps() []string {
	steps := make([]string, 0, len(parsers))
	for s := range parsers {
		steps = append(steps, s)
	}
	sort.Strings(steps)
	return steps
}

// Handles reports whether Parse reads the reports of the step.
func Handles(step string) bool {
	_, ok := parsers[step]
	return ok
}

// Parse reads the reports that step wrote into dir and returns its
// analysis, with Tool set to the step name and Source to the main report
// file. It returns nil and no error for a step it does not handle.
//
// When a report is missing or malformed, Parse returns the analysis with
// every gate it feeds listed in Unmeasured, and a *ParseError that names
// the file, line and column where known. Callers should keep both: the
// analysis so that the gate explains its missing value, and the error as a
// note.
func Parse(step, dir string) ([]policy.Analysis, error) {
	p, ok := parsers[step]
	if !ok {
		return nil, nil
	}
	r := &reader{step: step, dir: dir}
	a := policy.Analysis{Tool: step}
	if err := p.parse(r, &a); err != nil {
		failed := policy.Analysis{Tool: step, Source: a.Source, Unmeasured: map[string]string{}}
		for _, gate := range p.gates {
			failed.Unmeasured[gate] = err.Error()
		}
		return []policy.Analysis{failed}, err
	}
	return []policy.Analysis{a}, nil
}

// ParseTree parses every directory under root that is named after a step
// Parse handles, such as the OUT/steps/tsc/ directory of a pipeline run,
// for `ci gate` on a directory of exported reports. Directories are
// visited in lexical order.
func ParseTree(root string) ([]policy.Analysis, []error) {
	var (
		out  []policy.Analysis
		errs []error
	)
	walkErr := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, fmt.Errorf("read reports directory %q: %w", p, err))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() || !Handles(d.Name()) {
			return nil
		}
		analyses, err := Parse(d.Name(), p)
		out = append(out, analyses...)
		if err != nil {
			errs = append(errs, err)
		}
		return nil
	})
	if walkErr != nil {
		errs = append(errs, fmt.Errorf("read reports directory %q: %w", root, walkErr))
	}
	return out, errs
}

// reader reads the report files of one step directory.
type reader struct {
	step string
	dir  string
}

// path returns the path of a report file.
func (r *reader) path(name string) string { return filepath.Join(r.dir, name) }

// errorf returns a ParseError for a report file.
func (r *reader) errorf(name string, line int, format string, args ...any) *ParseError {
	return &ParseError{Step: r.step, Path: r.path(name), Line: line, Err: fmt.Errorf(format, args...)}
}

// read returns the contents of a report file, or a ParseError wrapping
// ErrMissing when the step did not write it.
func (r *reader) read(name string) ([]byte, error) {
	p := r.path(name)
	info, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &ParseError{Step: r.step, Path: p, Err: fmt.Errorf("%w: the %s step wrote no %s; read the step log for the tool's error", ErrMissing, r.step, name)}
	}
	if err != nil {
		return nil, &ParseError{Step: r.step, Path: p, Err: err}
	}
	if info.IsDir() {
		return nil, &ParseError{Step: r.step, Path: p, Err: errors.New("is a directory, expected a report file")}
	}
	if info.Size() > MaxReportSize {
		return nil, &ParseError{Step: r.step, Path: p, Err: fmt.Errorf("file of %d bytes is larger than the %d byte limit", info.Size(), MaxReportSize)}
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, &ParseError{Step: r.step, Path: p, Err: err}
	}
	return data, nil
}

// exists reports whether the step wrote a report file.
func (r *reader) exists(name string) bool {
	_, err := os.Stat(r.path(name))
	return err == nil
}

// glob returns the report files matching a file name pattern, sorted.
func (r *reader) glob(pattern string) []string {
	matches, _ := filepath.Glob(filepath.Join(r.dir, pattern))
	names := make([]string, 0, len(matches))
	for _, m := range matches {
		names = append(names, filepath.Base(m))
	}
	slices.Sort(names)
	return names
}
