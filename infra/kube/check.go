// Package kube checks Kubernetes manifests for the Pod Security Standards,
// default-deny network policies, least-privilege RBAC and workload hygiene,
// in process and without a cluster.
package kube

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/hms-enterprise/hmsci/gates"
)

// Tool is the Finding.Tool value of every finding this package reports.
const Tool = "hmsci-kube"

// HIPAA Security Rule safeguards (45 CFR Part 164) that findings map to.
const (
	SafeguardAccessControl = "164.312(a)(1) access control"
	SafeguardIntegrity     = "164.312(c)(1) integrity"
	SafeguardTransmission  = "164.312(e)(1) transmission security"
	SafeguardContingency   = "164.308(a)(7) contingency plan"
)

// Options configures Check. The zero value checks every object with the
// default severities.
type Options struct {
	// ProductionPaths are doublestar globs, relative to the root, of
	// manifests deployed to production. A Pod Security Standards finding in
	// a matching file is raised to critical, which blocks by default.
	ProductionPaths []string
	// DefaultNamespace is the namespace of objects without
	// metadata.namespace. Empty means "default".
	DefaultNamespace string
	// DisabledRules lists rule ids that are not reported.
	DisabledRules []string
}

// Report is the outcome of Check.
type Report struct {
	Findings []gates.Finding
	// Objects is the number of Kubernetes objects checked.
	Objects int
	// Files is the number of files read.
	Files   int
	Skipped []Skipped
}

// Check loads the manifests under paths (files or directories, relative to
// root) and runs every check on them. It returns a report for all readable
// files even when some fail to load. The error then lists those files with
// file, line and document index.
func Check(ctx context.Context, root string, paths []string, opts Options) (*Report, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	manifests, loadErr := Load(root, paths)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	report := &Report{
		Findings: Evaluate(manifests.Objects, opts),
		Objects:  len(manifests.Objects),
		Files:    manifests.Files,
		Skipped:  manifests.Skipped,
	}
	return report, loadErr
}

func (o Options) validate() error {
	for _, glob := range o.ProductionPaths {
		if !doublestar.ValidatePattern(glob) {
			return fmt.Errorf("invalid production path glob %q", glob)
		}
	}
	for _, id := range o.DisabledRules {
		if _, ok := ruleByID[id]; !ok {
			return fmt.Errorf("unknown kube rule id %q in disabled rules", id)
		}
	}
	return nil
}

func (o Options) defaultNamespace() string {
	if o.DefaultNamespace == "" {
		return "default"
	}
	return o.DefaultNamespace
}

// Evaluate runs every check on already loaded objects and returns the
// findings sorted by path, line and rule.
func Evaluate(objects []*Object, opts Options) []gates.Finding {
	c := &checker{opts: opts, disabled: map[string]bool{}}
	for _, id := range opts.DisabledRules {
		c.disabled[id] = true
	}
	idx := indexObjects(objects, opts.defaultNamespace())
	for _, o := range objects {
		if pod, ok := podOf(o); ok {
			c.checkPodSecurity(pod)
			c.checkContainers(pod)
			c.checkServiceAccountToken(pod, idx)
		}
		c.checkRBAC(o, idx)
	}
	c.checkNetworkPolicies(objects, idx)

	sort.SliceStable(c.findings, func(i, j int) bool {
		a, b := c.findings[i], c.findings[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.RuleID < b.RuleID
	})
	return c.findings
}

type checker struct {
	opts     Options
	disabled map[string]bool
	findings []gates.Finding
}

// report records one finding about obj. at is the field the finding is
// about; container is empty for pod- or object-level findings.
func (c *checker) report(r *Rule, obj *Object, at field, container, message string) {
	c.reportWith(r, r.Severity, obj, at, container, message)
}

// reportWith is report with a severity other than the rule's default.
func (c *checker) reportWith(r *Rule, severity gates.Severity, obj *Object, at field, container, message string) {
	if c.disabled[r.ID] {
		return
	}
	blocking := false
	if r.Profile != "" && c.inProduction(obj.Path) {
		severity = gates.SeverityCritical
		blocking = true
	}

	props := map[string]any{
		"control":        r.Control,
		"hipaaSafeguard": r.Safeguard,
		"object":         obj.Ref(),
		"document":       obj.Document,
	}
	if r.Profile != "" {
		props["podSecurityProfile"] = r.Profile
	}
	if at.path != "" {
		props["fieldPath"] = at.path
	}
	if container != "" {
		props["container"] = container
	}
	if obj.Namespace != "" {
		props["namespace"] = obj.Namespace
	}
	if blocking {
		props["production"] = true
	}

	line := at.line
	if line == 0 {
		line = obj.Line
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "%s|%s|%s|%s|%s|%s", r.ID, obj.Path, obj.Kind, obj.Name, container, at.path))
	c.findings = append(c.findings, gates.Finding{
		Tool:        Tool,
		RuleID:      r.ID,
		Severity:    severity,
		Message:     message,
		Path:        obj.Path,
		Line:        line,
		Fingerprint: hex.EncodeToString(sum[:16]),
		Properties:  props,
	})
}

func (c *checker) inProduction(path string) bool {
	for _, glob := range c.opts.ProductionPaths {
		if ok, _ := doublestar.Match(glob, path); ok {
			return true
		}
	}
	return false
}

// subject returns the message prefix naming the object and container.
func subject(obj *Object, container string) string {
	if container == "" {
		return obj.Ref()
	}
	return fmt.Sprintf("%s %s", obj.Ref(), container)
}
