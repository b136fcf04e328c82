package fleetbench

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/voiceinsights/callsummary/fleet"
)

// duckStatsQuery computes with DuckDB's read_json what fleet computes
// grouped by call_type over the same NDJSON file: counts, calls per tag
// and per verdict (Summary.Verdict's rule: Severity > 1 on the worst
// stream is poor, then any tag is tagged, then good, or unknown without
// streams), and quantile_disc of each call's worst stream metrics, the
// post-dial delay and the duration. The columns are declared (DuckDB's
// fastest way: no schema inference, only these fields materialized), every
// edge with the same stream type so that the eight streams form a list.
const duckStatsQuery = `
WITH s AS (
  SELECT call_type, tags, duration, properties.pdd_ms AS pdd_ms,
    list_filter([carrier_edge.metrics.inbound, carrier_edge.metrics.outbound,
                 client_edge.metrics.inbound, client_edge.metrics.outbound,
                 sip_edge.metrics.inbound, sip_edge.metrics.outbound,
                 sdk_edge.metrics.inbound, sdk_edge.metrics.outbound], x -> x IS NOT NULL) AS st
  FROM read_json('%s', format = 'newline_delimited', columns = {%s})
), v AS (
  SELECT call_type, tags, duration, pdd_ms, len(st) AS streams,
    list_min([x.mos.avg FOR x IN st]) AS mos,
    list_max([x.jitter.avg FOR x IN st]) AS jitter,
    list_max([x.packets_loss_percentage FOR x IN st]) AS loss,
    list_max([x.rtt.avg FOR x IN st]) AS rtt,
    list_max([greatest(0, x.packets_loss_percentage / 5, x.jitter.avg / 5, x.latency.avg / 150, x.rtt.avg / 400,
                       CASE WHEN x.mos.avg > 0 THEN 3.5 / x.mos.avg END) FOR x IN st]) AS severity,
    coalesce(len(tags), 0) > 0 AS tagged
  FROM s
)
SELECT
  coalesce(call_type, '') AS call_type,
  count(*) AS calls,
%s
  count(*) FILTER (WHERE streams > 0 AND severity <= 1 AND NOT tagged) AS good,
  count(*) FILTER (WHERE NOT (streams > 0 AND severity > 1) AND tagged) AS tagged,
  count(*) FILTER (WHERE streams > 0 AND severity > 1) AS poor,
  count(*) FILTER (WHERE streams = 0 AND NOT tagged) AS unknown,
  quantile_disc(mos, [0.5, 0.9, 0.99]) AS mos,
  quantile_disc(jitter, [0.5, 0.9, 0.99]) AS jitter_ms,
  quantile_disc(loss, [0.5, 0.9, 0.99]) AS packet_loss_pct,
  quantile_disc(rtt, [0.5, 0.9, 0.99]) AS rtt_ms,
  quantile_disc(pdd_ms, [0.5, 0.9, 0.99]) AS pdd_ms,
  quantile_disc(duration, [0.5, 0.9, 0.99]) AS duration_s
FROM v
GROUP BY ALL
ORDER BY call_type`

func duckStats(path string) string {
	stat := "STRUCT(avg DOUBLE)"
	stream := fmt.Sprintf("STRUCT(packets_loss_percentage DOUBLE, jitter %s, latency %s, mos %s, rtt %s)", stat, stat, stat, stat)
	edge := fmt.Sprintf("STRUCT(metrics STRUCT(inbound %s, outbound %s))", stream, stream)
	cols := []string{"call_type: 'VARCHAR'", "tags: 'VARCHAR[]'", "duration: 'BIGINT'", "properties: 'STRUCT(pdd_ms BIGINT)'"}
	for _, e := range []string{"carrier_edge", "client_edge", "sip_edge", "sdk_edge"} {
		cols = append(cols, fmt.Sprintf("%s: '%s'", e, edge))
	}
	var tags strings.Builder
	for _, t := range duckCounts[1:8] {
		fmt.Fprintf(&tags, "  count(*) FILTER (WHERE list_contains(tags, '%s')) AS %s,\n", t, t)
	}
	return fmt.Sprintf(duckStatsQuery, path, strings.Join(cols, ", "), strings.TrimSuffix(tags.String(), "\n"))
}

// fleetStats is what `stats --by call_type` does over an NDJSON file.
func fleetStats(ctx context.Context, path string) (*fleet.Aggregator, error) {
	a, err := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType})
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	_, err = a.AddNDJSON(ctx, f)
	return a, err
}

// agree checks that DuckDB's groups are fleet's: counts equal, quantiles
// within fleet's bound.
func agree(tb testing.TB, res fleet.Result, groups []duckGroup) {
	tb.Helper()
	if len(groups) != len(res.Groups) {
		tb.Fatalf("DuckDB has %d groups, fleet %d", len(groups), len(res.Groups))
	}
	for i, g := range res.Groups {
		d := groups[i]
		want := map[string]int64{"calls": g.Count}
		for _, name := range duckCounts[1:] {
			want[name] = g.Tags[name] + g.Verdicts[name]
		}
		for name, n := range want {
			if d.counts[name] != n {
				tb.Fatalf("%s %s: DuckDB %d, fleet %d", d.callType, name, d.counts[name], n)
			}
		}
		for _, m := range fleet.Metrics() {
			q, ok := g.Quantiles[m]
			if exact := d.quantiles[m]; ok && len(exact) == 3 {
				for j, est := range []float64{q.P50, q.P90, q.P99} {
					if math.Abs(est-exact[j]) > fleet.RelativeAccuracy*math.Abs(exact[j]) {
						tb.Fatalf("%s %s: fleet %v, DuckDB %v", d.callType, m, est, exact[j])
					}
				}
			} else if ok || len(exact) != 0 {
				tb.Fatalf("%s %s: fleet has it %v, DuckDB %v", d.callType, m, ok, exact)
			}
		}
	}
}

// BenchmarkStats times statistics by call type over the same NDJSON file,
// with fleet (AddNDJSON on GOMAXPROCS workers) and with DuckDB's read_json
// on as many threads. Both answers are checked against each other first.
func BenchmarkStats(b *testing.B) {
	n := scaled(200_000)
	path := ndjsonFile(b, n)
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	threads := runtime.GOMAXPROCS(0)
	db := openDuckDB(b, threads)
	query := duckStats(path)
	ref, err := fleetStats(b.Context(), path)
	if err != nil {
		b.Fatal(err)
	}
	groups, err := queryGroups(b.Context(), db, query)
	if err != nil {
		b.Fatal(err)
	}
	agree(b, ref.Result(), groups)
	calls := ref.Calls()

	run := func(name string, f func() error) {
		b.Run(fmt.Sprintf("n=%d/impl=%s", n, name), func(b *testing.B) {
			b.SetBytes(fi.Size())
			for b.Loop() {
				if err := f(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(calls)*float64(b.N)/b.Elapsed().Seconds(), "summaries/s")
		})
	}
	run("fleet", func() error {
		a, err := fleetStats(b.Context(), path)
		if err == nil && a.Calls() != calls {
			err = fmt.Errorf("%d calls, want %d", a.Calls(), calls)
		}
		return err
	})
	// The floor of the module's JSON engine: every line only validated by
	// jsontext (no value read, nothing decoded), on as many goroutines.
	run("jsontext-floor", func() error { return validateLines(path, threads) })
	run("duckdb", func() error {
		g, err := queryGroups(b.Context(), db, query)
		if err == nil && len(g) != len(groups) {
			err = fmt.Errorf("%d groups, want %d", len(g), len(groups))
		}
		return err
	})
}

// validateLines reads the file and checks that every line is valid JSON
// with the module's engine, split evenly over workers goroutines.
func validateLines(path string, workers int) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	errs := make(chan error, workers)
	for w := range workers {
		lo, hi := len(data)*w/workers, len(data)*(w+1)/workers
		go func() {
			// Start after the line the bound cuts; end at the end of the line it cuts.
			if lo > 0 {
				lo += bytes.IndexByte(data[lo:], '\n') + 1
			}
			if i := bytes.IndexByte(data[hi:], '\n'); hi < len(data) && i >= 0 {
				hi += i + 1
			}
			for part := data[lo:max(lo, hi)]; len(part) > 0; {
				var line []byte
				line, part, _ = bytes.Cut(part, []byte{'\n'})
				if len(line) > 0 && !jsontext.Value(line).IsValid() {
					errs <- fmt.Errorf("an invalid line")
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			return err
		}
	}
	return nil
}
