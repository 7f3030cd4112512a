package kube

import (
	"fmt"
	"slices"
)

// checkNetworkPolicies reports every namespace that runs pods, or is
// declared by a Namespace object, without a default-deny NetworkPolicy.
func (c *checker) checkNetworkPolicies(objects []*Object, ix *index) {
	// anchor is the object a namespace's finding points at: its Namespace
	// object when there is one, else its first workload.
	anchor := map[string]*Object{}
	var order []string
	denyIngress := map[string]bool{}
	denyEgress := map[string]bool{}

	for _, o := range objects {
		switch {
		case o.Kind == "Namespace":
			if o.Name == "" {
				continue
			}
			if _, seen := anchor[o.Name]; !seen {
				order = append(order, o.Name)
			}
			anchor[o.Name] = o
		case o.Kind == "NetworkPolicy":
			ingress, egress := defaultDeny(o)
			ns := ix.namespaceOf(o)
			denyIngress[ns] = denyIngress[ns] || ingress
			denyEgress[ns] = denyEgress[ns] || egress
		default:
			if _, ok := podOf(o); !ok {
				continue
			}
			ns := ix.namespaceOf(o)
			if _, seen := anchor[ns]; !seen {
				anchor[ns] = o
				order = append(order, ns)
			}
		}
	}

	for _, ns := range order {
		obj := anchor[ns]
		at := field{line: obj.Line}
		if !denyIngress[ns] {
			c.report(ruleNetpolIngress, obj, at, "", fmt.Sprintf(
				"namespace %q (first seen at %s) has no default-deny ingress NetworkPolicy, so any pod in the cluster can reach its pods; add one with podSelector: {}, policyTypes: [Ingress] and no ingress rules.",
				ns, obj.Ref()))
		}
		if !denyEgress[ns] {
			c.report(ruleNetpolEgress, obj, at, "", fmt.Sprintf(
				"namespace %q (first seen at %s) has no default-deny egress NetworkPolicy, so a compromised pod can send data anywhere; add one with podSelector: {}, policyTypes: [Egress] and no egress rules, then allow DNS and the services it needs.",
				ns, obj.Ref()))
		}
	}
}

// defaultDeny reports whether a NetworkPolicy selects every pod of its
// namespace and denies all ingress or all egress traffic.
func defaultDeny(o *Object) (ingress, egress bool) {
	spec := o.root.get("spec")
	selector := spec.get("podSelector")
	if !selector.isEmptyMap() {
		if !selector.get("matchLabels").isEmptyMap() || len(selector.get("matchExpressions").items()) > 0 {
			return false, false
		}
	}
	types := spec.get("policyTypes").strings()
	if !spec.get("policyTypes").present() {
		// The API server defaults policyTypes to Ingress, plus Egress when
		// the policy has an egress section.
		types = []string{"Ingress"}
		if spec.get("egress").present() {
			types = append(types, "Egress")
		}
	}
	ingress = slices.Contains(types, "Ingress") && len(spec.get("ingress").items()) == 0
	egress = slices.Contains(types, "Egress") && len(spec.get("egress").items()) == 0
	return ingress, egress
}
