package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

type lighthouseCategory struct {
	Score json.RawMessage `json:"score"`
}

type lighthouseRuntimeError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// lighthouseCategories maps the LHR category ids to the field of
// Lighthouse that holds their score.
var lighthouseCategories = map[string]func(*Lighthouse) **float64{
	"performance":    func(l *Lighthouse) **float64 { return &l.Performance },
	"accessibility":  func(l *Lighthouse) **float64 { return &l.Accessibility },
	"best-practices": func(l *Lighthouse) **float64 { return &l.BestPractices },
	"seo":            func(l *Lighthouse) **float64 { return &l.SEO },
}

// ParseLighthouse parses a Lighthouse result (LHR) JSON file, as written by
// lighthouse --output=json. Category scores from 0 to 1 become 0 to 100. A
// category that was not run, or whose score is null because its audits
// failed, has a nil score. A result whose runtimeError is set (the page did
// not load) is an error.
func ParseLighthouse(path string, r io.Reader) (*Report, error) {
	s := newJSONStream(path, FormatLighthouse, r)
	lh := &Lighthouse{}
	var requestedURL, finalURL, finalDisplayedURL string
	var runtimeError *lighthouseRuntimeError
	var runtimeErrorAt int64
	sawCategories := false

	err := s.object("Lighthouse result", func(key string, off int64) error {
		switch key {
		case "lighthouseVersion":
			return s.decode(&lh.Version)
		case "requestedUrl":
			return s.decode(&requestedURL)
		case "finalUrl":
			return s.decode(&finalURL)
		case "finalDisplayedUrl":
			return s.decode(&finalDisplayedURL)
		case "runtimeError":
			runtimeErrorAt = off
			return s.decode(&runtimeError)
		case "categories":
			sawCategories = true
			return s.object("categories", func(name string, off int64) error {
				var cat lighthouseCategory
				if err := s.decode(&cat); err != nil {
					return err
				}
				target, known := lighthouseCategories[name]
				if !known || len(cat.Score) == 0 || string(cat.Score) == "null" {
					return nil
				}
				score, err := strconv.ParseFloat(string(cat.Score), 64)
				if err != nil || score < 0 || score > 1 {
					return s.errorAt(off, string(cat.Score), fmt.Errorf("invalid score of category %q: expected a number from 0 to 1", name))
				}
				percent := score * 100
				*target(lh) = &percent
				return nil
			})
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
	if lh.Version == "" || !sawCategories {
		return nil, s.errorAt(end, "", errors.New("invalid Lighthouse result: missing lighthouseVersion or categories"))
	}
	if runtimeError != nil && runtimeError.Code != "" && runtimeError.Code != "NO_ERROR" {
		return nil, s.errorAt(runtimeErrorAt, runtimeError.Code, fmt.Errorf("lighthouse run failed: %s", runtimeError.Message))
	}

	lh.URL = firstNonEmpty(finalDisplayedURL, finalURL, requestedURL)
	return &Report{Path: path, Format: FormatLighthouse, Lighthouse: lh}, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
