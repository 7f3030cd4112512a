package policy

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hms-enterprise/hmsci/config"
)

// writeLargeSARIF writes a Trivy-like SARIF log of about size bytes:
// one run with 200 rules and results spread over them, a third of them
// critical CVEs, the rest secrets and misconfigurations.
func writeLargeSARIF(tb testing.TB, path string, size int64) int {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprint(w, `{"version":"2.1.0","$schema":"https://json.schemastore.org/sarif-2.1.0.json","runs":[{"tool":{"driver":{"name":"Trivy","version":"0.58.1","rules":[`)
	for i := 0; i < 200; i++ {
		if i > 0 {
			fmt.Fprint(w, ",")
		}
		fmt.Fprintf(w, `{"id":"%s","shortDescription":{"text":"rule %d"},"properties":{"security-severity":"%s"}}`, benchRuleID(i), i, []string{"9.8", "7.5", "5.3"}[i%3])
	}
	fmt.Fprint(w, `]}},"results":[`)
	var written int64
	n := 0
	for written < size {
		if n > 0 {
			fmt.Fprint(w, ",")
		}
		rule := n % 200
		line := fmt.Sprintf(`{"ruleId":"%s","ruleIndex":%d,"level":"error","message":{"text":"Package: lodash\nInstalled Version: 4.17.%d\nVulnerability %s\nSeverity: CRITICAL\nFixed Version: 4.17.21"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"services/api-%d/package-lock.json","uriBaseId":"ROOTPATH"},"region":{"startLine":%d,"startColumn":1,"endLine":%d,"endColumn":1}}}],"partialFingerprints":{"primaryLocationLineHash":"%016x"}}`,
			benchRuleID(rule), rule, n%30, benchRuleID(rule), n%500, n%9000+1, n%9000+1, n)
		fmt.Fprint(w, line)
		written += int64(len(line)) + 1
		n++
	}
	fmt.Fprint(w, `]}]}`)
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return n
}

func benchRuleID(i int) string {
	switch i % 3 {
	case 0:
		return fmt.Sprintf("CVE-2024-%05d", i)
	case 1:
		return fmt.Sprintf("AVD-KSV-%04d", i)
	}
	return fmt.Sprintf("generic-secret-%d", i)
}

// BenchmarkTallySARIF100MB counts the findings of a generated 100 MB SARIF
// log by streaming it, and reports the peak heap in use while it runs.
func BenchmarkTallySARIF100MB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "large.sarif")
	results := writeLargeSARIF(b, path, 100<<20)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	policyConfig := config.Default()
	b.SetBytes(info.Size())

	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		ticker := time.NewTicker(20 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()

	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		tally, err := TallySARIF(policyConfig, "", path, f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if tally.Total != results {
			b.Fatalf("counted %d findings, wrote %d", tally.Total, results)
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(results), "findings")
}
