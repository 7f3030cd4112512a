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

// ParseK6Summary parses a k6 end-of-test summary in either JSON shape: the
// file written by k6 run --summary-export, or JSON.stringify of the data
// object that a handleSummary function receives. It reads http_req_duration
// p(95) (milliseconds), the http_req_failed rate, the http_reqs count and
// rate, and the checks rate when checks ran.
func ParseK6Summary(path string, r io.Reader) (*Report, error) {
	s := newJSONStream(path, FormatK6, r)
	metrics := map[string]*k6Metric{}
	// offsets holds where each metric's value starts, for errors.
	offsets := map[string]int64{}
	sawMetrics := false
	err := s.object("k6 summary", func(key string, _ int64) error {
		if key != "metrics" {
			return s.skip()
		}
		sawMetrics = true
		return s.object("metrics", func(name string, off int64) error {
			var m k6Metric
			if err := s.decode(&m); err != nil {
				return err
			}
			metrics[name] = &m
			offsets[name] = off
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	end := s.dec.InputOffset()
	if err := s.end(); err != nil {
		return nil, err
	}
	if !sawMetrics {
		return nil, s.errorAt(end, "", errors.New(`invalid k6 summary: missing "metrics"`))
	}
	fail := func(name string, err error) error {
		off, ok := offsets[name]
		if !ok {
			off = end
		}
		return s.errorAt(off, "", fmt.Errorf("metric %s: %w", name, err))
	}

	load := &LoadSummary{Source: K6SourceSummaryExport}
	for _, m := range metrics {
		if m.Values != nil {
			load.Source = K6SourceHandleSummary
			break
		}
	}

	duration, ok := metrics["http_req_duration"]
	if !ok {
		return nil, fail("http_req_duration", errors.New("missing (did the script make HTTP requests?)"))
	}
	if load.P95Millis, err = k6Number(duration, "p(95)"); err != nil {
		return nil, fail("http_req_duration", err)
	}

	reqs, ok := metrics["http_reqs"]
	if !ok {
		return nil, fail("http_reqs", errors.New("missing"))
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
	if failed, ok := metrics["http_req_failed"]; ok {
		if load.ErrorRate, err = k6Rate(failed); err != nil {
			return nil, fail("http_req_failed", err)
		}
	}
	if checks, ok := metrics["checks"]; ok {
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
