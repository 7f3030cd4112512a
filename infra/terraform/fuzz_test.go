package terraform

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzCheck feeds arbitrary bytes through the HCL parser and every check;
// none may panic.
func FuzzCheck(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/clean/*.tf")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("resource \"aws_security_group\" \"a\" { ingress { from_port = \"x\" to_port = 1e40 cidr_blocks = [null] protocol = -1 } }\n"))
	f.Add([]byte("locals { a = local.b\n b = local.a }\nresource \"aws_db_instance\" \"d\" { storage_encrypted = local.a }\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		body, err := parseBytes("main.tf", data)
		if err != nil {
			return
		}
		m := &Module{Dir: ".", sources: map[string][]byte{"main.tf": data}}
		m.addBody("main.tf", body)
		m.buildEvalContext()
		Evaluate(m, Options{})
	})
}
