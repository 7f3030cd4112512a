# Default hmsci rules for the built image's OCI config (image-config.json).
# Replace them with Options.ImagePolicies; conftest reads every namespace.
package hmsci.image

import rego.v1

root_users := {"", "root", "0", "0:0", "root:root"}

deny contains msg if {
	user := object.get(input, ["config", "User"], "")
	root_users[user]
	msg := sprintf("image runs as root (User is %q): set a non-root USER in the Dockerfile", [user])
}

secret_words := ["PASSWORD", "SECRET", "TOKEN", "API_KEY", "PRIVATE_KEY"]

deny contains msg if {
	some entry in object.get(input, ["config", "Env"], [])
	name := split(entry, "=")[0]
	some word in secret_words
	contains(upper(name), word)
	msg := sprintf("image environment variable %s looks like a secret baked into the image: pass it at run time instead", [name])
}

warn contains msg if {
	not input.config.Healthcheck
	msg := "image has no HEALTHCHECK: orchestrators cannot tell a hung service from a healthy one"
}

warn contains msg if {
	some port, _ in object.get(input, ["config", "ExposedPorts"], {})
	port in {"22/tcp", "23/tcp"}
	msg := sprintf("image exposes %s (remote shell port)", [port])
}
