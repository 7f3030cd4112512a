package toolreports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
	"github.com/hms-enterprise/hmsci/gates/policy"
)

// conftestResult is one file's entry in `conftest test --output json`
// (conftest 0.56).
type conftestResult struct {
	Filename   string         `json:"filename"`
	Namespace  string         `json:"namespace"`
	Successes  int            `json:"successes"`
	Warnings   []conftestRule `json:"warnings"`
	Failures   []conftestRule `json:"failures"`
	Exceptions []conftestRule `json:"exceptions"`
}

// conftestRule is one rule result. Metadata holds the fields of a rule
// that returns an object instead of a message string.
type conftestRule struct {
	Msg      string         `json:"msg"`
	Metadata map[string]any `json:"metadata"`
}

// severity returns a severity that the rule sets in its metadata
// ("severity", or "severity" under "details"), else fallback.
func (c conftestRule) severity(fallback gates.Severity) gates.Severity {
	for _, m := range []any{c.Metadata["severity"], nestedValue(c.Metadata, "details", "severity")} {
		if s, ok := m.(string); ok {
			if parsed, err := gates.ParseSeverity(s); err == nil && parsed != gates.SeverityNone {
				return parsed
			}
		}
	}
	return fallback
}

func nestedValue(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = obj[k]
	}
	return v
}

// parseConftest reads a conftest JSON report. Failures are high severity
// and warnings medium, unless the rule's metadata sets a severity;
// exceptions are failures that a policy exception accepts, kept as
// suppressed. withPath is false for the image step, whose only input is
// the extracted image config.
func (r *reader) parseConftest(name, tool string, withPath bool, a *policy.Analysis) error {
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return r.errorf(name, 0, "file is empty: conftest stops without output when it cannot parse an input file or a policy; read the step log")
	}
	var results []conftestResult
	if err := r.decodeJSON(name, data, &results); err != nil {
		return err
	}
	var messages []string
	add := func(res conftestResult, rule conftestRule, kind string, severity gates.Severity, suppressed bool) {
		f := gates.Finding{
			Tool: tool, RuleID: res.Namespace + "/" + kind, Severity: rule.severity(severity),
			Suppressed: suppressed,
		}
		if suppressed {
			f.SuppressionReason = "accepted by a conftest exception rule"
		}
		if withPath {
			f.Path = strings.TrimPrefix(res.Filename, "./")
		}
		a.Findings = append(a.Findings, f)
		messages = append(messages, rule.Msg)
	}
	for i, res := range results {
		if res.Filename == "" && withPath {
			return &ParseError{Step: r.step, Path: r.path(name), Field: fmt.Sprintf("[%d].filename", i), Err: fmt.Errorf("missing file name")}
		}
		for _, rule := range res.Failures {
			add(res, rule, "deny", gates.SeverityHigh, false)
		}
		for _, rule := range res.Warnings {
			add(res, rule, "warn", gates.SeverityMedium, false)
		}
		for _, rule := range res.Exceptions {
			add(res, rule, "deny", gates.SeverityHigh, true)
		}
	}
	for i, m := range maskMessages(messages) {
		if !withPath {
			m = "image config: " + m
		}
		a.Findings[i].Message = m
	}
	return nil
}

func parseConftestImage(r *reader, a *policy.Analysis) error {
	return r.parseConftest("conftest-image.json", policy.ToolConftestImage, false, a)
}

func parseConftestK8s(r *reader, a *policy.Analysis) error {
	return r.parseConftest("conftest-k8s.json", policy.ToolConftestK8s, true, a)
}

// kubeconformReport is `kubeconform -output json -summary` (kubeconform
// 0.6). Without -verbose only invalid, failed and skipped resources are
// listed.
type kubeconformReport struct {
	Resources *[]struct {
		Filename         string `json:"filename"`
		Kind             string `json:"kind"`
		Name             string `json:"name"`
		Version          string `json:"version"`
		Status           string `json:"status"`
		Msg              string `json:"msg"`
		ValidationErrors []struct {
			Path string `json:"path"`
			Msg  string `json:"msg"`
		} `json:"validationErrors"`
	} `json:"resources"`
	Summary *struct {
		Valid   int `json:"valid"`
		Invalid int `json:"invalid"`
		Errors  int `json:"errors"`
		Skipped int `json:"skipped"`
	} `json:"summary"`
}

// parseKubeconform reads kubeconform.json: one finding per invalid
// resource, and one per resource kubeconform could not validate (no
// schema, unparsable YAML), since neither is known to be valid.
func parseKubeconform(r *reader, a *policy.Analysis) error {
	const name = "kubeconform.json"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	var rep kubeconformReport
	if err := r.decodeJSON(name, data, &rep); err != nil {
		return err
	}
	if rep.Resources == nil {
		return r.errorf(name, 0, "missing key \"resources\": expected the output of kubeconform -output json")
	}
	var messages []string
	for i, res := range *rep.Resources {
		resource := strings.TrimSpace(res.Kind + " " + res.Name)
		if resource == "" {
			resource = "a resource"
		}
		var message string
		switch res.Status {
		case "statusInvalid":
			var details []string
			for _, ve := range res.ValidationErrors {
				details = append(details, fmt.Sprintf("%s: %s", ve.Path, ve.Msg))
			}
			if len(details) == 0 {
				details = append(details, res.Msg)
			}
			message = fmt.Sprintf("%s (%s) is invalid: %s", resource, res.Version, strings.Join(details, "; "))
		case "statusError":
			message = fmt.Sprintf("%s could not be validated: %s", resource, res.Msg)
		case "statusValid", "statusSkipped", "statusEmpty":
			continue
		default:
			return &ParseError{Step: r.step, Path: r.path(name), Field: fmt.Sprintf("resources[%d].status", i),
				Err: fmt.Errorf("invalid status %q: expected statusValid, statusInvalid, statusError, statusSkipped or statusEmpty", res.Status)}
		}
		rule := "kubeconform/invalid"
		if res.Status == "statusError" {
			rule = "kubeconform/error"
		}
		a.Findings = append(a.Findings, gates.Finding{
			Tool: policy.ToolKubeconform, RuleID: rule, Severity: gates.SeverityHigh,
			Path: strings.TrimPrefix(res.Filename, "./"),
		})
		messages = append(messages, message)
	}
	for i, m := range maskMessages(messages) {
		a.Findings[i].Message = m
	}
	if s := rep.Summary; s != nil {
		total := s.Valid + s.Invalid + s.Errors
		a.Ratios = map[string]policy.Ratio{"kubernetes-schema": {Passed: s.Valid, Total: total}}
	}
	return nil
}

// imageCheck is image-check.json as the image-check step writes it.
type imageCheck struct {
	User                    *string  `json:"user"`
	Layers                  int      `json:"layers"`
	CompressedBytes         int64    `json:"compressedBytes"`
	RootfsBytes             int64    `json:"rootfsBytes"`
	Shells                  []string `json:"shells"`
	PackageManagers         []string `json:"packageManagers"`
	LanguagePackageManagers []string `json:"languagePackageManagers"`
	RequireMinimal          bool     `json:"requireMinimal"`
}

// parseImageCheck reads image-check.json: the image-non-root check, and a
// finding per shell and package manager in the final image for
// image-minimal. They are high severity when the run required a minimal
// image, else informational.
func parseImageCheck(r *reader, a *policy.Analysis) error {
	const name = "image-check.json"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	var c imageCheck
	if err := r.decodeJSON(name, data, &c); err != nil {
		return err
	}
	if c.User == nil {
		return r.errorf(name, 0, "missing key \"user\": expected image-check.json as the image-check step writes it")
	}
	if c.Layers < 0 || c.CompressedBytes < 0 || c.RootfsBytes < 0 {
		return r.errorf(name, 0, "invalid sizes: layers %d, compressedBytes %d and rootfsBytes %d must not be negative", c.Layers, c.CompressedBytes, c.RootfsBytes)
	}

	user := strings.TrimSpace(*c.User)
	userName, _, _ := strings.Cut(user, ":")
	root := userName == "" || userName == "root" || userName == "0"
	check := policy.Check{OK: !root, Detail: fmt.Sprintf("image user %q", user)}
	if root {
		displayed := user
		if displayed == "" {
			displayed = "unset, so root"
		}
		check.Detail = fmt.Sprintf("the image runs as root (User %s): add a non-root USER to the final Dockerfile stage", displayed)
		a.Findings = append(a.Findings, gates.Finding{
			Tool: policy.ToolImageCheck, RuleID: policy.RuleImageRootUser, Severity: gates.SeverityHigh, Path: "Dockerfile",
			Message: check.Detail,
		})
	}
	a.Checks = map[string]policy.Check{policy.CheckImageNonRoot: check}

	severity := gates.SeverityInfo
	if c.RequireMinimal {
		severity = gates.SeverityHigh
	}
	for _, shell := range c.Shells {
		a.Findings = append(a.Findings, gates.Finding{
			Tool: policy.ToolImageCheck, RuleID: policy.RuleImageShell, Severity: severity, Path: "Dockerfile",
			Message: fmt.Sprintf("the final image contains the shell %s: use a distroless or scratch final stage", maskMessage(shell)),
		})
	}
	for _, pm := range append(append([]string{}, c.PackageManagers...), c.LanguagePackageManagers...) {
		a.Findings = append(a.Findings, gates.Finding{
			Tool: policy.ToolImageCheck, RuleID: policy.RuleImagePackageManager, Severity: severity, Path: "Dockerfile",
			Message: fmt.Sprintf("the final image contains the package manager %s: install packages in a build stage only", maskMessage(pm)),
		})
	}
	return nil
}

// parseSign reads cosign-sign.txt: the exit status of cosign sign and of
// cosign attest (the SBOM attestation).
func parseSign(r *reader, a *policy.Analysis) error {
	const name = "cosign-sign.txt"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	status, err := r.statusLines(name, data, []string{"sign", "attest"})
	if err != nil {
		return err
	}
	a.Checks = map[string]policy.Check{policy.CheckImageSigned: cosignCheck(status, []string{"sign", "attest"}, "signed the image and attached the SBOM attestation")}
	return nil
}

// parseVerify reads cosign-verify.txt (exit status of cosign verify and
// verify-attestation) and, when verification passed, the signature
// payloads in cosign-verify.json.
func parseVerify(r *reader, a *policy.Analysis) error {
	const name = "cosign-verify.txt"
	a.Source = r.path(name)
	data, err := r.read(name)
	if err != nil {
		return err
	}
	steps := []string{"verify", "verify-attestation"}
	status, err := r.statusLines(name, data, steps)
	if err != nil {
		return err
	}
	check := cosignCheck(status, steps, "verified the signature and the SBOM attestation")
	if check.OK {
		const payloads = "cosign-verify.json"
		raw, err := r.read(payloads)
		if err != nil {
			return err
		}
		sigs, err := r.cosignPayloads(payloads, raw)
		if err != nil {
			return err
		}
		if len(sigs) == 0 {
			return r.errorf(payloads, 0, "no signature payload although cosign verify exited with status 0")
		}
		check.Detail += fmt.Sprintf(" (%d signature(s) for %s)", len(sigs), sigs[0].Critical.Image.Digest)
	}
	a.Checks = map[string]policy.Check{policy.CheckImageSigned: check}
	return nil
}

// cosignPayload is a verified signature payload in the simple signing
// format that cosign prints.
type cosignPayload struct {
	Critical struct {
		Image struct {
			Digest string `json:"docker-manifest-digest"`
		} `json:"image"`
	} `json:"critical"`
}

// cosignPayloads reads the stdout of cosign verify: a JSON array of
// payloads (cosign 2.x), or one JSON object per line as older versions
// print it.
func (r *reader) cosignPayloads(name string, data []byte) ([]cosignPayload, error) {
	var sigs []cosignPayload
	if trimmed := bytes.TrimSpace(data); len(trimmed) == 0 || trimmed[0] == '[' {
		err := r.decodeJSON(name, data, &sigs)
		return sigs, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		start := dec.InputOffset()
		var sig cosignPayload
		err := dec.Decode(&sig)
		if errors.Is(err, io.EOF) {
			return sigs, nil
		}
		if err != nil {
			line, column := lineColumn(data, start+1)
			return nil, &ParseError{Step: r.step, Path: r.path(name), Line: line, Column: column, Err: fmt.Errorf("invalid JSON payload: %w", err)}
		}
		sigs = append(sigs, sig)
	}
}

// cosignCheck holds when every cosign command exited with status 0.
func cosignCheck(status map[string]string, steps []string, success string) policy.Check {
	var problems []string
	for _, s := range steps {
		code, ok := status[s]
		switch {
		case !ok:
			problems = append(problems, "cosign "+s+" did not run")
		case code == "skipped":
			problems = append(problems, "cosign "+s+" was skipped")
		case code != "0":
			problems = append(problems, fmt.Sprintf("cosign %s exited with status %s", s, code))
		}
	}
	if len(problems) > 0 {
		return policy.Check{Detail: strings.Join(problems, ", ")}
	}
	return policy.Check{OK: true, Detail: "cosign " + success}
}
