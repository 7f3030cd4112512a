package steps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// StrictFamily lists the compiler options that `"strict": true` turns on,
// as of TypeScript 5.6 (useUnknownInCatchVariables since 4.4,
// strictBuiltinIteratorReturn since 5.6).
var StrictFamily = []string{
	"noImplicitAny",
	"noImplicitThis",
	"alwaysStrict",
	"strictNullChecks",
	"strictFunctionTypes",
	"strictBindCallApply",
	"strictPropertyInitialization",
	"useUnknownInCatchVariables",
	"strictBuiltinIteratorReturn",
}

// StrictOption is the effective state of one strict-family option.
type StrictOption struct {
	Name    string `json:"name"`
	Enabled bool   `json:"enabled"`
	// Origin is "explicit" when a config sets the option itself, "strict"
	// when it follows the strict flag, "default" when neither is set.
	Origin string `json:"origin"`
	// File is the config that set the value, for explicit and strict origins.
	File string `json:"file,omitempty"`
}

// StrictReport is the result of CheckTSConfig, written as
// tsconfig-strict.json.
type StrictReport struct {
	// Config is the checked file, relative to the source root.
	Config string `json:"config"`
	// Chain lists the config and every file it extends, nearest first.
	Chain   []string       `json:"chain"`
	Strict  bool           `json:"strict"`
	Options []StrictOption `json:"options"`
	// Missing names the options that are not enabled.
	Missing []string `json:"missing"`
}

// TSConfigStrict checks, in process, that the project's tsconfig enables
// every option of the strict family, following extends chains.
var TSConfigStrict = tsconfigStrictStep{spec: Spec{
	Name:        "tsconfig-strict",
	Phase:       PhaseQuality,
	Description: "tsconfig strict options",
	Command:     []string{"(in process) check tsconfig.json and its extends chain"},
	Reports:     []string{"tsconfig-strict.json"},
	Gates:       []string{"typescript-strict"},
	Native:      true,
	ToolSource:  "hmsci",
	Skip: func(d Detection, _ Options) (bool, string) {
		if d.TSConfig == "" {
			return true, "no tsconfig.json at the source root"
		}
		return false, ""
	},
}}

type tsconfigStrictStep struct{ spec Spec }

func (s tsconfigStrictStep) Spec() Spec { return s.spec }

// Run reads the tsconfig from the host directory Detection.Root and
// returns the report as a Dagger directory; no container runs.
func (s tsconfigStrictStep) Run(_ context.Context, env *Env) (*Output, error) {
	if env == nil || env.Client == nil {
		return nil, fmt.Errorf("step %s: no Dagger client in the environment", s.spec.Name)
	}
	if skip, reason := s.spec.ShouldSkip(env.Detection, env.Options); skip {
		return nil, fmt.Errorf("step %s: %w: %s", s.spec.Name, ErrNotApplicable, reason)
	}
	report, err := CheckTSConfig(env.Detection.Root, env.Detection.TSConfig)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", s.spec.Name, err)
	}
	data, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("step %s: encode report: %w", s.spec.Name, err)
	}
	reports := env.Client.Directory().WithNewFile("tsconfig-strict.json", string(data)+"\n")
	return &Output{Reports: reports}, nil
}

// maxExtendsDepth bounds extends chains; TypeScript itself has no limit,
// but real chains are a few files deep.
const maxExtendsDepth = 32

// CheckTSConfig reads root/config, follows its extends chain (relative
// paths and packages under node_modules) and reports which strict-family
// options are not enabled.
func CheckTSConfig(root, config string) (StrictReport, error) {
	report := StrictReport{Config: filepath.ToSlash(config)}

	type layer struct {
		file    string
		options map[string]any
	}
	var layers []layer
	seen := map[string]bool{}

	var load func(abs string, depth int) error
	load = func(abs string, depth int) error {
		if depth > maxExtendsDepth {
			return fmt.Errorf("%s: extends chain deeper than %d files", relTo(root, abs), maxExtendsDepth)
		}
		if seen[abs] {
			return fmt.Errorf("%s: extends cycle", relTo(root, abs))
		}
		seen[abs] = true

		cfg, err := readTSConfig(abs)
		if err != nil {
			return fmt.Errorf("%s: %w", relTo(root, abs), err)
		}
		report.Chain = append(report.Chain, relTo(root, abs))

		// Parents first, so nearer configs override them when merged.
		for _, ext := range cfg.extends {
			parent, err := resolveExtends(root, filepath.Dir(abs), ext)
			if err != nil {
				return fmt.Errorf("%s: %w", relTo(root, abs), err)
			}
			if err := load(parent, depth+1); err != nil {
				return err
			}
		}
		layers = append(layers, layer{file: relTo(root, abs), options: cfg.compilerOptions})
		return nil
	}
	if err := load(filepath.Join(root, filepath.FromSlash(config)), 0); err != nil {
		return report, err
	}

	effective := func(name string) (bool, string, bool, error) {
		for i := len(layers) - 1; i >= 0; i-- {
			if v, ok := layers[i].options[name]; ok {
				b, isBool := v.(bool)
				if !isBool {
					return false, layers[i].file, true, fmt.Errorf("%s: compilerOptions.%s is %v, expected true or false", layers[i].file, name, v)
				}
				return b, layers[i].file, true, nil
			}
		}
		return false, "", false, nil
	}

	strict, strictFile, _, err := effective("strict")
	if err != nil {
		return report, err
	}
	report.Strict = strict
	for _, name := range StrictFamily {
		value, file, set, err := effective(name)
		if err != nil {
			return report, err
		}
		opt := StrictOption{Name: name}
		switch {
		case set:
			opt.Enabled, opt.Origin, opt.File = value, "explicit", file
		case strict:
			opt.Enabled, opt.Origin, opt.File = true, "strict", strictFile
		case name == "alwaysStrict":
			// NOTE: TypeScript 6 turns alwaysStrict on by default; hmsci
			// follows TypeScript 5 here and reports it as missing.
			opt.Origin = "default"
		default:
			opt.Origin = "default"
		}
		report.Options = append(report.Options, opt)
		if !opt.Enabled {
			report.Missing = append(report.Missing, name)
		}
	}
	if report.Missing == nil {
		report.Missing = []string{}
	}
	return report, nil
}

type tsconfigFile struct {
	extends         []string
	compilerOptions map[string]any
}

func readTSConfig(abs string) (tsconfigFile, error) {
	var out tsconfigFile
	data, err := os.ReadFile(abs)
	if err != nil {
		return out, err
	}
	clean := stripJSONC(data)
	var raw struct {
		Extends         json.RawMessage `json:"extends"`
		CompilerOptions map[string]any  `json:"compilerOptions"`
	}
	if err := json.Unmarshal(clean, &raw); err != nil {
		return out, errors.New(describeJSONError(clean, err))
	}
	out.compilerOptions = raw.CompilerOptions

	if len(raw.Extends) > 0 && string(raw.Extends) != "null" {
		var single string
		var list []string
		switch {
		case json.Unmarshal(raw.Extends, &single) == nil:
			out.extends = []string{single}
		case json.Unmarshal(raw.Extends, &list) == nil:
			out.extends = list
		default:
			return out, fmt.Errorf("extends is %s, expected a string or an array of strings", raw.Extends)
		}
	}
	return out, nil
}

// resolveExtends finds the file an extends entry names: a path relative to
// the config, or a package under a node_modules directory between the
// config's directory and root.
func resolveExtends(root, dir, ext string) (string, error) {
	if ext == "" {
		return "", errors.New(`extends "" names no file`)
	}
	candidates := func(base string) []string {
		if strings.HasSuffix(base, ".json") {
			return []string{base}
		}
		return []string{base, base + ".json", filepath.Join(base, "tsconfig.json")}
	}

	if strings.HasPrefix(ext, ".") || filepath.IsAbs(ext) {
		base := ext
		if !filepath.IsAbs(base) {
			base = filepath.Join(dir, filepath.FromSlash(ext))
		}
		for _, c := range candidates(base) {
			if isFile(c) {
				return c, nil
			}
		}
		return "", fmt.Errorf("extends %q: file not found", ext)
	}

	rootAbs, _ := filepath.Abs(root)
	for current := dir; ; current = filepath.Dir(current) {
		for _, c := range candidates(filepath.Join(current, "node_modules", filepath.FromSlash(ext))) {
			if isFile(c) {
				return c, nil
			}
		}
		currentAbs, _ := filepath.Abs(current)
		if currentAbs == rootAbs || filepath.Dir(current) == current {
			break
		}
	}
	return "", fmt.Errorf("extends %q: package not found under node_modules (install dependencies before the check)", ext)
}

func isFile(p string) bool {
	info, err := os.Stat(p)
	return err == nil && !info.IsDir()
}

func relTo(root, abs string) string {
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

// stripJSONC blanks comments and trailing commas of a tsconfig (JSON with
// comments) with spaces, so byte offsets, lines and columns of errors still
// match the file.
func stripJSONC(data []byte) []byte {
	out := make([]byte, len(data))
	copy(out, data)
	blankComments(out)
	blankTrailingCommas(out)
	return out
}

func blankComments(out []byte) {
	inString := false
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			out[i], out[i+1] = ' ', ' '
			for i += 2; i < len(out) && !(out[i] == '*' && i+1 < len(out) && out[i+1] == '/'); i++ {
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
			if i+1 < len(out) {
				out[i], out[i+1] = ' ', ' '
				i++
			}
		}
	}
}

func blankTrailingCommas(out []byte) {
	inString := false
	for i := 0; i < len(out); i++ {
		c := out[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == ',':
			j := i + 1
			for j < len(out) && (out[j] == ' ' || out[j] == '\t' || out[j] == '\n' || out[j] == '\r') {
				j++
			}
			if j < len(out) && (out[j] == '}' || out[j] == ']') {
				out[i] = ' '
			}
		}
	}
}
