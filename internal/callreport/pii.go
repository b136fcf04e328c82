package callreport

import (
	"fmt"
	"strings"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/safetext"
)

// The document marks from and to as PII (Twilio deletes them after 30
// days). A report is pasted into tickets and chats, so by default it shows
// only enough of an address to tell parties apart, and nothing of where
// they are; --show-pii shows everything.

const maskDots = "•••••" // a fixed width: the mask does not leak the length

// MaskAddress hides the personal part of a caller or callee address:
// +14155550143 → +1415•••••43 (country and area code stay: they are in
// number_prefix, which is not personal), client:alice → client:•••••,
// sip:bob@pbx.example.com → sip:•••••@pbx.example.com.
func MaskAddress(s string) string {
	for _, scheme := range []string{"client:", "sip:", "sips:", "tel:"} {
		if rest, ok := strings.CutPrefix(s, scheme); ok {
			if _, host, ok := strings.Cut(rest, "@"); ok {
				return scheme + maskDots + "@" + host
			}
			return scheme + maskDots
		}
	}
	r := []rune(s)
	switch {
	case len(r) >= 9 && r[0] == '+':
		return string(r[:5]) + maskDots + string(r[len(r)-2:])
	case len(r) >= 9:
		return string(r[:2]) + maskDots + string(r[len(r)-2:])
	}
	return maskDots
}

// partyLine renders a party: its address (masked unless showPII), then
// the facts about its network that help explain quality.
func partyLine(p *gen.Party, address *string, showPII bool) string {
	if p == nil {
		return "-"
	}
	addr := "-"
	if address != nil && *address != "" {
		addr = *address
		if !showPII {
			addr = MaskAddress(addr)
		}
	}
	var facts []string
	for _, v := range []*string{p.Connection, p.Carrier, p.CountryCode} {
		if v != nil && *v != "" {
			facts = append(facts, *v)
		}
	}
	if sdk := p.SDK; sdk != nil && sdk.Type != nil {
		s := "SDK " + *sdk.Type
		if sdk.Version != nil {
			s += " " + *sdk.Version
		}
		if sdk.Platform != nil {
			s += " (" + *sdk.Platform + ")"
		}
		facts = append(facts, s)
	}
	if showPII {
		if p.IPAddress != nil && *p.IPAddress != "" {
			facts = append(facts, "IP "+*p.IPAddress)
		}
		if l := p.Location; l != nil && l.Lat != nil && l.Lon != nil {
			facts = append(facts, fmt.Sprintf("at %.4f,%.4f", *l.Lat, *l.Lon))
		}
	}
	if len(facts) == 0 {
		return safetext.Printable(addr)
	}
	return safetext.Printable(addr + "  " + strings.Join(facts, ", "))
}
