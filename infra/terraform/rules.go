package terraform

import "github.com/hms-enterprise/hmsci/gates"

// Categories group rules by the protection they check; the HIPAA gates
// read them (a finding in CategoryEncryption or CategoryTransit fails the
// phi-encrypted gate).
const (
	CategoryEncryption = "encryption-at-rest"
	CategoryTransit    = "encryption-in-transit"
	CategoryPublic     = "public-access"
	CategoryAudit      = "audit-logging"
	CategoryBackup     = "backup"
)

// HIPAA Security Rule safeguards (45 CFR Part 164) that findings map to.
const (
	SafeguardEncryption   = "164.312(a)(2)(iv) encryption and decryption"
	SafeguardTransmission = "164.312(e)(1) transmission security"
	SafeguardAudit        = "164.312(b) audit controls"
	SafeguardAccess       = "164.312(a)(1) access control"
	SafeguardContingency  = "164.308(a)(7) contingency plan"
)

var categorySafeguard = map[string]string{
	CategoryEncryption: SafeguardEncryption,
	CategoryTransit:    SafeguardTransmission,
	CategoryPublic:     SafeguardAccess,
	CategoryAudit:      SafeguardAudit,
	CategoryBackup:     SafeguardContingency,
}

// Rule describes one Terraform check.
type Rule struct {
	ID       string
	Title    string
	Category string
	Severity gates.Severity
}

// Safeguard returns the HIPAA safeguard the rule's category maps to.
func (r Rule) Safeguard() string { return categorySafeguard[r.Category] }

var (
	ruleRDSEncrypted    = &Rule{ID: "tf/rds-storage-encrypted", Title: "Database storage not encrypted", Category: CategoryEncryption, Severity: gates.SeverityHigh}
	ruleRDSKMSKey       = &Rule{ID: "tf/rds-kms-key", Title: "Database encrypted without a customer-managed key", Category: CategoryEncryption, Severity: gates.SeverityLow}
	ruleS3Encryption    = &Rule{ID: "tf/s3-encryption", Title: "S3 bucket without server-side encryption configuration", Category: CategoryEncryption, Severity: gates.SeverityMedium}
	ruleEBSEncrypted    = &Rule{ID: "tf/ebs-encrypted", Title: "EBS volume not encrypted", Category: CategoryEncryption, Severity: gates.SeverityHigh}
	ruleRDSForceSSL     = &Rule{ID: "tf/rds-force-ssl", Title: "Database accepts unencrypted connections", Category: CategoryTransit, Severity: gates.SeverityHigh}
	ruleS3SecureTrans   = &Rule{ID: "tf/s3-secure-transport", Title: "S3 bucket policy does not deny plain HTTP", Category: CategoryTransit, Severity: gates.SeverityHigh}
	ruleLBListenerHTTP  = &Rule{ID: "tf/lb-listener-http", Title: "Load balancer listener serves plain HTTP", Category: CategoryTransit, Severity: gates.SeverityHigh}
	ruleLBTLSPolicy     = &Rule{ID: "tf/lb-tls-policy", Title: "Load balancer TLS policy allows TLS below 1.2", Category: CategoryTransit, Severity: gates.SeverityMedium}
	ruleRDSPublic       = &Rule{ID: "tf/rds-public", Title: "Database publicly accessible", Category: CategoryPublic, Severity: gates.SeverityCritical}
	ruleS3PublicACL     = &Rule{ID: "tf/s3-public-acl", Title: "S3 bucket with a public ACL", Category: CategoryPublic, Severity: gates.SeverityCritical}
	ruleS3PublicBlock   = &Rule{ID: "tf/s3-public-access-block", Title: "S3 public access block missing or incomplete", Category: CategoryPublic, Severity: gates.SeverityHigh}
	ruleSGDatabaseOpen  = &Rule{ID: "tf/sg-db-port-open", Title: "Database port open to the internet", Category: CategoryPublic, Severity: gates.SeverityCritical}
	ruleCloudTrail      = &Rule{ID: "tf/cloudtrail", Title: "CloudTrail missing or not logging", Category: CategoryAudit, Severity: gates.SeverityHigh}
	ruleRDSLogExports   = &Rule{ID: "tf/rds-log-exports", Title: "Database logs not exported", Category: CategoryAudit, Severity: gates.SeverityMedium}
	ruleS3AccessLogging = &Rule{ID: "tf/s3-access-logging", Title: "S3 bucket without access logging", Category: CategoryAudit, Severity: gates.SeverityMedium}
	ruleRDSBackup       = &Rule{ID: "tf/rds-backup-retention", Title: "Database backup retention too short", Category: CategoryBackup, Severity: gates.SeverityMedium}
	ruleAzureStorageTLS = &Rule{ID: "tf/azure-storage-tls", Title: "Azure storage account allows plain HTTP or old TLS", Category: CategoryTransit, Severity: gates.SeverityHigh}
	ruleAzureStoragePub = &Rule{ID: "tf/azure-storage-public", Title: "Azure storage account allows public blobs", Category: CategoryPublic, Severity: gates.SeverityHigh}
	ruleAzureDBSSL      = &Rule{ID: "tf/azure-db-ssl", Title: "Azure database server does not enforce TLS", Category: CategoryTransit, Severity: gates.SeverityHigh}
	ruleGCPSQLSSL       = &Rule{ID: "tf/gcp-sql-ssl", Title: "Cloud SQL instance accepts unencrypted connections", Category: CategoryTransit, Severity: gates.SeverityHigh}
	ruleGCPSQLPublic    = &Rule{ID: "tf/gcp-sql-public", Title: "Cloud SQL instance open to the internet", Category: CategoryPublic, Severity: gates.SeverityCritical}
	ruleGCPBucketPublic = &Rule{ID: "tf/gcp-bucket-public", Title: "Cloud Storage bucket public", Category: CategoryPublic, Severity: gates.SeverityCritical}
)

var allRules = []*Rule{
	ruleRDSEncrypted, ruleRDSKMSKey, ruleS3Encryption, ruleEBSEncrypted,
	ruleRDSForceSSL, ruleS3SecureTrans, ruleLBListenerHTTP, ruleLBTLSPolicy,
	ruleRDSPublic, ruleS3PublicACL, ruleS3PublicBlock, ruleSGDatabaseOpen,
	ruleCloudTrail, ruleRDSLogExports, ruleS3AccessLogging, ruleRDSBackup,
	ruleAzureStorageTLS, ruleAzureStoragePub, ruleAzureDBSSL,
	ruleGCPSQLSSL, ruleGCPSQLPublic, ruleGCPBucketPublic,
}

var ruleByID = func() map[string]*Rule {
	m := make(map[string]*Rule, len(allRules))
	for _, r := range allRules {
		m[r.ID] = r
	}
	return m
}()

// Rules returns every rule in a stable order. The returned values are
// copies.
func Rules() []Rule {
	out := make([]Rule, len(allRules))
	for i, r := range allRules {
		out[i] = *r
	}
	return out
}
