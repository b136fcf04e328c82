package main

import (
	"math"
	"strconv"
	"strings"

	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// A threshold is one --fail-if expression, parsed: a figure, an operator
// and a limit in the figure's own unit. It is breached when the comparison
// holds (p90(jitter) > 30 is breached by a p90 of 41).
type threshold struct {
	kind    figureKind
	fn      string       // the function or bare name as typed: p90, share, mos, verdict, ...
	arg     string       // the name inside the parentheses, as typed
	q       float64      // figQuantile: 0.5, 0.9 or 0.99
	metric  fleet.Metric // figQuantile, figMetric
	class   string       // figShare, figCount, figTag, figVerdict: the verdict or tag named
	verdict bool         // class is a verdict, not a tag
	// unknownTag: class is shaped like a tag but not one this version
	// knows; it is checked as given, with a note.
	unknownTag bool
	op         compareOp
	number     string  // the limit as typed
	unit       unit    // the unit as typed, "" for none
	limit      float64 // the limit in the figure's own unit
}

type figureKind int

const (
	figQuantile figureKind = iota // pN(METRIC), of many calls
	figShare                      // share(VERDICT|TAG), of many calls, in [0, 1]
	figCount                      // count(VERDICT|TAG), of many calls
	figCalls                      // calls, of many calls
	figMetric                     // METRIC, of one call
	figVerdict                    // verdict == VERDICT, of one call
	figTag                        // tag(TAG), of one call
)

// thresholdScope is what a command's thresholds are checked against.
type thresholdScope int

const (
	scopeFleet thresholdScope = iota // a fleet.Result: stats, watch (and report)
	scopeCall                        // one summary: fetch
)

type compareOp string

const (
	opLT compareOp = "<"
	opLE compareOp = "<="
	opGT compareOp = ">"
	opGE compareOp = ">="
	opEQ compareOp = "=="
	opNE compareOp = "!="
)

func (o compareOp) holds(v, limit float64) bool {
	switch o {
	case opLT:
		return v < limit
	case opLE:
		return v <= limit
	case opGT:
		return v > limit
	case opGE:
		return v >= limit
	case opEQ:
		return v == limit
	case opNE:
		return v != limit
	}
	return false
}

type unit string

const (
	unitNone    unit = ""
	unitPercent unit = "%"
	unitMS      unit = "ms"
	unitS       unit = "s"
)

// nativeUnit is the unit a figure's values are in: the fleet metric's
// (ms, s, percent), "fraction" for a share, "" for MOS and counts.
func (t *threshold) nativeUnit() string {
	switch t.kind {
	case figShare:
		return "fraction"
	case figQuantile, figMetric:
		switch t.metric {
		case fleet.MetricJitter, fleet.MetricRTT, fleet.MetricPDD:
			return "ms"
		case fleet.MetricDuration:
			return "s"
		case fleet.MetricLoss:
			return "%"
		}
	}
	return ""
}

// unitFactor turns a number in the unit typed into the figure's own unit,
// or says why that unit does not apply. % means hundredths of a share,
// and is the unit loss already has: loss > 5% is loss > 5.
func (t *threshold) unitFactor() (float64, string) {
	native := t.nativeUnit()
	switch {
	case t.unit == unitNone:
		return 1, ""
	case t.unit == unitPercent && native == "fraction":
		return 0.01, ""
	case t.unit == unitPercent && native == "%":
		return 1, ""
	case t.unit == unitMS && native == "ms", t.unit == unitS && native == "s":
		return 1, ""
	case t.unit == unitS && native == "ms":
		return 1000, ""
	case t.unit == unitMS && native == "s":
		return 0.001, ""
	case t.unit == unitPercent:
		return 0, "% is for a share (share(poor) > 5%) and for loss, already a percent"
	case native == "":
		return 0, t.figure() + " has no unit"
	}
	return 0, "ms and s are for jitter, rtt, pdd and duration"
}

// figure is the left side as it is shown: p90(jitter), share(poor), mos.
func (t *threshold) figure() string {
	if t.arg != "" {
		return t.fn + "(" + t.arg + ")"
	}
	return t.fn
}

// String is the threshold in a canonical spelling, which a parse reads
// back to the same threshold.
func (t *threshold) String() string {
	switch t.kind {
	case figTag:
		return t.figure()
	case figVerdict:
		return "verdict " + string(t.op) + " " + t.class
	}
	return t.figure() + " " + string(t.op) + " " + t.number + string(t.unit)
}

// show writes a value of the figure in the unit the threshold was written
// in (p90(pdd) > 2s shows 2.4 s), else in the figure's own.
func (t *threshold) show(v float64) string {
	scale, suffix := 1.0, ""
	switch native := t.nativeUnit(); {
	case t.kind == figCount || t.kind == figCalls:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case native == "fraction" && t.unit == unitPercent:
		scale, suffix = 100, "%"
	case native == "fraction":
	case t.unit == unitS && native == "ms":
		scale, suffix = 0.001, " s"
	case t.unit == unitMS && native == "s":
		scale, suffix = 1000, " ms"
	case native == "%":
		suffix = "%"
	case native != "":
		suffix = " " + native
	}
	typed, _ := strconv.ParseFloat(t.number, 64)
	return apart(v*scale, typed) + suffix
}

// apart writes v with four significant digits, or as many more as it
// takes to tell it from the limit it is compared with (30.004 > 30, not
// 30 > 30).
func apart(v, limit float64) string {
	digits := 4
	for ; digits < 17; digits++ {
		if r, err := strconv.ParseFloat(sigDigits(v, digits), 64); err != nil || r != limit || v == limit {
			break
		}
	}
	return sigDigits(v, digits)
}

// sigDigits writes v rounded to digits significant digits, without an
// exponent, which people misread: 2280, not 2.28e+03.
func sigDigits(v float64, digits int) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', digits, 64), 64)
	if err != nil || math.IsInf(r, 0) || math.IsNaN(r) {
		return strconv.FormatFloat(v, 'g', digits, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// A breach is a threshold whose comparison held, with the value that made
// it and the group it held in ("" for all the calls, or the one call).
type breach struct {
	threshold *threshold
	group     string
	value     string // shown in the threshold's unit
}

// notChecked is a threshold whose figure some groups did not have: no MOS
// among carrier calls, no call at all. It is not a breach.
type notChecked struct {
	threshold *threshold
	groups    []string // "" for all the calls, or the one call
}

// checkOutcome is what checking thresholds found.
type checkOutcome struct {
	thresholds []*threshold
	breaches   []breach
	notChecked []notChecked
}

// resultFor is agg's result as checkFleet needs it for ths: with the
// groups' sketches only when a percentile beyond p50, p90 and p99 is
// asked for (encoding every sketch costs a little for each group).
func resultFor(agg *fleet.Aggregator, ths []*threshold) fleet.Result {
	for _, t := range ths {
		if t.kind == figQuantile && t.fn != "p50" && t.fn != "p90" && t.fn != "p99" {
			return agg.ResultWithSketches()
		}
	}
	return agg.Result()
}

// checkFleet checks thresholds of many calls against a fleet result:
// every threshold in every group. Without dimensions and without calls,
// the one group is empty: calls is 0, every other figure not measured.
func checkFleet(ths []*threshold, r fleet.Result) checkOutcome {
	out := checkOutcome{thresholds: ths}
	groups := r.Groups
	if len(groups) == 0 && len(r.By) == 0 {
		groups = []fleet.Group{{}}
	}
	for _, t := range ths {
		var missing []string
		for _, g := range groups {
			label := groupLabel(r.By, g.Key)
			v, ok := t.fleetValue(g)
			switch {
			case !ok:
				missing = append(missing, label)
			case t.op.holds(v, t.limit):
				out.breaches = append(out.breaches, breach{threshold: t, group: label, value: t.show(v)})
			}
		}
		if len(missing) > 0 || len(groups) == 0 {
			out.notChecked = append(out.notChecked, notChecked{threshold: t, groups: missing})
		}
	}
	return out
}

// fleetValue is the threshold's figure in group g, and whether g has it.
func (t *threshold) fleetValue(g fleet.Group) (float64, bool) {
	switch t.kind {
	case figQuantile:
		q, ok := g.Quantiles[t.metric]
		if !ok || q.N == 0 {
			return 0, false
		}
		switch t.fn {
		case "p50":
			return q.P50, true
		case "p90":
			return q.P90, true
		case "p99":
			return q.P99, true
		}
		// Another percentile is read from the group's sketch, with the
		// same bound (the result must carry its sketches).
		v, err := g.SketchQuantiles(t.metric, t.q)
		if err != nil {
			return 0, false
		}
		return v[0], true
	case figShare, figCount:
		n := g.Tags[t.class]
		if t.verdict {
			n = g.Verdicts[t.class]
		}
		if t.kind == figCount {
			return float64(n), true
		}
		if g.Count == 0 {
			return 0, false
		}
		return float64(n) / float64(g.Count), true
	case figCalls:
		return float64(g.Count), true
	}
	return 0, false
}

// groupLabel names a group for a breach line: dimension=value pairs,
// "-" for a value the calls did not have. Values are the server's: the
// line that shows them sanitizes them.
func groupLabel(by []fleet.Dim, key []string) string {
	parts := make([]string, 0, len(by))
	for i, d := range by {
		v := ""
		if i < len(key) {
			v = key[i]
		}
		parts = append(parts, string(d)+"="+orDash(v))
	}
	return strings.Join(parts, ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// checkCall checks thresholds of one call against its summary, with the
// figures list shows for its row (glanceAt).
func checkCall(ths []*threshold, s *callsummary.Summary) checkOutcome {
	out := checkOutcome{thresholds: ths}
	g := glanceAt(s)
	for _, t := range ths {
		switch t.kind {
		case figVerdict:
			got := string(g.verdict)
			if (got == t.class) == (t.op == opEQ) {
				out.breaches = append(out.breaches, breach{threshold: t, value: got})
			}
		case figTag:
			if s.HasTag(callsummary.Tag(t.class)) {
				out.breaches = append(out.breaches, breach{threshold: t, value: "tagged"})
			}
		default:
			v, ok := callValue(t.metric, g, s)
			switch {
			case !ok:
				out.notChecked = append(out.notChecked, notChecked{threshold: t, groups: []string{""}})
			case t.op.holds(v, t.limit):
				out.breaches = append(out.breaches, breach{threshold: t, value: t.show(v)})
			}
		}
	}
	return out
}

// callValue is one call's figure for a metric: list's columns for MOS,
// loss and jitter (the worst stream's), the worst RTT, and the call's
// post-dial delay and duration.
func callValue(m fleet.Metric, g glance, s *callsummary.Summary) (float64, bool) {
	switch m {
	case fleet.MetricMOS:
		return g.mos, g.hasMOS
	case fleet.MetricLoss:
		return g.loss, g.hasLoss
	case fleet.MetricJitter:
		return g.jitter, g.hasJitter
	case fleet.MetricRTT:
		return g.rtt, g.hasRTT
	case fleet.MetricPDD:
		if s.Properties != nil && s.Properties.PDDMs != nil {
			return float64(*s.Properties.PDDMs), true
		}
	case fleet.MetricDuration:
		if s.Duration != nil {
			return float64(*s.Duration), true
		}
	}
	return 0, false
}
