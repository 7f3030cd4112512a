package terraform

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// maxFileSize bounds one .tf file; generated stacks rarely pass a few MiB.
const maxFileSize = 16 << 20

// Module is the configuration of one directory: Terraform merges every .tf
// file of a directory into one module.
type Module struct {
	// Dir is slash-separated and relative to the root.
	Dir       string
	Resources []*Resource
	// Data are the data blocks, such as aws_iam_policy_document.
	Data []*Resource
	// sources maps a file path to its bytes, for textual checks of
	// policy documents.
	sources   map[string][]byte
	variables []*hclsyntax.Block
	locals    []*hclsyntax.Attribute
	eval      *hcl.EvalContext
}

// Resource is one resource or data block.
type Resource struct {
	Type string
	Name string
	// Path is the file, slash-separated and relative to the root.
	Path  string
	Block *hclsyntax.Block
}

// Address returns the Terraform address, such as aws_s3_bucket.phi.
func (r *Resource) Address() string { return r.Type + "." + r.Name }

// Line returns the line of the block's type keyword.
func (r *Resource) Line() int { return r.Block.TypeRange.Start.Line }

// Load parses every .tf file under paths (files or directories, resolved
// against root) and groups them into modules by directory. A file that
// does not parse is reported in the returned error with file:line:col and
// left out; the other files are still returned.
func Load(root string, paths []string) ([]*Module, error) {
	files, errs := collectFiles(root, paths)
	byDir := map[string]*Module{}
	var dirs []string
	for _, file := range files {
		rel := relPath(root, file)
		body, src, err := parseFile(file, rel)
		if err != nil {
			errs = multierror.Append(errs, err)
			continue
		}
		dir := filepath.ToSlash(filepath.Dir(rel))
		m, ok := byDir[dir]
		if !ok {
			m = &Module{Dir: dir, sources: map[string][]byte{}}
			byDir[dir] = m
			dirs = append(dirs, dir)
		}
		m.sources[rel] = src
		m.addBody(rel, body)
	}
	sort.Strings(dirs)
	modules := make([]*Module, 0, len(dirs))
	for _, dir := range dirs {
		m := byDir[dir]
		m.buildEvalContext()
		modules = append(modules, m)
	}
	return modules, errs.ErrorOrNil()
}

func collectFiles(root string, paths []string) ([]string, *multierror.Error) {
	var files []string
	var errs *multierror.Error
	seen := map[string]bool{}
	for _, p := range paths {
		full := p
		if !filepath.IsAbs(full) {
			full = filepath.Join(root, p)
		}
		info, err := os.Stat(full)
		if err != nil {
			errs = multierror.Append(errs, fmt.Errorf("read terraform %q: %w", p, err))
			continue
		}
		if !info.IsDir() {
			if !seen[full] {
				seen[full] = true
				files = append(files, full)
			}
			continue
		}
		var found []string
		walkErr := filepath.WalkDir(full, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				// .terraform holds downloaded provider and module copies.
				if path != full && (d.Name() == ".terraform" || d.Name() == ".git" || d.Name() == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			if strings.HasSuffix(d.Name(), ".tf") {
				found = append(found, path)
			}
			return nil
		})
		if walkErr != nil {
			errs = multierror.Append(errs, fmt.Errorf("walk terraform %q: %w", p, walkErr))
		}
		sort.Strings(found)
		for _, f := range found {
			if !seen[f] {
				seen[f] = true
				files = append(files, f)
			}
		}
	}
	return files, errs
}

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

func parseFile(file, rel string) (*hclsyntax.Body, []byte, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, nil, fmt.Errorf("read terraform file %q: %w", rel, err)
	}
	if info.Size() > maxFileSize {
		return nil, nil, fmt.Errorf("read terraform file %q: file is %d bytes, larger than the %d-byte limit", rel, info.Size(), maxFileSize)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("read terraform file %q: %w", rel, err)
	}
	body, err := parseBytes(rel, src)
	return body, src, err
}

func parseBytes(rel string, src []byte) (*hclsyntax.Body, error) {
	f, diags := hclsyntax.ParseConfig(src, rel, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diagnosticsError(diags)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("parse terraform file %q: unexpected body type %T", rel, f.Body)
	}
	return body, nil
}

// diagnosticsError formats every error diagnostic as file:line:col.
func diagnosticsError(diags hcl.Diagnostics) error {
	var errs *multierror.Error
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		where := "unknown position"
		if d.Subject != nil {
			where = fmt.Sprintf("%s:%d:%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		errs = multierror.Append(errs, fmt.Errorf("%s: invalid HCL: %s", where, msg))
	}
	return errs.ErrorOrNil()
}

func (m *Module) addBody(rel string, body *hclsyntax.Body) {
	for _, b := range body.Blocks {
		switch {
		case b.Type == "resource" && len(b.Labels) == 2:
			m.Resources = append(m.Resources, &Resource{Type: b.Labels[0], Name: b.Labels[1], Path: rel, Block: b})
		case b.Type == "data" && len(b.Labels) == 2:
			m.Data = append(m.Data, &Resource{Type: b.Labels[0], Name: b.Labels[1], Path: rel, Block: b})
		case b.Type == "variable" && len(b.Labels) == 1:
			m.variables = append(m.variables, b)
		case b.Type == "locals":
			m.locals = append(m.locals, sortedAttributes(b.Body)...)
		}
	}
}
