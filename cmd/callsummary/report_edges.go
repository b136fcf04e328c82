package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/voiceinsights/callsummary/internal/safetext"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// writeEdges lists the edges expected for the call type, present or
// missing (with why), then any present edge that was not expected.
func writeEdges(w io.Writer, s *callsummary.Summary, st reportStyle) {
	expected := s.ExpectedEdges()
	switch {
	case s.CallType == nil:
		st.section(w, "Edges (call type unknown: none expected)")
	case len(expected) == 0:
		st.section(w, fmt.Sprintf("Edges (Twilio documents none for a %s call)", enumStr((*string)(s.CallType), knownCallTypes)))
	default:
		st.section(w, fmt.Sprintf("Edges expected for a %s call: %s", str((*string)(s.CallType)), joinNames(expected, callsummary.EdgeKind.String)))
	}
	missing := map[callsummary.EdgeKind]bool{}
	for _, k := range s.MissingEdges() {
		missing[k] = true
	}
	isExpected := map[callsummary.EdgeKind]bool{}
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

func missingReason(s *callsummary.Summary, k callsummary.EdgeKind) string {
	switch {
	case !s.IsComplete():
		return "not assembled yet (partial summary)"
	case k == callsummary.EdgeSDK:
		return "the Voice SDK reported nothing (an old SDK, or insights disabled in it)"
	}
	return "absent from the complete summary"
}

// edgeWhere says where a gateway edge handled the media: the first thing
// to check when one region's calls suffer.
func edgeWhere(e callsummary.Edge) string {
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
	return ": " + safetext.Printable(strings.Join(parts, ", "))
}

// joinNames lists xs by name, comma-separated.
func joinNames[T any](xs []T, name func(T) string) string {
	names := make([]string, len(xs))
	for i, x := range xs {
		names[i] = name(x)
	}
	return strings.Join(names, ", ")
}

// tagName is a tag as the server sent it, made printable.
func tagName(t callsummary.Tag) string { return safetext.Printable(string(t)) }
