package fleet

import (
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Flatten writes s's row into row (grown to the schema's width and reused:
// its List slices are recycled) and returns it.
func (sc *Schema) Flatten(s *callsummary.Summary, row []Value) []Value {
	if cap(row) < len(sc.cols) {
		row = make([]Value, len(sc.cols))
	}
	row = row[:len(sc.cols)]
	for i := range row {
		row[i] = Value{List: row[i].List[:0]}
	}
	if s == nil {
		return row
	}
	for i, c := range sc.cols {
		if c.derive != nil {
			c.derive(s, &row[i])
		} else {
			c.get(&s.CallSummary, &row[i])
		}
	}
	return row
}

// Unflatten rebuilds a summary from a row of this schema: every column that
// is not Computed is set when valid. What the schema leaves out (PII, the
// fields it has no column for) is absent, and the summary has no Raw bytes.
func (sc *Schema) Unflatten(row []Value) *callsummary.Summary {
	s := &callsummary.Summary{}
	for i, c := range sc.cols {
		if i >= len(row) {
			break
		}
		if c.set != nil && row[i].Valid {
			c.set(&s.CallSummary, &row[i])
		}
	}
	return s
}
