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

// ParseCycloneDX parses a CycloneDX JSON SBOM (spec versions 1.2 to 1.6).
// Nested components are flattened into one list. Each component's licenses
// become SPDX ids, SPDX expressions, or license names where the SBOM gives
// no id. The metadata component (the project itself) is not counted. The
// components array is read one top-level component at a time.
func ParseCycloneDX(path string, r io.Reader) (*Report, error) {
	s := newJSONStream(path, FormatCycloneDX, r)
	sbom := &SBOM{Components: []Component{}}
	var bomFormat string
	var bomFormatAt, specVersionAt int64
	sawBOMFormat, sawSpecVersion := false, false

	err := s.object("CycloneDX document", func(key string, off int64) error {
		switch key {
		case "bomFormat":
			sawBOMFormat, bomFormatAt = true, off
			return s.decode(&bomFormat)
		case "specVersion":
			sawSpecVersion, specVersionAt = true, off
			return s.decode(&sbom.SpecVersion)
		case "components":
			return cdxComponents(s, sbom)
		}
		return s.skip()
	})
	if err != nil {
		return nil, err
	}
	end := s.dec.InputOffset()
	if err := s.end(); err != nil {
		return nil, err
	}

	switch {
	case !sawBOMFormat:
		return nil, s.errorAt(end, "", errors.New(`invalid CycloneDX document: missing "bomFormat"`))
	case bomFormat != "CycloneDX":
		return nil, s.errorAt(bomFormatAt, bomFormat, errors.New(`invalid CycloneDX document: bomFormat must be "CycloneDX"`))
	case !sawSpecVersion:
		return nil, s.errorAt(end, "", errors.New(`invalid CycloneDX document: missing "specVersion"`))
	}
	switch sbom.SpecVersion {
	case "1.2", "1.3", "1.4", "1.5", "1.6":
	default:
		return nil, s.errorAt(specVersionAt, sbom.SpecVersion, errors.New("unsupported CycloneDX specVersion: expected 1.2 to 1.6"))
	}
	return &Report{Path: path, Format: FormatCycloneDX, SBOM: sbom}, nil
}

func cdxComponents(s *jsonStream, sbom *SBOM) error {
	if err := s.expectDelim('[', "components"); err != nil {
		return err
	}
	for i := 0; s.more(); i++ {
		off := s.firstByte()
		var c cdxComponent
		if err := s.decode(&c); err != nil {
			return err
		}
		if err := flattenComponent(c, &sbom.Components, fmt.Sprintf("components[%d]", i)); err != nil {
			return s.errorAt(off, "", err)
		}
		s.prune()
	}
	return s.expectDelim(']', "components")
}

func flattenComponent(c cdxComponent, out *[]Component, at string) error {
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
	for i, child := range c.Components {
		if err := flattenComponent(child, out, fmt.Sprintf("%s.components[%d]", at, i)); err != nil {
			return err
		}
	}
	return nil
}
