package sandbox

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// A generated call's summary, built on demand as gen's CallSummary from its
// facts and the PCG stream after its own: the metrics are drawn to agree
// with the call's tags, and nothing but the facts is kept between requests.
//
// gen's types write the fields in the order Twilio sends them, and the
// summary's top-level properties even when null, because the document says
// so (x-order, x-omitempty): a property added to the document appears in
// every generated summary with no change here. Edges that do not apply, a
// call without tags, trust or annotation are null as in Twilio's list
// examples. No enum is ever null here: strict OpenAPI 3.0 validators (Prism)
// reject a null for the document's nullable enums, and the fixtures already
// cover it.

// summaryBytes encodes the summary of c as served in state, with annotation
// (nil: null).
func (p *population) summaryBytes(c *popCall, state gen.ProcessingState, annotation *gen.Annotation) []byte {
	body, err := wirejson.Marshal(p.summary(c, state, annotation))
	if err != nil {
		// Only strings, numbers and finite floats: cannot happen. Serve a
		// summary that says which call it is rather than nothing.
		return fmt.Appendf(nil, `{"call_sid":%q}`, c.sid)
	}
	return body
}

// summary builds the summary of c. The random draws happen in a fixed
// order (the parties, attributes, properties, then the edges), so the same
// seed gives the same summary.
func (p *population) summary(c *popCall, state gen.ProcessingState, annotation *gen.Annotation) *gen.CallSummary {
	rng := rand.New(rand.NewPCG(p.seed, c.stream+1))
	queue := rng.IntN(1500)
	s := &gen.CallSummary{
		AccountSID:      new(c.account),
		CallSID:         new(c.sid),
		CallType:        new(c.callType),
		CallState:       new(c.callState),
		AnsweredBy:      new(c.answeredBy),
		ProcessingState: new(state),
		CreatedTime:     wholeSeconds(c.start.Add(-time.Duration(queue) * time.Millisecond)),
		StartTime:       wholeSeconds(c.start),
		EndTime:         wholeSeconds(c.end),
		Duration:        new(int(c.end.Sub(c.start) / time.Second)),
		ConnectDuration: new(c.connect),
	}
	s.From = partyOfFacts(rng, c.from, true)
	s.To = partyOfFacts(rng, c.to, false)
	s.Tags = c.tags
	s.Attributes = &gen.CallAttributes{ConferenceParticipant: new(c.connect > 0 && rng.Float64() < 0.08)}
	s.Properties = propertiesOf(rng, c, queue)
	s.Trust = trustOfFacts(c.trust)
	s.Annotation = annotation
	s.URL = new(twilioBase + "/v1/Voice/" + c.sid + "/Summary")

	region, location := regionOf(c)
	switch c.callType {
	case gen.CallTypeCarrier:
		s.CarrierEdge = gatewayEdge(rng, c, region, location, false)
	case gen.CallTypeSIP:
		s.SIPEdge = gatewayEdge(rng, c, region, location, true)
	case gen.CallTypeTrunking:
		s.SIPEdge = gatewayEdge(rng, c, region, location, true)
		s.CarrierEdge = gatewayEdge(rng, c, region, location, false)
	case gen.CallTypeClient:
		s.ClientEdge = gatewayEdge(rng, c, region, location, false)
		// The SDK reports nothing for some calls: sdk_edge stays null.
		if c.connect > 0 && rng.Float64() < 0.85 {
			s.SDKEdge = sdkEdge(rng, c)
		}
	}
	return s
}

// twilioBase is the host of the URLs inside summaries, as Twilio writes them,
// whatever host the sandbox answers on: the bytes of a summary do not depend
// on how it was reached.
const twilioBase = "https://insights.twilio.com"

// wholeSeconds is t in UTC without its fraction of a second, as Twilio
// writes times (2026-11-30T03:00:00Z).
func wholeSeconds(t time.Time) *time.Time { return new(t.UTC().Truncate(time.Second)) }

// optional is nil for "", so that an empty string is left out.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func partyOfFacts(rng *rand.Rand, p partyFacts, caller bool) *gen.Party {
	out := &gen.Party{Carrier: optional(p.carrier), CountryCode: optional(p.country)}
	if caller {
		out.Caller = optional(p.number)
	} else {
		out.Callee = optional(p.number)
	}
	switch {
	case len(p.number) > 0 && p.number[0] == '+':
		out.Connection = optional(connectionOf(p))
		if p.carrier == "" {
			out.Connection = new("voip")
		}
		c := countryByCode(p.country)
		national := p.number[1+len(c.dial):]
		out.NumberPrefix = optional(c.dial + national[:min(3, len(national))])
		out.Location = &gen.Location{Lat: new(round(c.lat+rng.Float64()*4-2, 5)), Lon: new(round(c.lon+rng.Float64()*4-2, 5))}
	case len(p.number) > 7 && p.number[:7] == "client:":
		out.Connection = new("twilio_sdk")
	default:
		out.Connection = new("sip_interface")
	}
	return out
}

var regions = map[string][2]string{
	"US": {"us1", "ashburn"}, "CA": {"us1", "ashburn"}, "MX": {"us1", "umatilla"},
	"GB": {"ie1", "dublin"}, "FR": {"ie1", "dublin"}, "DE": {"de1", "frankfurt"},
	"BR": {"br1", "sao-paulo"}, "IN": {"sg1", "singapore"}, "AU": {"au1", "sydney"}, "JP": {"jp1", "tokyo"},
}

// regionOf is the Twilio region nearest the call's external party.
func regionOf(c *popCall) (region, location string) {
	party := c.from
	if party.carrier == "Twilio" || party.country == "" {
		party = c.to
	}
	r, ok := regions[party.country]
	if !ok {
		r = regions["US"]
	}
	return r[0], r[1]
}

func gatewayEdge(rng *rand.Rand, c *popCall, region, location string, sip bool) *gen.GatewayEdge {
	dir := "inbound"
	if c.direction != string(gen.CallDirectionInbound) && c.direction != string(gen.CallDirectionTrunkingOriginating) {
		dir = "outbound"
	}
	props := &gen.GatewayEdgeProperties{
		Direction: &dir, MediaRegion: &region, SignalingRegion: &region, EdgeLocation: &location,
	}
	if sip || c.callType == gen.CallTypeClient {
		props.TwilioMediaIP = new(fmt.Sprintf("54.172.60.%d", rng.IntN(250)+1))
		props.ExternalMediaIP = new(fmt.Sprintf("203.0.113.%d", rng.IntN(250)+1))
	}
	if sip {
		props.TwilioSignalingIP = new(fmt.Sprintf("54.172.61.%d", rng.IntN(250)+1))
		props.ExternalSignalingIP = new(fmt.Sprintf("198.51.100.%d", rng.IntN(250)+1))
		props.SIPCallID = new(fmt.Sprintf("%016x@%s", rng.Uint64(), "pbx.example.com"))
		props.UserAgent = new(pick(rng, uniform("Asterisk PBX 20.5.0", "FreeSWITCH-mod_sofia/1.10.11", "Cisco-SIPGateway/IOS-17", "Grandstream UCM6300")))
		if c.callType == gen.CallTypeTrunking {
			props.TrunkSID = new(fmt.Sprintf("TK%032x", rng.Uint64()))
		}
	}
	codec, name := 0, "pcmu"
	if sip && rng.Float64() < 0.3 {
		codec, name = 8, "pcma"
	}
	in := stream(rng, c, codec, name, true, sip)
	out := stream(rng, c, codec, name, false, sip)
	return &gen.GatewayEdge{Properties: props, Metrics: &gen.EdgeMetrics{Inbound: in, Outbound: out}}
}

// stream draws one direction's metrics, agreeing with the call's tags: a
// high_jitter call has a jitter average above 5 ms, high_packet_loss a loss
// above 5 %, high_latency a latency above 150 ms.
func stream(rng *rand.Rand, c *popCall, codec int, name string, inbound, latency bool) *gen.StreamMetrics {
	packets := c.connect * 50
	loss := rng.Float64() * 0.8
	if c.quality&tagHighPacketLoss != 0 {
		loss = 5.5 + rng.Float64()*10
	}
	lost := int(float64(packets) * loss / 100)
	s := &gen.StreamMetrics{Codec: new(codec), CodecName: optional(name), PacketsLost: new(lost), PacketsLossPercentage: new(round(loss, 3))}
	if inbound {
		s.PacketsReceived = new(packets - lost)
	} else {
		s.PacketsSent = new(packets)
	}
	if packets == 0 {
		s.PacketsLossPercentage, s.PacketsLost = new(0.0), new(0)
		return s
	}
	jitter := 0.2 + rng.Float64()*2.8
	if c.quality&tagHighJitter != 0 {
		jitter = 6 + rng.Float64()*20
	}
	s.Jitter = stats(round(jitter, 3), round(jitter*(1.5+rng.Float64()*3), 3))
	if latency {
		l := 20 + rng.Float64()*80
		if c.quality&tagHighLatency != 0 {
			l = 160 + rng.Float64()*240
		}
		s.Latency = stats(round(l, 2), round(l*(1.2+rng.Float64()), 2))
	}
	return s
}

// stats is a metric's average and maximum.
func stats(avg, peak float64) *gen.MetricStats { return &gen.MetricStats{Avg: &avg, Max: &peak} }

func sdkEdge(rng *rand.Rand, c *popCall) *gen.SDKEdge {
	dir := "incoming"
	if c.from.number != "" && len(c.from.number) > 7 && c.from.number[:7] == "client:" {
		dir = "outgoing"
	}
	e := &gen.SDKEdge{
		Properties: &gen.SDKEdgeProperties{
			Direction: &dir,
			Settings:  &gen.SDKSettings{DSCP: new(true), ICERestartEnabled: new(rng.Float64() < 0.5)},
		},
		Metrics: &gen.EdgeMetrics{},
	}
	mos := 4.0 + rng.Float64()*0.4
	if c.quality&tagLowMOS != 0 {
		mos = 2.2 + rng.Float64()*1.2
	}
	for i, m := range []**gen.StreamMetrics{&e.Metrics.Inbound, &e.Metrics.Outbound} {
		s := stream(rng, c, 111, "opus", i == 0, false)
		s.Codec = nil
		rtt := 40 + rng.Float64()*120
		s.MOS = stats(round(mos, 2), round(min(mos+0.2, 4.5), 2))
		s.MOS.Min = new(round(mos-0.6*rng.Float64(), 2))
		s.RTT = stats(round(rtt, 1), round(rtt*(1.2+rng.Float64()), 1))
		level := 800 + rng.Float64()*6000
		if c.quality&tagSilence != 0 {
			level = rng.Float64() * 20
		}
		s.AudioIn = stats(round(level, 0), round(level*2, 0))
		s.AudioOut = stats(round(level*0.9, 0), round(level*1.8, 0))
		*m = s
	}
	if c.quality&(tagLowMOS|tagHighJitter|tagHighPacketLoss|tagICEFailure) != 0 {
		warnings := 1 + rng.IntN(6)
		events := &gen.SDKEvents{
			Levels: map[string]int{"WARNING": warnings},
			Groups: map[string]int{"network-quality-warning-raised": warnings},
		}
		if c.quality&tagICEFailure != 0 {
			events.Levels["ERROR"] = 1
			events.Groups["ice-connection-state"] = 1
			events.Errors = map[string]int{"53405": 1}
		}
		e.Events = events
	}
	return e
}

func propertiesOf(rng *rand.Rand, c *popCall, queue int) *gen.CallProperties {
	p := &gen.CallProperties{Direction: new(c.direction), QueueTime: new(queue)}
	if c.lastSIP != 0 {
		p.LastSIPResponseNum = new(c.lastSIP)
	}
	if c.connect > 0 {
		p.DisconnectedBy = new(pick(rng, uniform("caller", "callee")))
	} else if c.lastSIP != 0 {
		p.DisconnectedBy = new("callee")
	}
	if c.callType == gen.CallTypeCarrier || c.callType == gen.CallTypeTrunking {
		pdd := 600 + rng.IntN(3400)
		if c.quality&tagHighPDD != 0 {
			pdd = 5000 + rng.IntN(9000)
		}
		p.PDDMs = &pdd
	}
	return p
}

func trustOfFacts(t *trustFacts) *gen.Trust {
	if t == nil {
		return nil
	}
	out := &gen.Trust{VerifiedCaller: &gen.VerifiedCaller{Verified: new(t.verified)}}
	if t.brandedBundle != "" || t.brandedEnabled {
		out.Branded = &gen.BrandedCall{
			Enabled: new(t.brandedEnabled), Logo: new(t.brandedLogo), BundleSID: new(t.brandedBundle), Type: new(t.brandedType),
			UseCase: new(t.brandedUseCase), CallReason: new(t.brandedCallReason),
			DisplayName: new("Owl bank"), LongDisplayName: new("Owl bank Ltd"),
		}
		if t.bpIndustry == "HEALTHCARE" {
			out.Branded.DisplayName, out.Branded.LongDisplayName = new("Acme Clinic"), new("Acme Clinic Group")
		}
	}
	if t.bpBundle != "" {
		out.BusinessProfile = &gen.BusinessProfile{BundleSID: new(t.bpBundle), Identity: new(t.bpIdentity), Industry: new(t.bpIndustry), Type: new(t.bpType)}
	}
	if t.viBundle != "" || t.viEnabled {
		out.VoiceIntegrity = &gen.VoiceIntegrity{Enabled: new(t.viEnabled), BundleSID: new(t.viBundle), UseCase: new(t.viUseCase)}
	}
	return out
}

// round keeps d decimals, so the JSON stays the size Twilio's is.
func round(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}
