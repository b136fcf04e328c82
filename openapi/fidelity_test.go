package openapi_test

import (
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// seedProperty is the part of a property in Twilio's documented schema that
// ours must reproduce exactly.
type seedProperty struct {
	Type      string   `json:"type"`
	Format    string   `json:"format"`
	Enum      []string `json:"enum"`
	Pattern   string   `json:"pattern"`
	MinLength *uint64  `json:"minLength"`
	MaxLength *uint64  `json:"maxLength"`
	Nullable  bool     `json:"nullable"`
	Items     *struct {
		Type string `json:"type"`
	} `json:"items"`
}

// TestSeedFidelity compares every top-level property of the seed's schema
// with ours: same JSON name, type, format, enum, pattern, lengths and
// nullability. Where the seed leaves a property untyped, ours must be a typed
// object.
// afterTheSeed are the summary's properties Twilio added after the seed
// page was written, with where each is documented. Twilio adds properties
// without notice: no list is complete.
var afterTheSeed = map[string]string{
	"agent_session_summaries": "twilio-python (2026-08-11, commit eba3466) and Twilio's official document's call_summary_agent_session_summary",
}

func TestSeedFidelity(t *testing.T) {
	raw, err := os.ReadFile("testdata/seed-call-summary-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var seed struct {
		Properties map[string]seedProperty `json:"properties"`
	}
	if err := wirejson.Unmarshal(raw, &seed); err != nil {
		t.Fatal(err)
	}
	if len(seed.Properties) != 23 {
		t.Fatalf("seed has %d properties, want 23", len(seed.Properties))
	}
	ours := loadDocument(t).Components.Schemas["CallSummary"].Value
	matched := 0
	for name, want := range seed.Properties {
		ref := ours.Properties[name]
		if ref == nil {
			t.Errorf("%s: missing from our CallSummary", name)
			continue
		}
		prop := ref.Value
		got := resolved(prop)
		if prop.Nullable != want.Nullable {
			t.Errorf("%s: nullable = %v, seed %v", name, prop.Nullable, want.Nullable)
		}
		if want.Type == "" {
			// Untyped in the seed (interface{} in Twilio's SDKs): ours is a named object.
			if !got.Type.Is("object") || len(got.Properties) == 0 {
				t.Errorf("%s: untyped in the seed, must be a typed object here", name)
			}
			matched++
			continue
		}
		if !got.Type.Is(want.Type) {
			t.Errorf("%s: type = %v, seed %s", name, got.Type, want.Type)
		}
		if got.Format != want.Format {
			t.Errorf("%s: format = %q, seed %q", name, got.Format, want.Format)
		}
		if got.Pattern != want.Pattern {
			t.Errorf("%s: pattern = %q, seed %q", name, got.Pattern, want.Pattern)
		}
		if !slices.Equal(stringsOf(got.Enum), want.Enum) {
			t.Errorf("%s: enum = %v, seed %v", name, got.Enum, want.Enum)
		}
		if want.MinLength != nil && got.MinLength != *want.MinLength {
			t.Errorf("%s: minLength = %d, seed %d", name, got.MinLength, *want.MinLength)
		}
		if !reflect.DeepEqual(got.MaxLength, want.MaxLength) {
			t.Errorf("%s: maxLength differs from the seed", name)
		}
		if want.Items != nil && (got.Items == nil || !got.Items.Value.Type.Is(want.Items.Type)) {
			t.Errorf("%s: items type differs from the seed %q", name, want.Items.Type)
		}
		matched++
	}
	if matched != 23 {
		t.Errorf("%d of 23 seed properties matched", matched)
	}
	for name := range ours.Properties {
		if _, ok := seed.Properties[name]; !ok && afterTheSeed[name] == "" {
			t.Errorf("%s: not in the seed; add it to afterTheSeed with its source, or remove it", name)
		}
	}
}

// resolved returns the schema a property describes: itself, or the single
// schema of its allOf (our form for nullable references).
func resolved(s *openapi3.Schema) *openapi3.Schema {
	if len(s.AllOf) == 1 {
		return s.AllOf[0].Value
	}
	return s
}

func stringsOf(values []any) []string {
	if values == nil {
		return nil
	}
	out := make([]string, len(values))
	for i, v := range values {
		out[i], _ = v.(string)
	}
	return out
}
