package conformance

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// withValue returns the example with v set at the path of names.
func withValue(t *testing.T, v *Validator, example string, value any, path ...string) []byte {
	t.Helper()
	body, _ := v.Example(example)
	var root any
	if err := wirejson.Unmarshal(body, &root); err != nil {
		t.Fatal(err)
	}
	node := root
	for _, p := range path[:len(path)-1] {
		switch n := node.(type) {
		case map[string]any:
			node = n[p]
		case []any:
			i, _ := strconv.Atoi(p)
			node = n[i]
		}
	}
	node.(map[string]any)[path[len(path)-1]] = value
	return testkit.MustJSON(t, root)
}

// The drift report names what a body holds beyond the document: a new
// top-level property, a new nested one, a new enum value; and nothing of a
// body the document describes.
func TestReportUnknown(t *testing.T) {
	v := newTestValidator(t)
	for _, name := range v.ExampleNames() {
		schema := "CallSummary"
		switch {
		case strings.HasPrefix(name, "SummaryPage"):
			schema = "SummaryPage"
		case strings.HasPrefix(name, "Annotation"):
			schema = "Annotation"
		}
		body, _ := v.Example(name)
		if got, err := v.ReportUnknownIn(schema, body); err != nil || got != nil {
			t.Errorf("example %s (%s): %v %v", name, schema, got, err)
		}
	}
	for _, tt := range []struct {
		name  string
		body  []byte
		wants []Unknown
	}{
		{"new top-level property", withValue(t, v, "ClientCall", map[string]any{"x": 1}, "recording_summary"),
			[]Unknown{{Pointer: "/recording_summary", Property: true}}},
		{"new nested property", withValue(t, v, "ClientCall", 3.2, "sdk_edge", "metrics", "inbound", "r_factor"),
			[]Unknown{{Pointer: "/sdk_edge/metrics/inbound/r_factor", Property: true}}},
		{"new enum value", withValue(t, v, "ClientCall", "video", "call_type"),
			[]Unknown{{Pointer: "/call_type", Value: "video"}}},
		{"new enum value in a list", withValue(t, v, "AgentCall", "transferred", "agent_session_summaries", "0", "session_state"),
			[]Unknown{{Pointer: "/agent_session_summaries/0/session_state", Value: "transferred"}}},
		{"a party's new property: named, its value not kept", withValue(t, v, "ClientCall", "+15551234567", "from", "caller_name"),
			[]Unknown{{Pointer: "/from/caller_name", Property: true}}},
		{"a phone number in an enum field: named, its value withheld", withValue(t, v, "ClientCall", "+15551234567", "call_state"),
			[]Unknown{{Pointer: "/call_state", Withheld: true}}},
		{"digits in an enum field: withheld", withValue(t, v, "ClientCall", "15551234567", "call_state"),
			[]Unknown{{Pointer: "/call_state", Withheld: true}}},
		{"an escape sequence in an enum field: withheld", withValue(t, v, "ClientCall", "\x1b]0;pwned\x07", "call_type"),
			[]Unknown{{Pointer: "/call_type", Withheld: true}}},
		{"a version-like enum value: kept", withValue(t, v, "ClientCall", "sip-2.0_beta", "call_type"),
			[]Unknown{{Pointer: "/call_type", Value: "sip-2.0_beta"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := v.ReportUnknown(tt.body)
			if err != nil || !slices.Equal(got, tt.wants) {
				t.Errorf("got %v, %v; want %v", got, err, tt.wants)
			}
			for _, u := range got {
				if strings.Contains(u.String(), "+1555") {
					t.Errorf("a party's value in %s", u)
				}
			}
		})
	}
}
