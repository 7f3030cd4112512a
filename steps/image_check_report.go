package steps

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/hms-enterprise/hmsci/gates"
)

// ImageCheckReport is image-check.json as the image-check step writes it.
type ImageCheckReport struct {
	// User is the image config's User ("" means root).
	User string `json:"user"`
	// Layers is the layer count of the image manifest.
	Layers int `json:"layers"`
	// CompressedBytes sums the manifest's layer sizes; RootfsBytes is the
	// unpacked root filesystem as du measures it.
	CompressedBytes int64 `json:"compressedBytes"`
	RootfsBytes     int64 `json:"rootfsBytes"`
	// Shells, PackageManagers and LanguagePackageManagers list the paths
	// found in the final image.
	Shells                  []string `json:"shells"`
	PackageManagers         []string `json:"packageManagers"`
	LanguagePackageManagers []string `json:"languagePackageManagers"`
	// RequireMinimal records whether the run asked for a minimal image.
	RequireMinimal bool `json:"requireMinimal"`
}

// ParseImageCheck decodes image-check.json.
func ParseImageCheck(data []byte) (ImageCheckReport, error) {
	var r ImageCheckReport
	if len(strings.TrimSpace(string(data))) == 0 {
		return r, errors.New("parse image-check.json: file is empty")
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, fmt.Errorf("parse image-check.json: %s", describeJSONError(data, err))
	}
	return r, nil
}

// RunsAsRoot reports whether the image's user is root: empty, "root" or
// UID 0, with or without a group.
func (r ImageCheckReport) RunsAsRoot() bool {
	user, _, _ := strings.Cut(strings.TrimSpace(r.User), ":")
	return user == "" || user == "root" || user == "0"
}

// Findings turns the report into findings: root user is always high;
// shells and package managers are high when a minimal image is required,
// else informational.
func (r ImageCheckReport) Findings() []gates.Finding {
	var out []gates.Finding
	if r.RunsAsRoot() {
		displayedUser := r.User
		if displayedUser == "" {
			displayedUser = "(unset)"
		}
		out = append(out, gates.Finding{
			Tool: "hmsci-image-check", RuleID: "image/root-user", Severity: gates.SeverityHigh,
			Message: fmt.Sprintf("image runs as root (User %s): add a non-root USER to the final Dockerfile stage", displayedUser),
			Path:    "Dockerfile",
		})
	}
	minimalSeverity := gates.SeverityInfo
	if r.RequireMinimal {
		minimalSeverity = gates.SeverityHigh
	}
	for _, shell := range r.Shells {
		out = append(out, gates.Finding{
			Tool: "hmsci-image-check", RuleID: "image/shell", Severity: minimalSeverity,
			Message: fmt.Sprintf("final image contains the shell %s: use a distroless or scratch final stage", shell),
			Path:    "Dockerfile",
		})
	}
	for _, pm := range append(append([]string{}, r.PackageManagers...), r.LanguagePackageManagers...) {
		out = append(out, gates.Finding{
			Tool: "hmsci-image-check", RuleID: "image/package-manager", Severity: minimalSeverity,
			Message: fmt.Sprintf("final image contains the package manager %s: install packages in a build stage only", pm),
			Path:    "Dockerfile",
		})
	}
	return out
}
