package steps

import (
	"fmt"
	"sort"
	"strings"
)

// Image is one pinned tool image.
type Image struct {
	// Repository is fully qualified, such as "docker.io/library/node".
	Repository string
	Tag        string
	// Digest is "sha256:..." or empty when the digest was not confirmed.
	Digest string
	// Ships lists the tools the image provides to the steps that use it.
	Ships string
}

// Ref returns repository:tag@digest, or repository:tag without a digest.
func (i Image) Ref() string {
	ref := i.Repository + ":" + i.Tag
	if i.Digest != "" {
		ref += "@" + i.Digest
	}
	return ref
}

// Image keys of the default table.
const (
	ImageNode         = "node"
	ImageGo           = "golang"
	ImageGolangciLint = "golangci-lint"
	ImageSonarScanner = "sonar-scanner"
	ImageCurl         = "curl"
	ImagePlaywright   = "playwright"
	ImageNewman       = "newman"
	ImageK6           = "k6"
	ImagePostgres     = "postgres"
	ImageRedis        = "redis"
	ImageSemgrep      = "semgrep"
	ImageTrivy        = "trivy"
	ImageGitleaks     = "gitleaks"
	ImageOSVScanner   = "osv-scanner"
	ImageZAP          = "zap"
	ImageSyft         = "syft"
	ImageSnyk         = "snyk"
	ImageBusybox      = "busybox"
	ImageCosign       = "cosign"
	ImageConftest     = "conftest"
	ImageKubeconform  = "kubeconform"
	ImageTFLint       = "tflint"
	ImageTerraform    = "terraform"
	ImageCrane        = "crane"
	ImageK8sTools     = "k8s-tools"
)

// DefaultImages is the built-in image table.
//
// NOTE: no container registry is reachable from the network where this
// table was written, so no digest was pulled here. The digests that are set
// are the ones that several unrelated public repositories pin for the same
// tag. Every other entry is pinned by tag only until its digest is filled
// from `crane digest REF` on a connected machine.
var DefaultImages = map[string]Image{
	ImageNode:         {Repository: "docker.io/library/node", Tag: "22.12.0-bookworm", Digest: "sha256:0e910f435308c36ea60b4cfd7b80208044d77a074d16b768a81901ce938a62dc", Ships: "node 22, npm; tools come from the project's lockfile"},
	ImageGo:           {Repository: "docker.io/library/golang", Tag: "1.26-bookworm", Ships: "go toolchain; go tools come from go.mod tool directives"},
	ImageGolangciLint: {Repository: "docker.io/golangci/golangci-lint", Tag: "v2.15.0", Ships: "golangci-lint v2 and go"},
	ImageSonarScanner: {Repository: "docker.io/sonarsource/sonar-scanner-cli", Tag: "11.1", Ships: "sonar-scanner"},
	ImageCurl:         {Repository: "docker.io/curlimages/curl", Tag: "8.11.1", Ships: "curl and sh"},
	ImagePlaywright:   {Repository: "mcr.microsoft.com/playwright", Tag: "v1.49.1-noble", Ships: "node and the Chromium, Firefox and WebKit builds of one Playwright version"},
	ImageNewman:       {Repository: "docker.io/postman/newman", Tag: "6.2.1-alpine", Ships: "newman with its built-in junit reporter"},
	ImageK6:           {Repository: "docker.io/grafana/k6", Tag: "0.57.0", Digest: "sha256:70af91f86cd8e142e0544a4edaf79835a80033f71974b92edd5ac36fd4442a7b", Ships: "k6"},
	ImagePostgres:     {Repository: "docker.io/library/postgres", Tag: "17.2-alpine", Ships: "PostgreSQL server"},
	ImageRedis:        {Repository: "docker.io/library/redis", Tag: "7.4.1-alpine", Ships: "Redis server"},
	ImageSemgrep:      {Repository: "docker.io/semgrep/semgrep", Tag: "1.99.0", Ships: "semgrep"},
	ImageTrivy:        {Repository: "docker.io/aquasec/trivy", Tag: "0.58.1", Digest: "sha256:ab70a02200597efa04748f210f793936eb647cbcdb0ea69cc30b226d6f5a22c7", Ships: "trivy (database from the hmsci/trivy-db cache)"},
	ImageGitleaks:     {Repository: "ghcr.io/gitleaks/gitleaks", Tag: "v8.30.1", Digest: "sha256:c00b6bd0aeb3071cbcb79009cb16a60dd9e0a7c60e2be9ab65d25e6bc8abbb7f", Ships: "gitleaks"},
	ImageOSVScanner:   {Repository: "ghcr.io/google/osv-scanner", Tag: "v2.0.2", Ships: "osv-scanner"},
	ImageZAP:          {Repository: "ghcr.io/zaproxy/zaproxy", Tag: "2.16.0", Ships: "ZAP and zap-baseline.py"},
	ImageSyft:         {Repository: "docker.io/anchore/syft", Tag: "v1.18.1", Digest: "sha256:b8c170b8e51bfc4779ec3ef4399942c57290f5ce76a9c3af564c9d00d4946a6b", Ships: "syft"},
	ImageSnyk:         {Repository: "docker.io/snyk/snyk", Tag: "node", Ships: "snyk CLI with node"},
	ImageBusybox:      {Repository: "docker.io/library/busybox", Tag: "1.37.0", Ships: "sh, tar, du, grep for image inspection"},
	ImageCosign:       {Repository: "ghcr.io/sigstore/cosign/cosign", Tag: "v2.4.1", Ships: "cosign at /ko-app/cosign, copied into the busybox image"},
	ImageCrane:        {Repository: "gcr.io/go-containerregistry/crane", Tag: "v0.20.2", Ships: "crane at /ko-app/crane, copied into the busybox image"},
	ImageK8sTools:     {Repository: "docker.io/alpine/k8s", Tag: "1.31.3", Ships: "kubectl (kustomize) and helm for rendering manifests"},
	ImageConftest:     {Repository: "docker.io/openpolicyagent/conftest", Tag: "v0.56.0", Ships: "conftest"},
	ImageKubeconform:  {Repository: "ghcr.io/yannh/kubeconform", Tag: "v0.6.7-alpine", Ships: "kubeconform and sh"},
	ImageTFLint:       {Repository: "ghcr.io/terraform-linters/tflint", Tag: "v0.54.0", Ships: "tflint (plugins only with runtime downloads)"},
	ImageTerraform:    {Repository: "docker.io/hashicorp/terraform", Tag: "1.10.3", Ships: "terraform and sh"},
}

// Images resolves image keys to references, applying overrides and the
// registry mirror.
type Images struct {
	// Table maps image keys to images; nil means DefaultImages.
	Table map[string]Image
	// Mirror is prefixed to every table reference (not to overrides).
	Mirror string
	// Overrides map an image key or a step name to a full reference, used
	// as given.
	Overrides map[string]string
}

// NewImages returns the default table with the mirror and overrides of o.
func NewImages(o Options) Images {
	return Images{Table: DefaultImages, Mirror: o.Mirror, Overrides: o.ImageOverrides}
}

// Resolve returns the reference for an image key: the override for the key
// when set, else the table entry rewritten for the mirror.
func (im Images) Resolve(key string) (string, error) {
	if ref, ok := im.Overrides[key]; ok && strings.TrimSpace(ref) != "" {
		return strings.TrimSpace(ref), nil
	}
	table := im.Table
	if table == nil {
		table = DefaultImages
	}
	img, ok := table[key]
	if !ok {
		return "", fmt.Errorf("unknown image key %q: expected one of %s", key, strings.Join(sortedKeys(table), ", "))
	}
	return MirrorRef(im.Mirror, img.Ref()), nil
}

// ResolveStep returns the image of a step: an override by step name wins
// over the step's image key.
func (im Images) ResolveStep(spec Spec) (string, error) {
	if ref, ok := im.Overrides[spec.Name]; ok && strings.TrimSpace(ref) != "" {
		return strings.TrimSpace(ref), nil
	}
	return im.Resolve(spec.ImageKey)
}

// ResolveFor is ResolveStep that also follows the project: a step on the
// Playwright image gets the image tag of the project's @playwright/test
// version, so the browsers match the test runner. Overrides still win.
func (im Images) ResolveFor(spec Spec, d Detection) (string, error) {
	if spec.ImageKey != ImagePlaywright || d.PlaywrightVersion == "" {
		return im.ResolveStep(spec)
	}
	for _, key := range []string{spec.Name, ImagePlaywright} {
		if ref, ok := im.Overrides[key]; ok && strings.TrimSpace(ref) != "" {
			return strings.TrimSpace(ref), nil
		}
	}
	table := im.Table
	if table == nil {
		table = DefaultImages
	}
	img, ok := table[ImagePlaywright]
	if !ok {
		return "", fmt.Errorf("unknown image key %q: expected one of %s", ImagePlaywright, strings.Join(sortedKeys(table), ", "))
	}
	if tag := "v" + d.PlaywrightVersion + "-noble"; tag != img.Tag {
		// The table's digest belongs to its own tag, not to this one.
		img.Tag, img.Digest = tag, ""
	}
	return MirrorRef(im.Mirror, img.Ref()), nil
}

// MirrorRef rewrites ref to pull through a registry mirror. The mirror
// keeps the source registry host as the first path element, so images of
// different registries never collide:
//
//	registry.hospital.example/mirror/ + node:22
//	  -> registry.hospital.example/mirror/docker.io/library/node:22
//	registry.hospital.example/mirror/ + ghcr.io/gitleaks/gitleaks:v8
//	  -> registry.hospital.example/mirror/ghcr.io/gitleaks/gitleaks:v8
//
// An empty mirror returns the normalized reference.
func MirrorRef(mirror, ref string) string {
	normalized := NormalizeRef(ref)
	mirror = strings.TrimSpace(mirror)
	if mirror == "" {
		return normalized
	}
	return strings.TrimSuffix(mirror, "/") + "/" + normalized
}

// NormalizeRef makes a reference fully qualified the way Docker reads it:
// "node:22" is docker.io/library/node:22 and "bitnami/redis" is
// docker.io/bitnami/redis. Hosts such as ghcr.io, quay.io, cgr.dev,
// localhost:5000 are kept.
func NormalizeRef(ref string) string {
	ref = strings.TrimSpace(ref)
	first, rest, hasSlash := strings.Cut(ref, "/")
	isHost := hasSlash && (strings.ContainsAny(first, ".:") || first == "localhost")
	switch {
	case !hasSlash:
		return "docker.io/library/" + ref
	case !isHost:
		return "docker.io/" + ref
	case first == "docker.io" || first == "index.docker.io" || first == "registry-1.docker.io":
		if !strings.Contains(rest, "/") {
			return "docker.io/library/" + rest
		}
		return "docker.io/" + rest
	default:
		return ref
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
