package fleet

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
)

// parquetLayout is a Schema as Parquet: one leaf column per schema column,
// in the same order, every one optional.
type parquetLayout struct {
	schema *parquet.Schema
	// listDef is the definition level of a list element, per column (0 for
	// scalars).
	listDef []int
}

// newParquetLayout builds the Parquet schema from a struct type made at run
// time, so that the file's columns keep the schema's order (parquet-go
// sorts the fields of a Group by name) and take parquet-go's own mapping
// of Go types: strings as UTF-8, times as timestamp(microsecond, UTC),
// lists as the LIST logical type.
func newParquetLayout(sc *Schema) (*parquetLayout, error) {
	fields := make([]reflect.StructField, len(sc.cols))
	for i, c := range sc.cols {
		tag := c.Name + ",optional"
		var typ reflect.Type
		switch c.Kind {
		case KindString:
			typ = reflect.TypeFor[*string]()
			if !c.PII && !strings.HasSuffix(c.Name, "_sid") {
				tag += ",dict" // few distinct values: call types, carriers, codecs
			}
		case KindInt:
			typ = reflect.TypeFor[*int64]()
		case KindFloat:
			typ = reflect.TypeFor[*float64]()
		case KindBool:
			typ = reflect.TypeFor[*bool]()
		case KindTime:
			typ, tag = reflect.TypeFor[*time.Time](), tag+",timestamp(microsecond)"
		case KindStrings:
			typ, tag = reflect.TypeFor[[]string](), tag+",list"
		default:
			return nil, fmt.Errorf("fleet: column %s has no Parquet type", c.Name)
		}
		fields[i] = reflect.StructField{Name: fmt.Sprintf("C%d", i), Type: typ, Tag: reflect.StructTag(`parquet:"` + tag + `"`)}
	}
	l := &parquetLayout{schema: parquet.SchemaOf(reflect.New(reflect.StructOf(fields)).Interface()), listDef: make([]int, len(sc.cols))}
	leaves := l.schema.Columns()
	if len(leaves) != len(sc.cols) {
		return nil, fmt.Errorf("fleet: the Parquet schema has %d leaf columns for %d columns", len(leaves), len(sc.cols))
	}
	for i, path := range leaves {
		if path[0] != sc.cols[i].Name {
			return nil, fmt.Errorf("fleet: Parquet leaf %d is %s, want %s", i, strings.Join(path, "."), sc.cols[i].Name)
		}
		if sc.cols[i].Kind == KindStrings {
			leaf, _ := l.schema.Lookup(path...)
			l.listDef[i] = leaf.MaxDefinitionLevel
		}
	}
	return l, nil
}

// appendRow appends a flattened row as Parquet values, with the levels of
// optional columns and lists: null at definition level 0, an empty list
// at 1, a list's elements at the element level (repetition 1 after the
// first).
func (l *parquetLayout) appendRow(dst parquet.Row, sc *Schema, row []Value) parquet.Row {
	for i, v := range row {
		if !v.Valid {
			dst = append(dst, parquet.NullValue().Level(0, 0, i))
			continue
		}
		switch sc.cols[i].Kind {
		case KindString:
			dst = append(dst, parquet.ByteArrayValue([]byte(v.Str)).Level(0, 1, i))
		case KindInt:
			dst = append(dst, parquet.Int64Value(v.Int).Level(0, 1, i))
		case KindFloat:
			dst = append(dst, parquet.DoubleValue(v.Float).Level(0, 1, i))
		case KindBool:
			dst = append(dst, parquet.BooleanValue(v.Bool).Level(0, 1, i))
		case KindTime:
			dst = append(dst, parquet.Int64Value(v.Time.UnixMicro()).Level(0, 1, i))
		case KindStrings:
			if len(v.List) == 0 {
				dst = append(dst, parquet.NullValue().Level(0, 1, i))
			}
			for j, e := range v.List {
				dst = append(dst, parquet.ByteArrayValue([]byte(e)).Level(min(j, 1), l.listDef[i], i))
			}
		}
	}
	return dst
}
