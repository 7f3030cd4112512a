package hipaa

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
)

const exampleApp = "../../examples/hms-app"

func findingLocations(findings []gates.Finding) []string {
	out := make([]string, 0, len(findings))
	for _, f := range findings {
		out = append(out, fmt.Sprintf("%s:%d %s", f.Path, f.Line, f.RuleID))
	}
	sort.Strings(out)
	return out
}

func measurement(t *testing.T, r *Report, gate string) Measurement {
	t.Helper()
	m, ok := r.Measurement(gate)
	require.True(t, ok, "no measurement for %s", gate)
	return m
}

func TestExpressRoutes(t *testing.T) {
	report, err := Evaluate(context.Background(), "testdata/express", Options{}, Inputs{})
	require.NoError(t, err)

	var routes []string
	for _, r := range report.Routes {
		routes = append(routes, fmt.Sprintf("%s %s line %d auth=%q audited=%v", r.Method, r.Path, r.Line, r.Authorization, r.Audited))
	}
	assert.Equal(t, []string{
		`GET /healthz line 9 auth="" audited=false`,
		`GET /patients/:id line 11 auth="requireRole" audited=true`,
		`POST /patients line 17 auth="authorize" audited=true`,
		`GET /patients/:id/notes line 20 auth="" audited=false`,
		`GET /stats line 25 auth="admin.use(authorize)" audited=false`,
		`DELETE /observations/:id line 26 auth="admin.use(authorize)" audited=false`,
	}, routes)

	assert.Equal(t, []string{
		"src/server.js:20 hipaa/route-without-audit",
		"src/server.js:20 hipaa/route-without-authorization",
		"src/server.js:26 hipaa/route-without-audit",
	}, findingLocations(report.Findings))

	audit := measurement(t, report, policy.RatioAuditTrail)
	assert.True(t, audit.Evaluated)
	assert.Equal(t, 2, audit.Passed)
	assert.Equal(t, 4, audit.Total)
	assert.Contains(t, audit.Detail, "GET /patients/:id/notes (src/server.js:20)")

	rbac := measurement(t, report, policy.CheckRBACEnforced)
	assert.True(t, rbac.Evaluated)
	assert.False(t, rbac.OK)
	assert.Contains(t, rbac.Detail, "hipaa/route-without-authorization at src/server.js:20")

	encrypted := measurement(t, report, policy.CheckPHIEncrypted)
	assert.False(t, encrypted.Evaluated)
	assert.Contains(t, encrypted.Reason, "no Terraform resources")
}

func TestExampleAppPasses(t *testing.T) {
	if _, err := os.Stat(filepath.Join(exampleApp, "src")); err != nil {
		t.Skipf("example app not present: %v", err)
	}
	zero := 0
	report, err := Evaluate(context.Background(), exampleApp, Options{}, Inputs{PHILogExposures: &zero})
	require.NoError(t, err)

	assert.Empty(t, findingLocations(report.Findings))
	require.NotEmpty(t, report.Routes)
	for _, r := range report.Routes {
		if r.Public {
			assert.Contains(t, DefaultPublicPaths, r.Path, "public route %s", r.Path)
			continue
		}
		assert.NotEmpty(t, r.Authorization, "route %s %s", r.Method, r.Path)
	}

	audit := measurement(t, report, policy.RatioAuditTrail)
	require.True(t, audit.Evaluated, audit.Reason)
	assert.Positive(t, audit.Total)
	assert.Equal(t, audit.Total, audit.Passed, audit.Detail)

	for _, gate := range []string{policy.CheckRBACEnforced, policy.CheckPHIMasked, policy.CheckPHIEncrypted} {
		m := measurement(t, report, gate)
		assert.True(t, m.Evaluated, "%s: %s", gate, m.Reason)
		assert.True(t, m.OK, "%s: %s", gate, m.Detail)
	}

	analysis := report.Analysis("examples/hms-app")
	assert.Equal(t, policy.ToolHIPAA, analysis.Tool)
	assert.Contains(t, analysis.Ratios, policy.RatioAuditTrail)
	assert.Len(t, analysis.Checks, 3)
}

// copyTree copies the example app's source, manifests and Terraform files
// into a temporary root for fault planting.
func copyTree(t *testing.T, from string) string {
	t.Helper()
	root := t.TempDir()
	for _, dir := range []string{"src", "deploy"} {
		err := filepath.WalkDir(filepath.Join(from, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(from, path)
			if err != nil {
				return err
			}
			if d.IsDir() {
				return os.MkdirAll(filepath.Join(root, rel), 0o755)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(root, rel), data, 0o644)
		})
		require.NoError(t, err)
	}
	return root
}

func TestPlantedRouteFaults(t *testing.T) {
	if _, err := os.Stat(filepath.Join(exampleApp, "src")); err != nil {
		t.Skipf("example app not present: %v", err)
	}
	root := copyTree(t, exampleApp)
	planted := `import type { Reply, RequestContext, Route } from './http/router';

async function everything(ctx: RequestContext): Promise<Reply> {
  return { status: 200, body: await ctx.deps.patients.get(ctx.params['id'] ?? '') };
}

export const plantedRoutes: Route[] = [
  { method: 'GET', path: '/fhir/Patient/:id/$everything', permission: 'patient:read', handler: everything },
  { method: 'GET', path: '/fhir/Observation/export', handler: everything },
  { method: 'GET', path: '/fhir/Patient/export', permission: 'public', handler: everything },
];
`
	require.NoError(t, os.WriteFile(filepath.Join(root, "src", "planted.ts"), []byte(planted), 0o644))

	before, err := Evaluate(context.Background(), exampleApp, Options{}, Inputs{})
	require.NoError(t, err)
	report, err := Evaluate(context.Background(), root, Options{}, Inputs{})
	require.NoError(t, err)

	// Sorted as strings, so line 10 comes first.
	assert.Equal(t, []string{
		"src/planted.ts:10 hipaa/route-public",
		"src/planted.ts:10 hipaa/route-without-audit",
		"src/planted.ts:8 hipaa/route-without-audit",
		"src/planted.ts:9 hipaa/route-without-audit",
		"src/planted.ts:9 hipaa/route-without-authorization",
	}, findingLocations(report.Findings))

	for _, f := range report.Findings {
		assert.Equal(t, Tool, f.Tool)
		assert.Equal(t, gates.SeverityHigh, f.Severity, f.RuleID)
		assert.NotEmpty(t, f.Properties["hipaaSafeguard"])
		assert.NotContains(t, f.Message, "ctx.deps", "messages name routes, not code")
	}

	was := measurement(t, before, policy.RatioAuditTrail)
	now := measurement(t, report, policy.RatioAuditTrail)
	assert.Equal(t, was.Total+3, now.Total)
	assert.Equal(t, was.Passed, now.Passed)
	assert.False(t, now.OK)
	assert.False(t, measurement(t, report, policy.CheckRBACEnforced).OK)

	var audit SafeguardRow
	for _, row := range report.Safeguards {
		if row.ID == SafeguardAudit {
			audit = row
		}
	}
	assert.Equal(t, StatusNotMet, audit.Status)
	assert.Contains(t, strings.Join(audit.Evidence, "\n"), "hipaa/route-without-audit: 3 finding(s), first at src/planted.ts:8")
}

func TestPlantedInfraFaults(t *testing.T) {
	if _, err := os.Stat(filepath.Join(exampleApp, "deploy", "terraform")); err != nil {
		t.Skipf("example app Terraform not present: %v", err)
	}
	root := copyTree(t, exampleApp)
	unencrypted := "resource \"aws_db_instance\" \"planted\" {\n  engine = \"postgres\"\n  storage_encrypted = false\n  parameter_group_name = \"default.postgres16\"\n  enabled_cloudwatch_logs_exports = [\"postgresql\"]\n  backup_retention_period = 14\n}\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "deploy", "terraform", "planted.tf"), []byte(unencrypted), 0o644))
	wildcard := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: planted\nrules:\n  - apiGroups: [\"*\"]\n    resources: [pods]\n    verbs: [get]\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "deploy", "k8s", "planted.yaml"), []byte(wildcard), 0o644))

	report, err := Evaluate(context.Background(), root, Options{}, Inputs{})
	require.NoError(t, err)

	encrypted := measurement(t, report, policy.CheckPHIEncrypted)
	assert.True(t, encrypted.Evaluated)
	assert.False(t, encrypted.OK)
	assert.Contains(t, encrypted.Detail, "tf/rds-storage-encrypted at deploy/terraform/planted.tf:3")

	rbac := measurement(t, report, policy.CheckRBACEnforced)
	assert.False(t, rbac.OK)
	assert.Contains(t, rbac.Detail, "kube/rbac-wildcard at deploy/k8s/planted.yaml:6")

	statuses := map[string]Status{}
	for _, row := range report.Safeguards {
		statuses[row.ID] = row.Status
	}
	assert.Equal(t, StatusNotMet, statuses[SafeguardEncryption])
	assert.Equal(t, StatusNotMet, statuses[SafeguardAccessControl])
}

func TestPHIMasked(t *testing.T) {
	three := 3
	report, err := Evaluate(context.Background(), "testdata/express", Options{}, Inputs{PHILogExposures: &three})
	require.NoError(t, err)
	m := measurement(t, report, policy.CheckPHIMasked)
	assert.True(t, m.Evaluated)
	assert.False(t, m.OK)
	assert.Contains(t, m.Detail, "3 log statements")
}

func TestOptionErrors(t *testing.T) {
	_, err := Evaluate(context.Background(), "testdata/express", Options{SourcePaths: []string{"missing"}}, Inputs{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `source path "missing" not found`)

	_, err = Evaluate(context.Background(), "testdata/express", Options{PublicPaths: []string{"/[a"}}, Inputs{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"/[a"`)
}

func TestCustomAuditFunction(t *testing.T) {
	report, err := Evaluate(context.Background(), "testdata/express", Options{AuditFunctions: []string{"logAccess"}}, Inputs{})
	require.NoError(t, err)
	audit := measurement(t, report, policy.RatioAuditTrail)
	assert.Equal(t, 0, audit.Passed, "recordAudit no longer counts when the policy names only logAccess")
	assert.Equal(t, 4, audit.Total)
}

func TestBlankLiterals(t *testing.T) {
	text := "const a = '{'; // }\nconst b = `x ${f({y: 1})} }`; /* { */ g();\n"
	code := blankLiterals(text)
	assert.Len(t, code, len(text))
	assert.Equal(t, strings.Count(text, "\n"), strings.Count(code, "\n"))
	assert.NotContains(t, code, "//")
	assert.Equal(t, 2, strings.Count(code, "{"), "only the braces of the substitution remain: %q", code)
	assert.Contains(t, code, "f({y: 1})")
	assert.Contains(t, code, "g();")
}

func TestLargeSourceSkipped(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "src"), 0o755))
	big := strings.Repeat("// generated\n", maxSourceSize/13+1)
	require.NoError(t, os.WriteFile(filepath.Join(root, "src", "bundle.js"), []byte(big), 0o644))
	report, err := Evaluate(context.Background(), root, Options{}, Inputs{})
	require.NoError(t, err)
	require.Len(t, report.Notes, 1)
	assert.Contains(t, report.Notes[0], "skipped src/bundle.js")
}

func TestRouteTableShorthandHandler(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "src"), 0o755))
	code := `const handler = async (ctx: Ctx) => {
  await auditLog(ctx, 'read');
  return ctx.patients.list();
};
export const routes = [
  { method: 'GET', path: '/patients', roles: ['clinician'], handler },
  { method: 'GET', path: '/info', handler: () => ({ version: 1 }) },
];
const notARoute = { path: '/tmp/file', mode: 0o600 };
`
	require.NoError(t, os.WriteFile(filepath.Join(root, "src", "routes.ts"), []byte(code), 0o644))

	report, err := Evaluate(context.Background(), root, Options{}, Inputs{})
	require.NoError(t, err)
	require.Len(t, report.Routes, 2)
	assert.Equal(t, "handler", report.Routes[0].Handler)
	assert.True(t, report.Routes[0].Audited)
	assert.Equal(t, "roles", report.Routes[0].Authorization)
	assert.Equal(t, []string{"src/routes.ts:7 hipaa/route-without-authorization"}, findingLocations(report.Findings))
}

func TestRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/hipaa.md")
	require.NoError(t, err)
	for _, id := range []string{RuleRouteWithoutAuthorization, RuleRoutePublic, RuleRouteWithoutAudit} {
		assert.Contains(t, string(doc), "`"+id+"`", "docs/hipaa.md does not list %s", id)
	}
}

func TestUsePrefixMustMatch(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "src"), 0o755))
	code := "const api = express.Router();\napi.use('/admin', requireRole('admin'));\napi.get('/patients/:id', readPatient);\napi.get('/admin/stats', stats);\nfunction readPatient(req, res) { recordAudit(req); }\nfunction stats(req, res) {}\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "src", "api.js"), []byte(code), 0o644))

	report, err := Evaluate(context.Background(), root, Options{}, Inputs{})
	require.NoError(t, err)
	require.Len(t, report.Routes, 2)
	assert.Empty(t, report.Routes[0].Authorization, "a use() for /admin does not cover /patients")
	assert.Equal(t, "api.use(requireRole)", report.Routes[1].Authorization)
	assert.Equal(t, []string{"src/api.js:3 hipaa/route-without-authorization"}, findingLocations(report.Findings))
}

func TestRouteChains(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "src"), 0o755))
	code := `const router = express.Router();
router
  .route('/patients/:id')
  .get(authorize('patient:read'), async (req, res) => {
    await audit(req, 'read');
    res.json({});
  })
  .put(updatePatient);
function updatePatient(req, res) { res.sendStatus(204); }
`
	require.NoError(t, os.WriteFile(filepath.Join(root, "src", "router.ts"), []byte(code), 0o644))

	report, err := Evaluate(context.Background(), root, Options{}, Inputs{})
	require.NoError(t, err)
	var routes []string
	for _, r := range report.Routes {
		routes = append(routes, fmt.Sprintf("%s %s line %d auth=%q audited=%v", r.Method, r.Path, r.Line, r.Authorization, r.Audited))
	}
	assert.Equal(t, []string{
		`GET /patients/:id line 4 auth="authorize" audited=true`,
		`PUT /patients/:id line 8 auth="" audited=false`,
	}, routes)
	assert.Equal(t, []string{
		"src/router.ts:8 hipaa/route-without-audit",
		"src/router.ts:8 hipaa/route-without-authorization",
	}, findingLocations(report.Findings))
}

func TestNestControllers(t *testing.T) {
	report, err := Evaluate(context.Background(), "testdata/nest", Options{}, Inputs{})
	require.NoError(t, err)

	var routes []string
	for _, r := range report.Routes {
		routes = append(routes, fmt.Sprintf("%s %s line %d handler=%s auth=%q public=%v audited=%v", r.Method, r.Path, r.Line, r.Handler, r.Authorization, r.Public, r.Audited))
	}
	assert.Equal(t, []string{
		`GET /patients/:id line 12 handler=findOne auth="@Roles" public=false audited=true`,
		`POST /patients line 20 handler=create auth="@UseGuards on the controller" public=false audited=false`,
		`GET /patients/export/all line 26 handler=exportAll auth="" public=true audited=true`,
		`GET /fhir/healthz line 39 handler=health auth="" public=false audited=false`,
		`PUT /fhir/Observation/:id line 44 handler=update auth="" public=false audited=true`,
	}, routes)

	assert.Equal(t, []string{
		"src/patients.controller.ts:20 hipaa/route-without-audit",
		"src/patients.controller.ts:26 hipaa/route-public",
		"src/patients.controller.ts:39 hipaa/route-without-audit",
		"src/patients.controller.ts:39 hipaa/route-without-authorization",
		"src/patients.controller.ts:44 hipaa/route-without-authorization",
	}, findingLocations(report.Findings))
}

func TestNestGlobalGuard(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "src"), 0o755))
	controller, err := os.ReadFile("testdata/nest/src/patients.controller.ts")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(root, "src", "patients.controller.ts"), controller, 0o644))
	module := "@Module({ providers: [{ provide: APP_GUARD, useClass: RolesGuard }] })\nexport class AppModule {}\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "src", "app.module.ts"), []byte(module), 0o644))

	report, err := Evaluate(context.Background(), root, Options{}, Inputs{})
	require.NoError(t, err)
	for _, f := range report.Findings {
		assert.NotEqual(t, RuleRouteWithoutAuthorization, f.RuleID, "a global guard authorizes %s", f.Properties["route"])
	}
}
