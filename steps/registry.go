package steps

import "fmt"

// Native analyzers written in other packages; their Specs let `ci plan`
// list them. Their Run returns ErrNative.
var (
	PHIScan = nativeStep{spec: Spec{
		Name: "phi-scan", Phase: PhaseCompliance, Description: "PHI exposure scan",
		Command: []string{"(in process) compliance/phi"}, Reports: []string{"phi-scan.sarif"},
		Gates: []string{"phi-exposure", "phi-masked"}, Native: true, ToolSource: "hmsci",
	}}
	FHIRValidate = nativeStep{spec: Spec{
		Name: "fhir-validate", Phase: PhaseCompliance, Description: "FHIR R4 resource validation",
		Command: []string{"(in process) compliance/fhir"}, Reports: []string{"fhir-validate.sarif"},
		Gates: []string{"fhir-conformance"}, Native: true, ToolSource: "hmsci",
	}}
	HIPAA = nativeStep{spec: Spec{
		Name: "hipaa", Phase: PhaseCompliance, Description: "HIPAA safeguard checks",
		Command: []string{"(in process) compliance/hipaa"}, Reports: []string{"hipaa.sarif"},
		Gates: []string{"hipaa-critical", "audit-trail", "phi-encrypted", "rbac-enforced"}, Native: true, ToolSource: "hmsci",
	}}
	KubePolicy = nativeStep{spec: Spec{
		Name: "kube-policy", Phase: PhaseInfrastructure, Description: "kubernetes pod security and RBAC checks",
		Command: []string{"(in process) Kubernetes policy checks"}, Reports: []string{"kube-policy.sarif"},
		Gates: []string{"pss-restricted", "kubernetes-policy", "infrastructure-critical"}, Native: true, ToolSource: "hmsci",
		Skip: skipUnlessKubernetes,
	}}
	TerraformPolicy = nativeStep{spec: Spec{
		Name: "terraform-policy", Phase: PhaseInfrastructure, Description: "terraform HIPAA safeguard checks",
		Command: []string{"(in process) Terraform policy checks"}, Reports: []string{"terraform-policy.sarif"},
		Gates: []string{"terraform-misconfigurations", "infrastructure-critical"}, Native: true, ToolSource: "hmsci",
		Skip: skipUnlessTerraform,
	}}
)

// All returns every step in pipeline order: by phase, then in the order a
// reader expects within the phase.
func All() []Step {
	return []Step{
		// Phase 1, code quality.
		TSC, TSConfigStrict, TypeCoverage, ESLint, Prettier, GolangciLint, SonarQube,
		// Phase 2, testing.
		Jest, Vitest, GoTest, Stryker, Newman, Playwright, Axe, Lighthouse, K6,
		// Phase 3, security.
		Semgrep, TrivyFS, Gitleaks, OSVScanner, Govulncheck, ZAP, LicenseCheck, Snyk,
		// Compliance, in process.
		PHIScan, FHIRValidate, HIPAA,
		// Phase 4, container supply chain.
		ImageBuild, ImageCheck, SBOM, TrivyImage, ConftestImage, Publish, Sign, Verify,
		// Phase 5, infrastructure.
		Kubeconform, ConftestK8s, KubePolicy, TFLint, TrivyConfig, TerraformPolicy, TerraformDrift,
	}
}

// ByName returns the step with the given name.
func ByName(name string) (Step, error) {
	for _, s := range All() {
		if s.Spec().Name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("unknown step %q: run `ci plan` for the list of steps", name)
}

// InPhase returns the steps of one phase in pipeline order.
func InPhase(phase Phase) []Step {
	var out []Step
	for _, s := range All() {
		if s.Spec().Phase == phase {
			out = append(out, s)
		}
	}
	return out
}
