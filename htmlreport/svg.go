package htmlreport

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"html/template"
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Charts are drawn by gonum/plot on its SVG canvas and inlined in the page.
// Two things are rewritten in what the canvas writes, so that the page
// stays self-contained and readable in both colour schemes:
//   - the font: gonum measures text with its embedded Liberation Sans and
//     names that family; the page names the generic sans-serif instead
//     (Liberation Sans is metric-compatible with the usual sans-serif
//     faces), so no font is looked up by name, let alone fetched;
//   - the ink: text, axes and ticks are drawn in a sentinel colour that
//     becomes currentColor, the page's text colour, dark on light and light
//     on dark.

// ink is the sentinel colour of text and axes; no series uses it.
var ink = color.RGBA{R: 0x01, G: 0x02, B: 0x03, A: 0xff}

const (
	inkHex     = "#010203"
	fontFamily = "font-family:Liberation Sans;"
	svgFamily  = "font-family:sans-serif;"
)

// sans is the face gonum measures the charts' text with.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Series colours: Okabe and Ito's palette for colour-blind readers, whose
// mid tones read on a light and on a dark background alike.
var palette = []color.Color{
	color.RGBA{0x00, 0x72, 0xB2, 0xff}, // blue
	color.RGBA{0xE6, 0x9F, 0x00, 0xff}, // orange
	color.RGBA{0x00, 0x9E, 0x73, 0xff}, // bluish green
	color.RGBA{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	color.RGBA{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	color.RGBA{0xD5, 0x5E, 0x00, 0xff}, // vermillion
}

var (
	colorPoor = color.RGBA{0xD5, 0x5E, 0x00, 0xff} // vermillion: past a threshold, poor
	colorOK   = color.RGBA{0x00, 0x9E, 0x73, 0xff} // bluish green: within
	colorBar  = color.RGBA{0x56, 0xB4, 0xE9, 0xff} // sky blue: a count or share
	colorGrid = color.RGBA{0x80, 0x80, 0x80, 0x50} // a translucent grey, on either background
)

// newPlot is a plot in the page's style: transparent, sans-serif, inked.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.BackgroundColor = nil // the page's background shows through
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Title.TextStyle.Font = font.From(sans, 12)
	p.Title.TextStyle.Color = ink
	p.Title.Padding = vg.Points(6)
	p.Legend.TextStyle.Font = font.From(sans, 10)
	p.Legend.TextStyle.Color = ink
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Color = ink
		a.Label.TextStyle.Font = font.From(sans, 10)
		a.Label.TextStyle.Color = ink
		a.Tick.Color = ink
		a.Tick.Label.Font = font.From(sans, 9)
		a.Tick.Label.Color = ink
	}
	return p
}

// chartSVG draws with draw onto a w×h canvas and returns the SVG element
// to inline: with id, role img, and a <title> and <desc> that name it for
// screen readers (both escaped here; gonum escapes the text it draws).
// gonum panics on some inputs (a degenerate range, say): that is returned
// as an error, never let through.
func chartSVG(id, title, desc string, w, h vg.Length, drawTo func(c draw.Canvas)) (svg template.HTML, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("htmlreport: drawing chart %s: %v", id, r)
		}
	}()
	c := vgsvg.NewWith(vgsvg.UseWH(w, h))
	drawTo(draw.New(c))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return "", fmt.Errorf("htmlreport: chart %s: %w", id, err)
	}
	return inlineSVG(b.String(), id, title, desc, w, h)
}

// inlineSVG replaces the canvas's XML prelude and <svg> tag by one for
// inline use, and rewrites the font and the ink (see above).
func inlineSVG(doc, id, title, desc string, w, h vg.Length) (template.HTML, error) {
	start := strings.Index(doc, "<svg")
	end := -1
	if start >= 0 {
		end = strings.Index(doc[start:], ">")
	}
	if end < 0 {
		return "", errors.New("htmlreport: the SVG canvas wrote no <svg> element")
	}
	body := doc[start+end+1:]
	body = strings.ReplaceAll(body, fontFamily, svgFamily)
	body = strings.ReplaceAll(body, inkHex, "currentColor")
	if strings.Contains(body, "font-family:") && strings.Count(body, "font-family:") != strings.Count(body, svgFamily) {
		return "", fmt.Errorf("htmlreport: chart %s names a font other than %s", id, svgFamily)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.5g %.5g" id="%s" role="img" aria-labelledby="%[3]s-title %[3]s-desc" class="chart-svg">`,
		w.Points(), h.Points(), html.EscapeString(id))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%[1]s-desc">%s</desc>`, html.EscapeString(id), html.EscapeString(title), html.EscapeString(desc))
	b.WriteString(body)
	return template.HTML(b.String()), nil //nolint:gosec // built from escaped text and gonum's escaped drawing
}
