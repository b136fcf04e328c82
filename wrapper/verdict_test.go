package callsummary

import (
	"fmt"
	"testing"
)

func TestVerdict(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	stream := func(loss float64) *GatewayEdge {
		return &GatewayEdge{Metrics: &EdgeMetrics{Inbound: &StreamMetrics{PacketsLossPercentage: f(loss)}}}
	}
	cases := []struct {
		name string
		s    *Summary
		want Verdict
	}{
		{"nil", nil, VerdictUnknown},
		{"no metrics, no tag", &Summary{}, VerdictUnknown},
		{"no metrics, a tag", &Summary{CallSummary: CallSummary{Tags: []string{"high_pdd"}}}, VerdictTagged},
		{"within thresholds", &Summary{CallSummary: CallSummary{CarrierEdge: stream(1)}}, VerdictGood},
		{"at the threshold", &Summary{CallSummary: CallSummary{CarrierEdge: stream(5)}}, VerdictGood},
		{"within thresholds, tagged", &Summary{CallSummary: CallSummary{CarrierEdge: stream(1), Tags: []string{"silence"}}}, VerdictTagged},
		{"past a threshold", &Summary{CallSummary: CallSummary{CarrierEdge: stream(6)}}, VerdictPoor},
		{"past a threshold, tagged", &Summary{CallSummary: CallSummary{CarrierEdge: stream(6), Tags: []string{"high_packet_loss"}}}, VerdictPoor},
	}
	for _, c := range cases {
		if got := c.s.Verdict(); got != c.want {
			t.Errorf("%s: Verdict() = %s, want %s", c.name, got, c.want)
		}
	}
	for _, name := range []string{"carrier.json", "client.json", "trunking.json"} {
		s, err := ParseSummary(fixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		if v := s.Verdict(); v == VerdictUnknown {
			t.Errorf("%s: a documented example with metrics is %s", name, v)
		}
	}
}

// A tag list with repeats, empty strings or nulls counts each real tag
// once: a server that repeats a tag does not make a call look worse, and a
// list of nothing does not tag it.
func TestQualityTagsEachOnce(t *testing.T) {
	s, err := ParseSummary([]byte(`{"call_sid":"` + testCallSID + `","tags":[null,"high_jitter","","high_jitter",7]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.QualityTags(); len(got) != 1 || got[0] != TagHighJitter {
		t.Errorf("QualityTags() = %q", got)
	}
	if len(s.Tags) != 3 || len(s.DecodeIssues()) != 2 {
		t.Errorf("tags %q, issues %v: want the three strings kept, the null and the number reported", s.Tags, s.DecodeIssues())
	}
	none, err := ParseSummary([]byte(`{"call_sid":"` + testCallSID + `","tags":[null, ""]}`))
	if err != nil {
		t.Fatal(err)
	}
	if v := none.Verdict(); v != VerdictUnknown {
		t.Errorf("Verdict() of a call tagged with nothing = %s, want unknown", v)
	}
}

// A server's list of 200,000 distinct tags is deduplicated in linear time:
// a quadratic scan took minutes for a tenth of that.
func TestQualityTagsManyDistinct(t *testing.T) {
	tags := make([]string, 200_000)
	for i := range tags {
		tags[i] = fmt.Sprintf("tag_%d", i)
	}
	tags = append(tags, "tag_7", "")
	s := &Summary{CallSummary: CallSummary{Tags: tags}}
	got := s.QualityTags()
	if len(got) != 200_000 || got[7] != "tag_7" {
		t.Fatalf("%d tags", len(got))
	}
}
