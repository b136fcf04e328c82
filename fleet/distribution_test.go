package fleet_test

import (
	"slices"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
)

// SketchQuantiles draws any quantile of a group from its sketch, within
// the bound of the exact one, and agrees with Quantiles where both answer.
func TestSketchQuantiles(t *testing.T) {
	all := population(t, 3000, 1)
	res := aggregate(t, all, []fleet.Dim{fleet.DimEdge}).ResultWithSketches()
	want := bruteForce(all, []fleet.Dim{fleet.DimEdge})
	qs := []float64{0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1}
	checked := 0
	for _, g := range res.Groups {
		for _, m := range fleet.Metrics() {
			vals := slices.Sorted(slices.Values(want[g.Key[0]].values[m]))
			got, err := g.SketchQuantiles(m, qs...)
			if len(vals) == 0 {
				if err == nil {
					t.Errorf("%q %s: quantiles %v of no values", g.Key, m, got)
				}
				continue
			}
			if err != nil {
				t.Fatalf("%q %s: %v", g.Key, m, err)
			}
			for i, q := range qs {
				if exact := exactQuantile(vals, q); !withinBound(got[i], exact, fleet.RelativeAccuracy) {
					t.Errorf("%q %s q%v: %v, exact %v", g.Key, m, q, got[i], exact)
				}
				checked++
			}
			if p := g.Quantiles[m]; got[3] != p.P50 || got[5] != p.P90 || got[6] != p.P99 {
				t.Errorf("%q %s: sketch p50/p90/p99 %v %v %v, Quantiles %+v", g.Key, m, got[3], got[5], got[6], p)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no quantile checked")
	}
	g := res.Groups[0]
	if _, err := g.SketchQuantiles(fleet.MetricMOS, 1.5); err == nil {
		t.Error("q 1.5 accepted")
	}
	if _, err := aggregate(t, all, nil).Result().Groups[0].SketchQuantiles(fleet.MetricMOS, 0.5); err == nil {
		t.Error("a Result without sketches answered")
	}
}
