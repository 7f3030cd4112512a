package kube

import (
	"fmt"
	"slices"
	"strings"
)

// baselineCapabilities are the capabilities the baseline profile allows in
// securityContext.capabilities.add.
var baselineCapabilities = []string{
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

// safeSysctls are the sysctls the baseline profile allows: the safe set of
// the Kubernetes v1.32 sysctl documentation.
//
// NOTE: net.ipv4.tcp_rmem and net.ipv4.tcp_wmem became safe in v1.32, so
// the admission controller of an older cluster still rejects them although
// this check accepts them.
var safeSysctls = []string{
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
}

// selinuxTypes are the seLinuxOptions.type values the baseline profile
// allows besides an empty value.
var selinuxTypes = []string{"container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

// restrictedVolumeTypes are the volume sources the restricted profile
// allows.
var restrictedVolumeTypes = []string{
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret",
}

const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

func (c *checker) checkPodSecurity(p pod) {
	c.checkBaseline(p)
	c.checkRestricted(p)
}

// pssMessage builds the message of a Pod Security Standards finding.
func pssMessage(r *Rule, obj *Object, ctr, problem string) string {
	return fmt.Sprintf("%s: %s. This breaks the Pod Security Standards %s control %q.", subject(obj, ctr), problem, r.Profile, r.Control)
}

func (c *checker) pss(r *Rule, p pod, at field, ctr, problem string) {
	c.report(r, p.obj, at, ctr, pssMessage(r, p.obj, ctr, problem))
}

func (c *checker) checkBaseline(p pod) {
	podSC := p.spec.get("securityContext")
	containers := p.containers(allContainerLists...)

	// HostProcess.
	if hp := podSC.get("windowsOptions").get("hostProcess"); hp.isTrue() {
		c.pss(rulePSSHostProcess, p, hp, "", fmt.Sprintf("%s is true", hp.path))
	}
	for _, ctr := range containers {
		if hp := ctr.get("securityContext").get("windowsOptions").get("hostProcess"); hp.isTrue() {
			c.pss(rulePSSHostProcess, p, hp, ctr.label(), fmt.Sprintf("%s is true", hp.path))
		}
	}

	// Host namespaces.
	for _, key := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if f := p.spec.get(key); f.isTrue() {
			c.pss(rulePSSHostNS, p, f, "", fmt.Sprintf("%s is true", f.path))
		}
	}

	for _, ctr := range containers {
		sc := ctr.get("securityContext")

		if f := sc.get("privileged"); f.isTrue() {
			c.pss(rulePSSPrivileged, p, f, ctr.label(), fmt.Sprintf("%s is true", f.path))
		}

		for _, capability := range sc.get("capabilities").get("add").items() {
			if !slices.Contains(baselineCapabilities, capability.str()) {
				c.pss(rulePSSCapsBase, p, capability, ctr.label(), fmt.Sprintf("%s adds capability %q, outside the baseline set", capability.path, capability.str()))
			}
		}

		for _, port := range ctr.get("ports").items() {
			if hp := port.get("hostPort"); hp.present() {
				if v, ok := hp.integer(); !ok || v != 0 {
					c.pss(rulePSSHostPorts, p, hp, ctr.label(), fmt.Sprintf("%s is %s", hp.path, hp.str()))
				}
			}
		}

		c.checkAppArmorField(p, sc.get("appArmorProfile").get("type"), ctr.label())
		c.checkSELinux(p, sc.get("seLinuxOptions"), ctr.label())

		if f := sc.get("procMount"); f.present() && f.str() != "Default" {
			c.pss(rulePSSProcMount, p, f, ctr.label(), fmt.Sprintf("%s is %q; only Default is allowed", f.path, f.str()))
		}

		if f := sc.get("seccompProfile").get("type"); f.str() == "Unconfined" {
			c.pss(rulePSSSeccompBase, p, f, ctr.label(), fmt.Sprintf("%s is Unconfined", f.path))
		}
	}

	for _, vol := range p.spec.get("volumes").items() {
		if hp := vol.get("hostPath"); hp.present() {
			c.pss(rulePSSHostPath, p, hp, "", fmt.Sprintf("volume %q mounts host path %q (%s)", vol.get("name").str(), hp.get("path").str(), hp.path))
		}
	}

	// AppArmor: pod field and the older per-container annotations.
	c.checkAppArmorField(p, podSC.get("appArmorProfile").get("type"), "")
	annotations := p.meta.get("annotations")
	for _, key := range annotations.keys() {
		if !strings.HasPrefix(key, appArmorAnnotationPrefix) {
			continue
		}
		value := annotations.get(key)
		v := value.str()
		if v != "runtime/default" && !strings.HasPrefix(v, "localhost/") {
			value.path = fmt.Sprintf("%s[%q]", annotations.path, key)
			c.pss(rulePSSAppArmor, p, value, "", fmt.Sprintf("annotation %s is %q; only runtime/default and localhost/* are allowed", key, v))
		}
	}

	c.checkSELinux(p, podSC.get("seLinuxOptions"), "")

	if f := podSC.get("seccompProfile").get("type"); f.str() == "Unconfined" {
		c.pss(rulePSSSeccompBase, p, f, "", fmt.Sprintf("%s is Unconfined", f.path))
	}

	for _, sysctl := range podSC.get("sysctls").items() {
		name := sysctl.get("name")
		if !slices.Contains(safeSysctls, name.str()) {
			c.pss(rulePSSSysctls, p, name, "", fmt.Sprintf("%s sets sysctl %q, which is not in the safe set", name.path, name.str()))
		}
	}
}

func (c *checker) checkAppArmorField(p pod, f field, ctr string) {
	if !f.present() {
		return
	}
	if v := f.str(); v != "RuntimeDefault" && v != "Localhost" {
		c.pss(rulePSSAppArmor, p, f, ctr, fmt.Sprintf("%s is %q; only RuntimeDefault and Localhost are allowed", f.path, v))
	}
}

func (c *checker) checkSELinux(p pod, opts field, ctr string) {
	if t := opts.get("type"); t.str() != "" && !slices.Contains(selinuxTypes, t.str()) {
		c.pss(rulePSSSELinux, p, t, ctr, fmt.Sprintf("%s is %q; only %s are allowed", t.path, t.str(), strings.Join(selinuxTypes, ", ")))
	}
	for _, key := range []string{"user", "role"} {
		if f := opts.get(key); f.str() != "" {
			c.pss(rulePSSSELinux, p, f, ctr, fmt.Sprintf("%s is set; SELinux user and role must stay unset", f.path))
		}
	}
}

func (c *checker) checkRestricted(p pod) {
	podSC := p.spec.get("securityContext")
	containers := p.containers(allContainerLists...)
	linux := !p.windows()

	for _, vol := range p.spec.get("volumes").items() {
		for _, key := range vol.keys() {
			if key == "name" || key == "hostPath" || slices.Contains(restrictedVolumeTypes, key) {
				continue
			}
			src := vol.get(key)
			c.pss(rulePSSVolumeTypes, p, src, "", fmt.Sprintf("volume %q uses type %s (%s); only %s are allowed", vol.get("name").str(), key, src.path, strings.Join(restrictedVolumeTypes, ", ")))
		}
	}

	podNonRoot := podSC.get("runAsNonRoot")
	podSeccomp := podSC.get("seccompProfile").get("type")
	podSeccompOK := podSeccomp.str() == "RuntimeDefault" || podSeccomp.str() == "Localhost"
	if podSeccomp.present() && !podSeccompOK && podSeccomp.str() != "Unconfined" {
		c.pss(rulePSSSeccompRestr, p, podSeccomp, "", fmt.Sprintf("%s is %q; only RuntimeDefault and Localhost are allowed", podSeccomp.path, podSeccomp.str()))
	}
	if f := podSC.get("runAsUser"); isZero(f) {
		c.pss(rulePSSRunAsUser, p, f, "", fmt.Sprintf("%s is 0", f.path))
	}
	if podNonRoot.present() && !podNonRoot.isTrue() {
		c.pss(rulePSSRunAsNonRoot, p, podNonRoot, "", fmt.Sprintf("%s is %s", podNonRoot.path, podNonRoot.str()))
	}

	for _, ctr := range containers {
		sc := ctr.get("securityContext")

		if linux {
			if f := sc.get("allowPrivilegeEscalation"); !f.present() {
				c.pss(rulePSSPrivEsc, p, f, ctr.label(), fmt.Sprintf("%s is not set; it must be false", f.path))
			} else if v, ok := f.boolean(); !ok || v {
				c.pss(rulePSSPrivEsc, p, f, ctr.label(), fmt.Sprintf("%s is %s; it must be false", f.path, f.str()))
			}
		}

		nonRoot := sc.get("runAsNonRoot")
		switch {
		case nonRoot.present() && !nonRoot.isTrue():
			c.pss(rulePSSRunAsNonRoot, p, nonRoot, ctr.label(), fmt.Sprintf("%s is %s", nonRoot.path, nonRoot.str()))
		case !nonRoot.present() && !podNonRoot.isTrue():
			c.pss(rulePSSRunAsNonRoot, p, nonRoot, ctr.label(), fmt.Sprintf("neither %s nor %s is true", nonRoot.path, podNonRoot.path))
		}

		if f := sc.get("runAsUser"); isZero(f) {
			c.pss(rulePSSRunAsUser, p, f, ctr.label(), fmt.Sprintf("%s is 0", f.path))
		}

		if linux {
			seccomp := sc.get("seccompProfile").get("type")
			switch {
			case seccomp.present() && seccomp.str() != "RuntimeDefault" && seccomp.str() != "Localhost" && seccomp.str() != "Unconfined":
				c.pss(rulePSSSeccompRestr, p, seccomp, ctr.label(), fmt.Sprintf("%s is %q; only RuntimeDefault and Localhost are allowed", seccomp.path, seccomp.str()))
			case !seccomp.present() && !podSeccompOK:
				c.pss(rulePSSSeccompRestr, p, seccomp, ctr.label(), fmt.Sprintf("neither %s nor %s is RuntimeDefault or Localhost", seccomp.path, podSeccomp.path))
			}

			c.checkRestrictedCapabilities(p, ctr)
		}
	}
}

func (c *checker) checkRestrictedCapabilities(p pod, ctr container) {
	caps := ctr.get("securityContext").get("capabilities")
	drop := caps.get("drop")
	if !slices.Contains(drop.strings(), "ALL") {
		c.pss(rulePSSCapsRestrictd, p, drop, ctr.label(), fmt.Sprintf("%s does not contain ALL", drop.path))
	}
	for _, capability := range caps.get("add").items() {
		// Capabilities outside the baseline set already have a baseline
		// finding, so only the baseline ones other than NET_BIND_SERVICE
		// are reported here.
		if capability.str() != "NET_BIND_SERVICE" && slices.Contains(baselineCapabilities, capability.str()) {
			c.pss(rulePSSCapsRestrictd, p, capability, ctr.label(), fmt.Sprintf("%s adds %q; only NET_BIND_SERVICE may be added", capability.path, capability.str()))
		}
	}
}

func isZero(f field) bool {
	v, ok := f.integer()
	return ok && v == 0
}
