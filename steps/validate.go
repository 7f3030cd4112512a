package steps

import (
	"errors"
	"fmt"
	"strings"
)

// knownBrowsers are the Playwright projects that the Playwright image ships
// browsers for.
var knownBrowsers = []string{"chromium", "firefox", "webkit"}

// Validate reports every invalid option at once, each naming the field
// and the value, so a configuration error shows before any step runs.
func (o Options) Validate() error {
	var errs []error
	if o.Workers < 0 {
		errs = append(errs, fmt.Errorf("workers %d is negative: use 0 for the default of %d or a positive count", o.Workers, DefaultWorkers))
	}
	if o.VUs < 0 {
		errs = append(errs, fmt.Errorf("vus %d is negative: use 0 for the default of %d or a positive count", o.VUs, DefaultVUs))
	}
	if o.Duration < 0 {
		errs = append(errs, fmt.Errorf("duration %s is negative", o.Duration))
	}
	if o.AppPort < 0 || o.AppPort > 65535 {
		errs = append(errs, fmt.Errorf("app port %d is not a TCP port", o.AppPort))
	}
	for _, p := range o.CriticalPaths {
		if strings.Contains(p, ",") {
			errs = append(errs, fmt.Errorf("critical path %q contains a comma, which Stryker's --mutate reads as a separator", p))
		}
	}
	for _, b := range o.Browsers {
		if !contains(knownBrowsers, b) {
			errs = append(errs, fmt.Errorf("browser %q is unknown: expected one of %s", b, strings.Join(knownBrowsers, ", ")))
		}
	}
	if o.SonarURL != "" && o.SonarToken == nil {
		errs = append(errs, errors.New("sonarqube URL is set but the token secret is missing"))
	}
	if o.Publish {
		if o.ImageRepository == "" {
			errs = append(errs, errors.New("publishing is on but the image repository is missing"))
		}
		if !tagPattern.MatchString(o.Version) {
			errs = append(errs, fmt.Errorf("image version tag %q is invalid: use letters, digits, '_', '.', '-' (at most 128)", o.Version))
		}
		if o.Tier != "" && !contains(Tiers, o.Tier) {
			errs = append(errs, fmt.Errorf("promotion tier %q is unknown: expected one of %s", o.Tier, strings.Join(Tiers, ", ")))
		}
		if (o.RegistryUsername == "") != (o.RegistryPassword == nil) {
			errs = append(errs, errors.New("registry username and password secret must be set together"))
		}
	}
	if u := o.OSVDatabaseURL; u != "" && !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		errs = append(errs, fmt.Errorf("OSV database URL %q is not an http(s) URL: give the address of a copy of the OSV bucket, such as https://mirror.hospital.example/osv", u))
	}
	for key, ref := range o.ImageOverrides {
		if strings.TrimSpace(ref) == "" || strings.ContainsAny(ref, " \t\n") {
			errs = append(errs, fmt.Errorf("image override %q is %q: expected an image reference such as registry.example/tool:1.0", key, ref))
		}
	}
	return errors.Join(errs...)
}
