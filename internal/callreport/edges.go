package callreport

import (
	"fmt"
	"strings"

	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// edges lists the edges expected for the call type, present or missing
// (with why), then any present edge that was not expected.
func edges(s *callsummary.Summary) (string, []EdgeRow) {
	expected := s.ExpectedEdges()
	var title string
	switch {
	case s.CallType == nil:
		title = "Edges (call type unknown: none expected)"
	case len(expected) == 0:
		title = fmt.Sprintf("Edges (Twilio documents none for a %s call)", enumStr((*string)(s.CallType), CallTypes))
	default:
		title = fmt.Sprintf("Edges expected for a %s call: %s", str((*string)(s.CallType)), JoinNames(expected, callsummary.EdgeKind.String))
	}
	missing := map[callsummary.EdgeKind]bool{}
	for _, k := range s.MissingEdges() {
		missing[k] = true
	}
	isExpected := map[callsummary.EdgeKind]bool{}
	for _, k := range expected {
		isExpected[k] = true
	}
	var rows []EdgeRow
	// Expected edges in their documented order, then any others present.
	for _, k := range expected {
		if missing[k] {
			rows = append(rows, EdgeRow{Edge: k.String(), Status: "missing: " + missingReason(s, k), Missing: true})
		}
		if e, ok := s.Edge(k); ok {
			rows = append(rows, EdgeRow{Edge: k.String(), Status: "present" + edgeWhere(e)})
		}
	}
	for _, e := range s.Edges() {
		if !isExpected[e.Kind] {
			rows = append(rows, EdgeRow{Edge: e.Kind.String(), Status: "present, not expected for this call type" + edgeWhere(e)})
		}
	}
	return title, rows
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
