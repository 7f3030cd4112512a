package steps

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Pull is one image or OCI artifact that a step pulls besides its own
// image, as `ci plan` lists it so an operator can copy it to a mirror.
type Pull struct {
	// Ref is the reference as the run pulls it, after overrides and the
	// mirror; empty when Problem is set.
	Ref string
	// Source is the public reference that a mirror copies Ref from, such
	// as the table image without the mirror prefix. It equals Ref for an
	// override or a Dockerfile image, whose origin hmsci does not know.
	Source string
	// Purpose is the reason the step pulls it, such as "postgres service".
	Purpose string
	// Artifact marks an OCI artifact that is not a container image, such
	// as a Trivy database.
	Artifact bool
	// Unmirrored marks a reference that hmsci does not rewrite for
	// images.mirror, such as a Dockerfile's FROM image. MirrorHint is
	// then the change that points it at the mirror.
	Unmirrored bool
	MirrorHint string
	// Problem explains why the reference could not be resolved.
	Problem string
}

// Pinned reports whether the reference names a digest, so the pulled
// content cannot change under the same reference.
func (p Pull) Pinned() bool { return strings.Contains(p.Ref, "@sha256:") }

// imagePull resolves an image key the way the builders do.
func imagePull(o Options, key, purpose string) Pull {
	ref, err := NewImages(o).Resolve(key)
	if err != nil {
		return Pull{Purpose: purpose, Problem: err.Error()}
	}
	source, err := NewImages(Options{ImageOverrides: o.ImageOverrides}).Resolve(key)
	if err != nil {
		source = ref
	}
	return Pull{Ref: ref, Source: source, Purpose: purpose}
}

// trivyPulls lists the Trivy databases a step may fetch into its cache.
// Trivy fetches the Java index database only for JAR files.
func trivyPulls(o Options, step string, checks bool) []Pull {
	var out []Pull
	if step != "trivy-config" {
		if db := trivyVulnDB(o, step); db != "" {
			out = append(out, Pull{Ref: db, Source: DefaultTrivyDBRepository, Purpose: "Trivy vulnerability database", Artifact: true})
		}
		if java := trivyJavaDB(o); java != "" {
			out = append(out, Pull{Ref: java, Source: DefaultTrivyJavaDBRepository, Purpose: "Trivy Java index database (only for JAR files)", Artifact: true})
		}
	}
	if bundle := trivyChecks(o); checks && bundle != "" {
		out = append(out, Pull{Ref: bundle, Source: DefaultTrivyChecksRepository, Purpose: "Trivy misconfiguration checks bundle", Artifact: true})
	}
	return out
}

// appPulls lists what the app service pulls: PostgreSQL and Redis, and the
// app itself, built from the Dockerfile or run from the node image. With
// a target URL nothing starts, because no container binds the services.
func appPulls(d Detection, o Options) []Pull {
	if o.TargetURL != "" {
		return nil
	}
	out := []Pull{imagePull(o, ImagePostgres, "postgres service"), imagePull(o, ImageRedis, "redis service")}
	if len(d.Dockerfiles) > 0 || o.Dockerfile != "" {
		return append(out, dockerfilePulls(d, o)...)
	}
	return append(out, imagePull(o, ImageNode, "app service (npm start)"))
}

// dockerfilePulls lists the images that building the app image pulls.
// hmsci does not rewrite them for the mirror: point them at it with
// build arguments (container.build-args).
func dockerfilePulls(d Detection, o Options) []Pull {
	dockerfile := o.Dockerfile
	if dockerfile == "" {
		if len(d.Dockerfiles) == 0 {
			return nil
		}
		dockerfile = d.Dockerfiles[0]
	}
	if d.Root == "" {
		return []Pull{{Purpose: "Dockerfile base images", Problem: "the source directory is unknown, so " + dockerfile + " was not read"}}
	}
	data, err := os.ReadFile(filepath.Join(d.Root, filepath.FromSlash(dockerfile)))
	if err != nil {
		return []Pull{{Purpose: "Dockerfile base images", Problem: fmt.Sprintf("read %s: %v", dockerfile, err)}}
	}
	images, err := DockerfileBaseImages(dockerfile, data, o.BuildArgs)
	if err != nil {
		return []Pull{{Purpose: "Dockerfile base images", Problem: err.Error()}}
	}
	out := make([]Pull, 0, len(images))
	for _, img := range images {
		purpose := fmt.Sprintf("%s line %d: %s", dockerfile, img.Line, img.Instruction)
		if img.Stage != "" {
			purpose += " (stage " + img.Stage + ")"
		}
		var hint string
		switch {
		case img.Instruction == "# syntax":
			hint = "point the Dockerfile's # syntax line at the mirror, or remove it to use the builder's own frontend"
		case strings.Contains(img.Written, "$"):
			hint = "set container.build-args"
		default:
			hint = "edit the Dockerfile's " + img.Instruction + " line, or make the image a build argument"
		}
		ref := NormalizeRef(img.Ref)
		out = append(out, Pull{Ref: ref, Source: ref, Purpose: purpose, Unmirrored: true, MirrorHint: hint})
	}
	return out
}

// newmanPulls adds the migration container to the app's pulls.
func newmanPulls(d Detection, o Options) []Pull {
	out := appPulls(d, o)
	up, _ := migrationCommands(d, o)
	if len(up) == 0 || !d.Node && len(o.MigrateUp) == 0 {
		return append(out, imagePull(o, ImageBusybox, "migration status file (no migrations)"))
	}
	out = append(out, imagePull(o, ImageNode, "database migrations"))
	if o.TargetURL != "" {
		// The migrations bind the database services even with a target URL.
		out = append(out, imagePull(o, ImagePostgres, "postgres service"), imagePull(o, ImageRedis, "redis service"))
	}
	return out
}

// renderPulls lists the helm and kubectl image when charts or
// kustomizations are rendered.
func renderPulls(d Detection, o Options) []Pull {
	if len(d.HelmCharts)+len(d.Kustomizations) == 0 {
		return nil
	}
	return []Pull{imagePull(o, ImageK8sTools, "helm template and kubectl kustomize")}
}

// builtImagePulls lists the pulls of a step that reads the built image.
func builtImagePulls(d Detection, o Options) []Pull {
	return dockerfilePulls(d, o)
}

// koToolPulls lists the images that a crane or cosign step runs in.
func koToolPulls(o Options, tool, key string) []Pull {
	return []Pull{imagePull(o, key, tool+" binary, copied into busybox"), imagePull(o, ImageBusybox, "shell for "+tool)}
}
