package fleet

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/DataDog/sketches-go/ddsketch"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Errors of the aggregation, matched with errors.Is.
var (
	// ErrUnknownDim: a dimension that Dims does not list.
	ErrUnknownDim = errors.New("fleet: unknown dimension")
	// ErrIncompatible: Merge or a saved result of other dimensions or
	// another sketch accuracy.
	ErrIncompatible = errors.New("fleet: results cannot be merged")
	// ErrTooManyGroups: a new group past WithMaxGroups.
	ErrTooManyGroups = errors.New("fleet: too many groups")
	// ErrCountOverflow: a Merge whose calls or a group's count would pass
	// MaxCount.
	ErrCountOverflow = errors.New("fleet: counts too large")
)

// MaxCount bounds the calls of an aggregator and every count it keeps:
// below it, a sketch's float64 counts are exact integers, and no sum of
// two overflows. Saved statistics over it are refused.
const MaxCount = 1 << 53

// Metric is a quantity whose quantiles each group reports.
type Metric string

// The metrics. A call gives one observation per group: for stream
// metrics, the worst of its streams in the group (the lowest MOS average,
// the highest jitter average, packet loss and RTT average); for the call
// metrics, its value. What Twilio did not send is not observed.
const (
	MetricMOS      Metric = "mos"             // MOS average
	MetricJitter   Metric = "jitter_ms"       // jitter average, ms
	MetricLoss     Metric = "packet_loss_pct" // packet loss, percent
	MetricRTT      Metric = "rtt_ms"          // round-trip time average, ms
	MetricPDD      Metric = "pdd_ms"          // post-dial delay, ms
	MetricDuration Metric = "duration_s"      // duration, seconds
)

// Metrics returns every metric, in the order results list them.
func Metrics() []Metric {
	return []Metric{MetricMOS, MetricJitter, MetricLoss, MetricRTT, MetricPDD, MetricDuration}
}

const numMetrics = 6

// Bounds of what one aggregator keeps, whatever the input: groups, and
// distinct tags per group (beyond it, a tag counts as OtherTag).
const (
	DefaultMaxGroups = 100_000
	maxTagsPerGroup  = 64
	// OtherTag counts the tags of a group beyond its 64 distinct ones.
	OtherTag = "(other)"
)

// Aggregator computes fleet statistics over summaries added one by one, in
// memory that grows with the number of groups, not of calls: a group
// holds its key, at most 65 tag counts, and a sketch per metric observed,
// each at most two stores of SketchBins(α) bins of 8 bytes whatever the
// values (about 8 KiB at RelativeAccuracy, for values spanning SketchRange;
// a few hundred bytes for the usual spread of a metric). Aggregators of
// the same dimensions merge exactly: the result of merged shards is the
// result of one aggregator that was given every call. An Aggregator is not
// safe for concurrent use; give each goroutine its own and Merge them.
type Aggregator struct {
	by        []Dim
	alpha     float64
	shape     sketchShape
	maxGroups int
	calls     int64
	groups    map[string]*group
	streamDim bool
}

type group struct {
	key      []string
	count    int64
	tags     map[string]int64
	verdicts map[callsummary.Verdict]int64
	sketches [numMetrics]*ddsketch.DDSketch
}

// AggregatorOption configures NewAggregator.
type AggregatorOption func(*Aggregator) error

// WithRelativeAccuracy sets the sketches' relative accuracy α, from
// MinRelativeAccuracy to 1 (excluded); RelativeAccuracy by default. Only
// aggregators of the same α merge.
func WithRelativeAccuracy(alpha float64) AggregatorOption {
	return func(a *Aggregator) error {
		if _, err := newSketchShape(alpha); err != nil {
			return err
		}
		a.alpha = alpha
		return nil
	}
}

// WithMaxGroups bounds the number of groups (DefaultMaxGroups by default):
// a call that would open one more makes Add fail with ErrTooManyGroups.
func WithMaxGroups(n int) AggregatorOption {
	return func(a *Aggregator) error {
		if n < 1 {
			return fmt.Errorf("fleet: max groups %d: want at least 1", n)
		}
		a.maxGroups = n
		return nil
	}
}

// NewAggregator returns an aggregator grouping by the dimensions by, in
// that order (none: one group of every call).
func NewAggregator(by []Dim, opts ...AggregatorOption) (*Aggregator, error) {
	a := &Aggregator{by: slices.Clone(by), alpha: RelativeAccuracy, maxGroups: DefaultMaxGroups, groups: map[string]*group{}}
	for i, d := range by {
		if _, ok := dims[d]; !ok {
			return nil, fmt.Errorf("%w: %q (want one of %s)", ErrUnknownDim, string(d), dimNames())
		}
		if slices.Contains(by[:i], d) {
			return nil, fmt.Errorf("%w: %q is listed twice", ErrUnknownDim, string(d))
		}
		a.streamDim = a.streamDim || d.IsStream()
	}
	for _, o := range opts {
		if err := o(a); err != nil {
			return nil, err
		}
	}
	var err error
	if a.shape, err = newSketchShape(a.alpha); err != nil {
		return nil, err
	}
	return a, nil
}

// By returns the dimensions the aggregator groups by.
func (a *Aggregator) By() []Dim { return slices.Clone(a.by) }

// Calls is the number of summaries added (merged ones included).
func (a *Aggregator) Calls() int64 { return a.calls }

// Add counts one summary. A nil summary is ignored.
func (a *Aggregator) Add(s *callsummary.Summary) error {
	if s == nil {
		return nil
	}
	streams := s.Streams()
	verdict := s.Verdict()
	key := make([]string, len(a.by))
	for i, d := range a.by {
		if f := dims[d].call; f != nil {
			key[i] = f(s)
		}
	}
	if !a.streamDim {
		if err := a.observe(s, key, streams, verdict); err != nil {
			return err
		}
		a.calls++
		return nil
	}
	// One observation per distinct stream key, with the streams in it.
	type bucket struct {
		key     []string
		streams []callsummary.Stream
	}
	var buckets []bucket
	for _, st := range streams {
		k := slices.Clone(key)
		for i, d := range a.by {
			if f := dims[d].stream; f != nil {
				k[i] = f(s, st)
			}
		}
		j := slices.IndexFunc(buckets, func(b bucket) bool { return slices.Equal(b.key, k) })
		if j < 0 {
			buckets = append(buckets, bucket{key: k})
			j = len(buckets) - 1
		}
		buckets[j].streams = append(buckets[j].streams, st)
	}
	if len(buckets) == 0 {
		buckets = append(buckets, bucket{key: key})
	}
	// Every group the call falls in must exist or fit before any counts
	// it: a call is counted whole or not at all.
	fresh := 0
	for _, b := range buckets {
		if _, ok := a.groups[groupKey(b.key)]; !ok {
			fresh++
		}
	}
	if len(a.groups)+fresh > a.maxGroups {
		return fmt.Errorf("%w: more than %d", ErrTooManyGroups, a.maxGroups)
	}
	for _, b := range buckets {
		if err := a.observe(s, b.key, b.streams, verdict); err != nil {
			return err
		}
	}
	a.calls++
	return nil
}

func (a *Aggregator) observe(s *callsummary.Summary, key []string, streams []callsummary.Stream, v callsummary.Verdict) error {
	g, err := a.group(key)
	if err != nil {
		return err
	}
	g.count++
	g.verdicts[v]++
	for _, tag := range s.QualityTags() { // each once: a share of calls
		t := string(tag)
		if _, ok := g.tags[t]; !ok && len(g.tags) >= maxTagsPerGroup {
			t = OtherTag
		}
		g.tags[t]++
	}
	var obs [numMetrics]float64
	var has [numMetrics]bool
	worst := func(m int, v float64, lower bool) {
		if !has[m] || (lower && v < obs[m]) || (!lower && v > obs[m]) {
			obs[m], has[m] = v, true
		}
	}
	for _, st := range streams {
		if m := st.MOS(); m.HasAvg {
			worst(0, m.Avg, true)
		}
		if j := st.Jitter(); j.HasAvg {
			worst(1, j.Avg, false)
		}
		if l, ok := st.PacketLossPercent(); ok {
			worst(2, l, false)
		}
		if r := st.RTT(); r.HasAvg {
			worst(3, r.Avg, false)
		}
	}
	if s.Properties != nil && s.Properties.PDDMs != nil {
		obs[4], has[4] = float64(*s.Properties.PDDMs), true
	}
	if s.Duration != nil {
		obs[5], has[5] = float64(*s.Duration), true
	}
	for m := range numMetrics {
		if !has[m] {
			continue
		}
		if g.sketches[m] == nil {
			g.sketches[m] = a.shape.newSketch()
		}
		addValue(g.sketches[m], obs[m])
	}
	return nil
}

// groupKey joins a key's values with a separator no dimension value holds
// unescaped (a unit separator inside a value is doubled).
func groupKey(key []string) string {
	var b strings.Builder
	for _, k := range key {
		b.WriteString(strings.ReplaceAll(k, "\x1f", "\x1f\x1f"))
		b.WriteString("\x1f;")
	}
	return b.String()
}

func (a *Aggregator) group(key []string) (*group, error) {
	k := groupKey(key)
	if g, ok := a.groups[k]; ok {
		return g, nil
	}
	if len(a.groups) >= a.maxGroups {
		return nil, fmt.Errorf("%w: more than %d", ErrTooManyGroups, a.maxGroups)
	}
	g := &group{key: key, tags: map[string]int64{}, verdicts: map[callsummary.Verdict]int64{}}
	a.groups[k] = g
	return g, nil
}

// Merge adds other's counts and sketches to a's. other is not changed. It
// fails with ErrIncompatible when the dimensions or the accuracy differ,
// ErrTooManyGroups past a's WithMaxGroups, and ErrCountOverflow when a
// count would pass MaxCount; then a is not changed either.
func (a *Aggregator) Merge(other *Aggregator) error {
	if other == nil {
		return nil
	}
	if !slices.Equal(a.by, other.by) || a.alpha != other.alpha {
		return fmt.Errorf("%w: grouped by [%s] with accuracy %v, and by [%s] with %v",
			ErrIncompatible, joinDims(a.by), a.alpha, joinDims(other.by), other.alpha)
	}
	if err := a.canMerge(other); err != nil {
		return err
	}
	for _, og := range other.groups {
		g, err := a.group(slices.Clone(og.key))
		if err != nil {
			return err
		}
		g.count += og.count
		for v, n := range og.verdicts {
			g.verdicts[v] += n
		}
		for t, n := range og.tags {
			if _, ok := g.tags[t]; !ok && len(g.tags) >= maxTagsPerGroup {
				t = OtherTag
			}
			g.tags[t] += n
		}
		for m, sk := range og.sketches {
			if sk == nil {
				continue
			}
			if g.sketches[m] == nil {
				g.sketches[m] = sk.Copy()
				continue
			}
			if err := g.sketches[m].MergeWith(sk); err != nil {
				return fmt.Errorf("%w: %w", ErrIncompatible, err)
			}
		}
	}
	a.calls += other.calls
	return nil
}

// canMerge checks, before Merge changes anything, that other's groups fit
// and that no sum passes MaxCount. Tag and verdict counts are at most
// their group's, except OtherTag's, checked here too.
func (a *Aggregator) canMerge(other *Aggregator) error {
	over := func(x, y int64) bool { return x > MaxCount-y }
	if over(a.calls, other.calls) {
		return fmt.Errorf("%w: %d calls and %d add up past %d", ErrCountOverflow, a.calls, other.calls, int64(MaxCount))
	}
	fresh := 0
	for k, og := range other.groups {
		g, ok := a.groups[k]
		if !ok {
			fresh++
			continue
		}
		if over(g.count, og.count) || over(g.tags[OtherTag], og.tags[OtherTag]+og.otherBeyond(g)) {
			return fmt.Errorf("%w: group %q counts past %d", ErrCountOverflow, g.key, int64(MaxCount))
		}
	}
	if len(a.groups)+fresh > a.maxGroups {
		return fmt.Errorf("%w: more than %d", ErrTooManyGroups, a.maxGroups)
	}
	return nil
}

// otherBeyond bounds what og's tags can add to g's OtherTag: the counts
// of the tags g does not have (those past g's room for distinct tags are
// folded into OtherTag).
func (og *group) otherBeyond(g *group) int64 {
	var n int64
	for t, c := range og.tags {
		if _, ok := g.tags[t]; !ok && t != OtherTag {
			n = min(n+c, MaxCount+1)
		}
	}
	return n
}

func joinDims(by []Dim) string {
	s := make([]string, len(by))
	for i, d := range by {
		s[i] = string(d)
	}
	return strings.Join(s, ",")
}
