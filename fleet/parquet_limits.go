package fleet

import (
	"bufio"
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// Limits of what ReadParquet and ReadParquetRows accept. A Parquet file is
// compact: a dictionary and run lengths let a few hundred bytes stand for
// millions of values, so a file's size says nothing of what reading it
// costs. These bound the cost whatever the file says; a file over one is
// refused with ErrParquetLimit.
const (
	// MaxParquetListValues bounds a list cell (tags, quality issues,
	// decode issues) of one row.
	MaxParquetListValues = 10_000
	// MaxParquetRowBytes bounds the text of one row, as a summary's body
	// is bounded by callsummary.MaxResponseBytes.
	MaxParquetRowBytes = MaxLineBytes

	// maxPageBytes and maxPageValues bound one page as decoded (the
	// package writes pages of tens of kilobytes; other writers about a
	// megabyte), maxResidentBytes the pages held at once, one per column.
	maxPageBytes     = 16 << 20
	maxPageValues    = 1 << 20
	maxResidentBytes = 256 << 20
)

// ErrParquetLimit: a Parquet file over one of the reader's limits.
var ErrParquetLimit = errors.New("fleet: Parquet file over the reader's limits")

// checkParquetLayout refuses, before any page is decoded, a file whose
// row groups or pages claim more than the limits allow: a column chunk
// with more values than its rows can hold, a page over maxPageBytes or
// maxPageValues. It reads the page headers only.
func checkParquetLayout(pf *parquet.File, to []int) error {
	meta := pf.Metadata()
	for g, rg := range meta.RowGroups {
		if rg.NumRows < 0 || len(rg.Columns) != len(to) || (len(rg.Columns) == 0 && rg.NumRows > 0) {
			return fmt.Errorf("row group %d: %d rows, %d columns: %w", g, rg.NumRows, len(rg.Columns), parquet.ErrCorrupted)
		}
		for i, cc := range rg.Columns {
			md := &cc.MetaData
			name := leafName(to, i)
			if limit := rg.NumRows * (MaxParquetListValues + 1); md.NumValues > limit {
				return fmt.Errorf("column %s, row group %d: %d values in %d rows: %w (a list holds at most %d)",
					name, g, md.NumValues, rg.NumRows, ErrParquetLimit, MaxParquetListValues)
			}
			if err := checkPageHeaders(pf, md); err != nil {
				return fmt.Errorf("column %s, row group %d: %w", name, g, err)
			}
		}
	}
	return nil
}

// checkPageHeaders reads the page headers of one column chunk and refuses
// a page that would decode to more than the limits.
func checkPageHeaders(pf *parquet.File, md *format.ColumnMetaData) error {
	start := md.DataPageOffset
	if md.DictionaryPageOffset > 0 && md.DictionaryPageOffset < start {
		start = md.DictionaryPageOffset
	}
	if start < 0 || md.TotalCompressedSize < 0 {
		return fmt.Errorf("%w: offset %d, size %d", parquet.ErrCorrupted, start, md.TotalCompressedSize)
	}
	br := bufio.NewReaderSize(io.NewSectionReader(pf, start, md.TotalCompressedSize), 4096)
	dec := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(br))
	for {
		if _, err := br.Peek(1); errors.Is(err, io.EOF) {
			return nil
		}
		var h format.PageHeader
		if err := dec.Decode(&h); err != nil {
			return fmt.Errorf("page header: %w", err)
		}
		values := int64(0)
		switch {
		case h.DataPageHeader.Valid:
			values = int64(h.DataPageHeader.V.NumValues)
		case h.DataPageHeaderV2.Valid:
			values = int64(h.DataPageHeaderV2.V.NumValues)
		case h.DictionaryPageHeader.Valid:
			values = int64(h.DictionaryPageHeader.V.NumValues)
		}
		if h.UncompressedPageSize > maxPageBytes || values > maxPageValues {
			return fmt.Errorf("a page of %d values, %d bytes: %w (a page holds at most %d values, %d bytes)",
				values, h.UncompressedPageSize, ErrParquetLimit, maxPageValues, maxPageBytes)
		}
		if h.CompressedPageSize < 0 {
			return fmt.Errorf("%w: page of %d bytes", parquet.ErrCorrupted, h.CompressedPageSize)
		}
		if _, err := br.Discard(int(h.CompressedPageSize)); err != nil {
			return fmt.Errorf("page: %w", err)
		}
	}
}

// leafName names the file's leaf column i in an error: the schema's name,
// or its position for a column this package does not read (the file's
// own name is its writer's text).
func leafName(to []int, i int) string {
	if to[i] >= 0 {
		return fullSchema.cols[to[i]].Name
	}
	return fmt.Sprintf("#%d", i)
}

// rowGroupReader assembles rows column by column, each column read a page
// at a time: unlike a reader of whole rows, it counts a row's values as
// they come and refuses a row over the limits before holding it.
type rowGroupReader struct {
	cols     []columnCursor
	resident int64 // what the pages held cost
}

// columnCursor reads one column chunk value by value.
type columnCursor struct {
	cell   int  // the full schema's column, -1 for one only counted
	kind   Kind // of that column
	name   string
	pages  parquet.Pages
	page   parquet.Page
	values parquet.ValueReader // nil when the page is read to its end
	buf    []parquet.Value
	i, n   int
	cost   int64
}

// cursorBatch is how many values a column cursor decodes at a time.
const cursorBatch = 64

func newRowGroupReader(rg parquet.RowGroup, to []int) *rowGroupReader {
	r := &rowGroupReader{}
	for i, cc := range rg.ColumnChunks() {
		if i >= len(to) || to[i] < 0 {
			continue
		}
		c := fullSchema.cols[to[i]]
		r.cols = append(r.cols, columnCursor{cell: to[i], kind: c.Kind, name: c.Name, pages: cc.Pages(),
			buf: make([]parquet.Value, cursorBatch)})
	}
	if chunks := rg.ColumnChunks(); len(r.cols) == 0 && len(chunks) > 0 {
		// No column is read: the first is, only to count rows by what the
		// file holds rather than by what its metadata claims.
		r.cols = append(r.cols, columnCursor{cell: -1, name: leafName(to, 0), pages: chunks[0].Pages(), buf: make([]parquet.Value, cursorBatch)})
	}
	return r
}

func (r *rowGroupReader) close() {
	for i := range r.cols {
		c := &r.cols[i]
		if c.page != nil {
			parquet.Release(c.page)
			c.page = nil
		}
		c.pages.Close()
	}
}

// peek returns c's next value without reading past it; io.EOF at the end
// of the column chunk. The value's bytes are valid until the next peek
// that loads a page.
func (r *rowGroupReader) peek(c *columnCursor) (parquet.Value, error) {
	for c.i >= c.n {
		if c.values != nil {
			n, err := c.values.ReadValues(c.buf)
			c.i, c.n = 0, n
			if errors.Is(err, io.EOF) {
				c.values = nil
			} else if err != nil {
				return parquet.Value{}, err
			}
			continue
		}
		if c.page != nil {
			parquet.Release(c.page)
			c.page = nil
			r.resident -= c.cost
		}
		page, err := c.pages.ReadPage()
		if err != nil {
			return parquet.Value{}, err
		}
		c.page, c.values = page, page.Values()
		// Levels and offsets cost a few bytes a value besides the data.
		c.cost = page.Size() + 16*page.NumValues()
		if r.resident += c.cost; r.resident > maxResidentBytes {
			return parquet.Value{}, fmt.Errorf("%w: the pages of a row group's columns need over %d MiB at once", ErrParquetLimit, maxResidentBytes>>20)
		}
	}
	return c.buf[c.i], nil
}

// readRow sets cells from the next row: every column's values up to the
// next that starts a row (repetition level 0).
func (r *rowGroupReader) readRow(cells []Value) error {
	for i := range cells {
		cells[i] = Value{List: cells[i].List[:0]}
	}
	var bytes int64
	for j := range r.cols {
		c := &r.cols[j]
		name := c.name
		v, err := r.peek(c)
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("column %s: fewer values than rows: %w", name, parquet.ErrCorrupted)
		}
		for n := 1; ; n++ {
			if err != nil {
				return fmt.Errorf("column %s: %w", name, err)
			}
			if n > MaxParquetListValues {
				return fmt.Errorf("column %s: %w: a list of over %d values", name, ErrParquetLimit, MaxParquetListValues)
			}
			if c.kind == KindString || c.kind == KindStrings {
				bytes += int64(len(v.ByteArray()))
			}
			if bytes > MaxParquetRowBytes {
				return fmt.Errorf("column %s: %w: a row of over %d bytes of text", name, ErrParquetLimit, MaxParquetRowBytes)
			}
			if c.cell >= 0 {
				setCell(&cells[c.cell], c.kind, v)
			}
			c.i++
			if v, err = r.peek(c); errors.Is(err, io.EOF) || (err == nil && v.RepetitionLevel() == 0) {
				break
			}
		}
	}
	return nil
}
