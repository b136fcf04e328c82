package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/wrapper"
)

// reportStyle is how a report is rendered; the content is fixed by the
// summary alone (no clock, no locale), so reports are golden-testable.
type reportStyle struct {
	showPII bool
	color   bool
}

// useColor: colour only for a terminal, and never when NO_COLOR is set
// (no-color.org) or TERM is dumb. A terminal is a character device; pipes,
// files and test buffers are not.
func useColor(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
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

// writeReport renders a summary as a call-quality report.
func writeReport(w io.Writer, s *wrapper.Summary, st reportStyle) error {
	var b bytes.Buffer
	writeOverview(&b, s, st)
	writeEdges(&b, s, st)
	writeStreams(&b, s, st)
	writeTags(&b, s, st)
	writeVerdict(&b, s, st)
	_, err := w.Write(b.Bytes())
	return err
}

func newTable(w io.Writer) *tabwriter.Writer { return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0) }

// section starts a part of the report: a blank line, then its title.
func (st reportStyle) section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s\n", st.paint(sgrBold, title))
}

func writeOverview(w io.Writer, s *wrapper.Summary, st reportStyle) {
	fmt.Fprintf(w, "%s\n\n", st.paint(sgrBold, "Call "+str(s.CallSid)))
	tw := newTable(w)
	row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
	row("Call type", str((*string)(s.CallType)))
	row("Call state", str((*string)(s.CallState)))
	row("Processing state", str((*string)(s.ProcessingState)))
	row("Answered by", str((*string)(s.AnsweredBy)))
	var props gen.CallProperties
	if s.Properties != nil {
		props = *s.Properties
	}
	row("Direction", str(props.Direction))
	row("Created", timeStr(s.CreatedTime))
	row("Started", timeStr(s.StartTime))
	row("Ended", timeStr(s.EndTime))
	row("Duration", secondsStr(s.Duration))
	row("Connected", secondsStr(s.ConnectDuration))
	row("Post-dial delay", unitStr(props.PddMs, "ms"))
	row("Disconnected by", str(props.DisconnectedBy))
	row("Last SIP response", intStr(props.LastSipResponseNum))
	row("From", partyLine(s.From, partyAddress(s.From, true), st.showPII))
	row("To", partyLine(s.To, partyAddress(s.To, false), st.showPII))
	if a := annotationStr(s.Annotation); a != "" {
		row("Annotation", a)
	}
	tw.Flush()
	if !s.IsComplete() && s.ProcessingState != nil {
		fmt.Fprintf(w, "\n  %s\n", st.paint(sgrYellow,
			"Partial summary: edges, metrics and tags can still change; it completes about 30 minutes after the call."))
	}
}

// partyAddress is the caller of from and the callee of to, falling back to
// the other field when Twilio filled only that one.
func partyAddress(p *gen.Party, from bool) *string {
	if p == nil {
		return nil
	}
	first, second := p.Caller, p.Callee
	if !from {
		first, second = second, first
	}
	if first != nil {
		return first
	}
	return second
}

// annotationStr summarises what a person labelled the call, leaving out
// the free-text comment, which may hold anything.
func annotationStr(a *gen.Annotation) string {
	if a == nil {
		return ""
	}
	var parts []string
	if a.CallScore != nil {
		parts = append(parts, fmt.Sprintf("score %d/5", *a.CallScore))
	}
	if a.QualityIssues != nil && len(*a.QualityIssues) > 0 {
		issues := make([]string, len(*a.QualityIssues))
		for i, q := range *a.QualityIssues {
			issues[i] = string(q)
		}
		parts = append(parts, "quality issues "+strings.Join(issues, ", "))
	}
	if a.ConnectivityIssue != nil {
		parts = append(parts, "connectivity "+string(*a.ConnectivityIssue))
	}
	if a.Incident != nil && *a.Incident != "" {
		parts = append(parts, "incident "+*a.Incident)
	}
	return strings.Join(parts, "; ")
}

func writeEdges(w io.Writer, s *wrapper.Summary, st reportStyle) {
	expected := s.ExpectedEdges()
	switch {
	case s.CallType == nil:
		st.section(w, "Edges (call type unknown: none expected)")
	case len(expected) == 0:
		st.section(w, fmt.Sprintf("Edges (Twilio documents none for a %s call)", *s.CallType))
	default:
		st.section(w, fmt.Sprintf("Edges expected for a %s call: %s", *s.CallType, joinNames(expected, wrapper.EdgeKind.String)))
	}
	missing := map[wrapper.EdgeKind]bool{}
	for _, k := range s.MissingEdges() {
		missing[k] = true
	}
	isExpected := map[wrapper.EdgeKind]bool{}
	for _, k := range expected {
		isExpected[k] = true
	}
	tw := newTable(w)
	n := 0
	// Expected edges in their documented order, then any others present.
	for _, k := range expected {
		if missing[k] {
			fmt.Fprintf(tw, "  %s\t%s\n", k, st.paint(sgrYellow, "missing: "+missingReason(s, k)))
			n++
		}
		if e, ok := s.Edge(k); ok {
			fmt.Fprintf(tw, "  %s\t%s\n", k, "present"+edgeWhere(e))
			n++
		}
	}
	for _, e := range s.Edges() {
		if !isExpected[e.Kind] {
			fmt.Fprintf(tw, "  %s\t%s\n", e.Kind, "present, not expected for this call type"+edgeWhere(e))
			n++
		}
	}
	if n == 0 {
		fmt.Fprintf(tw, "  none present\n")
	}
	tw.Flush()
}

func missingReason(s *wrapper.Summary, k wrapper.EdgeKind) string {
	switch {
	case !s.IsComplete():
		return "not assembled yet (partial summary)"
	case k == wrapper.SDKEdge:
		return "the Voice SDK reported nothing (an old SDK, or insights disabled in it)"
	}
	return "absent from the complete summary"
}

// edgeWhere says where a gateway edge handled the media: the first thing
// to check when one region's calls suffer.
func edgeWhere(e wrapper.Edge) string {
	if e.Gateway == nil || e.Gateway.Properties == nil {
		return ""
	}
	p := e.Gateway.Properties
	var parts []string
	if p.EdgeLocation != nil {
		parts = append(parts, *p.EdgeLocation)
	}
	if p.MediaRegion != nil {
		parts = append(parts, "media "+*p.MediaRegion)
	}
	if p.SignalingRegion != nil {
		parts = append(parts, "signaling "+*p.SignalingRegion)
	}
	if len(parts) == 0 {
		return ""
	}
	return ": " + strings.Join(parts, ", ")
}

// joinNames lists xs by name, comma-separated.
func joinNames[T any](xs []T, name func(T) string) string {
	names := make([]string, len(xs))
	for i, x := range xs {
		names[i] = name(x)
	}
	return strings.Join(names, ", ")
}

func tagName(t wrapper.Tag) string { return string(t) }

func writeStreams(w io.Writer, s *wrapper.Summary, st reportStyle) {
	streams := s.Streams()
	if len(streams) == 0 {
		st.section(w, "Streams: no media metrics in this summary")
		return
	}
	st.section(w, "Streams")
	fmt.Fprintf(w, "  in: received by the edge, out: sent by it; jitter, latency, RTT in ms avg/max; MOS avg/min\n")
	tw := newTable(w)
	fmt.Fprintf(tw, "  EDGE\tDIR\tCODEC\tPACKETS\tLOSS\tJITTER\tLATENCY\tMOS\tRTT\n")
	for _, x := range streams {
		m := x.Metrics
		dir := "in"
		packets := m.PacketsReceived
		if x.Direction == wrapper.Outbound {
			dir, packets = "out", m.PacketsSent
		}
		loss := "-"
		if v, ok := x.PacketLossPercent(); ok {
			loss = num(v, 2) + "%"
		}
		mos := x.MOS()
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			x.Edge, dir, codecStr(m), intStr(packets), loss,
			pair(x.Jitter().Avg, x.Jitter().HasAvg, x.Jitter().Max, x.Jitter().HasMax, 1),
			pair(x.Latency().Avg, x.Latency().HasAvg, x.Latency().Max, x.Latency().HasMax, 1),
			pair(mos.Avg, mos.HasAvg, mos.Min, mos.HasMin, 2),
			pair(x.RTT().Avg, x.RTT().HasAvg, x.RTT().Max, x.RTT().HasMax, 0))
	}
	tw.Flush()
}

func codecStr(m *gen.StreamMetrics) string {
	switch {
	case m.CodecName != nil && *m.CodecName != "":
		return *m.CodecName
	case m.Codec != nil:
		return "PT " + strconv.Itoa(*m.Codec)
	}
	return "-"
}

// pair renders "a/b" with "-" for a missing half, or "-" for both.
func pair(a float64, hasA bool, b float64, hasB bool, prec int) string {
	if !hasA && !hasB {
		return "-"
	}
	l, r := "-", "-"
	if hasA {
		l = num(a, prec)
	}
	if hasB {
		r = num(b, prec)
	}
	return l + "/" + r
}

// num formats v with prec decimals, fixed so that a column's decimal
// points line up.
func num(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.TrimLeft(s, "-0.") == "" { // -0.00 → 0.00
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

func writeTags(w io.Writer, s *wrapper.Summary, st reportStyle) {
	tags := s.QualityTags()
	if len(tags) == 0 {
		st.section(w, "Tags: none")
		return
	}
	st.section(w, "Tags")
	tw := newTable(w)
	for _, t := range tags {
		fmt.Fprintf(tw, "  %s\t%s\n", t, t.Explain())
	}
	tw.Flush()
}

// writeVerdict names the worst stream and rates the call by it: Severity
// compares each metric with the threshold at which Twilio raises its tag,
// so above 1 a metric is past one.
func writeVerdict(w io.Writer, s *wrapper.Summary, st reportStyle) {
	fmt.Fprintln(w)
	worst, ok := s.WorstStream()
	tags := s.QualityTags()
	var verdict, detail string
	switch {
	case !ok && len(tags) > 0:
		verdict, detail = st.paint(sgrYellow, "tagged"), "no media metrics to judge, but Voice Insights raised "+joinNames(tags, tagName)
	case !ok:
		verdict, detail = "unknown", "no media metrics to judge"
	case worst.Severity() > 1:
		verdict = st.paint(sgrRed, "poor")
		detail = fmt.Sprintf("worst stream %s %s (%s): its worst metric is %s× the level at which Twilio raises a tag",
			worst.Edge, worst.Direction, streamFacts(worst), num(worst.Severity(), 2))
	case len(tags) > 0:
		verdict = st.paint(sgrYellow, "tagged")
		detail = fmt.Sprintf("media within Twilio's tag thresholds, but Voice Insights raised %s; worst stream %s %s (%s)",
			joinNames(tags, tagName), worst.Edge, worst.Direction, streamFacts(worst))
	default:
		verdict = st.paint(sgrGreen, "good")
		detail = fmt.Sprintf("every stream within Twilio's tag thresholds; worst stream %s %s (%s)",
			worst.Edge, worst.Direction, streamFacts(worst))
	}
	fmt.Fprintf(w, "%s %s: %s\n", st.paint(sgrBold, "Verdict:"), verdict, detail)
}

// streamFacts lists the metrics a stream has, averages only.
func streamFacts(x wrapper.Stream) string {
	var f []string
	if v, ok := x.PacketLossPercent(); ok {
		f = append(f, "loss "+num(v, 2)+"%")
	}
	if j := x.Jitter(); j.HasAvg {
		f = append(f, "jitter "+num(j.Avg, 1)+" ms")
	}
	if l := x.Latency(); l.HasAvg {
		f = append(f, "latency "+num(l.Avg, 1)+" ms")
	}
	if m := x.MOS(); m.HasAvg {
		f = append(f, "MOS "+num(m.Avg, 2))
	}
	if r := x.RTT(); r.HasAvg {
		f = append(f, "RTT "+num(r.Avg, 0)+" ms")
	}
	if len(f) == 0 {
		return "no averages"
	}
	return strings.Join(f, ", ")
}

func str(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return *s
}

func intStr(n *int) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n)
}

func unitStr(n *int, unit string) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n) + " " + unit
}

// timeStr is RFC 3339 in UTC, whatever offset Twilio sent.
func timeStr(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// secondsStr shows a duration both readable and exact: "8m29s (509 s)".
func secondsStr(n *int) string {
	if n == nil {
		return "-"
	}
	return fmt.Sprintf("%v (%d s)", time.Duration(*n)*time.Second, *n)
}
