package kube

import "fmt"

// pod is the pod template of a workload object.
type pod struct {
	obj *Object
	// meta and spec are the pod's metadata and spec, whatever the nesting
	// of the owning object.
	meta field
	spec field
	// batch is set for Jobs and CronJobs, which run to completion.
	batch bool
}

// podOf returns the pod template of a Pod, a PodTemplate or a workload
// controller, and false for any other object.
func podOf(o *Object) (pod, bool) {
	var template field
	batch := false
	switch o.Kind {
	case "Pod":
		return pod{obj: o, meta: o.root.get("metadata"), spec: o.root.get("spec")}, true
	case "PodTemplate":
		template = o.root.get("template")
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController":
		template = o.root.get("spec").get("template")
	case "Job":
		template = o.root.get("spec").get("template")
		batch = true
	case "CronJob":
		template = o.root.get("spec").get("jobTemplate").get("spec").get("template")
		batch = true
	default:
		return pod{}, false
	}
	return pod{obj: o, meta: template.get("metadata"), spec: template.get("spec"), batch: batch}, true
}

// container is one entry of containers, initContainers or
// ephemeralContainers.
type container struct {
	field
	name string
	// list is the pod spec key the container is listed under.
	list string
}

// label names the container in messages, such as `init container "migrate"`.
func (c container) label() string {
	switch c.list {
	case "initContainers":
		return fmt.Sprintf("init container %q", c.name)
	case "ephemeralContainers":
		return fmt.Sprintf("ephemeral container %q", c.name)
	}
	return fmt.Sprintf("container %q", c.name)
}

// containers returns the containers of the lists named, in document order.
func (p pod) containers(lists ...string) []container {
	var out []container
	for _, list := range lists {
		for _, item := range p.spec.get(list).items() {
			out = append(out, container{field: item, name: item.get("name").str(), list: list})
		}
	}
	return out
}

var allContainerLists = []string{"containers", "initContainers", "ephemeralContainers"}

// windows reports whether the pod declares spec.os.name windows, which
// exempts it from the Linux-only restricted controls.
func (p pod) windows() bool {
	return p.spec.get("os").get("name").str() == "windows"
}
