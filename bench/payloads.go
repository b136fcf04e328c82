package bench

import (
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/openapi"
)

// Payload is one Call Summary body the benchmarks decode or serve.
type Payload struct {
	Name    string // the example's name in components/examples
	CallSID string
	Body    []byte // compact JSON
}

// PayloadNames names the examples of openapi/insights.yaml the decode
// benchmarks use, smallest first: a PSTN call (one gateway edge), an Elastic
// SIP Trunking call (two gateway edges) and a Voice SDK call with
// client_edge and sdk_edge, the largest summary in the document.
func PayloadNames() []string { return []string{"CarrierCall", "TrunkingCall", "ClientCall"} }

// Largest is the largest summary example: a client call with sdk_edge and
// client_edge. The fetch, conformance and throughput benchmarks serve it.
const Largest = "ClientCall"

// LoadPayloads parses the embedded OpenAPI document and returns the named
// examples of components/examples as compact JSON, in the order asked.
// Benchmarks call it once, in their setup.
func LoadPayloads(names ...string) ([]Payload, error) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", openapi.Name, err)
	}
	out := make([]Payload, 0, len(names))
	for _, name := range names {
		ref := doc.Components.Examples[name]
		if ref == nil || ref.Value == nil {
			return nil, fmt.Errorf("%s has no example %q", openapi.Name, name)
		}
		body, err := json.Marshal(ref.Value.Value)
		if err != nil {
			return nil, fmt.Errorf("example %s: %w", name, err)
		}
		var head struct {
			CallSID string `json:"call_sid"`
		}
		if err := json.Unmarshal(body, &head); err != nil || head.CallSID == "" {
			return nil, fmt.Errorf("example %s has no call_sid (%v)", name, err)
		}
		out = append(out, Payload{Name: name, CallSID: head.CallSID, Body: body})
	}
	return out, nil
}

// LoadPayload returns one example; see LoadPayloads.
func LoadPayload(name string) (Payload, error) {
	p, err := LoadPayloads(name)
	if err != nil {
		return Payload{}, err
	}
	return p[0], nil
}
