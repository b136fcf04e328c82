package htmlreport

import (
	"cmp"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Chart sizes, in points; the page scales each to its column: wide charts
// span the page, half ones share a row with another.
const (
	wideW, wideH = 640, 300
	halfW, halfH = 420, 300
)

// distMetric is a metric whose distribution per edge the report draws.
type distMetric struct {
	m           fleet.Metric
	name, label string
	// lowerWorse: for MOS the poor tail is the low one.
	lowerWorse bool
}

var distMetrics = []distMetric{
	{fleet.MetricMOS, "MOS", "MOS (average of the call's worst stream on the edge)", true},
	{fleet.MetricJitter, "Jitter", "jitter, ms (average of the worst stream)", false},
	{fleet.MetricLoss, "Packet loss", "packet loss, % (worst stream)", false},
	{fleet.MetricRTT, "Round-trip time", "RTT, ms (average of the worst stream)", false},
}

// cdfQuantiles are the quantiles a distribution is drawn through: every
// percent up to the 99th, so that the far tail does not squash the rest.
var cdfQuantiles = func() []float64 {
	qs := make([]float64, 0, 100)
	for i := 0; i <= 99; i++ {
		qs = append(qs, float64(i)/100)
	}
	return qs
}()

// tableQuantiles are the quantiles the table under a distribution lists.
var tableQuantiles = []float64{0.1, 0.25, 0.5, 0.75, 0.9, 0.99}

// distributionChart draws metric dm's cumulative distribution per edge: the
// share of calls (y) at or below each value (x), read from each edge
// group's sketch at every percent up to the 99th.
func distributionChart(byEdge fleet.Result, dm distMetric) (chartView, error) {
	v := chartView{
		ID:    "chart-dist-" + string(dm.m),
		Title: dm.name + " per edge: cumulative distribution",
		Desc: fmt.Sprintf("For each edge, the share of calls (vertical axis) whose %s is at most the value on the horizontal axis, read from the statistics' sketches (each quantile within %s of the exact one); the axis ends at the largest 95th percentile, the table goes to the 99th.",
			dm.label, fmtPct(byEdge.RelativeAccuracy)),
		Table: tableView{Caption: dm.name + " quantiles per edge", Head: []string{"edge", "calls"}},
	}
	for _, q := range tableQuantiles {
		v.Table.Head = append(v.Table.Head, "p"+strconv.FormatFloat(q*100, 'f', -1, 64))
	}
	p := newPlot(v.Title, dm.label, "share of calls at or below, %")
	p.Add(grid())
	// A distribution rises from the bottom left: its legend goes bottom right.
	p.Legend.Top, p.Legend.Left = false, false
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(-4), vg.Points(4)
	p.Y.Min, p.Y.Max = 0, 100
	n := 0
	xMax := math.Inf(-1)
	for _, g := range byEdge.Groups {
		if _, ok := g.Quantiles[dm.m]; !ok || len(g.Key) != 1 || g.Key[0] == "" {
			continue
		}
		vals, err := g.SketchQuantiles(dm.m, cdfQuantiles...)
		if err != nil {
			return v, err
		}
		pts := make(plotter.XYs, 0, len(vals))
		for i, x := range vals {
			if finite(x) {
				pts = append(pts, plotter.XY{X: x, Y: cdfQuantiles[i] * 100})
			}
		}
		if x := vals[95]; finite(x) {
			xMax = max(xMax, x)
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return v, fmt.Errorf("htmlreport: %s of %s: %w", dm.m, g.Key[0], err)
		}
		line.Color = palette[n%len(palette)]
		line.Width = vg.Points(1.6)
		line.Dashes = dashes[n%len(dashes)]
		edge := safetext.Printable(g.Key[0])
		p.Add(line)
		p.Legend.Add(edge, line)
		tq, err := g.SketchQuantiles(dm.m, tableQuantiles...)
		if err != nil {
			return v, err
		}
		row := []string{edge, strconv.FormatInt(g.Quantiles[dm.m].N, 10)}
		for _, x := range tq {
			row = append(row, fmtNum(x))
		}
		v.Table.Rows = append(v.Table.Rows, row)
		n++
	}
	if n == 0 {
		v.Empty = "No call had this metric on any edge."
		return v, nil
	}
	if xMax > p.X.Min { // the far tail would squash the rest; lines are clipped
		p.X.Max = xMax
	}
	var err error
	v.SVG, err = chartSVG(v.ID, v.Title, v.Desc, halfW, halfH, p.Draw)
	return v, err
}

// dashes tell the lines apart without colour.
var dashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}, {vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}

func grid() *plotter.Grid {
	g := plotter.NewGrid()
	g.Vertical.Color = colorGrid
	g.Horizontal.Color = colorGrid
	g.Vertical.Width = vg.Points(0.5)
	g.Horizontal.Width = vg.Points(0.5)
	return g
}

// tagChart draws the share of calls carrying each tag, most frequent first.
func tagChart(overall fleet.Result) (chartView, error) {
	v := chartView{
		ID:    "chart-tags",
		Title: "Tags: share of calls carrying each",
		Desc:  "For each tag Voice Insights raised, the percentage of all calls that carry it, most frequent first.",
		Table: tableView{Caption: "Calls per tag", Head: []string{"tag", "calls", "share of calls", "meaning"}},
	}
	if len(overall.Groups) == 0 {
		v.Empty = "No calls."
		return v, nil
	}
	g := overall.Groups[0]
	tags := make([]string, 0, len(g.Tags))
	for t := range g.Tags {
		tags = append(tags, t)
	}
	slices.SortFunc(tags, func(a, b string) int { return cmp.Or(cmp.Compare(g.Tags[b], g.Tags[a]), strings.Compare(a, b)) })
	var labels []string
	var shares []float64
	for _, t := range tags {
		share := g.TagShare(callsummary.Tag(t))
		name := safetext.Printable(t)
		meaning := ""
		if tag := callsummary.Tag(t); tag.Known() {
			meaning = tag.Explain()
		}
		v.Table.Rows = append(v.Table.Rows, []string{name, strconv.FormatInt(g.Tags[t], 10), fmtPct(share), meaning})
		labels = append(labels, shorten(name))
		shares = append(shares, 100*share)
	}
	if len(tags) == 0 {
		v.Empty = "No call carries a tag."
		return v, nil
	}
	var err error
	v.SVG, err = barChartSVG(v.ID, v.Title, v.Desc, "% of calls", labels, shares, colorBar, wideW)
	return v, err
}

// overTimeChart draws the share of poor calls per hour or day.
func overTimeChart(r fleet.Result) (chartView, error) {
	unit := "day"
	if len(r.By) == 1 && r.By[0] == fleet.DimHour {
		unit = "hour (UTC)"
	}
	v := chartView{
		ID:    "chart-poor-over-time",
		Title: "Poor calls per " + unit,
		Desc:  "For each " + unit + " of the calls' start, the percentage of its calls whose verdict is poor (a metric of the worst stream past the level at which Twilio raises its tag).",
		Table: tableView{Caption: "Calls and poor share per " + unit, Head: []string{unit, "calls", "poor", "poor share", "tagged share"}},
	}
	var labels []string
	var shares []float64
	for _, g := range r.Groups {
		if len(g.Key) != 1 || g.Key[0] == "" {
			continue // no start time: no place on the axis
		}
		poor := g.VerdictShare(callsummary.VerdictPoor)
		v.Table.Rows = append(v.Table.Rows, []string{safetext.Printable(g.Key[0]), strconv.FormatInt(g.Count, 10),
			strconv.FormatInt(g.Verdicts[string(callsummary.VerdictPoor)], 10), fmtPct(poor), fmtPct(g.VerdictShare(callsummary.VerdictTagged))})
		labels = append(labels, safetext.Printable(g.Key[0]))
		shares = append(shares, 100*poor)
	}
	if len(labels) == 0 {
		v.Empty = "No call has a start time."
		return v, nil
	}
	// Label at most about a dozen bars, evenly: the rest stay readable.
	step := max(1, (len(labels)+11)/12)
	for i := range labels {
		if i%step != 0 {
			labels[i] = ""
		} else if unit != "day" {
			labels[i] = strings.Replace(labels[i], "T", " ", 1) + "h"
		}
	}
	p := newPlot(v.Title, "", "% of calls poor")
	p.Add(grid())
	bars, err := plotter.NewBarChart(plotter.Values(shares), vg.Points(max(2, min(24, 520/float64(len(shares))))))
	if err != nil {
		return v, fmt.Errorf("htmlreport: %w", err)
	}
	bars.Color = colorPoor
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = 0.6
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.Y.Min = 0
	v.SVG, err = chartSVG(v.ID, v.Title, v.Desc, wideW, wideH, p.Draw)
	return v, err
}

// maxBreakdownBars and maxTableRows bound what a breakdown shows: the
// groups with the most calls.
const (
	maxBreakdownBars = 12
	maxTableRows     = 50
)

var dimTitles = map[fleet.Dim]string{
	fleet.DimToCarrier: "callee's carrier", fleet.DimFromCarrier: "caller's carrier",
	fleet.DimToCountry: "callee's country", fleet.DimFromCountry: "caller's country",
	fleet.DimEdgeLocation: "Twilio edge location",
}

// breakdownChart draws the poor share of each value of the result's one
// dimension, for the values with the most calls.
func breakdownChart(r fleet.Result) (chartView, error) {
	if len(r.By) != 1 {
		return chartView{ID: "chart-by", Title: "Breakdown"}, fmt.Errorf("htmlreport: a breakdown is by one dimension, not %d", len(r.By))
	}
	d := r.By[0]
	title := dimTitles[d]
	if title == "" {
		title = string(d)
	}
	v := chartView{
		ID:    "chart-by-" + string(d),
		Title: "Poor calls by " + title,
		Desc:  fmt.Sprintf("For the %d values of the %s with the most calls, the percentage of their calls whose verdict is poor.", maxBreakdownBars, title),
		Table: tableView{Caption: "Calls by " + title, Head: []string{title, "calls", "poor share", "tagged share", "MOS p50", "jitter p90, ms", "loss p90, %"}},
	}
	groups := slices.Clone(r.Groups)
	slices.SortStableFunc(groups, func(a, b fleet.Group) int { return cmp.Compare(b.Count, a.Count) })
	var labels []string
	var shares []float64
	for i, g := range groups {
		if i == maxTableRows {
			v.Table.Note = fmt.Sprintf("The %d values with the most calls of %d.", maxTableRows, len(groups))
			break
		}
		name := "(none)"
		if len(g.Key) == 1 && g.Key[0] != "" {
			name = safetext.Printable(g.Key[0])
		}
		q := func(m fleet.Metric, p func(fleet.Quantiles) float64) string {
			if x, ok := g.Quantiles[m]; ok {
				return fmtNum(p(x))
			}
			return "-"
		}
		poor := g.VerdictShare(callsummary.VerdictPoor)
		v.Table.Rows = append(v.Table.Rows, []string{name, strconv.FormatInt(g.Count, 10), fmtPct(poor), fmtPct(g.VerdictShare(callsummary.VerdictTagged)),
			q(fleet.MetricMOS, func(x fleet.Quantiles) float64 { return x.P50 }),
			q(fleet.MetricJitter, func(x fleet.Quantiles) float64 { return x.P90 }),
			q(fleet.MetricLoss, func(x fleet.Quantiles) float64 { return x.P90 })})
		if i < maxBreakdownBars {
			labels = append(labels, shorten(name))
			shares = append(shares, 100*poor)
		}
	}
	if len(labels) == 0 {
		v.Empty = "No calls."
		return v, nil
	}
	var err error
	v.SVG, err = barChartSVG(v.ID, v.Title, v.Desc, "% of calls poor", labels, shares, colorPoor, halfW)
	return v, err
}

// barChartSVG draws horizontal bars, the first label on top.
func barChartSVG(id, title, desc, xLabel string, labels []string, values []float64, c color.Color, w vg.Length) (template.HTML, error) {
	p := newPlot(title, xLabel, "")
	p.Add(grid())
	// gonum draws the first value at the bottom: reverse, to read down.
	vals := make(plotter.Values, len(values))
	names := make([]string, len(labels))
	for i := range values {
		vals[len(values)-1-i] = values[i]
		names[len(labels)-1-i] = labels[i]
	}
	bars, err := plotter.NewBarChart(vals, vg.Points(min(18, 200/float64(len(vals)))))
	if err != nil {
		return "", fmt.Errorf("htmlreport: %w", err)
	}
	bars.Horizontal = true
	bars.Color = c
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalY(names...)
	p.X.Min = 0
	h := vg.Length(max(160, 60+22*len(vals)))
	return chartSVG(id, title, desc, w, h, p.Draw)
}

// shorten keeps an axis label short; the table has it whole.
func shorten(s string) string {
	if r := []rune(s); len(r) > 28 {
		return string(r[:27]) + "…"
	}
	return s
}
