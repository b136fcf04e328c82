package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// writeStreams tabulates every stream: one row per edge and direction,
// "-" for a metric the edge does not measure.
func writeStreams(w io.Writer, s *callsummary.Summary, st reportStyle) {
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
		if x.Direction == callsummary.Outbound {
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
		return safetext.Printable(*m.CodecName)
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

func writeTags(w io.Writer, s *callsummary.Summary, st reportStyle) {
	tags := s.QualityTags()
	if len(tags) == 0 {
		st.section(w, "Tags: none")
		return
	}
	st.section(w, "Tags")
	tw := newTable(w)
	for _, t := range tags {
		fmt.Fprintf(tw, "  %s\t%s\n", tagName(t), safetext.Printable(t.Explain()))
	}
	tw.Flush()
}

// writeVerdict names the worst stream and rates the call by it (judge).
func writeVerdict(w io.Writer, s *callsummary.Summary, st reportStyle) {
	fmt.Fprintln(w)
	j := judge(s)
	worst := j.worst
	var verdict, detail string
	switch {
	case j.verdict == callsummary.VerdictTagged && !j.hasWorst:
		verdict, detail = st.paint(sgrYellow, string(callsummary.VerdictTagged)), "no media metrics to judge, but Voice Insights raised "+joinNames(j.tags, tagName)
	case j.verdict == callsummary.VerdictUnknown:
		verdict, detail = string(callsummary.VerdictUnknown), "no media metrics to judge"
	case j.verdict == callsummary.VerdictPoor:
		verdict = st.paint(sgrRed, string(callsummary.VerdictPoor))
		detail = fmt.Sprintf("worst stream %s %s (%s): its worst metric is %s× the level at which Twilio raises a tag",
			worst.Edge, worst.Direction, streamFacts(worst), num(worst.Severity(), 2))
	case j.verdict == callsummary.VerdictTagged:
		verdict = st.paint(sgrYellow, string(callsummary.VerdictTagged))
		detail = fmt.Sprintf("media within Twilio's tag thresholds, but Voice Insights raised %s; worst stream %s %s (%s)",
			joinNames(j.tags, tagName), worst.Edge, worst.Direction, streamFacts(worst))
	default:
		verdict = st.paint(sgrGreen, string(callsummary.VerdictGood))
		detail = fmt.Sprintf("every stream within Twilio's tag thresholds; worst stream %s %s (%s)",
			worst.Edge, worst.Direction, streamFacts(worst))
	}
	fmt.Fprintf(w, "%s %s: %s\n", st.paint(sgrBold, "Verdict:"), verdict, detail)
}

// streamFacts lists the metrics a stream has, averages only.
func streamFacts(x callsummary.Stream) string {
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
