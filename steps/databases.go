package steps

import (
	"path"
	"strings"

	"dagger.io/dagger"
)

// databaseSource resolves where a scanner database in an OCI repository
// comes from: the configured repository, else the copy of the public
// repository under the image mirror, else the public repository when
// runtime downloads are allowed. It returns "" when none of these is
// available, which means the database must not be fetched.
func databaseSource(o Options, configured, public string) string {
	switch {
	case strings.TrimSpace(configured) != "":
		return strings.TrimSpace(configured)
	case strings.TrimSpace(o.Mirror) != "":
		return MirrorRef(o.Mirror, public)
	case o.AllowRuntimeDownloads:
		return public
	}
	return ""
}

// trivyVulnDB returns the vulnerability database repository of a Trivy
// step, or "" when the step may not fetch one.
func trivyVulnDB(o Options, step string) string {
	configured := o.TrivyDBRepository
	if step == "trivy-image" && o.TrivyImageDBRepository != "" {
		configured = o.TrivyImageDBRepository
	}
	return databaseSource(o, configured, DefaultTrivyDBRepository)
}

// trivyJavaDB returns the Java index database repository: the mirror's
// copy or the public one. There is no configuration key of its own, so a
// configured vulnerability database alone leaves it to the mirror.
func trivyJavaDB(o Options) string {
	return databaseSource(o, "", DefaultTrivyJavaDBRepository)
}

// trivyChecks returns the checks bundle repository, or "" when Trivy must
// use the checks built into its binary.
func trivyChecks(o Options) string {
	return databaseSource(o, o.TrivyChecksRepository, DefaultTrivyChecksRepository)
}

// trivyVulnArgs returns the flags that select the vulnerability and Java
// databases. Without a Java database source the Java update is skipped,
// so Trivy reads only what the cache holds and fetches nothing.
//
// NOTE: Trivy v0.58.1 opens the Java database only to analyse JAR files,
// and with --skip-java-db-update and an empty cache that analysis fails
// ("cannot be specified on the first run"). Projects with JARs need
// images.mirror, which provides the Java database.
func trivyVulnArgs(o Options, step string) []string {
	args := []string{"--db-repository", trivyVulnDB(o, step)}
	if java := trivyJavaDB(o); java != "" {
		return append(args, "--java-db-repository", java)
	}
	return append(args, "--skip-java-db-update")
}

// trivyChecksArgs returns the flags that select the misconfiguration
// checks: a bundle repository, or --skip-check-update, with which Trivy
// v0.58.1 uses the checks embedded in its binary and fetches nothing.
func trivyChecksArgs(o Options) []string {
	if bundle := trivyChecks(o); bundle != "" {
		return []string{"--checks-bundle-repository", bundle}
	}
	return []string{"--skip-check-update"}
}

// skipWithoutTrivyDB skips a Trivy vulnerability scan that has no
// database it may fetch.
func skipWithoutTrivyDB(step, key string) func(Detection, Options) (bool, string) {
	return func(_ Detection, o Options) (bool, string) {
		if trivyVulnDB(o, step) == "" {
			return true, "runtime downloads are off and no Trivy vulnerability database mirror is configured: set steps." + key +
				".db-repository or images.mirror (with a copy of " + DefaultTrivyDBRepository + ")"
		}
		return false, ""
	}
}

// osvEcosystems returns the OSV ecosystems of the detected project, as
// the OSV database bucket names its folders. npm, pnpm and yarn lockfiles
// all list packages of the npm ecosystem.
//
// NOTE: osv-scanner scans recursively, and a lockfile of another ecosystem
// in a subfolder (such as a Python requirements.txt) has no database here,
// so the offline scan reports an error for it.
func osvEcosystems(d Detection) []string {
	var out []string
	if d.Lockfile != "" {
		out = append(out, "npm")
	}
	if d.Go || len(d.GoModules) > 0 {
		out = append(out, "Go")
	}
	return out
}

// osvMode is the source of osv-scanner's vulnerability data.
type osvMode int

const (
	osvOnline     osvMode = iota // the osv.dev API
	osvDirectory                 // Options.OSVDatabaseDir
	osvMirror                    // Options.OSVDatabaseURL, fetched by the engine
	osvDownload                  // --download-offline-databases from the public host
	osvNotAllowed                // nothing it may use
)

func osvModeFor(o Options) osvMode {
	switch {
	case o.OSVDatabaseDir != nil:
		return osvDirectory
	case o.OSVDatabaseURL != "":
		return osvMirror
	case !o.AllowRuntimeDownloads:
		return osvNotAllowed
	case o.OSVOffline:
		return osvDownload
	}
	return osvOnline
}

// osvArgs returns the osv-scanner argv for the options.
func osvArgs(o Options) []string {
	args := []string{"/osv-scanner", "scan", "source", "--recursive", "--format", "sarif",
		"--output", reportPath("osv-scanner.sarif")}
	switch osvModeFor(o) {
	case osvDirectory, osvMirror:
		args = append(args, "--offline-vulnerabilities")
	case osvDownload:
		args = append(args, "--offline-vulnerabilities", "--download-offline-databases")
	}
	return append(args, ".")
}

// osvMirrorDatabases returns a directory in osv-scanner's cache layout
// (osv-scanner/ECOSYSTEM/all.zip) with the zip of each ecosystem fetched
// from the configured copy of the OSV bucket.
func (env *Env) osvMirrorDatabases() *dagger.Directory {
	dir := env.Client.Directory()
	base := strings.TrimSuffix(env.Options.OSVDatabaseURL, "/")
	for _, eco := range osvEcosystems(env.Detection) {
		dir = dir.WithFile(path.Join("osv-scanner", eco, "all.zip"), env.Client.HTTP(base+"/"+eco+"/all.zip"))
	}
	return dir
}

// govulncheckDB returns the -db value of govulncheck, or "" for its
// default (vuln.go.dev).
func govulncheckDB(o Options) string {
	switch {
	case o.GoVulnDBDir != nil:
		return "file://" + goVulnDBPath
	case o.GoVulnDB != "":
		return o.GoVulnDB
	}
	return ""
}
