package callsummary

import "testing"

// Each threshold reads its own metric, is past its level exactly where
// Twilio raises the tag, and a caller cannot change the levels Severity
// uses.
func TestTagThresholds(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	st := Stream{Edge: EdgeSDK, Direction: Inbound, Metrics: &StreamMetrics{
		PacketsLossPercentage: f(10), Jitter: &MetricStats{Avg: f(2.5)}, Latency: &MetricStats{Avg: f(75)},
		RTT: &MetricStats{Avg: f(800)}, MOS: &MetricStats{Avg: f(1.75)},
	}}
	want := map[string]struct{ value, ratio float64 }{
		"packet_loss_pct": {10, 2}, "jitter_ms": {2.5, 0.5}, "latency_ms": {75, 0.5}, "rtt_ms": {800, 2}, "mos": {1.75, 2},
	}
	ths := TagThresholds()
	if len(ths) != len(want) {
		t.Fatalf("%d thresholds, want %d", len(ths), len(want))
	}
	for _, th := range ths {
		v, ok := th.Value(st)
		w := want[th.Metric]
		if !ok || v != w.value || th.Ratio(v) != w.ratio {
			t.Errorf("%s: value %v (%v), ratio %v; want %v, ratio %v", th.Metric, v, ok, th.Ratio(v), w.value, w.ratio)
		}
		if !th.Tag.Known() || th.Level <= 0 {
			t.Errorf("%s: tag %q, level %v", th.Metric, th.Tag, th.Level)
		}
		if _, ok := th.Value(Stream{Metrics: &StreamMetrics{}}); ok {
			t.Errorf("%s: a value from an empty stream", th.Metric)
		}
	}
	if sev := st.Severity(); sev != 2 {
		t.Errorf("Severity = %v, want 2 (the largest ratio)", sev)
	}
	ths[0].Level = 1000
	if again := TagThresholds(); again[0].Level != 5 || st.Severity() != 2 {
		t.Errorf("changing the returned thresholds changed the package's: %v", again[0])
	}
	if mos := (TagThreshold{Level: 3.5, Below: true}); mos.Ratio(0) != 0 || mos.Ratio(3.5) != 1 {
		t.Errorf("MOS ratio at 0 = %v, at 3.5 = %v", mos.Ratio(0), mos.Ratio(3.5))
	}
}
