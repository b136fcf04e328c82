package main

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
)

// Every form of the grammar parses to the figure, operator and limit (in
// the figure's own unit) it means, and prints back canonically.
func TestParseThreshold(t *testing.T) {
	tests := []struct {
		src    string
		scope  thresholdScope
		canon  string
		kind   figureKind
		metric fleet.Metric
		class  string
		limit  float64
	}{
		{"p90(jitter) > 30", scopeFleet, "p90(jitter) > 30", figQuantile, fleet.MetricJitter, "", 30},
		{"  p50( jitter_ms )>=30ms ", scopeFleet, "p50(jitter_ms) >= 30ms", figQuantile, fleet.MetricJitter, "", 30},
		{"p99(rtt)<.5s", scopeFleet, "p99(rtt) < .5s", figQuantile, fleet.MetricRTT, "", 500},
		{"p90(pdd) > 2s", scopeFleet, "p90(pdd) > 2s", figQuantile, fleet.MetricPDD, "", 2000},
		{"p50(duration) <= 1500ms", scopeFleet, "p50(duration) <= 1500ms", figQuantile, fleet.MetricDuration, "", 1.5},
		{"p50(duration_s) != 60s", scopeFleet, "p50(duration_s) != 60s", figQuantile, fleet.MetricDuration, "", 60},
		{"p90(mos) < 3.5", scopeFleet, "p90(mos) < 3.5", figQuantile, fleet.MetricMOS, "", 3.5},
		{"p10(mos) < 3.5", scopeFleet, "p10(mos) < 3.5", figQuantile, fleet.MetricMOS, "", 3.5},
		{"p95(jitter)>30", scopeFleet, "p95(jitter) > 30", figQuantile, fleet.MetricJitter, "", 30},
		// loss is a percent already: % changes nothing.
		{"p90(loss) > 5%", scopeFleet, "p90(loss) > 5%", figQuantile, fleet.MetricLoss, "", 5},
		{"p90(packet_loss_pct) > 5", scopeFleet, "p90(packet_loss_pct) > 5", figQuantile, fleet.MetricLoss, "", 5},
		// a share is a fraction: % is hundredths.
		{"share(poor) > 5%", scopeFleet, "share(poor) > 5%", figShare, "", "poor", 0.05},
		{"share(poor) > 0.05", scopeFleet, "share(poor) > 0.05", figShare, "", "poor", 0.05},
		{"share(high_jitter)>=1", scopeFleet, "share(high_jitter) >= 1", figShare, "", "high_jitter", 1},
		{"share(unknown) == 100%", scopeFleet, "share(unknown) == 100%", figShare, "", "unknown", 1},
		{"count(poor) >= 3", scopeFleet, "count(poor) >= 3", figCount, "", "poor", 3},
		{"count(silence) > 0", scopeFleet, "count(silence) > 0", figCount, "", "silence", 0},
		{"calls < 1", scopeFleet, "calls < 1", figCalls, "", "", 1},
		{"mos < 3.5", scopeCall, "mos < 3.5", figMetric, fleet.MetricMOS, "", 3.5},
		{"jitter > 30", scopeCall, "jitter > 30", figMetric, fleet.MetricJitter, "", 30},
		{"loss>5%", scopeCall, "loss > 5%", figMetric, fleet.MetricLoss, "", 5},
		{"rtt_ms > 0.3 s", scopeCall, "rtt_ms > 0.3s", figMetric, fleet.MetricRTT, "", 300},
		{"pdd >= 2s", scopeCall, "pdd >= 2s", figMetric, fleet.MetricPDD, "", 2000},
		{"duration < 5", scopeCall, "duration < 5", figMetric, fleet.MetricDuration, "", 5},
		{"verdict == poor", scopeCall, "verdict == poor", figVerdict, "", "poor", 0},
		{"verdict!=good", scopeCall, "verdict != good", figVerdict, "", "good", 0},
		{"tag( high_jitter )", scopeCall, "tag(high_jitter)", figTag, "", "high_jitter", 0},
	}
	for _, tt := range tests {
		th, err := parseThreshold(tt.src, tt.scope)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		if th.String() != tt.canon || th.kind != tt.kind || th.metric != tt.metric || th.class != tt.class ||
			math.Abs(th.limit-tt.limit) > 1e-12 {
			t.Errorf("%q: got %q kind %d metric %q class %q limit %v; want %q %d %q %q %v",
				tt.src, th, th.kind, th.metric, th.class, th.limit, tt.canon, tt.kind, tt.metric, tt.class, tt.limit)
		}
		again, err := parseThreshold(th.String(), tt.scope)
		if err != nil || again.String() != th.String() || again.limit != th.limit {
			t.Errorf("%q: its canonical form %q reads back as %v, %v", tt.src, th, again, err)
		}
	}
}

// A bad expression is refused with what is wrong, the column it is at
// (in characters), and what would be right.
func TestParseThresholdErrors(t *testing.T) {
	tests := []struct {
		src   string
		scope thresholdScope
		want  string
	}{
		{"p100(jitter) > 30", scopeFleet, "unknown function p100 at column 1 (want pN (p1 to p99, e.g. p10, p50, p90), share, count)"},
		{"p05(mos) < 3", scopeFleet, "unknown function p05 at column 1 (want pN (p1 to p99, e.g. p10, p50, p90), share, count)"},
		{"p0(mos) < 3", scopeFleet, "unknown function p0 at column 1 (want pN (p1 to p99, e.g. p10, p50, p90), share, count)"},
		{"mos < 3.5", scopeFleet, "mos is one call's figure (fetch) at column 1 (for many calls, say p10(mos) or p1(mos) (the low tail: a low MOS is bad), or p50(mos))"},
		{"p90(jiter) > 30", scopeFleet, "unknown metric jiter at column 5 (want mos, jitter, loss, rtt, pdd, duration)"},
		{"", scopeFleet, "empty: want a threshold such as 'p90(jitter) > 30'"},
		{"   ", scopeCall, "empty: want a threshold such as 'mos < 3.5'"},
		{"p90(jitter) = 30", scopeFleet, "'=' is not an operator at column 13 (did you mean '=='?)"},
		{"p90(jitter) 30", scopeFleet, "want an operator after p90(jitter), found '30' at column 13 (want <, <=, >, >=, == or !=)"},
		{"p90(jitter) >", scopeFleet, "want a number after >, found the end at column 14"},
		{"p90(jitter) > -3", scopeFleet, "want a number after >, found '-' at column 15 (no figure is negative)"},
		{"p90(jitter > 3", scopeFleet, "want ')', found '>' at column 12 (to close the '(' at column 4)"},
		{"p90() > 3", scopeFleet, "want a name inside p90( ), found ')' at column 5"},
		{"p90 > 3", scopeFleet, "p90 without its metric at column 1 (want a metric in parentheses, e.g. p90(jitter))"},
		{"share > 3", scopeFleet, "share without its verdict or tag at column 1 (want a verdict or tag in parentheses, e.g. share(poor))"},
		{"share(poor) > 5", scopeFleet, "share 5 is over 1 at column 15 (a share is a fraction from 0 to 1: write 5% or 0.05)"},
		{"share(poor) > 150%", scopeFleet, "share 150% is over 100% at column 15 (a share is at most 100%)"},
		{"share(poor) > 5ms", scopeFleet, "unit ms does not apply to share(poor) at column 16 (ms and s are for jitter, rtt, pdd and duration)"},
		{"p90(mos) < 3%", scopeFleet, "unit % does not apply to p90(mos) at column 13 (% is for a share (share(poor) > 5%) and for loss, already a percent)"},
		{"p90(mos) < 3ms", scopeFleet, "unit ms does not apply to p90(mos) at column 13 (p90(mos) has no unit)"},
		{"count(poor) > 3%", scopeFleet, "unit % does not apply to count(poor) at column 16 (% is for a share (share(poor) > 5%) and for loss, already a percent)"},
		{"p90(jitter) > 30xs", scopeFleet, "unknown unit xs at column 17 (want %, ms or s)"},
		{"p90(jitter) > 30 and mos < 3", scopeFleet, "unexpected 'and' at column 18 (one condition per --fail-if; repeat the flag for another)"},
		{"p90(jitter) > 30)", scopeFleet, "unexpected ')' at column 17"},
		{"share(pooor) > 1%", scopeFleet, "unknown verdict or tag pooor at column 7 (did you mean poor?)"},
		{"share(High-Jitter) > 1%", scopeFleet, "want ')', found '-' at column 11 (to close the '(' at column 6)"},
		{"share(Silence) > 1%", scopeFleet, "unknown verdict or tag Silence at column 7 (did you mean silence?)"},
		{"verdict == poor", scopeFleet, "verdict is one call's figure (fetch) at column 1 (for many calls, say share(poor) or count(poor))"},
		{"tag(silence)", scopeFleet, "tag(silence) is one call's condition (fetch) at column 1 (for many calls, say share(silence) or count(silence))"},
		{"jitters > 3", scopeFleet, "unknown figure jitters at column 1 (want calls, or a function: pN (p1 to p99), share, count)"},
		{"p90(jitter) > 30", scopeCall, "p90(jitter) is a figure of many calls (stats, report, watch) at column 1 (for one call, compare the metric itself: jitter > N)"},
		{"share(poor) > 5%", scopeCall, "share(poor) is a figure of many calls (stats, report, watch) at column 1 (for one call, compare verdict == poor)"},
		{"count(silence) > 0", scopeCall, "count(silence) is a figure of many calls (stats, report, watch) at column 1 (for one call, compare tag(silence))"},
		{"calls < 1", scopeCall, "calls is a figure of many calls (stats, report, watch) at column 1 (fetch checks one call: want mos, jitter, loss, rtt, pdd, duration, verdict, or tag(TAG))"},
		{"p90 > 1", scopeCall, "p90 is a figure of many calls (stats, report, watch) at column 1 (fetch checks one call: want mos, jitter, loss, rtt, pdd, duration, verdict, or tag(TAG))"},
		{"avg(mos) < 3", scopeCall, "unknown function avg at column 1 (want tag, or a metric without parentheses: mos, jitter, loss, rtt, pdd, duration)"},
		{"moss < 3", scopeCall, "unknown figure moss at column 1 (want mos, jitter, loss, rtt, pdd, duration, verdict, or tag(TAG))"},
		{"verdict > poor", scopeCall, "operator > does not apply to verdict at column 9 (a verdict is compared with == or !=)"},
		{"verdict == bad", scopeCall, "want a verdict after verdict ==, found 'bad' at column 12 (want good, tagged, poor or unknown)"},
		{"tag(high_jitter) > 0", scopeCall, "unexpected '>' at column 18 (tag(TAG) is a condition alone, true when the call has the tag)"},
		{"tag(hihg_jitter)", scopeCall, "unknown tag hihg_jitter at column 5 (did you mean high_jitter?)"},
		{"tag", scopeCall, "tag without its tag at column 1 (want a tag in parentheses, e.g. tag(high_jitter))"},
		{"> 3", scopeCall, "want a figure such as 'mos < 3.5', found '>' at column 1"},
		// Columns count characters, not bytes.
		{"ñ(mos) < 3", scopeCall, "want a figure such as 'mos < 3.5', found 'ñ' at column 1"},
		{"mos < 3 ñ", scopeCall, "unexpected 'ñ' at column 9"},
		{"mos < 1" + strings.Repeat("0", 400), scopeCall, "407 characters: a threshold is at most 200"},
	}
	for _, tt := range tests {
		_, err := parseThreshold(tt.src, tt.scope)
		var pe *parseError
		if !errors.As(err, &pe) || err.Error() != tt.want {
			t.Errorf("%q:\n got %v\nwant %s", tt.src, err, tt.want)
		}
	}
}

// A name of a tag's shape far from every known tag is checked as given:
// Twilio may add tags.
func TestParseThresholdUnknownTag(t *testing.T) {
	th, err := parseThreshold("share(high_rtt) > 1%", scopeFleet)
	if err != nil || !th.unknownTag || th.class != "high_rtt" {
		t.Fatalf("got %+v, %v", th, err)
	}
	r := fleet.Result{Groups: []fleet.Group{{Count: 4, Tags: map[string]int64{"high_rtt": 1}}}}
	if c := checkFleet([]*threshold{th}, r); len(c.breaches) != 1 || c.breaches[0].value != "25%" {
		t.Errorf("an unknown tag is not counted: %+v", c)
	}
}

// checkFleet compares in every group; a group without the figure is not
// a breach but a group not checked; a count is always measured.
func TestCheckFleet(t *testing.T) {
	r := fleet.Result{
		By: []fleet.Dim{fleet.DimCallType},
		Groups: []fleet.Group{
			{Key: []string{"carrier"}, Count: 10, Verdicts: map[string]int64{"poor": 1},
				Quantiles: map[fleet.Metric]fleet.Quantiles{fleet.MetricJitter: {N: 10, P50: 3, P90: 30, P99: 45}}},
			{Key: []string{"client"}, Count: 4, Verdicts: map[string]int64{"poor": 1},
				Quantiles: map[fleet.Metric]fleet.Quantiles{
					fleet.MetricJitter: {N: 4, P50: 3, P90: 30.004, P99: 31},
					fleet.MetricMOS:    {N: 4, P50: 4.2, P90: 3.4, P99: 3.1}}},
			{Key: []string{""}, Count: 0},
		},
	}
	parse := func(src string) *threshold {
		th, err := parseThreshold(src, scopeFleet)
		if err != nil {
			t.Fatal(err)
		}
		return th
	}
	ths := []*threshold{parse("p90(jitter) > 30"), parse("share(poor) > 10%"), parse("p90(mos) < 3.5"),
		parse("calls < 5"), parse("p99(jitter) >= 0.045s")}
	c := checkFleet(ths, r)
	var got []string
	for _, b := range c.breaches {
		got = append(got, b.threshold.String()+": "+b.value+" in "+b.group)
	}
	want := []string{
		"p90(jitter) > 30: 30.004 ms in call_type=client",
		"share(poor) > 10%: 25% in call_type=client",
		"p90(mos) < 3.5: 3.4 in call_type=client",
		"calls < 5: 4 in call_type=client",
		"calls < 5: 0 in call_type=-",
		"p99(jitter) >= 0.045s: 0.045 s in call_type=carrier",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("breaches:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var notes []string
	for _, n := range c.notChecked {
		notes = append(notes, n.threshold.String()+": "+notMeasured(n.groups))
	}
	wantNotes := []string{
		"p90(jitter) > 30: not measured for call_type=-",
		"share(poor) > 10%: not measured for call_type=-",
		"p90(mos) < 3.5: not measured for call_type=carrier; call_type=-",
		"p99(jitter) >= 0.045s: not measured for call_type=-",
	}
	if strings.Join(notes, "\n") != strings.Join(wantNotes, "\n") {
		t.Errorf("not checked:\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(wantNotes, "\n"))
	}

	// No calls and no dimensions: one empty group, where only counts exist.
	c = checkFleet([]*threshold{parse("calls < 1"), parse("share(poor) > 0")}, fleet.Result{})
	if len(c.breaches) != 1 || c.breaches[0].value != "0" || len(c.notChecked) != 1 || notMeasured(c.notChecked[0].groups) != "not measured" {
		t.Errorf("empty result: %+v", c)
	}
	// No groups with dimensions: nothing to check.
	c = checkFleet([]*threshold{parse("calls < 1")}, fleet.Result{By: []fleet.Dim{fleet.DimCallType}})
	if len(c.breaches) != 0 || len(c.notChecked) != 1 || notMeasured(c.notChecked[0].groups) != "no calls" {
		t.Errorf("no groups: %+v", c)
	}
}

// A value is shown with the digits that tell it from its limit.
func TestThresholdShow(t *testing.T) {
	tests := []struct {
		src  string
		v    float64
		want string
	}{
		{"p90(jitter) > 30", 41.23456, "41.23 ms"},
		{"p90(jitter) > 30", 30.0000012, "30.000001 ms"},
		{"p90(jitter) >= 30", 30, "30 ms"},
		{"p90(pdd) > 2s", 2381, "2.381 s"},
		{"p50(duration) > 1000ms", 58.56, "58560 ms"},
		{"share(poor) > 5%", 0.0837359, "8.374%"},
		{"share(poor) > 0.05", 0.0837359, "0.08374"},
		{"p90(loss) > 5", 6.68, "6.68%"},
		{"p90(mos) < 3.5", 3.28, "3.28"},
		{"count(poor) > 3", 12, "12"},
		{"p99(duration) > 1e9", 1e12, ""}, // refused: no exponent in NUMBER
	}
	for _, tt := range tests {
		th, err := parseThreshold(tt.src, scopeFleet)
		if tt.want == "" {
			if err == nil {
				t.Errorf("%q parsed", tt.src)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := th.show(tt.v); got != tt.want {
			t.Errorf("%q shows %v as %q, want %q", tt.src, tt.v, got, tt.want)
		}
	}
}

// No input makes the parser panic or loop; what it accepts prints back to
// the same threshold; what it refuses names a column inside the input.
func FuzzThreshold(f *testing.F) {
	for _, s := range []string{"p90(jitter) > 30", "share(poor) > 5%", "mos < 3.5", "verdict == poor", "tag(high_jitter)",
		"p50(duration) <= 1500ms", "calls<1", "p90(jitter", "=", "!", ".5", "share(x) > 0.5 %", "\x00", "ñ", "p90(\u202e) > 1"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, src string, call bool) {
		scope := scopeFleet
		if call {
			scope = scopeCall
		}
		th, err := parseThreshold(src, scope)
		if err != nil {
			var pe *parseError
			if !errors.As(err, &pe) {
				t.Fatalf("%q: %T %v", src, err, err)
			}
			if pe.col < 0 || pe.col > len([]rune(src))+1 {
				t.Fatalf("%q: column %d outside the input", src, pe.col)
			}
			return
		}
		again, err := parseThreshold(th.String(), scope)
		if err != nil || again.String() != th.String() || again.limit != th.limit || again.kind != th.kind {
			t.Fatalf("%q: canonical %q reads back as %v, %v", src, th, again, err)
		}
		if math.IsNaN(th.limit) || math.IsInf(th.limit, 0) || th.limit < 0 {
			t.Fatalf("%q: limit %v", src, th.limit)
		}
	})
}
