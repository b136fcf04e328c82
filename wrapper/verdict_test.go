package callsummary

import "testing"

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
