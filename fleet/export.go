package fleet

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/voiceinsights/callsummary/internal/pageloop"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// ErrNotResumable: WithState given to Export (a sequence has no page to
// resume from) or to a sink that writes to a stream.
var ErrNotResumable = errors.New("fleet: export cannot resume")

// PageFunc fetches the page of a listing that cursor names ("" the first);
// the page's NextCursor names the next one.
type PageFunc func(ctx context.Context, cursor string) (*callsummary.SummaryPage, error)

// ClientPages lists filter's summaries through c, page by page: the source
// of a resumable export.
func ClientPages(c *callsummary.Client, filter callsummary.ListFilter) PageFunc {
	return func(ctx context.Context, cursor string) (*callsummary.SummaryPage, error) {
		return c.FetchSummaryPage(ctx, filter, cursor)
	}
}

// Sink is where an export writes: NewNDJSONFile, NewCSVFile, NewParquetDir
// and their stream variants.
type Sink interface {
	// Write adds one summary.
	Write(s *callsummary.Summary) error
	// Commit makes everything written so far durable and says how far that
	// is. A sink may decline to commit yet (ok false), e.g. Parquet until
	// a row group's worth of rows is written; final forces it.
	Commit(final bool) (st SinkState, ok bool, err error)
	// Resume drops whatever was written after st, before any Write. A
	// stream sink can only start from the zero SinkState.
	Resume(st SinkState) error
	// Format names the output ("ndjson", "csv", "parquet") and its shape,
	// e.g. the schema's version and whether it has PII: a resume must
	// find the same.
	Format() string
	// Close releases the sink; what was not committed is abandoned.
	Close() error
}

// SinkState is how far a sink's durable output goes.
type SinkState struct {
	// Bytes is the size of a file output (NDJSON, CSV).
	Bytes int64 `json:"bytes,omitempty"`
	// NextPart is the number of the next Parquet part file, Run the name
	// of the export in the part files' names.
	NextPart int    `json:"next_part,omitempty"`
	Run      string `json:"run,omitempty"`
}

// Progress is how far an export is, given to WithProgress after every page
// and at the end.
type Progress struct {
	Calls   int64         // summaries written
	Pages   int64         // pages read (sequences count none)
	Elapsed time.Duration // since Export started (this run only)
	Resumed int64         // calls written by earlier runs, before a resume
	Done    bool          // the last call: the export ended
}

// Rate is calls per second written by this run.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Calls-p.Resumed) / p.Elapsed.Seconds()
}

// ExportOption configures Export and ExportPages.
type ExportOption func(*exportConfig)

type exportConfig struct {
	statePath string
	progress  func(Progress)
	now       func() time.Time
}

// WithState makes ExportPages resumable: after each committed page it
// writes the cursor of the next page to path (atomically, mode 0600: the
// cursor can hold the listing's From and To filters, which are PII). When
// path holds a state already, the export continues after its last
// committed page, with no call written twice.
func WithState(path string) ExportOption { return func(c *exportConfig) { c.statePath = path } }

// WithProgress calls f after every page and once at the end (Done), on
// the exporting goroutine: f should return quickly.
func WithProgress(f func(Progress)) ExportOption { return func(c *exportConfig) { c.progress = f } }

func newExportConfig(opts []ExportOption) exportConfig {
	cfg := exportConfig{progress: func(Progress) {}, now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	return cfg
}

// ExportPages writes every summary of pages to sink, page by page, from
// the first page or, WithState, from where an interrupted export stopped.
// Only one page is held at a time. It returns the final progress; on an
// error, what was committed stays and a later run WithState continues
// from there. sink is not closed.
func ExportPages(ctx context.Context, pages PageFunc, sink Sink, opts ...ExportOption) (Progress, error) {
	cfg := newExportConfig(opts)
	start := cfg.now()
	st := ExportState{Format: sink.Format()}
	if cfg.statePath != "" {
		loaded, found, err := loadState(cfg.statePath)
		switch {
		case err != nil:
			return Progress{}, err
		case found && loaded.Format != st.Format:
			return Progress{}, fmt.Errorf("fleet: %s is the state of a %s export, not of this %s one", cfg.statePath, loaded.Format, st.Format)
		case found:
			st = loaded
		}
	}
	if err := sink.Resume(st.Sink); err != nil {
		return Progress{}, err
	}
	p := Progress{Calls: st.Calls, Pages: st.Pages, Resumed: st.Calls}
	report := func(done bool) {
		p.Elapsed, p.Done = cfg.now().Sub(start), done
		cfg.progress(p)
	}
	if st.Done {
		report(true)
		return p, nil
	}
	cursor := st.Cursor
	var loop pageloop.Guard
	for {
		page, err := pages(ctx, cursor)
		if err != nil {
			return p, err
		}
		if page == nil {
			return p, fmt.Errorf("fleet: page %d: the page source returned no page and no error", p.Pages+1)
		}
		items := make([][]byte, len(page.Summaries)) // for the loop guard, below
		for i, s := range page.Summaries {
			sid := ""
			if s.CallSID != nil {
				sid = *s.CallSID
			}
			items[i] = pageloop.ItemKey(sid, s.Raw())
		}
		for i, s := range page.Summaries {
			page.Summaries[i] = nil // written: collectable
			if err := sink.Write(s); err != nil {
				return p, err
			}
			p.Calls++
		}
		p.Pages++
		next := page.NextCursor()
		if next != "" {
			self := ""
			if page.Meta.URL != nil {
				self = *page.Meta.URL
			}
			// Checked before the commit: a resume must not start on a
			// page that loops either.
			if why := loop.Check(self, cursor, next, items); why != "" {
				return p, fmt.Errorf("fleet: after page %d: %w: %s", p.Pages, callsummary.ErrPaginationLoop, why)
			}
		}
		done := next == ""
		sst, ok, err := sink.Commit(done)
		if err != nil {
			return p, err
		}
		if ok && cfg.statePath != "" {
			if err := saveState(cfg.statePath, ExportState{Format: st.Format, Cursor: next, Pages: p.Pages, Calls: p.Calls, Sink: sst, Done: done}); err != nil {
				return p, err
			}
		}
		if done {
			report(true)
			return p, nil
		}
		report(false)
		cursor = next
		if err := ctx.Err(); err != nil {
			return p, err
		}
	}
}

// Export writes every summary of seq to sink and commits at the end: for
// sequences that have no pages to resume from, such as ReadNDJSON and
// ReadParquet (WithState is refused with ErrNotResumable). Progress is
// reported every 1,000 calls. sink is not closed.
func Export(ctx context.Context, seq iter.Seq2[*callsummary.Summary, error], sink Sink, opts ...ExportOption) (Progress, error) {
	cfg := newExportConfig(opts)
	if cfg.statePath != "" {
		return Progress{}, fmt.Errorf("%w: a sequence of summaries has no pages; use ExportPages", ErrNotResumable)
	}
	if err := sink.Resume(SinkState{}); err != nil {
		return Progress{}, err
	}
	start := cfg.now()
	var p Progress
	for s, err := range seq {
		if err != nil {
			return p, err
		}
		if err := sink.Write(s); err != nil {
			return p, err
		}
		p.Calls++
		if p.Calls%1000 == 0 {
			if err := ctx.Err(); err != nil {
				return p, err
			}
			p.Elapsed = cfg.now().Sub(start)
			cfg.progress(p)
		}
	}
	if _, _, err := sink.Commit(true); err != nil {
		return p, err
	}
	p.Elapsed, p.Done = cfg.now().Sub(start), true
	cfg.progress(p)
	return p, nil
}
