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
	// Severity is written out metric by metric for speed: it must stay the
	// largest ratio over TagThresholds, whatever the stream has.
	for i := range 200 {
		m := &StreamMetrics{}
		x := float64(i%17) * 0.7
		if i%2 == 0 {
			m.PacketsLossPercentage = f(x)
		}
		if i%3 == 0 {
			m.Jitter = &MetricStats{Avg: f(x * 2)}
		}
		if i%5 == 0 {
			m.Latency = &MetricStats{Avg: f(x * 40)}
		}
		if i%7 == 0 {
			m.RTT = &MetricStats{Avg: f(x * 90)}
		}
		if i%4 == 1 {
			m.MOS = &MetricStats{Avg: f(x / 2)}
		}
		s := Stream{Metrics: m}
		var want float64
		for _, th := range TagThresholds() {
			if v, ok := th.Value(s); ok {
				want = max(want, th.Ratio(v))
			}
		}
		if got := s.Severity(); got != want {
			t.Fatalf("stream %d: Severity %v, largest threshold ratio %v", i, got, want)
		}
	}
	if mos := (TagThreshold{Level: 3.5, Below: true}); mos.Ratio(0) != 0 || mos.Ratio(3.5) != 1 {
		t.Errorf("MOS ratio at 0 = %v, at 3.5 = %v", mos.Ratio(0), mos.Ratio(3.5))
	}
}
