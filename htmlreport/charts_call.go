package htmlreport

import (
	"fmt"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/voiceinsights/callsummary/internal/callreport"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// thresholdChart draws each stream's metrics against the levels at which
// Twilio raises its tags: one panel per metric the call has, a bar per
// stream (vermillion past the level, green within) and the level dashed.
func thresholdChart(id string, r callreport.Report) (chartView, error) {
	v := chartView{
		ID:    id,
		Title: "Call " + r.CallSID + ": streams against Twilio's tag thresholds",
		Desc: "For each metric, a bar per stream (edge and direction) with its value, and a dashed line at the level at which Twilio raises the tag: " +
			"above it for packet loss, jitter, latency and round-trip time, below it for MOS. Bars past the level are drawn in vermillion.",
		Table: tableView{Caption: "Stream metrics against tag thresholds", Head: []string{"stream", "metric", "value", "Twilio's tag", "raised", "past it"}},
	}
	var panels []*plot.Plot
	for _, th := range callsummary.TagThresholds() {
		var ms []callreport.Measure
		for _, m := range r.Measures {
			if m.Threshold.Metric == th.Metric && finite(m.Value) {
				ms = append(ms, m)
			}
		}
		if len(ms) == 0 {
			continue
		}
		p, err := thresholdPanel(th, ms)
		if err != nil {
			return v, err
		}
		panels = append(panels, p)
		for _, m := range ms {
			past := "no"
			if th.Ratio(m.Value) > 1 {
				past = "yes"
			}
			v.Table.Rows = append(v.Table.Rows, []string{m.Stream, th.Name, fmtNum(m.Value) + unitSuffix(th.Unit), string(th.Tag), levelText(th), past})
		}
	}
	if len(panels) == 0 {
		v.Empty = "No media metrics to draw."
		return v, nil
	}
	w := vg.Length(max(320, 150*len(panels)))
	var err error
	v.SVG, err = chartSVG(v.ID, v.Title, v.Desc, w, 230, func(c draw.Canvas) {
		tiles := draw.Tiles{Rows: 1, Cols: len(panels), PadX: vg.Points(10), PadTop: vg.Points(4), PadBottom: vg.Points(4), PadLeft: vg.Points(4), PadRight: vg.Points(4)}
		canvases := plot.Align([][]*plot.Plot{panels}, tiles, c)
		for i, p := range panels {
			p.Draw(canvases[0][i])
		}
	})
	return v, err
}

func thresholdPanel(th callsummary.TagThreshold, ms []callreport.Measure) (*plot.Plot, error) {
	title := th.Name
	if th.Unit != "" {
		title += ", " + th.Unit
	}
	p := newPlot(title, "", "")
	p.Add(grid())
	n := len(ms)
	past := make(plotter.Values, n)
	within := make(plotter.Values, n)
	labels := make([]string, n)
	top := th.Level
	for i, m := range ms {
		if th.Ratio(m.Value) > 1 {
			past[i] = m.Value
		} else {
			within[i] = m.Value
		}
		top = max(top, m.Value)
		labels[i] = streamLabel(m.Stream)
	}
	width := vg.Points(min(22, 110/float64(n)))
	for _, s := range []struct {
		vals  plotter.Values
		color color.Color
	}{{within, colorOK}, {past, colorPoor}} {
		bars, err := plotter.NewBarChart(s.vals, width)
		if err != nil {
			return nil, fmt.Errorf("htmlreport: %s: %w", th.Metric, err)
		}
		bars.LineStyle.Width = 0
		bars.Color = s.color
		p.Add(bars)
	}
	level, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: th.Level}, {X: float64(n) - 0.5, Y: th.Level}})
	if err != nil {
		return nil, fmt.Errorf("htmlreport: %s: %w", th.Metric, err)
	}
	level.Color = ink
	level.Width = vg.Points(1.2)
	level.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(level)
	p.NominalX(labels...)
	p.X.Tick.Label.Rotation = 0.6
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.Y.Min, p.Y.Max = 0, top*1.15
	return p, nil
}

// streamLabel shortens "sdk_edge inbound" to "sdk in" for an axis.
func streamLabel(s string) string {
	s = strings.Replace(s, "_edge", "", 1)
	s = strings.Replace(s, "inbound", "in", 1)
	return strings.Replace(s, "outbound", "out", 1)
}

func unitSuffix(u string) string {
	switch u {
	case "":
		return ""
	case "%":
		return "%"
	}
	return " " + u
}

// levelText says where Twilio raises the tag: "above 5%", "below 3.5".
func levelText(th callsummary.TagThreshold) string {
	if th.Below {
		return "below " + fmtNum(th.Level) + unitSuffix(th.Unit)
	}
	return "above " + fmtNum(th.Level) + unitSuffix(th.Unit)
}
