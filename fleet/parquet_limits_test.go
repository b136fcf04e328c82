package fleet_test

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/voiceinsights/callsummary/fleet"
)

// bombRow is a row of a hand-made file: only the list columns, read by
// name like an older schema's file.
type bombRow struct {
	CallSID string   `parquet:"call_sid"`
	Tags    []string `parquet:"tags,list"`
}

// writeBomb writes rows as Parquet, the tags dictionary-encoded: a list of
// a million copies of one tag takes a few hundred bytes on disk.
func writeBomb(t *testing.T, rows []bombRow) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bomb.parquet")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := parquet.NewGenericWriter[bombRow](f, parquet.DefaultEncoding(&parquet.RLEDictionary))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func copies(n int) []string {
	l := make([]string, n)
	for i := range l {
		l[i] = "high_jitter"
	}
	return l
}

// readAll reads path and returns the rows read, the error and the bytes
// allocated meanwhile.
func readAll(t *testing.T, path string) (rows int, err error, alloc uint64) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for _, err = range fleet.ReadParquetRows(t.Context(), path) {
		if err != nil {
			break
		}
		rows++
	}
	runtime.ReadMemStats(&after)
	return rows, err, after.TotalAlloc - before.TotalAlloc
}

func TestReadParquetRefusesBombs(t *testing.T) {
	const huge = 1_000_000
	refused := func(name string, err error, path string, says string) {
		t.Helper()
		if !errors.Is(err, fleet.ErrParquetLimit) || !strings.Contains(err.Error(), path) ||
			!strings.Contains(err.Error(), "column tags") || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: err = %v, want ErrParquetLimit naming %s, column tags and %q", name, err, path, says)
		}
	}

	// One row, a million tags: the row group's metadata says so, and the
	// file is refused before a page is decoded.
	path := writeBomb(t, []bombRow{{CallSID: "CA1", Tags: copies(huge)}})
	if fi, err := os.Stat(path); err != nil || fi.Size() > 64<<10 {
		t.Fatalf("the bomb is not small: %v, %v", fi.Size(), err)
	}
	rows, err, alloc := readAll(t, path)
	refused("one row", err, path, "values in 1 rows")
	if rows != 0 || alloc > 4<<20 {
		t.Errorf("one row: %d rows read, %d bytes allocated", rows, alloc)
	}

	// The same list among rows enough to hide it in the row group's
	// counts: refused at its row. parquet-go keeps a row in one page, so
	// the page is decoded (a byte or so a value), but the row's values are
	// not all made into cells and strings.
	many := make([]bombRow, 300)
	for i := range many {
		many[i] = bombRow{CallSID: "CA", Tags: []string{"high_pdd"}}
	}
	many[150].Tags = copies(huge)
	path = writeBomb(t, many)
	rows, err, alloc = readAll(t, path)
	refused("row 150", err, path, "row 150: column tags")
	if rows != 150 || alloc > 12<<20 {
		t.Errorf("row 150: %d rows read, %d bytes allocated", rows, alloc)
	}

	// A page of more values than a page may hold is refused before it is
	// decoded.
	many[150].Tags = copies(1 << 21)
	path = writeBomb(t, many)
	rows, err, alloc = readAll(t, path)
	refused("one page", err, path, "column tags, row group 0: a page of ")
	if rows != 0 || alloc > 4<<20 {
		t.Errorf("one page: %d rows read, %d bytes allocated", rows, alloc)
	}

	// Text past what a summary's body may hold, in one row.
	long := strings.Repeat("x", fleet.MaxParquetRowBytes/2+1)
	path = writeBomb(t, []bombRow{{CallSID: "CA", Tags: []string{long, long}}})
	_, err, _ = readAll(t, path)
	refused("long text", err, path, "a row of over")

	// A list at the limit reads.
	many[150].Tags = copies(fleet.MaxParquetListValues)
	rows, err, _ = readAll(t, writeBomb(t, many))
	if err != nil || rows != len(many) {
		t.Errorf("a list of %d: %d rows, %v", fleet.MaxParquetListValues, rows, err)
	}
}

// A file of columns this package does not read gives its rows, all null,
// as many as it holds values for.
func TestReadParquetUnknownColumns(t *testing.T) {
	type other struct {
		X int64 `parquet:"x"`
	}
	path := filepath.Join(t.TempDir(), "other.parquet")
	if err := parquet.WriteFile(path, []other{{1}, {2}, {3}}); err != nil {
		t.Fatal(err)
	}
	rows, err, _ := readAll(t, path)
	if err != nil || rows != 3 {
		t.Errorf("%d rows, %v", rows, err)
	}
}
