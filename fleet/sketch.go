package fleet

import (
	"fmt"
	"math"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// RelativeAccuracy is the default relative accuracy α of the quantile
// sketches: a quantile q is within α of the exact value at rank
// ⌊q·(n−1)⌋ of the n values sorted (the smallest at rank 0), relatively:
// |estimate − exact| ≤ α·|exact|. This is DDSketch's guarantee; exact
// zeros are returned as 0.
const RelativeAccuracy = 0.01

// Quantiles are the reported quantiles: p50, p90, p99.
var quantiles = []float64{0.5, 0.9, 0.99}

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
