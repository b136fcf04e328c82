package fleet_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// NDJSON keeps each summary's exact bytes, in listing order.
func TestNDJSONIsByteExact(t *testing.T) {
	c := sandboxClient(t, 700, 5)
	path := filepath.Join(t.TempDir(), "calls.ndjson")
	sink, err := fleet.NewNDJSONFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	// The bytes each page brought, recorded as the export fetches them;
	// those the sandbox sent indented (its WhatsApp fixture) compacted.
	var want bytes.Buffer
	exact, compacted := 0, 0
	pages := fleet.ClientPages(c, month(100))
	record := func(ctx context.Context, cursor string) (*callsummary.SummaryPage, error) {
		p, err := pages(ctx, cursor)
		if err == nil {
			for _, s := range p.Summaries {
				raw := s.Raw()
				if bytes.ContainsAny(raw, "\r\n") {
					compacted++
					if raw, err = wirejson.Compact(raw); err != nil {
						t.Fatal(err)
					}
				} else {
					exact++
				}
				want.Write(raw)
				want.WriteByte('\n')
			}
		}
		return p, err
	}
	p, err := fleet.ExportPages(t.Context(), record, sink)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("the NDJSON file (%d bytes) is not the summaries' bytes (%d)", len(got), want.Len())
	}
	if exact < 500 || compacted == 0 {
		t.Errorf("%d summaries kept as received, %d compacted: the test covers too little", exact, compacted)
	}
	if !p.Done || p.Calls != int64(bytes.Count(got, []byte("\n"))) || p.Pages < 7 {
		t.Errorf("progress %+v", p)
	}
	// Read back: the same bytes, summary by summary.
	var back []byte
	for s, err := range fleet.ReadNDJSON(t.Context(), path) {
		if err != nil {
			t.Fatal(err)
		}
		if back, err = fleet.AppendNDJSON(back, s); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(back, got) {
		t.Error("ReadNDJSON does not give back the bytes")
	}
}

// A summary that arrived spread over lines is compacted: white space only.
func TestAppendNDJSONCompactsOnlyLines(t *testing.T) {
	s, err := callsummary.ParseSummary([]byte("{\n  \"call_sid\": \"CA62608e08adc29a8d6dbc9754e659f125\",\n  \"tags\": [ \"a b\" ]\n}"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := fleet.AppendNDJSON(nil, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"call_sid":"CA62608e08adc29a8d6dbc9754e659f125","tags":["a b"]}` + "\n"; string(got) != want {
		t.Errorf("AppendNDJSON = %q, want %q", got, want)
	}
}

// Parquet: written partitioned by day, read back with the same package,
// column by column equal to the flattened summaries.
func TestParquetRoundTrip(t *testing.T) {
	all := population(t, 3000, 1)[:1000]
	dir := t.TempDir()
	schema := fleet.NewSchema()
	sink, err := fleet.NewParquetDir(dir, schema, fleet.WithRowGroupRows(500))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	if _, err := fleet.Export(t.Context(), seqOf(all), sink); err != nil {
		t.Fatal(err)
	}
	parts, _ := filepath.Glob(filepath.Join(dir, "date=*", "part-*.parquet"))
	days := map[string]bool{}
	for _, s := range all {
		days[s.StartTime.UTC().Format("2006-01-02")] = true
	}
	if len(parts) < len(days) {
		t.Fatalf("%d part files for %d days", len(parts), len(days))
	}
	// Rows come back partition by partition: compare by call SID.
	want := map[string][]fleet.Value{}
	for _, s := range all {
		want[*s.CallSID] = schema.Flatten(s, nil)
	}
	full := fleet.NewSchema(fleet.WithPII(true))
	n := 0
	for row, err := range fleet.ReadParquetRows(t.Context(), dir) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		sid := row[full.Index("call_sid")].Str
		w, ok := want[sid]
		if !ok {
			t.Fatalf("a row of an unknown call %q", sid)
		}
		for i, c := range schema.Columns() {
			got := row[full.Index(c.Name)]
			if !sameValue(got, w[i]) {
				t.Errorf("%s %s: read %+v, wrote %+v", sid, c.Name, got, w[i])
			}
		}
		for _, c := range full.Columns() {
			if c.PII && row[full.Index(c.Name)].Valid {
				t.Errorf("%s: PII column %s written without WithPII", sid, c.Name)
			}
		}
		delete(want, sid)
	}
	if n != len(all) || len(want) != 0 {
		t.Errorf("read %d rows of %d; %d calls missing", n, len(all), len(want))
	}
	// Rebuilt summaries aggregate as the originals do.
	by := []fleet.Dim{fleet.DimCallType, fleet.DimEdge, fleet.DimDay}
	var back []*callsummary.Summary
	for s, err := range fleet.ReadParquet(t.Context(), dir) {
		if err != nil {
			t.Fatal(err)
		}
		back = append(back, s)
	}
	if a, b := marshal(t, aggregate(t, all, by)), marshal(t, aggregate(t, back, by)); a != b {
		t.Error("statistics over the Parquet files differ from those over the summaries")
	}
}

func sameValue(a, b fleet.Value) bool {
	return a.Valid == b.Valid && a.Str == b.Str && a.Int == b.Int && a.Float == b.Float && a.Bool == b.Bool &&
		a.Time.Equal(b.Time) && slices.Equal(a.List, b.List)
}

// interrupting pages fails with errStop once after n pages.
type interrupting struct {
	pages fleet.PageFunc
	after int
	seen  int
}

var errStop = errors.New("interrupted")

func (i *interrupting) fetch(ctx context.Context, cursor string) (*callsummary.SummaryPage, error) {
	if i.seen == i.after {
		i.seen++
		return nil, errStop
	}
	i.seen++
	return i.pages(ctx, cursor)
}

// An export interrupted (twice) and resumed writes every call once: NDJSON
// byte for byte as an export in one go, Parquet row for row.
func TestResumeAfterInterruption(t *testing.T) {
	c := sandboxClient(t, 600, 6)
	pages := fleet.ClientPages(c, month(40))
	for _, format := range []string{"ndjson", "csv", "parquet"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			open := func(out string) fleet.Sink {
				var sink fleet.Sink
				var err error
				switch format {
				case "ndjson":
					sink, err = fleet.NewNDJSONFile(out)
				case "csv":
					sink, err = fleet.NewCSVFile(out, fleet.NewSchema())
				default:
					sink, err = fleet.NewParquetDir(out, fleet.NewSchema(), fleet.WithRowGroupRows(100))
				}
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { sink.Close() })
				return sink
			}
			// In one go.
			whole := filepath.Join(dir, "whole")
			if _, err := fleet.ExportPages(t.Context(), pages, open(whole)); err != nil {
				t.Fatal(err)
			}
			// Interrupted after 3 pages, then after 4 more, then to the end.
			out, state := filepath.Join(dir, "resumed"), filepath.Join(dir, "state.json")
			var last fleet.Progress
			for run, after := range []int{3, 4, 1 << 30} {
				src := &interrupting{pages: pages, after: after}
				p, err := fleet.ExportPages(t.Context(), src.fetch, open(out), fleet.WithState(state), fleet.WithProgress(func(p fleet.Progress) { last = p }))
				if after < 1<<30 && !errors.Is(err, errStop) {
					t.Fatalf("run %d: %v, want the interruption", run, err)
				}
				if after == 1<<30 && (err != nil || !p.Done || !last.Done) {
					t.Fatalf("last run: %+v, %v", p, err)
				}
				if fi, err := os.Stat(state); err != nil || fi.Mode().Perm() != 0o600 {
					t.Fatalf("state file: %v, %v", fi, err)
				}
			}
			if format == "parquet" {
				a, b := sids(t, whole), sids(t, out)
				slices.Sort(a)
				slices.Sort(b)
				if !slices.Equal(a, b) || len(a) == 0 {
					t.Errorf("resumed export has %d rows (%d distinct), in one go %d", len(b), len(slices.Compact(slices.Clone(b))), len(a))
				}
				return
			}
			a, _ := os.ReadFile(whole)
			b, _ := os.ReadFile(out)
			if !bytes.Equal(a, b) || len(a) == 0 {
				t.Errorf("resumed export (%d bytes) differs from the one in one go (%d)", len(b), len(a))
			}
			// A finished export resumed again writes nothing.
			p, err := fleet.ExportPages(t.Context(), func(context.Context, string) (*callsummary.SummaryPage, error) {
				return nil, errors.New("no page should be fetched")
			}, open(out), fleet.WithState(state))
			if err != nil || !p.Done {
				t.Errorf("resuming a finished export: %+v, %v", p, err)
			}
		})
	}
}

// Exports into the same directory add parts: the second one deletes
// nothing of the first.
func TestParquetExportsAddToADirectory(t *testing.T) {
	all := population(t, 3000, 1)[:300]
	dir := t.TempDir()
	for range 2 {
		sink, err := fleet.NewParquetDir(dir, fleet.NewSchema())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fleet.Export(t.Context(), seqOf(all), sink); err != nil {
			t.Fatal(err)
		}
		sink.Close()
	}
	if got := sids(t, dir); len(got) != 2*len(all) {
		t.Errorf("%d rows after two exports of %d", len(got), len(all))
	}
}

func sids(t *testing.T, dir string) []string {
	t.Helper()
	full := fleet.NewSchema(fleet.WithPII(true))
	var out []string
	for row, err := range fleet.ReadParquetRows(t.Context(), dir) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, row[full.Index("call_sid")].Str)
	}
	return out
}

func TestResumeRefusesAnotherFormat(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	c := sandboxClient(t, 200, 1)
	nd, _ := fleet.NewNDJSONFile(filepath.Join(dir, "a.ndjson"))
	defer nd.Close()
	if _, err := fleet.ExportPages(t.Context(), fleet.ClientPages(c, month(50)), nd, fleet.WithState(state)); err != nil {
		t.Fatal(err)
	}
	cs, _ := fleet.NewCSVFile(filepath.Join(dir, "a.csv"), fleet.NewSchema())
	defer cs.Close()
	if _, err := fleet.ExportPages(t.Context(), fleet.ClientPages(c, month(50)), cs, fleet.WithState(state)); err == nil || !strings.Contains(err.Error(), "ndjson") {
		t.Errorf("resume into csv: %v", err)
	}
	if _, err := fleet.Export(t.Context(), seqOf([]*callsummary.Summary{}), cs, fleet.WithState(state)); !errors.Is(err, fleet.ErrNotResumable) {
		t.Errorf("Export WithState: %v", err)
	}
	var buf bytes.Buffer
	if _, err := fleet.ExportPages(t.Context(), fleet.ClientPages(c, month(50)), fleet.NewNDJSONWriter(&buf), fleet.WithState(state)); !errors.Is(err, fleet.ErrNotResumable) {
		t.Errorf("resume into a stream: %v", err)
	}
}

func TestCSV(t *testing.T) {
	all := population(t, 3000, 1)[:300]
	var buf bytes.Buffer
	schema := fleet.NewSchema()
	if _, err := fleet.Export(t.Context(), seqOf(all), fleet.NewCSVWriter(&buf, schema)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(all)+1 {
		t.Fatalf("%d lines for %d calls", len(lines), len(all))
	}
	header := strings.Split(lines[0], ",")
	if len(header) != len(schema.Columns()) || header[1] != "call_sid" || !slices.Contains(header, "sdk_inbound_mos_avg") || !slices.Contains(header, "verdict") {
		t.Errorf("header %v", header)
	}
	if slices.Contains(header, "from_caller") || strings.Contains(buf.String(), "+1") {
		t.Error("PII in the CSV")
	}
	if !strings.Contains(lines[1], *all[0].CallSID) || !strings.Contains(lines[1], string(all[0].Verdict())) {
		t.Errorf("first row %q", lines[1])
	}
}

// A resumable export follows next_page_url as ListSummaries does, so it
// must end on pages that loop: a link back to a page already exported, or
// empty pages each linking to a new one.
func TestExportPagesStopsOnLoops(t *testing.T) {
	one := population(t, 10, 1)[:2]
	page := func(self string, next string, items []*callsummary.Summary) *callsummary.SummaryPage {
		p := &callsummary.SummaryPage{Summaries: slices.Clone(items)}
		p.Meta.URL = &self
		if next != "" {
			p.Meta.NextPageURL = &next
		}
		return p
	}
	const base = "https://insights.twilio.com/v1/Voice/Summaries?PageSize=2"
	for name, tt := range map[string]struct {
		pages    func(n int, cursor string) *callsummary.SummaryPage
		calls    int64
		requests int
	}{
		"A→B→A": {func(n int, cursor string) *callsummary.SummaryPage {
			if cursor == "" || cursor == base {
				return page(base, base+"&Page=1&PageToken=PB", one)
			}
			return page(cursor, base, one) // back to the first page
		}, 4, 2},
		"empty pages, a new token each time": {func(n int, cursor string) *callsummary.SummaryPage {
			return page(cursor, fmt.Sprintf("%s&Page=%d&PageToken=PT%d", base, n+1, n+1), nil)
		}, 0, 5},
	} {
		t.Run(name, func(t *testing.T) {
			n := 0
			pages := func(ctx context.Context, cursor string) (*callsummary.SummaryPage, error) {
				if n++; n > 100 {
					t.Fatal("the export follows a loop")
				}
				return tt.pages(n, cursor), nil
			}
			var out bytes.Buffer
			sink := fleet.NewNDJSONWriter(&out)
			p, err := fleet.ExportPages(t.Context(), pages, sink)
			if !errors.Is(err, callsummary.ErrPaginationLoop) {
				t.Fatalf("err = %v", err)
			}
			if n != tt.requests || p.Calls != tt.calls {
				t.Errorf("%d pages fetched, %d calls written; want %d and %d", n, p.Calls, tt.requests, tt.calls)
			}
		})
	}
}

// Parts finished before the first commit (a day closed to open another)
// stay hidden until a commit publishes them: an export interrupted before
// it leaves nothing a reader would count, so that running it again, from
// the start, writes no call twice.
func TestParquetPublishesOnlyCommittedParts(t *testing.T) {
	c := sandboxClient(t, 600, 6)
	pages := fleet.ClientPages(c, month(40))
	dir := t.TempDir()
	sink, err := fleet.NewParquetDir(dir, fleet.NewSchema(), fleet.WithOpenPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	src := &interrupting{pages: pages, after: 6}
	if _, err := fleet.ExportPages(t.Context(), src.fetch, sink); !errors.Is(err, errStop) {
		t.Fatalf("%v, want the interruption", err)
	}
	visible := func() (parts, hidden int) {
		err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			switch {
			case err != nil || d.IsDir():
				return err
			case strings.HasPrefix(d.Name(), "."):
				hidden++
			case strings.HasSuffix(d.Name(), ".parquet"):
				parts++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return parts, hidden
	}
	// 240 calls over several days, one day open at a time: days were
	// finished, none committed (a row group is 10,000 rows).
	if parts, hidden := visible(); parts != 0 || hidden < 2 {
		t.Fatalf("before Close: %d parts visible, %d hidden; want 0 and the finished days hidden", parts, hidden)
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if parts, hidden := visible(); parts != 0 || hidden != 0 {
		t.Fatalf("after Close: %d parts visible, %d hidden; want none", parts, hidden)
	}
	// Run again, to the end: every call once.
	sink, err = fleet.NewParquetDir(dir, fleet.NewSchema(), fleet.WithOpenPartitions(1))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	p, err := fleet.ExportPages(t.Context(), pages, sink)
	if err != nil {
		t.Fatal(err)
	}
	got := sids(t, dir)
	if int64(len(got)) != p.Calls || len(slices.Compact(slices.Sorted(slices.Values(got)))) != len(got) {
		t.Errorf("%d rows for %d calls exported (duplicates?)", len(got), p.Calls)
	}
}
