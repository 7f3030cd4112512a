// Package terraform checks Terraform configurations for HIPAA-relevant
// settings (encryption at rest and in transit, public exposure, audit
// logging, backups) by parsing HCL in process, without the terraform binary.
package terraform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"

	"github.com/hashicorp/hcl/v2"

	"github.com/hms-enterprise/hmsci/gates"
)

// Tool is the Finding.Tool value of every finding this package reports.
const Tool = "hmsci-terraform"

// DefaultMinBackupRetentionDays is the backup retention that
// tf/rds-backup-retention requires when Options leaves it at zero.
const DefaultMinBackupRetentionDays = 7

// Options configures Check. The zero value uses the defaults.
type Options struct {
	// MinBackupRetentionDays is the shortest accepted database backup
	// retention; zero means DefaultMinBackupRetentionDays.
	MinBackupRetentionDays int
	// DisabledRules lists rule ids that are not reported.
	DisabledRules []string
}

// Report is the outcome of Check.
type Report struct {
	Findings []gates.Finding
	// Modules is the number of directories with .tf files checked.
	Modules int
	// Resources is the number of resource blocks checked.
	Resources int
}

// Check parses the Terraform files under paths (files or directories,
// relative to root) and runs every check. It returns a report for every
// file that parsed even when others fail; the error then names each
// failure as file:line:col.
func Check(ctx context.Context, root string, paths []string, opts Options) (*Report, error) {
	if opts.MinBackupRetentionDays < 0 {
		return nil, fmt.Errorf("invalid minimum backup retention %d days: must be zero (default) or positive", opts.MinBackupRetentionDays)
	}
	for _, id := range opts.DisabledRules {
		if _, ok := ruleByID[id]; !ok {
			return nil, fmt.Errorf("unknown terraform rule id %q in disabled rules", id)
		}
	}
	modules, loadErr := Load(root, paths)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	report := &Report{Modules: len(modules)}
	for _, m := range modules {
		report.Resources += len(m.Resources)
		report.Findings = append(report.Findings, Evaluate(m, opts)...)
	}
	disabled := slices.Contains(opts.DisabledRules, ruleCloudTrail.ID)
	for _, first := range missingTrail(modules, disabled) {
		c := &checker{module: &Module{}}
		c.reportWith(ruleCloudTrail, gates.SeverityLow, first, hcl.Range{}, "this AWS stack defines no aws_cloudtrail; unless an organization trail records the account's API calls, add a multi-region trail with log file validation.")
		report.Findings = append(report.Findings, c.findings...)
	}
	sort.SliceStable(report.Findings, func(i, j int) bool {
		a, b := report.Findings[i], report.Findings[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.RuleID < b.RuleID
	})
	return report, loadErr
}

// Evaluate runs every check on one module.
func Evaluate(m *Module, opts Options) []gates.Finding {
	if opts.MinBackupRetentionDays == 0 {
		opts.MinBackupRetentionDays = DefaultMinBackupRetentionDays
	}
	c := &checker{module: m, opts: opts, disabled: map[string]bool{}}
	for _, id := range opts.DisabledRules {
		c.disabled[id] = true
	}
	c.checkAWS()
	c.checkAzure()
	c.checkGoogle()
	return c.findings
}

type checker struct {
	module   *Module
	opts     Options
	disabled map[string]bool
	findings []gates.Finding
}

// report records a finding about res at rng; a zero rng points at the
// resource block.
func (c *checker) report(r *Rule, res *Resource, rng hcl.Range, message string) {
	c.reportWith(r, r.Severity, res, rng, message)
}

func (c *checker) reportWith(r *Rule, severity gates.Severity, res *Resource, rng hcl.Range, message string) {
	if c.disabled[r.ID] {
		return
	}
	line, column := res.Line(), res.Block.TypeRange.Start.Column
	if rng.Start.Line > 0 {
		line, column = rng.Start.Line, rng.Start.Column
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%s|%s|%s", r.ID, res.Path, res.Address(), message))
	c.findings = append(c.findings, gates.Finding{
		Tool:        Tool,
		RuleID:      r.ID,
		Severity:    severity,
		Message:     res.Address() + ": " + message,
		Path:        res.Path,
		Line:        line,
		Column:      column,
		Fingerprint: hex.EncodeToString(sum[:16]),
		Properties: map[string]any{
			"category":       r.Category,
			"hipaaSafeguard": r.Safeguard(),
			"resource":       res.Address(),
		},
	})
}

// resources returns the module's resources of the given types.
func (c *checker) resources(types ...string) []*Resource {
	var out []*Resource
	for _, r := range c.module.Resources {
		for _, t := range types {
			if r.Type == t {
				out = append(out, r)
				break
			}
		}
	}
	return out
}
