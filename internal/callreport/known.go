package callreport

import (
	"slices"
	"strings"

	"github.com/voiceinsights/callsummary/internal/safetext"
)

// The values of the sets the document lists that a report shows, from
// openapi/insights.yaml (the command line's tests check each list against
// the document). A value not in its list is shown marked unknown.
var (
	CallTypes        = []string{"carrier", "client", "sip", "trunking", "whatsapp"}
	CallStates       = []string{"answered", "busy", "canceled", "completed", "fail", "noanswer", "ringing", "undialed"}
	Directions       = []string{"inbound", "outbound_api", "outbound_dial", "trunking_originating", "trunking_terminating"}
	AnsweredBy       = []string{"human", "machine_start", "machine_end_beep", "machine_end_silence", "machine_end_other", "fax", "unknown"}
	ProcessingStates = []string{"complete", "partial"}
)

// EnumText is v for people: as it is if known (Twilio's docs hyphenate some
// values its API underscores), else marked unknown; made printable.
func EnumText(v string, known []string) string {
	s := safetext.Printable(v)
	if IsKnown(v, known) {
		return s
	}
	return s + " (unknown)"
}

// IsKnown reports whether v is in known, reading hyphens as underscores.
func IsKnown(v string, known []string) bool {
	return slices.Contains(known, strings.ReplaceAll(v, "-", "_"))
}
