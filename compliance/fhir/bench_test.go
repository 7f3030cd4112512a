package fhir

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/hms-enterprise/hmsci/compliance/fhir/internal/spec"
)

// loadBenchmarkExamples returns the non-definition examples of the npm
// package when it is available, else the committed subset.
func loadBenchmarkExamples(b *testing.B) (names []string, docs [][]byte) {
	if dir := os.Getenv("HMSCI_FHIR_PACKAGES"); dir != "" {
		err := spec.ReadPackage(filepath.Join(dir, spec.ExamplesPackage), func(name string, data []byte) error {
			if name == "package.json" || strings.HasPrefix(name, ".") || isDefinition(data) {
				return nil
			}
			names, docs = append(names, name), append(docs, data)
			return nil
		})
		if err == nil {
			return names, docs
		}
		b.Logf("npm package unreadable, using the committed subset: %v", err)
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "examples"))
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata", "examples", e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		names, docs = append(names, e.Name()), append(docs, data)
	}
	return names, docs
}

// BenchmarkValidateExamples validates every example once per iteration
// with invariants, bindings and terminology on, and reports resources/s
// (bundle entries and contained resources count as resources).
func BenchmarkValidateExamples(b *testing.B) {
	names, docs := loadBenchmarkExamples(b)
	var size int64
	resources := 0
	for i, d := range docs {
		size += int64(len(d))
		resources += ValidateBytes(names[i], d).Resources
	}
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	cpuStart := processCPUSeconds(b)
	for b.Loop() {
		for i, d := range docs {
			ValidateBytes(names[i], d)
		}
	}
	cpu := processCPUSeconds(b) - cpuStart
	b.ReportMetric(float64(resources*b.N)/b.Elapsed().Seconds(), "resources/s")
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "files/s")
	// CPU time (user + system, GC included) is steadier than wall time on
	// a shared machine.
	if cpu > 0 {
		b.ReportMetric(float64(len(docs)*b.N)/cpu, "files/cpu-s")
	}
}

// processCPUSeconds returns the user and system CPU time of the process.
func processCPUSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Logf("getrusage: %v", err)
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
