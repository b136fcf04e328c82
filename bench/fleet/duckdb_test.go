package fleetbench

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// proofCalls is the size of the population the proof exports.
const proofCalls = 20_000

// TestDuckDBAgrees is `make duckdb`: the sandbox's calls exported to a
// partitioned Parquet directory, the README's query run over it by DuckDB,
// and every count equal to fleet's, every quantile within fleet's bound of
// DuckDB's (exact) quantile_disc.
func TestDuckDBAgrees(t *testing.T) {
	ctx := t.Context()
	c := sandboxClient(t, proofCalls, 7)
	dir := filepath.Join(t.TempDir(), "calls")
	sink, err := fleet.NewParquetDir(dir, fleet.NewSchema())
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	// fleet's statistics over the very calls exported, as they are listed.
	agg, err := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType})
	if err != nil {
		t.Fatal(err)
	}
	pages := fleet.ClientPages(c, everything)
	tap := func(ctx context.Context, cursor string) (*callsummary.SummaryPage, error) {
		p, err := pages(ctx, cursor)
		if err == nil {
			for _, s := range p.Summaries {
				if err := agg.Add(s); err != nil {
					return nil, err
				}
			}
		}
		return p, err
	}
	p, err := fleet.ExportPages(ctx, tap, sink)
	if err != nil {
		t.Fatal(err)
	}
	parts, _ := filepath.Glob(filepath.Join(dir, "date=*", "*.parquet"))
	t.Logf("exported %d calls in %d pages to %d part files", p.Calls, p.Pages, len(parts))

	// fleet over the files it wrote gives the same statistics.
	again, _ := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType})
	for s, err := range fleet.ReadParquet(ctx, dir) {
		if err != nil {
			t.Fatal(err)
		}
		_ = again.Add(s)
	}
	if a, b := mustJSON(t, agg), mustJSON(t, again); a != b {
		t.Error("fleet's statistics over the Parquet files differ from those over the listing")
	}

	db := openDuckDB(t, 2)
	groups, err := queryGroups(ctx, db, readmeQuery(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	res := agg.Result()
	if len(groups) != len(res.Groups) {
		t.Fatalf("DuckDB has %d groups, fleet %d", len(groups), len(res.Groups))
	}
	var total int64
	checked := 0
	for i, g := range res.Groups {
		d := groups[i]
		if d.callType != g.Key[0] {
			t.Fatalf("group %d: DuckDB's %q, fleet's %q", i, d.callType, g.Key[0])
		}
		want := map[string]int64{"calls": g.Count}
		for _, tag := range callsummary.KnownTags() {
			want[string(tag)] = g.Tags[string(tag)]
		}
		for _, v := range callsummary.Verdicts() {
			want[string(v)] = g.Verdicts[string(v)]
		}
		for name, n := range want {
			if d.counts[name] != n {
				t.Errorf("%s %s: DuckDB counts %d, fleet %d", d.callType, name, d.counts[name], n)
			}
		}
		total += d.counts["calls"]
		for _, m := range fleet.Metrics() {
			q, ok := g.Quantiles[m]
			exact := d.quantiles[m]
			if ok != (len(exact) == 3) {
				t.Errorf("%s %s: fleet has it %v, DuckDB %v", d.callType, m, ok, exact)
			}
			if !ok || len(exact) != 3 {
				continue
			}
			for j, est := range []float64{q.P50, q.P90, q.P99} {
				if math.Abs(est-exact[j]) > fleet.RelativeAccuracy*math.Abs(exact[j]) {
					t.Errorf("%s %s p%s: fleet %v, DuckDB %v: beyond ±%v", d.callType, m, []string{"50", "90", "99"}[j], est, exact[j], fleet.RelativeAccuracy)
				}
				checked++
			}
		}
	}
	if total != p.Calls || total != res.Calls || checked < 30 {
		t.Errorf("DuckDB counted %d calls, fleet %d, exported %d; %d quantiles checked", total, res.Calls, p.Calls, checked)
	}
	t.Logf("%d groups: every count equal, %d quantiles within ±%v", len(groups), checked, fleet.RelativeAccuracy)
}

func mustJSON(tb testing.TB, a *fleet.Aggregator) string {
	tb.Helper()
	b, err := a.MarshalJSON()
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
