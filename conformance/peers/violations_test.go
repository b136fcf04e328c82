//go:build peers

package peers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// A prismViolation is one entry of Prism's sl-violations header.
type prismViolation struct {
	Location []string `json:"location"`
	Severity string   `json:"severity"`
	Code     any      `json:"code"`
	Message  string   `json:"message"`
}

// prismViolations returns where Prism says a response broke the document:
// JSON pointers into the body ("/call_type"), or the location joined by dots
// outside it ("request", "response.headers.X").
func prismViolations(t *testing.T, resp *http.Response) []string {
	t.Helper()
	h := resp.Header.Get("sl-violations")
	if h == "" {
		return nil
	}
	var vs []prismViolation
	if err := wirejson.Unmarshal([]byte(h), &vs); err != nil {
		t.Fatalf("sl-violations is not JSON (%v): %q", err, h)
	}
	var out []string
	for _, v := range vs {
		if len(v.Location) >= 2 && v.Location[0] == "response" && v.Location[1] == "body" {
			out = append(out, "/"+strings.Join(v.Location[2:], "/"))
			continue
		}
		out = append(out, strings.Join(v.Location, "."))
	}
	slices.Sort(out)
	return out
}

// nullEnumPointers lists where a summary body holds null for a nullable
// enum: a property written `nullable: true` + `allOf: [$ref: <enum>]`, as the
// document's description decides. kin-openapi (ours) accepts that null;
// Prism, reading OpenAPI 3.0.3 strictly, does not, because null is not in the
// referenced enum. These, and only these, are the violations Prism is
// expected to report on a body our validator accepts.
func nullEnumPointers(t testing.TB, body []byte) []string {
	return nullEnumPointersIn(t, "CallSummary", body)
}

// nullEnumPointersIn is nullEnumPointers for a body of the named schema
// (SummaryPage, Annotation, ...), through arrays as well as objects.
func nullEnumPointersIn(t testing.TB, schema string, body []byte) []string {
	var value any
	if err := wirejson.Unmarshal(body, &value); err != nil {
		return nil
	}
	var out []string
	walkNullEnums(testkit.Document(t).Components.Schemas[schema].Value, value, "", &out)
	slices.Sort(out)
	return out
}

func walkNullEnums(s *openapi3.Schema, value any, ptr string, out *[]string) {
	if s == nil {
		return
	}
	if items, ok := value.([]any); ok && s.Items != nil {
		for i, item := range items {
			walkNullEnums(s.Items.Value, item, ptr+"/"+strconv.Itoa(i), out)
		}
		return
	}
	obj, ok := value.(map[string]any)
	if !ok {
		return
	}
	for key, prop := range s.Properties {
		v, present := obj[key]
		if !present {
			continue
		}
		p := prop.Value
		if v == nil && p.Nullable && len(p.AllOf) == 1 && len(p.AllOf[0].Value.Enum) > 0 {
			*out = append(*out, ptr+"/"+key)
			continue
		}
		target := p
		if len(p.AllOf) == 1 {
			target = p.AllOf[0].Value
		}
		walkNullEnums(target, v, ptr+"/"+key, out)
	}
}
