package reliability

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// driftRow is one line of the drift table as observed in a run.
type driftRow struct {
	Drift   string // what Twilio changed
	Where   string // the pointers changed
	Fetch   string // what FetchSummary returned
	List    string // what a list page with the drifted item between two good ones yielded
	Warns   int    // Warn lines the client logged for the fetch
	Leaked  bool   // the drifted value appeared in an issue or a log line
	Unknown string // what conformance's ReportUnknown named
}

func (r *reportBook) addDrift(row driftRow) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drifts = append(r.drifts, row)
}

// A drift puts values at pointers of the client example (or of the agent
// example, for its leaves).
type driftCase struct {
	name    string
	example string
	set     map[string]any
	// secret is the text of a value that must not appear in an issue or
	// a log line ("" when the value is not text).
	secret string
	// whole, when set, is the body itself: not an object at all.
	whole string
}

const driftMark = "DRIFT-5c1e"

var driftCases = []driftCase{
	{"a float in a top-level integer", "ClientCall", map[string]any{"/duration": 12.5}, "", ""},
	{"a float in a properties integer", "ClientCall", map[string]any{"/properties/pdd_ms": 640.5, "/properties/queue_time": 0.25}, "", ""},
	{"a float in a stream counter", "ClientCall", map[string]any{"/client_edge/metrics/inbound/packets_received": 13087.5}, "", ""},
	{"a float in a map of counts", "ClientCall", map[string]any{"/sdk_edge/events/levels/WARNING": 3.5}, "", ""},
	{"a float in the annotation's score", "ClientCall", map[string]any{"/annotation/call_score": 2.5}, "", ""},
	{"a float in an agent session's count", "AgentCall", map[string]any{"/agent_session_summaries/0/turns": 14.5}, "", ""},
	{"a string in a number leaf", "ClientCall", map[string]any{"/sdk_edge/metrics/inbound/jitter/avg": "high " + driftMark}, driftMark, ""},
	{"a string codec", "ClientCall", map[string]any{"/client_edge/metrics/inbound/codec": "opus " + driftMark}, driftMark, ""},
	{"a date that is not RFC 3339", "ClientCall", map[string]any{"/start_time": "27/11/2026 " + driftMark}, driftMark, ""},
	{"an object in an array leaf", "ClientCall", map[string]any{"/tags": map[string]any{"high_jitter": driftMark}}, driftMark, ""},
	{"an array in an object leaf", "ClientCall", map[string]any{"/sip_edge": []any{driftMark}}, driftMark, ""},
	{"a number too large for its type", "ClientCall", map[string]any{"/duration": bigNumber("1" + strings.Repeat("0", 40))}, strings.Repeat("0", 40), ""},
	{"a number too large for float64", "ClientCall", map[string]any{"/sdk_edge/metrics/inbound/mos/avg": bigNumber("1e999")}, "1e999", ""},
	{"unknown values in every enum", "AgentCall", map[string]any{"/call_type": "video", "/call_state": "paused", "/answered_by": "assistant",
		"/processing_state": "final", "/agent_session_summaries/0/session_state": "transferred"}, "", ""},
	{"unknown values in the annotation's enums", "ClientCall", map[string]any{"/annotation/answered_by": "bot",
		"/annotation/connectivity_issue": "satellite", "/annotation/quality_issues/0": "hiss"}, "", ""},
	{"a new top-level object", "ClientCall", map[string]any{"/recording_summary": map[string]any{"sid": driftMark}}, "", ""},
	{"a new nested property", "ClientCall", map[string]any{"/sdk_edge/metrics/inbound/r_factor": 81.2}, "", ""},
	{name: "a body that is not an object", whole: `["` + driftMark + `"]`, secret: driftMark},
	{"null in every nested object", "ClientCall", map[string]any{"/client_edge/metrics": nil, "/sdk_edge/properties": nil,
		"/sdk_edge/metrics/inbound/jitter": nil, "/to/location": nil, "/sdk_edge/events": nil, "/attributes": nil, "/annotation/quality_issues": nil}, "", ""},
}

// bigNumber is a JSON number written as given.
type bigNumber string

func (n bigNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }

// TestDriftTable runs each drift through FetchSummary and through a list
// page, and records what the user gets: the drift table of RELIABILITY.md.
func TestDriftTable(t *testing.T) {
	v, err := validator()
	if err != nil {
		t.Fatal(err)
	}
	good := testkit.Example(t, "CarrierCall")
	for _, dc := range driftCases {
		t.Run(dc.name, func(t *testing.T) {
			var body []byte
			if dc.whole != "" {
				body = []byte(dc.whole)
			} else {
				body = testkit.Example(t, dc.example)
			}
			var where []string
			for ptr, val := range dc.set {
				body = testkit.SetPointer(t, body, ptr, val)
				where = append(where, ptr)
			}
			slices.Sort(where)
			row := driftRow{Drift: dc.name, Where: strings.Join(where, ", ")}

			logs := &syncBuffer{}
			page := fmt.Appendf(nil, `{"call_summaries":[%s,%s,%s],"meta":{"page":0,"page_size":3,"next_page_url":null}}`, good, body, good)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				if strings.HasSuffix(r.URL.Path, "/Summaries") {
					_, _ = w.Write(page)
					return
				}
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			rig := newClient(t, srv.URL, logs, nil)

			sid := carrierSID
			var head struct {
				CallSID string `json:"call_sid"`
			}
			if wirejson.Unmarshal(body, &head) == nil && head.CallSID != "" {
				sid = head.CallSID
			}
			s, err := rig.client.FetchSummary(context.Background(), sid)
			switch {
			case dc.whole != "":
				row.Fetch = outcome(context.Background(), err)
				if !strings.HasPrefix(row.Fetch, "*callsummary.DecodeError") || strings.Contains(err.Error(), driftMark) {
					t.Errorf("FetchSummary of a body that is not an object: %v", err)
				}
			case err != nil:
				t.Fatalf("FetchSummary: %v", err)
			default:
				row.Fetch = describeDrift(t, s, body)
			}
			row.Warns = strings.Count(logs.String(), "level=WARN")
			if s != nil && len(s.DecodeIssues()) != row.Warns {
				t.Errorf("%d issues, %d Warn lines", len(s.DecodeIssues()), row.Warns)
			}
			var items []*callsummary.Summary
			for s, err := range rig.client.ListSummaries(context.Background(), callsummary.ListFilter{}) {
				if err != nil {
					t.Fatalf("ListSummaries: %v", err)
				}
				items = append(items, s)
			}
			row.List = fmt.Sprintf("%d of 3 items; the drifted one with %d issues", len(items), len(items[1].DecodeIssues()))
			if len(items) != 3 || !slices.Equal(items[1].Raw(), body) || items[0].DecodeIssues() != nil || items[2].DecodeIssues() != nil {
				t.Errorf("the list lost or spoilt an item: %s", row.List)
			}
			unknown, err := v.ReportUnknown(body)
			if err != nil && dc.whole == "" {
				t.Fatal(err)
			}
			var named []string
			for _, u := range unknown {
				named = append(named, u.String())
			}
			row.Unknown = strings.Join(named, "; ")
			if dc.secret != "" {
				for _, is := range append(s.DecodeIssues(), items[1].DecodeIssues()...) { // a nil s has none
					row.Leaked = row.Leaked || strings.Contains(is.String(), dc.secret)
				}
				row.Leaked = row.Leaked || strings.Contains(logs.String(), dc.secret)
			}
			if row.Leaked {
				t.Errorf("the drifted value reached an issue or a log line")
			}
			report.addDrift(row)
		})
	}
}

// describeDrift says what a drifted summary holds: its issues, and how
// many of the example's top-level properties arrived filled.
func describeDrift(t *testing.T, s *callsummary.Summary, body []byte) string {
	t.Helper()
	if !slices.Equal(s.Raw(), body) {
		t.Error("Raw is not the body")
	}
	var ptrs []string
	for _, is := range s.DecodeIssues() {
		ptrs = append(ptrs, is.Pointer)
	}
	var sent map[string]jsontext.Value // numbers too large for float64 included
	if err := wirejson.Unmarshal(body, &sent); err != nil {
		t.Fatal(err)
	}
	filled, present := 0, 0
	fields := reflect.ValueOf(s.CallSummary)
	for i := range fields.NumField() {
		name, _, _ := strings.Cut(fields.Type().Field(i).Tag.Get("json"), ",")
		if v, ok := sent[name]; ok && v.Kind() != 'n' {
			present++
			if !fields.Field(i).IsZero() {
				filled++
			}
		}
	}
	if len(ptrs) == 0 {
		return fmt.Sprintf("the summary, no issue; %d of %d properties sent filled", filled, present)
	}
	return fmt.Sprintf("the summary, issues at %s; %d of %d properties sent filled", strings.Join(ptrs, ", "), filled, present)
}
