package openapi_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/gen"
)

// TestExamplesRoundTrip decodes every summary example of the document into
// gen.CallSummary, refusing unknown fields (so every field an example uses is
// typed), re-encodes it and compares: no known field may be lost or changed.
// Nulls are dropped from the expectation: gen omits nil pointers.
func TestExamplesRoundTrip(t *testing.T) {
	doc := loadDocument(t)
	examples := doc.Paths.Find("/v1/Voice/{CallSid}/Summary").Get.Responses.Value("200").Value.
		Content.Get("application/json").Examples
	if len(examples) < 7 {
		t.Fatalf("want at least 7 summary examples (seed complete and partial, one per call type, a partial), got %d", len(examples))
	}
	for name, ex := range examples {
		t.Run(name, func(t *testing.T) {
			original, err := json.Marshal(ex.Value.Value)
			if err != nil {
				t.Fatal(err)
			}
			dec := json.NewDecoder(bytes.NewReader(original))
			dec.DisallowUnknownFields()
			var s gen.CallSummary
			if err := dec.Decode(&s); err != nil {
				t.Fatalf("decode into gen.CallSummary: %v", err)
			}
			again, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var want, got any
			mustUnmarshal(t, original, &want)
			mustUnmarshal(t, again, &got)
			if diff := cmp.Diff(dropNulls(want), got); diff != "" {
				t.Errorf("round trip changed the example (-want +got):\n%s", diff)
			}
		})
	}
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func dropNulls(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			if e != nil {
				out[k] = dropNulls(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = dropNulls(e)
		}
		return out
	}
	return v
}

// TestGeneratedSummaryIsTyped walks every type reachable from gen.CallSummary:
// none may be an interface (Twilio's own SDKs surface ten of these fields as
// interface{}), and every metric must be a float64.
func TestGeneratedSummaryIsTyped(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		if seen[typ] {
			return
		}
		seen[typ] = true
		switch typ.Kind() {
		case reflect.Interface:
			t.Errorf("%s is an interface (%s)", path, typ)
		case reflect.Float32:
			t.Errorf("%s is float32; numbers need format: double", path)
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(path+"[]", typ.Elem())
		case reflect.Map:
			walk(path+"{key}", typ.Key())
			walk(path+"{}", typ.Elem())
		case reflect.Struct:
			for f := range typ.Fields() {
				walk(path+"."+f.Name, f.Type)
			}
		}
	}
	walk("CallSummary", reflect.TypeFor[gen.CallSummary]())
	for _, edge := range []reflect.Type{reflect.TypeFor[gen.GatewayEdge](), reflect.TypeFor[gen.SDKEdge]()} {
		if !seen[edge] {
			t.Errorf("%s is not reachable from CallSummary", edge)
		}
	}
	metric := reflect.TypeFor[gen.MetricStats]()
	for f := range metric.Fields() {
		if f.Type != reflect.TypeFor[*float64]() {
			t.Errorf("MetricStats.%s is %s, want *float64", f.Name, f.Type)
		}
	}
}

// TestNoUntypedSchemaReachable walks the 200 response's schema in the
// document: every schema reachable from it has a type (directly or through
// its single allOf), so no generator can produce interface{} from it.
func TestNoUntypedSchemaReachable(t *testing.T) {
	doc := loadDocument(t)
	root := doc.Paths.Find("/v1/Voice/{CallSid}/Summary").Get.Responses.Value("200").Value.
		Content.Get("application/json").Schema
	seen := map[*openapi3.Schema]bool{}
	count := 0
	var walk func(path string, ref *openapi3.SchemaRef)
	walk = func(path string, ref *openapi3.SchemaRef) {
		s := resolved(ref.Value)
		if seen[s] {
			return
		}
		seen[s] = true
		count++
		if s.Type == nil || len(s.Type.Slice()) != 1 {
			t.Errorf("%s: untyped schema", path)
		}
		for name, p := range s.Properties {
			walk(path+"."+name, p)
		}
		if s.Items != nil {
			walk(path+"[]", s.Items)
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			walk(path+"{}", ap)
		}
	}
	walk("CallSummary", root)
	if count < 30 {
		t.Errorf("walked only %d schemas; the summary should be typed to the leaf", count)
	}
}
