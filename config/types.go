package config

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"gopkg.in/yaml.v3"
)

// Mode is whether a failing gate blocks the run ("blocking") or only
// warns ("advisory").
type Mode string

// Gate modes.
const (
	Blocking Mode = "blocking"
	Advisory Mode = "advisory"
)

func (m *Mode) decodeNode(n *yaml.Node) error {
	s, err := enumValue(n, "blocking", "advisory")
	*m = Mode(s)
	return err
}

func (*Mode) expected() string { return "blocking or advisory" }

// Severity is a minimum finding severity: info, low, medium, high or critical.
type Severity string

var severities = []string{"info", "low", "medium", "high", "critical"}

func (s *Severity) decodeNode(n *yaml.Node) error {
	v, err := enumValue(n, severities...)
	*s = Severity(v)
	return err
}

func (*Severity) expected() string { return "one of " + strings.Join(severities, ", ") }

// BindingStrictness is how a FHIR validation failure of an extensible
// binding is reported: "warning" or "error".
type BindingStrictness string

func (b *BindingStrictness) decodeNode(n *yaml.Node) error {
	v, err := enumValue(n, "warning", "error")
	*b = BindingStrictness(v)
	return err
}

func (*BindingStrictness) expected() string { return "warning or error" }

// Browser is a Playwright browser project: chromium, firefox or webkit.
type Browser string

func (b *Browser) decodeNode(n *yaml.Node) error {
	v, err := enumValue(n, "chromium", "firefox", "webkit")
	*b = Browser(v)
	return err
}

func (*Browser) expected() string { return "chromium, firefox or webkit" }

func enumValue(n *yaml.Node, allowed ...string) (string, error) {
	if n.ShortTag() != "!!str" {
		return "", fmt.Errorf("expected one of %s, found %s", strings.Join(allowed, ", "), describe(n))
	}
	if !slices.Contains(allowed, n.Value) {
		if s := closest(n.Value, allowed); s != "" {
			return "", fmt.Errorf("invalid value %q; did you mean %q?", n.Value, s)
		}
		return "", fmt.Errorf("invalid value %q: expected one of %s", n.Value, strings.Join(allowed, ", "))
	}
	return n.Value, nil
}

// Version is the policy file format version. Only 1 exists.
type Version int

// CurrentVersion is the only policy format this package reads.
const CurrentVersion Version = 1

func (v *Version) decodeNode(n *yaml.Node) error {
	if n.ShortTag() != "!!int" {
		return fmt.Errorf("expected the integer 1, found %s", describe(n))
	}
	if n.Value != "1" {
		return fmt.Errorf("unsupported version %s: this hmsci reads version 1", n.Value)
	}
	*v = CurrentVersion
	return nil
}

func (*Version) expected() string { return "the integer 1" }

// Duration is a non-negative time.Duration written as a Go duration
// string such as "30s" or "1h30m". Zero means "no limit of its own".
type Duration time.Duration

func (d *Duration) decodeNode(n *yaml.Node) error {
	if n.ShortTag() != "!!str" {
		return fmt.Errorf("expected a duration such as \"30s\" or \"10m\", found %s", describe(n))
	}
	parsed, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("invalid duration %q: use a number with a unit such as \"90s\" or \"15m\"", n.Value)
	}
	if parsed < 0 {
		return fmt.Errorf("invalid duration %q: must not be negative", n.Value)
	}
	*d = Duration(parsed)
	return nil
}

func (*Duration) expected() string { return "a duration such as \"30s\"" }

// MarshalYAML writes the duration as a string such as "30s".
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// String formats the duration like time.Duration.
func (d Duration) String() string { return time.Duration(d).String() }

// ByteSize is a size in bytes, written as an integer or as a number with a
// unit: B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024).
type ByteSize int64

var byteUnits = []struct {
	suffix string
	factor float64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1},
}

func (s *ByteSize) decodeNode(n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!int":
		v, err := strconv.ParseInt(n.Value, 0, 64)
		if err != nil || v < 1 {
			return fmt.Errorf("invalid size %s: must be a positive number of bytes", n.Value)
		}
		*s = ByteSize(v)
		return nil
	case "!!str":
		text := strings.TrimSpace(n.Value)
		for _, u := range byteUnits {
			number, ok := strings.CutSuffix(text, u.suffix)
			if !ok {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(number), 64)
			bytes := f * u.factor
			if err != nil || math.IsNaN(f) || bytes < 1 || bytes > math.MaxInt64/2 {
				break
			}
			*s = ByteSize(bytes)
			return nil
		}
		return fmt.Errorf("invalid size %q: use bytes or a unit such as \"512KiB\" or \"2MiB\"", n.Value)
	}
	return fmt.Errorf("expected a size such as \"2MiB\", found %s", describe(n))
}

func (*ByteSize) expected() string { return "a size such as \"2MiB\"" }

// MarshalYAML writes sizes that are whole KiB, MiB or GiB with that unit.
func (s ByteSize) MarshalYAML() (any, error) {
	for i := 2; i >= 0; i-- {
		factor := int64(byteUnits[i].factor)
		if int64(s) >= factor && int64(s)%factor == 0 {
			return fmt.Sprintf("%d%s", int64(s)/factor, byteUnits[i].suffix), nil
		}
	}
	return int64(s), nil
}

// Glob is a slash-separated doublestar pattern matched against paths
// relative to the repository root, such as "src/**/phi/**".
type Glob string

func (g *Glob) decodeNode(n *yaml.Node) error {
	if n.ShortTag() != "!!str" {
		return fmt.Errorf("expected a glob pattern such as \"src/**/*.ts\", found %s", describe(n))
	}
	if err := validateGlob(n.Value); err != nil {
		return err
	}
	*g = Glob(n.Value)
	return nil
}

func (*Glob) expected() string { return "a glob pattern" }

func validateGlob(pattern string) error {
	switch {
	case pattern == "":
		return fmt.Errorf("invalid glob: empty pattern")
	case strings.Contains(pattern, `\`):
		return fmt.Errorf("invalid glob %q: use forward slashes", pattern)
	case !doublestar.ValidatePattern(pattern):
		return fmt.Errorf("invalid glob %q: unbalanced [ ] or { }, or a bad escape", pattern)
	}
	return nil
}

// Match reports whether the slash-separated path matches the glob. A
// leading "./" on either side is ignored.
func (g Glob) Match(path string) bool {
	ok, err := doublestar.Match(strings.TrimPrefix(string(g), "./"), strings.TrimPrefix(path, "./"))
	return err == nil && ok
}

// StepName is the name of a pipeline step, such as "eslint" or "trivy-fs".
type StepName string

func (s *StepName) decodeNode(n *yaml.Node) error {
	v, err := enumValue(n, StepNames()...)
	*s = StepName(v)
	return err
}

func (*StepName) expected() string { return "a step name" }

// EnvName is the name of an environment variable that holds a secret. The
// policy names the variable; the secret itself never appears in the file.
type EnvName string

func (e *EnvName) decodeNode(n *yaml.Node) error {
	if n.ShortTag() != "!!str" {
		return fmt.Errorf("expected an environment variable name such as SNYK_TOKEN, found %s", describeMasked(n))
	}
	if err := checkEnvName(n.Value); err != nil {
		return err
	}
	*e = EnvName(n.Value)
	return nil
}

// describeMasked describes a node like describe, without repeating a
// scalar that may be a secret.
func describeMasked(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!null" && n.ShortTag() != "!!bool" {
		return fmt.Sprintf("the value %q", maskSecret(n.Value))
	}
	return describe(n)
}

func (*EnvName) expected() string { return "an environment variable name" }

// URL is an http or https URL. The empty string means the setting's
// default.
type URL string

func (u *URL) decodeNode(n *yaml.Node) error {
	if n.ShortTag() != "!!str" {
		return fmt.Errorf("expected an http(s) URL, found %s", describe(n))
	}
	if n.Value == "" {
		*u = ""
		return nil
	}
	if !strings.HasPrefix(n.Value, "http://") && !strings.HasPrefix(n.Value, "https://") || len(n.Value) < len("http://x") {
		return fmt.Errorf("invalid URL %q: must start with http:// or https://", redactURL(n.Value))
	}
	if strings.ContainsAny(n.Value, " \t\r\n") {
		return fmt.Errorf("invalid URL %q: contains white space", redactURL(n.Value))
	}
	*u = URL(n.Value)
	return nil
}

func (*URL) expected() string { return "an http(s) URL" }
