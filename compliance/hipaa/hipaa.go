// Package hipaa maps infrastructure and source-code checks to HIPAA
// Security Rule safeguards and measures the HIPAA gates: phi-encrypted,
// rbac-enforced, audit-trail and phi-masked.
package hipaa

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
	"github.com/hms-enterprise/hmsci/infra/kube"
	"github.com/hms-enterprise/hmsci/infra/terraform"
)

// Tool is the Finding.Tool value of the findings this package reports.
const Tool = policy.ToolHIPAA

// Options configures Evaluate. Empty fields take the defaults listed on
// each field, which fit Express-style and route-table Node.js services.
type Options struct {
	// SourcePaths are the directories or files, relative to the root,
	// scanned for route registrations. Default: "src" when it exists,
	// else the root.
	SourcePaths []string
	// Exclude are doublestar globs, relative to the root, of files left
	// out of the route scan. Default: DefaultExclude.
	Exclude []string
	// AuditFunctions name the functions that write an audit record.
	// Default: audit, auditLog, recordAudit.
	AuditFunctions []string
	// AuthMiddleware name the middleware functions that authorize an
	// Express route. Default: DefaultAuthMiddleware.
	AuthMiddleware []string
	// AuthFields name the route-object fields that carry a route's
	// authorization requirement. Default: permission, permissions, roles,
	// role, scopes, auth.
	AuthFields []string
	// PublicValues are the authorization field values that declare a
	// route public. Default: public, anonymous, none.
	PublicValues []string
	// GuardDecorators name the NestJS decorators that authorize a
	// controller or route. Default: DefaultGuardDecorators.
	GuardDecorators []string
	// PublicDecorators name the NestJS decorators that declare a route
	// public. Default: Public, AllowAnonymous, SkipAuth.
	PublicDecorators []string
	// PublicPaths are doublestar globs of URL paths that may be public.
	// Default: health, readiness and liveness endpoints.
	PublicPaths []string
	// PatientDataPaths are doublestar globs of URL paths that read or
	// write patient data; they are matched without regard to case.
	// Default: DefaultPatientDataPaths.
	PatientDataPaths []string
	// KubePaths and TerraformPaths are the manifests and Terraform files
	// or directories, relative to the root. Default: the first of the
	// conventional locations (deploy/k8s, k8s, ...) that exist.
	KubePaths      []string
	TerraformPaths []string
	// Kube and Terraform configure those checks.
	Kube      kube.Options
	Terraform terraform.Options
}

// Defaults of Options.
var (
	DefaultAuditFunctions   = []string{"audit", "auditLog", "recordAudit"}
	DefaultAuthMiddleware   = []string{"authorize", "authenticate", "requireAuth", "requireRole", "requirePermission", "requireScope", "checkPermission", "ensureAuthenticated", "isAuthenticated", "passport"}
	DefaultAuthFields       = []string{"permission", "permissions", "roles", "role", "scopes", "auth"}
	DefaultPublicValues     = []string{"public", "anonymous", "none"}
	DefaultGuardDecorators  = []string{"UseGuards", "Roles", "Permissions", "RequirePermissions", "Auth", "Authorize", "Scopes"}
	DefaultPublicDecorators = []string{"Public", "AllowAnonymous", "SkipAuth"}
	DefaultPublicPaths      = []string{"/healthz", "/readyz", "/livez", "/health", "/ready", "/ping", "/metrics"}
	DefaultPatientDataPaths = []string{"/fhir/**", "**/patient*", "**/patient*/**", "**/observation*", "**/observation*/**", "**/encounter*", "**/encounter*/**", "**/medication*", "**/medication*/**"}
	DefaultExclude          = []string{"**/node_modules/**", "**/dist/**", "**/build/**", "**/coverage/**", "**/*.test.*", "**/*.spec.*", "**/__tests__/**", "**/*.d.ts", "**/*.min.js"}
	defaultKubePaths        = []string{"deploy/k8s", "deploy/kubernetes", "k8s", "kubernetes", "manifests"}
	defaultTerraformPaths   = []string{"deploy/terraform", "terraform", "infra/terraform"}
)

// sourceExtensions are the file name endings scanned for routes.
var sourceExtensions = []string{".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs"}

func (o *Options) fillDefaults(root string) {
	fill := func(field *[]string, def []string) {
		if len(*field) == 0 {
			*field = def
		}
	}
	fill(&o.AuditFunctions, DefaultAuditFunctions)
	fill(&o.AuthMiddleware, DefaultAuthMiddleware)
	fill(&o.AuthFields, DefaultAuthFields)
	fill(&o.PublicValues, DefaultPublicValues)
	fill(&o.GuardDecorators, DefaultGuardDecorators)
	fill(&o.PublicDecorators, DefaultPublicDecorators)
	fill(&o.PublicPaths, DefaultPublicPaths)
	fill(&o.PatientDataPaths, DefaultPatientDataPaths)
	fill(&o.Exclude, DefaultExclude)

	if len(o.SourcePaths) == 0 {
		o.SourcePaths = []string{"."}
		if info, err := os.Stat(filepath.Join(root, "src")); err == nil && info.IsDir() {
			o.SourcePaths = []string{"src"}
		}
	}

	existing := func(candidates []string) []string {
		for _, c := range candidates {
			if _, err := os.Stat(filepath.Join(root, c)); err == nil {
				return []string{c}
			}
		}
		return nil
	}
	if len(o.KubePaths) == 0 {
		o.KubePaths = existing(defaultKubePaths)
	}
	if len(o.TerraformPaths) == 0 {
		o.TerraformPaths = existing(defaultTerraformPaths)
	}
}

func (o *Options) validate() error {
	for _, group := range [][]string{o.Exclude, o.PublicPaths, o.PatientDataPaths} {
		for _, glob := range group {
			if !doublestar.ValidatePattern(glob) {
				return fmt.Errorf("invalid glob %q in hipaa options", glob)
			}
		}
	}
	return nil
}

// Inputs are results of other analyzers that the HIPAA gates read.
type Inputs struct {
	// PHILogExposures is the number of unsuppressed phi/log-exposure
	// findings of the PHI scanner. Nil means the scanner did not run, and
	// phi-masked is then not evaluated.
	PHILogExposures *int
}

// Status is the state of one safeguard row.
type Status string

// Safeguard statuses.
const (
	StatusMet          Status = "met"
	StatusNotMet       Status = "not-met"
	StatusNotEvaluated Status = "not-evaluated"
)

// SafeguardRow is one HIPAA Security Rule safeguard with what was found.
type SafeguardRow struct {
	// ID is the CFR citation, such as "164.312(b)".
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status Status `json:"status"`
	// Evidence lists what was checked and what failed, one fact a line.
	Evidence []string `json:"evidence"`
}

// Measurement is the value of one HIPAA gate.
type Measurement struct {
	// Gate is the policy key: phi-encrypted, rbac-enforced, audit-trail or
	// phi-masked.
	Gate      string `json:"gate"`
	Evaluated bool   `json:"evaluated"`
	// Reason explains a measurement that was not evaluated.
	Reason string `json:"reason,omitempty"`
	// OK is the yes/no result of the check gates.
	OK bool `json:"ok"`
	// Passed and Total are the counts of the ratio gate audit-trail.
	Passed int `json:"passed,omitempty"`
	Total  int `json:"total,omitempty"`
	// Detail describes what was measured or what failed, without PHI.
	Detail string `json:"detail"`
}

// Report is the outcome of Evaluate.
type Report struct {
	Safeguards   []SafeguardRow  `json:"safeguards"`
	Findings     []gates.Finding `json:"findings"`
	Measurements []Measurement   `json:"measurements"`
	Routes       []Route         `json:"routes"`
	// InfraFindings are the hmsci-kube and hmsci-terraform findings the
	// safeguards were derived from.
	InfraFindings []gates.Finding `json:"infraFindings"`
	// Notes are load problems that did not stop the evaluation, such as a
	// manifest that is not valid YAML.
	Notes []string `json:"notes,omitempty"`
}

// Evaluate scans the service under root: its routes for authorization and
// audit calls, its Kubernetes manifests and Terraform files, and combines
// them with inputs into safeguard rows, findings and gate measurements.
// Files that fail to load become notes; Evaluate returns an error only for
// invalid options or an unreadable source path.
func Evaluate(ctx context.Context, root string, opts Options, inputs Inputs) (*Report, error) {
	opts.fillDefaults(root)
	if err := opts.validate(); err != nil {
		return nil, err
	}
	report := &Report{}

	routes, skipped, err := scanRoutes(root, &opts)
	if err != nil {
		return nil, err
	}
	for _, path := range skipped {
		report.Notes = append(report.Notes, fmt.Sprintf("routes: skipped %s: larger than %d bytes, so probably generated; exclude it or split it", path, maxSourceSize))
	}
	report.Routes = routes
	report.Findings = routeFindings(routes, &opts)

	var kubeFindings, tfFindings []gates.Finding
	kubeRan, tfRan := false, false
	if len(opts.KubePaths) > 0 {
		kr, err := kube.Check(ctx, root, opts.KubePaths, opts.Kube)
		if kr == nil {
			return nil, fmt.Errorf("check kubernetes manifests: %w", err)
		}
		if err != nil {
			report.Notes = append(report.Notes, "kubernetes: "+err.Error())
		}
		kubeFindings, kubeRan = kr.Findings, kr.Objects > 0
	}
	if len(opts.TerraformPaths) > 0 {
		tr, err := terraform.Check(ctx, root, opts.TerraformPaths, opts.Terraform)
		if tr == nil {
			return nil, fmt.Errorf("check terraform: %w", err)
		}
		if err != nil {
			report.Notes = append(report.Notes, "terraform: "+err.Error())
		}
		tfFindings, tfRan = tr.Findings, tr.Resources > 0
	}
	report.InfraFindings = append(append([]gates.Finding(nil), kubeFindings...), tfFindings...)
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	ev := &evidence{
		routes: routes, routeFindings: report.Findings,
		kube: kubeFindings, kubeRan: kubeRan,
		terraform: tfFindings, terraformRan: tfRan,
		phiLogExposures: inputs.PHILogExposures,
	}
	report.Measurements = ev.measurements()
	report.Safeguards = ev.safeguards()
	return report, nil
}

// globalGuardPattern matches the registration of a NestJS guard for every
// route: { provide: APP_GUARD, useClass: ... }.
var globalGuardPattern = regexp.MustCompile(`\bprovide\s*:\s*APP_GUARD\b`)

// maxSourceSize bounds the files scanned for routes. Files past this size
// are bundles or generated code rather than route definitions, and
// skipping them keeps the scan fast.
const maxSourceSize = 1 << 20

// scanRoutes reads every source file and returns the routes found, with
// their audit and authorization facts, and the files skipped for size.
func scanRoutes(root string, opts *Options) ([]Route, []string, error) {
	var sources []*source
	var skipped []string
	for _, p := range opts.SourcePaths {
		full := filepath.Join(root, p)
		if filepath.IsAbs(p) {
			full = p
		}
		err := filepath.WalkDir(full, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel := relPath(root, path)
			if d.IsDir() {
				if d.Name() == "node_modules" || d.Name() == ".git" {
					return filepath.SkipDir
				}
				return nil
			}
			if !hasSourceExtension(path) || excluded(rel, opts.Exclude) {
				return nil
			}
			if info, err := d.Info(); err == nil && info.Size() > maxSourceSize {
				skipped = append(skipped, rel)
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return fmt.Errorf("read source %q: %w", rel, err)
			}
			sources = append(sources, newSource(rel, string(data)))
			return nil
		})
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("source path %q not found under %q: set hipaa source-paths to the service's source directory", p, root)
			}
			return nil, nil, fmt.Errorf("scan source path %q: %w", p, err)
		}
	}

	funcs := functions{}
	globalGuard := false
	for _, src := range sources {
		funcs.add(src)
		globalGuard = globalGuard || globalGuardPattern.MatchString(src.code)
	}
	audits := newAuditChecker(funcs, opts.AuditFunctions)
	var routes []Route
	for _, src := range sources {
		rs := &routeScanner{src: src, opts: opts, funcs: funcs, audits: audits}
		routes = append(routes, rs.expressRoutes()...)
		routes = append(routes, rs.tableRoutes()...)
		routes = append(routes, rs.nestRoutes(globalGuard)...)
	}
	for i := range routes {
		routes[i].PatientData = matchesAny(strings.ToLower(routes[i].Path), lowerAll(opts.PatientDataPaths))
	}
	sort.SliceStable(routes, func(i, j int) bool {
		if routes[i].File != routes[j].File {
			return routes[i].File < routes[j].File
		}
		return routes[i].Line < routes[j].Line
	})
	return routes, skipped, nil
}

func hasSourceExtension(path string) bool {
	for _, ext := range sourceExtensions {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}

func excluded(rel string, globs []string) bool {
	return matchesAny(rel, globs)
}

func matchesAny(value string, globs []string) bool {
	for _, g := range globs {
		if ok, _ := doublestar.Match(g, value); ok {
			return true
		}
	}
	return false
}

func lowerAll(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strings.ToLower(v)
	}
	return out
}

func relPath(root, file string) string {
	if rel, err := filepath.Rel(root, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(file)
}
