package callsummary

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

func parseFixture(t *testing.T, name string) *Summary {
	t.Helper()
	s, err := ParseSummary(fixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestEdgeKindNames(t *testing.T) {
	for _, k := range allEdges {
		got, err := ParseEdgeKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseEdgeKind(%q) = %v, %v", k.String(), got, err)
		}
		b, err := wirejson.Marshal(map[EdgeKind]EdgeKind{k: k})
		if err != nil || string(b) != `{"`+k.String()+`":"`+k.String()+`"}` {
			t.Errorf("JSON of %v: %s %v", k, b, err)
		}
		var back EdgeKind
		if err := wirejson.Unmarshal([]byte(`"`+k.String()+`"`), &back); err != nil || back != k {
			t.Errorf("unmarshal %v: %v %v", k, back, err)
		}
	}
	if EdgeCarrier.String() != "carrier_edge" || EdgeSDK.String() != "sdk_edge" || EdgeSIP.String() != "sip_edge" || EdgeClient.String() != "client_edge" {
		t.Error("String is not the JSON name")
	}
	if _, err := ParseEdgeKind("edge"); err == nil {
		t.Error("unknown name accepted")
	}
	if EdgeKind(0).String() != "EdgeKind(0)" || EdgeKind(9).String() != "EdgeKind(9)" {
		t.Error("invalid kinds")
	}
	if _, err := EdgeKind(0).MarshalText(); err == nil {
		t.Error("zero EdgeKind marshalled")
	}
}

func TestEdgeTypedAccess(t *testing.T) {
	s := parseFixture(t, "client.json")
	sdk, ok := s.Edge(EdgeSDK)
	if !ok || sdk.SDK == nil || sdk.Gateway != nil || sdk.SDK != s.SDKEdge {
		t.Fatalf("sdk edge: %+v %v", sdk, ok)
	}
	if mos := sdk.StreamMetrics(Inbound).MOS; mos == nil || *mos.Avg != 3.28 {
		t.Errorf("sdk inbound MOS %v", mos)
	}
	if e := sdk.SDK.Events; e == nil || e.Errors["31005"] != 1 {
		t.Error("sdk events not reachable")
	}
	gw, ok := s.Edge(EdgeClient)
	if !ok || gw.Gateway != s.ClientEdge || gw.SDK != nil {
		t.Fatalf("client edge: %+v", gw)
	}
	if *gw.Gateway.Properties.TwilioMediaIP != "54.172.60.1" || *gw.StreamMetrics(Outbound).PacketsSent != 24850 {
		t.Error("client edge fields")
	}
	if gw.Metrics() != s.ClientEdge.Metrics || gw.StreamMetrics(Direction(7)) != nil {
		t.Error("Metrics / invalid direction")
	}
	if _, ok := s.Edge(EdgeKind(0)); ok {
		t.Error("EdgeKind(0) present")
	}
	partial := parseFixture(t, "client_partial.json")
	ce, _ := partial.Edge(EdgeClient)
	if ce.StreamMetrics(Outbound) != nil || ce.StreamMetrics(Inbound) == nil {
		t.Error("partial client edge directions")
	}
	// An edge carrying only events, or only properties, is present.
	only := &Summary{CallSummary: gen.CallSummary{SDKEdge: &gen.SDKEdge{Events: &gen.SDKEvents{}}, SIPEdge: &gen.GatewayEdge{Properties: &gen.GatewayEdgeProperties{}}}}
	if got := edgeKinds(only.Edges()); !slices.Equal(got, []EdgeKind{EdgeSIP, EdgeSDK}) {
		t.Errorf("Edges() = %v", got)
	}
	if (Edge{}).Metrics() != nil || (Edge{}).StreamMetrics(Inbound) != nil {
		t.Error("zero Edge")
	}
}

func TestExpectedEdgesFor(t *testing.T) {
	got := ExpectedEdgesFor(gen.CallTypeTrunking)
	got[0] = EdgeCarrier // callers may modify the result
	if again := ExpectedEdgesFor(gen.CallTypeTrunking); !slices.Equal(again, []EdgeKind{EdgeSIP, EdgeCarrier}) {
		t.Errorf("shared slice: %v", again)
	}
	if ExpectedEdgesFor(gen.CallTypeWhatsapp) != nil || ExpectedEdgesFor("fax") != nil {
		t.Error("whatsapp or unknown call type expects edges")
	}
	if (&Summary{}).ExpectedEdges() != nil {
		t.Error("nil call_type expects edges")
	}
}

func TestStreamsAndWorstStream(t *testing.T) {
	tests := []struct {
		fixture  string
		streams  []string
		worst    string
		severity float64
	}{
		// jitter avg 9.4 ms / 5 beats loss 6.68 % / 5 and MOS 3.5/3.28
		{"client.json", []string{"sdk_edge/inbound", "sdk_edge/outbound", "client_edge/inbound", "client_edge/outbound"}, "sdk_edge/inbound", 9.4 / 5},
		// loss 6.625 % / 5 on the stream sent toward the PBX
		{"sip.json", []string{"sip_edge/inbound", "sip_edge/outbound"}, "sip_edge/outbound", 6.625 / 5},
		{"carrier.json", []string{"carrier_edge/inbound", "carrier_edge/outbound"}, "carrier_edge/inbound", 6.214 / 5},
		{"trunking.json", []string{"sip_edge/inbound", "sip_edge/outbound", "carrier_edge/inbound", "carrier_edge/outbound"}, "carrier_edge/inbound", 0.51 / 5},
		{"client_partial.json", []string{"client_edge/inbound"}, "client_edge/inbound", 0.88 / 5},
		{"whatsapp.json", nil, "", 0},
		{"seed_complete.json", nil, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			s := parseFixture(t, tt.fixture)
			var names []string
			for _, st := range s.Streams() {
				names = append(names, st.String())
			}
			if !slices.Equal(names, tt.streams) {
				t.Errorf("Streams() = %v, want %v", names, tt.streams)
			}
			w, ok := s.WorstStream()
			if ok != (tt.worst != "") {
				t.Fatalf("WorstStream ok = %v", ok)
			}
			if !ok {
				return
			}
			if w.String() != tt.worst || math.Abs(w.Severity()-tt.severity) > 1e-9 {
				t.Errorf("WorstStream() = %s (%.4f), want %s (%.4f)", w, w.Severity(), tt.worst, tt.severity)
			}
		})
	}
}

func TestStreamMetricsAndTies(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	st := Stream{Edge: EdgeSDK, Direction: Inbound, Metrics: &gen.StreamMetrics{
		PacketsLossPercentage: f(1),
		Jitter:                &gen.MetricStats{Avg: f(2), Max: f(30)},
		Latency:               &gen.MetricStats{Avg: f(300)},
		RTT:                   &gen.MetricStats{Avg: f(200), Max: f(500), Min: f(50)},
		MOS:                   &gen.MetricStats{Avg: f(4), Min: f(1.5)},
	}}
	if l, ok := st.PacketLossPercent(); !ok || l != 1 {
		t.Error("loss")
	}
	if j := st.Jitter(); !j.HasAvg || !j.HasMax || j.HasMin || j.Max != 30 {
		t.Errorf("jitter %+v", j)
	}
	if r := st.RTT(); r.Min != 50 || !r.HasMin {
		t.Errorf("rtt %+v", r)
	}
	if m := st.MOS(); m.Avg != 4 || m.HasMax {
		t.Errorf("mos %+v", m)
	}
	if got := st.Severity(); got != 2 { // latency 300/150
		t.Errorf("Severity = %v, want 2", got)
	}
	var empty Stream
	if _, ok := empty.PacketLossPercent(); ok || empty.Jitter().HasAvg || empty.Severity() != 0 {
		t.Error("empty stream")
	}
	// Equal severity: the higher loss wins, else the first stream.
	s := &Summary{CallSummary: gen.CallSummary{
		CallType: ptr(gen.CallTypeTrunking),
		SIPEdge: &gen.GatewayEdge{Metrics: &gen.EdgeMetrics{
			Inbound:  &gen.StreamMetrics{Jitter: &gen.MetricStats{Avg: f(10)}, PacketsLossPercentage: f(1)},
			Outbound: &gen.StreamMetrics{Jitter: &gen.MetricStats{Avg: f(10)}, PacketsLossPercentage: f(1)},
		}},
		CarrierEdge: &gen.GatewayEdge{Metrics: &gen.EdgeMetrics{
			Inbound: &gen.StreamMetrics{PacketsLossPercentage: f(10), Jitter: &gen.MetricStats{Avg: f(1)}},
		}},
	}}
	if w, _ := s.WorstStream(); w.String() != "carrier_edge/inbound" {
		t.Errorf("tie on severity: %s", w)
	}
	s.CarrierEdge = nil
	if w, _ := s.WorstStream(); w.String() != "sip_edge/inbound" {
		t.Errorf("full tie: %s", w)
	}
}

func ptr[T any](v T) *T { return &v }

func TestTags(t *testing.T) {
	s := parseFixture(t, "client.json")
	for _, tag := range []Tag{TagHighJitter, TagHighPacketLoss, TagLowMOS} {
		if !s.HasTag(tag) {
			t.Errorf("HasTag(%s) = false", tag)
		}
	}
	for _, tag := range []Tag{TagSilence, TagHighPDD, TagHighLatency, TagICEFailure} {
		if s.HasTag(tag) {
			t.Errorf("HasTag(%s) = true", tag)
		}
	}
	if got := s.QualityTags(); !slices.Equal(got, []Tag{TagHighJitter, TagHighPacketLoss, TagLowMOS}) {
		t.Errorf("QualityTags() = %v", got)
	}
	partial := parseFixture(t, "client_partial.json") // tags: null
	if partial.HasTag(TagHighJitter) || partial.QualityTags() != nil {
		t.Error("null tags")
	}
	seen := map[string]bool{}
	known := KnownTags()
	if len(known) != 7 {
		t.Fatalf("%d known tags", len(known))
	}
	for _, tag := range known {
		e := tag.Explain()
		if !tag.Known() || e == "" || seen[e] || strings.Contains(e, "not a tag documented") {
			t.Errorf("%s: %q", tag, e)
		}
		seen[e] = true
	}
	seed := parseFixture(t, "seed_complete.json") // Twilio's placeholder tag "tags"
	if tag := seed.QualityTags()[0]; tag.Known() || !strings.Contains(tag.Explain(), `"tags" is not a tag documented`) {
		t.Errorf("unknown tag: %q", tag.Explain())
	}
}

func TestLogValueRedactsParties(t *testing.T) {
	for _, name := range []string{"carrier.json", "client.json", "sip.json"} {
		s := parseFixture(t, name)
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("fetched", "summary", s)
		out := buf.String()
		for _, p := range []*gen.Party{s.From, s.To} {
			for _, v := range []*string{p.Caller, p.Callee, p.IPAddress, p.Carrier} {
				if v != nil && strings.Contains(out, *v) {
					t.Errorf("%s: log line contains party value %q: %s", name, *v, out)
				}
			}
		}
		for _, want := range []string{`"from":"[REDACTED]"`, `"to":"[REDACTED]"`, `"call_sid":"` + *s.CallSID, `"edges":["`, `"processing_state":"complete"`} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: log line lacks %s: %s", name, want, out)
			}
		}
	}
}

// TestNilSummary: methods on a nil *Summary report absence, never panic.
func TestNilSummary(t *testing.T) {
	var s *Summary
	if s.LogValue().String() != "<nil>" || s.Raw() != nil || s.IsComplete() || s.HasTag(TagLowMOS) ||
		s.QualityTags() != nil || s.Edges() != nil || s.MissingEdges() != nil || s.ExpectedEdges() != nil || s.Streams() != nil {
		t.Error("nil summary reports something")
	}
	if _, ok := s.Edge(EdgeCarrier); ok {
		t.Error("nil summary has an edge")
	}
	if _, ok := s.WorstStream(); ok {
		t.Error("nil summary has a worst stream")
	}
}

func TestParseSummaryNonObjectNamesOffset(t *testing.T) {
	for _, tt := range []struct {
		body   string
		offset int64
		say    string
	}{
		{"", 0, "empty body"},
		{" \r\n\t", 4, "empty body"},
		{"null", 0, "not a JSON object"},
		{"  [1]", 2, "not a JSON object"},
	} {
		_, err := ParseSummary([]byte(tt.body))
		var de *DecodeError
		if !errors.As(err, &de) || de.Offset != tt.offset || !strings.Contains(err.Error(), tt.say) ||
			!strings.Contains(err.Error(), fmt.Sprintf("at byte %d", tt.offset)) {
			t.Errorf("ParseSummary(%q) = %v, want a *DecodeError at byte %d saying %q", tt.body, err, tt.offset, tt.say)
		}
	}
}

// TestParseSummaryAcceptsWhatEncodingJSONAccepts pins the two encoding/json/v2
// defaults the SDK relaxes, and the one it keeps: a body encoding/json
// decodes is not refused, and decodes to the same values, except that names
// match exactly (a name in another case survives only in Raw).
func TestParseSummaryAcceptsWhatEncodingJSONAccepts(t *testing.T) {
	for _, tt := range []struct {
		name, body string
		sameAsV1   bool
	}{
		{"invalid UTF-8 becomes U+FFFD", "{\"call_sid\": \"CA\xff\xfe\", \"duration\": 3}", true},
		{"a duplicated name keeps its last value", `{"duration": 3, "call_sid": "CA1", "duration": 4}`, true},
		{"a duplicated object is merged", `{"sdk_edge": {"metrics": {"codec": 0}}, "sdk_edge": {"metrics": {"codec_name": "opus"}}}`, true},
		{"a name in another case is not matched", `{"CALL_SID": "CA1", "Duration": 5}`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseSummary([]byte(tt.body))
			if err != nil {
				t.Fatalf("ParseSummary: %v", err)
			}
			var v1 gen.CallSummary
			if err := json.Unmarshal([]byte(tt.body), &v1); err != nil { // encoding/json: the oracle
				t.Fatalf("encoding/json refuses the body: %v", err)
			}
			if diff := cmp.Diff(v1, s.CallSummary); (diff == "") != tt.sameAsV1 {
				t.Errorf("same as encoding/json: %v, want %v (-v1 +sdk):\n%s", diff == "", tt.sameAsV1, diff)
			}
			if !tt.sameAsV1 && (s.CallSID != nil || s.Duration != nil || !bytes.Equal(s.Raw(), []byte(tt.body))) {
				t.Errorf("a name in another case was matched, or Raw lost it: %+v", s.CallSummary)
			}
		})
	}
}

// String shows what a person looks for, never a party or a pointer.
func TestSummaryString(t *testing.T) {
	s, err := ParseSummary(fixture(t, "client.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.String(), "CA62608e08adc29a8d6dbc9754e659f125 (client, completed, complete)"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for verb, text := range map[string]string{"%v": fmt.Sprintf("%v", s), "%s": fmt.Sprintf("%s", s)} {
		if text != s.String() {
			t.Errorf("%s prints %q", verb, text)
		}
		if strings.Contains(text, *s.From.Caller) || strings.Contains(text, "0x") {
			t.Errorf("%s shows a party or an address: %q", verb, text)
		}
	}
	empty, err := ParseSummary([]byte(`{}`))
	if err != nil || empty.String() != "? (?, ?, ?)" {
		t.Errorf("empty summary: %q, %v", empty, err)
	}
	hostile, err := ParseSummary([]byte(`{"call_sid":"CA\u001b]0;owned\u0007","call_type":"sip\nVerdict: good"}`))
	if err != nil || strings.ContainsAny(hostile.String(), "\x1b\x07\n") {
		t.Errorf("control characters reach String(): %q, %v", hostile, err)
	}
	var none *Summary
	if none.String() != "<nil>" {
		t.Errorf("nil: %q", none.String())
	}
}

// A Summary encodes as the exact bytes received, fields the SDK does not
// know included.
func TestSummaryMarshalJSON(t *testing.T) {
	body := []byte(`{"call_sid":"CA62608e08adc29a8d6dbc9754e659f125", "new_field": {"x": [1, 2]}}`)
	s, err := ParseSummary(body)
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(struct{ S *Summary }{s})
	if err != nil || !bytes.Contains(got, []byte(`"new_field":{"x":[1,2]}`)) {
		t.Errorf("encoding/json: %s, %v", got, err)
	}
	if got, err := s.MarshalJSON(); err != nil || !bytes.Equal(got, body) {
		t.Errorf("MarshalJSON: %s, %v", got, err)
	}
	compact, _ := wirejson.Compact(body)
	if got, err := wirejson.Marshal(s); err != nil || !bytes.Equal(got, compact) {
		t.Errorf("wirejson: %s, %v; want the bytes without white space", got, err)
	}
	built := &Summary{CallSummary: CallSummary{CallSID: new("CA62608e08adc29a8d6dbc9754e659f125")}}
	if got, err := built.MarshalJSON(); err != nil || !bytes.HasPrefix(got, []byte(`{"account_sid":null,"call_sid":"CA62608e08adc29a8d6dbc9754e659f125"`)) {
		t.Errorf("a Summary built by hand: %s, %v", got, err)
	}
}
