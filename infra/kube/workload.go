package kube

import (
	"fmt"
	"regexp"
	"strings"
)

var digestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// checkContainers runs the workload hygiene checks: resources, probes and
// image references.
func (c *checker) checkContainers(p pod) {
	for _, ctr := range p.containers("containers", "initContainers") {
		c.checkResources(p, ctr)
	}
	if !p.batch {
		for _, ctr := range p.containers("containers") {
			c.checkProbes(p, ctr)
		}
	}
	for _, ctr := range p.containers(allContainerLists...) {
		c.checkImage(p, ctr)
	}
}

func (c *checker) checkResources(p pod, ctr container) {
	resources := ctr.get("resources")
	var missing []string
	for _, group := range []string{"requests", "limits"} {
		for _, name := range []string{"cpu", "memory"} {
			if !resources.get(group).get(name).present() {
				missing = append(missing, group+"."+name)
			}
		}
	}
	if len(missing) == 0 {
		return
	}
	at := resources
	if !at.present() {
		at = ctr.field
		at.path = resources.path
	}
	c.report(ruleResources, p.obj, at, ctr.label(), fmt.Sprintf(
		"%s: %s does not set %s; without them one pod can starve the node and the scheduler cannot place it reliably.",
		subject(p.obj, ctr.label()), resources.path, strings.Join(missing, ", ")))
}

func (c *checker) checkProbes(p pod, ctr container) {
	var missing []string
	for _, probe := range []string{"livenessProbe", "readinessProbe"} {
		if !ctr.get(probe).present() {
			missing = append(missing, probe)
		}
	}
	if len(missing) == 0 {
		return
	}
	at := ctr.field
	at.path = ctr.path
	c.report(ruleProbes, p.obj, at, ctr.label(), fmt.Sprintf(
		"%s: %s has no %s, so Kubernetes cannot restart a hung process or keep traffic away from an unready one.",
		subject(p.obj, ctr.label()), ctr.path, strings.Join(missing, " or ")))
}

// imageRef splits an image reference into its name (registry and
// repository), tag and digest. Missing parts are empty.
func imageRef(ref string) (name, tag, digest string) {
	name = ref
	if at := strings.Index(name, "@"); at >= 0 {
		name, digest = name[:at], name[at+1:]
	}
	lastSlash := strings.LastIndex(name, "/")
	if colon := strings.LastIndex(name, ":"); colon > lastSlash {
		name, tag = name[:colon], name[colon+1:]
	}
	return name, tag, digest
}

func (c *checker) checkImage(p pod, ctr container) {
	image := ctr.get("image")
	ref := image.str()
	if ref == "" {
		return
	}
	name, tag, digest := imageRef(ref)
	if digestPattern.MatchString(digest) {
		return
	}
	if digest == "" && (tag == "" || tag == "latest") {
		c.report(ruleImageLatest, p.obj, image, ctr.label(), fmt.Sprintf(
			"%s: image %q resolves to the latest tag, so each pull may run different code; pin a release by digest (%s@sha256:<64 hex digits>).",
			subject(p.obj, ctr.label()), ref, name))
		return
	}
	reason := "is not pinned by digest"
	if digest != "" {
		reason = fmt.Sprintf("has digest %q, which is not sha256: followed by 64 lower-case hex digits", digest)
	}
	pinned := name
	if tag != "" {
		pinned += ":" + tag
	}
	c.report(ruleImageNotPinned, p.obj, image, ctr.label(), fmt.Sprintf(
		"%s: image %q %s; a tag can be moved, so use %s@sha256:<64 hex digits>.",
		subject(p.obj, ctr.label()), ref, reason, pinned))
}
