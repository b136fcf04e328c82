package main

import (
	"strings"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/callreport"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The columns of list (and of fetch -o csv): the csv header is their names,
// documented in the README and in 'callsummary list --help'.

// listRow is one summary as list shows it: the facts every column reads,
// computed once.
type listRow struct {
	s       *callsummary.Summary
	g       glance
	showPII bool
	text    bool // for people: a value this version does not know is marked
}

func newListRow(s *callsummary.Summary, showPII, text bool) *listRow {
	return &listRow{s: s, g: glanceAt(s), showPII: showPII, text: text}
}

// listColumn is a column: its name (csv header, --fields), its title and
// width in the table, and its cell; "" is a missing
// value ("-" in the table). The last column of a table line is never cut.
type listColumn struct {
	name, title string
	width       int
	cell        func(r *listRow) string
}

func listColumns() []listColumn {
	return []listColumn{
		{"call_sid", "CALL SID", 34, func(r *listRow) string { return opt(r.s.CallSID) }},
		{"start", "START (UTC)", 20, func(r *listRow) string { return timeCell(r.s) }},
		{"type", "TYPE", 8, func(r *listRow) string { return r.enum((*string)(r.s.CallType), knownCallTypes) }},
		{"state", "STATE", 9, func(r *listRow) string { return r.enum((*string)(r.s.CallState), knownCallStates) }},
		{"direction", "DIRECTION", 20, func(r *listRow) string { return r.enum(direction(r.s), knownDirections) }},
		{"processing", "PROCESSING", 10, func(r *listRow) string {
			return r.enum((*string)(r.s.ProcessingState), knownProcessingStates)
		}},
		{"duration", "DURATION", 8, func(r *listRow) string { return cellInt(r.s.Duration) }},
		{"from", "FROM", 24, func(r *listRow) string { return partyCell(r.s.From, true, r.showPII) }},
		{"to", "TO", 24, func(r *listRow) string { return partyCell(r.s.To, false, r.showPII) }},
		{"worst_stream", "WORST STREAM", 21, func(r *listRow) string {
			if !r.g.hasWorst {
				return ""
			}
			return r.g.worst.String()
		}},
		{"mos", "MOS", 4, func(r *listRow) string { return cellNum(r.g.mos, r.g.hasMOS, 2) }},
		{"loss_pct", "LOSS%", 6, func(r *listRow) string { return cellNum(r.g.loss, r.g.hasLoss, 2) }},
		{"jitter_ms", "JITTER", 6, func(r *listRow) string { return cellNum(r.g.jitter, r.g.hasJitter, 1) }},
		{"verdict", "VERDICT", 7, func(r *listRow) string { return string(r.g.verdict) }},
		{"tags", "TAGS", 40, func(r *listRow) string { return strings.Join(r.s.Tags, ",") }},
	}
}

// The csv header, documented: what each column holds.
const listColumnsDoc = `Columns (--fields; csv shows all, in this order):
  call_sid      the call's SID
  start         start_time, RFC 3339 in UTC
  type          call_type: carrier, client, sip, trunking, whatsapp
  state         call_state, e.g. completed, noanswer
  direction     properties.direction, e.g. inbound, outbound_api
  processing    processing_state: complete or partial
  duration      duration in seconds
  from, to      the caller and the callee, masked unless --show-pii
  worst_stream  the stream the verdict names, edge/direction (e.g. sdk_edge/inbound)
  mos           the lowest average MOS of any stream
  loss_pct      the highest packet loss of any stream, in percent
  jitter_ms     the highest average jitter of any stream, in milliseconds
  verdict       good, tagged, poor or unknown, as fetch's report says
  tags          Voice Insights tags, comma-separated
A value the summary lacks is empty in csv and "-" in text; in text, a value this
version does not know ends with "(?)", and a value wider than its column is cut
with "…" (the last column is whole).`

// textListColumns are text output's columns without --fields: the ones
// that fit a wide terminal.
var textListColumns = []string{"call_sid", "start", "type", "duration", "from", "to", "worst_stream", "mos", "loss_pct", "jitter_ms", "verdict", "tags"}

func columnNames(cols []listColumn) []string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return names
}

// pickColumns returns the columns named, in that order.
func pickColumns(all []listColumn, names []string) []listColumn {
	out := make([]listColumn, 0, len(names))
	for _, n := range names {
		for _, c := range all {
			if c.name == n {
				out = append(out, c)
			}
		}
	}
	return out
}

func opt(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func direction(s *callsummary.Summary) *string {
	if s.Properties == nil {
		return nil
	}
	return s.Properties.Direction
}

func timeCell(s *callsummary.Summary) string {
	if v := callreport.Time(s.StartTime); v != "-" {
		return v
	}
	return ""
}

func cellInt(n *int) string {
	if v := callreport.Int(n); v != "-" {
		return v
	}
	return ""
}

func cellNum(v float64, ok bool, prec int) string {
	if !ok {
		return ""
	}
	return callreport.Num(v, prec)
}

// enum is a value of a set the document lists; in text, one this version
// does not know is marked "(?)", short for a table's narrow column, so
// that a new value Twilio sends reads as such.
func (r *listRow) enum(v *string, known []string) string {
	if v == nil || *v == "" {
		return ""
	}
	if r.text && !callreport.IsKnown(*v, known) {
		return *v + " (?)"
	}
	return *v
}

func partyCell(p *gen.Party, from, showPII bool) string {
	a := callreport.PartyAddress(p, from)
	switch {
	case a == nil || *a == "":
		return ""
	case showPII:
		return *a
	}
	return callreport.MaskAddress(*a)
}
