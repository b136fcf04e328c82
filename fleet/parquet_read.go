package fleet

import (
	"context"
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/parquet-go/parquet-go"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// readBatch is how many rows a Parquet reader reads between looks at its
// context.
const readBatch = 256

// ReadParquet yields the summaries rebuilt from Parquet files written by
// NewParquetDir, in the order of paths (a directory: every *.parquet under
// it, partitions included, in lexical order). Columns are matched by name,
// so files of an older schema (fewer columns) read too; a column of
// another kind than this package's is an error. A rebuilt summary has the
// schema's fields (Schema.Unflatten): no Raw bytes, and no PII unless the
// files have it. One page of each column is held at a time, and a file
// over the limits (MaxParquetListValues, MaxParquetRowBytes) is refused
// with an error wrapping ErrParquetLimit, naming the file and column.
func ReadParquet(ctx context.Context, paths ...string) iter.Seq2[*callsummary.Summary, error] {
	return func(yield func(*callsummary.Summary, error) bool) {
		for row, err := range ReadParquetRows(ctx, paths...) {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(fullSchema.Unflatten(row), nil) {
				return
			}
		}
	}
}

// ReadParquetRows yields the rows of Parquet files as the full schema's
// (NewSchema(WithPII(true))) cells, null where a file lacks a column. The
// row is reused: copy what must outlive the iteration.
func ReadParquetRows(ctx context.Context, paths ...string) iter.Seq2[[]Value, error] {
	return func(yield func([]Value, error) bool) {
		files, err := expandPaths(paths, ".parquet")
		if err != nil {
			yield(nil, err)
			return
		}
		for _, path := range files {
			for row, err := range readParquetRows(ctx, path) {
				if !yield(row, err) || err != nil {
					return
				}
			}
		}
	}
}

func readParquetRows(ctx context.Context, path string) iter.Seq2[[]Value, error] {
	return func(yield func([]Value, error) bool) {
		fail := func(err error) { yield(nil, fmt.Errorf("fleet: %s: %w", path, err)) }
		f, err := os.Open(path)
		if err != nil {
			fail(err)
			return
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			fail(err)
			return
		}
		pf, err := parquet.OpenFile(f, fi.Size())
		if err != nil {
			fail(err)
			return
		}
		// to maps the file's leaf columns to the full schema's columns.
		leaves := pf.Schema().Columns()
		to := make([]int, len(leaves))
		for i, p := range leaves {
			to[i] = fullSchema.Index(p[0])
			if to[i] < 0 {
				continue // a column of a newer schema: not read
			}
			leaf, _ := pf.Schema().Lookup(p...)
			if err := checkLeaf(fullSchema.cols[to[i]], leaf); err != nil {
				fail(err)
				return
			}
		}
		if err := checkParquetLayout(pf, to); err != nil {
			fail(err)
			return
		}
		cells := make([]Value, len(fullSchema.cols))
		var row int64 // in the file, from 0
		for _, rg := range pf.RowGroups() {
			rr := newRowGroupReader(rg, to)
			for range rg.NumRows() {
				if row%readBatch == 0 {
					if err := ctx.Err(); err != nil {
						rr.close()
						fail(err)
						return
					}
				}
				if err := rr.readRow(cells); err != nil {
					rr.close()
					fail(fmt.Errorf("row %d: %w", row, err))
					return
				}
				if !yield(cells, nil) {
					rr.close()
					return
				}
				row++
			}
			rr.close()
		}
	}
}

// checkLeaf refuses a file column whose physical type is not the one this
// package writes for the column's kind.
func checkLeaf(c Column, leaf parquet.LeafColumn) error {
	want := map[Kind]parquet.Kind{KindString: parquet.ByteArray, KindStrings: parquet.ByteArray, KindInt: parquet.Int64,
		KindFloat: parquet.Double, KindBool: parquet.Boolean, KindTime: parquet.Int64}[c.Kind]
	if got := leaf.Node.Type().Kind(); got != want {
		return fmt.Errorf("column %s is %s, want %s", c.Name, got, want)
	}
	if (c.Kind == KindStrings) != (leaf.MaxRepetitionLevel > 0) {
		return fmt.Errorf("column %s: a list where a value was expected, or the other way round", c.Name)
	}
	return nil
}

// setCell sets c, of the given kind, from one Parquet value of its column.
func setCell(c *Value, kind Kind, v parquet.Value) {
	if kind == KindStrings {
		if v.DefinitionLevel() > 0 {
			c.Valid = true // an empty list at least
		}
		if !v.IsNull() {
			c.List = append(c.List, string(v.ByteArray()))
		}
		return
	}
	if v.IsNull() {
		return
	}
	c.Valid = true
	switch kind {
	case KindString:
		c.Str = string(v.ByteArray())
	case KindInt:
		c.Int = v.Int64()
	case KindFloat:
		c.Float = v.Double()
	case KindBool:
		c.Bool = v.Boolean()
	case KindTime:
		c.Time = time.UnixMicro(v.Int64()).UTC()
	}
}
