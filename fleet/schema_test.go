package fleet_test

import (
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

var update = flag.Bool("update", false, "rewrite SCHEMA.md from the schema")

// SCHEMA.md documents every column of the schema; `go test ./fleet -run
// TestSchemaDoc -update` rewrites it after a change.
func TestSchemaDoc(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, "# The flattened column schema, version %d\n\n", fleet.SchemaVersion)
	b.WriteString("Generated from `fleet.NewSchema(fleet.WithPII(true)).Columns()` by `go test ./fleet -run TestSchemaDoc -update`;\n")
	b.WriteString("a test fails when it differs. One row per call; every column is nullable (null: Twilio did not send it).\n")
	b.WriteString("PII columns are written only with `fleet.WithPII(true)`; computed columns are derived by the package\n")
	b.WriteString("(not read back into a summary). Parquet files carry the version in their key-value metadata\n")
	fmt.Fprintf(&b, "(`%s`) and are partitioned `date=YYYY-MM-DD` by the UTC day of `start_time`.\n\n", fleet.MetadataVersion)
	b.WriteString("| column | kind | PII | computed | meaning |\n| --- | --- | --- | --- | --- |\n")
	yes := func(v bool) string {
		if v {
			return "yes"
		}
		return ""
	}
	for _, c := range fleet.NewSchema(fleet.WithPII(true)).Columns() {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.Name, c.Kind, yes(c.PII), yes(c.Computed), c.Doc)
	}
	if *update {
		if err := os.WriteFile("SCHEMA.md", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != b.String() {
		t.Error("SCHEMA.md is stale: run go test ./fleet -run TestSchemaDoc -update")
	}
}

// Every column round-trips through Unflatten and Flatten, and names are
// unique; a summary with every field set fills every column.
func TestFlattenUnflatten(t *testing.T) {
	full := fleet.NewSchema(fleet.WithPII(true))
	seen := map[string]bool{}
	for _, c := range full.Columns() {
		if seen[c.Name] {
			t.Errorf("column %s twice", c.Name)
		}
		seen[c.Name] = true
	}
	s := &callsummary.Summary{}
	fill(reflect.ValueOf(&s.CallSummary).Elem(), 0)
	row := full.Flatten(s, nil)
	for i, c := range full.Columns() {
		if !row[i].Valid {
			t.Errorf("column %s is null for a summary with every field set", c.Name)
		}
	}
	back := full.Flatten(full.Unflatten(row), nil)
	for i, c := range full.Columns() {
		if c.Name == "agent_sessions" || c.Name == "decode_issues" {
			continue // computed from what the schema has no column for
		}
		if !reflect.DeepEqual(back[i], row[i]) && !(len(back[i].List) == 0 && len(row[i].List) == 0 && back[i].Valid == row[i].Valid) {
			t.Errorf("column %s: %+v after a round trip, was %+v", c.Name, back[i], row[i])
		}
	}
	if n := len(full.Columns()) - len(fleet.NewSchema().Columns()); n < 5 {
		t.Errorf("only %d PII columns left out by default", n)
	}
}

// fill sets every pointer, slice and value under v, so that no column can
// be null: strings to "x", numbers to 3, booleans to true, slices to one
// element.
func fill(v reflect.Value, depth int) {
	if depth > 16 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Struct:
		if v.Type().String() == "time.Time" {
			v.Set(reflect.ValueOf(mustTime("2026-11-30T12:00:00Z")))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), depth+1)
	case reflect.String:
		v.SetString("x")
	case reflect.Int, reflect.Int64:
		v.SetInt(3)
	case reflect.Float64:
		v.SetFloat(3)
	case reflect.Bool:
		v.SetBool(true)
	}
}
