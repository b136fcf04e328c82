package openapi_test

import (
	"context"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/openapi"
)

// loadDocument parses and validates the embedded document, examples included.
func loadDocument(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		t.Fatalf("load %s: %v", openapi.Name, err)
	}
	// Validate checks examples against their schemas by default.
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("validate %s: %v", openapi.Name, err)
	}
	return doc
}

func TestDocumentValidates(t *testing.T) {
	doc := loadDocument(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi version = %q, want 3.0.3 (kin-openapi's 3.1 validator is rebuilt per call)", doc.OpenAPI)
	}
	op := doc.Paths.Find("/v1/Voice/{CallSid}/Summary").Get
	if op == nil || op.OperationID != "FetchSummary" {
		t.Fatalf("GET /v1/Voice/{CallSid}/Summary must have operationId FetchSummary")
	}
	for _, want := range []struct{ path, method, id string }{
		{"/v1/Voice/Summaries", "GET", "ListSummaries"},
		{"/v1/Voice/{CallSid}/Annotation", "GET", "FetchAnnotation"},
		{"/v1/Voice/{CallSid}/Annotation", "POST", "UpdateAnnotation"},
	} {
		item := doc.Paths.Find(want.path)
		if item == nil || item.GetOperation(want.method) == nil || item.GetOperation(want.method).OperationID != want.id {
			t.Errorf("%s %s must have operationId %s", want.method, want.path, want.id)
		}
	}
	if got := doc.Servers[0].URL; got != "https://insights.twilio.com" {
		t.Errorf("server = %q", got)
	}
	scheme := doc.Components.SecuritySchemes["accountSid_authToken"]
	if scheme == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "basic" {
		t.Errorf("want an HTTP basic security scheme")
	}
	for _, status := range []string{"200", "401", "403", "404", "429", "5XX", "default"} {
		if op.Responses.Value(status) == nil {
			t.Errorf("response %s missing", status)
		}
	}
}

// TestDocumentExamplesAreChecked proves that Validate really checks examples:
// a document whose example breaks its schema must be rejected.
func TestDocumentExamplesAreChecked(t *testing.T) {
	doc := loadDocument(t)
	ex := doc.Components.Examples["CarrierCall"].Value
	ex.Value.(map[string]any)["call_type"] = "pstn"
	if err := doc.Validate(context.Background()); err == nil {
		t.Fatal("a document with an example that violates its schema validated")
	}
}

func TestDocumentParameters(t *testing.T) {
	doc := loadDocument(t)
	sid := doc.Components.Parameters["CallSid"].Value
	if sid.In != "path" || !sid.Required || sid.Schema.Value.Pattern != "^CA[0-9a-fA-F]{32}$" ||
		*sid.Schema.Value.MaxLength != 34 || sid.Schema.Value.MinLength != 34 {
		t.Errorf("CallSid parameter differs from the seed: %+v", sid.Schema.Value)
	}
	ps := doc.Components.Parameters["ProcessingState"].Value
	if ps.In != "query" || ps.Required {
		t.Errorf("ProcessingState must be an optional query parameter")
	}
	enum := ps.Schema.Value.Enum
	if len(enum) != 2 || enum[0] != "complete" || enum[1] != "partial" {
		t.Errorf("ProcessingState enum = %v, want [complete partial] as the seed", enum)
	}
}

// TestSummaryPropertiesAreOrderedAndAlwaysWritten holds the document to its
// convention for a summary's properties: each has an x-order (Twilio's key
// order, one number each, 1 to n) and x-omitempty: false (written as null
// when absent, as Twilio writes them). gen's CallSummary then encodes as
// Twilio does, and a property added to the document appears in every
// summary the sandbox generates, with no change to the sandbox.
func TestSummaryPropertiesAreOrderedAndAlwaysWritten(t *testing.T) {
	props := loadDocument(t).Components.Schemas["CallSummary"].Value.Properties
	seen := map[float64]string{}
	for name, ref := range props {
		ext := ref.Value.Extensions
		order, ok := ext["x-order"].(float64)
		switch {
		case !ok:
			t.Errorf("%s has no x-order", name)
		case seen[order] != "":
			t.Errorf("%s and %s have the same x-order %v", name, seen[order], order)
		case order < 1 || order > float64(len(props)):
			t.Errorf("%s: x-order %v is outside 1 to %d", name, order, len(props))
		}
		seen[order] = name
		if omit, ok := ext["x-omitempty"].(bool); !ok || omit {
			t.Errorf("%s: want x-omitempty: false", name)
		}
	}
}
