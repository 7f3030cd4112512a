package steps

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"dagger.io/dagger"
)

// Promotion tiers, in order; a tier's tag is pushed only when the pipeline
// has decided that the tier's gates passed.
var Tiers = []string{"dev", "staging", "prod"}

var tagPattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

func skipUnlessPublish(d Detection, o Options) (bool, string) {
	if skip, reason := skipUnlessDockerfile(d, o); skip {
		return skip, reason
	}
	switch {
	case !o.Publish:
		return true, "publishing is off (opt in with --publish)"
	case o.ImageRepository == "":
		return true, "no image repository configured for publishing"
	case o.Version == "":
		return true, "no image version tag configured for publishing"
	}
	return false, ""
}

// koBinary is where ko-built images (cosign, crane) keep their binary.
func koBinary(name string) string { return "/ko-app/" + name }

// caBundle is the CA certificate bundle of ko's default base image.
const caBundle = "/etc/ssl/certs/ca-certificates.crt"

// toolInBusybox returns the busybox image with one ko-built tool and its CA
// bundle copied in: the tool images have no shell, and the login and
// reference handling need one.
func (env *Env) toolInBusybox(spec Spec, toolKey, tool string) (*dagger.Container, error) {
	toolRef, err := env.Images.Resolve(toolKey)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", spec.Name, err)
	}
	busyboxRef, err := env.Images.Resolve(ImageBusybox)
	if err != nil {
		return nil, fmt.Errorf("step %s: %w", spec.Name, err)
	}
	if ref, ok := env.Images.Overrides[spec.Name]; ok && ref != "" {
		toolRef = ref
	}
	image := env.Client.Container().From(toolRef)
	return env.baseFrom(busyboxRef).
		WithFile("/usr/local/bin/"+tool, image.File(koBinary(tool))).
		WithFile(caBundle, image.File(caBundle)).
		WithEnvVariable("SSL_CERT_FILE", caBundle).
		WithEnvVariable("HOME", "/root"), nil
}

// registryHost returns the registry part of a repository reference.
func registryHost(repository string) string {
	normalized := NormalizeRef(repository)
	host, _, _ := strings.Cut(normalized, "/")
	return host
}

// withRegistryLogin logs a crane or cosign container in to the registry
// with the password from a secret variable, read by the shell so it never
// appears in an argument.
func (env *Env) withRegistryLogin(ctr *dagger.Container, tool string) *dagger.Container {
	o := env.Options
	if o.RegistryPassword == nil || o.RegistryUsername == "" {
		return ctr
	}
	ctr = ctr.
		WithEnvVariable("REGISTRY_HOST", registryHost(o.ImageRepository)).
		WithEnvVariable("REGISTRY_USERNAME", o.RegistryUsername).
		WithSecretVariable("REGISTRY_PASSWORD", o.RegistryPassword)
	login := `printf '%s' "$REGISTRY_PASSWORD" | ` + tool + ` login "$REGISTRY_HOST" -u "$REGISTRY_USERNAME" --password-stdin`
	if tool == "crane" {
		login = `printf '%s' "$REGISTRY_PASSWORD" | crane auth login "$REGISTRY_HOST" -u "$REGISTRY_USERNAME" --password-stdin`
	}
	return ctr.WithExec([]string{"sh", "-c", login})
}

// published returns the crane container that pushes the image archive
// under the version tag and, when set, the tier tag, and writes the pushed
// digest reference to image-ref.txt.
func (env *Env) published() (*dagger.Container, error) {
	o := env.Options
	if !tagPattern.MatchString(o.Version) {
		return nil, fmt.Errorf("invalid image version tag %q: use letters, digits, '_', '.', '-' (at most 128)", o.Version)
	}
	if o.Tier != "" && !contains(Tiers, o.Tier) {
		return nil, fmt.Errorf("invalid promotion tier %q: expected one of %s", o.Tier, strings.Join(Tiers, ", "))
	}
	image, err := BuiltImage(env)
	if err != nil {
		return nil, err
	}
	ctr, err := env.toolInBusybox(Spec{Name: "publish", ImageKey: ImageCrane}, ImageCrane, "crane")
	if err != nil {
		return nil, err
	}
	ctr = env.withRegistryLogin(ctr.WithMountedFile(imageTarPath, image.AsTarball()), "crane")

	ref := NormalizeRef(o.ImageRepository) + ":" + o.Version
	// crane reads a plain file as a docker-save tarball, so the OCI archive
	// is unpacked and pushed as an OCI layout directory.
	script := "set -e\nmkdir -p " + imageLayoutPath + " && tar -xf " + imageTarPath + " -C " + imageLayoutPath + "\n" +
		"crane push " + imageLayoutPath + " " + shellQuote(ref) + " > " + reportPath("image-ref.txt")
	if o.Tier != "" {
		script += "\ncrane tag " + shellQuote(ref) + " " + shellQuote(o.Tier)
	}
	script += "\necho " + shellQuote(strings.Join(publishedTags(o), "\n")) + " > " + reportPath("image-tags.txt")
	return ctr.WithExec([]string{"sh", "-c", script}), nil
}

func publishedTags(o Options) []string {
	tags := []string{o.Version}
	if o.Tier != "" {
		tags = append(tags, o.Tier)
	}
	return tags
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Publish pushes the built image (opt-in) with crane, under the version
// tag and the promotion tier tag. A failed push fails the step.
var Publish = toolStep{
	spec: Spec{
		Name:        "publish",
		Phase:       PhaseContainer,
		Description: "publish image to the registry",
		ImageKey:    ImageCrane,
		Command:     []string{"crane", "push", imageLayoutPath, "REPOSITORY:VERSION"},
		CommandFor: func(_ Detection, o Options) []string {
			if o.ImageRepository == "" || o.Version == "" {
				return []string{"crane", "push", imageLayoutPath, "REPOSITORY:VERSION"}
			}
			return []string{"crane", "push", imageLayoutPath, NormalizeRef(o.ImageRepository) + ":" + o.Version}
		},
		Pulls: func(d Detection, o Options) []Pull {
			return append(builtImagePulls(d, o), imagePull(o, ImageBusybox, "shell for crane"))
		},
		Reports:    []string{"image-ref.txt", "image-tags.txt"},
		Optional:   true,
		ToolSource: "crane from its image, run in the busybox image",
		Skip:       skipUnlessPublish,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.published()
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		return env.output(spec, ctr), nil
	},
}

// cosignBase returns a cosign container with the published reference and
// the registry login.
func (env *Env) cosignBase(spec Spec) (*dagger.Container, error) {
	pushed, err := env.published()
	if err != nil {
		return nil, err
	}
	ctr, err := env.toolInBusybox(spec, ImageCosign, "cosign")
	if err != nil {
		return nil, err
	}
	ctr = ctr.WithMountedFile("/hmsci/image-ref.txt", pushed.File(reportPath("image-ref.txt"))).
		WithEnvVariable("COSIGN_YES", "true")
	return env.withRegistryLogin(ctr, "cosign"), nil
}

// Sign signs the published image digest with a cosign key (offline: no
// transparency log upload) and attaches the image SBOM as a CycloneDX
// attestation. The key and its password travel as secret variables.
var Sign = toolStep{
	spec: Spec{
		Name:        "sign",
		Phase:       PhaseContainer,
		Description: "cosign image signature and SBOM attestation",
		ImageKey:    ImageCosign,
		Command:     []string{"cosign", "sign", "--key", "env://COSIGN_KEY", "--tlog-upload=false", "REF"},
		Reports:     []string{"cosign-sign.txt"},
		Gates:       []string{"image-signed"},
		Pulls:       cosignPulls,
		Optional:    true,
		ToolSource:  "cosign from its image, run in the busybox image",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessPublish(d, o); skip {
				return skip, "signing needs a pushed image: " + reason
			}
			if o.CosignKey == nil {
				return true, "no cosign key secret configured"
			}
			return false, ""
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.cosignBase(spec)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		sbom, err := env.imageSBOM()
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		ctr = ctr.WithSecretVariable("COSIGN_KEY", env.Options.CosignKey).
			WithMountedFile("/hmsci/sbom.cdx.json", sbom.File(reportPath("sbom.cdx.json")))
		if env.Options.CosignPassword != nil {
			ctr = ctr.WithSecretVariable("COSIGN_PASSWORD", env.Options.CosignPassword)
		}
		out := shellQuote(reportPath("cosign-sign.txt"))
		script := `ref=$(cat /hmsci/image-ref.txt)
cosign sign --key env://COSIGN_KEY --tlog-upload=false "$ref"; echo "sign $?" > ` + out + `
cosign attest --key env://COSIGN_KEY --tlog-upload=false --type cyclonedx --predicate /hmsci/sbom.cdx.json "$ref"; echo "attest $?" >> ` + out
		ctr = shell(ctr, script)
		return env.output(spec, ctr), nil
	},
}

// Verify checks the signature and the SBOM attestation of the published
// image with the cosign public key.
var Verify = toolStep{
	spec: Spec{
		Name:        "verify",
		Phase:       PhaseContainer,
		Description: "cosign signature verification",
		ImageKey:    ImageCosign,
		Command:     []string{"cosign", "verify", "--key", "/hmsci/cosign.pub", "--insecure-ignore-tlog=true", "REF"},
		Reports:     []string{"cosign-verify.json", "cosign-verify-attestation.json", "cosign-verify.txt"},
		Gates:       []string{"image-signed"},
		Pulls:       cosignPulls,
		Optional:    true,
		ToolSource:  "cosign from its image, run in the busybox image",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessPublish(d, o); skip {
				return skip, "verification needs a pushed image: " + reason
			}
			if o.CosignPublicKey == nil {
				return true, "no cosign public key configured"
			}
			return false, ""
		},
	},
	build: func(ctx context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.cosignBase(spec)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		if env.Options.CosignKey != nil {
			// Verify after signing when both run in one pipeline.
			signed, err := Sign.build(ctx, env, Sign.spec)
			if err != nil {
				return nil, err
			}
			ctr = ctr.WithMountedDirectory("/hmsci/signed", signed.Reports)
		}
		ctr = ctr.WithMountedFile("/hmsci/cosign.pub", env.Options.CosignPublicKey)
		txt := shellQuote(reportPath("cosign-verify.txt"))
		script := `ref=$(cat /hmsci/image-ref.txt)
cosign verify --key /hmsci/cosign.pub --insecure-ignore-tlog=true "$ref" > ` + shellQuote(reportPath("cosign-verify.json")) + `; echo "verify $?" > ` + txt + `
cosign verify-attestation --key /hmsci/cosign.pub --insecure-ignore-tlog=true --type cyclonedx "$ref" > ` + shellQuote(reportPath("cosign-verify-attestation.json")) + `; echo "verify-attestation $?" >> ` + txt
		ctr = shell(ctr, script)
		return env.output(spec, ctr), nil
	},
}

// cosignPulls lists what sign and verify pull besides the cosign image:
// busybox for the shell, and crane with the built image for the push that
// they sign and verify. Signing also builds the image SBOM with syft.
func cosignPulls(d Detection, o Options) []Pull {
	out := []Pull{imagePull(o, ImageBusybox, "shell for cosign")}
	out = append(out, koToolPulls(o, "crane", ImageCrane)...)
	out = append(out, imagePull(o, ImageSyft, "image SBOM for the attestation"))
	return append(out, builtImagePulls(d, o)...)
}
