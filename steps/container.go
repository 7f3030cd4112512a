package steps

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"dagger.io/dagger"
)

// imageTarPath is the mount point of the built image as an OCI archive.
const imageTarPath = "/hmsci/image.tar"

// imageLayoutPath is the OCI layout directory unpacked from imageTarPath,
// for tools that read a layout directory but not an OCI archive.
const imageLayoutPath = "/tmp/oci"

func skipUnlessDockerfile(d Detection, o Options) (bool, string) {
	if len(d.Dockerfiles) == 0 && o.Dockerfile == "" {
		return true, "no Dockerfile in the source"
	}
	return false, ""
}

// ImageBuild builds the app image from the Dockerfile through the engine's
// BuildKit (multi-stage, build args, secrets as build secrets). It writes no
// report; later container steps read the image itself.
var ImageBuild = toolStep{
	spec: Spec{
		Name:        "image-build",
		Phase:       PhaseContainer,
		Description: "container image build",
		ImageKey:    "",
		Command:     imageBuildArgs(Detection{}, Options{}),
		CommandFor:  imageBuildArgs,
		Pulls:       dockerfilePulls,
		ToolSource:  "the Dagger engine's BuildKit",
		Skip:        skipUnlessDockerfile,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		image, err := BuiltImage(env)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		return &Output{Container: image, Reports: env.Client.Directory()}, nil
	},
}

// imageBuildArgs describes the engine's Dockerfile build as an argv:
// the Dockerfile, the target stage and each build argument, in the order
// buildImage passes them.
func imageBuildArgs(d Detection, o Options) []string {
	dockerfile := o.Dockerfile
	if dockerfile == "" && len(d.Dockerfiles) > 0 {
		dockerfile = d.Dockerfiles[0]
	}
	if dockerfile == "" {
		dockerfile = "Dockerfile"
	}
	args := []string{"(dagger) Directory.dockerBuild", "--file", dockerfile}
	if o.BuildTarget != "" {
		args = append(args, "--target", o.BuildTarget)
	}
	for _, name := range sortedEnv(o.BuildArgs) {
		args = append(args, "--build-arg", name+"="+o.BuildArgs[name])
	}
	return args
}

// imageCheckScript reads the OCI archive $IMAGE_TAR and the unpacked root
// filesystem $ROOTFS of the image, and writes image-config.json (the OCI
// config blob), image-manifest.json and image-check.json to $R. JSON is
// compacted with tr so grep can pick digests without a JSON parser in
// busybox.
const imageCheckScript = `set -u
W=$(mktemp -d)
tar -xf "$IMAGE_TAR" -C "$W" || exit 1
blob() { echo "$W/blobs/sha256/$(echo "$1" | cut -d: -f2)"; }
compact() { tr -d ' \n\t' < "$1"; }
manifest=$(compact "$W/index.json" | grep -o '"digest":"sha256:[0-9a-f]*"' | head -n 1 | cut -d'"' -f4)
compact "$(blob "$manifest")" > "$R/image-manifest.json"
config=$(compact "$R/image-manifest.json" | grep -o '"config":{[^}]*}' | grep -o 'sha256:[0-9a-f]*')
cp "$(blob "$config")" "$R/image-config.json"
layers=$(compact "$R/image-manifest.json" | grep -o '"layers":\[.*\]' | grep -o '"digest"' | wc -l)
compressed=0
for s in $(compact "$R/image-manifest.json" | grep -o '"layers":\[.*\]' | grep -o '"size":[0-9]*' | cut -d: -f2); do compressed=$((compressed + s)); done
user=$(tr -d '\n' < "$R/image-config.json" | grep -o '"User": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')
rootfs_kib=$(du -sk "$ROOTFS" | cut -f1)
list() { out=""; for f in "$@"; do if [ -e "$ROOTFS/$f" ] || [ -L "$ROOTFS/$f" ]; then out="$out\"/$f\","; fi; done; echo "[${out%,}]"; }
shells=$(list bin/sh bin/bash bin/ash bin/dash bin/zsh usr/bin/sh usr/bin/bash usr/bin/dash bin/busybox)
pms=$(list usr/bin/apt usr/bin/apt-get usr/bin/dpkg sbin/apk usr/bin/yum usr/bin/dnf usr/bin/microdnf usr/bin/rpm usr/bin/zypper)
langpms=$(list usr/local/bin/npm usr/bin/npm usr/local/bin/pip usr/bin/pip usr/bin/pip3 usr/local/bin/pip3 usr/bin/gem)
printf '{"user":"%s","layers":%d,"compressedBytes":%d,"rootfsBytes":%d,"shells":%s,"packageManagers":%s,"languagePackageManagers":%s,"requireMinimal":%s}\n' \
  "$user" "$layers" "$compressed" "$((rootfs_kib * 1024))" "$shells" "$pms" "$langpms" "$REQUIRE_MINIMAL" > "$R/image-check.json"
`

// imageCheck returns the container that inspects the built image.
func (env *Env) imageCheck() (*dagger.Container, error) {
	image, err := BuiltImage(env)
	if err != nil {
		return nil, err
	}
	ctr, err := env.base(Spec{Name: "image-check", ImageKey: ImageBusybox})
	if err != nil {
		return nil, err
	}
	minimal := "false"
	if env.Options.RequireMinimalImage {
		minimal = "true"
	}
	return ctr.
		WithMountedFile(imageTarPath, image.AsTarball()).
		WithMountedDirectory("/image", image.Rootfs()).
		WithEnvVariable("REQUIRE_MINIMAL", minimal).
		WithEnvVariable("IMAGE_TAR", imageTarPath).
		WithEnvVariable("ROOTFS", "/image").
		WithEnvVariable("R", ReportsPath).
		WithExec([]string{"sh", "-c", imageCheckScript}), nil
}

// ImageCheck reports the image's user, shells, package managers, size and
// layer count; ParseImageCheck and ImageCheckReport.Findings evaluate them.
var ImageCheck = toolStep{
	spec: Spec{
		Name:        "image-check",
		Phase:       PhaseContainer,
		Description: "container image configuration check",
		ImageKey:    ImageBusybox,
		Command:     []string{"sh", "-c", "(inspect " + imageTarPath + " and the image root filesystem)"},
		Reports:     []string{"image-check.json", "image-config.json", "image-manifest.json"},
		Gates:       []string{"image-non-root", "image-minimal"},
		Pulls:       builtImagePulls,
		ToolSource:  "the busybox image",
		Skip:        skipUnlessDockerfile,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.imageCheck()
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		return env.output(spec, ctr), nil
	},
}

// imageSBOM returns the syft container that writes the image SBOM.
func (env *Env) imageSBOM() (*dagger.Container, error) {
	image, err := BuiltImage(env)
	if err != nil {
		return nil, err
	}
	ctr, err := env.base(Spec{Name: "sbom", ImageKey: ImageSyft})
	if err != nil {
		return nil, err
	}
	ctr = ctr.WithMountedFile(imageTarPath, image.AsTarball()).
		WithEnvVariable("SYFT_CHECK_FOR_APP_UPDATE", "false")
	return run(ctr, "/syft", "scan", "oci-archive:"+imageTarPath, "-o", "cyclonedx-json="+reportPath("sbom.cdx.json")), nil
}

// SBOM lists the image's packages and licences as CycloneDX JSON.
var SBOM = toolStep{
	spec: Spec{
		Name:        "sbom",
		Phase:       PhaseContainer,
		Description: "image software bill of materials",
		ImageKey:    ImageSyft,
		Command:     []string{"/syft", "scan", "oci-archive:" + imageTarPath, "-o", "cyclonedx-json=" + reportPath("sbom.cdx.json")},
		Reports:     []string{"sbom.cdx.json"},
		Gates:       []string{"licenses"},
		Pulls:       builtImagePulls,
		ToolSource:  "the syft image",
		Skip:        skipUnlessDockerfile,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		ctr, err := env.imageSBOM()
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		return env.output(spec, ctr), nil
	},
}

func trivyImageArgs(o Options) []string {
	args := []string{"trivy", "image", "--input", imageLayoutPath, "--format", "json",
		"--output", reportPath("trivy-image.json")}
	args = append(args, trivyCommon(o)...)
	return append(args, trivyVulnArgs(o, "trivy-image")...)
}

// TrivyImage scans the built image's OS and language packages, writes the
// JSON report, and converts it to SARIF with `trivy convert`.
var TrivyImage = toolStep{
	spec: Spec{
		Name:        "trivy-image",
		Phase:       PhaseContainer,
		Description: "trivy image vulnerability scan",
		ImageKey:    ImageTrivy,
		Command:     trivyImageArgs(Options{AllowRuntimeDownloads: true}.withDefaults()),
		CommandFor:  func(_ Detection, o Options) []string { return trivyImageArgs(o) },
		Pulls: func(d Detection, o Options) []Pull {
			return append(builtImagePulls(d, o), trivyPulls(o, "trivy-image", false)...)
		},
		Reports:    []string{"trivy-image.json", "trivy-image.sarif"},
		Gates:      []string{"critical-vulnerabilities"},
		ToolSource: "the trivy image; databases from the configured repository into the hmsci/trivy-db cache",
		Skip: func(d Detection, o Options) (bool, string) {
			if skip, reason := skipUnlessDockerfile(d, o); skip {
				return skip, reason
			}
			return skipWithoutTrivyDB("trivy-image", "trivy-image")(d, o)
		},
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		image, err := BuiltImage(env)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		ctr, err := env.trivyBase(spec)
		if err != nil {
			return nil, err
		}
		// trivy --input reads a docker-save tarball or an OCI layout
		// directory, so the OCI archive is unpacked first.
		ctr = ctr.WithMountedFile(imageTarPath, image.AsTarball()).
			WithExec([]string{"sh", "-c", "mkdir -p " + imageLayoutPath + " && tar -xf " + imageTarPath + " -C " + imageLayoutPath})
		ctr = run(ctr, trivyImageArgs(env.Options)...)
		ctr = run(ctr, "trivy", "convert", "--format", "sarif", "--output", reportPath("trivy-image.sarif"), reportPath("trivy-image.json"))
		return env.output(spec, ctr), nil
	},
}

//go:embed policies
var shippedPolicies embed.FS

// imagePolicies returns the Rego rules for conftest-image: the override
// directory, else the rules shipped in steps/policies/image.
func (env *Env) imagePolicies() (*dagger.Directory, error) {
	if env.Options.ImagePolicies != nil {
		return env.Options.ImagePolicies, nil
	}
	dir := env.Client.Directory()
	err := fs.WalkDir(shippedPolicies, "policies/image", func(p string, entry fs.DirEntry, err error) error {
		if err != nil || entry.IsDir() {
			return err
		}
		data, err := shippedPolicies.ReadFile(p)
		if err != nil {
			return err
		}
		dir = dir.WithNewFile(strings.TrimPrefix(p, "policies/image/"), string(data))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read shipped image policies: %w", err)
	}
	return dir, nil
}

// ConftestImage evaluates the Rego rules on the image's OCI config, as
// extracted by image-check.
var ConftestImage = toolStep{
	spec: Spec{
		Name:        "conftest-image",
		Phase:       PhaseContainer,
		Description: "image policy check with conftest",
		ImageKey:    ImageConftest,
		Command: []string{"conftest", "test", "--policy", "/policies", "--all-namespaces", "--output", "json",
			"--no-color", "/inputs/image-config.json"},
		Reports: []string{"conftest-image.json"},
		Gates:   []string{"image-policy"},
		Pulls: func(d Detection, o Options) []Pull {
			return append(builtImagePulls(d, o), imagePull(o, ImageBusybox, "image-check inspection of the built image"))
		},
		ToolSource: "the conftest image; rules shipped with hmsci or Options.ImagePolicies",
		Skip:       skipUnlessDockerfile,
	},
	build: func(_ context.Context, env *Env, spec Spec) (*Output, error) {
		check, err := env.imageCheck()
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		policies, err := env.imagePolicies()
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", spec.Name, err)
		}
		ctr, err := env.base(spec)
		if err != nil {
			return nil, err
		}
		ctr = ctr.
			WithMountedDirectory("/policies", policies).
			WithMountedFile("/inputs/image-config.json", check.File(reportPath("image-config.json")))
		ctr = runTo(ctr, reportPath("conftest-image.json"), spec.Command...)
		return env.output(spec, ctr), nil
	},
}
