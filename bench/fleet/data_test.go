package fleetbench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
)

// TestMain removes the generated files at the end of the run.
func TestMain(m *testing.M) {
	if os.Getenv(envRemoteSize) != "" {
		os.Exit(serveRemote())
	}
	code := m.Run()
	if dataDir != "" {
		os.RemoveAll(dataDir)
	}
	os.Exit(code)
}

var (
	dataOnce sync.Mutex
	dataDir  string
	ndjsons  = map[int]string{} // population size → NDJSON file
)

// ndjsonFile is an NDJSON export of a sandbox population of size calls,
// made once per process (the sandbox generates 200,000 calls in seconds).
func ndjsonFile(tb testing.TB, size int) string {
	tb.Helper()
	dataOnce.Lock()
	defer dataOnce.Unlock()
	if p, ok := ndjsons[size]; ok {
		return p
	}
	if dataDir == "" {
		d, err := os.MkdirTemp("", "fleetbench-")
		if err != nil {
			tb.Fatal(err)
		}
		dataDir = d
	}
	path := filepath.Join(dataDir, fmt.Sprintf("calls-%d.ndjson", size))
	sink, err := fleet.NewNDJSONFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer sink.Close()
	c, closeSandbox := newSandbox(tb, size, 11)
	_, err = fleet.ExportPages(tb.Context(), fleet.ClientPages(c, everything), sink)
	closeSandbox()
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC() // the population is garbage now: not scanned again during the benchmarks
	ndjsons[size] = path
	return path
}

// scaled is n, or a small population under -short (make bench-smoke).
func scaled(n int) int {
	if testing.Short() {
		return min(n, 2_000)
	}
	return n
}
