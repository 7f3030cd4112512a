package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseInfrastructureAndHIPAAKnobs(t *testing.T) {
	cfg, err := Parse("hmsci.yaml", []byte(`version: 1
infrastructure:
  kubernetes:
    default-namespace: hms
    disabled-rules: [kube/pss-privileged]
  terraform:
    min-backup-retention-days: 14
    disabled-rules: [tf/rds-force-ssl]
hipaa:
  source-paths: [src]
  audit-functions: [writeAudit]
  public-paths: ["/status"]
`))
	require.NoError(t, err)
	assert.Equal(t, "hms", cfg.Infrastructure.Kubernetes.DefaultNamespace)
	assert.Equal(t, []string{"kube/pss-privileged"}, cfg.Infrastructure.Kubernetes.DisabledRules)
	assert.Equal(t, 14, cfg.Infrastructure.Terraform.MinBackupRetentionDays)
	assert.Equal(t, []string{"writeAudit"}, cfg.HIPAA.AuditFunctions)
	assert.Equal(t, []Glob{"/status"}, cfg.HIPAA.PublicPaths)
}

func TestDefaultBackupRetention(t *testing.T) {
	assert.Equal(t, 7, Default().Infrastructure.Terraform.MinBackupRetentionDays)
}

func TestUnknownDisabledRuleSuggestsClosest(t *testing.T) {
	_, err := Parse("hmsci.yaml", []byte("infrastructure:\n  kubernetes:\n    disabled-rules: [kube/pss-privilged]\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "hmsci.yaml:3:")
	assert.Contains(t, err.Error(), `unknown rule "kube/pss-privilged"`)
	assert.Contains(t, err.Error(), `did you mean "kube/pss-privileged"?`)
}

func TestBackupRetentionOutOfRange(t *testing.T) {
	_, err := Parse("hmsci.yaml", []byte("infrastructure:\n  terraform:\n    min-backup-retention-days: 0\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "min-backup-retention-days")
}
