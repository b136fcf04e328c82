package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/voiceinsights/callsummary/internal/callreport"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// reportStyle is how a report is rendered; the content is fixed by the
// summary alone (no clock, no locale), so reports are golden-testable.
type reportStyle struct {
	showPII bool
	color   bool
	// sandbox names the sandbox that answered: the report says so first.
	sandbox string
}

// useColor: colour only for a terminal, and never when NO_COLOR is set
// (no-color.org) or TERM is dumb. A terminal is a character device; pipes,
// files and test buffers are not.
func useColor(w *outWriter, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.file()
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// ANSI SGR codes used by the report.
const (
	sgrBold   = "1"
	sgrRed    = "31"
	sgrGreen  = "32"
	sgrYellow = "33"
)

// paint wraps s in an SGR code. It is applied only to headings and to the
// last cell of tabwriter lines, which tabwriter does not align, so escape
// codes never skew a column.
func (st reportStyle) paint(code, s string) string {
	if !st.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// writeReport renders a summary as a call-quality report: the text form of
// callreport's model, which the HTML report shares. Every string in the
// model is already printable, so a summary cannot move the cursor,
// retitle the window or forge a line.
func writeReport(w io.Writer, s *callsummary.Summary, st reportStyle) error {
	r := callreport.Build(s, callreport.WithPII(st.showPII))
	var b bytes.Buffer
	if st.sandbox != "" {
		fmt.Fprintf(&b, "%s\n\n", st.paint(sgrYellow, sandboxNotice(st.sandbox)))
	}
	writeOverview(&b, r, st)
	writeDecodeIssues(&b, r, st)
	writeEdges(&b, r, st)
	writeStreams(&b, r, st)
	writeTags(&b, r, st)
	writeVerdict(&b, r, st)
	_, err := w.Write(b.Bytes())
	return err
}

func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// section starts a part of the report: a blank line, then its title.
func (st reportStyle) section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s\n", st.paint(sgrBold, title))
}

func writeOverview(w io.Writer, r callreport.Report, st reportStyle) {
	fmt.Fprintf(w, "%s\n\n", st.paint(sgrBold, "Call "+r.CallSID))
	tw := newTable(w)
	for _, f := range r.Overview {
		fmt.Fprintf(tw, "  %s\t%s\n", f.Label, f.Value)
	}
	tw.Flush()
	if r.Partial {
		fmt.Fprintf(w, "\n  %s\n", st.paint(sgrYellow, callreport.PartialNote))
	}
}

func writeDecodeIssues(w io.Writer, r callreport.Report, st reportStyle) {
	if len(r.Issues) == 0 {
		return
	}
	st.section(w, r.IssuesTitle())
	tw := newTable(w)
	for _, d := range r.Issues {
		fmt.Fprintf(tw, "  %s\t%s\n", d.Pointer, d.Problem)
	}
	tw.Flush()
}

func writeEdges(w io.Writer, r callreport.Report, st reportStyle) {
	st.section(w, r.EdgesTitle)
	tw := newTable(w)
	for _, e := range r.Edges {
		status := e.Status
		if e.Missing {
			status = st.paint(sgrYellow, status)
		}
		fmt.Fprintf(tw, "  %s\t%s\n", e.Edge, status)
	}
	if len(r.Edges) == 0 {
		fmt.Fprintf(tw, "  none present\n")
	}
	tw.Flush()
}

func writeStreams(w io.Writer, r callreport.Report, st reportStyle) {
	if len(r.Streams) == 0 {
		st.section(w, "Streams: no media metrics in this summary")
		return
	}
	st.section(w, "Streams")
	fmt.Fprintf(w, "  %s\n", callreport.StreamsNote)
	tw := newTable(w)
	fmt.Fprintf(tw, "  EDGE\tDIR\tCODEC\tPACKETS\tLOSS\tJITTER\tLATENCY\tMOS\tRTT\n")
	for _, x := range r.Streams {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			x.Edge, x.Direction, x.Codec, x.Packets, x.Loss, x.Jitter, x.Latency, x.MOS, x.RTT)
	}
	tw.Flush()
}

func writeTags(w io.Writer, r callreport.Report, st reportStyle) {
	if len(r.Tags) == 0 {
		st.section(w, "Tags: none")
		return
	}
	st.section(w, "Tags")
	tw := newTable(w)
	for _, t := range r.Tags {
		fmt.Fprintf(tw, "  %s\t%s\n", t.Tag, t.Explanation)
	}
	tw.Flush()
}

// verdictColors paints each verdict; unknown stays plain.
var verdictColors = map[callsummary.Verdict]string{
	callsummary.VerdictPoor:   sgrRed,
	callsummary.VerdictTagged: sgrYellow,
	callsummary.VerdictGood:   sgrGreen,
}

func writeVerdict(w io.Writer, r callreport.Report, st reportStyle) {
	fmt.Fprintln(w)
	v := string(r.Verdict.Verdict)
	if code, ok := verdictColors[r.Verdict.Verdict]; ok {
		v = st.paint(code, v)
	}
	fmt.Fprintf(w, "%s %s: %s\n", st.paint(sgrBold, "Verdict:"), v, r.Verdict.Detail)
}
