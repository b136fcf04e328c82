package callreport

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// StreamsNote says how to read the streams table.
const StreamsNote = "in: received by the edge, out: sent by it; jitter, latency, RTT in ms avg/max; MOS avg/min"

// streams tabulates every stream: one row per edge and direction, "-" for
// a metric the edge does not measure.
func streams(s *callsummary.Summary) []StreamRow {
	var rows []StreamRow
	for _, x := range s.Streams() {
		m := x.Metrics
		dir := "in"
		packets := m.PacketsReceived
		if x.Direction == callsummary.Outbound {
			dir, packets = "out", m.PacketsSent
		}
		loss := "-"
		if v, ok := x.PacketLossPercent(); ok {
			loss = Num(v, 2) + "%"
		}
		mos, j, l, rtt := x.MOS(), x.Jitter(), x.Latency(), x.RTT()
		rows = append(rows, StreamRow{
			Edge: x.Edge.String(), Direction: dir, Codec: codecStr(m), Packets: Int(packets), Loss: loss,
			Jitter:  pair(j.Avg, j.HasAvg, j.Max, j.HasMax, 1),
			Latency: pair(l.Avg, l.HasAvg, l.Max, l.HasMax, 1),
			MOS:     pair(mos.Avg, mos.HasAvg, mos.Min, mos.HasMin, 2),
			RTT:     pair(rtt.Avg, rtt.HasAvg, rtt.Max, rtt.HasMax, 0),
		})
	}
	return rows
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

// measures are each stream's metrics that Twilio tags past a level.
func measures(s *callsummary.Summary) []Measure {
	var out []Measure
	for _, x := range s.Streams() {
		for _, t := range callsummary.TagThresholds() {
			if v, ok := t.Value(x); ok {
				out = append(out, Measure{Stream: x.Edge.String() + " " + x.Direction.String(), Threshold: t, Value: v})
			}
		}
	}
	return out
}

func tags(s *callsummary.Summary) []TagRow {
	var rows []TagRow
	for _, t := range s.QualityTags() {
		rows = append(rows, TagRow{Tag: TagName(t), Explanation: safetext.Printable(t.Explain())})
	}
	return rows
}

// TagName is a tag as the server sent it, made printable.
func TagName(t callsummary.Tag) string { return safetext.Printable(string(t)) }

// verdict names the worst stream and rates the call by Summary.Verdict.
func verdict(s *callsummary.Summary) Verdict {
	v := s.Verdict()
	worst, hasWorst := s.WorstStream()
	tags := s.QualityTags()
	var detail string
	switch {
	case v == callsummary.VerdictTagged && !hasWorst:
		detail = "no media metrics to judge, but Voice Insights raised " + JoinNames(tags, TagName)
	case v == callsummary.VerdictUnknown:
		detail = "no media metrics to judge"
	case v == callsummary.VerdictPoor:
		detail = fmt.Sprintf("worst stream %s %s (%s): its worst metric is %s× the level at which Twilio raises a tag",
			worst.Edge, worst.Direction, streamFacts(worst), Num(worst.Severity(), 2))
	case v == callsummary.VerdictTagged:
		detail = fmt.Sprintf("media within Twilio's tag thresholds, but Voice Insights raised %s; worst stream %s %s (%s)",
			JoinNames(tags, TagName), worst.Edge, worst.Direction, streamFacts(worst))
	default:
		detail = fmt.Sprintf("every stream within Twilio's tag thresholds; worst stream %s %s (%s)",
			worst.Edge, worst.Direction, streamFacts(worst))
	}
	return Verdict{Verdict: v, Detail: detail}
}

// streamFacts lists the metrics a stream has, averages only.
func streamFacts(x callsummary.Stream) string {
	var f []string
	if v, ok := x.PacketLossPercent(); ok {
		f = append(f, "loss "+Num(v, 2)+"%")
	}
	if j := x.Jitter(); j.HasAvg {
		f = append(f, "jitter "+Num(j.Avg, 1)+" ms")
	}
	if l := x.Latency(); l.HasAvg {
		f = append(f, "latency "+Num(l.Avg, 1)+" ms")
	}
	if m := x.MOS(); m.HasAvg {
		f = append(f, "MOS "+Num(m.Avg, 2))
	}
	if r := x.RTT(); r.HasAvg {
		f = append(f, "RTT "+Num(r.Avg, 0)+" ms")
	}
	if len(f) == 0 {
		return "no averages"
	}
	return strings.Join(f, ", ")
}
