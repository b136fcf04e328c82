package sandbox

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/voiceinsights/callsummary/gen"
)

// The tables the population is drawn from. They are read-only: nothing
// writes to them after initialisation, so sandboxes share no state.

type weighted[T any] struct {
	v T
	w int
}

// pick draws one value with probability proportional to its weight.
func pick[T any](rng *rand.Rand, choices []weighted[T]) T {
	total := 0
	for _, c := range choices {
		total += c.w
	}
	n := rng.IntN(total)
	for _, c := range choices {
		if n < c.w {
			return c.v
		}
		n -= c.w
	}
	return choices[len(choices)-1].v
}

func uniform[T any](values ...T) []weighted[T] {
	out := make([]weighted[T], len(values))
	for i, v := range values {
		out[i] = weighted[T]{v, 1}
	}
	return out
}

var callTypeWeights = []weighted[gen.CallType]{
	{gen.CallTypeCarrier, 40}, {gen.CallTypeTrunking, 20}, {gen.CallTypeClient, 20}, {gen.CallTypeSIP, 15}, {gen.CallTypeWhatsapp, 5},
}

var directionWeights = map[gen.CallType][]weighted[string]{
	gen.CallTypeCarrier:  {{"inbound", 5}, {"outbound_api", 3}, {"outbound_dial", 2}},
	gen.CallTypeSIP:      {{"inbound", 5}, {"outbound_dial", 3}, {"outbound_api", 2}},
	gen.CallTypeTrunking: {{"trunking_originating", 1}, {"trunking_terminating", 1}},
	gen.CallTypeClient:   {{"inbound", 4}, {"outbound_dial", 4}, {"outbound_api", 2}},
	gen.CallTypeWhatsapp: {{"inbound", 3}, {"outbound_api", 1}},
}

var callStateWeights = []weighted[gen.CallState]{
	{gen.CallStateCompleted, 150}, {gen.CallStateNoanswer, 14}, {gen.CallStateBusy, 10}, {gen.CallStateCanceled, 10},
	{gen.CallStateFail, 8}, {gen.CallStateAnswered, 4}, {gen.CallStateRinging, 2}, {gen.CallStateUndialed, 2},
}

var amdWeights = []weighted[gen.AnsweredBy]{
	{gen.AnsweredByHuman, 50}, {gen.AnsweredByMachineStart, 20}, {gen.AnsweredByMachineEndBeep, 12},
	{gen.AnsweredByMachineEndSilence, 6}, {gen.AnsweredByMachineEndOther, 5}, {gen.AnsweredByFax, 2}, {gen.AnsweredByUnknown, 5},
}

var connectivityWeights = []weighted[gen.ConnectivityIssue]{
	{gen.ConnectivityIssueNoConnectivityIssue, 12}, {gen.ConnectivityIssueDroppedCall, 3}, {gen.ConnectivityIssueInvalidNumber, 2},
	{gen.ConnectivityIssueCallerID, 1}, {gen.ConnectivityIssueNumberReachability, 1}, {gen.ConnectivityIssueUnknownConnectivityIssue, 1},
}

var qualityIssueWeights = uniform(gen.QualityIssueLowVolume, gen.QualityIssueChoppyRobotic, gen.QualityIssueEcho,
	gen.QualityIssueDtmf, gen.QualityIssueLatency, gen.QualityIssueOwa, gen.QualityIssueStaticNoise, gen.QualityIssueUnknownQualityIssue)

var comments = uniform("customer reported echo", "agent could not hear caller", "dropped after transfer",
	"voicemail reached", "great call", "robotic audio in the first minute", "caller hung up during IVR")

var sipUsers = uniform("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "agent_7", "agent_12", "reception", "support")

var sipDomains = uniform("acme.sip.twilio.com", "pbx.example.com", "sip.example.net", "voice.example.org")

// A country of the generated phone numbers: its calling code, how many
// national digits its numbers have, its carriers and where it is.
type country struct {
	code, dial string
	digits     int
	weight     int
	carriers   []weighted[carrier]
	lat, lon   float64
}

type carrier struct{ name, connection string }

var countries = []country{
	{"US", "1", 10, 40, []weighted[carrier]{{carrier{"AT&T Wireless", "mobile"}, 4}, {carrier{"Verizon Wireless", "mobile"}, 4},
		{carrier{"T-Mobile USA, Inc.", "mobile"}, 3}, {carrier{"Comcast Business", "landline"}, 1}, {carrier{"Bandwidth.com CLEC", "voip"}, 1}}, 39.5, -98.35},
	{"CA", "1", 10, 8, []weighted[carrier]{{carrier{"Rogers Wireless", "mobile"}, 2}, {carrier{"Bell Mobility", "mobile"}, 2}, {carrier{"TELUS Mobility", "mobile"}, 1}}, 45.42, -75.69},
	{"GB", "44", 10, 10, []weighted[carrier]{{carrier{"EE", "mobile"}, 3}, {carrier{"Vodafone UK", "mobile"}, 2}, {carrier{"O2 (UK)", "mobile"}, 2}, {carrier{"BT", "landline"}, 1}}, 51.51, -0.13},
	{"DE", "49", 11, 6, []weighted[carrier]{{carrier{"Telekom Deutschland", "mobile"}, 3}, {carrier{"Vodafone GmbH", "mobile"}, 2}, {carrier{"Telefonica Germany", "mobile"}, 1}}, 52.52, 13.40},
	{"FR", "33", 9, 4, []weighted[carrier]{{carrier{"Orange", "mobile"}, 3}, {carrier{"SFR", "mobile"}, 2}, {carrier{"Bouygues Telecom", "mobile"}, 1}}, 48.86, 2.35},
	{"BR", "55", 11, 5, []weighted[carrier]{{carrier{"Claro", "mobile"}, 2}, {carrier{"Vivo", "mobile"}, 2}, {carrier{"TIM Brasil", "mobile"}, 1}}, -23.55, -46.63},
	{"MX", "52", 10, 4, []weighted[carrier]{{carrier{"Telcel", "mobile"}, 3}, {carrier{"AT&T Mexico", "mobile"}, 1}}, 19.43, -99.13},
	{"IN", "91", 10, 6, []weighted[carrier]{{carrier{"Reliance Jio", "mobile"}, 3}, {carrier{"Bharti Airtel", "mobile"}, 2}, {carrier{"Vodafone Idea", "mobile"}, 1}}, 19.08, 72.88},
	{"AU", "61", 9, 4, []weighted[carrier]{{carrier{"Telstra", "mobile"}, 2}, {carrier{"Optus", "mobile"}, 1}}, -33.87, 151.21},
	{"JP", "81", 10, 3, []weighted[carrier]{{carrier{"NTT Docomo", "mobile"}, 2}, {carrier{"SoftBank", "mobile"}, 1}}, 35.68, 139.69},
}

func countryByCode(code string) *country {
	for i := range countries {
		if countries[i].code == code {
			return &countries[i]
		}
	}
	return &countries[0]
}

func drawPSTNParty(rng *rand.Rand) partyFacts {
	choices := make([]weighted[*country], len(countries))
	for i := range countries {
		choices[i] = weighted[*country]{&countries[i], countries[i].weight}
	}
	c := pick(rng, choices)
	return partyFacts{number: drawNumber(rng, c), carrier: pick(rng, c.carriers).name, country: c.code}
}

// drawNumber draws an E.164 number of country c. US and Canadian numbers use
// the 555-01XX range reserved for fiction.
func drawNumber(rng *rand.Rand, c *country) string {
	var b strings.Builder
	b.WriteString("+" + c.dial)
	if c.dial == "1" {
		fmt.Fprintf(&b, "%d%02d55501%02d", 2+rng.IntN(8), rng.IntN(100), rng.IntN(100))
		return b.String()
	}
	b.WriteByte(byte('1' + rng.IntN(9)))
	for range c.digits - 1 {
		b.WriteByte(byte('0' + rng.IntN(10)))
	}
	return b.String()
}

// connectionOf returns the connection type the carrier tables give a number's
// carrier, for the party objects of generated summaries.
func connectionOf(p partyFacts) string {
	if p.carrier == "Twilio" {
		return "voip"
	}
	for i := range countries {
		for _, c := range countries[i].carriers {
			if c.v.name == p.carrier {
				return c.v.connection
			}
		}
	}
	return ""
}

// trustProfiles are the few trust objects generated calls carry, shared
// between calls as Twilio accounts reuse their bundles.
type trustProfiles struct {
	verified, unverified *trustFacts
	outbound             []weighted[*trustFacts]
}

func newTrustProfiles() trustProfiles {
	owl := &trustFacts{verified: true,
		brandedEnabled: true, brandedLogo: true, brandedBundle: "BU5ceeea51b1424478fc541dfef0e2b167", brandedType: "in_band",
		brandedUseCase: "Customer Care", brandedCallReason: "Branded CTIA",
		viEnabled: true, viBundle: "BU5ceeea51b1424478fc541dfef0e2b167", viUseCase: "customer_support",
		bpBundle: "BU5ceeea51b1424478fc541dfef0e2b167", bpIdentity: "direct_customer", bpIndustry: "BANKING", bpType: "primary"}
	clinic := &trustFacts{verified: true,
		brandedEnabled: true, brandedBundle: "BU0a1b2c3d4e5f60718293a4b5c6d7e8f9", brandedType: "out_of_band",
		brandedUseCase: "Appointment reminders", brandedCallReason: "Your appointment tomorrow",
		viEnabled: true, viBundle: "BU9f8e7d6c5b4a39281706f5e4d3c2b1a0", viUseCase: "telehealth",
		bpBundle: "BU0a1b2c3d4e5f60718293a4b5c6d7e8f9", bpIdentity: "isv_reseller_or_partner", bpIndustry: "HEALTHCARE", bpType: "secondary"}
	fraud := &trustFacts{verified: true,
		viEnabled: true, viBundle: "BU2468ace02468ace02468ace02468ace0", viUseCase: "fraud_alerts",
		bpBundle: "BU2468ace02468ace02468ace02468ace0", bpIdentity: "direct_customer", bpIndustry: "FINANCIAL", bpType: "primary"}
	plain := &trustFacts{verified: true}
	return trustProfiles{
		verified:   &trustFacts{verified: true},
		unverified: &trustFacts{},
		outbound:   []weighted[*trustFacts]{{nil, 14}, {owl, 3}, {clinic, 2}, {fraud, 2}, {plain, 3}},
	}
}

// draw gives PSTN calls a trust object: SHAKEN/STIR verification on inbound
// North American calls, the account's branding and Voice Integrity on some
// outbound ones.
func (t trustProfiles) draw(rng *rand.Rand, c *popCall) *trustFacts {
	if c.callType != gen.CallTypeCarrier && c.callType != gen.CallTypeTrunking {
		return nil
	}
	inbound := c.direction == string(gen.CallDirectionInbound) || c.direction == string(gen.CallDirectionTrunkingOriginating)
	if inbound {
		if c.from.country != "US" && c.from.country != "CA" {
			return nil
		}
		if rng.Float64() < 0.7 {
			return t.verified
		}
		return t.unverified
	}
	return pick(rng, t.outbound)
}
