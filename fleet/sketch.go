package fleet

import (
	"fmt"
	"math"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// RelativeAccuracy is the default relative accuracy α of the quantile
// sketches: the q-quantile reported is within α of the exact one,
// relatively: |estimate − exact| ≤ α·|exact| (DDSketch's guarantee; an
// exact 0 is reported as 0). The exact q-quantile of n values is the
// ⌈q·n⌉-th smallest (the first at q = 0): the smallest value whose
// cumulative share reaches q, as SQL's PERCENTILE_DISC and DuckDB's
// quantile_disc define it, so an engine's discrete quantile is the value
// the bound is stated against.
const RelativeAccuracy = 0.01

// newSketch is a DDSketch with a logarithmic mapping of accuracy alpha and
// dense stores: adding a value or merging another sketch of the same
// accuracy is exact bin by bin, so shards merge as if added together.
func newSketch(alpha float64) (*ddsketch.DDSketch, error) {
	m, err := mapping.NewLogarithmicMapping(alpha)
	if err != nil {
		return nil, fmt.Errorf("fleet: relative accuracy %v: %w", alpha, err)
	}
	return ddsketch.NewDDSketch(m, store.NewDenseStore(), store.NewDenseStore()), nil
}

// addValue adds v, skipping what no sketch can hold (NaN, ±Inf, beyond
// the mapping's range): such a value is not a measurement.
func addValue(s *ddsketch.DDSketch, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	_ = s.Add(v) // an error only for a value beyond the indexable range
}

// quantileAt is the sketch's estimate of the value of 1-based rank ⌈q·n⌉
// (1 at q = 0). DDSketch answers for the 0-based rank ⌊q'·(n−1)⌋; asking
// for the middle of the wanted rank keeps rounding from moving it.
func quantileAt(s *ddsketch.DDSketch, q float64) (float64, error) {
	n := s.GetCount()
	k := max(math.Ceil(q*n)-1, 0) // the 0-based rank
	qs := 0.0
	if n > 1 {
		qs = min(1, (k+0.5)/(n-1))
	}
	return s.GetValueAtQuantile(qs)
}

func encodeSketch(s *ddsketch.DDSketch) []byte {
	var b []byte
	s.Encode(&b, false)
	return b
}

// decodeSketch decodes an encoded sketch and checks that its mapping has
// accuracy alpha, so that it merges exactly with this aggregator's.
func decodeSketch(b []byte, alpha float64) (*ddsketch.DDSketch, error) {
	s, err := ddsketch.DecodeDDSketch(b, store.DenseStoreConstructor, nil)
	if err != nil {
		return nil, err
	}
	want, err := newSketch(alpha)
	if err != nil {
		return nil, err
	}
	if !s.IndexMapping.Equals(want.IndexMapping) {
		return nil, fmt.Errorf("a sketch of another accuracy (%v, want %v)", s.IndexMapping.RelativeAccuracy(), alpha)
	}
	return s, nil
}
