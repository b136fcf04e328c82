package htmlreport

import (
	"errors"
	"fmt"
	"maps"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Fleet is what the fleet report shows: each part a fleet.Result, and the
// worst calls, worst first. Results with sketches (ResultWithSketches)
// draw distributions; without, the charts that need them say so.
type Fleet struct {
	// Overall is every call in one group (no dimension): the headline
	// figures.
	Overall fleet.Result
	// ByEdge is grouped by edge: the distributions of MOS, jitter, packet
	// loss and RTT per edge (needs sketches).
	ByEdge fleet.Result
	// OverTime is grouped by hour or by day: the poor share over time.
	OverTime fleet.Result
	// Breakdowns are grouped by one dimension each (carriers, countries,
	// edge locations): calls and poor share per value.
	Breakdowns []fleet.Result
	// Uncounted, by dimension, is how many calls a breakdown or the time
	// series left out: those whose value came after the first
	// MaxBreakdownValues distinct ones.
	Uncounted map[fleet.Dim]int64
	// Worst are the calls to show in full, worst first.
	Worst []*callsummary.Summary
}

// BreakdownDims are the dimensions of Aggregation's breakdowns.
func BreakdownDims() []fleet.Dim {
	return []fleet.Dim{fleet.DimToCarrier, fleet.DimFromCarrier, fleet.DimToCountry, fleet.DimFromCountry, fleet.DimEdgeLocation}
}

// maxHourlyDays is the span up to which the poor share is shown by hour:
// beyond it, by day (a bar an hour would be too thin to read).
const maxHourlyDays = 3

// MaxBreakdownValues bounds the distinct values a breakdown (and the
// hours or days of the time series) counts: a sketch per metric for each
// value is tens of kilobytes, and a server can send a new carrier, country
// or start hour with every call. Calls past it are left out of that part
// only, and the page says how many.
const MaxBreakdownValues = 2000

// Aggregation computes a Fleet's results from summaries added one by one,
// in memory that grows with the number of groups, not of calls, and is
// bounded by MaxBreakdownValues for the parts a server's values open. It
// does not choose the worst calls: give Fleet the ones to show.
type Aggregation struct {
	overall, edge, hour, day *fleet.Aggregator
	breakdowns               []*fleet.Aggregator
	uncounted                map[fleet.Dim]int64
}

// NewAggregation returns an empty aggregation.
func NewAggregation() (*Aggregation, error) {
	a := &Aggregation{uncounted: map[fleet.Dim]int64{}}
	capped := fleet.WithMaxGroups(MaxBreakdownValues)
	for _, x := range []struct {
		agg  **fleet.Aggregator
		by   []fleet.Dim
		opts []fleet.AggregatorOption
	}{{&a.overall, nil, nil}, {&a.edge, []fleet.Dim{fleet.DimEdge}, nil},
		{&a.hour, []fleet.Dim{fleet.DimHour}, []fleet.AggregatorOption{capped}}, {&a.day, []fleet.Dim{fleet.DimDay}, []fleet.AggregatorOption{capped}}} {
		agg, err := fleet.NewAggregator(x.by, x.opts...)
		if err != nil {
			return nil, err
		}
		*x.agg = agg
	}
	for _, d := range BreakdownDims() {
		agg, err := fleet.NewAggregator([]fleet.Dim{d}, capped)
		if err != nil {
			return nil, err
		}
		a.breakdowns = append(a.breakdowns, agg)
	}
	return a, nil
}

func (a *Aggregation) all() []*fleet.Aggregator {
	return append([]*fleet.Aggregator{a.overall, a.edge, a.hour, a.day}, a.breakdowns...)
}

// Add counts one summary in every result. A call whose value would open
// a breakdown's (or the time series') group past MaxBreakdownValues is
// left out of that one part, and counted in Uncounted.
func (a *Aggregation) Add(s *callsummary.Summary) error {
	for _, agg := range a.all() {
		err := agg.Add(s)
		if err == nil {
			continue
		}
		if by := agg.By(); errors.Is(err, fleet.ErrTooManyGroups) && len(by) == 1 && by[0] != fleet.DimEdge {
			a.uncounted[by[0]]++ // the aggregator is as it was: the call is not in it at all
			continue
		}
		return fmt.Errorf("htmlreport: %w", err)
	}
	return nil
}

// Calls is the number of summaries added.
func (a *Aggregation) Calls() int64 { return a.overall.Calls() }

// Fleet returns the results, with sketches, and worst as the calls to show
// (worst first). The poor share over time is by hour when the calls span
// at most three days, else by day.
func (a *Aggregation) Fleet(worst []*callsummary.Summary) Fleet {
	f := Fleet{Overall: a.overall.ResultWithSketches(), ByEdge: a.edge.ResultWithSketches(), Worst: worst,
		Uncounted: maps.Clone(a.uncounted)}
	day := a.day.Result()
	f.OverTime = day
	if len(day.Groups) <= maxHourlyDays {
		f.OverTime = a.hour.Result()
	}
	for _, b := range a.breakdowns {
		f.Breakdowns = append(f.Breakdowns, b.Result())
	}
	return f
}
