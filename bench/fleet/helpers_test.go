package fleetbench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // the "duckdb" database/sql driver
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// sandboxClient is a client of a fresh sandbox of size generated calls,
// closed at the end of the test.
func sandboxClient(tb testing.TB, size int, seed uint64) *callsummary.Client {
	tb.Helper()
	c, closeSandbox := newSandbox(tb, size, seed)
	tb.Cleanup(closeSandbox)
	return c
}

// newSandbox is a client of a fresh sandbox and the function that closes
// it: a benchmark closes it before timing, so that the population's heap
// is not scanned by the garbage collector of the code measured.
func newSandbox(tb testing.TB, size int, seed uint64) (*callsummary.Client, func()) {
	tb.Helper()
	srv, err := sandbox.NewServer(sandbox.WithPopulation(size, seed))
	if err != nil {
		tb.Fatal(err)
	}
	c, err := callsummary.NewClient(callsummary.WithBaseURL(srv.URL),
		callsummary.WithCredentials(srv.Handler().AccountSID(), srv.Handler().AuthToken()))
	if err != nil {
		srv.Close()
		tb.Fatal(err)
	}
	return c, srv.Close
}

// everything lists the whole population in pages of 1000.
var everything = callsummary.ListFilter{Start: callsummary.Since(31 * 24 * time.Hour), ProcessingState: gen.ListProcessingStateAll, PageSize: 1000}

// readmeQuery is the DuckDB query of the README's fleet section, reading
// the Parquet files under dir.
func readmeQuery(tb testing.TB, dir string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		tb.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- fleet-duckdb-query[^>]*-->\n```sql\n(.*?)```").FindSubmatch(b)
	if m == nil {
		tb.Fatal("README.md has no fleet-duckdb-query block")
	}
	const path = "'calls/**/*.parquet'"
	q := string(m[1])
	if !regexp.MustCompile(regexp.QuoteMeta(path)).MatchString(q) {
		tb.Fatalf("the README's query does not read %s", path)
	}
	return regexp.MustCompile(regexp.QuoteMeta(path)).ReplaceAllLiteralString(q, "'"+filepath.ToSlash(dir)+"/**/*.parquet'")
}

// openDuckDB opens an in-memory DuckDB limited to threads threads.
func openDuckDB(tb testing.TB, threads int) *sql.DB {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // one connection: the SET applies to every query
	if _, err := db.Exec(fmt.Sprintf("SET threads = %d", threads)); err != nil {
		tb.Fatal(err)
	}
	return db
}

// duckGroup is one row of the query: the counts and quantile lists.
type duckGroup struct {
	callType  string
	counts    map[string]int64 // calls, each tag, each verdict
	quantiles map[fleet.Metric][]float64
}

// duckColumns are the query's columns after call_type, in order.
var duckCounts = []string{"calls", "silence", "high_jitter", "high_packet_loss", "high_latency", "high_pdd", "low_mos", "ice_failure",
	"good", "tagged", "poor", "unknown"}

// queryGroups runs a query with the README's columns and reads its rows.
func queryGroups(ctx context.Context, db *sql.DB, query string) ([]duckGroup, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []duckGroup
	for rows.Next() {
		counts := make([]int64, len(duckCounts))
		lists := make([]any, len(fleet.Metrics()))
		dest := []any{new(string)}
		for i := range counts {
			dest = append(dest, &counts[i])
		}
		for i := range lists {
			dest = append(dest, &lists[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		g := duckGroup{callType: *dest[0].(*string), counts: map[string]int64{}, quantiles: map[fleet.Metric][]float64{}}
		for i, name := range duckCounts {
			g.counts[name] = counts[i]
		}
		for i, m := range fleet.Metrics() {
			if lists[i] == nil {
				continue
			}
			l, ok := lists[i].([]any)
			if !ok {
				return nil, fmt.Errorf("%s: a %T, want a list", m, lists[i])
			}
			for _, v := range l {
				switch x := v.(type) {
				case float64:
					g.quantiles[m] = append(g.quantiles[m], x)
				case int64:
					g.quantiles[m] = append(g.quantiles[m], float64(x))
				case int32:
					g.quantiles[m] = append(g.quantiles[m], float64(x))
				default:
					return nil, fmt.Errorf("%s: a quantile of type %T", m, v)
				}
			}
		}
		out = append(out, g)
	}
	return out, rows.Err()
}
