package config

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// GateBase holds the settings that every gate has.
type GateBase struct {
	// Enabled switches the gate on; a disabled gate gets no verdict.
	Enabled bool `yaml:"enabled"`
	// Mode is blocking or advisory: only a blocking failure stops the run.
	Mode Mode `yaml:"mode"`
}

// PercentGate is a gate whose threshold is a percentage from 0 to 100.
type PercentGate struct {
	GateBase  `yaml:",inline"`
	Threshold float64 `yaml:"threshold" min:"0" max:"100" unit:"%"`
}

// CountGate is a gate whose threshold is the number of findings allowed.
type CountGate struct {
	GateBase  `yaml:",inline"`
	Threshold int `yaml:"threshold" min:"0" unit:"findings"`
}

// CheckGate is a yes/no gate: it passes when its check holds.
type CheckGate struct {
	GateBase `yaml:",inline"`
}

// GlobThreshold overrides a coverage threshold for files matching Glob.
type GlobThreshold struct {
	Glob      Glob    `yaml:"glob"`
	Threshold float64 `yaml:"threshold" min:"0" max:"100" unit:"%"`
}

func (g *GlobThreshold) check() error {
	if g.Glob == "" {
		return fmt.Errorf("missing key \"glob\": each override needs a glob and a threshold")
	}
	return nil
}

// PHICoverageGate is line coverage of PHI-handling modules, per glob.
type PHICoverageGate struct {
	PercentGate `yaml:",inline"`
	// Paths selects the PHI-handling files; each glob is measured on its own.
	Paths []Glob `yaml:"paths"`
	// Overrides sets a different threshold for some globs.
	Overrides []GlobThreshold `yaml:"overrides"`
}

// MutationGate is the Stryker mutation score of critical modules.
type MutationGate struct {
	PercentGate `yaml:",inline"`
	// Paths selects the critical modules; empty means every mutated file.
	Paths []Glob `yaml:"paths"`
}

// SeverityGate counts findings at or above a minimum severity.
type SeverityGate struct {
	CountGate `yaml:",inline"`
	Severity  Severity `yaml:"severity"`
}

// LicenseGate counts SBOM components whose licence is denied, or not
// allowed when Allow is set. Entries are SPDX identifiers.
type LicenseGate struct {
	CountGate `yaml:",inline"`
	Deny      []SPDXID `yaml:"deny"`
	Allow     []SPDXID `yaml:"allow"`
}

func (g *LicenseGate) check() error {
	for _, id := range g.Deny {
		if slices.Contains(g.Allow, id) {
			return fmt.Errorf("licence %q is both in deny and in allow", id)
		}
	}
	return nil
}

// PathCountGate counts findings in files matching Paths.
type PathCountGate struct {
	CountGate `yaml:",inline"`
	Paths     []Glob `yaml:"paths"`
}

// FHIRGate is the share of FHIR resources that validate. A resource that
// fails validation under one of the Paths globs fails the gate whatever
// the share.
type FHIRGate struct {
	PercentGate `yaml:",inline"`
	Paths       []Glob `yaml:"paths"`
}

// MillisecondsGate is an upper limit in milliseconds.
type MillisecondsGate struct {
	GateBase  `yaml:",inline"`
	Threshold float64 `yaml:"threshold" min:">0" unit:"ms"`
}

// RateGate is a lower limit in requests per second.
type RateGate struct {
	GateBase  `yaml:",inline"`
	Threshold float64 `yaml:"threshold" min:">0" unit:"requests/s"`
}

// Gates holds one entry per gate, in the order reports show them.
type Gates struct {
	CoverageLine               PercentGate      `yaml:"coverage-line"`
	CoverageBranch             PercentGate      `yaml:"coverage-branch"`
	CoveragePHIModules         PHICoverageGate  `yaml:"coverage-phi-modules"`
	UnitTests                  CountGate        `yaml:"unit-tests"`
	MutationScore              MutationGate     `yaml:"mutation-score"`
	APITests                   CountGate        `yaml:"api-tests"`
	Migrations                 CheckGate        `yaml:"migrations"`
	E2ETests                   CountGate        `yaml:"e2e-tests"`
	Accessibility              SeverityGate     `yaml:"accessibility"`
	ESLintErrors               CountGate        `yaml:"eslint-errors"`
	TypeCoverage               PercentGate      `yaml:"type-coverage"`
	TypeScriptStrict           CheckGate        `yaml:"typescript-strict"`
	TypeScriptErrors           CountGate        `yaml:"typescript-errors"`
	Formatting                 CountGate        `yaml:"formatting"`
	GoLintErrors               CountGate        `yaml:"go-lint-errors"`
	SonarQubeQualityGate       CheckGate        `yaml:"sonarqube-quality-gate"`
	Secrets                    CountGate        `yaml:"secrets"`
	CriticalVulnerabilities    SeverityGate     `yaml:"critical-vulnerabilities"`
	SASTFindings               SeverityGate     `yaml:"sast-findings"`
	DASTFindings               SeverityGate     `yaml:"dast-findings"`
	Licenses                   LicenseGate      `yaml:"licenses"`
	HIPAACritical              CountGate        `yaml:"hipaa-critical"`
	PHIExposure                CountGate        `yaml:"phi-exposure"`
	AuditTrail                 PercentGate      `yaml:"audit-trail"`
	PHIEncrypted               CheckGate        `yaml:"phi-encrypted"`
	RBACEnforced               CheckGate        `yaml:"rbac-enforced"`
	PHIMasked                  CheckGate        `yaml:"phi-masked"`
	FHIRConformance            FHIRGate         `yaml:"fhir-conformance"`
	InfrastructureCritical     SeverityGate     `yaml:"infrastructure-critical"`
	PSSRestricted              PathCountGate    `yaml:"pss-restricted"`
	KubernetesSchema           CountGate        `yaml:"kubernetes-schema"`
	KubernetesPolicy           SeverityGate     `yaml:"kubernetes-policy"`
	TerraformLint              SeverityGate     `yaml:"terraform-lint"`
	TerraformMisconfigurations SeverityGate     `yaml:"terraform-misconfigurations"`
	TerraformDrift             CountGate        `yaml:"terraform-drift"`
	ImageNonRoot               CheckGate        `yaml:"image-non-root"`
	ImageMinimal               CountGate        `yaml:"image-minimal"`
	ImagePolicy                CountGate        `yaml:"image-policy"`
	ImageSigned                CheckGate        `yaml:"image-signed"`
	LighthousePerformance      PercentGate      `yaml:"lighthouse-performance"`
	LighthouseAccessibility    PercentGate      `yaml:"lighthouse-accessibility"`
	ResponseTime               MillisecondsGate `yaml:"response-time"`
	Availability               PercentGate      `yaml:"availability"`
	ErrorRate                  PercentGate      `yaml:"error-rate"`
	Throughput                 RateGate         `yaml:"throughput"`
}

// GateSetting is the common view of one gate entry.
type GateSetting struct {
	Name    string
	Enabled bool
	Mode    Mode
	// Threshold is the gate's number; HasThreshold is false for check gates.
	Threshold    float64
	HasThreshold bool
	// Unit is the threshold's unit from the policy schema ("%", "ms").
	Unit string
}

// GateNames lists every gate key in display order.
func GateNames() []string {
	var names []string
	for _, f := range fieldsOf(reflect.TypeFor[Gates]()) {
		names = append(names, f.key)
	}
	return names
}

// Setting returns the common settings of the gate with the given key.
func (g *Gates) Setting(name string) (GateSetting, bool) {
	v := reflect.ValueOf(g).Elem()
	for _, f := range fieldsOf(v.Type()) {
		if f.key != name {
			continue
		}
		entry := v.FieldByIndex(f.index)
		s := GateSetting{Name: name}
		for _, inner := range fieldsOf(entry.Type()) {
			field := entry.FieldByIndex(inner.index)
			switch inner.key {
			case "enabled":
				s.Enabled = field.Bool()
			case "mode":
				s.Mode = Mode(field.String())
			case "threshold":
				s.HasThreshold = true
				s.Unit = inner.bounds.unit
				if field.Kind() == reflect.Int {
					s.Threshold = float64(field.Int())
				} else {
					s.Threshold = field.Float()
				}
			}
		}
		return s, true
	}
	return GateSetting{}, false
}

// EnabledGates lists the settings of every enabled gate in display order.
func (g *Gates) EnabledGates() []GateSetting {
	var out []GateSetting
	for _, name := range GateNames() {
		if s, _ := g.Setting(name); s.Enabled {
			out = append(out, s)
		}
	}
	return out
}

func defaultGates() Gates {
	on := func(m Mode) GateBase { return GateBase{Enabled: true, Mode: m} }
	pct := func(t float64) PercentGate { return PercentGate{GateBase: on(Blocking), Threshold: t} }
	zero := func() CountGate { return CountGate{GateBase: on(Blocking)} }
	advisoryZero := func() CountGate { return CountGate{GateBase: on(Advisory)} }
	check := func() CheckGate { return CheckGate{GateBase: on(Blocking)} }
	return Gates{
		CoverageLine:   pct(85),
		CoverageBranch: pct(80),
		CoveragePHIModules: PHICoverageGate{
			PercentGate: pct(95),
			Paths:       []Glob{"**/phi/**", "**/patient*/**"},
		},
		UnitTests:        zero(),
		MutationScore:    MutationGate{PercentGate: pct(80)},
		ESLintErrors:     zero(),
		TypeCoverage:     PercentGate{GateBase: on(Advisory), Threshold: 90},
		TypeScriptStrict: CheckGate{GateBase: on(Advisory)},
		TypeScriptErrors: zero(),
		Formatting:       advisoryZero(),
		GoLintErrors:     advisoryZero(),
		// The quality gate is evaluated only when the sonarqube step is
		// configured, so blocking applies only to teams that use it.
		SonarQubeQualityGate: check(),
		APITests:             zero(),
		Migrations:           check(),
		E2ETests:             zero(),
		// Serious and critical axe violations; "medium" adds moderate ones.
		Accessibility: SeverityGate{CountGate: advisoryZero(), Severity: "high"},
		Secrets:       zero(),
		CriticalVulnerabilities: SeverityGate{
			CountGate: zero(),
			Severity:  "critical",
		},
		SASTFindings: SeverityGate{CountGate: zero(), Severity: "high"},
		DASTFindings: SeverityGate{CountGate: zero(), Severity: "high"},
		Licenses: LicenseGate{
			CountGate: zero(),
			Deny:      []SPDXID{"AGPL-1.0-only", "AGPL-1.0-or-later", "AGPL-3.0-only", "AGPL-3.0-or-later", "SSPL-1.0"},
		},
		HIPAACritical:   zero(),
		PHIExposure:     zero(),
		AuditTrail:      pct(100),
		PHIEncrypted:    check(),
		RBACEnforced:    check(),
		PHIMasked:       check(),
		FHIRConformance: FHIRGate{PercentGate: pct(95)},
		InfrastructureCritical: SeverityGate{
			CountGate: zero(),
			Severity:  "critical",
		},
		PSSRestricted: PathCountGate{
			CountGate: zero(),
			Paths:     []Glob{"**/prod/**", "**/production/**"},
		},
		KubernetesSchema: zero(),
		KubernetesPolicy: SeverityGate{CountGate: zero(), Severity: "high"},
		// TFLint warnings and errors; notices are left out.
		TerraformLint:              SeverityGate{CountGate: advisoryZero(), Severity: "medium"},
		TerraformMisconfigurations: SeverityGate{CountGate: zero(), Severity: "high"},
		TerraformDrift:             advisoryZero(),
		ImageNonRoot:               check(),
		ImageMinimal:               advisoryZero(),
		ImagePolicy:                zero(),
		// Evaluated only when the sign or verify step runs, which needs a
		// published image and a cosign key.
		ImageSigned:             check(),
		LighthousePerformance:   pct(90),
		LighthouseAccessibility: pct(95),
		ResponseTime:            MillisecondsGate{GateBase: on(Blocking), Threshold: 2000},
		Availability:            pct(99.9),
		ErrorRate:               pct(0.1),
		Throughput:              RateGate{GateBase: on(Blocking), Threshold: 1000},
	}
}

// SPDXID is an SPDX licence identifier such as "MIT" or "AGPL-3.0-only".
type SPDXID string

func (id *SPDXID) decodeNode(n *yaml.Node) error {
	if n.ShortTag() != "!!str" {
		return fmt.Errorf("expected an SPDX licence identifier such as \"MIT\", found %s", describe(n))
	}
	valid := n.Value != "" && !strings.HasPrefix(n.Value, "-")
	for _, r := range n.Value {
		if !(r == '-' || r == '.' || r == '+' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')) {
			valid = false
		}
	}
	if !valid {
		return fmt.Errorf("invalid SPDX licence identifier %q: use the identifier from the SPDX licence list, such as \"Apache-2.0\"", n.Value)
	}
	*id = SPDXID(n.Value)
	return nil
}

func (*SPDXID) expected() string { return "an SPDX licence identifier" }
