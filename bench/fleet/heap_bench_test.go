package fleetbench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// liveHeap is the heap the last garbage collection found reachable.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakLive runs f while a collection is forced every 25 ms, and returns the
// largest live heap seen above the one before f started.
func peakLive(f func() error) (uint64, error) {
	runtime.GC()
	base := liveHeap()
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(25 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.GC()
				peak = max(peak, liveHeap())
			}
		}
	})
	err := f()
	close(done)
	wg.Wait()
	if peak < base {
		return 0, err
	}
	return peak - base, err
}

// BenchmarkHeap reports the peak live heap (above what was live before)
// of statistics over an NDJSON file and of a Parquet export from the
// sandbox, for 20,000 and 200,000 calls: it should not grow with the
// number of calls. Time per op is inflated by the forced collections.
func BenchmarkHeap(b *testing.B) {
	for _, n := range []int{scaled(20_000), scaled(200_000)} {
		b.Run(fmt.Sprintf("op=stats/n=%d", n), func(b *testing.B) {
			path := ndjsonFile(b, n)
			measure(b, func() error {
				_, err := fleetStats(b.Context(), path)
				return err
			})
		})
	}
	for _, n := range []int{scaled(20_000), scaled(200_000)} {
		c := remoteSandbox(b, n)
		// The listing alone: what the client holds for a page.
		b.Run(fmt.Sprintf("op=list/n=%d", n), func(b *testing.B) {
			measure(b, func() error {
				for _, err := range c.ListSummaries(b.Context(), everything) {
					if err != nil {
						return err
					}
				}
				return nil
			})
		})
		b.Run(fmt.Sprintf("op=export-parquet/n=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			measure(b, func() error {
				out := filepath.Join(dir, "calls")
				defer os.RemoveAll(out)
				return exportParquet(b.Context(), c, out)
			})
		})
		// With row groups of 1000 rows, which every day of both populations
		// fills: the bound is reached, and the heap no longer grows.
		b.Run(fmt.Sprintf("op=export-parquet-rg1000/n=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			measure(b, func() error {
				out := filepath.Join(dir, "calls")
				defer os.RemoveAll(out)
				return exportParquet(b.Context(), c, out, fleet.WithRowGroupRows(1000))
			})
		})
	}
}

func measure(b *testing.B, f func() error) {
	var peak uint64
	for b.Loop() {
		p, err := peakLive(f)
		if err != nil {
			b.Fatal(err)
		}
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-MiB")
}

func warm(tb testing.TB, c *callsummary.Client) {
	tb.Helper()
	f := everything
	f.PageSize = 1
	if _, err := c.FetchSummaryPage(tb.Context(), f, ""); err != nil {
		tb.Fatal(err)
	}
}

func exportParquet(ctx context.Context, c *callsummary.Client, dir string, opts ...fleet.ParquetOption) error {
	sink, err := fleet.NewParquetDir(dir, fleet.NewSchema(), opts...)
	if err != nil {
		return err
	}
	defer sink.Close()
	_, err = fleet.ExportPages(ctx, fleet.ClientPages(c, everything), sink)
	return err
}

// BenchmarkExport exports the sandbox's calls, pages of 1000, to each
// format, beside the bare listing (format=list) that every export does:
// summaries/s, and the output's bytes per summary (Parquet against NDJSON).
func BenchmarkExport(b *testing.B) {
	n := scaled(20_000)
	c := remoteSandbox(b, n)
	formats := []struct {
		name string
		open func(dir string) (fleet.Sink, string, error)
	}{
		{"list", nil},
		{"ndjson", func(dir string) (fleet.Sink, string, error) {
			p := filepath.Join(dir, "calls.ndjson")
			s, err := fleet.NewNDJSONFile(p)
			return s, p, err
		}},
		{"csv", func(dir string) (fleet.Sink, string, error) {
			p := filepath.Join(dir, "calls.csv")
			s, err := fleet.NewCSVFile(p, fleet.NewSchema())
			return s, p, err
		}},
		{"parquet", func(dir string) (fleet.Sink, string, error) {
			p := filepath.Join(dir, "calls")
			s, err := fleet.NewParquetDir(p, fleet.NewSchema())
			return s, p, err
		}},
	}
	for _, f := range formats {
		b.Run(fmt.Sprintf("n=%d/format=%s", n, f.name), func(b *testing.B) {
			var calls, size int64
			for b.Loop() {
				dir := b.TempDir()
				if f.open == nil {
					calls = 0
					for _, err := range c.ListSummaries(b.Context(), everything) {
						if err != nil {
							b.Fatal(err)
						}
						calls++
					}
					continue
				}
				sink, out, err := f.open(dir)
				if err != nil {
					b.Fatal(err)
				}
				p, err := fleet.ExportPages(b.Context(), fleet.ClientPages(c, everything), sink)
				if err != nil {
					b.Fatal(err)
				}
				sink.Close()
				calls, size = p.Calls, du(b, out)
				os.RemoveAll(dir)
			}
			b.ReportMetric(float64(calls)*float64(b.N)/b.Elapsed().Seconds(), "summaries/s")
			if size > 0 {
				b.ReportMetric(float64(size)/float64(calls), "bytes/summary")
			}
		})
	}
}

// du is the size of a file, or of every file under a directory.
func du(tb testing.TB, path string) int64 {
	var n int64
	err := filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		n += fi.Size()
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
