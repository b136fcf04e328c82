package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// BenchmarkSandbox measures the sandbox's throughput: n wrapper clients,
// each with its own connection pool, fetch the client call's summary from
// one sandbox.NewServer as fast as they can, b.N fetches in all. It
// reports fetches/s; time/op is wall time divided by b.N.
func BenchmarkSandbox(b *testing.B) {
	p := mustPayload(b, Largest)
	srv, err := sandbox.NewServer()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	creds := callsummary.WithCredentials(sandbox.AccountSID, sandbox.AuthToken)
	for _, n := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			ctx := context.Background()
			clients := make([]fetcher, n)
			for i := range clients {
				clients[i] = newWrapperFetcher(b, srv.URL, creds)
				// One checked fetch each, which also opens its connection.
				if sid, err := clients[i](ctx, p.CallSID); err != nil || sid != p.CallSID {
					b.Fatalf("client %d fetched call_sid %q, %v; want %q", i, sid, err, p.CallSID)
				}
			}
			var (
				next     atomic.Int64
				firstErr error
				once     sync.Once
				wg       sync.WaitGroup
			)
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for _, fetch := range clients {
				wg.Go(func() {
					for next.Add(1) <= int64(b.N) {
						sid, err := fetch(ctx, p.CallSID)
						if err == nil && sid != p.CallSID {
							err = fmt.Errorf("call_sid %q, want %q", sid, p.CallSID)
						}
						if err != nil {
							once.Do(func() { firstErr = err })
							return
						}
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if firstErr != nil {
				b.Fatal(firstErr)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "fetches/s")
		})
	}
}
