package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
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
func writeReport(w io.Writer, s *callsummary.Summary, st reportStyle) error {
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

func writeOverview(w io.Writer, s *callsummary.Summary, st reportStyle) {
	fmt.Fprintf(w, "%s\n\n", st.paint(sgrBold, "Call "+str(s.CallSID)))
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
	row("Post-dial delay", unitStr(props.PDDMs, "ms"))
	row("Disconnected by", str(props.DisconnectedBy))
	row("Last SIP response", intStr(props.LastSIPResponseNum))
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
	if len(a.QualityIssues) > 0 {
		issues := make([]string, len(a.QualityIssues))
		for i, q := range a.QualityIssues {
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
