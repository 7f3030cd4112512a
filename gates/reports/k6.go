package reports

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// Sources of a k6 summary, as LoadSummary.Source names them.
const (
	K6SourceSummaryExport = "summary-export"
	K6SourceHandleSummary = "handle-summary"
)

// k6Metric holds one metric in either k6 summary shape: --summary-export
// writes the statistics at the top level of the metric ("p(95)", "rate",
// "value", "count"), while the data handed to handleSummary nests them under
// "values" next to "type".
type k6Metric struct {
	Type   string                     `json:"type"`
	Values map[string]json.RawMessage `json:"values"`
	Flat   map[string]json.RawMessage `json:"-"`
}

func (m *k6Metric) UnmarshalJSON(data []byte) error {
	var flat map[string]json.RawMessage
	if err := json.Unmarshal(data, &flat); err != nil {
		return err
	}
	m.Flat = flat
	if raw, ok := flat["type"]; ok {
		if err := json.Unmarshal(raw, &m.Type); err != nil {
			return fmt.Errorf("invalid metric type: %w", err)
		}
	}
	if raw, ok := flat["values"]; ok {
		if err := json.Unmarshal(raw, &m.Values); err != nil {
			return fmt.Errorf("invalid metric values: %w", err)
		}
	}
	return nil
}

// stat returns a statistic of the metric from whichever shape it has.
func (m *k6Metric) stat(name string) (json.RawMessage, bool) {
	if m.Values != nil {
		raw, ok := m.Values[name]
		return raw, ok
	}
	raw, ok := m.Flat[name]
	return raw, ok
}

type k6Document struct {
	Metrics   map[string]*k6Metric `json:"metrics"`
	RootGroup json.RawMessage      `json:"root_group"`
	State     json.RawMessage      `json:"state"`
}

// ParseK6Summary parses a k6 end-of-test summary in either JSON shape: the
// file written by k6 run --summary-export, or JSON.stringify of the data
// object that a handleSummary function receives. It reads http_req_duration
// p(95) (milliseconds), the http_req_failed rate, the http_reqs count and
// rate, and the checks rate when checks ran.
func ParseK6Summary(path string, r io.Reader) (*Report, error) {
	s := newJSONStream(path, FormatK6, r)
	var doc k6Document
	if err := s.decode(&doc); err != nil {
		return nil, err
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	fail := func(value string, err error) error {
		return &ParseError{Path: path, Format: FormatK6, Value: shorten(value), Err: err}
	}
	if doc.Metrics == nil {
		return nil, fail("", errors.New("invalid k6 summary: missing \"metrics\""))
	}

	load := &LoadSummary{Source: K6SourceSummaryExport}
	for _, m := range doc.Metrics {
		if m != nil && m.Values != nil {
			load.Source = K6SourceHandleSummary
			break
		}
	}

	duration, ok := doc.Metrics["http_req_duration"]
	if !ok || duration == nil {
		return nil, fail("", errors.New("invalid k6 summary: missing metric http_req_duration (did the script make HTTP requests?)"))
	}
	p95, err := k6Number(duration, "p(95)")
	if err != nil {
		return nil, fail("http_req_duration", err)
	}
	load.P95Millis = p95

	reqs, ok := doc.Metrics["http_reqs"]
	if !ok || reqs == nil {
		return nil, fail("", errors.New("invalid k6 summary: missing metric http_reqs"))
	}
	count, err := k6Number(reqs, "count")
	if err != nil {
		return nil, fail("http_reqs", err)
	}
	load.Requests = int64(count)
	if load.RequestsPerSecond, err = k6Number(reqs, "rate"); err != nil {
		return nil, fail("http_reqs", err)
	}

	// Older k6 releases write no http_req_failed metric. Without it the
	// error rate stays 0, because k6 recorded no failed request.
	if failed, ok := doc.Metrics["http_req_failed"]; ok && failed != nil {
		if load.ErrorRate, err = k6Rate(failed); err != nil {
			return nil, fail("http_req_failed", err)
		}
	}
	if checks, ok := doc.Metrics["checks"]; ok && checks != nil {
		rate, err := k6Rate(checks)
		if err != nil {
			return nil, fail("checks", err)
		}
		load.ChecksPassRate = &rate
	}
	return &Report{Path: path, Format: FormatK6, Load: load}, nil
}

// k6Rate reads a Rate metric: "rate" under values in handleSummary data,
// "value" in --summary-export files.
func k6Rate(m *k6Metric) (float64, error) {
	name := "value"
	if m.Values != nil {
		name = "rate"
	}
	rate, err := k6Number(m, name)
	if err != nil {
		return 0, err
	}
	if rate < 0 || rate > 1 {
		return 0, fmt.Errorf("invalid rate %v: expected a fraction from 0 to 1", rate)
	}
	return rate, nil
}

func k6Number(m *k6Metric, name string) (float64, error) {
	raw, ok := m.stat(name)
	if !ok {
		return 0, fmt.Errorf("missing statistic %q", name)
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, fmt.Errorf("invalid statistic %q: %s is not a number", name, shorten(string(raw)))
	}
	return f, nil
}
