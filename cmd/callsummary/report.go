package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/safetext"
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

// writeReport renders a summary as a call-quality report. Every string the
// server sent goes through safetext.Printable (str and the other helpers),
// so a summary cannot move the cursor, retitle the window or forge a line.
func writeReport(w io.Writer, s *callsummary.Summary, st reportStyle) error {
	var b bytes.Buffer
	if st.sandbox != "" {
		fmt.Fprintf(&b, "%s\n\n", st.paint(sgrYellow, sandboxNotice(st.sandbox)))
	}
	writeOverview(&b, s, st)
	writeDecodeIssues(&b, s, st)
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

func writeOverview(w io.Writer, s *callsummary.Summary, st reportStyle) {
	fmt.Fprintf(w, "%s\n\n", st.paint(sgrBold, "Call "+str(s.CallSID)))
	tw := newTable(w)
	row := func(k, v string) { fmt.Fprintf(tw, "  %s\t%s\n", k, v) }
	row("Call type", enumStr((*string)(s.CallType), knownCallTypes))
	row("Call state", enumStr((*string)(s.CallState), knownCallStates))
	row("Processing state", enumStr((*string)(s.ProcessingState), knownProcessingStates))
	row("Answered by", enumStr((*string)(s.AnsweredBy), knownAnsweredBy))
	var props gen.CallProperties
	if s.Properties != nil {
		props = *s.Properties
	}
	row("Direction", enumStr(props.Direction, knownDirections))
	row("Created", timeStr(s.CreatedTime))
	row("Started", timeStr(s.StartTime))
	row("Ended", timeStr(s.EndTime))
	row("Duration", secondsStr(s.Duration))
	row("Connected", secondsStr(s.ConnectDuration))
	row("Post-dial delay", unitStr(props.PDDMs, "ms"))
	row("Disconnected by", str(props.DisconnectedBy))
	row("Last SIP response", intStr(props.LastSIPResponseNum))
	row("From", partyLine(s.From, partyAddress(s.From, true), st.showPII))
	row("To", partyLine(s.To, partyAddress(s.To, false), st.showPII))
	if a := annotationStr(s.Annotation); a != "" {
		row("Annotation", a)
	}
	tw.Flush()
	if s.ProcessingState != nil && *s.ProcessingState == callsummary.ProcessingStatePartial {
		fmt.Fprintf(w, "\n  %s\n", st.paint(sgrYellow,
			"Partial summary: edges, metrics and tags can still change; it completes about 30 minutes after the call."))
	}
}

// writeDecodeIssues lists the values Twilio sent that did not fit this
// version's types: the report shows them as missing, and says why here,
// by pointer and kind, never the value.
func writeDecodeIssues(w io.Writer, s *callsummary.Summary, st reportStyle) {
	issues := s.DecodeIssues()
	if len(issues) == 0 {
		return
	}
	st.section(w, fmt.Sprintf("Not understood: %d value%s that did not fit this version's types, shown as missing", len(issues), plural(len(issues))))
	tw := newTable(w)
	for _, d := range issues {
		pointer := d.Pointer
		if pointer == "" {
			pointer = "(more)"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", safetext.Printable(pointer), safetext.Printable(message(d.Err)))
	}
	tw.Flush()
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
	if len(a.QualityIssues) > 0 {
		parts = append(parts, "quality issues "+joinNames(a.QualityIssues, func(q gen.QualityIssue) string { return string(q) }))
	}
	if a.ConnectivityIssue != nil {
		parts = append(parts, "connectivity "+string(*a.ConnectivityIssue))
	}
	if a.Incident != nil && *a.Incident != "" {
		parts = append(parts, "incident "+*a.Incident)
	}
	return safetext.Printable(strings.Join(parts, "; "))
}
