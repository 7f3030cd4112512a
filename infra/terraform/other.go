package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

func (c *checker) checkAzure() {
	m := c.module
	for _, sa := range c.resources("azurerm_storage_account") {
		if a, ok := attribute(sa, "min_tls_version"); ok {
			if v, known := m.stringValue(a.Expr); known && v != "TLS1_2" && v != "TLS1_3" {
				c.report(ruleAzureStorageTLS, sa, a.SrcRange, fmt.Sprintf("min_tls_version is %q; require TLS1_2.", v))
			}
		}
		// The argument was renamed in azurerm 4.0; both spellings count.
		for _, arg := range []string{"https_traffic_only_enabled", "enable_https_traffic_only"} {
			if a, ok := attribute(sa, arg); ok {
				if v, known := m.boolValue(a.Expr); known && !v {
					c.report(ruleAzureStorageTLS, sa, a.SrcRange, fmt.Sprintf("%s is false, so the account accepts plain HTTP; set it to true.", arg))
				}
			}
		}
		for _, arg := range []string{"allow_nested_items_to_be_public", "allow_blob_public_access"} {
			if a, ok := attribute(sa, arg); ok {
				if v, known := m.boolValue(a.Expr); known && v {
					c.report(ruleAzureStoragePub, sa, a.SrcRange, fmt.Sprintf("%s is true, so containers can be made readable by anyone; set it to false.", arg))
				}
			}
		}
	}

	for _, db := range c.resources("azurerm_postgresql_server", "azurerm_mysql_server") {
		if a, ok := attribute(db, "ssl_enforcement_enabled"); ok {
			if v, known := m.boolValue(a.Expr); known && !v {
				c.report(ruleAzureDBSSL, db, a.SrcRange, "ssl_enforcement_enabled is false, so clients can connect without TLS; set it to true.")
			}
		}
		if a, ok := attribute(db, "ssl_minimal_tls_version_enforced"); ok {
			if v, known := m.stringValue(a.Expr); known && v != "TLS1_2" {
				c.report(ruleAzureDBSSL, db, a.SrcRange, fmt.Sprintf("ssl_minimal_tls_version_enforced is %q; require TLS1_2.", v))
			}
		}
	}
	for _, db := range c.resources("azurerm_mssql_server") {
		if a, ok := attribute(db, "minimum_tls_version"); ok {
			if v, known := m.stringValue(a.Expr); known && v != "1.2" && v != "1.3" {
				c.report(ruleAzureDBSSL, db, a.SrcRange, fmt.Sprintf("minimum_tls_version is %q; require 1.2.", v))
			}
		}
	}
}

// secureSSLModes are the Cloud SQL ssl_mode values that reject
// unencrypted connections.
var secureSSLModes = []string{"ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"}

func (c *checker) checkGoogle() {
	m := c.module
	for _, db := range c.resources("google_sql_database_instance") {
		secure := false
		for _, settings := range blocks(db.Block.Body, "settings") {
			for _, ip := range blocks(settings.Body, "ip_configuration") {
				if a, ok := ip.Body.Attributes["require_ssl"]; ok {
					if v, _ := m.boolValue(a.Expr); v {
						secure = true
					}
				}
				if a, ok := ip.Body.Attributes["ssl_mode"]; ok {
					if v, _ := m.stringValue(a.Expr); slices.Contains(secureSSLModes, v) {
						secure = true
					}
				}
				for _, network := range blocks(ip.Body, "authorized_networks") {
					if a, ok := network.Body.Attributes["value"]; ok {
						if v, known := m.stringValue(a.Expr); known && slices.Contains(openCIDRs, v) {
							c.report(ruleGCPSQLPublic, db, a.SrcRange, fmt.Sprintf("authorized_networks allows %s, so anyone on the internet can reach the database; authorize only known ranges or use private IP.", v))
						}
					}
				}
			}
		}
		if !secure {
			c.report(ruleGCPSQLSSL, db, hcl.Range{}, "settings.ip_configuration sets neither ssl_mode = \"ENCRYPTED_ONLY\" nor require_ssl = true, so clients can connect without TLS.")
		}
	}

	publicMembers := []string{"allUsers", "allAuthenticatedUsers"}
	for _, r := range c.resources("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding") {
		var members []string
		if a, ok := attribute(r, "member"); ok {
			if v, known := m.stringValue(a.Expr); known {
				members = append(members, v)
			}
		}
		if a, ok := attribute(r, "members"); ok {
			if list, known := m.stringList(a.Expr); known {
				members = append(members, list...)
			}
		}
		for _, member := range members {
			if slices.Contains(publicMembers, member) {
				c.report(ruleGCPBucketPublic, r, hcl.Range{}, fmt.Sprintf("grants a role to %s, so the bucket is public; grant roles to named service accounts or groups.", member))
			}
		}
	}
}

// missingTrail returns the first AWS resource when the modules define AWS
// resources but no aws_cloudtrail, so Check can anchor a finding there.
// That finding is low severity because organizations often keep the trail
// in a separate account-level stack.
func missingTrail(modules []*Module, disabled bool) []*Resource {
	if disabled {
		return nil
	}
	var first *Resource
	for _, m := range modules {
		for _, r := range m.Resources {
			if r.Type == "aws_cloudtrail" {
				return nil
			}
			if first == nil && strings.HasPrefix(r.Type, "aws_") {
				first = r
			}
		}
	}
	if first == nil {
		return nil
	}
	return []*Resource{first}
}
