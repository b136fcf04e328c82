package sandbox

import (
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

func newTestHandler(t *testing.T, opts ...Option) *Handler {
	t.Helper()
	h, err := NewHandler(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func decodeObject(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := wirejson.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Every summary example the document gives its 200 response is one the
// sandbox serves, byte for byte what encoding the example gives: adding an
// example without a sample call, or a fixture that drifts from it, fails.
func TestFixturesServeEveryDocumentExample(t *testing.T) {
	h := newTestHandler(t)
	op := testkit.Document(t).Paths.Find("/v1/Voice/{CallSid}/Summary").Get
	examples := op.Responses.Status(200).Value.Content.Get("application/json").Examples
	if len(examples) == 0 {
		t.Fatal("the document's 200 response has no examples")
	}
	for name, ex := range examples {
		want, err := wirejson.Marshal(ex.Value.Value)
		if err != nil {
			t.Fatal(err)
		}
		var head gen.CallSummary
		if err := wirejson.Unmarshal(want, &head); err != nil || head.CallSID == nil || head.ProcessingState == nil {
			t.Fatalf("example %s has no call_sid or processing_state (%v)", name, err)
		}
		got, ok := h.Fixture(*head.CallSID, *head.ProcessingState)
		if !ok {
			t.Errorf("example %s (%s, %s) is not served", name, *head.CallSID, *head.ProcessingState)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("example %s: the sandbox serves other bytes than the document's example", name)
		}
	}
}

// The catalogue holds a call of every type, partial summaries, nulls and
// trust; each check reads the bytes.
func TestFixturesCoverTheCatalogue(t *testing.T) {
	h := newTestHandler(t)
	v := sandboxValidator(t)
	types := map[gen.CallType]bool{}
	var noSDKEdge, richTrust, partials, partialOnly int
	for _, call := range h.Calls() {
		types[call.CallType] = true
		if len(call.States) == 0 {
			t.Errorf("%s has no summary", call.SID)
		}
		if call.Description == "" {
			t.Errorf("%s has no description", call.SID)
		}
		if slices.Contains(call.States, gen.ProcessingStatePartial) {
			partials++
			if !slices.Contains(call.States, gen.ProcessingStateComplete) {
				partialOnly++
			}
		}
		for _, state := range call.States {
			body, _ := h.Fixture(call.SID, state)
			if err := v.ValidateSummary(body); err != nil {
				t.Errorf("%s %s: %v", call.SID, state, err)
			}
			m := decodeObject(t, body)
			if call.CallType == gen.CallTypeClient && state == gen.ProcessingStateComplete && m["sdk_edge"] == nil && m["client_edge"] != nil {
				noSDKEdge++
			}
			if trust, ok := m["trust"].(map[string]any); ok && len(trust) == 4 {
				all := true
				for _, k := range []string{"verified_caller", "branded", "business_profile", "voice_integrity"} {
					sub, ok := trust[k].(map[string]any)
					all = all && ok && len(sub) > 0
				}
				if all {
					richTrust++
				}
			}
		}
	}
	for _, ct := range []gen.CallType{gen.CallTypeCarrier, gen.CallTypeSIP, gen.CallTypeTrunking, gen.CallTypeClient, gen.CallTypeWhatsapp} {
		if !types[ct] {
			t.Errorf("no sample call of type %s", ct)
		}
	}
	if noSDKEdge == 0 {
		t.Error("no complete client call without sdk_edge")
	}
	if richTrust < 2 { // the seed and a realistic one
		t.Errorf("%d summaries with all four trust objects, want 2", richTrust)
	}
	if partials < 2 || partialOnly < 1 {
		t.Errorf("%d calls with a partial summary (%d partial only)", partials, partialOnly)
	}
}

// The whatsapp call has no edges, the client call with sdk_edge has it, and
// every edge the document expects for a call type is there.
func TestFixturesEdgesMatchTheCallType(t *testing.T) {
	h := newTestHandler(t)
	edges := map[gen.CallType][]string{
		gen.CallTypeCarrier:  {"carrier_edge"},
		gen.CallTypeSIP:      {"sip_edge"},
		gen.CallTypeTrunking: {"sip_edge", "carrier_edge"},
		gen.CallTypeClient:   {"client_edge"},
		gen.CallTypeWhatsapp: nil,
	}
	all := []string{"carrier_edge", "client_edge", "sdk_edge", "sip_edge"}
	for _, call := range h.Calls() {
		want, known := edges[call.CallType]
		if !known || call.SID == "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" { // the seed's edges are all {}
			continue
		}
		body, _ := h.Fixture(call.SID, call.States[0])
		m := decodeObject(t, body)
		for _, edge := range all {
			populated := false
			if obj, ok := m[edge].(map[string]any); ok && len(obj) > 0 {
				populated = true
			}
			expected := slices.Contains(want, edge) || (edge == "sdk_edge" && populated && call.CallType == gen.CallTypeClient)
			if populated != expected {
				t.Errorf("%s (%s): %s populated=%v", call.SID, call.CallType, edge, populated)
			}
		}
	}
}

// The nulls fixture sets every nullable property the schema has to null,
// descending into the objects it keeps (from, annotation) to null theirs.
func TestFixturesNullsEverywhereTheSchemaAllows(t *testing.T) {
	h := newTestHandler(t)
	body, ok := h.Fixture("CAf59df63d71d69652516866e32fb2c6d2", gen.ProcessingStateComplete)
	if !ok {
		t.Fatal("no nulls fixture")
	}
	schema := testkit.Document(t).Components.Schemas["CallSummary"].Value
	var missed []string
	nulls := checkAllNull(schema, decodeObject(t, body), "", &missed)
	if len(missed) > 0 {
		t.Errorf("nullable but not null: %v", missed)
	}
	if nulls < 30 {
		t.Errorf("%d nulls; the schema has more nullable properties", nulls)
	}
}

// checkAllNull walks obj against schema, records every nullable property that
// is neither null nor an object whose own nullable properties are all null,
// and returns the number of nulls found.
func checkAllNull(schema *openapi3.Schema, obj map[string]any, at string, missed *[]string) int {
	nulls := 0
	for name, ref := range schema.Properties {
		prop := ref.Value
		if !prop.Nullable {
			continue
		}
		value, present := obj[name]
		switch {
		case present && value == nil:
			nulls++
		case present && len(prop.AllOf) == 1:
			inner, ok := value.(map[string]any)
			sub := prop.AllOf[0].Value
			if !ok || !hasNullable(sub) {
				*missed = append(*missed, at+"/"+name)
				continue
			}
			nulls += checkAllNull(sub, inner, at+"/"+name, missed)
		default:
			*missed = append(*missed, at+"/"+name)
		}
	}
	return nulls
}

func hasNullable(s *openapi3.Schema) bool {
	for _, p := range s.Properties {
		if p.Value.Nullable {
			return true
		}
	}
	return false
}

// A catalogue entry whose file names another SID is refused at load time.
func TestFixturesRefuseAMismatchedSID(t *testing.T) {
	v := sandboxValidator(t)
	var dst []byte
	carrier := fixtureSource{example: "CarrierCall"} // CAd45ec3c4af38967de454f9e45bb1cef4, complete
	if err := new(fixture).add(v, "CA06b15d3af713e318d123274a98d70bc9", carrier, gen.ProcessingStateComplete, &dst); err == nil {
		t.Error("a fixture naming another call was accepted")
	}
	partial := fixtureSource{example: "PartialClientCall"} // CA0e87c1212a698494dcdb198af3e0eb2f, partial
	if err := new(fixture).add(v, "CA0e87c1212a698494dcdb198af3e0eb2f", partial, gen.ProcessingStateComplete, &dst); err == nil {
		t.Error("a partial summary was accepted as the complete one")
	}
	if err := new(fixture).add(v, "CA0e87c1212a698494dcdb198af3e0eb2f", partial, gen.ProcessingStatePartial, &dst); err != nil {
		t.Errorf("the partial summary as itself: %v", err)
	}
}

func TestCallsAndFixtureReturnCopies(t *testing.T) {
	h := newTestHandler(t)
	first := h.Calls()[0]
	calls := h.Calls()
	calls[0].States[0] = "mutated"
	calls[0].SID = "mutated"
	if again := h.Calls(); again[0].SID != first.SID || again[0].States[0] != first.States[0] {
		t.Error("Calls exposes the handler's state")
	}
	body, _ := h.Fixture(first.SID, gen.ProcessingStateComplete)
	body[0] = 'X'
	if b, _ := h.Fixture(first.SID, gen.ProcessingStateComplete); b[0] == 'X' {
		t.Error("Fixture exposes the served bytes")
	}
}
