package phi

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// benchTreeDir, when set, makes TestWriteBenchTree write the benchmark
// tree there, so other scanners can be timed on the same files.
var benchTreeDir = flag.String("bench-tree", "", "write the benchmark tree to this directory")

// benchTreeBytes is the size of the generated benchmark tree.
const benchTreeBytes = 32 << 20

// writeBenchTree writes a mixed tree of about size bytes: half Go source
// copied from GOROOT/src, the rest generated JSON fixtures, logs, CSV and
// YAML with identifiers planted about once per 150 lines. It returns the
// bytes written.
func writeBenchTree(tb testing.TB, dir string, size int) int {
	tb.Helper()
	total := 0
	goBudget := size / 2
	src := filepath.Join(runtime.GOROOT(), "src")
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || total >= goBudget {
			return fs.SkipAll
		}
		if d.IsDir() {
			if d.Name() == "testdata" || d.Name() == "vendor" {
				return fs.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil || len(data) > DefaultMaxFileSize {
			return nil
		}
		n++
		out := filepath.Join(dir, "go", fmt.Sprintf("%04d_%s", n, filepath.Base(p)))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		total += len(data)
		return os.WriteFile(out, data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}

	g := gen{r: rand.New(rand.NewPCG(11, 13))}
	file := 0
	for total < size {
		file++
		var b strings.Builder
		var name string
		switch file % 4 {
		case 0:
			name = fmt.Sprintf("fixtures/f%04d.json", file)
			b.WriteString("[\n")
			for i := 0; i < 400; i++ {
				if i > 0 {
					b.WriteString(",\n")
				}
				fmt.Fprintf(&b, `  {"id": %q, "createdAt": "2025-0%d-1%dT10:00:00Z", "status": "active", "count": %d, "version": "1.%d.%d"`,
					g.uuid(), 1+g.r.IntN(9), g.r.IntN(10), g.r.IntN(1000), g.r.IntN(20), g.r.IntN(20))
				if i%150 == 7 {
					fmt.Fprintf(&b, `, "ssn": %q, "name": %q`, g.ssn("-"), g.name())
				}
				b.WriteString("}")
			}
			b.WriteString("\n]\n")
		case 1:
			name = fmt.Sprintf("logs/app%04d.log", file)
			for i := 0; i < 1200; i++ {
				fmt.Fprintf(&b, "2025-09-%02dT%02d:%02d:%02dZ INFO request_id=%s method=GET path=/api/v1/orders/%d status=200 duration_ms=%d\n",
					1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60), g.uuid(), g.r.IntN(100000), g.r.IntN(900))
				if i%150 == 3 {
					fmt.Fprintf(&b, "2025-09-01T00:00:00Z WARN callback phone %s email %s\n", g.phone(), g.email(g.first(), g.last()))
				}
			}
		case 2:
			name = fmt.Sprintf("data/rows%04d.csv", file)
			b.WriteString("order_id,sku,quantity,price,created_at,patient_ssn\n")
			for i := 0; i < 1500; i++ {
				ssn := ""
				if i%150 == 11 {
					ssn = g.ssn("-")
				}
				fmt.Fprintf(&b, "%s,SKU-%s,%d,%d.%02d,2025-0%d-1%d,%s\n", g.digits(10), g.digits(5), g.r.IntN(9), g.r.IntN(500), g.r.IntN(100), 1+g.r.IntN(9), g.r.IntN(10), ssn)
			}
		default:
			name = fmt.Sprintf("deploy/values%04d.yaml", file)
			for i := 0; i < 300; i++ {
				fmt.Fprintf(&b, "service%d:\n  image: registry.local/app:%d.%d.%d\n  replicas: %d\n  port: %d\n", i, g.r.IntN(9), g.r.IntN(30), g.r.IntN(30), 1+g.r.IntN(5), 1024+g.r.IntN(60000))
			}
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			tb.Fatal(err)
		}
		total += b.Len()
	}
	return total
}

func TestWriteBenchTree(t *testing.T) {
	if *benchTreeDir == "" {
		t.Skip("writes the benchmark tree only with -bench-tree DIR")
	}
	n := writeBenchTree(t, *benchTreeDir, benchTreeBytes)
	t.Logf("wrote %d bytes to %s", n, *benchTreeDir)
}

// BenchmarkScanTree measures scan throughput over the mixed tree; MB/s in
// the output is bytes scanned per second.
func BenchmarkScanTree(b *testing.B) {
	dir := b.TempDir()
	writeBenchTree(b, dir, benchTreeBytes)
	fsys := os.DirFS(dir)
	rep, err := ScanFS(context.Background(), fsys, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(rep.BytesScanned)
	b.ReportMetric(float64(len(rep.Findings)), "findings")
	b.ResetTimer()
	cpuStart := processCPU()
	for b.Loop() {
		if _, err := ScanFS(context.Background(), fsys, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	reportCPUThroughput(b, rep.BytesScanned, cpuStart)
}

// processCPU returns the user plus system CPU time of the process, in
// seconds.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// reportCPUThroughput adds "cpu-MB/s": bytes per CPU second used by the
// process. Unlike wall-clock MB/s it does not drop when other processes
// share the core, so it compares tools fairly on a busy machine.
func reportCPUThroughput(b *testing.B, bytesPerOp int64, cpuStart float64) {
	cpu := processCPU() - cpuStart
	if cpu > 0 {
		b.ReportMetric(float64(bytesPerOp)*float64(b.N)/cpu/1e6, "cpu-MB/s")
	}
}

// BenchmarkScanBytesGo measures the text path alone on one Go file held in
// memory.
func BenchmarkScanBytesGo(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "net", "http", "server.go"))
	if err != nil {
		b.Skip("GOROOT source not available: ", err)
	}
	b.SetBytes(int64(len(data)))
	cpuStart := processCPU()
	defer func() { reportCPUThroughput(b, int64(len(data)), cpuStart) }()
	for b.Loop() {
		if _, err := ScanBytes(context.Background(), "server.go", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
