package fleet_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// exactGroup is the brute-force computation of one group: every
// observation kept, sorted at the end.
type exactGroup struct {
	count    int64
	tags     map[string]int64
	verdicts map[string]int64
	values   map[fleet.Metric][]float64
}

// bruteForce groups summaries by dims without the package's grouping code:
// stream keys and worst values are computed here from the client's Streams.
func bruteForce(all []*callsummary.Summary, by []fleet.Dim) map[string]*exactGroup {
	out := map[string]*exactGroup{}
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	for _, s := range all {
		callKey := func(d fleet.Dim) string {
			switch d {
			case fleet.DimCallType:
				return str((*string)(s.CallType))
			case fleet.DimDay:
				return s.StartTime.UTC().Format("2006-01-02")
			case fleet.DimFromCountry:
				if s.From == nil {
					return ""
				}
				return str(s.From.CountryCode)
			case fleet.DimDirection:
				if s.Properties == nil {
					return ""
				}
				return str(s.Properties.Direction)
			}
			panic("test has no brute force for " + string(d))
		}
		streamKey := func(d fleet.Dim, st callsummary.Stream) string {
			switch d {
			case fleet.DimEdge:
				return st.Edge.String()
			case fleet.DimCodec:
				return str(st.Metrics.CodecName)
			case fleet.DimStreamDirection:
				return st.Direction.String()
			}
			return callKey(d)
		}
		keys := map[string][]callsummary.Stream{}
		stream := slices.ContainsFunc(by, fleet.Dim.IsStream)
		for _, st := range s.Streams() {
			var k []string
			for _, d := range by {
				k = append(k, streamKey(d, st))
			}
			keys[strings.Join(k, "|")] = append(keys[strings.Join(k, "|")], st)
		}
		if !stream || len(keys) == 0 {
			var k []string
			for _, d := range by {
				if d.IsStream() {
					k = append(k, "")
				} else {
					k = append(k, callKey(d))
				}
			}
			keys = map[string][]callsummary.Stream{strings.Join(k, "|"): s.Streams()}
		}
		for k, streams := range keys {
			g := out[k]
			if g == nil {
				g = &exactGroup{tags: map[string]int64{}, verdicts: map[string]int64{}, values: map[fleet.Metric][]float64{}}
				out[k] = g
			}
			g.count++
			g.verdicts[string(s.Verdict())]++
			for _, t := range s.Tags {
				g.tags[t]++
			}
			mos, jitter, loss, rtt := math.Inf(1), math.Inf(-1), math.Inf(-1), math.Inf(-1)
			for _, st := range streams {
				if m := st.MOS(); m.HasAvg {
					mos = min(mos, m.Avg)
				}
				if j := st.Jitter(); j.HasAvg {
					jitter = max(jitter, j.Avg)
				}
				if l, ok := st.PacketLossPercent(); ok {
					loss = max(loss, l)
				}
				if r := st.RTT(); r.HasAvg {
					rtt = max(rtt, r.Avg)
				}
			}
			add := func(m fleet.Metric, v float64) {
				if !math.IsInf(v, 0) {
					g.values[m] = append(g.values[m], v)
				}
			}
			add(fleet.MetricMOS, mos)
			add(fleet.MetricJitter, jitter)
			add(fleet.MetricLoss, loss)
			add(fleet.MetricRTT, rtt)
			if s.Properties != nil && s.Properties.PDDMs != nil {
				add(fleet.MetricPDD, float64(*s.Properties.PDDMs))
			}
			if s.Duration != nil {
				add(fleet.MetricDuration, float64(*s.Duration))
			}
		}
	}
	return out
}

// exactQuantile is the ⌈q·n⌉-th smallest value (PERCENTILE_DISC's).
func exactQuantile(sorted []float64, q float64) float64 {
	return sorted[max(int(math.Ceil(q*float64(len(sorted))))-1, 0)]
}

// withinBound reports whether est is within relative accuracy alpha of exact.
func withinBound(est, exact, alpha float64) bool {
	return math.Abs(est-exact) <= alpha*math.Abs(exact)+1e-12
}

func aggregate(t testing.TB, all []*callsummary.Summary, by []fleet.Dim) *fleet.Aggregator {
	t.Helper()
	a, err := fleet.NewAggregator(by)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if err := a.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

// Counts, tags and verdicts are exact, quantiles within the stated bound,
// against a brute-force computation over generated populations.
func TestAggregateAgainstBruteForce(t *testing.T) {
	groupings := [][]fleet.Dim{
		nil,
		{fleet.DimCallType},
		{fleet.DimCallType, fleet.DimEdge},
		{fleet.DimCodec, fleet.DimDay},
		{fleet.DimFromCountry, fleet.DimDirection, fleet.DimStreamDirection},
	}
	for _, seed := range []uint64{1, 2} {
		all := population(t, 3000, seed)
		for _, by := range groupings {
			res := aggregate(t, all, by).Result()
			want := bruteForce(all, by)
			if res.Calls != int64(len(all)) {
				t.Errorf("by %v: Calls = %d, want %d", by, res.Calls, len(all))
			}
			if len(res.Groups) != len(want) {
				t.Fatalf("seed %d by %v: %d groups, want %d", seed, by, len(res.Groups), len(want))
			}
			checked := 0
			for _, g := range res.Groups {
				w := want[strings.Join(g.Key, "|")]
				if w == nil {
					t.Fatalf("by %v: unexpected group %q", by, g.Key)
				}
				if g.Count != w.count || !mapsEqual(g.Tags, w.tags) || !mapsEqual(g.Verdicts, w.verdicts) {
					t.Errorf("by %v group %q: count %d tags %v verdicts %v, want %d %v %v", by, g.Key, g.Count, g.Tags, g.Verdicts, w.count, w.tags, w.verdicts)
				}
				for _, m := range fleet.Metrics() {
					vals := w.values[m]
					q, ok := g.Quantiles[m]
					if ok != (len(vals) > 0) || int(q.N) != len(vals) {
						t.Errorf("by %v group %q %s: n %d (present %v), want %d", by, g.Key, m, q.N, ok, len(vals))
						continue
					}
					if !ok {
						continue
					}
					slices.Sort(vals)
					for i, est := range []float64{q.P50, q.P90, q.P99} {
						exact := exactQuantile(vals, []float64{0.5, 0.9, 0.99}[i])
						if !withinBound(est, exact, fleet.RelativeAccuracy) {
							t.Errorf("by %v group %q %s p%v: %v, exact %v: beyond ±%v", by, g.Key, m, []int{50, 90, 99}[i], est, exact, fleet.RelativeAccuracy)
						}
						checked++
					}
				}
			}
			if checked == 0 {
				t.Fatalf("by %v: no quantile checked", by)
			}
		}
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func marshal(t testing.TB, a *fleet.Aggregator) string {
	t.Helper()
	b, err := a.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Shards merge exactly, in any grouping of the merges, and through their
// saved JSON: the bytes equal those of one aggregator given every call.
func TestMergeAssociativeAndExact(t *testing.T) {
	all := population(t, 3000, 3)
	by := []fleet.Dim{fleet.DimCallType, fleet.DimEdge}
	whole := marshal(t, aggregate(t, all, by))
	a, b, c := all[:700], all[700:2200], all[2200:]

	ab := aggregate(t, a, by)
	if err := ab.Merge(aggregate(t, b, by)); err != nil {
		t.Fatal(err)
	}
	if err := ab.Merge(aggregate(t, c, by)); err != nil {
		t.Fatal(err)
	}
	bc := aggregate(t, b, by)
	if err := bc.Merge(aggregate(t, c, by)); err != nil {
		t.Fatal(err)
	}
	a2 := aggregate(t, a, by)
	if err := a2.Merge(bc); err != nil {
		t.Fatal(err)
	}
	// Through JSON: each shard saved and read back, merged in reverse order.
	var saved fleet.Aggregator
	if err := saved.UnmarshalJSON([]byte(marshal(t, aggregate(t, c, by)))); err != nil {
		t.Fatal(err)
	}
	for _, part := range [][]*callsummary.Summary{b, a} {
		var p fleet.Aggregator
		if err := p.UnmarshalJSON([]byte(marshal(t, aggregate(t, part, by)))); err != nil {
			t.Fatal(err)
		}
		if err := saved.Merge(&p); err != nil {
			t.Fatal(err)
		}
	}
	for name, got := range map[string]*fleet.Aggregator{"(a+b)+c": ab, "a+(b+c)": a2, "saved c+b+a": &saved} {
		if s := marshal(t, got); s != whole {
			t.Errorf("%s differs from the whole population's statistics", name)
		}
	}
}

func TestMergeRefusesOtherShapes(t *testing.T) {
	a, _ := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType})
	b, _ := fleet.NewAggregator([]fleet.Dim{fleet.DimEdge})
	c, _ := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType}, fleet.WithRelativeAccuracy(0.02))
	for _, o := range []*fleet.Aggregator{b, c} {
		if err := a.Merge(o); !errors.Is(err, fleet.ErrIncompatible) {
			t.Errorf("Merge = %v, want ErrIncompatible", err)
		}
	}
	if _, err := fleet.NewAggregator([]fleet.Dim{"carrier"}); !errors.Is(err, fleet.ErrUnknownDim) || !strings.Contains(err.Error(), `"carrier"`) {
		t.Errorf("unknown dimension: %v", err)
	}
	if _, err := fleet.ParseDims("call_type, edge,call_type"); !errors.Is(err, fleet.ErrUnknownDim) {
		t.Errorf("a repeated dimension: %v", err)
	}
	if d, err := fleet.ParseDims("call_type, edge"); err != nil || !slices.Equal(d, []fleet.Dim{fleet.DimCallType, fleet.DimEdge}) {
		t.Errorf("ParseDims = %v, %v", d, err)
	}
}

func TestMaxGroups(t *testing.T) {
	all := population(t, 3000, 1)
	a, err := fleet.NewAggregator([]fleet.Dim{fleet.DimDay}, fleet.WithMaxGroups(3))
	if err != nil {
		t.Fatal(err)
	}
	var addErr error
	for _, s := range all {
		if addErr = a.Add(s); addErr != nil {
			break
		}
	}
	if !errors.Is(addErr, fleet.ErrTooManyGroups) || len(a.Result().Groups) != 3 {
		t.Errorf("Add past 3 days = %v with %d groups", addErr, len(a.Result().Groups))
	}
}

// A saved result that lies (counts that do not add up, a sketch of another
// accuracy, garbage) is refused, never merged.
func TestUnmarshalRefusesInconsistentState(t *testing.T) {
	good := marshal(t, aggregate(t, population(t, 3000, 1)[:200], []fleet.Dim{fleet.DimCallType}))
	other := marshal(t, func() *fleet.Aggregator {
		a, _ := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType}, fleet.WithRelativeAccuracy(0.05))
		for _, s := range population(t, 3000, 1)[:50] {
			_ = a.Add(s)
		}
		return a
	}())
	cases := map[string]string{
		"not json":       "{",
		"other format":   strings.Replace(good, fleet.StatsFormat, "x", 1),
		"future version": strings.Replace(good, `"version":1`, `"version":9`, 1),
		"verdicts":       strings.Replace(good, `"verdicts":{"`, `"verdicts":{"meh":1,"`, 1),
		"accuracy":       strings.Replace(good, `"relative_accuracy":0.01`, `"relative_accuracy":0.05`, 1),
		"sketch":         strings.Replace(good, `"sketches":{"`, `"sketches":{"x`, 1),
		"accuracy lie":   strings.Replace(other, `"relative_accuracy":0.05`, `"relative_accuracy":0.01`, 1),
	}
	for name, in := range cases {
		if in == good {
			t.Fatalf("%s: the case changes nothing", name)
		}
		var a fleet.Aggregator
		if err := a.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// The reported quantile is the ⌈q·n⌉-th smallest value, within the bound:
// on values far enough apart, exactly that one and not a neighbour.
func TestQuantileRank(t *testing.T) {
	for _, n := range []int{1, 2, 10, 11, 100, 101, 1000} {
		a, _ := fleet.NewAggregator(nil)
		for i := n; i >= 1; i-- {
			d := i * 1000 // neighbours 1000 apart: up to n = 101 the bound tells them apart
			_ = a.Add(&callsummary.Summary{CallSummary: callsummary.CallSummary{Duration: &d}})
		}
		q := a.Result().Groups[0].Quantiles[fleet.MetricDuration]
		for i, p := range []float64{0.5, 0.9, 0.99} {
			want := float64(max(int(math.Ceil(p*float64(n))), 1) * 1000)
			got := []float64{q.P50, q.P90, q.P99}[i]
			if !withinBound(got, want, fleet.RelativeAccuracy) {
				t.Errorf("n=%d p%v = %v, want %v ± %v", n, p*100, got, want, fleet.RelativeAccuracy*want)
			}
		}
	}
}
