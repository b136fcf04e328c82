package fleet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// CSVListSeparator joins a list cell's values (tags, quality issues).
const CSVListSeparator = ";"

// csvSink writes flattened rows as CSV (RFC 4180): a header of the column
// names, then one row per call; null is the empty cell. CSV is for people
// and spreadsheets: a string cell is made printable and, when a spreadsheet
// would run it as a formula, quoted (safetext.CSVCell); NDJSON and Parquet
// keep the values exactly.
type csvSink struct {
	schema  *Schema
	f       *os.File
	buf     *bufio.Writer
	cw      *csv.Writer
	counter *countingWriter
	row     []Value
	cells   []string
}

// NewCSVFile writes the schema's rows as CSV to the file at path, created
// if needed; resumable like NewNDJSONFile.
func NewCSVFile(path string, schema *Schema) (Sink, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	return newCSVSink(f, f, schema), nil
}

// NewCSVWriter writes the schema's rows as CSV to w: not resumable.
func NewCSVWriter(w io.Writer, schema *Schema) Sink { return newCSVSink(w, nil, schema) }

func newCSVSink(w io.Writer, f *os.File, schema *Schema) *csvSink {
	c := &csvSink{schema: schema, f: f, buf: bufio.NewWriterSize(w, 1<<20)}
	c.counter = &countingWriter{w: c.buf}
	c.cw = csv.NewWriter(c.counter)
	return c
}

func (c *csvSink) Format() string {
	return fmt.Sprintf("csv (schema %d, %d columns)", SchemaVersion, len(c.schema.cols))
}

func (c *csvSink) Resume(st SinkState) error {
	off, err := resumeFile(c.f, st)
	if err != nil {
		return err
	}
	c.counter.n = off
	if off > 0 {
		return nil // the header is committed
	}
	return c.cw.Write(headerOf(c.schema))
}

func headerOf(sc *Schema) []string {
	h := make([]string, len(sc.cols))
	for i, col := range sc.cols {
		h[i] = col.Name
	}
	return h
}

func (c *csvSink) Write(s *callsummary.Summary) error {
	c.row = c.schema.Flatten(s, c.row)
	c.cells = c.cells[:0]
	for i, v := range c.row {
		c.cells = append(c.cells, formatCell(c.schema.cols[i].Kind, v))
	}
	return c.cw.Write(c.cells)
}

// formatCell writes a value as text: numbers in Go's shortest exact form,
// times in RFC 3339 UTC, lists joined by CSVListSeparator.
func formatCell(k Kind, v Value) string {
	if !v.Valid {
		return ""
	}
	switch k {
	case KindString:
		return safetext.CSVCell(v.Str)
	case KindInt:
		return strconv.FormatInt(v.Int, 10)
	case KindFloat:
		return strconv.FormatFloat(v.Float, 'g', -1, 64)
	case KindBool:
		return strconv.FormatBool(v.Bool)
	case KindTime:
		return v.Time.UTC().Format(time.RFC3339Nano)
	case KindStrings:
		return safetext.CSVCell(strings.Join(v.List, CSVListSeparator))
	}
	return ""
}

func (c *csvSink) Commit(bool) (SinkState, bool, error) {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return SinkState{}, false, fmt.Errorf("fleet: %w", err)
	}
	if err := flushSync(c.buf, c.f); err != nil {
		return SinkState{}, false, err
	}
	return SinkState{Bytes: c.counter.n}, true, nil
}

func (c *csvSink) Close() error {
	if c.f == nil {
		c.cw.Flush()
		return c.buf.Flush()
	}
	return c.f.Close()
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
