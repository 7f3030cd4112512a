package hipaa

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRouteScan feeds arbitrary source text through the lexer, the
// function index and both route scanners; none may panic.
func FuzzRouteScan(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join("testdata", "express", "src", "server.js")); err == nil {
		f.Add(string(data))
	}
	f.Add("const r = [{ method: 'GET', path: `/a/${x}`, handler: (c) => audit(c) }];")
	f.Add("app.get('/x', (req, res) => { /* ` */ }); function f(){ return `${ {a: '}'} }` }")
	f.Add("app.get(")
	f.Add("@Controller('a') class A { @Get() @UseGuards(G( x() m() {} @Post(':id') async n( {} }")
	f.Add("@Controller(")
	f.Add("r.route('/a').get(x, y).post(\n).put(")
	f.Add("{ handler: , path: '")
	f.Fuzz(func(t *testing.T, text string) {
		src := newSource("f.ts", text)
		if len(src.code) != len(text) {
			t.Fatalf("blanked code has %d bytes, text has %d", len(src.code), len(text))
		}
		funcs := functions{}
		funcs.add(src)
		opts := &Options{}
		opts.fillDefaults(t.TempDir())
		rs := &routeScanner{src: src, opts: opts, funcs: funcs, audits: newAuditChecker(funcs, opts.AuditFunctions)}
		rs.expressRoutes()
		rs.tableRoutes()
		rs.nestRoutes(true)
	})
}
