package main

import (
	"math"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// judgement is the verdict on a call (Summary.Verdict) and what it rests
// on. Severity compares each metric of a stream with the threshold at which
// Twilio raises its tag, so above 1 a metric is past one.
type judgement struct {
	verdict  callsummary.Verdict
	worst    callsummary.Stream
	hasWorst bool
	tags     []callsummary.Tag
}

func judge(s *callsummary.Summary) judgement {
	j := judgement{verdict: s.Verdict(), tags: s.QualityTags()}
	j.worst, j.hasWorst = s.WorstStream()
	return j
}

// severity orders calls from worst: the worst stream's Severity, raised by
// a tag (a tagged call is worse than an untagged one within thresholds),
// and lowest for a call with nothing to judge.
func (j judgement) severity() float64 {
	sev := math.Inf(-1)
	if j.hasWorst {
		sev = j.worst.Severity()
	}
	if len(j.tags) > 0 {
		sev = max(sev, 1) // at the threshold: above every good call
	}
	return sev
}

// glance is a call's quality in a few numbers, for a row of list and
// fetch's --fail-if: the verdict, and over every stream the lowest average
// MOS, the highest packet loss, the highest average jitter and RTT.
type glance struct {
	judgement
	mos, loss, jitter, rtt             float64
	hasMOS, hasLoss, hasJitter, hasRTT bool
}

func glanceAt(s *callsummary.Summary) glance {
	g := glance{judgement: judge(s)}
	for _, st := range s.Streams() {
		if m := st.MOS(); m.HasAvg && (!g.hasMOS || m.Avg < g.mos) {
			g.mos, g.hasMOS = m.Avg, true
		}
		if l, ok := st.PacketLossPercent(); ok && (!g.hasLoss || l > g.loss) {
			g.loss, g.hasLoss = l, true
		}
		if j := st.Jitter(); j.HasAvg && (!g.hasJitter || j.Avg > g.jitter) {
			g.jitter, g.hasJitter = j.Avg, true
		}
		if r := st.RTT(); r.HasAvg && (!g.hasRTT || r.Avg > g.rtt) {
			g.rtt, g.hasRTT = r.Avg, true
		}
	}
	return g
}
