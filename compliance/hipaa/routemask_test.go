package hipaa

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMaskRoutePath(t *testing.T) {
	tests := []struct{ path, want string }{
		{"/fhir/Patient/536-22-4321/vandermolen", "/fhir/Patient/***-**-****/***********"},
		{"/fhir/Patient/:id/$everything", "/fhir/Patient/:id/$everything"},
		{"/fhir/Patient/export", "/fhir/Patient/export"},
		{"/api/v2/reports/2025", "/api/v2/reports/2025"},
		{"/patients/7845120/notes/:noteId/history", "/patients/*******/*****/:noteId/history"},
		{"/users/jane.doe@example.org", "/users/****.***@*******.***"},
		{"/fhir/Patient/1957031/_history/2", "/fhir/Patient/*******/_history/*"},
		{"/", "/"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			assert.Equal(t, tt.want, maskRoutePath(tt.path))
		})
	}
}

func TestRouteFindingsMaskIdentifiers(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(root, "src"), 0o755))
	src := `export const routes = [
  { method: 'GET', path: '/fhir/Patient/536-22-4321/vandermolen', permission: 'public', handler: readPatient },
];
app.get('/patients/7845120', readPatient);
`
	require.NoError(t, os.WriteFile(filepath.Join(root, "src", "handlers.ts"), []byte(src), 0o644))
	report, err := Evaluate(context.Background(), root, Options{}, Inputs{})
	require.NoError(t, err)
	require.NotEmpty(t, report.Findings)

	data, err := json.Marshal(report)
	require.NoError(t, err)
	for _, value := range []string{"536-22-4321", "4321", "vandermolen", "7845120"} {
		assert.NotContains(t, string(data), value, "the report prints a route identifier")
	}
	assert.Contains(t, string(data), "/fhir/Patient/***-**-****/***********")
}
