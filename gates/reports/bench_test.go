package reports

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hms-enterprise/hmsci/gates"
)

// largeSARIFSize is the size of the generated log the benchmarks read.
const largeSARIFSize = 100 << 20

var (
	largeSARIFOnce sync.Once
	largeSARIFPath string
	largeSARIFErr  error
	largeSARIFRuns int
)

// largeSARIF writes, once per test binary, a pretty-printed SARIF log of
// about 100 MiB in the layout gosec and ESLint use: one run per tool with a
// rule table, then results with locations, fingerprints and properties.
func largeSARIF(b *testing.B) (string, int) {
	largeSARIFOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hmsci-bench-")
		if err != nil {
			largeSARIFErr = err
			return
		}
		largeSARIFPath = filepath.Join(dir, "large.sarif")
		largeSARIFRuns, largeSARIFErr = writeLargeSARIF(largeSARIFPath, largeSARIFSize)
	})
	if largeSARIFErr != nil {
		b.Fatal(largeSARIFErr)
	}
	return largeSARIFPath, largeSARIFRuns
}

func writeLargeSARIF(path string, size int64) (int, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	count := &countingWriter{w: w}
	levels := []string{"error", "warning", "note"}

	count.printf("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n          \"name\": \"bench-scanner\",\n          \"rules\": [\n")
	for r := 0; r < 200; r++ {
		sep := ","
		if r == 199 {
			sep = ""
		}
		count.printf("            {\"id\": \"rule-%d\", \"shortDescription\": {\"text\": \"Rule number %d\"}, \"defaultConfiguration\": {\"level\": %q}, \"properties\": {\"security-severity\": \"%d.5\", \"tags\": [\"security\"]}}%s\n", r, r, levels[r%3], r%10, sep)
	}
	count.printf("          ]\n        }\n      },\n      \"results\": [\n")
	results := 0
	for count.n < size {
		if results > 0 {
			count.printf(",\n")
		}
		count.printf(`        {
          "ruleId": "rule-%d",
          "ruleIndex": %d,
          "level": %q,
          "message": {
            "text": "Finding %d: value flows from request parameter into a query without validation"
          },
          "locations": [
            {
              "physicalLocation": {
                "artifactLocation": {
                  "uri": "services/patient/handler_%d.go",
                  "uriBaseId": "%%SRCROOT%%"
                },
                "region": {
                  "startLine": %d,
                  "startColumn": %d,
                  "endLine": %d,
                  "endColumn": %d
                }
              }
            }
          ],
          "partialFingerprints": {
            "primaryLocationLineHash": "%016x:1"
          }
        }`, results%200, results%200, levels[results%3], results, results%500, results%900+1, results%80+1, results%900+2, results%80+10, results*2654435761)
		results++
	}
	count.printf("\n      ]\n    }\n  ]\n}\n")
	if err := w.Flush(); err != nil {
		_ = f.Close() // the write error is the one to report
		return 0, err
	}
	return results, f.Close()
}

// countingWriter counts the bytes written through it. A write error is
// kept by the bufio.Writer and returned by its Flush.
type countingWriter struct {
	w *bufio.Writer
	n int64
}

func (c *countingWriter) printf(format string, args ...any) {
	n, _ := fmt.Fprintf(c.w, format, args...)
	c.n += int64(n)
}

// cpuTime returns the user plus system CPU time the process has used. The
// benchmarks report it per operation because wall time on a shared machine
// also counts time spent waiting for a core.
func cpuTime(b *testing.B) time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		b.Fatal(err)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

// heapSampler records the largest live heap seen while a scan runs.
type heapSampler struct {
	peak uint64
	seen int
}

func (h *heapSampler) sample() {
	h.seen++
	if h.seen%20000 != 0 {
		return
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.peak = max(h.peak, m.HeapInuse)
}

// BenchmarkScanSARIF100MB streams the generated 100 MiB log through the
// visitor API, which keeps no findings. peak-heap-MB is the largest
// HeapInuse sampled during the scan, showing that memory stays bounded.
func BenchmarkScanSARIF100MB(b *testing.B) {
	path, results := largeSARIF(b)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ReportAllocs()
	var sampler heapSampler

	b.ResetTimer()
	cpuStart := cpuTime(b)
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		seen := 0
		_, err = ScanSARIF(path, f, func(gates.Finding) error {
			seen++
			sampler.sample()
			return nil
		})
		_ = f.Close() // read-only, so closing cannot lose data
		if err != nil {
			b.Fatal(err)
		}
		if seen != results {
			b.Fatalf("scanned %d results, want %d", seen, results)
		}
	}

	b.ReportMetric(float64(cpuTime(b)-cpuStart)/float64(b.N)/1e9, "cpu-s/op")
	b.ReportMetric(float64(sampler.peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(results), "results")
}

// BenchmarkParseSARIF100MB parses the same log into a SARIFSummary, which
// keeps the first DefaultMaxFindings findings and counts the rest.
func BenchmarkParseSARIF100MB(b *testing.B) {
	path, results := largeSARIF(b)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(info.Size())
	b.ReportAllocs()
	b.ResetTimer()
	cpuStart := cpuTime(b)
	for i := 0; i < b.N; i++ {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := ParseSARIF(path, f)
		_ = f.Close() // read-only, so closing cannot lose data
		if err != nil {
			b.Fatal(err)
		}
		if rep.SARIF.Total != results {
			b.Fatalf("counted %d results, want %d", rep.SARIF.Total, results)
		}
	}
	b.ReportMetric(float64(cpuTime(b)-cpuStart)/float64(b.N)/1e9, "cpu-s/op")
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-after-MB")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if largeSARIFPath != "" {
		if err := os.RemoveAll(filepath.Dir(largeSARIFPath)); err != nil {
			fmt.Fprintln(os.Stderr, "remove benchmark log:", err)
		}
	}
	os.Exit(code)
}
