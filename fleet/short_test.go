package fleet

import (
	"math"
	"strings"
	"testing"
)

func TestShort(t *testing.T) {
	for _, c := range []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "-0"},
		{2283, "2280"},
		{12.345, "12.3"},
		{0.001, "0.001"},
		{0.0009996, "0.001"}, // rounds into the range
		{0.000999, "9.99e-04"},
		{1e-300, "1e-300"},
		{-1e-300, "-1e-300"},
		{5e-324, "5e-324"},
		{999_000_000, "999000000"},
		{999_999_999, "1e+09"}, // rounds out of the range
		{1e9, "1e+09"},
		{-2.5e12, "-2.5e+12"},
		{math.MaxFloat64, "1.8e+308"},
		{math.Inf(1), "+Inf"},
		{math.NaN(), "NaN"},
	} {
		if got := short(c.in); got != c.want {
			t.Errorf("short(%g) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A saved statistic from elsewhere can carry any quantile; the table keeps
// its width whatever the value.
func TestWriteTextExtremeQuantiles(t *testing.T) {
	r := Result{Calls: 1, Groups: []Group{{Count: 1, Quantiles: map[Metric]Quantiles{
		MetricJitter: {N: 1, P50: 1e-300, P90: 3e300, P99: -1e-300},
	}}}}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "1e-300/3e+300/-1e-300") || len(b.String()) > 2000 {
		t.Errorf("text output:\n%s", b.String())
	}
}
