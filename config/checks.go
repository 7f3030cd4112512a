package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/compliance/phi"
	"gopkg.in/yaml.v3"
)

// fileChecker is implemented by structs with keys that name files beside
// the policy file. The decoder calls checkFiles only when the policy came
// from a file (Load), with that file's directory, and reports each error
// at the position of the key's value.
type fileChecker interface {
	// checkFiles returns the problems keyed by YAML key.
	checkFiles(dir string) map[string]error
}

// checkFiles checks that phi.allowlist exists and parses as an allowlist,
// and that phi.baseline parses if it exists. A missing baseline is fine:
// `ci phi --baseline-write` creates it.
func (p *PHI) checkFiles(dir string) map[string]error {
	errs := map[string]error{}
	if p.Allowlist != "" {
		if err := checkPolicyFile(dir, p.Allowlist, true, "a PHI allowlist", func(path string) error {
			_, err := phi.LoadAllowlist(path)
			return err
		}); err != nil {
			errs["allowlist"] = err
		}
	}
	if p.Baseline != "" {
		if err := checkPolicyFile(dir, p.Baseline, false, "a PHI baseline", func(path string) error {
			_, err := phi.LoadBaseline(path)
			return err
		}); err != nil {
			errs["baseline"] = err
		}
	}
	return errs
}

// checkPolicyFile resolves name against dir and loads it with load. A
// missing file is an error only when required; the error then suggests a
// file of dir with a similar name.
func checkPolicyFile(dir, name string, required bool, kind string, load func(string) error) error {
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, filepath.FromSlash(name))
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if !required {
			return nil
		}
		if near := nearFile(filepath.Dir(path), filepath.Base(path)); near != "" {
			suggestion := filepath.ToSlash(filepath.Join(filepath.Dir(filepath.FromSlash(name)), near))
			return fmt.Errorf("file %q not found; did you mean %q?", name, suggestion)
		}
		return fmt.Errorf("file %q not found in %s", name, filepath.ToSlash(filepath.Dir(path)))
	case err != nil:
		return fmt.Errorf("file %q: %w", name, err)
	case info.IsDir():
		return fmt.Errorf("%q is a directory; name %s file", name, kind)
	}
	if err := load(path); err != nil {
		return fmt.Errorf("file %q is not %s: %w", name, kind, err)
	}
	return nil
}

// nearFile returns the entry of dir whose name is closest to base, or "".
func nearFile(dir, base string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return closest(base, names)
}

// checkFilesAt runs a struct's file checks and records each problem at the
// value of its key in the mapping n.
func (d *decoder) checkFilesAt(fc fileChecker, n *yaml.Node, path string) {
	errs := fc.checkFiles(d.dir)
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		d.fail(valueOf(n, k), join(path, k), "%v", errs[k])
	}
}

// valueOf returns the value node of key in the mapping n, or n itself when
// the key is not written in the file.
func valueOf(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return n
}

// envNamePattern is the shape of a POSIX-style environment variable name.
var envNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// secretPatterns match well-known token formats. A policy key that names
// an environment variable must never hold one of these.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}`),
	regexp.MustCompile(`^github_pat_[A-Za-z0-9_]{20,}`),
	regexp.MustCompile(`^glpat-[A-Za-z0-9_-]{16,}`),
	regexp.MustCompile(`^xox[abpr]-[A-Za-z0-9-]{10,}`),
	regexp.MustCompile(`^[sr]k_(live|test)_[A-Za-z0-9]{16,}`),
	regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`),
	regexp.MustCompile(`^sq[pua]_[A-Za-z0-9]{20,}`),
	regexp.MustCompile(`^npm_[A-Za-z0-9]{30,}`),
	regexp.MustCompile(`^glc_[A-Za-z0-9+/=_-]{20,}`),
}

// looksLikeSecret reports whether v has the shape of a credential rather
// than of a variable name: a known token prefix, or a long string that
// mixes lower case, upper case and digits with no word structure.
func looksLikeSecret(v string) bool {
	for _, p := range secretPatterns {
		if p.MatchString(v) {
			return true
		}
	}
	if len(v) < 24 {
		return false
	}
	var lower, upper, digit int
	for _, r := range v {
		switch {
		case r >= 'a' && r <= 'z':
			lower++
		case r >= 'A' && r <= 'Z':
			upper++
		case r >= '0' && r <= '9':
			digit++
		}
	}
	// Variable names are upper case words with few digits (SNYK_TOKEN,
	// SONAR_TOKEN_2); random tokens mix all three classes throughout.
	if lower == 0 || upper == 0 || digit < 3 {
		return false
	}
	return strings.Count(v, "_") <= len(v)/12
}

// maskSecret keeps the first four characters of a value that may be a
// secret and hides the rest, so that an error never repeats it.
func maskSecret(v string) string {
	r := []rune(v)
	if len(r) <= 4 {
		return "***"
	}
	return string(r[:4]) + "***"
}

// checkEnvName checks a value meant to name an environment variable.
func checkEnvName(v string) error {
	if v == "" {
		return errors.New("invalid environment variable name: empty")
	}
	if looksLikeSecret(v) {
		return fmt.Errorf("value %q looks like the secret itself, not the name of a variable: remove it from the policy, rotate it, and name the environment variable that holds it, such as SNYK_TOKEN or REGISTRY_PASSWORD", maskSecret(v))
	}
	if !envNamePattern.MatchString(v) {
		shown := v
		if len(v) >= 20 {
			// A long value that is no name may be a token of an unknown
			// format: do not repeat it.
			shown = maskSecret(v)
		}
		return fmt.Errorf("invalid environment variable name %q: use letters, digits and _ and start with a letter or _, such as REGISTRY_PASSWORD", shown)
	}
	return nil
}

// redactURL replaces the password of a URL's userinfo with "***", so that
// an error about the URL does not print it. Text that does not parse as a
// URL gets the same treatment for a "user:password@" after "://".
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			return strings.Replace(s, u.User.String()+"@", u.User.Username()+":***@", 1)
		}
		return s
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	user := rest[:at]
	if name, _, hasPass := strings.Cut(user, ":"); hasPass {
		return scheme + "://" + name + ":***@" + rest[at+1:]
	}
	return s
}
