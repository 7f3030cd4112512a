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

type lighthouseResult struct {
	LighthouseVersion string                        `json:"lighthouseVersion"`
	RequestedURL      string                        `json:"requestedUrl"`
	FinalURL          string                        `json:"finalUrl"`
	FinalDisplayedURL string                        `json:"finalDisplayedUrl"`
	Categories        map[string]lighthouseCategory `json:"categories"`
	RuntimeError      *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"runtimeError"`
}

// ParseLighthouse parses a Lighthouse result (LHR) JSON file, as written by
// lighthouse --output=json. Category scores from 0 to 1 become 0 to 100; a
// category that was not run, or whose score is null because the audit
// failed, has a nil score.
func ParseLighthouse(path string, r io.Reader) (*Report, error) {
	var lhr lighthouseResult
	if err := decodeTop(path, FormatLighthouse, r, &lhr); err != nil {
		return nil, err
	}
	fail := func(value string, err error) error {
		return &ParseError{Path: path, Format: FormatLighthouse, Value: shorten(value), Err: err}
	}
	if lhr.LighthouseVersion == "" || lhr.Categories == nil {
		return nil, fail("", errors.New("invalid Lighthouse result: missing lighthouseVersion or categories"))
	}
	if lhr.RuntimeError != nil && lhr.RuntimeError.Code != "" && lhr.RuntimeError.Code != "NO_ERROR" {
		return nil, fail(lhr.RuntimeError.Code, fmt.Errorf("lighthouse run failed: %s", lhr.RuntimeError.Message))
	}
	lh := &Lighthouse{URL: lhr.FinalDisplayedURL, Version: lhr.LighthouseVersion}
	if lh.URL == "" {
		lh.URL = lhr.FinalURL
	}
	if lh.URL == "" {
		lh.URL = lhr.RequestedURL
	}
	targets := map[string]**float64{
		"performance":    &lh.Performance,
		"accessibility":  &lh.Accessibility,
		"best-practices": &lh.BestPractices,
		"seo":            &lh.SEO,
	}
	for name, target := range targets {
		cat, ok := lhr.Categories[name]
		if !ok || len(cat.Score) == 0 || string(cat.Score) == "null" {
			continue
		}
		score, err := strconv.ParseFloat(string(cat.Score), 64)
		if err != nil || score < 0 || score > 1 {
			return nil, fail(string(cat.Score), fmt.Errorf("invalid score of category %q: expected a number from 0 to 1", name))
		}
		percent := score * 100
		*target = &percent
	}
	return &Report{Path: path, Format: FormatLighthouse, Lighthouse: lh}, nil
}
