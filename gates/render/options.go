package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hms-enterprise/hmsci/internal/redact"
)

// Options places the renderings in the repository that was checked.
// The zero value renders paths relative to Result.Source.
type Options struct {
	// SourcePrefix is the slash-separated path of Result.Source relative
	// to the repository root, such as "examples/hms-app", or empty when
	// the source is the repository root. GitHub code scanning resolves a
	// relative SARIF artifact URI against the repository root, so SARIF
	// prefixes each relative finding path with it. The summary and the
	// dashboard show it in place of an absolute source path.
	SourcePrefix string
	// RepoRoot is the absolute path of the repository root. SARIF writes
	// an absolute finding path under it as a relative URI, so a report
	// that named files by absolute path is placed too. Empty leaves
	// absolute paths as file URIs.
	RepoRoot string
}

// DetectOptions returns the Options for a source directory inside a git
// work tree. RepoRoot is the nearest directory at or above source that
// has a ".git" entry, which is a directory or, in a linked work tree or
// submodule, a file. SourcePrefix is the path of source below it. Without
// a git work tree above source it returns the zero Options and no error.
func DetectOptions(source string) (Options, error) {
	abs, err := filepath.Abs(source)
	if err != nil {
		return Options{}, fmt.Errorf("resolve source directory %q: %w", source, err)
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	for dir := abs; ; {
		_, err := os.Lstat(filepath.Join(dir, ".git"))
		switch {
		case err == nil:
			rel, err := filepath.Rel(dir, abs)
			if err != nil {
				return Options{}, fmt.Errorf("source directory %q relative to repository root %q: %w", source, dir, err)
			}
			prefix := filepath.ToSlash(rel)
			if prefix == "." {
				prefix = ""
			}
			return Options{SourcePrefix: prefix, RepoRoot: dir}, nil
		case !errors.Is(err, fs.ErrNotExist):
			return Options{}, fmt.Errorf("look for the repository root of %q: %w", source, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return Options{}, nil
		}
		dir = parent
	}
}

// masked returns the options with PHI identifiers masked in both paths,
// so that they print like the masked result and compare with its paths.
func (o Options) masked() Options {
	o.SourcePrefix = redact.Path(o.SourcePrefix)
	o.RepoRoot = redact.Path(o.RepoRoot)
	return o
}

// repoPath returns a slash-separated path relative to the repository root
// for a finding path, and whether it is relative. A relative path gets
// SourcePrefix; an absolute path under RepoRoot is made relative.
func (o Options) repoPath(p string) (string, bool) {
	if strings.HasPrefix(p, "file://") {
		p = strings.TrimPrefix(p, "file://")
	}
	if !strings.HasPrefix(p, "/") {
		p = strings.TrimPrefix(p, "./")
		if o.SourcePrefix != "" {
			p = path.Join(o.SourcePrefix, p)
		}
		return p, true
	}
	if o.RepoRoot != "" {
		root := strings.TrimSuffix(filepath.ToSlash(o.RepoRoot), "/")
		if rel, ok := strings.CutPrefix(p, root+"/"); ok {
			return path.Clean(rel), true
		}
	}
	return p, false
}

// sourceLabel returns how the summary and dashboard name the source: its
// path in the repository when known, else the last element of an
// absolute path, because a runner's home directory is noise in a
// published summary.
func (o Options) sourceLabel(source string) string {
	switch {
	case o.SourcePrefix != "":
		return o.SourcePrefix
	case filepath.IsAbs(source):
		return filepath.Base(source)
	}
	return source
}
