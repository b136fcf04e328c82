package fleet_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// onDay is a summary that started on the given day after 2026-01-01.
func onDay(t testing.TB, day int) *callsummary.Summary {
	t.Helper()
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, day).Format(time.RFC3339)
	s, err := callsummary.ParseSummary(fmt.Appendf(nil, `{"call_sid":"CA%032x","start_time":%q,"duration":5}`, day, start))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func parquetParts(t *testing.T, dir string) int {
	t.Helper()
	parts, err := filepath.Glob(filepath.Join(dir, "date=*", "part-*.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return len(parts)
}

// Summaries of scattered days, or of days interleaved, would write a part
// file each, each with its own metadata: the part files one export opens
// are bounded.
func TestParquetMaxPartitions(t *testing.T) {
	var days []*callsummary.Summary
	for d := range fleet.DefaultMaxPartitions + 1 {
		days = append(days, onDay(t, d))
	}
	refused := func(err error, max int, date string) {
		t.Helper()
		pl, ok := errors.AsType[*fleet.PartitionLimitError](err)
		if !ok || pl.Max != max || pl.Date != date || !strings.Contains(err.Error(), "WithMaxPartitions") {
			t.Fatalf("err = %v, want the limit of %d refusing %s", err, max, date)
		}
	}

	// The default: one more day than it allows is refused, and nothing of
	// the refused export is published.
	dir := t.TempDir()
	sink, err := fleet.NewParquetDir(dir, fleet.NewSchema())
	if err != nil {
		t.Fatal(err)
	}
	_, err = fleet.Export(t.Context(), seqOf(days), sink)
	refused(err, fleet.DefaultMaxPartitions, "2027-02-05")
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	if n := parquetParts(t, dir); n != 0 {
		t.Errorf("%d parts published by a refused export", n)
	}

	// A day still open, or continued after a commit closed its part, does
	// not count again; a summary without start_time is a day of its own.
	noDate, err := callsummary.ParseSummary([]byte(`{"duration":5}`))
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	sink, _ = fleet.NewParquetDir(dir, fleet.NewSchema(), fleet.WithMaxPartitions(3), fleet.WithRowGroupRows(2))
	if err := sink.Resume(fleet.SinkState{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*callsummary.Summary{days[0], days[1], days[0], days[1], days[1], days[1], noDate, days[1], noDate, days[1], noDate} {
		if err := sink.Write(s); err != nil {
			t.Fatal(err)
		}
		if _, _, err := sink.Commit(false); err != nil { // every second row
			t.Fatal(err)
		}
	}
	if _, _, err := sink.Commit(true); err != nil {
		t.Fatal(err)
	}
	sink.Close()
	if n := parquetParts(t, dir); n <= 3 {
		t.Errorf("%d parts: the commits should have split days", n)
	}
	sink, _ = fleet.NewParquetDir(t.TempDir(), fleet.NewSchema(), fleet.WithMaxPartitions(3))
	_, err = fleet.Export(t.Context(), seqOf([]*callsummary.Summary{days[0], noDate, days[1], days[2]}), sink)
	refused(err, 3, "2026-01-03")
	sink.Close()

	// Three days interleaved, two open at a time: every summary would
	// close a day to open another, a part file each.
	var interleaved []*callsummary.Summary
	for i := range 3000 {
		interleaved = append(interleaved, days[i%3])
	}
	dir = t.TempDir()
	sink, _ = fleet.NewParquetDir(dir, fleet.NewSchema(), fleet.WithMaxPartitions(20))
	_, err = fleet.Export(t.Context(), seqOf(interleaved), sink)
	refused(err, 20, "2026-01-03")
	sink.Close()

	// A resumed export counts the days its committed parts hold.
	dir = t.TempDir()
	sink, _ = fleet.NewParquetDir(dir, fleet.NewSchema(), fleet.WithMaxPartitions(3))
	if err := sink.Resume(fleet.SinkState{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range days[:2] {
		if err := sink.Write(s); err != nil {
			t.Fatal(err)
		}
	}
	st, ok, err := sink.Commit(true)
	if err != nil || !ok {
		t.Fatalf("commit: %v %v", ok, err)
	}
	sink.Close()
	sink, _ = fleet.NewParquetDir(dir, fleet.NewSchema(), fleet.WithMaxPartitions(3))
	defer sink.Close()
	if err := sink.Resume(st); err != nil {
		t.Fatal(err)
	}
	for _, s := range days[:3] {
		if err := sink.Write(s); err != nil {
			t.Fatal(err)
		}
	}
	refused(sink.Write(days[3]), 3, "2026-01-04")

	if _, err := fleet.NewParquetDir(t.TempDir(), fleet.NewSchema(), fleet.WithMaxPartitions(0)); err == nil {
		t.Error("WithMaxPartitions(0) accepted")
	}
}
