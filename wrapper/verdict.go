package callsummary

// Verdict rates a whole call from its worst stream and its tags. It is what
// the CLI's report concludes with and what fleet statistics count, so that
// one call is rated the same way everywhere.
type Verdict string

// The verdicts, from best to worst knowledge of the call.
const (
	// VerdictGood: every stream within Twilio's tag thresholds, no tag.
	VerdictGood Verdict = "good"
	// VerdictTagged: no stream past a threshold (or no media metrics), but
	// Voice Insights raised a tag.
	VerdictTagged Verdict = "tagged"
	// VerdictPoor: the worst stream's Severity is above 1, i.e. at least
	// one metric is past the level at which Twilio raises its tag.
	VerdictPoor Verdict = "poor"
	// VerdictUnknown: no media metrics and no tag.
	VerdictUnknown Verdict = "unknown"
)

// Verdicts returns every verdict, in the order of the constants.
func Verdicts() []Verdict {
	return []Verdict{VerdictGood, VerdictTagged, VerdictPoor, VerdictUnknown}
}

// Verdict rates the call by WorstStream and its tags: poor when the worst
// stream's Severity is above 1; otherwise tagged when the summary carries
// any tag; otherwise good, or unknown when no stream has metrics.
func (s *Summary) Verdict() Verdict {
	if s == nil {
		return VerdictUnknown
	}
	worst, ok := s.WorstStream()
	tagged := len(s.QualityTags()) > 0
	switch {
	case ok && worst.Severity() > 1:
		return VerdictPoor
	case tagged:
		return VerdictTagged
	case ok:
		return VerdictGood
	}
	return VerdictUnknown
}
