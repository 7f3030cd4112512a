package hipaa

import (
	"fmt"
	"strings"
	"testing"
)

// generatedService returns TypeScript source of about size bytes with
// handler functions, helper calls and a route table, for benchmarks.
func generatedService(size int) string {
	var b strings.Builder
	var table strings.Builder
	table.WriteString("export const routes: Route[] = [\n")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "/** GET /fhir/Patient/%d */\nexport async function handler%d(ctx: RequestContext): Promise<Reply> {\n", i, i)
		fmt.Fprintf(&b, "  const id = requireId(ctx.params['id'], 'patient id');\n  if (id === '') {\n    throw HttpError.of(400, 'invalid', `bad id ${id}`);\n  }\n")
		if i%2 == 0 {
			b.WriteString("  await audit(ctx.deps.auditStore, ctx.deps.now, { requestId: ctx.requestId, action: 'read' });\n")
		} else {
			fmt.Fprintf(&b, "  await helper%d(ctx);\n", i)
			fmt.Fprintf(&b, "}\n\nasync function helper%d(ctx: RequestContext): Promise<void> {\n  await audit(ctx.deps.auditStore, ctx.deps.now, {});\n", i)
		}
		b.WriteString("  return { status: 200, body: {} };\n}\n\n")
		fmt.Fprintf(&table, "  { method: 'GET', path: '/fhir/Patient/%d', permission: 'patient:read', handler: handler%d },\n", i, i)
	}
	table.WriteString("];\n")
	return b.String() + table.String()
}

func BenchmarkRouteScan(b *testing.B) {
	for _, size := range []int{64 << 10, 512 << 10} {
		text := generatedService(size)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			opts := &Options{}
			opts.fillDefaults(b.TempDir())
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				src := newSource("gen.ts", text)
				funcs := functions{}
				funcs.add(src)
				rs := &routeScanner{src: src, opts: opts, funcs: funcs, audits: newAuditChecker(funcs, opts.AuditFunctions)}
				if routes := rs.tableRoutes(); len(routes) == 0 {
					b.Fatal("no routes found")
				}
			}
		})
	}
}

// BenchmarkRouteScanUnbalanced measures inputs whose brackets never
// close, which cost quadratic time before brackets were matched in one
// pass.
func BenchmarkRouteScanUnbalanced(b *testing.B) {
	inputs := map[string]string{
		"unclosed-controllers": strings.Repeat("@Controller(", 20000),
		"unclosed-calls":       strings.Repeat("  foo(\n", 20000),
	}
	for name, text := range inputs {
		b.Run(name, func(b *testing.B) {
			opts := &Options{}
			opts.fillDefaults(b.TempDir())
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				src := newSource("gen.ts", text)
				funcs := functions{}
				funcs.add(src)
				rs := &routeScanner{src: src, opts: opts, funcs: funcs, audits: newAuditChecker(funcs, opts.AuditFunctions)}
				rs.expressRoutes()
				rs.tableRoutes()
				rs.nestRoutes(false)
			}
		})
	}
}
