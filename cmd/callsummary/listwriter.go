package main

import (
	"bytes"
	"container/heap"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/voiceinsights/callsummary/internal/safetext"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// listWriter renders list's records in one format: a record is rendered
// as the row arrives (so ranked rows hold bytes, not summaries), and
// written with what the format puts around records.
type listWriter struct {
	format   string
	noHeader bool
	cols     []listColumn
	showPII  bool
	sandbox  string // the sandbox that answers, for the text header
	begun    bool
	n        int
}

// begin writes what comes before the first record, once: the text
// header (with the sandbox's notice), the csv header, or json's "[".
func (w *listWriter) begin(out io.Writer) error {
	if w.begun {
		return nil
	}
	w.begun = true
	var b bytes.Buffer
	switch {
	case w.format == formatJSON:
		b.WriteString("[\n")
	case w.noHeader:
	case w.format == formatText:
		if w.sandbox != "" {
			fmt.Fprintf(&b, "# %s\n", sandboxNotice(w.sandbox))
		}
		titles := make([]string, len(w.cols))
		for i, c := range w.cols {
			titles[i] = c.title
		}
		writeFixed(&b, w.cols, titles)
	case w.format == formatCSV:
		if err := writeCSV(&b, columnNames(w.cols)); err != nil {
			return err
		}
	}
	_, err := out.Write(b.Bytes())
	return err
}

// record renders one row.
func (w *listWriter) record(r *listRow) ([]byte, error) {
	var b bytes.Buffer
	switch w.format {
	case formatJSON:
		b.Write(r.s.Raw())
	case formatNDJSON:
		if err := writeNDJSON(&b, r.s); err != nil {
			return nil, err
		}
	default:
		cells := make([]string, len(w.cols))
		for i, c := range w.cols {
			cells[i] = c.cell(r)
		}
		if w.format == formatCSV {
			if err := writeCSV(&b, cells); err != nil {
				return nil, err
			}
			break
		}
		for i, c := range cells {
			if c == "" {
				cells[i] = "-"
			}
		}
		writeFixed(&b, w.cols, cells)
	}
	return b.Bytes(), nil
}

// write writes a record rendered by record.
func (w *listWriter) write(out io.Writer, rec []byte) error {
	if w.format == formatJSON && w.n > 0 {
		if _, err := io.WriteString(out, ",\n"); err != nil {
			return err
		}
	}
	w.n++
	_, err := out.Write(rec)
	return err
}

// end closes json's array.
func (w *listWriter) end(out io.Writer) error {
	if w.format != formatJSON {
		return nil
	}
	end := "\n]\n"
	if w.n == 0 {
		end = "]\n"
	}
	_, err := io.WriteString(out, end)
	return err
}

// writeFixed writes one table line in fixed-width columns: every page is
// flushed as it arrives, so widths cannot depend on later rows. A cell
// wider than its column is cut short with "…", so that what a server sends
// cannot push the other columns about; the last column is whole.
func writeFixed(b *bytes.Buffer, cols []listColumn, cells []string) {
	for i, c := range cells {
		c = safetext.Printable(c)
		if i == len(cells)-1 {
			b.WriteString(c)
			break
		}
		width := cols[i].width
		if r := []rune(c); len(r) > width {
			c = string(r[:width-1]) + "…"
		}
		b.WriteString(c)
		b.WriteString(strings.Repeat(" ", width-len([]rune(c))+2))
	}
	b.WriteByte('\n')
}

// writeNDJSON writes the summary's bytes as received on one line. Only a
// summary that arrived spread over lines is compacted, which changes
// white space and nothing else.
func writeNDJSON(w io.Writer, s *callsummary.Summary) error {
	raw := s.Raw()
	if bytes.ContainsAny(raw, "\r\n") {
		compact, err := wirejson.Compact(raw)
		if err != nil {
			return err
		}
		raw = compact
	}
	_, err := w.Write(append(raw, '\n'))
	return err
}

// maxRanked bounds the rows --sort holds without -n: a window larger than
// this is better ranked with -n or --worst, which hold only N.
const maxRanked = 100_000

// ranking keeps records by rank, worst (highest) first: the keep worst in a
// heap of keep (constant memory), or all of them up to maxRanked when keep
// is 0. Equal ranks keep the order in which they came.
type ranking struct {
	keep int
	h    rankHeap
	seq  int
	// measured counts the calls that had the key: none means the order
	// is Twilio's, which the user should be told.
	measured int
}

type ranked struct {
	rank float64
	seq  int
	rec  []byte
}

func newRanking(keep int) *ranking { return &ranking{keep: keep} }

func (r *ranking) add(rank float64, rec []byte) error {
	r.seq++
	if !math.IsInf(rank, -1) {
		r.measured++
	}
	item := ranked{rank: rank, seq: r.seq, rec: rec}
	switch {
	case r.keep == 0 && len(r.h) == maxRanked:
		return usagef("--sort ranks every call of the window and there are more than %d: add -n N (or --worst N) to keep only the N worst, or narrow the window", maxRanked)
	case r.keep == 0 || len(r.h) < r.keep:
		heap.Push(&r.h, item)
	case better(r.h[0], item):
		r.h[0] = item // the least bad kept is better than this one: replace it
		heap.Fix(&r.h, 0)
	}
	return nil
}

// worstFirst returns the records kept, worst first.
func (r *ranking) worstFirst() [][]byte {
	items := slices.Clone(r.h)
	slices.SortFunc(items, func(a, b ranked) int {
		switch {
		case better(b, a):
			return -1
		case better(a, b):
			return 1
		}
		return 0
	})
	out := make([][]byte, len(items))
	for i, it := range items {
		out[i] = it.rec
	}
	return out
}

// better reports that a ranks after b: a lower rank, or the same rank
// arrived later.
func better(a, b ranked) bool {
	if a.rank != b.rank {
		return a.rank < b.rank
	}
	return a.seq > b.seq
}

// rankHeap is a min-heap by better: its root is the least bad record kept.
type rankHeap []ranked

func (h rankHeap) Len() int           { return len(h) }
func (h rankHeap) Less(i, j int) bool { return better(h[i], h[j]) }
func (h rankHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rankHeap) Push(x any)        { *h = append(*h, x.(ranked)) }
func (h *rankHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
