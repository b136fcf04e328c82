package htmlreport

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"

	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/internal/callreport"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

var (
	//go:embed page.tmpl
	pageTemplate string
	//go:embed style.css
	styleSheet string
)

var pages = template.Must(template.New("page").Parse(pageTemplate))

// Option configures WriteFleet and WriteCall.
type Option func(*options)

type options struct {
	showPII            bool
	title, sub, notice string
	generated          time.Time
}

// WithPII shows the parties' numbers, names, IP addresses and locations
// unmasked when show is true; by default they are masked as the text
// report masks them.
func WithPII(show bool) Option { return func(o *options) { o.showPII = show } }

// WithTitle sets the page's title.
func WithTitle(title string) Option { return func(o *options) { o.title = title } }

// WithSubtitle says, under the title, which calls the page covers.
func WithSubtitle(sub string) Option { return func(o *options) { o.sub = sub } }

// WithNotice puts a notice at the top of the page, such as that the data
// is a sandbox's.
func WithNotice(notice string) Option { return func(o *options) { o.notice = notice } }

// WithGenerated says when the page was made; without it the page carries no
// time, so that the same input makes the same bytes.
func WithGenerated(t time.Time) Option { return func(o *options) { o.generated = t } }

func newOptions(title string, opts []Option) options {
	o := options{title: title}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// head is what every page has at its top.
type head struct {
	Title, Subtitle, Notice, Generated string
	CSS                                template.CSS
}

func (o options) head() head {
	h := head{Title: o.title, Subtitle: o.sub, Notice: o.notice, CSS: template.CSS(styleSheet)} //nolint:gosec // our own style sheet
	if !o.generated.IsZero() {
		h.Generated = o.generated.UTC().Format(time.RFC3339)
	}
	return h
}

// callView is one call's section.
type callView struct {
	Anchor      string
	Rank        int // 0: a page of its own, unranked
	R           callreport.Report
	Chart       chartView
	Started     string
	Type        string
	PartialNote string
	StreamsNote string
}

func newCallView(s *callsummary.Summary, anchor string, rank int, o options) callView {
	r := callreport.Build(s, callreport.WithPII(o.showPII))
	chart := drawn(thresholdChart("chart-"+anchor, r))
	v := callView{Anchor: anchor, Rank: rank, R: r, Chart: chart, Started: callreport.Time(s.StartTime), Type: "-",
		PartialNote: callreport.PartialNote, StreamsNote: callreport.StreamsNote}
	if s.CallType != nil && *s.CallType != "" {
		v.Type = safetext.Printable(string(*s.CallType))
	}
	return v
}

// drawn keeps a chart that could not be drawn (gonum refuses some ranges,
// such as values near the largest float) as its table and a note: one odd
// value does not cost the reader the whole page.
func drawn(v chartView, err error) chartView {
	if err != nil {
		v.SVG = ""
		v.Empty = "This chart could not be drawn (" + safetext.Printable(err.Error()) + "); its table has the numbers."
	}
	return v
}

// WriteCall writes the page of one call: the same content as the command
// line's text report (overview, edges expected for the call type, streams,
// tags explained, verdict), and each stream's metrics drawn against the
// levels at which Twilio raises its tags. s must not be nil.
func WriteCall(w io.Writer, s *callsummary.Summary, opts ...Option) error {
	if s == nil {
		return fmt.Errorf("htmlreport: no summary")
	}
	o := newOptions("Call quality: "+callreport.Build(s).CallSID, opts)
	return execute(w, "callpage", struct {
		head
		Call callView
	}{o.head(), newCallView(s, "call", 0, o)})
}

// figure is one headline figure.
type figure struct{ Label, Value string }

// fleetView is the fleet page's data.
type fleetView struct {
	head
	Figures       []figure
	FiguresNote   string
	Distributions []chartView
	Tags          chartView
	OverTime      chartView
	Breakdowns    []chartView
	Calls         []callView
}

// WriteFleet writes the fleet report: headline figures, the distributions
// of MOS, jitter, packet loss and RTT per edge, tag frequencies, the poor
// share over time, breakdowns by carrier, country and edge location, and
// the worst calls, each with its own section linked from their table.
func WriteFleet(w io.Writer, f Fleet, opts ...Option) error {
	o := newOptions("Call quality report", opts)
	v := fleetView{head: o.head()}
	v.Figures, v.FiguresNote = headline(f.Overall)
	for _, dm := range distMetrics {
		v.Distributions = append(v.Distributions, drawn(distributionChart(f.ByEdge, dm)))
	}
	v.Tags = drawn(tagChart(f.Overall))
	v.OverTime = withUncounted(drawn(overTimeChart(f.OverTime)), f.OverTime, f.Uncounted)
	for _, b := range f.Breakdowns {
		v.Breakdowns = append(v.Breakdowns, withUncounted(drawn(breakdownChart(b)), b, f.Uncounted))
	}
	for i, s := range f.Worst {
		if s == nil {
			continue
		}
		v.Calls = append(v.Calls, newCallView(s, "call-"+strconv.Itoa(i+1), i+1, o))
	}
	return execute(w, "fleet", v)
}

// headline is the figures at the top: calls, the poor and tagged shares,
// and MOS (median and low tail), jitter and packet loss (median and high
// tail).
func headline(r fleet.Result) ([]figure, string) {
	note := fmt.Sprintf("Per call, each metric is that of its worst stream; quantiles are within %s of the exact values (DDSketch).", fmtPct(r.RelativeAccuracy))
	figs := []figure{{"Calls", strconv.FormatInt(r.Calls, 10)}}
	if len(r.Groups) == 0 {
		return figs, note
	}
	g := r.Groups[0]
	figs = append(figs,
		figure{"Poor", fmtPct(g.VerdictShare(callsummary.VerdictPoor))},
		figure{"Tagged", fmtPct(g.VerdictShare(callsummary.VerdictTagged))})
	q := func(m fleet.Metric, qs ...float64) []string {
		out := make([]string, len(qs))
		vals, err := g.SketchQuantiles(m, qs...)
		for i := range qs {
			out[i] = "-"
			if err == nil {
				out[i] = fmtNum(vals[i])
			}
		}
		return out
	}
	mos := q(fleet.MetricMOS, 0.5, 0.1)
	jit := q(fleet.MetricJitter, 0.5, 0.9)
	loss := q(fleet.MetricLoss, 0.5, 0.9)
	figs = append(figs,
		figure{"MOS p50", mos[0]}, figure{"MOS p10 (low tail)", mos[1]},
		figure{"Jitter p50, ms", jit[0]}, figure{"Jitter p90, ms", jit[1]},
		figure{"Packet loss p50, %", loss[0]}, figure{"Packet loss p90, %", loss[1]})
	return figs, note
}

// execute renders into memory first: a failed page writes nothing.
func execute(w io.Writer, name string, data any) error {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("htmlreport: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// withUncounted notes, under a chart of one dimension, the calls its
// aggregation left out past MaxBreakdownValues distinct values.
func withUncounted(v chartView, r fleet.Result, uncounted map[fleet.Dim]int64) chartView {
	if len(r.By) != 1 || uncounted[r.By[0]] == 0 {
		return v
	}
	note := fmt.Sprintf("%d calls are not counted here: their %s came after the first %d distinct values.",
		uncounted[r.By[0]], r.By[0], MaxBreakdownValues)
	v.Desc += " " + note
	if v.Table.Note != "" {
		note = v.Table.Note + " " + note
	}
	v.Table.Note = note
	return v
}
