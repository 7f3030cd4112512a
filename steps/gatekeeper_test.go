package steps

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gatekeeperSample is a ConstraintTemplate and a constraint in the form
// the Gatekeeper documentation uses (templates.gatekeeper.sh/v1).
const gatekeeperSample = `apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: requiredowner
spec:
  crd:
    spec:
      names:
        kind: RequiredOwner
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package requiredowner

        violation[{"msg": msg}] {
          not input.review.object.metadata.labels[input.parameters.label]
          msg := sprintf("missing label %v", [input.parameters.label])
        }
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: RequiredOwner
metadata:
  name: must-have-owner
spec:
  match:
    kinds:
      - apiGroups: ["apps"]
        kinds: ["Deployment"]
    excludedNamespaces: ["kube-system"]
  parameters:
    label: hospital.example/owner
`

func TestGatekeeperPolicies(t *testing.T) {
	root := writeTree(t, map[string]string{"gk/owner.yaml": gatekeeperSample, "gk/plain.rego": "package main\n"})

	policies, err := GatekeeperPolicies(root + "/gk")
	require.NoError(t, err)
	require.Len(t, policies, 1)

	p := policies[0]
	assert.Equal(t, "requiredowner", p.Template)
	assert.Equal(t, "must-have-owner", p.Constraint)
	assert.Contains(t, p.Files["template-requiredowner.rego"], "package requiredowner")
	adapter := p.Files["constraint-must_have_owner.rego"]
	assert.Contains(t, adapter, "package hmsci.gatekeeper.must_have_owner")
	assert.Contains(t, adapter, "data.requiredowner.violation with input as")
	assert.Contains(t, adapter, `{"label":"hospital.example/owner"}`)
	assert.Contains(t, adapter, `"kinds":[{"apiGroups":["apps"],"kinds":["Deployment"]}]`)
	assert.Contains(t, adapter, `"excludedNamespaces":["kube-system"]`)
}

func TestGatekeeperTemplateWithoutConstraint(t *testing.T) {
	template, _, _ := strings.Cut(gatekeeperSample, "---")
	root := writeTree(t, map[string]string{"owner.yaml": template})

	policies, err := GatekeeperPolicies(root)
	require.NoError(t, err)
	require.Len(t, policies, 1)
	assert.Equal(t, "requiredowner-default", policies[0].Constraint)
	assert.Contains(t, policies[0].Files["constraint-requiredowner_default.rego"], `"parameters": {}`)
}

func TestGatekeeperErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"invalid yaml", "kind: [\n", "owner.yaml"},
		{"no rego", "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: x\nspec:\n  crd:\n    spec:\n      names:\n        kind: X\n",
			`ConstraintTemplate "x" has no spec.targets[0].rego`},
		{"no package", "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: x\nspec:\n  crd:\n    spec:\n      names:\n        kind: X\n  targets:\n    - rego: 'violation[{\"msg\": \"m\"}] { true }'\n",
			"rego has no package clause"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := GatekeeperPolicies(writeTree(t, map[string]string{"owner.yaml": tt.yaml}))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
