package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hms-enterprise/hmsci/config"
)

// measureLicenses counts SBOM components whose licence the policy rejects.
// A component passes when at least one alternative of its SPDX expression
// ("MIT OR GPL-3.0-only") has no denied licence and, when an allow list is
// set, only allowed ones. Without an allow list, a component with no
// licence passes; with one, it fails.
func measureLicenses(e *evaluation, _ config.GateSetting) measurement {
	g := e.policy.Gates.Licenses
	var (
		paths      []string
		components int
		rejected   []string
		count      int
	)
	for _, rep := range e.in.Reports {
		if rep.SBOM == nil {
			continue
		}
		paths = append(paths, rep.Path)
		for _, c := range rep.SBOM.Components {
			components++
			if licenceAccepted(c.Licenses, g.Deny, g.Allow) {
				continue
			}
			count++
			if len(rejected) < 3 {
				name := c.Name
				if c.Group != "" {
					name = c.Group + "/" + c.Name
				}
				licence := strings.Join(c.Licenses, ", ")
				if licence == "" {
					licence = "no licence"
				}
				rejected = append(rejected, fmt.Sprintf("%s@%s (%s)", name, c.Version, licence))
			}
		}
	}
	if paths == nil {
		return measurement{missing: "no CycloneDX SBOM"}
	}
	m := measurement{
		ok:       true,
		value:    float64(count),
		measured: fmt.Sprintf("%d of %d components", count, components),
		reports:  paths,
	}
	if count > 0 {
		m.next = "replace or get a licence exception for " + strings.Join(rejected, ", ")
		if count > len(rejected) {
			m.next += fmt.Sprintf(", and %d more", count-len(rejected))
		}
	}
	return m
}

func licenceAccepted(licences []string, deny, allow []config.SPDXID) bool {
	if len(licences) == 0 {
		return len(allow) == 0
	}
	// Several licence entries on one component all apply (CycloneDX lists
	// them side by side), so each must be acceptable.
	for _, expr := range licences {
		if !expressionAccepted(expr, deny, allow) {
			return false
		}
	}
	return true
}

func expressionAccepted(expr string, deny, allow []config.SPDXID) bool {
	cleaned := strings.NewReplacer("(", " ", ")", " ").Replace(expr)
	for _, alternative := range splitWord(cleaned, "OR") {
		ok := true
		for _, term := range splitWord(alternative, "AND") {
			id, _, _ := strings.Cut(strings.TrimSpace(term), " WITH ")
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if containsID(deny, id) || (len(allow) > 0 && !containsID(allow, id)) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func splitWord(s, word string) []string {
	fields := strings.Fields(s)
	var parts []string
	var cur []string
	for _, f := range fields {
		if strings.EqualFold(f, word) {
			parts = append(parts, strings.Join(cur, " "))
			cur = nil
			continue
		}
		cur = append(cur, f)
	}
	return append(parts, strings.Join(cur, " "))
}

// containsID compares SPDX ids case-insensitively and treats the
// deprecated "GPL-2.0+" form as "GPL-2.0-or-later".
func containsID(list []config.SPDXID, id string) bool {
	norm := func(s string) string {
		s = strings.ToLower(s)
		if base, ok := strings.CutSuffix(s, "+"); ok {
			return base + "-or-later"
		}
		return s
	}
	return slices.ContainsFunc(list, func(x config.SPDXID) bool { return norm(string(x)) == norm(id) })
}
