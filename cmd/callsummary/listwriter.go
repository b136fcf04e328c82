package main

import (
	"bytes"
	"fmt"
	"io"
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
