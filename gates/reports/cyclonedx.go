package reports

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

type cdxLicenseChoice struct {
	License *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"license"`
	Expression string `json:"expression"`
}

type cdxComponent struct {
	Group      string             `json:"group"`
	Name       string             `json:"name"`
	Version    string             `json:"version"`
	PURL       string             `json:"purl"`
	Licenses   []cdxLicenseChoice `json:"licenses"`
	Components []cdxComponent     `json:"components"`
}

type cdxDocument struct {
	BOMFormat   string         `json:"bomFormat"`
	SpecVersion string         `json:"specVersion"`
	Components  []cdxComponent `json:"components"`
}

// ParseCycloneDX parses a CycloneDX JSON SBOM (spec versions 1.2 to 1.6).
// Nested components are flattened into one list. Each component's licenses
// become SPDX ids, SPDX expressions, or license names where the SBOM gives
// no id. The metadata component (the project itself) is not counted.
func ParseCycloneDX(path string, r io.Reader) (*Report, error) {
	var doc cdxDocument
	if err := decodeTop(path, FormatCycloneDX, r, &doc); err != nil {
		return nil, err
	}
	fail := func(value string, err error) error {
		return &ParseError{Path: path, Format: FormatCycloneDX, Value: shorten(value), Err: err}
	}
	if doc.BOMFormat != "CycloneDX" {
		return nil, fail(doc.BOMFormat, errors.New("invalid CycloneDX document: bomFormat must be \"CycloneDX\""))
	}
	switch doc.SpecVersion {
	case "1.2", "1.3", "1.4", "1.5", "1.6":
	default:
		return nil, fail(doc.SpecVersion, errors.New("unsupported CycloneDX specVersion: expected 1.2 to 1.6"))
	}
	sbom := &SBOM{SpecVersion: doc.SpecVersion, Components: []Component{}}
	if err := flattenComponents(doc.Components, &sbom.Components, "components"); err != nil {
		return nil, fail("", err)
	}
	return &Report{Path: path, Format: FormatCycloneDX, SBOM: sbom}, nil
}

func flattenComponents(in []cdxComponent, out *[]Component, where string) error {
	for i, c := range in {
		at := fmt.Sprintf("%s[%d]", where, i)
		if strings.TrimSpace(c.Name) == "" {
			return fmt.Errorf("invalid component %s: missing name", at)
		}
		comp := Component{Group: c.Group, Name: c.Name, Version: c.Version, PURL: c.PURL}
		for j, l := range c.Licenses {
			switch {
			case l.Expression != "":
				comp.Licenses = append(comp.Licenses, l.Expression)
			case l.License != nil && l.License.ID != "":
				comp.Licenses = append(comp.Licenses, l.License.ID)
			case l.License != nil && l.License.Name != "":
				comp.Licenses = append(comp.Licenses, l.License.Name)
			default:
				return fmt.Errorf("invalid component %s (%s): licenses[%d] has neither license.id, license.name nor expression", at, c.Name, j)
			}
		}
		*out = append(*out, comp)
		if err := flattenComponents(c.Components, out, at+".components"); err != nil {
			return err
		}
	}
	return nil
}
