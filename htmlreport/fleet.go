package htmlreport

import (
	"fmt"

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

// Aggregation computes a Fleet's results from summaries added one by one,
// in memory that grows with the number of groups, not of calls. It does
// not choose the worst calls: give Fleet the ones to show.
type Aggregation struct {
	overall, edge, hour, day *fleet.Aggregator
	breakdowns               []*fleet.Aggregator
}

// NewAggregation returns an empty aggregation.
func NewAggregation() (*Aggregation, error) {
	a := &Aggregation{}
	for _, x := range []struct {
		agg **fleet.Aggregator
		by  []fleet.Dim
	}{{&a.overall, nil}, {&a.edge, []fleet.Dim{fleet.DimEdge}}, {&a.hour, []fleet.Dim{fleet.DimHour}}, {&a.day, []fleet.Dim{fleet.DimDay}}} {
		agg, err := fleet.NewAggregator(x.by)
		if err != nil {
			return nil, err
		}
		*x.agg = agg
	}
	for _, d := range BreakdownDims() {
		agg, err := fleet.NewAggregator([]fleet.Dim{d})
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

// Add counts one summary in every result.
func (a *Aggregation) Add(s *callsummary.Summary) error {
	for _, agg := range a.all() {
		if err := agg.Add(s); err != nil {
			return fmt.Errorf("htmlreport: %w", err)
		}
	}
	return nil
}

// Calls is the number of summaries added.
func (a *Aggregation) Calls() int64 { return a.overall.Calls() }

// Fleet returns the results, with sketches, and worst as the calls to show
// (worst first). The poor share over time is by hour when the calls span
// at most three days, else by day.
func (a *Aggregation) Fleet(worst []*callsummary.Summary) Fleet {
	f := Fleet{Overall: a.overall.ResultWithSketches(), ByEdge: a.edge.ResultWithSketches(), Worst: worst}
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
