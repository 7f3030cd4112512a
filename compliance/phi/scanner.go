package phi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/hms-enterprise/hmsci/gates"
)

// DefaultMaxFileSize is the size above which files are skipped when
// Options.MaxFileSize is zero: 2 MiB, larger than hand-written sources and
// fixtures, smaller than data dumps that belong in no repository.
const DefaultMaxFileSize = 2 << 20

// Options configures a scan. The zero value scans every file up to
// DefaultMaxFileSize with DefaultMaskFunctions and no suppression files.
type Options struct {
	// Include limits the scan to paths matching one of these doublestar
	// globs, relative to the root ("**/*.json"); empty means all files.
	Include []string
	// Exclude skips paths matching one of these globs.
	Exclude []string
	// MaxFileSize skips larger files, in bytes; 0 means DefaultMaxFileSize.
	MaxFileSize int64
	// MaskFunctions names the functions whose arguments count as masked in
	// logging calls; nil means DefaultMaskFunctions.
	MaskFunctions []string
	// AllowlistPath is a YAML file of accepted paths, fingerprints and value
	// patterns.
	AllowlistPath string
	// BaselinePath is a JSON file of fingerprints accepted as existing.
	BaselinePath string
	// SyntheticBlocking makes findings on synthetic values block too.
	SyntheticBlocking bool
}

// SkipReason is the reason a file was not scanned.
type SkipReason string

// Skip reasons counted in Report.Skipped.
const (
	SkipBinary    SkipReason = "binary"
	SkipVendored  SkipReason = "vendored"
	SkipGenerated SkipReason = "generated"
	SkipTooLarge  SkipReason = "too large"
	SkipExcluded  SkipReason = "excluded"
)

// Report is the result of a scan.
type Report struct {
	// Findings are sorted by path, line and column. Suppressed findings
	// are included with Suppressed set.
	Findings []gates.Finding `json:"findings"`
	// Skipped counts skipped files by reason. Vendored counts directories,
	// because their files are not walked.
	Skipped      map[SkipReason]int `json:"skipped"`
	FilesScanned int                `json:"filesScanned"`
	BytesScanned int64              `json:"bytesScanned"`
}

// Blocking returns the number of findings that block the gate: not
// suppressed, and not synthetic unless the policy blocks synthetic ones.
func (r *Report) Blocking() int {
	n := 0
	for _, f := range r.Findings {
		if blocking, _ := f.Properties["blocking"].(bool); blocking {
			n++
		}
	}
	return n
}

// Suppressed returns the number of suppressed findings.
func (r *Report) Suppressed() int {
	n := 0
	for _, f := range r.Findings {
		if f.Suppressed {
			n++
		}
	}
	return n
}

// Scan scans the directory tree at root.
func Scan(ctx context.Context, root string, opts Options) (*Report, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("scan %q: %w", root, err)
	}
	if !info.IsDir() {
		data, err := os.ReadFile(root)
		if err != nil {
			return nil, fmt.Errorf("scan %q: %w", root, err)
		}
		return ScanBytes(ctx, path.Base(filepathToSlash(root)), data, opts)
	}
	return ScanFS(ctx, os.DirFS(root), opts)
}

func filepathToSlash(p string) string { return strings.ReplaceAll(p, string(os.PathSeparator), "/") }

// vendoredDirs are directory names whose content is third-party code.
var vendoredDirs = map[string]bool{
	"vendor": true, "node_modules": true, "third_party": true, "bower_components": true,
	".venv": true, "venv": true, "site-packages": true,
}

// generatedNames are lock files that package managers write.
var generatedNames = map[string]bool{
	"package-lock.json": true, "yarn.lock": true, "pnpm-lock.yaml": true, "go.sum": true,
	"Cargo.lock": true, "poetry.lock": true, "composer.lock": true, "Gemfile.lock": true,
}

// ScanFS scans every regular file of fsys.
func ScanFS(ctx context.Context, fsys fs.FS, opts Options) (*Report, error) {
	sc, err := newScanner(opts)
	if err != nil {
		return nil, err
	}
	rep := &Report{Skipped: map[SkipReason]int{}}
	var buf []byte
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return fmt.Errorf("read %q: %w", p, walkErr)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != "." && (name == ".git" || name == ".hg" || name == ".svn") {
				return fs.SkipDir
			}
			if vendoredDirs[name] {
				rep.Skipped[SkipVendored]++
				return fs.SkipDir
			}
			if p != "." && !sc.excluded(p) {
				rep.Findings = append(rep.Findings, sc.nameFindings(p, true)...)
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if !sc.selected(p) {
			rep.Skipped[SkipExcluded]++
			return nil
		}
		if reason := skipByName(p); reason != "" {
			rep.Skipped[reason]++
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return fmt.Errorf("stat %q: %w", p, err)
		}
		if info.Size() > sc.maxSize {
			rep.Skipped[SkipTooLarge]++
			return nil
		}
		buf, err = readInto(fsys, p, buf, info.Size())
		if err != nil {
			return err
		}
		if reason := skipByContent(buf); reason != "" {
			rep.Skipped[reason]++
			return nil
		}
		rep.FilesScanned++
		rep.BytesScanned += int64(len(buf))
		rep.Findings = append(rep.Findings, sc.nameFindings(p, false)...)
		rep.Findings = append(rep.Findings, sc.findings(p, buf)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sc.suppress(rep.Findings)
	sortFindings(rep.Findings)
	return rep, nil
}

// readInto reads the file into buf, reusing its capacity.
func readInto(fsys fs.FS, p string, buf []byte, size int64) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return buf, fmt.Errorf("open %q: %w", p, err)
	}
	defer f.Close()
	if int64(cap(buf)) < size+1 {
		buf = make([]byte, 0, size+512)
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, fmt.Errorf("read %q: %w", p, err)
		}
	}
}

// ScanBytes scans one input named p, such as a file read by the caller.
func ScanBytes(ctx context.Context, p string, data []byte, opts Options) (*Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sc, err := newScanner(opts)
	if err != nil {
		return nil, err
	}
	rep := &Report{Skipped: map[SkipReason]int{}}
	if reason := skipByContent(data); reason != "" {
		rep.Skipped[reason]++
		return rep, nil
	}
	rep.FilesScanned = 1
	rep.BytesScanned = int64(len(data))
	rep.Findings = append(sc.nameFindings(p, false), sc.findings(p, data)...)
	sc.suppress(rep.Findings)
	sortFindings(rep.Findings)
	return rep, nil
}

// ScanReader reads r to the end, up to the size limit, and scans it as p.
func ScanReader(ctx context.Context, p string, r io.Reader, opts Options) (*Report, error) {
	limit := opts.MaxFileSize
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", p, err)
	}
	if int64(len(data)) > limit {
		return &Report{Skipped: map[SkipReason]int{SkipTooLarge: 1}}, nil
	}
	return ScanBytes(ctx, p, data, opts)
}

func skipByName(p string) SkipReason {
	base := path.Base(p)
	switch {
	case generatedNames[base],
		strings.HasSuffix(base, ".pb.go"), strings.HasSuffix(base, "_generated.go"),
		strings.HasSuffix(base, ".gen.go"), strings.HasSuffix(base, ".min.js"),
		strings.HasSuffix(base, ".min.css"), strings.HasSuffix(base, ".map"):
		return SkipGenerated
	}
	return ""
}

// sniffLen is how much of a file is checked for NUL bytes and generated
// markers.
const sniffLen = 8000

func skipByContent(data []byte) SkipReason {
	head := data
	if len(head) > sniffLen {
		head = head[:sniffLen]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return SkipBinary
	}
	if len(head) > 1024 {
		head = head[:1024]
	}
	if bytes.Contains(head, []byte("Code generated")) && bytes.Contains(head, []byte("DO NOT EDIT")) ||
		bytes.Contains(head, []byte("@generated")) {
		return SkipGenerated
	}
	return ""
}

// scanner is a prepared Options.
type scanner struct {
	opts      Options
	maxSize   int64
	maskFuncs map[string]bool
	allow     *Allowlist
	baseline  map[string]bool
	// names caches each file or folder name with its detected values
	// masked.
	names map[string]string
}

func newScanner(opts Options) (*scanner, error) {
	sc := &scanner{opts: opts, maxSize: opts.MaxFileSize, maskFuncs: map[string]bool{}}
	if sc.maxSize <= 0 {
		sc.maxSize = DefaultMaxFileSize
	}
	if opts.MaxFileSize < 0 {
		return nil, fmt.Errorf("invalid max file size %d: must be zero (default) or positive", opts.MaxFileSize)
	}
	names := opts.MaskFunctions
	if names == nil {
		names = DefaultMaskFunctions
	}
	for _, n := range names {
		k := strings.LastIndexByte(n, '.')
		sc.maskFuncs[strings.ToLower(n[k+1:])] = true
	}
	for _, g := range append(append([]string{}, opts.Include...), opts.Exclude...) {
		if !doublestar.ValidatePattern(g) {
			return nil, fmt.Errorf("invalid glob %q in include or exclude", g)
		}
	}
	if opts.AllowlistPath != "" {
		a, err := LoadAllowlist(opts.AllowlistPath)
		if err != nil {
			return nil, err
		}
		sc.allow = a
	}
	if opts.BaselinePath != "" {
		b, err := LoadBaseline(opts.BaselinePath)
		if err != nil {
			return nil, err
		}
		sc.baseline = b
	}
	return sc, nil
}

func (sc *scanner) selected(p string) bool {
	if len(sc.opts.Include) > 0 {
		ok := false
		for _, g := range sc.opts.Include {
			if m, _ := doublestar.Match(g, p); m {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return !sc.excluded(p)
}

// excluded reports whether p matches an exclude glob.
func (sc *scanner) excluded(p string) bool {
	for _, g := range sc.opts.Exclude {
		if m, _ := doublestar.Match(g, p); m {
			return true
		}
	}
	return false
}

// findings scans one file and converts its hits.
func (sc *scanner) findings(p string, data []byte) []gates.Finding {
	hits := scanFile(p, data, sc.maskFuncs)
	if len(hits) == 0 {
		return nil
	}
	out := make([]gates.Finding, 0, len(hits))
	seen := map[string]int{}
	lines := newLineIndex(data)
	reportedAllow := map[int]bool{}
	shown := sc.shownPath(p)
	for _, h := range hits {
		masked := h.masked
		if masked == "" {
			masked = mask(h.value, h.style)
		}
		key := h.rule + "\x00" + masked
		occurrence := seen[key]
		seen[key]++
		line, col := lines.position(h.start, &lines.start)
		endLine, endCol := lines.position(h.end, &lines.end)
		rule := rulesByID[h.rule]
		sev := rule.Severity
		props := map[string]any{
			"confidence":  h.confidence,
			"maskedValue": masked,
		}
		if h.synthetic != "" {
			sev = gates.SeverityLow
			props["synthetic"] = true
			props["syntheticReason"] = h.synthetic
		}
		if h.detail != "" {
			props["detail"] = h.detail
		}
		f := gates.Finding{
			Tool:        ToolName,
			RuleID:      h.rule,
			Severity:    sev,
			Message:     message(rule, masked, h),
			Path:        shown,
			Line:        line,
			Column:      col,
			EndLine:     endLine,
			EndColumn:   endCol,
			Snippet:     masked,
			Fingerprint: fingerprint(h.rule, shown, masked, occurrence),
			Properties:  props,
		}
		if reason, ok := lines.inlineAllow(line); ok {
			if strings.TrimSpace(reason) == "" {
				if al := lines.allowLine(line); !reportedAllow[al] {
					reportedAllow[al] = true
					out = append(out, allowWithoutReason(shown, al))
				}
			} else {
				f.Suppressed = true
				f.SuppressionReason = "inline: " + reason
			}
		}
		sc.allowlisted(&f, p, h.value)
		out = append(out, f)
	}
	for i := range out {
		if out[i].RuleID == RuleAllowNoReason {
			sc.allowlisted(&out[i], p, "")
		}
	}
	return out
}

// allowlisted suppresses f when an allowlist entry accepts it. p is the
// unmasked path, which entries' globs match, and value is the unmasked
// detected value, which only an entry's pattern is matched against.
func (sc *scanner) allowlisted(f *gates.Finding, p, value string) {
	if f.Suppressed || sc.allow == nil {
		return
	}
	if reason, ok := sc.allow.match(f, p, value); ok {
		f.Suppressed = true
		f.SuppressionReason = "allowlist: " + reason
	}
}

// summaryPrefix starts the message of a summary finding, whose masked
// value already names what it is ("Patient resource with 3 identifiers").
var summaryPrefix = map[string]string{RuleHL7PID: "HL7 v2 ", RuleFHIRPatient: "FHIR "}

func message(rule *Rule, masked string, h hit) string {
	msg := rule.Name + " " + masked
	if prefix, ok := summaryPrefix[h.rule]; ok && h.masked != "" {
		msg = prefix + masked
	}
	if h.rule == RuleLogExposure {
		msg = "Logging call " + h.detail + " writes " + masked + ", which holds PHI; pass it through a masking function or drop it"
	} else if h.detail != "" && h.rule != RuleCard && h.masked == "" {
		msg += " (" + h.detail + ")"
	}
	if h.synthetic != "" {
		msg += "; synthetic: " + h.synthetic
	}
	return msg
}

func allowWithoutReason(p string, line int) gates.Finding {
	rule := rulesByID[RuleAllowNoReason]
	return gates.Finding{
		Tool: ToolName, RuleID: RuleAllowNoReason, Severity: rule.Severity, Path: p, Line: line, Column: 1,
		Message:     "hmsci:allow-phi needs a reason after it, such as 'hmsci:allow-phi synthetic fixture'; the finding stays unsuppressed",
		Fingerprint: fingerprint(RuleAllowNoReason, p, strconv.Itoa(line), 0),
		Properties:  map[string]any{"confidence": 1.0, "maskedValue": ""},
	}
}

// suppress applies the baseline and sets the blocking property of every
// finding. The allowlist was applied per file, where the values are known.
func (sc *scanner) suppress(findings []gates.Finding) {
	for i := range findings {
		f := &findings[i]
		if !f.Suppressed && sc.baseline[f.Fingerprint] {
			f.Suppressed = true
			f.SuppressionReason = "baseline: present when the baseline was written"
		}
		synthetic, _ := f.Properties["synthetic"].(bool)
		f.Properties["blocking"] = !f.Suppressed && (!synthetic || sc.opts.SyntheticBlocking)
	}
}

func sortFindings(f []gates.Finding) {
	sort.SliceStable(f, func(i, j int) bool {
		a, b := f[i], f[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.RuleID < b.RuleID
	})
}

// lineIndex maps byte offsets to 1-based lines and rune columns. It
// caches the last position and the inline-allow result per line, so many
// findings on one long line cost linear time.
type lineIndex struct {
	data   []byte
	starts []int

	// start and end are cursors for finding starts, which come in
	// ascending order, and finding ends, which nearly do.
	start, end cursor
	allow      map[int]allowResult
}

// cursor is the last position computed, reused when the next offset is
// on the same line and not before it.
type cursor struct{ line, off, col int }

type allowResult struct {
	reason string
	ok     bool
}

// newLineIndex indexes the lines of data. A line ends at "\n", "\r\n" or a
// lone "\r", which HL7 v2 uses between segments and editors show as a
// line break.
func newLineIndex(data []byte) *lineIndex {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' || c == '\r' && (i+1 == len(data) || data[i+1] != '\n') {
			starts = append(starts, i+1)
		}
	}
	return &lineIndex{data: data, starts: starts, allow: map[int]allowResult{}}
}

func (l *lineIndex) position(off int, cur *cursor) (int, int) {
	k := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	if k < 0 {
		k = 0
	}
	from, col := l.starts[k], 1
	if cur.line == k+1 && cur.off <= off {
		from, col = cur.off, cur.col
	}
	for _, c := range l.data[from:min(off, len(l.data))] {
		if c < 0x80 || c >= 0xC0 {
			col++
		}
	}
	*cur = cursor{line: k + 1, off: min(off, len(l.data)), col: col}
	return k + 1, col
}

func (l *lineIndex) text(line int) []byte {
	if line < 1 || line > len(l.starts) {
		return nil
	}
	start := l.starts[line-1]
	end := len(l.data)
	if line < len(l.starts) {
		end = l.starts[line] - 1
	}
	return l.data[start:end]
}

// allowMarker is the inline suppression comment; the reason follows it.
const allowMarker = "hmsci:allow-phi"

// inlineAllow returns the reason of an hmsci:allow-phi comment on the line
// or the line before, and whether there is one.
func (l *lineIndex) inlineAllow(line int) (string, bool) {
	if r, ok := l.allow[line]; ok {
		return r.reason, r.ok
	}
	reason, ok := l.findAllow(line)
	l.allow[line] = allowResult{reason, ok}
	return reason, ok
}

func (l *lineIndex) findAllow(line int) (string, bool) {
	for _, n := range []int{line, line - 1} {
		t := l.text(n)
		k := bytes.Index(t, []byte(allowMarker))
		if k < 0 {
			continue
		}
		reason := t[k+len(allowMarker):]
		reason = bytes.TrimLeft(reason, " :\t")
		reason = bytes.TrimRight(reason, " \t\r*/->#")
		if len(reason) > 200 {
			reason = reason[:200]
		}
		// The reason is printed, so digits in it are masked in case it
		// quotes the value it suppresses.
		masked := []byte(string(reason))
		for i, c := range masked {
			if isDigit(c) {
				masked[i] = '*'
			}
		}
		return string(masked), true
	}
	return "", false
}

func (l *lineIndex) allowLine(line int) int {
	if bytes.Contains(l.text(line), []byte(allowMarker)) {
		return line
	}
	return line - 1
}
