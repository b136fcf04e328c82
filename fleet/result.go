package fleet

import (
	"fmt"
	"slices"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/store"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// StatsFormat names the JSON form of an Aggregator, and StatsVersion its
// version: a reader refuses another format or a newer version.
const (
	StatsFormat  = "callsummary.fleet.stats"
	StatsVersion = 1
)

// Result is what an aggregator found: one Group per distinct key, sorted
// by key. Its JSON form (Aggregator.MarshalJSON) also carries each group's
// sketches, so that a saved result merges exactly with others.
type Result struct {
	Format           string  `json:"format"`
	Version          int     `json:"version"`
	By               []Dim   `json:"by"`
	RelativeAccuracy float64 `json:"relative_accuracy"`
	// Calls is the number of summaries added. With stream dimensions a call
	// can be in several groups, so the groups' counts may add up to more.
	Calls  int64   `json:"calls"`
	Groups []Group `json:"groups"`
}

// Group is the statistics of one key.
type Group struct {
	// Key holds one value per dimension of By, "" where the summary had none.
	Key []string `json:"key"`
	// Count is the number of calls in the group.
	Count int64 `json:"count"`
	// Tags counts the calls carrying each tag, Verdicts each verdict.
	Tags     map[string]int64 `json:"tags"`
	Verdicts map[string]int64 `json:"verdicts"`
	// Quantiles has the metrics observed in the group (see Metric).
	Quantiles map[Metric]Quantiles `json:"quantiles"`
	// Sketches are the metrics' encoded DDSketches (in JSON, base64).
	Sketches map[Metric][]byte `json:"sketches,omitempty"`
}

// Quantiles of one metric in one group, within the sketch's relative
// accuracy (RelativeAccuracy) of the exact values.
type Quantiles struct {
	N   int64   `json:"n"`
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
}

// TagShare is the share of the group's calls that carry tag, in [0, 1].
func (g Group) TagShare(tag callsummary.Tag) float64 { return share(g.Tags[string(tag)], g.Count) }

// VerdictShare is the share of the group's calls with verdict v, in [0, 1].
func (g Group) VerdictShare(v callsummary.Verdict) float64 {
	return share(g.Verdicts[string(v)], g.Count)
}

func share(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// Result returns the statistics, groups sorted by key, without sketches.
func (a *Aggregator) Result() Result { return a.result(false) }

func (a *Aggregator) result(sketches bool) Result {
	r := Result{Format: StatsFormat, Version: StatsVersion, By: slices.Clone(a.by), RelativeAccuracy: a.alpha, Calls: a.calls,
		Groups: make([]Group, 0, len(a.groups))}
	if r.By == nil {
		r.By = []Dim{}
	}
	for _, g := range a.groups {
		out := Group{Key: slices.Clone(g.key), Count: g.count, Tags: map[string]int64{}, Verdicts: map[string]int64{},
			Quantiles: map[Metric]Quantiles{}}
		for t, n := range g.tags {
			out.Tags[t] = n
		}
		for v, n := range g.verdicts {
			out.Verdicts[string(v)] = n
		}
		for i, m := range Metrics() {
			sk := g.sketches[i]
			if sk == nil || sk.IsEmpty() {
				continue
			}
			var qs [3]float64
			for i, q := range []float64{0.5, 0.9, 0.99} {
				qs[i], _ = quantileAt(sk, q) // an error only for an empty sketch, excluded above
			}
			out.Quantiles[m] = Quantiles{N: int64(sk.GetCount()), P50: qs[0], P90: qs[1], P99: qs[2]}
			if sketches {
				if out.Sketches == nil {
					out.Sketches = map[Metric][]byte{}
				}
				out.Sketches[m] = encodeSketch(sk)
			}
		}
		r.Groups = append(r.Groups, out)
	}
	slices.SortFunc(r.Groups, func(x, y Group) int { return slices.Compare(x.Key, y.Key) })
	return r
}

// MarshalJSON writes the Result with each group's sketches: the form that
// UnmarshalJSON reads back and that merges exactly.
func (a *Aggregator) MarshalJSON() ([]byte, error) {
	return wirejson.Marshal(a.result(true))
}

// UnmarshalJSON replaces a's state with a saved one (MarshalJSON's form).
// Counts and sketches are checked before anything is allocated for them
// (see FromResult): a file that could not have been saved is refused, and
// reading one costs memory in proportion to its size.
func (a *Aggregator) UnmarshalJSON(b []byte) error {
	var r Result
	if err := wirejson.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("fleet: reading saved statistics: %w", err)
	}
	fresh, err := FromResult(r)
	if err != nil {
		return err
	}
	*a = *fresh
	return nil
}

// maxStreamsPerCall is how many groups of stream dimensions one call can
// fall in: four edges, two directions each.
const maxStreamsPerCall = 8

// FromResult rebuilds an aggregator from a Result that carries its sketches
// (one decoded from MarshalJSON's form), to Merge it or add to it. It
// refuses what no aggregator saves: an accuracy under MinRelativeAccuracy,
// counts that are negative, over MaxCount or inconsistent (a group of more
// calls than the result, verdicts that do not add up to their group's
// count, groups that do not add up to the calls), and sketches whose bins
// lie outside the indexes of finite values or beyond what a sketch of the
// accuracy keeps (SketchBins), or whose counts are not whole numbers
// adding up to at most the group's.
func FromResult(r Result) (*Aggregator, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("fleet: saved statistics: "+format, args...)
	}
	switch {
	case r.Format != StatsFormat:
		return nil, bad("format %q, want %q", r.Format, StatsFormat)
	case r.Version < 1 || r.Version > StatsVersion:
		return nil, bad("version %d, this package reads %d", r.Version, StatsVersion)
	case r.Calls < 0 || r.Calls > MaxCount:
		return nil, bad("%d calls: want 0 to %d", r.Calls, int64(MaxCount))
	}
	a, err := NewAggregator(r.By, WithRelativeAccuracy(r.RelativeAccuracy), WithMaxGroups(max(DefaultMaxGroups, len(r.Groups))))
	if err != nil {
		return nil, bad("%w", err)
	}
	a.calls = r.Calls
	var counted int64 // the groups' counts, at most maxStreamsPerCall·Calls
	for gi, rg := range r.Groups {
		if len(rg.Key) != len(r.By) {
			return nil, bad("group %d has %d key values for %d dimensions", gi, len(rg.Key), len(r.By))
		}
		k := groupKey(rg.Key)
		if _, dup := a.groups[k]; dup {
			return nil, bad("group %d repeats the key %q", gi, rg.Key)
		}
		if rg.Count < 1 || rg.Count > r.Calls {
			return nil, bad("group %d counts %d calls: want 1 to the %d calls of the statistics", gi, rg.Count, r.Calls)
		}
		if counted += rg.Count; counted > maxStreamsPerCall*r.Calls {
			return nil, bad("the groups count %d calls or more, for %d calls", counted, r.Calls)
		}
		if len(rg.Tags) > maxTagsPerGroup+1 {
			return nil, bad("group %d has %d tags, more than the %d kept", gi, len(rg.Tags), maxTagsPerGroup+1)
		}
		g, err := a.group(slices.Clone(rg.Key))
		if err != nil {
			return nil, bad("%w", err)
		}
		g.count = rg.Count
		for t, n := range rg.Tags {
			// OtherTag counts tags, several per call; the others count calls.
			limit := rg.Count
			if t == OtherTag {
				limit = MaxCount
			}
			if n < 0 || n > limit {
				return nil, bad("group %d: tag %q counted %d times in %d calls", gi, t, n, rg.Count)
			}
			g.tags[t] = n
		}
		var verdicts int64
		for v, n := range rg.Verdicts {
			if !slices.Contains(callsummary.Verdicts(), callsummary.Verdict(v)) || n < 0 || n > rg.Count {
				return nil, bad("group %d: verdict %q counted %d times in %d calls", gi, v, n, rg.Count)
			}
			g.verdicts[callsummary.Verdict(v)] = n
			verdicts += n // at most 4 counts of at most MaxCount: no overflow
		}
		if verdicts != rg.Count {
			return nil, bad("group %d: %d verdicts for %d calls", gi, verdicts, rg.Count)
		}
		for m, b := range rg.Sketches {
			i := slices.Index(Metrics(), m)
			if i < 0 {
				return nil, bad("group %d: unknown metric %q", gi, m)
			}
			sk, err := a.shape.decodeSketch(b, rg.Count)
			if err != nil {
				return nil, bad("group %d, %s: %w", gi, m, err)
			}
			g.sketches[i] = sk
		}
		if len(rg.Sketches) < len(rg.Quantiles) {
			return nil, bad("group %d has quantiles without their sketches: not a saved aggregation", gi)
		}
	}
	switch {
	case !a.streamDim && counted != r.Calls:
		return nil, bad("the groups count %d calls, the statistics %d", counted, r.Calls)
	case a.streamDim && counted < r.Calls:
		return nil, bad("the groups count %d calls, fewer than the %d of the statistics", counted, r.Calls)
	}
	return a, nil
}

// ResultWithSketches returns the statistics as Result does, each group
// with its encoded sketches (Group.Sketches), from which
// Group.SketchQuantiles estimates any quantile: a distribution to draw.
func (a *Aggregator) ResultWithSketches() Result { return a.result(true) }

// SketchQuantiles estimates the q-quantiles of metric m in the group, each
// within the sketch's relative accuracy of the exact one (the ⌈q·n⌉-th
// smallest value, as for Quantiles). It needs the group's sketch
// (ResultWithSketches, or a saved result); each q must be in [0, 1].
func (g Group) SketchQuantiles(m Metric, qs ...float64) ([]float64, error) {
	b, ok := g.Sketches[m]
	if !ok {
		return nil, fmt.Errorf("fleet: the group has no sketch of %s", m)
	}
	// A sparse store: memory in proportion to the bins the bytes hold,
	// whatever indexes they name (a Group may come from any JSON).
	sk, err := ddsketch.DecodeDDSketch(b, store.SparseStoreConstructor, nil)
	if err != nil {
		return nil, fmt.Errorf("fleet: sketch of %s: %w", m, err)
	}
	out := make([]float64, len(qs))
	for i, q := range qs {
		if !(q >= 0 && q <= 1) {
			return nil, fmt.Errorf("fleet: quantile %v: want a number from 0 to 1", q)
		}
		if out[i], err = quantileAt(sk, q); err != nil {
			return nil, fmt.Errorf("fleet: sketch of %s: %w", m, err)
		}
	}
	return out, nil
}
