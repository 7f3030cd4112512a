package terraform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/hms-enterprise/hmsci/gates"
)

func (c *checker) checkAWS() {
	c.checkDatabases()
	c.checkBuckets()
	c.checkVolumes()
	c.checkListeners()
	c.checkSecurityGroups()
	c.checkTrails()
}

// attribute returns a resource's top-level argument.
func attribute(res *Resource, name string) (*hclsyntax.Attribute, bool) {
	a, ok := res.Block.Body.Attributes[name]
	return a, ok
}

func (c *checker) checkDatabases() {
	m := c.module
	for _, db := range c.resources("aws_db_instance", "aws_rds_cluster") {
		_, replica := attribute(db, "replicate_source_db")
		serverless := false
		if a, ok := attribute(db, "engine_mode"); ok {
			mode, _ := m.stringValue(a.Expr)
			serverless = mode == "serverless"
		}

		// Encryption at rest. Replicas inherit it from their source and
		// Aurora Serverless v1 clusters are always encrypted.
		encrypted := false
		if a, ok := attribute(db, "storage_encrypted"); ok {
			v, known := m.boolValue(a.Expr)
			encrypted = v || !known
			if known && !v {
				c.report(ruleRDSEncrypted, db, a.SrcRange, "storage_encrypted is false, so the database, its backups and snapshots are stored unencrypted; set storage_encrypted = true.")
			}
		} else if !replica && !serverless {
			c.report(ruleRDSEncrypted, db, hcl.Range{}, "storage_encrypted is not set and defaults to false, so the database, its backups and snapshots are stored unencrypted; set storage_encrypted = true.")
		}
		if encrypted {
			if _, ok := attribute(db, "kms_key_id"); !ok {
				c.report(ruleRDSKMSKey, db, hcl.Range{}, "kms_key_id is not set, so the AWS-managed key encrypts the database; a customer-managed KMS key lets you audit and revoke access to the key.")
			}
		}

		if a, ok := attribute(db, "publicly_accessible"); ok {
			if v, known := m.boolValue(a.Expr); known && v {
				c.report(ruleRDSPublic, db, a.SrcRange, "publicly_accessible is true, so the database gets a public IP address; set it to false and reach it through private subnets.")
			}
		}

		c.checkForceSSL(db)

		if a, ok := attribute(db, "enabled_cloudwatch_logs_exports"); !ok {
			c.report(ruleRDSLogExports, db, hcl.Range{}, "enabled_cloudwatch_logs_exports is not set, so connection and audit logs stay on the instance and rotate away; export them to CloudWatch Logs.")
		} else if logs, known := m.stringList(a.Expr); known && len(logs) == 0 {
			c.report(ruleRDSLogExports, db, a.SrcRange, "enabled_cloudwatch_logs_exports is empty, so connection and audit logs stay on the instance and rotate away; export them to CloudWatch Logs.")
		}

		if !replica {
			c.checkBackupRetention(db)
		}
	}

	for _, inst := range c.resources("aws_rds_cluster_instance") {
		if a, ok := attribute(inst, "publicly_accessible"); ok {
			if v, known := m.boolValue(a.Expr); known && v {
				c.report(ruleRDSPublic, inst, a.SrcRange, "publicly_accessible is true, so the database instance gets a public IP address; set it to false.")
			}
		}
	}
}

func (c *checker) checkBackupRetention(db *Resource) {
	minDays := int64(c.opts.MinBackupRetentionDays)
	a, ok := attribute(db, "backup_retention_period")
	if !ok {
		c.report(ruleRDSBackup, db, hcl.Range{}, fmt.Sprintf("backup_retention_period is not set, so the engine default applies; set it to at least %d days so a restore can reach back past a bad change.", minDays))
		return
	}
	days, known := c.module.intValue(a.Expr)
	if known && days < minDays {
		c.report(ruleRDSBackup, db, a.SrcRange, fmt.Sprintf("backup_retention_period is %d days, below the required %d days.", days, minDays))
	}
}

// forceSSLSetting returns the parameter that forces TLS for an RDS engine
// and the values that turn it on. It returns ok false for other engines.
func forceSSLSetting(engine string) (param string, on []string, ok bool) {
	switch {
	case strings.HasPrefix(engine, "aurora-postgresql"), strings.HasPrefix(engine, "postgres"), strings.HasPrefix(engine, "sqlserver"):
		return "rds.force_ssl", []string{"1", "true", "on"}, true
	case strings.HasPrefix(engine, "aurora-mysql"), engine == "aurora", strings.HasPrefix(engine, "mysql"), strings.HasPrefix(engine, "mariadb"):
		return "require_secure_transport", []string{"1", "on", "true"}, true
	}
	return "", nil, false
}

func (c *checker) checkForceSSL(db *Resource) {
	m := c.module
	engineAttr, ok := attribute(db, "engine")
	if !ok {
		return
	}
	engine, known := m.stringValue(engineAttr.Expr)
	if !known {
		return
	}
	param, on, ok := forceSSLSetting(engine)
	if !ok {
		return
	}

	// NOTE: engine versions whose default parameter group may already force
	// TLS are not special-cased, so the setting must be explicit.
	groupArg, groupType := "parameter_group_name", "aws_db_parameter_group"
	if db.Type == "aws_rds_cluster" {
		groupArg, groupType = "db_cluster_parameter_group_name", "aws_rds_cluster_parameter_group"
	}

	groupAttr, ok := attribute(db, groupArg)
	if !ok {
		c.report(ruleRDSForceSSL, db, hcl.Range{}, fmt.Sprintf("%s is not set, so %s is not set explicitly and clients may connect without TLS; add a %s with %s = 1.", groupArg, param, groupType, param))
		return
	}
	if name, known := m.stringValue(groupAttr.Expr); known && strings.HasPrefix(name, "default.") {
		c.report(ruleRDSForceSSL, db, groupAttr.SrcRange, fmt.Sprintf("%s is the AWS default group %q, which cannot be changed to set %s; add a %s with %s = 1.", groupArg, name, param, groupType, param))
		return
	}
	group := c.findParameterGroup(groupAttr.Expr, groupType)
	if group == nil {
		// NOTE: a parameter group defined outside these files cannot be
		// checked here.
		return
	}
	c.checkParameterGroup(group, db, param, on)
}

// checkParameterGroup reports a parameter group that leaves the TLS
// parameter param of db unset or set to a value outside on.
func (c *checker) checkParameterGroup(group, db *Resource, param string, on []string) {
	m := c.module
	for _, p := range blocks(group.Block.Body, "parameter") {
		nameAttr, ok := p.Body.Attributes["name"]
		if !ok {
			continue
		}
		if name, _ := m.stringValue(nameAttr.Expr); name != param {
			continue
		}
		valueAttr, ok := p.Body.Attributes["value"]
		if !ok {
			return
		}
		value, known := m.stringValue(valueAttr.Expr)
		if known && !slices.Contains(on, strings.ToLower(value)) {
			c.report(ruleRDSForceSSL, group, valueAttr.SrcRange, fmt.Sprintf("parameter %s is %q, so %s accepts connections without TLS; set it to 1.", param, value, db.Address()))
		}
		return
	}
	c.report(ruleRDSForceSSL, group, hcl.Range{}, fmt.Sprintf("has no parameter %s, so %s may accept connections without TLS; add parameter { name = %q, value = \"1\" }.", param, db.Address(), param))
}

// findParameterGroup returns the parameter group that expr names, by
// reference or by its literal name.
func (c *checker) findParameterGroup(expr hclsyntax.Expression, groupType string) *Resource {
	groups := c.resources(groupType)
	if name := referencedResource(expr, groupType); name != "" {
		for _, g := range groups {
			if g.Name == name {
				return g
			}
		}
		return nil
	}
	literal, ok := c.module.stringValue(expr)
	if !ok {
		return nil
	}
	for _, g := range groups {
		if a, ok := attribute(g, "name"); ok {
			if name, _ := c.module.stringValue(a.Expr); name == literal {
				return g
			}
		}
	}
	return nil
}

// companions returns the resources of type typ whose `bucket` argument
// names bucket, by reference or by the bucket's literal name.
func (c *checker) companions(typ string, bucket *Resource) []*Resource {
	bucketName := ""
	if a, ok := attribute(bucket, "bucket"); ok {
		bucketName, _ = c.module.stringValue(a.Expr)
	}
	var out []*Resource
	for _, r := range c.resources(typ) {
		a, ok := attribute(r, "bucket")
		if !ok {
			continue
		}
		if refersTo(a.Expr, bucket) {
			out = append(out, r)
			continue
		}
		if name, known := c.module.stringValue(a.Expr); known && bucketName != "" && name == bucketName {
			out = append(out, r)
		}
	}
	return out
}

var publicACLs = []string{"public-read", "public-read-write", "authenticated-read"}

func (c *checker) checkBuckets() {
	m := c.module
	logTargets := c.logTargetBuckets()
	for _, b := range c.resources("aws_s3_bucket") {
		if len(blocks(b.Block.Body, "server_side_encryption_configuration")) == 0 &&
			len(c.companions("aws_s3_bucket_server_side_encryption_configuration", b)) == 0 {
			c.report(ruleS3Encryption, b, hcl.Range{}, "has no server-side encryption configuration; S3 applies SSE-S3 to new objects by default, but PHI buckets need an explicit aws_s3_bucket_server_side_encryption_configuration, preferably with a customer-managed KMS key.")
		}

		if a, ok := attribute(b, "acl"); ok {
			if acl, known := m.stringValue(a.Expr); known && slices.Contains(publicACLs, acl) {
				c.report(ruleS3PublicACL, b, a.SrcRange, fmt.Sprintf("acl is %q, which lets anyone read the bucket; use private.", acl))
			}
		}
		for _, aclRes := range c.companions("aws_s3_bucket_acl", b) {
			if a, ok := attribute(aclRes, "acl"); ok {
				if acl, known := m.stringValue(a.Expr); known && slices.Contains(publicACLs, acl) {
					c.report(ruleS3PublicACL, aclRes, a.SrcRange, fmt.Sprintf("acl is %q on %s, which lets anyone read the bucket; use private.", acl, b.Address()))
				}
			}
		}

		c.checkPublicAccessBlock(b)
		c.checkSecureTransport(b)

		if len(blocks(b.Block.Body, "logging")) == 0 && len(c.companions("aws_s3_bucket_logging", b)) == 0 && !logTargets[b.Address()] {
			c.report(ruleS3AccessLogging, b, hcl.Range{}, "has no access logging, so reads of its objects leave no record; add an aws_s3_bucket_logging that writes to a separate log bucket.")
		}
	}
}

// logTargetBuckets returns the addresses of buckets that receive access
// logs: logging a log bucket into itself would loop, so they are exempt.
func (c *checker) logTargetBuckets() map[string]bool {
	targets := map[string]bool{}
	var exprs []hclsyntax.Expression
	for _, r := range c.resources("aws_s3_bucket_logging") {
		if a, ok := attribute(r, "target_bucket"); ok {
			exprs = append(exprs, a.Expr)
		}
	}
	for _, b := range c.resources("aws_s3_bucket") {
		for _, l := range blocks(b.Block.Body, "logging") {
			if a, ok := l.Body.Attributes["target_bucket"]; ok {
				exprs = append(exprs, a.Expr)
			}
		}
	}
	for _, b := range c.resources("aws_s3_bucket") {
		for _, e := range exprs {
			if refersTo(e, b) {
				targets[b.Address()] = true
			}
		}
	}
	return targets
}

var publicAccessBlockArgs = []string{"block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"}

func (c *checker) checkPublicAccessBlock(b *Resource) {
	blocksFor := c.companions("aws_s3_bucket_public_access_block", b)
	if len(blocksFor) == 0 {
		c.report(ruleS3PublicBlock, b, hcl.Range{}, "has no aws_s3_bucket_public_access_block, so a later ACL or policy change can make it public; add one with all four settings true.")
		return
	}
	for _, pab := range blocksFor {
		var off []string
		for _, arg := range publicAccessBlockArgs {
			a, ok := attribute(pab, arg)
			if !ok {
				off = append(off, arg)
				continue
			}
			if v, known := c.module.boolValue(a.Expr); known && !v {
				off = append(off, arg)
			}
		}
		if len(off) > 0 {
			c.report(ruleS3PublicBlock, pab, hcl.Range{}, fmt.Sprintf("%s not true for %s; all four settings must be true.", strings.Join(off, ", ")+pluralVerb(len(off)), b.Address()))
		}
	}
}

func pluralVerb(n int) string {
	if n == 1 {
		return " is"
	}
	return " are"
}

// checkSecureTransport looks for a bucket policy statement that denies
// requests with aws:SecureTransport false, in a jsonencode object, an
// aws_iam_policy_document data block or a JSON string.
func (c *checker) checkSecureTransport(b *Resource) {
	var policies []hclsyntax.Expression
	var policyRes *Resource
	if a, ok := attribute(b, "policy"); ok {
		policies = append(policies, a.Expr)
	}
	for _, p := range c.companions("aws_s3_bucket_policy", b) {
		policyRes = p
		if a, ok := attribute(p, "policy"); ok {
			policies = append(policies, a.Expr)
		}
	}
	for _, expr := range policies {
		if c.deniesInsecureTransport(expr) {
			return
		}
	}
	if policyRes != nil {
		c.report(ruleS3SecureTrans, policyRes, hcl.Range{}, fmt.Sprintf("does not deny requests with aws:SecureTransport false, so %s accepts plain HTTP; add a Deny statement with that condition.", b.Address()))
		return
	}
	c.report(ruleS3SecureTrans, b, hcl.Range{}, "has no bucket policy denying requests with aws:SecureTransport false, so it accepts plain HTTP; add an aws_s3_bucket_policy with that Deny statement.")
}

// deniesInsecureTransport reports whether a policy expression holds a Deny
// statement conditioned on aws:SecureTransport false.
func (c *checker) deniesInsecureTransport(expr hclsyntax.Expression) bool {
	m := c.module
	found, sawObject := false, false
	hclsyntax.VisitAll(expr, func(n hclsyntax.Node) hcl.Diagnostics {
		obj, ok := n.(*hclsyntax.ObjectConsExpr)
		if !ok {
			return nil
		}
		sawObject = true
		for _, item := range obj.Items {
			key := hcl.ExprAsKeyword(item.KeyExpr)
			if key == "" {
				key, _ = m.stringValue(item.KeyExpr)
			}
			if !strings.EqualFold(key, "Effect") {
				continue
			}
			if effect, _ := m.stringValue(item.ValueExpr); effect == "Deny" && mentionsSecureTransportFalse(m.sourceText(obj.SrcRange)) {
				found = true
			}
		}
		return nil
	})
	if found {
		return true
	}

	for _, traversal := range expr.Variables() {
		if doc := c.policyDocument(traversal); doc != nil && c.documentDeniesInsecureTransport(doc) {
			return true
		}
	}

	if sawObject {
		return false
	}
	// NOTE: a JSON string or heredoc is matched as text because its
	// interpolated ARNs keep it from parsing as JSON here, so a Deny in one
	// statement and the condition in another would pass.
	text := compact(m.sourceText(expr.Range()))
	return strings.Contains(text, "effect:deny") && mentionsSecureTransportFalse(text)
}

func mentionsSecureTransportFalse(text string) bool {
	t := compact(text)
	return strings.Contains(t, "aws:securetransport") && strings.Contains(t, "false")
}

// policyDocument returns the aws_iam_policy_document data block a
// traversal such as data.aws_iam_policy_document.tls.json refers to.
func (c *checker) policyDocument(traversal hcl.Traversal) *Resource {
	if traversal.RootName() != "data" || len(traversal) < 3 {
		return nil
	}
	typ, ok1 := traversal[1].(hcl.TraverseAttr)
	name, ok2 := traversal[2].(hcl.TraverseAttr)
	if !ok1 || !ok2 || typ.Name != "aws_iam_policy_document" {
		return nil
	}
	for _, d := range c.module.Data {
		if d.Type == typ.Name && d.Name == name.Name {
			return d
		}
	}
	return nil
}

func (c *checker) documentDeniesInsecureTransport(doc *Resource) bool {
	m := c.module
	for _, st := range blocks(doc.Block.Body, "statement") {
		effect := "Allow"
		if a, ok := st.Body.Attributes["effect"]; ok {
			effect, _ = m.stringValue(a.Expr)
		}
		if effect != "Deny" {
			continue
		}
		for _, cond := range blocks(st.Body, "condition") {
			variable, values := "", []string(nil)
			if a, ok := cond.Body.Attributes["variable"]; ok {
				variable, _ = m.stringValue(a.Expr)
			}
			if a, ok := cond.Body.Attributes["values"]; ok {
				values, _ = m.stringList(a.Expr)
			}
			if strings.EqualFold(variable, "aws:SecureTransport") && slices.Contains(values, "false") {
				return true
			}
		}
	}
	return false
}

func (c *checker) checkVolumes() {
	m := c.module
	accountDefault := false
	for _, r := range c.resources("aws_ebs_encryption_by_default") {
		enabled := true
		if a, ok := attribute(r, "enabled"); ok {
			enabled, _ = m.boolValue(a.Expr)
		}
		accountDefault = accountDefault || enabled
	}
	check := func(res *Resource, body *hclsyntax.Body, what string) {
		a, ok := body.Attributes["encrypted"]
		if !ok {
			if !accountDefault {
				c.report(ruleEBSEncrypted, res, body.SrcRange, fmt.Sprintf("%s does not set encrypted = true and no aws_ebs_encryption_by_default is enabled here, so the volume and its snapshots are stored unencrypted.", what))
			}
			return
		}
		if v, known := m.boolValue(a.Expr); known && !v {
			c.report(ruleEBSEncrypted, res, a.SrcRange, fmt.Sprintf("%s sets encrypted = false, so the volume and its snapshots are stored unencrypted.", what))
		}
	}
	for _, v := range c.resources("aws_ebs_volume") {
		check(v, v.Block.Body, "the volume")
	}
	for _, inst := range c.resources("aws_instance") {
		for _, typ := range []string{"root_block_device", "ebs_block_device"} {
			for _, dev := range blocks(inst.Block.Body, typ) {
				check(inst, dev.Body, typ)
			}
		}
	}
}

func (c *checker) checkListeners() {
	m := c.module
	for _, l := range c.resources("aws_lb_listener", "aws_alb_listener") {
		protocol := "HTTP"
		protoAttr, hasProto := attribute(l, "protocol")
		if hasProto {
			v, known := m.stringValue(protoAttr.Expr)
			if !known {
				continue
			}
			protocol = strings.ToUpper(v)
		} else if _, ok := attribute(l, "certificate_arn"); ok {
			protocol = "HTTPS"
		}

		switch protocol {
		case "HTTP":
			if c.redirectsToHTTPS(l) {
				continue
			}
			rng := hcl.Range{}
			if hasProto {
				rng = protoAttr.SrcRange
			}
			c.report(ruleLBListenerHTTP, l, rng, "serves plain HTTP without redirecting to HTTPS, so PHI can cross the network in clear text; use HTTPS or a default_action that redirects to HTTPS.")
		case "HTTPS", "TLS":
			policyAttr, ok := attribute(l, "ssl_policy")
			if !ok {
				c.report(ruleLBTLSPolicy, l, hcl.Range{}, "ssl_policy is not set, and the default policy of older provider versions still allows TLS 1.0 and 1.1; set ssl_policy to ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy.")
				continue
			}
			policy, known := m.stringValue(policyAttr.Expr)
			if known && !strings.Contains(policy, "TLS13") && !strings.Contains(policy, "1-2") {
				c.report(ruleLBTLSPolicy, l, policyAttr.SrcRange, fmt.Sprintf("ssl_policy %q allows TLS versions below 1.2; use ELBSecurityPolicy-TLS13-1-2-2021-06 or another TLS 1.2+ policy.", policy))
			}
		}
	}
}

func (c *checker) redirectsToHTTPS(l *Resource) bool {
	for _, action := range blocks(l.Block.Body, "default_action") {
		typ := ""
		if a, ok := action.Body.Attributes["type"]; ok {
			typ, _ = c.module.stringValue(a.Expr)
		}
		if typ != "redirect" {
			continue
		}
		for _, r := range blocks(action.Body, "redirect") {
			if a, ok := r.Body.Attributes["protocol"]; ok {
				if p, _ := c.module.stringValue(a.Expr); strings.EqualFold(p, "HTTPS") {
					return true
				}
			}
		}
	}
	return false
}

// databasePorts are the default ports of database and cache engines that
// may hold PHI.
var databasePorts = map[int64]string{
	1433:  "SQL Server",
	1521:  "Oracle",
	3306:  "MySQL",
	5432:  "PostgreSQL",
	5439:  "Redshift",
	6379:  "Redis",
	9042:  "Cassandra",
	9200:  "Elasticsearch",
	11211: "Memcached",
	27017: "MongoDB",
}

var openCIDRs = []string{"0.0.0.0/0", "::/0"}

// ingressRule is the part of a security group rule the port check needs.
type ingressRule struct {
	res      *Resource
	rng      hcl.Range
	cidrs    []string
	protocol string
	from, to int64
	portsOK  bool
}

func (c *checker) checkSecurityGroups() {
	m := c.module
	var rules []ingressRule
	read := func(res *Resource, body *hclsyntax.Body, cidrArgs []string, protocolArg string) ingressRule {
		r := ingressRule{res: res, rng: body.SrcRange}
		for _, arg := range cidrArgs {
			a, ok := body.Attributes[arg]
			if !ok {
				continue
			}
			if list, known := m.stringList(a.Expr); known {
				r.cidrs = append(r.cidrs, list...)
			} else if s, known := m.stringValue(a.Expr); known {
				r.cidrs = append(r.cidrs, s)
			}
		}
		if a, ok := body.Attributes[protocolArg]; ok {
			r.protocol, _ = m.stringValue(a.Expr)
		}
		fromAttr, okFrom := body.Attributes["from_port"]
		toAttr, okTo := body.Attributes["to_port"]
		if okFrom && okTo {
			from, known1 := m.intValue(fromAttr.Expr)
			to, known2 := m.intValue(toAttr.Expr)
			r.from, r.to, r.portsOK = from, to, known1 && known2
		}
		return r
	}
	for _, sg := range c.resources("aws_security_group") {
		for _, in := range blocks(sg.Block.Body, "ingress") {
			rules = append(rules, read(sg, in.Body, []string{"cidr_blocks", "ipv6_cidr_blocks"}, "protocol"))
		}
	}
	for _, r := range c.resources("aws_security_group_rule") {
		if a, ok := attribute(r, "type"); ok {
			if typ, _ := m.stringValue(a.Expr); typ != "ingress" {
				continue
			}
		}
		rules = append(rules, read(r, r.Block.Body, []string{"cidr_blocks", "ipv6_cidr_blocks"}, "protocol"))
	}
	for _, r := range c.resources("aws_vpc_security_group_ingress_rule") {
		rules = append(rules, read(r, r.Block.Body, []string{"cidr_ipv4", "cidr_ipv6"}, "ip_protocol"))
	}

	for _, r := range rules {
		open := ""
		for _, cidr := range r.cidrs {
			if slices.Contains(openCIDRs, cidr) {
				open = cidr
				break
			}
		}
		if open == "" {
			continue
		}
		allPorts := r.protocol == "-1" || strings.EqualFold(r.protocol, "all")
		var exposed []string
		for _, port := range sortedPorts() {
			if allPorts || (r.portsOK && r.from <= port && port <= r.to) {
				exposed = append(exposed, fmt.Sprintf("%d (%s)", port, databasePorts[port]))
			}
		}
		if len(exposed) == 0 {
			continue
		}
		severity := ruleSGDatabaseOpen.Severity
		c.reportWith(ruleSGDatabaseOpen, severity, r.res, r.rng, fmt.Sprintf("ingress from %s reaches database port %s; allow only the application's security group or private CIDR ranges.", open, strings.Join(exposed, ", ")))
	}
}

func sortedPorts() []int64 {
	ports := make([]int64, 0, len(databasePorts))
	for p := range databasePorts {
		ports = append(ports, p)
	}
	slices.Sort(ports)
	return ports
}

func (c *checker) checkTrails() {
	m := c.module
	for _, t := range c.resources("aws_cloudtrail") {
		if a, ok := attribute(t, "enable_logging"); ok {
			if v, known := m.boolValue(a.Expr); known && !v {
				c.report(ruleCloudTrail, t, a.SrcRange, "enable_logging is false, so API calls, including reads of PHI stores, are not recorded.")
			}
		}
		a, ok := attribute(t, "enable_log_file_validation")
		valid := false
		if ok {
			valid, _ = m.boolValue(a.Expr)
		}
		if !valid {
			rng := hcl.Range{}
			if ok {
				rng = a.SrcRange
			}
			c.reportWith(ruleCloudTrail, gates.SeverityMedium, t, rng, "enable_log_file_validation is not true, so tampering with delivered log files cannot be detected.")
		}
	}
}
