package fleet

import (
	"fmt"
	"math"

	"github.com/DataDog/sketches-go/ddsketch"
	enc "github.com/DataDog/sketches-go/ddsketch/encoding"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
)

// RelativeAccuracy is the default relative accuracy α of the quantile
// sketches: the q-quantile reported is within α of the exact one,
// relatively: |estimate − exact| ≤ α·|exact| (DDSketch's guarantee; an
// exact 0 is reported as 0), for every quantile at least SketchRange
// times smaller than the largest value of its group and metric. The exact
// q-quantile of n values is the ⌈q·n⌉-th smallest (the first at q = 0):
// the smallest value whose cumulative share reaches q, as SQL's
// PERCENTILE_DISC and DuckDB's quantile_disc define it, so an engine's
// discrete quantile is the value the bound is stated against.
const RelativeAccuracy = 0.01

// MinRelativeAccuracy is the finest accuracy WithRelativeAccuracy accepts:
// a sketch needs about 1/(2α) bins per factor e of range it covers, so
// a finer α would make each sketch hundreds of kilobytes, and one near
// 1e-16 has no logarithmic mapping at all.
const MinRelativeAccuracy = 0.001

// SketchRange is the ratio of the largest to the smallest value a sketch
// keeps apart: at most SketchBins(α) bins of each sign, which cover the
// values from the largest down to SketchRange times less. Smaller values
// (a jitter of 1e-300 ms beside one of 30 ms) are counted in the lowest bin
// kept, so that a sketch stays a few kilobytes whatever the values: their
// quantiles lose the accuracy bound, every larger quantile keeps it.
const SketchRange = 1e9

// SketchBins is the number of bins a sketch of relative accuracy alpha
// keeps for each sign: 1037 at RelativeAccuracy, 8 bytes each.
func SketchBins(alpha float64) int {
	gamma := (1 + alpha) / (1 - alpha) // the logarithmic mapping's base
	return int(math.Ceil(math.Log(SketchRange) / math.Log(gamma)))
}

// sketchShape is what the sketches of one aggregator share: the
// logarithmic mapping of its accuracy, the bins each store keeps, and the
// indexes a finite value can map to.
type sketchShape struct {
	mapping *mapping.LogarithmicMapping
	bins    int
	lo, hi  int
}

func newSketchShape(alpha float64) (sketchShape, error) {
	if !(alpha >= MinRelativeAccuracy && alpha < 1) {
		return sketchShape{}, fmt.Errorf("fleet: relative accuracy %v: want a number from %v to 1 (excluded)", alpha, MinRelativeAccuracy)
	}
	m, err := mapping.NewLogarithmicMapping(alpha)
	if err != nil || m == nil {
		return sketchShape{}, fmt.Errorf("fleet: relative accuracy %v: no logarithmic mapping", alpha)
	}
	return sketchShape{mapping: m, bins: SketchBins(alpha),
		lo: m.Index(m.MinIndexableValue()), hi: m.Index(m.MaxIndexableValue())}, nil
}

// newSketch is a DDSketch with a logarithmic mapping of the shape's
// accuracy and dense stores that keep the highest bins: adding a value
// or merging another sketch of the same shape is exact bin by bin (a
// value below the bins kept is counted in the lowest, whatever the
// order), so shards merge as if added together. Collapsing the lowest
// bins rather than the highest keeps the bound where p50, p90 and p99 of
// these metrics are: near the largest values.
func (sh sketchShape) newSketch() *ddsketch.DDSketch {
	return ddsketch.NewDDSketch(sh.mapping, store.NewCollapsingLowestDenseStore(sh.bins), store.NewCollapsingLowestDenseStore(sh.bins))
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

// decodeSketch decodes a saved sketch of this shape holding at most limit
// observations. Every bin is checked before it is stored: its index must
// be one a finite value maps to, the bins of a sign may span no more than
// the shape keeps (what this package writes never does), and counts must
// be whole, finite and positive, adding up to at most limit. So a crafted
// sketch costs at most the shape's bins, and is refused rather than
// collapsed.
func (sh sketchShape) decodeSketch(b []byte, limit int64) (*ddsketch.DDSketch, error) {
	pos, neg := sh.checkedStore(limit), sh.checkedStore(limit)
	s := ddsketch.NewDDSketch(sh.mapping, pos, neg)
	if err := s.DecodeAndMergeWith(b); err != nil {
		return nil, fmt.Errorf("not a sketch of accuracy %v: %w", sh.mapping.RelativeAccuracy(), err)
	}
	for _, c := range []*checkedStore{pos, neg} {
		if c.err != nil {
			return nil, c.err
		}
	}
	zero := s.GetZeroCount()
	if err := checkCount(zero, float64(limit)); err != nil {
		return nil, fmt.Errorf("zero values: %w", err)
	}
	if n := pos.total + neg.total + zero; n > float64(limit) {
		return nil, fmt.Errorf("%v observations in %d calls", n, limit)
	}
	out := ddsketch.NewDDSketch(sh.mapping, pos.CollapsingLowestDenseStore, neg.CollapsingLowestDenseStore)
	if zero > 0 {
		_ = out.AddWithCount(0, zero) // a count checked above
	}
	return out, nil
}

// checkCount refuses a bin's count that is not a whole number of
// observations from 0 to limit.
func checkCount(n, limit float64) error {
	if !(n >= 0 && n <= limit) || n != math.Trunc(n) {
		return fmt.Errorf("a count of %v: want a whole number from 0 to %v", n, limit)
	}
	return nil
}

// checkedStore is the store a saved sketch is decoded into: it checks each
// bin before its dense store allocates for it, and keeps the first
// problem (sketches-go drops a store's decoding error).
type checkedStore struct {
	*store.CollapsingLowestDenseStore
	sh       sketchShape
	limit    float64
	total    float64
	min, max int
	err      error
}

func (sh sketchShape) checkedStore(limit int64) *checkedStore {
	return &checkedStore{CollapsingLowestDenseStore: store.NewCollapsingLowestDenseStore(sh.bins), sh: sh,
		limit: float64(limit), min: math.MaxInt, max: math.MinInt}
}

func (c *checkedStore) Add(index int) { c.AddWithCount(index, 1) }

func (c *checkedStore) AddBin(b store.Bin) { c.AddWithCount(b.Index(), b.Count()) }

func (c *checkedStore) AddWithCount(index int, count float64) {
	if c.err != nil || count == 0 {
		return
	}
	lo, hi := min(c.min, index), max(c.max, index)
	if err := checkCount(count, c.limit); err != nil {
		c.err = fmt.Errorf("bin %d: %w", index, err)
		return
	}
	switch {
	case c.total+count > c.limit:
		c.err = fmt.Errorf("the bins count more observations than the %v calls", c.limit)
	case index < c.sh.lo || index > c.sh.hi:
		c.err = fmt.Errorf("bin %d is outside the bins of finite values (%d to %d)", index, c.sh.lo, c.sh.hi)
	case hi-lo >= c.sh.bins:
		c.err = fmt.Errorf("bins %d to %d: a sketch of this accuracy keeps %d", lo, hi, c.sh.bins)
	default:
		c.min, c.max, c.total = lo, hi, c.total+count
		c.CollapsingLowestDenseStore.AddWithCount(index, count)
	}
}

func (c *checkedStore) DecodeAndMergeWith(b *[]byte, mode enc.SubFlag) error {
	if err := store.DecodeAndMergeWith(c, b, mode); err != nil && c.err == nil {
		c.err = fmt.Errorf("cut short: %w", err)
	}
	return c.err
}
