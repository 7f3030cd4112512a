package daggertest

import (
	"context"
	"testing"

	"dagger.io/dagger"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSelectionPath(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  []string
	}{
		{"single", `query Query {container{id}}`, []string{"container", "id"}},
		{"arguments", `query Query {container{from(address:"node:22"){withExec(args:["sh","-c","echo {x}"]){id}}}}`,
			[]string{"container", "from", "withExec", "id"}},
		{"escaped quote", `query Query {directory{withNewFile(path:"a", contents:"say \"hi\" ) {"){id}}}`,
			[]string{"directory", "withNewFile", "id"}},
		{"alias", `query Query {a:container{id}}`, []string{"a", "id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SelectionPath(tt.query)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestSelectionPathErrors(t *testing.T) {
	for _, q := range []string{`query Query`, `query Query {}`, `query Query {a(b:"x"`, `query Query {a{b`} {
		_, err := SelectionPath(q)
		assert.Error(t, err, q)
	}
}

func TestRecorderAnswersIDs(t *testing.T) {
	ctx := context.Background()
	rec := New()
	client, err := dagger.Connect(ctx, dagger.WithConn(rec))
	require.NoError(t, err)
	defer client.Close()

	secret := client.SetSecret("api-token", "plain-value-123")
	ctr := client.Container().From("docker.io/library/alpine:3.20").
		WithMountedCache("/cache", client.CacheVolume("hmsci/test")).
		WithSecretVariable("TOKEN", secret).
		WithExec([]string{"sh", "-c", "echo {braces}"})
	id, err := ctr.ID(ctx)
	require.NoError(t, err)
	assert.Contains(t, string(id), IDPrefix)

	expanded := rec.Expand(string(id))
	assert.Contains(t, expanded, `from(address:"docker.io/library/alpine:3.20")`)
	assert.Contains(t, expanded, `cacheVolume(key:"hmsci/test")`)
	assert.Contains(t, expanded, `<secret api-token>`)
	assert.NotContains(t, expanded, "plain-value-123")
	assert.Equal(t, []string{"hmsci/test"}, rec.CacheVolumeKeys())

	plain := rec.QueriesContaining("plain-value-123")
	require.Len(t, plain, 1)
	assert.Contains(t, plain[0], "setSecret(")
}

func TestRecorderLeaves(t *testing.T) {
	ctx := context.Background()
	rec := New()
	rec.Leaves["stdout"] = "hello"
	client, err := dagger.Connect(ctx, dagger.WithConn(rec))
	require.NoError(t, err)
	defer client.Close()

	out, err := client.Container().From("alpine").WithExec([]string{"echo", "hello"}).Stdout(ctx)
	require.NoError(t, err)
	assert.Equal(t, "hello", out)
}
