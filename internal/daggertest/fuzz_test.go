package daggertest

import "testing"

func FuzzSelectionPath(f *testing.F) {
	for _, seed := range []string{
		`query Query {container{from(address:"a"){id}}}`,
		`query Query {directory{withNewFile(path:"a", contents:"}{)(\""){id}}}`,
		`{`, `}`, `query {a(`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		path, err := SelectionPath(query)
		if err == nil && len(path) == 0 {
			t.Fatalf("no error and no path for %q", query)
		}
	})
}
