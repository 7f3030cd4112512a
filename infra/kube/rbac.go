package kube

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// index relates objects across files: which service accounts exist and
// which bindings name them or a ClusterRole.
type index struct {
	defaultNamespace string
	// serviceAccounts maps "namespace/name" to the ServiceAccount object.
	serviceAccounts map[string]*Object
	// boundAccounts holds "namespace/name" of every service account that a
	// RoleBinding or ClusterRoleBinding names as a subject.
	boundAccounts map[string]bool
	// clusterBindings maps a ClusterRole name to the ClusterRoleBindings
	// that grant it.
	clusterBindings map[string][]*Object
}

func (ix *index) namespaceOf(o *Object) string {
	if o.Namespace == "" {
		return ix.defaultNamespace
	}
	return o.Namespace
}

func indexObjects(objects []*Object, defaultNamespace string) *index {
	ix := &index{
		defaultNamespace: defaultNamespace,
		serviceAccounts:  map[string]*Object{},
		boundAccounts:    map[string]bool{},
		clusterBindings:  map[string][]*Object{},
	}
	for _, o := range objects {
		switch o.Kind {
		case "ServiceAccount":
			ix.serviceAccounts[ix.namespaceOf(o)+"/"+o.Name] = o
		case "RoleBinding", "ClusterRoleBinding":
			for _, s := range o.root.get("subjects").items() {
				if s.get("kind").str() != "ServiceAccount" {
					continue
				}
				ns := s.get("namespace").str()
				if ns == "" {
					ns = ix.namespaceOf(o)
				}
				ix.boundAccounts[ns+"/"+s.get("name").str()] = true
			}
			ref := o.root.get("roleRef")
			if o.Kind == "ClusterRoleBinding" && ref.get("kind").str() == "ClusterRole" {
				name := ref.get("name").str()
				ix.clusterBindings[name] = append(ix.clusterBindings[name], o)
			}
		}
	}
	return ix
}

var (
	escalationVerbs = []string{"escalate", "bind", "impersonate"}
	readVerbs       = []string{"get", "list", "watch", "*"}
)

func (c *checker) checkRBAC(o *Object, ix *index) {
	switch o.Kind {
	case "Role", "ClusterRole":
		for _, rule := range o.root.get("rules").items() {
			c.checkPolicyRule(o, rule, ix)
		}
	case "RoleBinding", "ClusterRoleBinding":
		c.checkClusterAdminBinding(o)
	}
}

func (c *checker) checkPolicyRule(o *Object, rule field, ix *index) {
	for _, key := range []string{"apiGroups", "resources", "verbs", "nonResourceURLs"} {
		for _, item := range rule.get(key).items() {
			if item.str() == "*" {
				c.report(ruleRBACWildcard, o, item, "", fmt.Sprintf(
					"%s: %s is \"*\", which grants every current and future %s; list the ones the workload needs.",
					o.Ref(), item.path, strings.TrimSuffix(key, "s")))
			}
		}
	}
	for _, verb := range rule.get("verbs").items() {
		if slices.Contains(escalationVerbs, verb.str()) {
			c.report(ruleRBACEscalation, o, verb, "", fmt.Sprintf(
				"%s: %s grants verb %q, which lets the holder gain permissions it was not given.",
				o.Ref(), verb.path, verb.str()))
		}
	}

	if o.Kind != "ClusterRole" || rule.get("resourceNames").present() {
		return
	}
	groups := rule.get("apiGroups").strings()
	resources := rule.get("resources").strings()
	verbs := rule.get("verbs").strings()
	if !(slices.Contains(groups, "") || slices.Contains(groups, "*")) ||
		!(slices.Contains(resources, "secrets") || slices.Contains(resources, "*")) ||
		!slices.ContainsFunc(verbs, func(v string) bool { return slices.Contains(readVerbs, v) }) {
		return
	}
	bindings := ix.clusterBindings[o.Name]
	if len(bindings) > 0 {
		c.report(ruleRBACSecrets, o, rule, "", fmt.Sprintf(
			"%s: %s reads Secrets and ClusterRoleBinding %q grants it in every namespace; use a Role per namespace with resourceNames.",
			o.Ref(), rule.path, bindings[0].Name))
		return
	}
	c.reportWith(ruleRBACSecrets, gates.SeverityMedium, o, rule, "", fmt.Sprintf(
		"%s: %s reads Secrets in every namespace it is bound in; no ClusterRoleBinding in these manifests grants it cluster-wide, but prefer a Role with resourceNames.",
		o.Ref(), rule.path))
}

func (c *checker) checkClusterAdminBinding(o *Object) {
	ref := o.root.get("roleRef")
	if ref.get("kind").str() != "ClusterRole" || ref.get("name").str() != "cluster-admin" {
		return
	}
	for _, s := range o.root.get("subjects").items() {
		kind, name := s.get("kind").str(), s.get("name").str()
		workload := kind == "ServiceAccount" || (kind == "Group" && strings.HasPrefix(name, "system:serviceaccounts"))
		if workload {
			c.report(ruleRBACClusterAdm, o, s, "", fmt.Sprintf(
				"%s: %s binds cluster-admin to %s %q, so any code running as it controls the whole cluster; grant a Role with the verbs it needs.",
				o.Ref(), s.path, kind, name))
			continue
		}
		c.reportWith(ruleRBACClusterAdm, gates.SeverityMedium, o, s, "", fmt.Sprintf(
			"%s: %s binds cluster-admin to %s %q; keep cluster-admin for break-glass accounts outside application manifests.",
			o.Ref(), s.path, kind, name))
	}
}

// checkServiceAccountToken reports pods that mount a service account token
// although no binding in the manifests gives that account any permission.
func (c *checker) checkServiceAccountToken(p pod, ix *index) {
	podSetting := p.spec.get("automountServiceAccountToken")
	if podSetting.present() {
		return
	}
	account := p.spec.get("serviceAccountName").str()
	if account == "" {
		account = p.spec.get("serviceAccount").str()
	}
	if account == "" {
		account = "default"
	}
	key := ix.namespaceOf(p.obj) + "/" + account
	if sa, ok := ix.serviceAccounts[key]; ok {
		if v, isBool := sa.root.get("automountServiceAccountToken").boolean(); isBool && !v {
			return
		}
	}
	if ix.boundAccounts[key] {
		return
	}
	at := p.spec
	at.path = podSetting.path
	c.report(ruleAutomountToken, p.obj, at, "", fmt.Sprintf(
		"%s: %s is not set and service account %q has no RoleBinding or ClusterRoleBinding in these manifests; set it to false unless the app calls the Kubernetes API.",
		p.obj.Ref(), podSetting.path, account))
}
