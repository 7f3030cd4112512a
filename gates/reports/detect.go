package reports

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// DetectHeadSize is how many leading bytes of a file Detect needs to
// recognize its format.
const DetectHeadSize = 16 << 10

var (
	coverprofileMode = regexp.MustCompile(`^mode: (set|count|atomic)\r?\n`)
	lcovFirstRecord  = regexp.MustCompile(`(?m)^(TN|SF|VER):`)
	xmlRoot          = regexp.MustCompile(`<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]`)
)

// Detect returns the format of a report from its leading bytes (head, at
// least DetectHeadSize of them when the file is that large), using the file
// name only to break ties. It returns FormatUnknown for anything else.
func Detect(path string, head []byte) Format {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 {
		return FormatUnknown
	}
	switch trimmed[0] {
	case '{':
		return detectJSON(path, trimmed)
	case '<':
		return detectXML(trimmed)
	}
	if coverprofileMode.Match(trimmed) {
		return FormatCoverprofile
	}
	if loc := lcovFirstRecord.FindIndex(trimmed); loc != nil && onlyLCOVBefore(trimmed[:loc[0]]) {
		return FormatLCOV
	}
	return FormatUnknown
}

// onlyLCOVBefore reports whether the text before the first record holds only
// blank or comment lines.
func onlyLCOVBefore(b []byte) bool {
	for _, line := range bytes.Split(b, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' {
			return false
		}
	}
	return true
}

func detectJSON(path string, head []byte) Format {
	has := func(s string) bool { return bytes.Contains(head, []byte(s)) }
	hasKey := func(k string) bool { return jsonKey(head, k) }
	switch {
	case hasKey("bomFormat") && has(`"CycloneDX"`):
		return FormatCycloneDX
	case hasKey("lighthouseVersion"):
		return FormatLighthouse
	case hasKey("runs") && (has("sarif") || hasKey("version")) && !hasKey("metrics"):
		return FormatSARIF
	case hasKey("$schema") && has("sarif"):
		return FormatSARIF
	case hasKey("mutants") || (hasKey("files") && hasKey("schemaVersion") && hasKey("thresholds")):
		return FormatStryker
	case hasKey("metrics") && (hasKey("root_group") || hasKey("http_reqs") || hasKey("http_req_duration")):
		return FormatK6
	}
	// Keys of a large report may come after the head; the name decides.
	name := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasSuffix(name, ".sarif") || strings.HasSuffix(name, ".sarif.json"):
		return FormatSARIF
	case strings.HasSuffix(name, ".cdx.json") || strings.Contains(name, "cyclonedx") || strings.Contains(name, "sbom"):
		return FormatCycloneDX
	case strings.Contains(name, "mutation"):
		return FormatStryker
	case strings.Contains(name, "lighthouse"):
		return FormatLighthouse
	case strings.Contains(name, "k6"):
		return FormatK6
	}
	return FormatUnknown
}

// jsonKey reports whether "key" followed by a colon occurs in head.
func jsonKey(head []byte, key string) bool {
	quoted := []byte(`"` + key + `"`)
	for i := 0; ; {
		j := bytes.Index(head[i:], quoted)
		if j < 0 {
			return false
		}
		rest := bytes.TrimLeft(head[i+j+len(quoted):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return true
		}
		i += j + len(quoted)
	}
}

func detectXML(head []byte) Format {
	// Skip the prolog: declaration, comments, DOCTYPE.
	for _, m := range xmlRoot.FindAllSubmatchIndex(head, -1) {
		start := m[0]
		if start > 0 && (head[start-1] == '?' || head[start-1] == '!') {
			continue
		}
		if inComment(head[:start]) {
			continue
		}
		switch string(head[m[4]:m[5]]) {
		case "coverage":
			return FormatCobertura
		case "testsuites", "testsuite":
			return FormatJUnit
		}
		return FormatUnknown
	}
	return FormatUnknown
}

func inComment(before []byte) bool {
	return bytes.LastIndex(before, []byte("<!--")) > bytes.LastIndex(before, []byte("-->"))
}

// Parse detects the format of the report read from r and parses it. path
// names the report in errors and in Report.Path. A report of unknown format
// is an error.
func Parse(path string, r io.Reader) (*Report, error) {
	br := bufio.NewReaderSize(r, DetectHeadSize)
	head, err := br.Peek(DetectHeadSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, &ParseError{Path: path, Err: fmt.Errorf("read: %w", err)}
	}
	format := Detect(path, head)
	if format == FormatUnknown {
		// A file named like a report but unrecognizable by content is a
		// broken report, not some other file: parse it to say what is wrong.
		format = FormatFromName(path)
	}
	if format == FormatUnknown {
		return nil, &ParseError{Path: path, Err: ErrUnknownFormat}
	}
	return ParseFormat(format, path, br)
}

// FormatFromName guesses a report format from conventional file names
// alone: *.sarif, lcov.info and *.lcov, cobertura*.xml and
// cobertura-coverage.xml, *.coverprofile and coverage.out, junit*.xml,
// mutation.json, *.cdx.json and bom.json. Other names return FormatUnknown.
func FormatFromName(path string) Format {
	name := strings.ToLower(filepath.Base(path))
	switch {
	case strings.HasSuffix(name, ".sarif") || strings.HasSuffix(name, ".sarif.json"):
		return FormatSARIF
	case name == "lcov.info" || strings.HasSuffix(name, ".lcov"):
		return FormatLCOV
	case strings.HasPrefix(name, "cobertura") && strings.HasSuffix(name, ".xml"):
		return FormatCobertura
	case strings.HasSuffix(name, ".coverprofile") || name == "coverage.out" || name == "cover.out":
		return FormatCoverprofile
	case strings.HasPrefix(name, "junit") && strings.HasSuffix(name, ".xml"):
		return FormatJUnit
	case name == "mutation.json":
		return FormatStryker
	case strings.HasSuffix(name, ".cdx.json") || name == "bom.json":
		return FormatCycloneDX
	}
	return FormatUnknown
}

// ErrUnknownFormat is returned for a file in none of the formats this
// package parses.
var ErrUnknownFormat = errors.New("unknown report format: expected SARIF, LCOV, Cobertura, Go coverprofile, JUnit XML, Stryker, k6 summary, Lighthouse or CycloneDX")

// ParseFormat parses a report of a known format.
func ParseFormat(format Format, path string, r io.Reader) (*Report, error) {
	parse, ok := parsers[format]
	if !ok {
		return nil, &ParseError{Path: path, Err: fmt.Errorf("unknown report format %q", format)}
	}
	rep, err := parse(path, r)
	if err != nil {
		return nil, asParseError(path, format, err)
	}
	return rep, nil
}

var parsers = map[Format]func(string, io.Reader) (*Report, error){
	FormatSARIF:        ParseSARIF,
	FormatLCOV:         ParseLCOV,
	FormatCobertura:    ParseCobertura,
	FormatCoverprofile: ParseCoverprofile,
	FormatJUnit:        ParseJUnit,
	FormatStryker:      ParseStryker,
	FormatK6:           ParseK6Summary,
	FormatLighthouse:   ParseLighthouse,
	FormatCycloneDX:    ParseCycloneDX,
}

// ParseFile opens, detects and parses one report file.
func ParseFile(path string) (*Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &ParseError{Path: path, Err: err}
	}
	rep, err := Parse(path, f)
	if closeErr := f.Close(); err == nil && closeErr != nil {
		return nil, &ParseError{Path: path, Err: closeErr}
	}
	return rep, err
}

// ScanDir walks dir and parses every file whose format Detect recognizes,
// in path order. Files of unknown format (HTML reports, logs) are skipped.
// It never stops at a bad file: each file that fails to read or parse adds
// one error, and the other reports are still returned.
func ScanDir(dir string) ([]*Report, []error) {
	var paths []string
	var errs []error
	walkErr := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &ParseError{Path: path, Err: err})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			paths = append(paths, path)
		}
		return nil
	})
	if walkErr != nil {
		errs = append(errs, &ParseError{Path: dir, Err: walkErr})
	}
	sort.Strings(paths)

	var out []*Report
	for _, path := range paths {
		rep, err := ParseFile(path)
		switch {
		case errors.Is(err, ErrUnknownFormat):
		case err != nil:
			errs = append(errs, err)
		default:
			out = append(out, rep)
		}
	}
	return out, errs
}
