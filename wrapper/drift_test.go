package callsummary

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/internal/testkit"
)

// A drift is a value Twilio might send where the document says something
// else. value is put at pointer in the client example (or in the agent one
// for its leaves); zero is what the decoded field must then equal, as JSON
// (null for a pointer field left nil, "" or 0 for an element of a list or
// a map). secret is text of the value that must never reach an issue or a
// log line.
type drift struct {
	name    string
	example string
	pointer string
	value   any
	zero    any
	secret  string
}

// The marker a drifted value carries, so that a test can tell it leaked.
const leak = "VALUE-7f3a"

var drifts = []drift{
	// A float where an integer is typed, in each family of integer leaves.
	{"float duration", "ClientCall", "/duration", 12.5, nil, ""},
	{"float connect_duration", "ClientCall", "/connect_duration", 1e3 + 0.25, nil, ""},
	{"float pdd_ms", "ClientCall", "/properties/pdd_ms", 640.5, nil, ""},
	{"float queue_time", "ClientCall", "/properties/queue_time", 0.5, nil, ""},
	{"float last_sip_response_num", "ClientCall", "/properties/last_sip_response_num", 200.0001, nil, ""},
	{"float codec", "ClientCall", "/client_edge/metrics/inbound/codec", 111.5, nil, ""},
	{"float packets_received", "ClientCall", "/sdk_edge/metrics/inbound/packets_received", 1e-3, nil, ""},
	{"float packets_lost", "ClientCall", "/client_edge/metrics/outbound/packets_lost", 2.5, nil, ""},
	{"float event count", "ClientCall", "/sdk_edge/events/levels/WARNING", 3.5, 0, ""},
	{"float annotation call_score", "ClientCall", "/annotation/call_score", 2.5, nil, ""},
	{"float agent turns", "AgentCall", "/agent_session_summaries/0/turns", 14.5, nil, ""},
	{"float agent tokens", "AgentCall", "/agent_session_summaries/0/tokens/total", 1843.25, nil, ""},
	// A string where a number is typed.
	{"string codec", "ClientCall", "/client_edge/metrics/inbound/codec", "opus-" + leak, nil, leak},
	{"string jitter", "ClientCall", "/sdk_edge/metrics/inbound/jitter/avg", "high " + leak, nil, leak},
	{"string loss", "ClientCall", "/client_edge/metrics/inbound/packets_loss_percentage", "5% " + leak, nil, leak},
	{"string latitude", "ClientCall", "/to/location/lat", "+1 " + leak, nil, leak},
	{"string agent latency", "AgentCall", "/agent_session_summaries/0/tts_latency_ms/avg", leak, nil, leak},
	// A string that is not the time it should be.
	{"time not RFC 3339", "ClientCall", "/start_time", "2026-11-27 06:31:10 " + leak, nil, leak},
	{"time with a one-digit hour", "ClientCall", "/created_time", "0000-01-10T0:00:00Z", nil, "0000-01-10"},
	// An object where an array is typed, an array where an object is.
	{"object tags", "ClientCall", "/tags", map[string]any{"high_jitter": leak}, nil, leak},
	{"object selected_edges", "ClientCall", "/sdk_edge/properties/settings/selected_edges", map[string]any{}, nil, ""},
	{"array sip_edge", "ClientCall", "/sip_edge", []any{leak}, nil, leak},
	{"array properties", "ClientCall", "/properties", []any{1, 2}, nil, ""},
	{"array jitter", "ClientCall", "/client_edge/metrics/inbound/jitter", []any{}, nil, ""},
	// One bad element of a list, one bad entry of a map.
	// A list of values leaves out the one that does not fit.
	{"number in tags", "ClientCall", "/tags/1", 7, testkit.Removed, ""},
	{"object in quality_issues", "ClientCall", "/annotation/quality_issues/0", map[string]any{"x": leak}, testkit.Removed, leak},
	// A number out of range.
	{"huge duration", "ClientCall", "/duration", jsonNumber("1" + strings.Repeat("0", 30)), nil, strings.Repeat("0", 30)},
	{"huge float", "ClientCall", "/sdk_edge/metrics/inbound/mos/avg", jsonNumber("1e400"), nil, "1e400"},
	{"negative count", "ClientCall", "/client_edge/metrics/inbound/packets_received", jsonNumber("-1e30"), nil, "1e30"},
	// A boolean where a number is, a number where a boolean is.
	{"bool codec", "ClientCall", "/client_edge/metrics/inbound/codec", true, nil, ""},
	{"number conference_participant", "ClientCall", "/attributes/conference_participant", 1, nil, ""},
}

// jsonNumber is a number written as given, beyond what float64 holds.
type jsonNumber string

func (n jsonNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }

// drifted returns the example with d.value at d.pointer, and the example
// with d.zero there: what the drifted body must decode to.
func (d drift) bodies(t *testing.T) (drifted, want []byte) {
	t.Helper()
	base := testkit.Example(t, d.example)
	return testkit.SetPointer(t, base, d.pointer, d.value), testkit.SetPointer(t, base, d.pointer, d.zero)
}

// TestParseSummaryDegrades: a value that does not fit costs that value
// only: every other field arrives, the issue names the pointer, no issue
// holds the value, and Raw holds the exact bytes.
func TestParseSummaryDegrades(t *testing.T) {
	for _, d := range drifts {
		t.Run(d.name, func(t *testing.T) {
			body, wantBody := d.bodies(t)
			want, err := ParseSummary(wantBody)
			if err != nil || want.DecodeIssues() != nil {
				t.Fatalf("the expectation does not decode cleanly: %v %v", err, want.DecodeIssues())
			}
			s, err := ParseSummary(body)
			if err != nil {
				t.Fatalf("ParseSummary: %v", err)
			}
			checkDrift(t, d, s, want, body)
		})
	}
}

func checkDrift(t *testing.T, d drift, s, want *Summary, body []byte) {
	t.Helper()
	if diff := cmp.Diff(want.CallSummary, s.CallSummary); diff != "" {
		t.Errorf("fields differ from the example with the value zeroed (-want +got):\n%s", diff)
	}
	issues := s.DecodeIssues()
	if len(issues) != 1 || issues[0].Pointer != d.pointer {
		t.Fatalf("issues %v, want one at %s", issues, d.pointer)
	}
	if !errors.Is(issues[0].Err, ErrUnexpectedValue) {
		t.Errorf("issue %v does not wrap ErrUnexpectedValue", issues[0].Err)
	}
	if d.secret != "" && strings.Contains(issues[0].String(), d.secret) {
		t.Errorf("the issue quotes the value: %s", issues[0])
	}
	if string(s.Raw()) != string(body) {
		t.Error("Raw is not the body")
	}
}

// TestFetchSummaryDegrades: the same through the client, which also logs
// each issue once, at Warn, with its pointer and without the value.
func TestFetchSummaryDegrades(t *testing.T) {
	for _, d := range drifts {
		t.Run(d.name, func(t *testing.T) {
			body, wantBody := d.bodies(t)
			want, _ := ParseSummary(wantBody)
			hs := newHarness(t, serve(http.StatusOK, body))
			s, err := hs.fetch(context.Background(), sidOf(t, body))
			if err != nil {
				t.Fatal(err)
			}
			checkDrift(t, d, s, want, body)
			logs := hs.logs.String()
			if strings.Count(logs, `"level":"WARN"`) != 1 || !strings.Contains(logs, `"pointer":"`+d.pointer+`"`) {
				t.Errorf("want one Warn line naming %s:\n%s", d.pointer, logs)
			}
			if d.secret != "" && strings.Contains(logs, d.secret) {
				t.Errorf("the log quotes the value:\n%s", logs)
			}
			hs.wantHits(1)
		})
	}
}

// TestListPageDegradesPerItem: a page mixing good and drifted items yields
// every item, each drifted one with its own issue, the good ones without.
func TestListPageDegradesPerItem(t *testing.T) {
	good := testkit.Example(t, "CarrierCall")
	var items [][]byte
	var wantIssues [][]string
	for i, d := range drifts {
		body, _ := d.bodies(t)
		items = append(items, good, body)
		wantIssues = append(wantIssues, nil, []string{d.pointer})
		if i == 3 {
			// Not an object at all: kept in Raw, with an issue at its root.
			items = append(items, []byte("null"), []byte(`"`+leak+`"`))
			wantIssues = append(wantIssues, []string{""}, []string{""})
		}
	}
	page := fmt.Appendf(nil, `{"call_summaries":[%s],"meta":{"page":0,"page_size":%d,"next_page_url":null}}`,
		joinBytes(items), len(items))
	hs := newHarness(t, serve(http.StatusOK, page))
	got, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(items) {
		t.Fatalf("%d summaries, want %d", len(got), len(items))
	}
	for i, s := range got {
		var ptrs []string
		for _, is := range s.DecodeIssues() {
			ptrs = append(ptrs, is.Pointer)
			if strings.Contains(is.String(), leak) {
				t.Errorf("item %d: the issue quotes the value: %s", i, is)
			}
		}
		if !slices.Equal(ptrs, wantIssues[i]) {
			t.Errorf("item %d: issues at %q, want %q", i, ptrs, wantIssues[i])
		}
		if string(s.Raw()) != string(items[i]) {
			t.Errorf("item %d: Raw %.60s…, want the item's bytes", i, s.Raw())
		}
		if wantIssues[i] == nil && *s.CallSID != "CAd45ec3c4af38967de454f9e45bb1cef4" {
			t.Errorf("item %d: a good item lost its fields", i)
		}
	}
	if logs := hs.logs.String(); strings.Contains(logs, leak) || strings.Count(logs, `"level":"WARN"`) != len(drifts)+2 {
		t.Errorf("want one Warn line per issue and no value:\n%s", logs)
	}
}

func joinBytes(items [][]byte) []byte {
	var out []byte
	for i, it := range items {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, it...)
	}
	return out
}

// Values Twilio may add to an enum decode as they are; Valid says they are
// not known, and no helper misbehaves on them.
func TestUnknownEnumValuesDecode(t *testing.T) {
	body := withFields(t, fixture(t, "client.json"), map[string]any{
		"call_type": "video", "call_state": "paused", "answered_by": "assistant", "processing_state": "final",
		"tags": []any{"high_jitter", "robot_voice"},
	})
	body = testkit.SetPointer(t, body, "/properties/direction", "sideways")
	body = testkit.SetPointer(t, body, "/annotation/answered_by", "bot")
	body = testkit.SetPointer(t, body, "/annotation/connectivity_issue", "satellite")
	body = testkit.SetPointer(t, body, "/annotation/quality_issues/0", "hiss")
	s, err := ParseSummary(body)
	if err != nil || s.DecodeIssues() != nil {
		t.Fatalf("%v %v", err, s.DecodeIssues())
	}
	for name, valid := range map[string]bool{
		"call_type": s.CallType.Valid(), "call_state": s.CallState.Valid(), "answered_by": s.AnsweredBy.Valid(),
		"processing_state": s.ProcessingState.Valid(), "annotation answered_by": s.Annotation.AnsweredBy.Valid(),
		"connectivity_issue": s.Annotation.ConnectivityIssue.Valid(), "quality_issues": s.Annotation.QualityIssues[0].Valid(),
	} {
		if valid {
			t.Errorf("%s: an unknown value is Valid", name)
		}
	}
	// The helpers: an unknown call type expects no edge and reports the
	// present ones; an unknown processing state is not complete; an
	// unknown tag is kept and explained as unknown.
	if got := s.ExpectedEdges(); got != nil {
		t.Errorf("ExpectedEdges = %v", got)
	}
	if got := edgeKinds(s.Edges()); !slices.Equal(got, []EdgeKind{EdgeClient, EdgeSDK}) {
		t.Errorf("Edges = %v", got)
	}
	if s.MissingEdges() != nil || s.IsComplete() {
		t.Errorf("MissingEdges %v, IsComplete %v", s.MissingEdges(), s.IsComplete())
	}
	if w, ok := s.WorstStream(); !ok || w.String() != "sdk_edge/inbound" {
		t.Errorf("WorstStream = %v %v", w, ok)
	}
	tags := s.QualityTags()
	if len(tags) != 2 || tags[1].Known() || !strings.Contains(tags[1].Explain(), "not a tag documented") {
		t.Errorf("tags %v", tags)
	}
	if got := s.String(); got != "CA62608e08adc29a8d6dbc9754e659f125 (video, paused, final)" {
		t.Errorf("String() = %q", got)
	}
}

// A body so far from the document that more than maxDecodeIssues values do
// not fit reports that many, then one issue saying the rest went unreported.
func TestDecodeIssuesAreBounded(t *testing.T) {
	levels := map[string]any{}
	for i := range 3 * maxDecodeIssues {
		levels[fmt.Sprintf("L%04d", i)] = "x"
	}
	body := testkit.SetPointer(t, fixture(t, "client.json"), "/sdk_edge/events/levels", levels)
	s, err := ParseSummary(body)
	if err != nil {
		t.Fatal(err)
	}
	issues := s.DecodeIssues()
	if len(issues) != maxDecodeIssues+1 || issues[maxDecodeIssues].Pointer != "" ||
		!strings.Contains(issues[maxDecodeIssues].Err.Error(), "the rest were not reported") {
		t.Errorf("%d issues, the last %v", len(issues), issues[len(issues)-1])
	}
}

// A map key in an issue's pointer is the server's text: it is made
// printable and cut, so that an issue can be printed.
func TestDecodeIssuePointerKeysAreTamed(t *testing.T) {
	key := "\x1b]0;owned\x07" + strings.Repeat("k", 200)
	body := testkit.SetPointer(t, fixture(t, "client.json"), "/sdk_edge/events/levels", map[string]any{key: "x"})
	s, err := ParseSummary(body)
	if err != nil {
		t.Fatal(err)
	}
	issues := s.DecodeIssues()
	if len(issues) != 1 || strings.ContainsAny(issues[0].Pointer, "\x1b\x07") || len(issues[0].Pointer) > 100 {
		t.Errorf("issues %q", issues)
	}
	if got := s.SDKEdge.Events.Levels[key]; got != 0 {
		t.Errorf("the entry holds %d, want 0", got)
	}
}
