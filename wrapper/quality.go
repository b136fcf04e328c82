package callsummary

import (
	"fmt"
	"slices"
)

// Direction is one of an edge's two media streams: Inbound is what the
// edge received, Outbound what it sent.
type Direction uint8

const (
	Inbound  Direction = iota + 1 // metrics.inbound: received by the edge
	Outbound                      // metrics.outbound: sent by the edge
)

// String is the JSON name: "inbound" or "outbound".
func (d Direction) String() string {
	switch d {
	case Inbound:
		return "inbound"
	case Outbound:
		return "outbound"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// Stat is a metric's statistics over a stream. Has* is false when Twilio
// did not send that statistic.
type Stat struct {
	Avg, Max, Min          float64
	HasAvg, HasMax, HasMin bool
}

func statOf(m *MetricStats) Stat {
	var s Stat
	if m == nil {
		return s
	}
	if m.Avg != nil {
		s.Avg, s.HasAvg = *m.Avg, true
	}
	if m.Max != nil {
		s.Max, s.HasMax = *m.Max, true
	}
	if m.Min != nil {
		s.Min, s.HasMin = *m.Min, true
	}
	return s
}

// Stream is one direction of one edge. Metrics is never nil in a Stream
// returned by this package.
type Stream struct {
	Edge      EdgeKind
	Direction Direction
	Metrics   *StreamMetrics
}

// String reads like "sdk_edge/inbound".
func (s Stream) String() string { return s.Edge.String() + "/" + s.Direction.String() }

// PacketLossPercent is packets_loss_percentage (Twilio tags above 5).
func (s Stream) PacketLossPercent() (float64, bool) {
	if s.Metrics == nil || s.Metrics.PacketsLossPercentage == nil {
		return 0, false
	}
	return *s.Metrics.PacketsLossPercentage, true
}

// Jitter in milliseconds.
func (s Stream) Jitter() Stat {
	return s.stat(func(m *StreamMetrics) *MetricStats { return m.Jitter })
}

// Latency in milliseconds: Twilio-internal RTP traversal (SIP edges).
func (s Stream) Latency() Stat {
	return s.stat(func(m *StreamMetrics) *MetricStats { return m.Latency })
}

// MOS is the estimated mean opinion score, 1.0 to about 4.5 (SDK edge).
func (s Stream) MOS() Stat {
	return s.stat(func(m *StreamMetrics) *MetricStats { return m.MOS })
}

// RTT is the round-trip time in milliseconds (SDK edge).
func (s Stream) RTT() Stat {
	return s.stat(func(m *StreamMetrics) *MetricStats { return m.RTT })
}

// stat reads one metric's statistics, tolerating nil Metrics.
func (s Stream) stat(field func(*StreamMetrics) *MetricStats) Stat {
	if s.Metrics == nil {
		return Stat{}
	}
	return statOf(field(s.Metrics))
}

// TagThreshold is the level of a stream metric at which Twilio raises a
// tag, from Twilio's "Details: Call Tags" page. Severity puts every metric
// on one scale by these levels, and a chart can draw a metric against its.
type TagThreshold struct {
	Metric string  // "packet_loss_pct", "jitter_ms", "latency_ms", "rtt_ms" or "mos"
	Name   string  // for people: "packet loss", "jitter", ...
	Unit   string  // "%", "ms", or "" for MOS
	Tag    Tag     // the tag Twilio raises past the level
	Level  float64 // the level
	// Below: the tag is raised below Level (MOS), not above it.
	Below bool
}

// TagThresholds returns the levels Severity compares a stream with: packet
// loss above 5 %, average jitter above 5 ms, average latency above 150 ms
// (gateway edges), average RTT above 400 ms and average MOS below 3.5 (SDK
// edge).
func TagThresholds() []TagThreshold { return slices.Clone(tagThresholds[:]) }

// Twilio's levels, from its "Details: Call Tags" page: the one source of
// both TagThresholds and Severity.
const (
	lossThresholdPct   = 5.0
	jitterThresholdMs  = 5.0
	latencyThresholdMs = 150.0
	rttThresholdMs     = 400.0
	mosThreshold       = 3.5
)

// tagThresholds is never modified: TagThresholds returns a copy.
var tagThresholds = [...]TagThreshold{
	{Metric: "packet_loss_pct", Name: "packet loss", Unit: "%", Tag: TagHighPacketLoss, Level: lossThresholdPct},
	{Metric: "jitter_ms", Name: "jitter", Unit: "ms", Tag: TagHighJitter, Level: jitterThresholdMs},
	{Metric: "latency_ms", Name: "latency", Unit: "ms", Tag: TagHighLatency, Level: latencyThresholdMs},
	{Metric: "rtt_ms", Name: "round-trip time", Unit: "ms", Tag: TagHighLatency, Level: rttThresholdMs},
	{Metric: "mos", Name: "MOS", Tag: TagLowMOS, Level: mosThreshold, Below: true},
}

// Value is the stream's value of the threshold's metric: the packet loss,
// or the average of the others. ok is false when Twilio did not send it.
func (t TagThreshold) Value(s Stream) (v float64, ok bool) {
	var st Stat
	switch t.Metric {
	case "packet_loss_pct":
		return s.PacketLossPercent()
	case "jitter_ms":
		st = s.Jitter()
	case "latency_ms":
		st = s.Latency()
	case "rtt_ms":
		st = s.RTT()
	case "mos":
		st = s.MOS()
	}
	return st.Avg, st.HasAvg
}

// Ratio places v relative to the level: v/Level, or Level/v for a
// threshold Below (0 for a v of 0 or less, which no MOS is). Above 1, the
// value is past the level.
func (t TagThreshold) Ratio(v float64) float64 {
	if !t.Below {
		return v / t.Level
	}
	if v <= 0 {
		return 0
	}
	return t.Level / v
}

// Severity places the stream's worst metric relative to the threshold at
// which Twilio raises the matching tag (TagThresholds): the largest of
// loss/5 %, average jitter/5 ms, average latency/150 ms, average RTT/400 ms
// and 3.5/average MOS. Above 1, at least one metric is past its tag
// threshold; 0 means no metric was sent.
func (s Stream) Severity() float64 {
	// The metrics one by one rather than a loop over TagThresholds: this
	// runs for every stream of every call a fleet aggregates.
	var sev float64
	if v, ok := s.PacketLossPercent(); ok {
		sev = max(sev, v/lossThresholdPct)
	}
	if j := s.Jitter(); j.HasAvg {
		sev = max(sev, j.Avg/jitterThresholdMs)
	}
	if l := s.Latency(); l.HasAvg {
		sev = max(sev, l.Avg/latencyThresholdMs)
	}
	if r := s.RTT(); r.HasAvg {
		sev = max(sev, r.Avg/rttThresholdMs)
	}
	if m := s.MOS(); m.HasAvg && m.Avg > 0 {
		sev = max(sev, mosThreshold/m.Avg)
	}
	return sev
}

// Streams returns every stream that has metrics, edge by edge in Edges
// order, inbound before outbound.
func (s *Summary) Streams() []Stream {
	var out []Stream
	for _, e := range s.Edges() {
		for _, d := range []Direction{Inbound, Outbound} {
			if m := e.StreamMetrics(d); m != nil {
				out = append(out, Stream{Edge: e.Kind, Direction: d, Metrics: m})
			}
		}
	}
	return out
}

// WorstStream returns the stream with the highest Severity. Ties go to the
// higher packet loss, then to the first in Streams order. ok is false when
// no stream has metrics.
func (s *Summary) WorstStream() (worst Stream, ok bool) {
	var worstSev, worstLoss float64
	for _, st := range s.Streams() {
		sev := st.Severity()
		loss, _ := st.PacketLossPercent()
		if !ok || sev > worstSev || (sev == worstSev && loss > worstLoss) {
			worst, worstSev, worstLoss, ok = st, sev, loss, true
		}
	}
	return worst, ok
}

// Tag is a condition Voice Insights found that could degrade the call.
// Twilio may add tags: an unknown one is kept as is.
type Tag string

// The tags Twilio documents.
const (
	TagSilence        Tag = "silence"
	TagHighJitter     Tag = "high_jitter"
	TagHighPacketLoss Tag = "high_packet_loss"
	TagHighLatency    Tag = "high_latency"
	TagHighPDD        Tag = "high_pdd"
	TagLowMOS         Tag = "low_mos"
	TagICEFailure     Tag = "ice_failure"
)

var tagExplanations = map[Tag]string{
	TagSilence:        "no audio, or only silence, in a stream",
	TagHighJitter:     "packets arrived unevenly: average jitter above about 5 ms with peaks above about 30 ms, or over 1% of packets delayed by 200 ms or more",
	TagHighPacketLoss: "more than 5% of packets were lost",
	TagHighLatency:    "at a Twilio gateway, average RTP traversal inside Twilio above 150 ms; on the SDK edge, round-trip time above 400 ms",
	TagHighPDD:        "post-dial delay (INVITE to first ringing) above the 95th percentile for the destination country",
	TagLowMOS:         "the SDK's estimated mean opinion score fell below 3.5",
	TagICEFailure:     "ICE checked every candidate pair and found none that works: the device could not establish media",
}

// KnownTags returns the tags Twilio documents.
func KnownTags() []Tag {
	return []Tag{TagSilence, TagHighJitter, TagHighPacketLoss, TagHighLatency, TagHighPDD, TagLowMOS, TagICEFailure}
}

// Known reports whether Twilio documents t.
func (t Tag) Known() bool { _, ok := tagExplanations[t]; return ok }

// Explain says what the tag means, per Twilio's "Details: Call Tags".
func (t Tag) Explain() string {
	if e, ok := tagExplanations[t]; ok {
		return e
	}
	return fmt.Sprintf("%q is not a tag documented by Twilio when this SDK was written", string(t))
}

// QualityTags returns the summary's tags (the field s.Tags, typed), each
// once and without empty ones: a server that repeats a tag, or sends null
// in the list, does not make a call look worse.
func (s *Summary) QualityTags() []Tag {
	if s == nil || s.Tags == nil {
		return nil
	}
	out := make([]Tag, 0, len(s.Tags))
	seen := make(map[string]struct{}, len(s.Tags)) // a linear scan would be quadratic in a hostile list
	for _, t := range s.Tags {
		if _, dup := seen[t]; t != "" && !dup {
			seen[t] = struct{}{}
			out = append(out, Tag(t))
		}
	}
	return out
}

// HasTag reports whether the summary carries tag t.
func (s *Summary) HasTag(t Tag) bool {
	if s == nil || s.Tags == nil {
		return false
	}
	for _, v := range s.Tags {
		if Tag(v) == t {
			return true
		}
	}
	return false
}
