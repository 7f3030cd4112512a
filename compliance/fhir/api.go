package fhir

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/hms-enterprise/hmsci/internal/parallel"
)

// Options selects files and tunes severities. The zero value validates
// every .json and .ndjson file and treats every file as blocking.
type Options struct {
	// Include lists slash-separated doublestar globs, relative to the root,
	// of the files that hold FHIR JSON; empty means **/*.json and
	// **/*.ndjson.
	Include []string `json:"include,omitempty" yaml:"include,omitempty"`
	// Exclude lists globs of files to skip even when Include matches.
	Exclude []string `json:"exclude,omitempty" yaml:"exclude,omitempty"`
	// Blocking lists globs of the files whose errors fail the gate; empty
	// means every file.
	Blocking []string `json:"blocking,omitempty" yaml:"blocking,omitempty"`
	// ExtensibleAsError reports a code outside an extensible binding as an
	// error instead of a warning.
	ExtensibleAsError bool `json:"extensibleAsError,omitempty" yaml:"extensibleAsError,omitempty"`
	// AllowedExtensions lists URL prefixes of extensions that are not in
	// FHIR R4 core but are allowed, such as
	// "http://hl7.org/fhir/us/core/StructureDefinition/". Any other
	// extension that core does not define is an error, as in the HL7
	// validator.
	AllowedExtensions []string `json:"allowedExtensions,omitempty" yaml:"allowedExtensions,omitempty"`
	// StrictIdentifiers reports an Identifier.value that fails the check of
	// its US identifier system (NPI, SSN, MBI) as an error instead of a
	// warning.
	StrictIdentifiers bool `json:"strictIdentifiers,omitempty" yaml:"strictIdentifiers,omitempty"`
	// AllowExampleURLs accepts url values in example domains (example.org,
	// acme.com...), which are otherwise an error as in the HL7 validator,
	// because real data must not point at them.
	AllowExampleURLs bool `json:"allowExampleURLs,omitempty" yaml:"allowExampleURLs,omitempty"`
	// Base is the directory that Include, Exclude and Blocking are
	// relative to, such as the directory of the policy file. Empty means
	// the root given to ValidateTree. A file outside Base is matched by
	// its relative path, which then starts with "..".
	Base string `json:"-" yaml:"-"`
}

// Report is the result of validating a tree.
type Report struct {
	Root string `json:"root"`
	// Outcomes has one entry per file, or per line of an NDJSON file,
	// sorted by File.
	Outcomes []*Outcome `json:"outcomes"`
	// Blocking holds the File of each outcome in a blocking path.
	Blocking map[string]bool `json:"blocking,omitempty"`
}

// Files counts the outcomes.
func (r *Report) Files() int { return len(r.Outcomes) }

// Resources counts the resources checked in all files.
func (r *Report) Resources() int {
	n := 0
	for _, o := range r.Outcomes {
		n += o.Resources
	}
	return n
}

// Conformance returns the share of outcomes (files, or NDJSON lines) with
// no error, from 0 to 1. A report with no files returns 0, because
// nothing was checked.
func (r *Report) Conformance() float64 {
	if len(r.Outcomes) == 0 {
		return 0
	}
	ok := 0
	for _, o := range r.Outcomes {
		if o.Conformant() {
			ok++
		}
	}
	return float64(ok) / float64(len(r.Outcomes))
}

// Errors counts error and fatal issues in all files.
func (r *Report) Errors() int {
	n := 0
	for _, o := range r.Outcomes {
		n += o.Errors()
	}
	return n
}

// BlockingErrors counts error and fatal issues in blocking files.
func (r *Report) BlockingErrors() int {
	n := 0
	for _, o := range r.Outcomes {
		if r.Blocking[o.File] {
			n += o.Errors()
		}
	}
	return n
}

// ValidateBytes validates one FHIR JSON document held in memory. name is
// used in the outcome and in messages. It never panics and never returns
// nil.
func ValidateBytes(name string, data []byte) *Outcome {
	return validateDocument(name, data, Options{})
}

// ValidateBytesWithOptions is ValidateBytes with options.
func ValidateBytesWithOptions(name string, data []byte, opts Options) *Outcome {
	return validateDocument(name, data, opts)
}

func validateDocument(name string, data []byte, opts Options) (out *Outcome) {
	out = &Outcome{File: name}
	defer func() {
		if r := recover(); r != nil {
			out.Issues = append(out.Issues, Issue{Severity: SeverityFatal, Code: "exception", Rule: RuleStructure, Message: fmt.Sprintf("internal validator error: %v; please report it with this file", r)})
		}
	}()
	m, err := defaultModel()
	if err != nil {
		out.Issues = append(out.Issues, Issue{Severity: SeverityFatal, Code: "exception", Rule: RuleStructure, Message: err.Error()})
		return out
	}
	if is, ok := encodingIssue(data); ok {
		out.Issues = append(out.Issues, is)
		return out
	}
	root, dups, err := parseJSON(data, func(key string) bool { return m.names[key] || key == "resourceType" })
	if err != nil {
		is := Issue{Severity: SeverityFatal, Code: "structure", Rule: RuleJSON, Message: "invalid JSON: " + err.Error()}
		if se, ok := err.(*SyntaxError); ok {
			is.Line, is.Column, is.Message = se.Line, se.Col, "invalid JSON: "+se.Msg
		}
		out.Issues = append(out.Issues, is)
		return out
	}
	v := &validator{m: m, opts: opts, out: out, invariants: newFHIRPathInvariants(m)}
	if bytes.HasPrefix(data, utf8BOM) {
		v.addAt(SeverityWarning, "structure", RuleJSON, 1, 1, exprText(""), "the file starts with a UTF-8 byte order mark, which was ignored; JSON senders must not add one (RFC 8259, section 8.1) and some FHIR servers reject it, so save the file as UTF-8 without a byte order mark")
	}
	for _, d := range dups {
		// The resource a key belongs to is not known yet, so a key that no
		// FHIR type defines is masked as if it were person data.
		key := strconv.Quote(d.Key)
		if !m.names[d.Key] && d.Key != "resourceType" {
			key = maskValue(d.Key)
		}
		v.addAt(SeverityError, "structure", RuleJSON, d.Line, d.Col, exprText(""), "duplicate property %s: a JSON object must not repeat a key", key)
	}
	if root.Kind != KindObject {
		v.add(SeverityFatal, "structure", RuleJSON, root, exprText(""), "a FHIR JSON document must be a JSON object, found %s", root.Kind)
		return out
	}
	v.validateResource(root, "", false, nil)
	sortIssues(out.Issues)
	return out
}

// utf8BOM is the UTF-8 encoding of U+FEFF, the byte order mark.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// encodingIssue returns a fatal issue when data is UTF-16 or UTF-32 (with or
// without a byte order mark), which FHIR JSON must not be: without it the
// parser would report a stray character instead of the real cause.
func encodingIssue(data []byte) (Issue, bool) {
	enc, iconvName := "", ""
	switch {
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0xFE, 0xFF}) || len(data) >= 4 && data[0] == 0 && data[1] == 0 && data[2] == 0 && data[3] != 0:
		enc, iconvName = "UTF-32 big-endian", "UTF-32BE"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0x00, 0x00}) || len(data) >= 4 && data[0] != 0 && data[1] == 0 && data[2] == 0 && data[3] == 0:
		enc, iconvName = "UTF-32 little-endian", "UTF-32LE"
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || len(data) >= 2 && data[0] == 0 && data[1] != 0:
		enc, iconvName = "UTF-16 big-endian", "UTF-16BE"
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || len(data) >= 2 && data[0] != 0 && data[1] == 0:
		enc, iconvName = "UTF-16 little-endian", "UTF-16LE"
	default:
		return Issue{}, false
	}
	return Issue{Severity: SeverityFatal, Code: "structure", Rule: RuleJSON, Line: 1, Column: 1,
		Message: fmt.Sprintf("the file is encoded as %s, but FHIR JSON must be UTF-8: convert it, for example with iconv -f %s -t UTF-8", enc, iconvName)}, true
}

func sortIssues(issues []Issue) {
	sort.SliceStable(issues, func(i, j int) bool {
		if issues[i].Line != issues[j].Line {
			return issues[i].Line < issues[j].Line
		}
		return issues[i].Column < issues[j].Column
	})
}

// ValidateTree validates the FHIR files under root that opts selects (or
// root itself when it is a file): each
// .json file as one resource (bundles entry by entry) and each line of an
// .ndjson file as one resource. It stops early only when ctx is cancelled
// or a file cannot be read. Files are validated in parallel, one per core.
func ValidateTree(ctx context.Context, root string, opts Options) (*Report, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("validate FHIR tree: %w", err)
	}
	include := opts.Include
	if len(include) == 0 {
		include = []string{"**/*.json", "**/*.ndjson"}
	}
	for _, globs := range [][]string{include, opts.Exclude, opts.Blocking} {
		for _, g := range globs {
			if !doublestar.ValidatePattern(g) {
				return nil, fmt.Errorf("invalid FHIR path glob %q", g)
			}
		}
	}
	rep := &Report{Root: root, Blocking: map[string]bool{}}
	type job struct {
		path, rel string
		blocking  bool
		outcomes  []*Outcome
	}
	globPath, err := globRelative(root, opts.Base)
	if err != nil {
		return nil, err
	}
	var jobs []*job
	add := func(path, rel string, named bool) {
		match := globPath(path, rel)
		if !named && (!matchAny(include, match) || matchAny(opts.Exclude, match)) {
			return
		}
		jobs = append(jobs, &job{path: path, rel: rel, blocking: len(opts.Blocking) == 0 || matchAny(opts.Blocking, match)})
	}
	if !info.IsDir() {
		// A file named as the root is validated even when Include does not
		// match it.
		add(root, filepath.ToSlash(filepath.Base(root)), true)
	} else {
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.IsDir() {
				if name := d.Name(); path != root && (name == ".git" || name == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			add(path, filepath.ToSlash(rel), false)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("validate FHIR tree %q: %w", root, err)
		}
	}

	// Files are independent, so they are validated on every core.
	fns := make([]func(context.Context) error, len(jobs))
	for i, j := range jobs {
		fns[i] = func(ctx context.Context) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			data, err := os.ReadFile(j.path)
			if err != nil {
				return fmt.Errorf("read FHIR file: %w", err)
			}
			j.outcomes = validateFile(j.rel, data, opts)
			return nil
		}
	}
	if err := parallel.Run(ctx, parallel.Options{FailFast: true, MaxConcurrency: runtime.GOMAXPROCS(0)}, fns...); err != nil {
		return nil, fmt.Errorf("validate FHIR tree %q: %w", root, err)
	}
	for _, j := range jobs {
		for _, o := range j.outcomes {
			rep.Outcomes = append(rep.Outcomes, o)
			if j.blocking {
				rep.Blocking[o.File] = true
			}
		}
	}
	sort.SliceStable(rep.Outcomes, func(i, j int) bool { return rep.Outcomes[i].File < rep.Outcomes[j].File })
	return rep, nil
}

// globRelative returns the function that gives the path the globs are
// matched against: rel (the path relative to root) when base is empty,
// else the slash-separated path relative to base.
func globRelative(root, base string) (func(path, rel string) string, error) {
	if base == "" {
		return func(_, rel string) string { return rel }, nil
	}
	absBase, err := filepath.Abs(base)
	if err != nil {
		return nil, fmt.Errorf("resolve FHIR glob base %q: %w", base, err)
	}
	return func(path, rel string) string {
		abs, err := filepath.Abs(path)
		if err != nil {
			return rel
		}
		r, err := filepath.Rel(absBase, abs)
		if err != nil {
			return rel
		}
		return filepath.ToSlash(r)
	}, nil
}

// validateFile validates a .json file as one document and an .ndjson file
// line by line; blank NDJSON lines are skipped.
func validateFile(name string, data []byte, opts Options) []*Outcome {
	if !strings.HasSuffix(strings.ToLower(name), ".ndjson") {
		return []*Outcome{validateDocument(name, data, opts)}
	}
	// Lines of a UTF-16 file cannot be split on '\n' bytes, so the whole
	// file gets one outcome.
	if is, ok := encodingIssue(data); ok {
		return []*Outcome{{File: name, Issues: []Issue{is}}}
	}
	var outs []*Outcome
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		o := validateDocument(name+":"+strconv.Itoa(line), text, opts)
		for i := range o.Issues {
			if o.Issues[i].Line > 0 {
				o.Issues[i].Line = line
			}
		}
		outs = append(outs, o)
	}
	if err := sc.Err(); err != nil {
		outs = append(outs, &Outcome{File: name, Issues: []Issue{{Severity: SeverityFatal, Code: "structure", Rule: RuleJSON, Line: line + 1, Message: "cannot read NDJSON line: " + err.Error()}}})
	}
	return outs
}

func matchAny(globs []string, rel string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }
