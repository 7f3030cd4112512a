package kube

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/go-multierror"
	"gopkg.in/yaml.v3"
)

// maxFileSize bounds one manifest file. Rendered Helm charts of large
// operators reach a few MiB; anything beyond this is almost certainly not a
// manifest.
const maxFileSize = 64 << 20

// Object is one Kubernetes object read from a manifest file.
type Object struct {
	// Path is slash-separated and relative to the root given to Load.
	Path string
	// Document is the 1-based index of the YAML document in the file.
	Document int
	// Item is the 1-based index inside a List object, or 0.
	Item       int
	APIVersion string
	Kind       string
	Name       string
	// Namespace is metadata.namespace as written; empty means the
	// namespace the objects are applied to.
	Namespace string
	// Line is the line of the object's first key.
	Line int

	root field
}

// Ref names the object for messages, such as `Deployment "api"`.
func (o *Object) Ref() string {
	if o.Name == "" {
		return o.Kind + " (unnamed)"
	}
	return fmt.Sprintf("%s %q", o.Kind, o.Name)
}

// Skipped is a YAML document that was read but is not a Kubernetes object
// that hmsci checks.
type Skipped struct {
	Path     string
	Document int
	Line     int
	Reason   string
}

// Manifests is the result of loading manifest files.
type Manifests struct {
	Objects []*Object
	Skipped []Skipped
	// Files is the number of files read.
	Files int
}

// manifestExtensions are the file name endings read when a directory is
// given. A file named explicitly is read whatever its name.
var manifestExtensions = []string{".yaml", ".yml", ".json"}

// Load reads Kubernetes manifests from paths, which may be files or
// directories (walked recursively, skipping .git and node_modules). Relative
// paths are resolved against root, and object paths are reported relative
// to root.
//
// Load returns the objects of every readable file even when some files
// fail: the returned error then lists each failure with file, line and
// document index.
func Load(root string, paths []string) (*Manifests, error) {
	files, err := collectFiles(root, paths)
	m := &Manifests{}
	var errs *multierror.Error
	if err != nil {
		errs = multierror.Append(errs, err)
	}
	for _, file := range files {
		m.Files++
		if err := m.loadFile(root, file.path, file.named); err != nil {
			errs = multierror.Append(errs, err)
		}
	}
	return m, errs.ErrorOrNil()
}

// manifestFile is a file to load; named is set when the user named it
// rather than a directory walk finding it.
type manifestFile struct {
	path  string
	named bool
}

func collectFiles(root string, paths []string) ([]manifestFile, error) {
	var files []manifestFile
	var errs *multierror.Error
	seen := map[string]bool{}
	add := func(p string, named bool) {
		if !seen[p] {
			seen[p] = true
			files = append(files, manifestFile{path: p, named: named})
		}
	}
	for _, p := range paths {
		full := p
		if !filepath.IsAbs(full) {
			full = filepath.Join(root, p)
		}
		info, err := os.Stat(full)
		if err != nil {
			errs = multierror.Append(errs, fmt.Errorf("read manifests %q: %w", p, err))
			continue
		}
		if !info.IsDir() {
			add(full, true)
			continue
		}
		var found []string
		walkErr := filepath.WalkDir(full, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != full && (d.Name() == ".git" || d.Name() == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			ext := strings.ToLower(filepath.Ext(path))
			for _, e := range manifestExtensions {
				if ext == e {
					found = append(found, path)
					break
				}
			}
			return nil
		})
		if walkErr != nil {
			errs = multierror.Append(errs, fmt.Errorf("walk manifests %q: %w", p, walkErr))
		}
		sort.Strings(found)
		for _, f := range found {
			add(f, false)
		}
	}
	return files, errs.ErrorOrNil()
}

// relPath returns file relative to root with forward slashes, or file
// itself when it lies outside root.
func relPath(root, file string) string {
	absRoot, err1 := filepath.Abs(root)
	absFile, err2 := filepath.Abs(file)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(absRoot, absFile); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(file)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

func (m *Manifests) loadFile(root, file string, named bool) error {
	rel := relPath(root, file)
	info, err := os.Stat(file)
	if err != nil {
		return fmt.Errorf("read manifest %q: %w", rel, err)
	}
	if info.Size() > maxFileSize {
		return fmt.Errorf("read manifest %q: file is %d bytes, larger than the %d-byte limit for one manifest file", rel, info.Size(), maxFileSize)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("read manifest %q: %w", rel, err)
	}
	err = m.loadData(rel, data)
	if err != nil && !named && strings.EqualFold(filepath.Ext(file), ".json") && !errors.Is(err, errInvalidManifest) {
		// A directory walk also meets JSON files that are not manifests,
		// such as tsconfig.json with comments.
		m.Skipped = append(m.Skipped, Skipped{Path: rel, Reason: "not valid JSON or YAML, so not a manifest"})
		return nil
	}
	return err
}

// loadData adds the objects of one file's contents. Each YAML document is
// parsed on its own, so an invalid document does not hide the documents
// after it.
func (m *Manifests) loadData(rel string, data []byte) error {
	var errs *multierror.Error
	for i, chunk := range splitDocuments(data) {
		doc := i + 1
		var node yaml.Node
		err := yaml.NewDecoder(bytes.NewReader(chunk.data)).Decode(&node)
		if errors.Is(err, io.EOF) {
			continue
		}
		if err != nil {
			if bytes.Contains(data, []byte("{{")) {
				m.Skipped = append(m.Skipped, Skipped{Path: rel, Document: doc, Reason: "unrendered Helm or Go template: render it with `helm template` or `kustomize build` and check the output"})
				return nil
			}
			errs = multierror.Append(errs, parseError(rel, doc, chunk.line-1, err))
			continue
		}
		shiftLines(&node, chunk.line-1)
		for _, e := range validateDocument(rel, doc, &node) {
			errs = multierror.Append(errs, e)
		}
		m.addDocument(rel, doc, &node)
	}
	return errs.ErrorOrNil()
}

// document is one YAML document of a file and the 1-based line it starts
// on.
type document struct {
	data []byte
	line int
}

// splitDocuments splits a YAML stream at its document markers: a line
// that starts with "---" followed by a space or its end. In YAML 1.2 such
// a line always ends the document and cannot continue a scalar, so the
// split never cuts a value. The marker line
// stays with the document it opens, because it may carry content such as
// "--- {a: 1}". Text before the first marker is a document only when it
// has more than comments and blank lines.
func splitDocuments(data []byte) []document {
	var docs []document
	start, startLine := 0, 1
	line := 1
	for off := 0; off < len(data); {
		end := bytes.IndexByte(data[off:], '\n')
		next := len(data)
		if end >= 0 {
			next = off + end + 1
		}
		if isDocumentMarker(data[off:next]) && off > start {
			if len(docs) > 0 || hasContent(data[start:off]) {
				docs = append(docs, document{data: data[start:off], line: startLine})
			}
			start, startLine = off, line
		}
		line++
		off = next
	}
	if len(docs) == 0 || start < len(data) {
		docs = append(docs, document{data: data[start:], line: startLine})
	}
	return docs
}

func isDocumentMarker(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	rest := line[3:]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\n' || rest[0] == '\r'
}

// hasContent reports whether text has a line that is neither blank nor a
// comment.
func hasContent(text []byte) bool {
	for _, line := range bytes.Split(text, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && line[0] != '%' {
			return true
		}
	}
	return false
}

// shiftLines adds offset to the line of every node of a document parsed
// on its own, so lines count from the start of the file.
func shiftLines(n *yaml.Node, offset int) {
	if offset == 0 || n == nil {
		return
	}
	n.Line += offset
	for _, c := range n.Content {
		shiftLines(c, offset)
	}
}

// parseError turns a yaml.v3 error into one naming file, line and
// document; offset is the number of lines before the document.
//
// NOTE: yaml.v3 (v3.0.1) syntax errors carry a line but no column, and the
// package exposes no position, so these errors name no column. Duplicate
// keys and wrong types, which validateDocument finds, carry one.
func parseError(rel string, doc, offset int, err error) error {
	msg := err.Error()
	if match := yamlLine.FindStringSubmatch(msg); match != nil {
		line, _ := strconv.Atoi(match[1])
		// yaml.v3 (v3.0.1) reports parser errors, whose messages start
		// with "did not find expected", with a 0-based line: the line
		// where the unfinished block or flow collection began. Scanner
		// errors already carry a 1-based line.
		if strings.HasPrefix(msg[len(match[0]):], "did not find expected") {
			line++
		}
		return fmt.Errorf("%s:%d: document %d: invalid YAML: %s: %w", rel, line+offset, doc, strings.TrimPrefix(msg, match[0]), errInvalidYAML)
	}
	return fmt.Errorf("%s: document %d: invalid YAML: %s: %w", rel, doc, strings.TrimPrefix(msg, "yaml: "), errInvalidYAML)
}

// errInvalidYAML marks load errors caused by malformed YAML.
var errInvalidYAML = errors.New("manifest is not valid YAML")

func (m *Manifests) addDocument(rel string, doc int, node *yaml.Node) {
	if node.Kind == yaml.DocumentNode {
		if len(node.Content) == 0 {
			return
		}
		node = node.Content[0]
	}
	root := newField(node, "")
	if isNull(root.node) {
		return
	}
	if root.node.Kind != yaml.MappingNode {
		m.Skipped = append(m.Skipped, Skipped{Path: rel, Document: doc, Line: root.line, Reason: "document is not a mapping, so not a Kubernetes object"})
		return
	}
	m.addObject(rel, doc, 0, root)
}

func (m *Manifests) addObject(rel string, doc, item int, root field) {
	apiVersion := root.get("apiVersion").str()
	kind := root.get("kind").str()
	if apiVersion == "" || kind == "" {
		m.Skipped = append(m.Skipped, Skipped{Path: rel, Document: doc, Line: root.line, Reason: "no apiVersion or kind, so not a Kubernetes object"})
		return
	}
	if strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/") {
		m.Skipped = append(m.Skipped, Skipped{Path: rel, Document: doc, Line: root.line, Reason: "Kustomize configuration: check the output of `kustomize build` instead"})
		return
	}
	if strings.HasSuffix(kind, "List") && root.get("items").present() {
		if item != 0 {
			m.Skipped = append(m.Skipped, Skipped{Path: rel, Document: doc, Line: root.line, Reason: "List nested inside a List"})
			return
		}
		for i, it := range root.get("items").items() {
			if it.node.Kind != yaml.MappingNode {
				m.Skipped = append(m.Skipped, Skipped{Path: rel, Document: doc, Line: it.line, Reason: fmt.Sprintf("List item %d is not a mapping", i+1)})
				continue
			}
			m.addObject(rel, doc, i+1, newField(it.node, ""))
		}
		return
	}
	meta := root.get("metadata")
	m.Objects = append(m.Objects, &Object{
		Path:       rel,
		Document:   doc,
		Item:       item,
		APIVersion: apiVersion,
		Kind:       kind,
		Name:       meta.get("name").str(),
		Namespace:  meta.get("namespace").str(),
		Line:       root.line,
		root:       root,
	})
}
