package openapi_test

import (
	"reflect"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// TestExamplesRoundTrip decodes every 200 example of every operation into
// its generated type, refusing unknown fields (so every field an example uses
// is typed), re-encodes it and compares: no known field may be lost or
// changed. Nulls are dropped from both sides: gen writes a summary's
// top-level properties null when absent, as Twilio does, and omits other
// nil pointers, so absent and null are the same here.
func TestExamplesRoundTrip(t *testing.T) {
	doc := loadDocument(t)
	ops := []struct {
		path, method string
		min          int
		decode       func([]byte) (any, error)
	}{
		{"/v1/Voice/{CallSid}/Summary", "GET", 7, decodeStrict[gen.CallSummary]},
		{"/v1/Voice/Summaries", "GET", 2, decodeStrict[gen.SummaryPage]},
		{"/v1/Voice/{CallSid}/Annotation", "GET", 1, decodeStrict[gen.Annotation]},
		{"/v1/Voice/{CallSid}/Annotation", "POST", 1, decodeStrict[gen.Annotation]},
	}
	for _, op := range ops {
		examples := doc.Paths.Find(op.path).GetOperation(op.method).Responses.Value("200").Value.
			Content.Get("application/json").Examples
		if len(examples) < op.min {
			t.Errorf("%s %s: want at least %d examples, got %d", op.method, op.path, op.min, len(examples))
		}
		for name, ex := range examples {
			t.Run(op.method+" "+op.path+"/"+name, func(t *testing.T) {
				original, err := wirejson.Marshal(ex.Value.Value)
				if err != nil {
					t.Fatal(err)
				}
				decoded, err := op.decode(original)
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				again, err := wirejson.Marshal(decoded)
				if err != nil {
					t.Fatal(err)
				}
				var want, got any
				mustUnmarshal(t, original, &want)
				mustUnmarshal(t, again, &got)
				if diff := cmp.Diff(dropNulls(want), dropNulls(got)); diff != "" {
					t.Errorf("round trip changed the example (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// decodeStrict decodes into T, failing on any field T does not declare.
func decodeStrict[T any](b []byte) (any, error) {
	var v T
	err := wirejson.UnmarshalExact(b, &v)
	return v, err
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := wirejson.Unmarshal(b, v); err != nil {
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
