// Package callreport is the model of one call's quality report: what the
// command line's text report and the HTML report both show, built once
// from a summary so that the two cannot drift apart. Every string in it is
// made printable (safetext.Printable); the parties are masked unless asked.
package callreport

import (
	"fmt"
	"strings"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Report is one call's report, section by section, in the order shown.
type Report struct {
	// CallSID is the call's SID, "-" when the summary has none.
	CallSID string
	// Overview is the call's facts: type, states, times, parties, ...
	Overview []Field
	// Partial: the summary is partial, so edges, metrics and tags can
	// still change.
	Partial bool
	// Issues are the values that did not fit this version's types.
	Issues []Issue
	// EdgesTitle says which edges the call type expects.
	EdgesTitle string
	// Edges are the expected edges, present or missing, then any other
	// present edge. Empty: none present.
	Edges []EdgeRow
	// Streams has one row per edge and direction with metrics.
	Streams []StreamRow
	// Tags are the summary's tags, each explained.
	Tags []TagRow
	// Verdict rates the call.
	Verdict Verdict
	// Measures are each stream's metrics against the level at which
	// Twilio raises the matching tag, stream by stream.
	Measures []Measure
}

// Field is one line of the overview.
type Field struct{ Label, Value string }

// Issue is a value that did not fit: where (a JSON Pointer) and why.
type Issue struct{ Pointer, Problem string }

// EdgeRow is an edge and what the report says of it.
type EdgeRow struct {
	Edge   string
	Status string
	// Missing: an expected edge the summary lacks.
	Missing bool
}

// StreamRow is one stream's metrics as the table shows them: "-" for what
// the edge did not measure; jitter, latency and RTT avg/max, MOS avg/min.
type StreamRow struct {
	Edge, Direction, Codec, Packets, Loss, Jitter, Latency, MOS, RTT string
}

// TagRow is a tag with what it means.
type TagRow struct{ Tag, Explanation string }

// Verdict is the call's rating and what it rests on.
type Verdict struct {
	Verdict callsummary.Verdict
	Detail  string
}

// Measure is one metric of one stream against its tag threshold.
type Measure struct {
	Stream    string // "sdk_edge inbound"
	Threshold callsummary.TagThreshold
	Value     float64
}

// Option configures Build.
type Option func(*options)

type options struct{ showPII bool }

// WithPII shows the parties' numbers, names, IP addresses and locations
// unmasked when show is true.
func WithPII(show bool) Option { return func(o *options) { o.showPII = show } }

// Build makes the report of s. s must not be nil.
func Build(s *callsummary.Summary, opts ...Option) Report {
	var o options
	for _, f := range opts {
		f(&o)
	}
	r := Report{
		CallSID:  str(s.CallSID),
		Overview: overview(s, o.showPII),
		Partial:  s.ProcessingState != nil && *s.ProcessingState == callsummary.ProcessingStatePartial,
		Issues:   issues(s),
		Streams:  streams(s),
		Tags:     tags(s),
		Verdict:  verdict(s),
		Measures: measures(s),
	}
	r.EdgesTitle, r.Edges = edges(s)
	return r
}

func overview(s *callsummary.Summary, showPII bool) []Field {
	var props gen.CallProperties
	if s.Properties != nil {
		props = *s.Properties
	}
	f := []Field{
		{"Call type", enumStr((*string)(s.CallType), CallTypes)},
		{"Call state", enumStr((*string)(s.CallState), CallStates)},
		{"Processing state", enumStr((*string)(s.ProcessingState), ProcessingStates)},
		{"Answered by", enumStr((*string)(s.AnsweredBy), AnsweredBy)},
		{"Direction", enumStr(props.Direction, Directions)},
		{"Created", Time(s.CreatedTime)},
		{"Started", Time(s.StartTime)},
		{"Ended", Time(s.EndTime)},
		{"Duration", secondsStr(s.Duration)},
		{"Connected", secondsStr(s.ConnectDuration)},
		{"Post-dial delay", unitStr(props.PDDMs, "ms")},
		{"Disconnected by", str(props.DisconnectedBy)},
		{"Last SIP response", Int(props.LastSIPResponseNum)},
		{"From", partyLine(s.From, PartyAddress(s.From, true), showPII)},
		{"To", partyLine(s.To, PartyAddress(s.To, false), showPII)},
	}
	if a := annotationStr(s.Annotation); a != "" {
		f = append(f, Field{"Annotation", a})
	}
	return f
}

// issues lists the values Twilio sent that did not fit this version's
// types: the report shows them as missing, and says why, by pointer and
// kind, never the value.
func issues(s *callsummary.Summary) []Issue {
	var out []Issue
	for _, d := range s.DecodeIssues() {
		pointer := d.Pointer
		if pointer == "" {
			pointer = "(more)"
		}
		out = append(out, Issue{safetext.Printable(pointer), safetext.Printable(strings.ReplaceAll(d.Err.Error(), "callsummary: ", ""))})
	}
	return out
}

// IssuesTitle is the heading of the issues' section.
func (r Report) IssuesTitle() string {
	return fmt.Sprintf("Not understood: %d value%s that did not fit this version's types, shown as missing", len(r.Issues), plural(len(r.Issues)))
}

// PartialNote is what a partial summary's report says of it.
const PartialNote = "Partial summary: edges, metrics and tags can still change; it completes about 30 minutes after the call."

// PartyAddress is the caller of from and the callee of to, falling back
// to the other field when Twilio filled only that one.
func PartyAddress(p *gen.Party, from bool) *string {
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
	if len(a.QualityIssues) > 0 {
		parts = append(parts, "quality issues "+JoinNames(a.QualityIssues, func(q gen.QualityIssue) string { return string(q) }))
	}
	if a.ConnectivityIssue != nil {
		parts = append(parts, "connectivity "+string(*a.ConnectivityIssue))
	}
	if a.Incident != nil && *a.Incident != "" {
		parts = append(parts, "incident "+*a.Incident)
	}
	return safetext.Printable(strings.Join(parts, "; "))
}
