package terraform

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
)

func copyClean(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	entries, err := os.ReadDir("testdata/clean")
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/clean", e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.MkdirAll(filepath.Join(root, "stack"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(root, "stack", e.Name()), data, 0o644))
	}
	return root
}

func lineOf(t *testing.T, content, marker string) int {
	t.Helper()
	before, _, ok := strings.Cut(content, marker)
	require.True(t, ok, "marker %q not found", marker)
	return strings.Count(before, "\n") + 1
}

func summary(findings []gates.Finding) []string {
	out := make([]string, 0, len(findings))
	for _, f := range findings {
		out = append(out, fmt.Sprintf("%s:%d %s", f.Path, f.Line, f.RuleID))
	}
	sort.Strings(out)
	return out
}

func TestCheckCleanStack(t *testing.T) {
	report, err := Check(context.Background(), "testdata", []string{"clean"}, Options{})
	require.NoError(t, err)
	assert.Empty(t, summary(report.Findings))
	assert.Equal(t, 1, report.Modules)
	assert.Equal(t, 18, report.Resources)
}

func TestCheckPlantedFaults(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		old, new string
		// marker is text on the line the finding must point at.
		marker   string
		want     string
		severity gates.Severity
	}{
		{
			name: "unencrypted database", file: "main.tf",
			old: "storage_encrypted               = var.db_encrypted", new: "storage_encrypted               = false",
			marker: "storage_encrypted", want: "tf/rds-storage-encrypted", severity: gates.SeverityHigh,
		},
		{
			name: "encryption variable default false", file: "variables.tf",
			old: "type    = bool\n  default = true", new: "type    = bool\n  default = false",
			marker: "storage_encrypted", want: "tf/rds-storage-encrypted", severity: gates.SeverityHigh,
		},
		{
			name: "encryption not set", file: "main.tf",
			old: "  storage_encrypted               = var.db_encrypted\n  kms_key_id                      = aws_kms_key.phi.arn\n", new: "",
			marker: `resource "aws_db_instance" "patients"`, want: "tf/rds-storage-encrypted", severity: gates.SeverityHigh,
		},
		{
			name: "no customer key", file: "main.tf",
			old: "  kms_key_id                      = aws_kms_key.phi.arn\n  publicly", new: "  publicly",
			marker: `resource "aws_db_instance" "patients"`, want: "tf/rds-kms-key", severity: gates.SeverityLow,
		},
		{
			name: "public database", file: "main.tf",
			old: "publicly_accessible             = false", new: "publicly_accessible             = true",
			marker: "publicly_accessible", want: "tf/rds-public", severity: gates.SeverityCritical,
		},
		{
			name: "force ssl parameter missing", file: "main.tf",
			old: "  parameter {\n    name  = \"rds.force_ssl\"\n    value = \"1\"\n  }\n", new: "",
			marker: `resource "aws_db_parameter_group" "pg"`, want: "tf/rds-force-ssl", severity: gates.SeverityHigh,
		},
		{
			name: "force ssl off", file: "main.tf",
			old: `value = "1"`, new: `value = "0"`,
			marker: `value = "0"`, want: "tf/rds-force-ssl", severity: gates.SeverityHigh,
		},
		{
			name: "force ssl kept on other engine version", file: "main.tf",
			old: `engine_version                  = "16.3"`, new: `engine_version                  = "13.7"`,
			marker: `name  = "rds.force_ssl"`, want: "", severity: gates.SeverityNone,
		},
		{
			name: "default parameter group", file: "main.tf",
			old: "  parameter_group_name            = aws_db_parameter_group.pg.name\n", new: "",
			marker: `resource "aws_db_instance" "patients"`, want: "tf/rds-force-ssl", severity: gates.SeverityHigh,
		},
		{
			name: "aws default parameter group", file: "main.tf",
			old: "parameter_group_name            = aws_db_parameter_group.pg.name", new: "parameter_group_name            = \"default.postgres16\"",
			marker: "parameter_group_name", want: "tf/rds-force-ssl", severity: gates.SeverityHigh,
		},
		{
			name: "no log exports", file: "main.tf",
			old: `enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]`, new: `enabled_cloudwatch_logs_exports = []`,
			marker: "enabled_cloudwatch_logs_exports", want: "tf/rds-log-exports", severity: gates.SeverityMedium,
		},
		{
			name: "short backups", file: "variables.tf",
			old: "default = 14", new: "default = 3",
			marker: "backup_retention_period", want: "tf/rds-backup-retention", severity: gates.SeverityMedium,
		},
		{
			name: "database port open", file: "main.tf",
			old: "    security_groups = [aws_security_group.app.id]\n", new: "    cidr_blocks     = [\"10.0.0.0/8\", \"0.0.0.0/0\"]\n",
			marker: "  ingress {\n    from_port       = 5432", want: "tf/sg-db-port-open", severity: gates.SeverityCritical,
		},
		{
			name: "all protocols open", file: "main.tf",
			old: "    from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"", new: "    from_port   = 0\n    to_port     = 0\n    protocol    = \"-1\"",
			marker: "  ingress {\n    from_port   = 0", want: "tf/sg-db-port-open", severity: gates.SeverityCritical,
		},
		{
			name: "unencrypted volume", file: "main.tf",
			old: "encrypted         = true", new: "encrypted         = false",
			marker: "encrypted         = false", want: "tf/ebs-encrypted", severity: gates.SeverityHigh,
		},
		{
			name: "trail not logging", file: "main.tf",
			old: "  is_multi_region_trail      = true\n", new: "  enable_logging             = false\n",
			marker: "enable_logging", want: "tf/cloudtrail", severity: gates.SeverityHigh,
		},
		{
			name: "public bucket acl", file: "storage.tf",
			old: "bucket = local.bucket_name\n", new: "bucket = local.bucket_name\n  acl    = \"public-read\"\n",
			marker: "acl    =", want: "tf/s3-public-acl", severity: gates.SeverityCritical,
		},
		{
			name: "public access block incomplete", file: "storage.tf",
			old: "  ignore_public_acls      = true\n  restrict_public_buckets = true\n}\n\nresource \"aws_s3_bucket_policy\" \"phi\"", new: "  ignore_public_acls      = false\n  restrict_public_buckets = true\n}\n\nresource \"aws_s3_bucket_policy\" \"phi\"",
			marker: `resource "aws_s3_bucket_public_access_block" "phi"`, want: "tf/s3-public-access-block", severity: gates.SeverityHigh,
		},
		{
			name: "bucket without encryption", file: "storage.tf",
			old: "bucket = aws_s3_bucket.phi.id\n\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = \"aws:kms\"", new: "bucket = aws_s3_bucket.logs.id\n\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm     = \"aws:kms\"",
			marker: `resource "aws_s3_bucket" "phi"`, want: "tf/s3-encryption", severity: gates.SeverityMedium,
		},
		{
			name: "bucket policy allows http", file: "storage.tf",
			old: `Effect    = "Deny"`, new: `Effect    = "Allow"`,
			marker: `resource "aws_s3_bucket_policy" "phi"`, want: "tf/s3-secure-transport", severity: gates.SeverityHigh,
		},
		{
			name: "bucket without logging", file: "storage.tf",
			old: "bucket        = aws_s3_bucket.phi.id\n  target_bucket", new: "bucket        = \"elsewhere\"\n  target_bucket",
			marker: `resource "aws_s3_bucket" "phi"`, want: "tf/s3-access-logging", severity: gates.SeverityMedium,
		},
		{
			name: "plain http listener", file: "network.tf",
			old: "    type = \"redirect\"", new: "    type = \"fixed-response\"",
			marker: `protocol          = "HTTP"`, want: "tf/lb-listener-http", severity: gates.SeverityHigh,
		},
		{
			name: "old tls policy", file: "network.tf",
			old: "ELBSecurityPolicy-TLS13-1-2-2021-06", new: "ELBSecurityPolicy-2016-08",
			marker: "ssl_policy", want: "tf/lb-tls-policy", severity: gates.SeverityMedium,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := copyClean(t)
			path := filepath.Join(root, "stack", tt.file)
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			require.Contains(t, string(data), tt.old)
			content := strings.Replace(string(data), tt.old, tt.new, 1)
			require.NoError(t, os.WriteFile(path, []byte(content), 0o644))

			report, err := Check(context.Background(), root, []string{"stack"}, Options{})
			require.NoError(t, err)
			if tt.want == "" {
				assert.Empty(t, summary(report.Findings))
				return
			}
			require.Len(t, report.Findings, 1, summary(report.Findings))
			f := report.Findings[0]
			assert.Equal(t, tt.want, f.RuleID)
			assert.Equal(t, tt.severity, f.Severity)

			// The marker may sit in another file of the stack.
			markerFile := tt.file
			markerContent := content
			if !strings.Contains(content, tt.marker) {
				for _, name := range []string{"main.tf", "storage.tf", "network.tf", "variables.tf"} {
					other, err := os.ReadFile(filepath.Join(root, "stack", name))
					require.NoError(t, err)
					if strings.Contains(string(other), tt.marker) {
						markerFile, markerContent = name, string(other)
						break
					}
				}
			}
			assert.Equal(t, "stack/"+markerFile, f.Path)
			assert.Equal(t, lineOf(t, markerContent, tt.marker), f.Line)
			assert.NotEmpty(t, f.Properties["hipaaSafeguard"])
			assert.Equal(t, ruleByID[f.RuleID].Category, f.Properties["category"])
			assert.Equal(t, Tool, f.Tool)
		})
	}
}

func TestMalformedFileKeepsOthers(t *testing.T) {
	root := copyClean(t)
	bad := "resource \"aws_db_instance\" \"broken\" {\n  engine = \"postgres\"\n  storage_encrypted = \n}\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "stack", "broken.tf"), []byte(bad), 0o644))
	other := "resource \"aws_ebs_volume\" \"v\" {\n  availability_zone = \"a\"\n  encrypted = false\n}\n"
	require.NoError(t, os.MkdirAll(filepath.Join(root, "other"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(root, "other", "main.tf"), []byte(other), 0o644))

	report, err := Check(context.Background(), root, []string{"."}, Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "stack/broken.tf:3:")
	assert.Contains(t, err.Error(), "invalid HCL")
	require.NotNil(t, report)
	assert.Equal(t, []string{"other/main.tf:3 tf/ebs-encrypted"}, summary(report.Findings))
}

func TestAzureAndGoogleChecks(t *testing.T) {
	tests := []struct {
		name string
		tf   string
		want []string
	}{
		{
			name: "azure storage plain http and old tls",
			tf:   "resource \"azurerm_storage_account\" \"s\" {\n  min_tls_version = \"TLS1_0\"\n  https_traffic_only_enabled = false\n  allow_nested_items_to_be_public = true\n}\n",
			want: []string{"main.tf:2 tf/azure-storage-tls", "main.tf:3 tf/azure-storage-tls", "main.tf:4 tf/azure-storage-public"},
		},
		{
			name: "azure storage compliant",
			tf:   "resource \"azurerm_storage_account\" \"s\" {\n  min_tls_version = \"TLS1_2\"\n  allow_nested_items_to_be_public = false\n}\n",
		},
		{
			name: "azure postgres without ssl",
			tf:   "resource \"azurerm_postgresql_server\" \"db\" {\n  ssl_enforcement_enabled = false\n  ssl_minimal_tls_version_enforced = \"TLS1_1\"\n}\n",
			want: []string{"main.tf:2 tf/azure-db-ssl", "main.tf:3 tf/azure-db-ssl"},
		},
		{
			name: "azure sql old tls",
			tf:   "resource \"azurerm_mssql_server\" \"db\" {\n  minimum_tls_version = \"1.0\"\n}\n",
			want: []string{"main.tf:2 tf/azure-db-ssl"},
		},
		{
			name: "cloud sql open without ssl",
			tf:   "resource \"google_sql_database_instance\" \"db\" {\n  settings {\n    ip_configuration {\n      authorized_networks {\n        value = \"0.0.0.0/0\"\n      }\n    }\n  }\n}\n",
			want: []string{"main.tf:1 tf/gcp-sql-ssl", "main.tf:5 tf/gcp-sql-public"},
		},
		{
			name: "cloud sql encrypted only",
			tf:   "resource \"google_sql_database_instance\" \"db\" {\n  settings {\n    ip_configuration {\n      ssl_mode = \"ENCRYPTED_ONLY\"\n    }\n  }\n}\n",
		},
		{
			name: "public gcs bucket",
			tf:   "resource \"google_storage_bucket_iam_binding\" \"b\" {\n  bucket = \"phi\"\n  role = \"roles/storage.objectViewer\"\n  members = [\"group:team@example.org\", \"allUsers\"]\n}\n",
			want: []string{"main.tf:1 tf/gcp-bucket-public"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(root, "main.tf"), []byte(tt.tf), 0o644))
			report, err := Check(context.Background(), root, []string{"main.tf"}, Options{})
			require.NoError(t, err)
			got := summary(report.Findings)
			if len(tt.want) == 0 {
				assert.Empty(t, got)
			} else {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

func TestBucketPolicyForms(t *testing.T) {
	bucket := "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n}\n"
	tests := []struct {
		name   string
		policy string
		denies bool
	}{
		{
			name:   "heredoc deny",
			policy: "resource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = aws_s3_bucket.b.id\n  policy = <<JSON\n{\"Statement\": [{\"Effect\": \"Deny\", \"Resource\": \"${aws_s3_bucket.b.arn}/*\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}]}\nJSON\n}\n",
			denies: true,
		},
		{
			name:   "heredoc allow",
			policy: "resource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = aws_s3_bucket.b.id\n  policy = <<JSON\n{\"Statement\": [{\"Effect\": \"Allow\", \"Condition\": {\"Bool\": {\"aws:SecureTransport\": \"false\"}}}]}\nJSON\n}\n",
		},
		{
			name:   "policy document allow",
			policy: "data \"aws_iam_policy_document\" \"d\" {\n  statement {\n    effect = \"Allow\"\n    condition {\n      test = \"Bool\"\n      variable = \"aws:SecureTransport\"\n      values = [\"false\"]\n    }\n  }\n}\nresource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = \"b\"\n  policy = data.aws_iam_policy_document.d.json\n}\n",
		},
		{
			name:   "jsonencode deny on other key",
			policy: "resource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = aws_s3_bucket.b.id\n  policy = jsonencode({Statement = [{Effect = \"Deny\", Condition = {Bool = {\"aws:SecureTransport\" = \"false\"}}}]})\n}\n",
			denies: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(root, "main.tf"), []byte(bucket+tt.policy), 0o644))
			report, err := Check(context.Background(), root, []string{"."}, Options{})
			require.NoError(t, err)
			found := false
			for _, f := range report.Findings {
				if f.RuleID == ruleS3SecureTrans.ID {
					found = true
					assert.Contains(t, f.Message, "aws_s3_bucket_policy.p: does not deny")
				}
			}
			assert.Equal(t, !tt.denies, found)
		})
	}
}

func TestMissingTrail(t *testing.T) {
	root := t.TempDir()
	tf := "resource \"aws_ebs_volume\" \"v\" {\n  encrypted = true\n}\n"
	require.NoError(t, os.WriteFile(filepath.Join(root, "main.tf"), []byte(tf), 0o644))

	report, err := Check(context.Background(), root, []string{"."}, Options{})
	require.NoError(t, err)
	require.Len(t, report.Findings, 1)
	assert.Equal(t, "tf/cloudtrail", report.Findings[0].RuleID)
	assert.Equal(t, gates.SeverityLow, report.Findings[0].Severity)

	report, err = Check(context.Background(), root, []string{"."}, Options{DisabledRules: []string{"tf/cloudtrail"}})
	require.NoError(t, err)
	assert.Empty(t, report.Findings)
}

func TestOptionsValidation(t *testing.T) {
	_, err := Check(context.Background(), "testdata", []string{"clean"}, Options{DisabledRules: []string{"tf/nope"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"tf/nope"`)

	_, err = Check(context.Background(), "testdata", []string{"clean"}, Options{MinBackupRetentionDays: -1})
	require.Error(t, err)

	report, err := Check(context.Background(), "testdata", []string{"clean"}, Options{MinBackupRetentionDays: 30})
	require.NoError(t, err)
	require.Len(t, report.Findings, 1)
	assert.Equal(t, "tf/rds-backup-retention", report.Findings[0].RuleID)
	assert.Contains(t, report.Findings[0].Message, "14 days, below the required 30 days")
}

func TestRulesMetadata(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		assert.False(t, seen[r.ID], r.ID)
		seen[r.ID] = true
		assert.True(t, strings.HasPrefix(r.ID, "tf/"), r.ID)
		assert.NotEmpty(t, r.Title, r.ID)
		assert.NotEmpty(t, r.Safeguard(), r.ID)
	}
}

const exampleStack = "../../examples/hms-app/deploy/terraform"

func TestExampleAppStack(t *testing.T) {
	if _, err := os.Stat(exampleStack); err != nil {
		t.Skipf("example app Terraform not present: %v", err)
	}
	report, err := Check(context.Background(), exampleStack, []string{"."}, Options{})
	require.NoError(t, err)
	assert.Positive(t, report.Resources)
	for _, f := range report.Findings {
		category := f.Properties["category"]
		assert.NotContains(t, []string{CategoryEncryption, CategoryTransit, CategoryPublic}, category,
			"the example stack is meant to encrypt PHI and stay private: %s at %s:%d", f.RuleID, f.Path, f.Line)
	}
}

func TestExampleAppUnencryptedDatabase(t *testing.T) {
	if _, err := os.Stat(exampleStack); err != nil {
		t.Skipf("example app Terraform not present: %v", err)
	}
	root := t.TempDir()
	entries, err := os.ReadDir(exampleStack)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(exampleStack, e.Name()))
		require.NoError(t, err)
		content := string(data)
		if e.Name() == "rds.tf" {
			require.Contains(t, content, "storage_encrypted     = true")
			content = strings.Replace(content, "storage_encrypted     = true", "storage_encrypted     = false", 1)
		}
		require.NoError(t, os.WriteFile(filepath.Join(root, e.Name()), []byte(content), 0o644))
	}
	rds, err := os.ReadFile(filepath.Join(root, "rds.tf"))
	require.NoError(t, err)

	report, err := Check(context.Background(), root, []string{"."}, Options{})
	require.NoError(t, err)
	var got []string
	for _, f := range report.Findings {
		if f.RuleID == ruleRDSEncrypted.ID {
			got = append(got, fmt.Sprintf("%s:%d", f.Path, f.Line))
			assert.Equal(t, SafeguardEncryption, f.Properties["hipaaSafeguard"])
		}
	}
	assert.Equal(t, []string{fmt.Sprintf("rds.tf:%d", lineOf(t, string(rds), "storage_encrypted     = false"))}, got)
}

func TestRulesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/infrastructure.md")
	require.NoError(t, err)
	for _, r := range Rules() {
		assert.Contains(t, string(doc), "`"+r.ID+"`", "docs/infrastructure.md does not list %s", r.ID)
	}
}
