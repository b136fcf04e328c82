package fleet_test

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	enc "github.com/DataDog/sketches-go/ddsketch/encoding"
	"github.com/DataDog/sketches-go/ddsketch/mapping"

	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// bin is one bin of a crafted sketch: an index of the logarithmic mapping
// and its count.
type bin struct {
	index int64
	count float64
}

// craftSketch encodes, as a hostile file would, a sketch of the default
// accuracy with these positive bins (sparse: index deltas and counts) and
// this count of zeros.
func craftSketch(zero float64, bins ...bin) []byte {
	var b []byte
	m, _ := mapping.NewLogarithmicMapping(fleet.RelativeAccuracy)
	m.Encode(&b)
	if zero != 0 {
		enc.EncodeFlag(&b, enc.FlagZeroCountVarFloat)
		enc.EncodeVarfloat64(&b, zero)
	}
	enc.EncodeFlag(&b, enc.NewFlag(enc.FlagTypePositiveStore, enc.BinEncodingIndexDeltasAndCounts))
	enc.EncodeUvarint64(&b, uint64(len(bins)))
	prev := int64(0)
	for _, x := range bins {
		enc.EncodeVarint64(&b, x.index-prev)
		enc.EncodeVarfloat64(&b, x.count)
		prev = x.index
	}
	return b
}

// cut drops the last byte of b.
func cut(b []byte) []byte { return b[:len(b)-1] }

// saved is the JSON of saved statistics of one group, not grouped, with
// these counts and a duration sketch.
func saved(t testing.TB, calls, count int64, verdicts map[string]int64, sketch []byte) []byte {
	t.Helper()
	r := fleet.Result{Format: fleet.StatsFormat, Version: fleet.StatsVersion, By: []fleet.Dim{}, RelativeAccuracy: fleet.RelativeAccuracy,
		Calls: calls, Groups: []fleet.Group{{Key: []string{}, Count: count, Tags: map[string]int64{}, Verdicts: verdicts}}}
	if sketch != nil {
		r.Groups[0].Sketches = map[fleet.Metric][]byte{fleet.MetricDuration: sketch}
	}
	b, err := wirejson.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// allocBound is what reading saved statistics may allocate: a fixed part
// (the decoder, the aggregator) and a multiple of the input's size. A
// sketch's dense store takes at most 8 bytes per bin it keeps, and the
// smallest JSON that opens a store spanning all of them is about 25
// bytes (a sparse store of two bins, in base64, with its member name).
func allocBound(n int) uint64 {
	perByte := uint64(2 * 8 * fleet.SketchBins(fleet.RelativeAccuracy) / 25)
	return 1<<20 + perByte*uint64(n)
}

// allocated runs f and returns the bytes the process allocated meanwhile.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Saved statistics that no aggregator could have written are refused
// with an error saying what is wrong, before their sketches allocate:
// bins far outside the indexes of finite values once took 544 MB from a
// 232-byte file, or crashed the process (growslice in sketches-go).
func TestSavedStatisticsRefusedBeforeAllocating(t *testing.T) {
	good := map[string]int64{"good": 1}
	cases := map[string]struct {
		in   []byte
		want string
	}{
		"bins at ±2^25":        {saved(t, 1, 1, good, craftSketch(0, bin{-1 << 25, 1}, bin{1 << 25, 1})), "outside the bins of finite values"},
		"bins at ±2^49":        {saved(t, 1, 1, good, craftSketch(0, bin{-1 << 49, 1}, bin{1 << 49, 1})), "outside the bins of finite values"},
		"bins 2000 apart":      {saved(t, 2, 2, map[string]int64{"good": 2}, craftSketch(0, bin{0, 1}, bin{2000, 1})), "keeps"},
		"a count of -1e18":     {saved(t, 1, 1, good, craftSketch(0, bin{10, -1e18})), "a count of -1e+18"},
		"a count of NaN":       {saved(t, 1, 1, good, craftSketch(0, bin{10, math.NaN()})), "a count of NaN"},
		"a count of +Inf":      {saved(t, 1, 1, good, craftSketch(0, bin{10, math.Inf(1)})), "a count of +Inf"},
		"a count of 0.5":       {saved(t, 1, 1, good, craftSketch(0, bin{10, 0.5})), "a count of 0.5"},
		"more bins than calls": {saved(t, 1, 1, good, craftSketch(0, bin{10, 1}, bin{11, 1})), "more observations than the 1 calls"},
		"zeros of NaN":         {saved(t, 1, 1, good, craftSketch(math.NaN())), "zero values"},
		"negative zeros":       {saved(t, 1, 1, good, craftSketch(-3, bin{10, 1})), "zero values"},
		"a sketch cut short":   {saved(t, 1, 1, good, cut(craftSketch(0, bin{10, 1}, bin{11, 1}))), "cut short"},
		"a group of MaxInt64":  {saved(t, 1, math.MaxInt64, map[string]int64{"good": math.MaxInt64}, nil), "counts 9223372036854775807 calls"},
		"MaxInt64 calls":       {saved(t, math.MaxInt64, math.MaxInt64, map[string]int64{"good": math.MaxInt64}, nil), "9223372036854775807 calls: want 0 to"},
		"a group over calls":   {saved(t, 3, 5, map[string]int64{"good": 5}, nil), "counts 5 calls: want 1 to the 3"},
		"groups under calls":   {saved(t, 9, 5, map[string]int64{"good": 5}, nil), "the groups count 5 calls, the statistics 9"},
		"an empty group":       {saved(t, 0, 0, map[string]int64{}, nil), "counts 0 calls"},
		"verdicts that wrap":   {saved(t, 5, 5, map[string]int64{"good": math.MaxInt64, "tagged": math.MaxInt64, "poor": 7}, nil), "verdict"},
		"a finer accuracy": {[]byte(`{"format":"callsummary.fleet.stats","version":1,"by":[],"relative_accuracy":1e-17,"calls":0,"groups":[]}`),
			"relative accuracy 1e-17"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var a fleet.Aggregator
			var err error
			n := allocated(func() { err = a.UnmarshalJSON(c.in) })
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "fleet: saved statistics: ") {
				t.Errorf("UnmarshalJSON = %v, want an error saying %q", err, c.want)
			}
			if n > allocBound(len(c.in)) {
				t.Errorf("reading %d bytes allocated %d", len(c.in), n)
			}
		})
	}
	// The same shapes within bounds are what an aggregator saves.
	var a fleet.Aggregator
	if err := a.UnmarshalJSON(saved(t, 3, 3, map[string]int64{"good": 3}, craftSketch(1, bin{0, 1}, bin{1000, 1}))); err != nil {
		t.Fatalf("a sketch within bounds: %v", err)
	}
	if q := a.Result().Groups[0].Quantiles[fleet.MetricDuration]; q.N != 3 || q.P50 < 0.99 || q.P50 > 1.01 {
		t.Errorf("quantiles %+v", q)
	}
}

// An accuracy that the logarithmic mapping cannot represent was accepted,
// and the first Add panicked on a nil mapping.
func TestRelativeAccuracyBounds(t *testing.T) {
	for _, alpha := range []float64{1e-17, 1e-4, 0, 1, math.NaN()} {
		if _, err := fleet.NewAggregator(nil, fleet.WithRelativeAccuracy(alpha)); err == nil || !strings.Contains(err.Error(), "relative accuracy") {
			t.Errorf("α = %v: %v", alpha, err)
		}
	}
	a, err := fleet.NewAggregator(nil, fleet.WithRelativeAccuracy(fleet.MinRelativeAccuracy))
	if err != nil {
		t.Fatal(err)
	}
	d := 42
	if err := a.Add(&callsummary.Summary{CallSummary: callsummary.CallSummary{Duration: &d}}); err != nil {
		t.Fatal(err)
	}
	if q := a.Result().Groups[0].Quantiles[fleet.MetricDuration]; math.Abs(q.P50-42) > 42*fleet.MinRelativeAccuracy {
		t.Errorf("p50 %v at α = %v", q.P50, fleet.MinRelativeAccuracy)
	}
}

// Merging saved statistics whose sum passes MaxCount is refused and leaves
// the aggregator as it was; near MaxInt64, the sum once wrapped negative.
func TestMergeRefusesOverflow(t *testing.T) {
	big := saved(t, fleet.MaxCount, fleet.MaxCount, map[string]int64{"good": fleet.MaxCount}, craftSketch(fleet.MaxCount))
	var a, b fleet.Aggregator
	if err := a.UnmarshalJSON(big); err != nil {
		t.Fatal(err)
	}
	if err := b.UnmarshalJSON(big); err != nil {
		t.Fatal(err)
	}
	before := marshal(t, &a)
	if err := a.Merge(&b); !errors.Is(err, fleet.ErrCountOverflow) {
		t.Errorf("Merge = %v, want ErrCountOverflow", err)
	}
	if marshal(t, &a) != before || a.Calls() != fleet.MaxCount {
		t.Error("a failed Merge changed the aggregator")
	}
}

// A Merge past WithMaxGroups fails before it changes anything, and so does
// an Add whose streams would open more groups than remain.
func TestMaxGroupsLeavesTheAggregatorUnchanged(t *testing.T) {
	all := population(t, 3000, 1)
	by := []fleet.Dim{fleet.DimCallType, fleet.DimEdge}
	a, _ := fleet.NewAggregator(by, fleet.WithMaxGroups(3))
	var err error
	for _, s := range all {
		before := marshal(t, a)
		if err = a.Add(s); err != nil {
			if marshal(t, a) != before {
				t.Fatal("a failed Add counted part of the call")
			}
			break
		}
	}
	if !errors.Is(err, fleet.ErrTooManyGroups) {
		t.Fatalf("Add = %v, want ErrTooManyGroups", err)
	}
	full := aggregate(t, all[:500], by)
	small, _ := fleet.NewAggregator(by, fleet.WithMaxGroups(len(full.Result().Groups)-1))
	if err := small.Merge(full); !errors.Is(err, fleet.ErrTooManyGroups) || small.Calls() != 0 || len(small.Result().Groups) != 0 {
		t.Errorf("Merge past the bound = %v, with %d calls and %d groups", err, small.Calls(), len(small.Result().Groups))
	}
}

// FuzzSavedStatistics feeds arbitrary bytes to UnmarshalJSON, then merges
// and reads what was accepted: no input panics, none allocates more than
// allocBound of its size, and whatever is accepted saves and reads back.
func FuzzSavedStatistics(f *testing.F) {
	all := examples(f)
	for _, by := range [][]fleet.Dim{nil, {fleet.DimCallType, fleet.DimEdge}} {
		f.Add([]byte(marshal(f, aggregate(f, all, by))))
	}
	good := map[string]int64{"good": 1}
	f.Add(saved(f, 1, 1, good, craftSketch(0, bin{-1 << 25, 1}, bin{1 << 25, 1})))
	f.Add(saved(f, 1, 1, good, craftSketch(0, bin{10, math.NaN()})))
	f.Add(saved(f, 2, 2, map[string]int64{"good": 2}, craftSketch(1, bin{1000, 1})))
	f.Add(saved(f, fleet.MaxCount, fleet.MaxCount, map[string]int64{"good": fleet.MaxCount}, nil))
	f.Fuzz(checkSaved)
}

// FuzzSavedSketch is FuzzSavedStatistics with the fuzzed bytes as the
// sketch of a group of calls observations: the sketch decoder, which
// mutations of base64 inside JSON seldom reach.
func FuzzSavedSketch(f *testing.F) {
	f.Add(int64(2), craftSketch(1, bin{1000, 1}))
	f.Add(int64(1), craftSketch(0, bin{-1 << 49, 1}, bin{1 << 49, 1}))
	f.Add(int64(1), craftSketch(0, bin{10, math.NaN()}))
	a := aggregate(f, examples(f), nil)
	for _, q := range []fleet.Metric{fleet.MetricMOS, fleet.MetricDuration} {
		var r fleet.Result
		if err := wirejson.Unmarshal([]byte(marshal(f, a)), &r); err != nil {
			f.Fatal(err)
		}
		f.Add(r.Groups[0].Count, r.Groups[0].Sketches[q])
	}
	f.Fuzz(func(t *testing.T, calls int64, sketch []byte) {
		calls = max(1, min(calls, fleet.MaxCount))
		checkSaved(t, saved(t, calls, calls, map[string]int64{"good": calls}, sketch))
	})
}

// examples are the document's example summaries.
func examples(t testing.TB) []*callsummary.Summary {
	var all []*callsummary.Summary
	for _, name := range []string{"CarrierCall", "SIPCall", "TrunkingCall", "ClientCall", "PartialClientCall", "SeedComplete"} {
		s, err := callsummary.ParseSummary(testkit.Example(t, name))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	return all
}

// checkSaved reads saved statistics, then merges them with themselves,
// takes their result and saves them: no panic, at most 4·allocBound of
// the input allocated (two aggregators, their merge and its JSON), and
// what was accepted and merged reads back.
func checkSaved(t *testing.T, in []byte) {
	var out []byte
	n := allocated(func() {
		var a, b fleet.Aggregator
		if a.UnmarshalJSON(in) != nil {
			return
		}
		_ = b.UnmarshalJSON(in)
		if err := a.Merge(&b); err != nil && !errors.Is(err, fleet.ErrCountOverflow) && !errors.Is(err, fleet.ErrTooManyGroups) {
			t.Fatalf("merging statistics with themselves: %v", err)
		}
		_ = a.Result()
		var err error
		if out, err = a.MarshalJSON(); err != nil {
			t.Fatalf("saving accepted statistics: %v", err)
		}
	})
	if n > 4*allocBound(len(in)) {
		t.Fatalf("%d bytes of input allocated %d", len(in), n)
	}
	if out != nil {
		var back fleet.Aggregator
		if err := back.UnmarshalJSON(out); err != nil {
			t.Fatalf("accepted statistics, merged, do not read back: %v", err)
		}
	}
}
