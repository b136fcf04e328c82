package fleet

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Defaults of NewParquetDir.
const (
	// DefaultRowGroupRows bounds a row group, hence what a writer holds.
	DefaultRowGroupRows = 10_000
	// DefaultOpenPartitions bounds the part files open at once (one per
	// day being written): a listing sorted by time writes one day after
	// the other, and each open part buffers a row group.
	DefaultOpenPartitions = 2
	// DefaultMaxPartitions bounds the part files one export opens besides
	// those a commit starts anew: one per day, and one more each time a
	// day closed to make room (WithOpenPartitions) comes back. Twilio
	// keeps summaries for 30 days, so an honest export, in time order,
	// spans about 31. Each part costs its metadata (tens of kilobytes)
	// whatever its rows: without a bound, scattered or interleaved start
	// times would make the disk used many times the input.
	DefaultMaxPartitions = 400
	// NoDatePartition is the partition of a call without start_time
	// (Hive's name for a null partition value).
	NoDatePartition = "__HIVE_DEFAULT_PARTITION__"

	// pageBytes is the target size of a column's data page. A writer
	// buffers about one page per column before compressing it, and a row has
	// over a hundred columns: parquet-go's 256 KiB default would hold tens
	// of megabytes per open part.
	pageBytes = 16 << 10
)

// ParquetOption configures NewParquetDir.
type ParquetOption func(*parquetSink) error

// WithRowGroupRows sets the rows per row group (DefaultRowGroupRows).
func WithRowGroupRows(n int) ParquetOption {
	return func(p *parquetSink) error {
		if n < 1 {
			return fmt.Errorf("fleet: row group of %d rows: want at least 1", n)
		}
		p.rowGroup = n
		return nil
	}
}

// WithOpenPartitions sets how many part files may be open at once
// (DefaultOpenPartitions); past it, the least recently written is closed.
func WithOpenPartitions(n int) ParquetOption {
	return func(p *parquetSink) error {
		if n < 1 {
			return fmt.Errorf("fleet: %d open partitions: want at least 1", n)
		}
		p.maxOpen = n
		return nil
	}
}

// WithMaxPartitions sets how many part files one export may open besides
// those a commit starts anew (DefaultMaxPartitions): one per day (the
// null day included) and one per return of a day whose part was closed to
// make room. A summary needing one more is refused with a
// *PartitionLimitError. Part files are then at most n plus
// WithOpenPartitions per row group's worth of rows.
func WithMaxPartitions(n int) ParquetOption {
	return func(p *parquetSink) error {
		if n < 1 {
			return fmt.Errorf("fleet: %d partitions: want at least 1", n)
		}
		p.maxParts = n
		return nil
	}
}

// PartitionLimitError is a summary refused by a Parquet export because it
// would open a part file past WithMaxPartitions: the summaries span more
// days than that, or come back to days out of time order more often.
type PartitionLimitError struct {
	Max  int    // the limit
	Date string // the day of the summary refused, as its partition names it
}

func (e *PartitionLimitError) Error() string {
	return fmt.Sprintf("fleet: Parquet export: a summary of date=%s would open part file %d, over the limit of %d (WithMaxPartitions): "+
		"the summaries span more days, or return to days out of time order (WithOpenPartitions)", e.Date, e.Max+1, e.Max)
}

// parquetSink writes the schema's rows to a Hive-partitioned directory:
// DIR/date=YYYY-MM-DD/part-NNNNN-RUN.parquet, by the UTC day of
// start_time. RUN names the export (random, kept by its state across
// resumes), so that exports into the same directory, a day after another,
// add files and never replace or delete each other's; part numbers are
// unique within an export. A part is written under a hidden name
// (.part-….parquet.tmp, which Hive, Spark and DuckDB skip) and renamed into
// place only by a commit, so readers never see half a file, nor a part that
// an interrupted export would write again when it resumes.
type parquetSink struct {
	dir      string
	schema   *Schema
	layout   *parquetLayout
	rowGroup int
	maxOpen  int
	maxParts int
	start    int // the schema's start_time column

	opened int             // part files counted by maxParts
	split  map[string]bool // days whose part the last commits closed: reopening them is free

	open      []*partFile // most recently written last
	pending   []*partFile // finished since the last commit, still hidden
	run       string
	nextPart  int
	sinceSave int // rows written since the last commit
	row       []Value
	prow      parquet.Row
}

type partFile struct {
	date string
	path string // the final name
	f    *os.File
	w    *parquet.Writer
}

// hidden is where a part is written until a commit publishes it.
func (pf *partFile) hidden() string {
	return filepath.Join(filepath.Dir(pf.path), "."+filepath.Base(pf.path)+".tmp")
}

// NewParquetDir writes the schema's rows as Parquet under dir (created if
// needed), zstd-compressed, in row groups of at most WithRowGroupRows
// rows, partitioned by day. Resumable: it commits when a row group's worth
// of rows was written since the last commit (closing the open parts), and
// a resume deletes the parts written after that.
func NewParquetDir(dir string, schema *Schema, opts ...ParquetOption) (Sink, error) {
	layout, err := newParquetLayout(schema)
	if err != nil {
		return nil, err
	}
	p := &parquetSink{dir: dir, schema: schema, layout: layout, rowGroup: DefaultRowGroupRows, maxOpen: DefaultOpenPartitions,
		maxParts: DefaultMaxPartitions, start: schema.Index("start_time"), split: map[string]bool{}}
	for _, o := range opts {
		if err := o(p); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	return p, nil
}

func (p *parquetSink) Format() string {
	return fmt.Sprintf("parquet (schema %d, %d columns)", SchemaVersion, len(p.schema.cols))
}

var partName = regexp.MustCompile(`^(\.)?part-(\d{5,})-([0-9a-f]{16})\.parquet(\.tmp)?$`)

// Resume starts a new export (a new run name) from the zero state, or
// continues st's: then it removes the parts of that run numbered
// st.NextPart or more and its unfinished parts, what the interrupted run
// wrote after its last commit. Other exports' parts are never touched.
func (p *parquetSink) Resume(st SinkState) error {
	p.nextPart, p.run = st.NextPart, st.Run
	p.opened = 0
	clear(p.split)
	if p.run == "" {
		if st.NextPart != 0 {
			return fmt.Errorf("fleet: a Parquet export state without its run name")
		}
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
		p.run = hex.EncodeToString(b[:])
		return nil
	}
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(p.run) {
		return fmt.Errorf("fleet: export state: run name %q is not one this package writes", p.run)
	}
	return filepath.WalkDir(p.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		m := partName.FindStringSubmatch(d.Name())
		if m == nil || m[3] != p.run || !strings.HasPrefix(filepath.Base(filepath.Dir(path)), "date=") {
			return nil
		}
		n, _ := strconv.Atoi(m[2])
		if m[4] != "" || n >= st.NextPart {
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("fleet: removing an uncommitted part: %w", err)
			}
			return nil
		}
		// A committed part: its day counts towards WithMaxPartitions once,
		// and continuing it is free.
		if day := strings.TrimPrefix(filepath.Base(filepath.Dir(path)), "date="); !p.split[day] {
			p.split[day] = true
			p.opened++
		}
		return nil
	})
}

func (p *parquetSink) Write(s *callsummary.Summary) error {
	p.row = p.schema.Flatten(s, p.row)
	date := NoDatePartition
	if p.start >= 0 && p.row[p.start].Valid {
		date = p.row[p.start].Time.UTC().Format("2006-01-02")
	}
	pf, err := p.part(date)
	if err != nil {
		return err
	}
	p.prow = p.layout.appendRow(p.prow[:0], p.schema, p.row)
	if _, err := pf.w.WriteRows([]parquet.Row{p.prow}); err != nil {
		return fmt.Errorf("fleet: writing %s: %w", pf.path, err)
	}
	p.sinceSave++
	return nil
}

// part returns the open part of date, opening one (and closing the least
// recently written past the limit) when needed.
func (p *parquetSink) part(date string) (*partFile, error) {
	if i := slices.IndexFunc(p.open, func(f *partFile) bool { return f.date == date }); i >= 0 {
		pf := p.open[i]
		if i != len(p.open)-1 {
			p.open = append(slices.Delete(p.open, i, i+1), pf)
		}
		return pf, nil
	}
	if p.split[date] {
		delete(p.split, date)
	} else {
		if p.opened >= p.maxParts {
			return nil, &PartitionLimitError{Max: p.maxParts, Date: date}
		}
		p.opened++
	}
	if len(p.open) >= p.maxOpen {
		oldest := p.open[0]
		p.open = p.open[1:]
		if err := oldest.finish(); err != nil {
			return nil, err
		}
		p.pending = append(p.pending, oldest) // published at the next commit
	}
	dir := filepath.Join(p.dir, "date="+date)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	pf := &partFile{date: date, path: filepath.Join(dir, fmt.Sprintf("part-%05d-%s.parquet", p.nextPart, p.run))}
	f, err := os.Create(pf.hidden())
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	p.nextPart++
	pf.f, pf.w = f, parquet.NewWriter(f, p.layout.schema,
		parquet.MaxRowsPerRowGroup(int64(p.rowGroup)),
		parquet.PageBufferSize(pageBytes),
		parquet.Compression(&zstd.Codec{}),
		parquet.KeyValueMetadata(MetadataVersion, strconv.Itoa(SchemaVersion)),
		parquet.CreatedBy("github.com/voiceinsights/callsummary/fleet", callsummary.Version, ""))
	p.open = append(p.open, pf)
	return pf, nil
}

// finish closes the writer (footer) and syncs the hidden file.
func (pf *partFile) finish() error {
	err := pf.w.Close()
	if err == nil {
		err = pf.f.Sync()
	}
	if cerr := pf.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("fleet: finishing %s: %w", pf.path, err)
	}
	return nil
}

// publish renames a finished part into place.
func (pf *partFile) publish() error {
	if err := os.Rename(pf.hidden(), pf.path); err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	return syncDir(filepath.Dir(pf.path))
}

// Commit closes the open parts once a row group's worth of rows was
// written since the last commit, or when final.
func (p *parquetSink) Commit(final bool) (SinkState, bool, error) {
	if !final && p.sinceSave < p.rowGroup {
		return SinkState{}, false, nil
	}
	for len(p.open) > 0 {
		pf := p.open[0]
		p.open = p.open[1:]
		if err := pf.finish(); err != nil {
			return SinkState{}, false, err
		}
		p.pending = append(p.pending, pf)
		p.split[pf.date] = true
	}
	for len(p.pending) > 0 {
		if err := p.pending[0].publish(); err != nil {
			return SinkState{}, false, err
		}
		p.pending = p.pending[1:]
	}
	if err := syncDir(p.dir); err != nil {
		return SinkState{}, false, err
	}
	p.sinceSave = 0
	return SinkState{NextPart: p.nextPart, Run: p.run}, true, nil
}

// Close abandons the open parts: they are uncommitted, so they are
// removed (and the next Resume would remove them too).
func (p *parquetSink) Close() error {
	var errs []error
	for _, pf := range p.open {
		errs = append(errs, pf.f.Close(), os.Remove(pf.hidden()))
	}
	for _, pf := range p.pending {
		errs = append(errs, os.Remove(pf.hidden()))
	}
	p.open, p.pending = nil, nil
	return errors.Join(errs...)
}

// syncDir makes renames in dir durable where the system allows it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs a directory; the parts are synced
	return nil
}
