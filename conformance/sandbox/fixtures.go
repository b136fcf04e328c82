package sandbox

import (
	"embed"
	"fmt"
	"reflect"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// fixtureFiles are the sandbox's summaries that the document has no example
// for. Summaries the document does have an example for are taken from it, so
// that they cannot drift from the document (see catalogue).
//
//go:embed fixtures/*.json
var fixtureFiles embed.FS

// A SampleCall is one call the sandbox knows, for listing (the CLI's
// `sandbox` command) and for tests that iterate over every fixture.
type SampleCall struct {
	SID string
	// CallType is the summary's call_type; empty for the fixture whose
	// properties are all null.
	CallType    gen.CallType
	Description string
	// States lists the summaries the sandbox holds for this call, complete
	// first. Lifecycle mode decides which of them exist at a given instant.
	States []gen.ProcessingState
	// CompletesLater says that a call with only a partial summary also has
	// the complete one Twilio assembles later: WithCompletion serves it once
	// its delay has passed. It is not in States, which hold from the start.
	CompletesLater bool
}

// A fixtureSource names where one summary's bytes come from: an example of
// the document (components/examples) or an embedded file.
type fixtureSource struct {
	example string
	file    string
}

type fixtureSpec struct {
	sid               string
	description       string
	complete, partial fixtureSource
	// completion is the complete summary of a call that has only a partial
	// one, served only with WithCompletion.
	completion fixtureSource
}

// catalogue is the sandbox's fixture set, in the order Calls lists it.
func catalogue() []fixtureSpec {
	return []fixtureSpec{
		{sid: "CAd45ec3c4af38967de454f9e45bb1cef4", description: "PSTN (carrier) call with high jitter on the inbound stream",
			complete: fixtureSource{example: "CarrierCall"}},
		{sid: "CA06b15d3af713e318d123274a98d70bc9", description: "SIP Interface call with packet loss toward the far end",
			complete: fixtureSource{example: "SIPCall"}},
		{sid: "CAd1522d3a3a438b182b9cef689523f7ee", description: "Elastic SIP Trunking call (SIP and carrier edges) with high post-dial delay",
			complete: fixtureSource{example: "TrunkingCall"}},
		{sid: "CA62608e08adc29a8d6dbc9754e659f125", description: "Voice SDK (client) call with sdk_edge: low MOS on a lossy Wi-Fi link",
			complete: fixtureSource{example: "ClientCall"}},
		{sid: "CA0e87c1212a698494dcdb198af3e0eb2f", description: "Voice SDK call minutes after it ended: only a partial summary so far",
			partial: fixtureSource{example: "PartialClientCall"}, completion: fixtureSource{file: "client_completed.json"}},
		{sid: "CA7a63e1d4b2c94f0e8d1a5b6c7d8e9f01", description: "PSTN call answered by an AI agent (ConversationRelay), with agent_session_summaries",
			complete: fixtureSource{example: "AgentCall"}},
		{sid: "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", description: "Twilio's documented example (call_sid made valid), complete and partial",
			complete: fixtureSource{example: "SeedComplete"}, partial: fixtureSource{example: "SeedPartial"}},
		{sid: "CA67d894ec58cb5185cbf2afff2e778203", description: "Voice SDK call without sdk_edge (the SDK reported nothing)",
			complete: fixtureSource{file: "client_no_sdk_edge.json"}},
		{sid: "CAc3741c97d00599666d710d0db505da77", description: "Branded outbound carrier call with all four trust objects",
			complete: fixtureSource{file: "carrier_branded.json"}},
		{sid: "CA50090c6eccc4c79596efa3f6c4947b47", description: "WhatsApp call: no edges",
			complete: fixtureSource{file: "whatsapp.json"}},
		{sid: "CAf59df63d71d69652516866e32fb2c6d2", description: "Every nullable property null (call_sid too)",
			complete: fixtureSource{file: "nulls.json"}},
	}
}

// A fixture is one call's summaries as served, and the facts lifecycle mode
// and Calls need from them.
type fixture struct {
	call              SampleCall
	complete, partial []byte
	completion        []byte // see fixtureSpec.completion
	// ended is the call's end_time (zero if the summary has none).
	ended time.Time
	// facts are what the list reads, from the complete summary (else the
	// partial one); annotation is the summary's embedded annotation.
	facts      callFacts
	annotation *gen.Annotation
}

// loadFixtures builds every fixture from the document's examples (through
// v) and the embedded files.
func loadFixtures(v *conformance.Validator) (map[string]*fixture, []string, error) {
	byID := make(map[string]*fixture)
	var order []string
	for _, spec := range catalogue() {
		f := &fixture{call: SampleCall{SID: spec.sid, Description: spec.description}}
		for _, part := range []struct {
			src   fixtureSource
			state gen.ProcessingState
			dst   *[]byte
		}{
			{spec.complete, gen.ProcessingStateComplete, &f.complete},
			{spec.partial, gen.ProcessingStatePartial, &f.partial},
		} {
			if part.src == (fixtureSource{}) {
				continue
			}
			if err := f.add(v, spec.sid, part.src, part.state, part.dst); err != nil {
				return nil, nil, fmt.Errorf("sandbox: fixture %s (%s): %w", spec.sid, part.state, err)
			}
		}
		if spec.completion != (fixtureSource{}) {
			if err := f.addCompletion(v, spec.sid, spec.completion); err != nil {
				return nil, nil, fmt.Errorf("sandbox: fixture %s (completion): %w", spec.sid, err)
			}
		}
		byID[spec.sid] = f
		order = append(order, spec.sid)
	}
	return byID, order, nil
}

// add reads one of the fixture's summaries into dst. The first one read
// (the complete summary, else the partial) gives the facts the list's
// filters see.
func (f *fixture) add(v *conformance.Validator, sid string, src fixtureSource, state gen.ProcessingState, dst *[]byte) error {
	body, s, err := src.summary(v, sid, state)
	if err != nil {
		return err
	}
	*dst = body
	if f.call.States == nil {
		f.facts = factsOf(s)
		f.facts.sid = sid // the nulls fixture's call_sid is null
		f.annotation = s.Annotation
	}
	f.call.States = append(f.call.States, state)
	if s.CallType != nil {
		f.call.CallType = *s.CallType
	}
	if f.ended.IsZero() && s.EndTime != nil {
		f.ended = *s.EndTime
	}
	return nil
}

// addCompletion reads the complete summary of a call that has only a
// partial one. It must tell the same call as the partial summary where the
// list's filters look, since they read the partial one's facts.
func (f *fixture) addCompletion(v *conformance.Validator, sid string, src fixtureSource) error {
	if f.complete != nil || f.partial == nil {
		return fmt.Errorf("a completion is for a call with only a partial summary")
	}
	body, s, err := src.summary(v, sid, gen.ProcessingStateComplete)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(factsOf(s), f.facts) {
		return fmt.Errorf("the complete summary differs from the partial one in what the list filters by")
	}
	f.completion = body
	f.call.CompletesLater = true
	return nil
}

// summary reads and decodes the source's JSON. The catalogue stays honest:
// a summary served for a SID names that SID and the processing state it is
// served as, unless the field is null.
func (s fixtureSource) summary(v *conformance.Validator, sid string, state gen.ProcessingState) ([]byte, *gen.CallSummary, error) {
	body, err := s.bytes(v)
	if err != nil {
		return nil, nil, err
	}
	var cs gen.CallSummary
	if err := wirejson.Unmarshal(body, &cs); err != nil {
		return nil, nil, fmt.Errorf("decode: %w", err)
	}
	if cs.CallSID != nil && *cs.CallSID != sid {
		return nil, nil, fmt.Errorf("call_sid is %s", *cs.CallSID)
	}
	if cs.ProcessingState != nil && *cs.ProcessingState != state {
		return nil, nil, fmt.Errorf("processing_state is %s", *cs.ProcessingState)
	}
	return body, &cs, nil
}

// bytes returns the summary's JSON. An example is encoded once, here, from
// the document; a file is served exactly as stored.
func (s fixtureSource) bytes(v *conformance.Validator) ([]byte, error) {
	if s.file != "" {
		return fixtureFiles.ReadFile("fixtures/" + s.file)
	}
	body, ok := v.Example(s.example)
	if !ok {
		return nil, fmt.Errorf("the document has no example %q", s.example)
	}
	return body, nil
}
