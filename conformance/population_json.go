package conformance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/voiceinsights/callsummary/gen"
)

// The JSON of a generated call's summary, built on demand from its facts and
// the PCG stream after its own: the metrics are drawn to agree with the
// call's tags, and nothing but the facts is kept between requests.
//
// Fields are in the order Twilio sends them. Edges that do not apply, a call
// without tags, trust or annotation are null as in Twilio's list examples.
// No enum is ever null here: strict OpenAPI 3.0 validators (Prism) reject a
// null for the document's nullable enums, and the fixtures already cover it.

type summaryJSON struct {
	AccountSID      string              `json:"account_sid"`
	CallSID         string              `json:"call_sid"`
	CallType        gen.CallType        `json:"call_type"`
	CallState       gen.CallState       `json:"call_state"`
	AnsweredBy      gen.AnsweredBy      `json:"answered_by"`
	ProcessingState gen.ProcessingState `json:"processing_state"`
	CreatedTime     string              `json:"created_time"`
	StartTime       string              `json:"start_time"`
	EndTime         string              `json:"end_time"`
	Duration        int                 `json:"duration"`
	ConnectDuration int                 `json:"connect_duration"`
	From            partyJSON           `json:"from"`
	To              partyJSON           `json:"to"`
	CarrierEdge     *edgeJSON           `json:"carrier_edge"`
	ClientEdge      *edgeJSON           `json:"client_edge"`
	SDKEdge         *sdkEdgeJSON        `json:"sdk_edge"`
	SIPEdge         *edgeJSON           `json:"sip_edge"`
	Tags            []string            `json:"tags"`
	Attributes      attributesJSON      `json:"attributes"`
	Properties      propertiesJSON      `json:"properties"`
	Trust           *trustJSON          `json:"trust"`
	Annotation      *annotationJSON     `json:"annotation"`
	URL             string              `json:"url"`
}

type partyJSON struct {
	Caller       string        `json:"caller,omitempty"`
	Callee       string        `json:"callee,omitempty"`
	Carrier      string        `json:"carrier,omitempty"`
	Connection   string        `json:"connection,omitempty"`
	NumberPrefix string        `json:"number_prefix,omitempty"`
	Location     *gen.Location `json:"location,omitempty"`
	CountryCode  string        `json:"country_code,omitempty"`
}

type edgeJSON struct {
	Properties gen.GatewayEdgeProperties `json:"properties"`
	Metrics    edgeMetricsJSON           `json:"metrics"`
}

type edgeMetricsJSON struct {
	Inbound  streamJSON `json:"inbound"`
	Outbound streamJSON `json:"outbound"`
}

type streamJSON struct {
	Codec           *int       `json:"codec,omitempty"`
	CodecName       string     `json:"codec_name,omitempty"`
	PacketsReceived *int       `json:"packets_received,omitempty"`
	PacketsSent     *int       `json:"packets_sent,omitempty"`
	PacketsLost     int        `json:"packets_lost"`
	LossPercentage  float64    `json:"packets_loss_percentage"`
	Jitter          *statsJSON `json:"jitter,omitempty"`
	Latency         *statsJSON `json:"latency,omitempty"`
	MOS             *statsJSON `json:"mos,omitempty"`
	RTT             *statsJSON `json:"rtt,omitempty"`
	AudioIn         *statsJSON `json:"audio_in,omitempty"`
	AudioOut        *statsJSON `json:"audio_out,omitempty"`
}

type statsJSON struct {
	Avg float64  `json:"avg"`
	Max float64  `json:"max"`
	Min *float64 `json:"min,omitempty"`
}

type sdkEdgeJSON struct {
	Properties gen.SDKEdgeProperties `json:"properties"`
	Metrics    edgeMetricsJSON       `json:"metrics"`
	Events     *gen.SDKEvents        `json:"events,omitempty"`
}

type attributesJSON struct {
	ConferenceParticipant bool `json:"conference_participant"`
}

type propertiesJSON struct {
	Direction          string `json:"direction"`
	DisconnectedBy     string `json:"disconnected_by,omitempty"`
	LastSIPResponseNum *int   `json:"last_sip_response_num,omitempty"`
	PDDMs              *int   `json:"pdd_ms,omitempty"`
	QueueTime          int    `json:"queue_time"`
}

type trustJSON struct {
	VerifiedCaller  gen.VerifiedCaller   `json:"verified_caller"`
	Branded         *gen.BrandedCall     `json:"branded,omitempty"`
	BusinessProfile *gen.BusinessProfile `json:"business_profile,omitempty"`
	VoiceIntegrity  *gen.VoiceIntegrity  `json:"voice_integrity,omitempty"`
}

// summaryBytes encodes the summary of c as served in state, with annotation
// (nil: null).
func (p *population) summaryBytes(c *popCall, state gen.ProcessingState, annotation *gen.Annotation) []byte {
	rng := rand.New(rand.NewPCG(p.seed, c.stream+1))
	queue := rng.IntN(1500)
	s := summaryJSON{
		AccountSID:      c.account,
		CallSID:         c.sid,
		CallType:        c.callType,
		CallState:       c.callState,
		AnsweredBy:      c.answeredBy,
		ProcessingState: state,
		CreatedTime:     formatTime(c.start.Add(-time.Duration(queue) * time.Millisecond).Truncate(time.Second)),
		StartTime:       formatTime(c.start),
		EndTime:         formatTime(c.end),
		Duration:        int(c.end.Sub(c.start) / time.Second),
		ConnectDuration: c.connect,
		From:            partyJSONOf(rng, c.from, true),
		To:              partyJSONOf(rng, c.to, false),
		Tags:            c.tags,
		Attributes:      attributesJSON{ConferenceParticipant: c.connect > 0 && rng.Float64() < 0.08},
		Properties:      propertiesOf(rng, c, queue),
		Trust:           trustJSONOf(c.trust),
		Annotation:      annotationJSONOf(annotation),
		URL:             twilioBase + "/v1/Voice/" + c.sid + "/Summary",
	}
	region, location := regionOf(c)
	switch c.callType {
	case gen.CallTypeCarrier:
		s.CarrierEdge = gatewayEdge(rng, c, region, location, false)
	case gen.CallTypeSip:
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
	body, err := marshalJSON(s)
	if err != nil {
		// Only strings, numbers and finite floats: cannot happen. Serve a
		// summary that says which call it is rather than nothing.
		return fmt.Appendf(nil, `{"call_sid":%q}`, c.sid)
	}
	return body
}

// marshalJSON encodes v as Twilio does: "AT&T", not "AT\u0026T".
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// twilioBase is the host of the URLs inside summaries, as Twilio writes them,
// whatever host the sandbox answers on: the bytes of a summary do not depend
// on how it was reached.
const twilioBase = "https://insights.twilio.com"

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func partyJSONOf(rng *rand.Rand, p partyFacts, caller bool) partyJSON {
	out := partyJSON{Carrier: p.carrier, CountryCode: p.country}
	if caller {
		out.Caller = p.number
	} else {
		out.Callee = p.number
	}
	switch {
	case len(p.number) > 0 && p.number[0] == '+':
		out.Connection = connectionOf(p)
		if p.carrier == "" {
			out.Connection = "voip"
		}
		c := countryByCode(p.country)
		national := p.number[1+len(c.dial):]
		out.NumberPrefix = c.dial + national[:min(3, len(national))]
		out.Location = &gen.Location{Lat: new(round(c.lat+rng.Float64()*4-2, 5)), Lon: new(round(c.lon+rng.Float64()*4-2, 5))}
	case len(p.number) > 7 && p.number[:7] == "client:":
		out.Connection = "twilio_sdk"
	default:
		out.Connection = "sip_interface"
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

func gatewayEdge(rng *rand.Rand, c *popCall, region, location string, sip bool) *edgeJSON {
	dir := "inbound"
	if c.direction != string(gen.CallDirectionInbound) && c.direction != string(gen.CallDirectionTrunkingOriginating) {
		dir = "outbound"
	}
	e := &edgeJSON{Properties: gen.GatewayEdgeProperties{
		Direction: &dir, MediaRegion: &region, SignalingRegion: &region, EdgeLocation: &location,
	}}
	if sip || c.callType == gen.CallTypeClient {
		e.Properties.TwilioMediaIp = new(fmt.Sprintf("54.172.60.%d", rng.IntN(250)+1))
		e.Properties.ExternalMediaIp = new(fmt.Sprintf("203.0.113.%d", rng.IntN(250)+1))
	}
	if sip {
		e.Properties.TwilioSignalingIp = new(fmt.Sprintf("54.172.61.%d", rng.IntN(250)+1))
		e.Properties.ExternalSignalingIp = new(fmt.Sprintf("198.51.100.%d", rng.IntN(250)+1))
		e.Properties.SipCallId = new(fmt.Sprintf("%016x@%s", rng.Uint64(), "pbx.example.com"))
		e.Properties.UserAgent = new(pick(rng, uniform("Asterisk PBX 20.5.0", "FreeSWITCH-mod_sofia/1.10.11", "Cisco-SIPGateway/IOS-17", "Grandstream UCM6300")))
		if c.callType == gen.CallTypeTrunking {
			e.Properties.TrunkSid = new(fmt.Sprintf("TK%032x", rng.Uint64()))
		}
	}
	codec, name := 0, "pcmu"
	if sip && rng.Float64() < 0.3 {
		codec, name = 8, "pcma"
	}
	e.Metrics.Inbound = stream(rng, c, codec, name, true, sip)
	e.Metrics.Outbound = stream(rng, c, codec, name, false, sip)
	return e
}

// stream draws one direction's metrics, agreeing with the call's tags: a
// high_jitter call has a jitter average above 5 ms, high_packet_loss a loss
// above 5 %, high_latency a latency above 150 ms.
func stream(rng *rand.Rand, c *popCall, codec int, name string, inbound, latency bool) streamJSON {
	packets := c.connect * 50
	loss := rng.Float64() * 0.8
	if c.quality&tagHighPacketLoss != 0 {
		loss = 5.5 + rng.Float64()*10
	}
	lost := int(float64(packets) * loss / 100)
	s := streamJSON{Codec: new(codec), CodecName: name, PacketsLost: lost, LossPercentage: round(loss, 3)}
	if inbound {
		s.PacketsReceived = new(packets - lost)
	} else {
		s.PacketsSent = new(packets)
	}
	if packets == 0 {
		s.LossPercentage, s.PacketsLost = 0, 0
		return s
	}
	jitter := 0.2 + rng.Float64()*2.8
	if c.quality&tagHighJitter != 0 {
		jitter = 6 + rng.Float64()*20
	}
	s.Jitter = &statsJSON{Avg: round(jitter, 3), Max: round(jitter*(1.5+rng.Float64()*3), 3)}
	if latency {
		l := 20 + rng.Float64()*80
		if c.quality&tagHighLatency != 0 {
			l = 160 + rng.Float64()*240
		}
		s.Latency = &statsJSON{Avg: round(l, 2), Max: round(l*(1.2+rng.Float64()), 2)}
	}
	return s
}

func sdkEdge(rng *rand.Rand, c *popCall) *sdkEdgeJSON {
	dir := "incoming"
	if c.from.number != "" && len(c.from.number) > 7 && c.from.number[:7] == "client:" {
		dir = "outgoing"
	}
	e := &sdkEdgeJSON{Properties: gen.SDKEdgeProperties{
		Direction: &dir,
		Settings:  &gen.SDKSettings{Dscp: new(true), IceRestartEnabled: new(rng.Float64() < 0.5)},
	}}
	mos := 4.0 + rng.Float64()*0.4
	if c.quality&tagLowMOS != 0 {
		mos = 2.2 + rng.Float64()*1.2
	}
	for i, m := range []*streamJSON{&e.Metrics.Inbound, &e.Metrics.Outbound} {
		*m = stream(rng, c, 111, "opus", i == 0, false)
		m.Codec = nil
		rtt := 40 + rng.Float64()*120
		m.MOS = &statsJSON{Avg: round(mos, 2), Max: round(min(mos+0.2, 4.5), 2), Min: new(round(mos-0.6*rng.Float64(), 2))}
		m.RTT = &statsJSON{Avg: round(rtt, 1), Max: round(rtt*(1.2+rng.Float64()), 1)}
		level := 800 + rng.Float64()*6000
		if c.quality&tagSilence != 0 {
			level = rng.Float64() * 20
		}
		m.AudioIn = &statsJSON{Avg: round(level, 0), Max: round(level*2, 0)}
		m.AudioOut = &statsJSON{Avg: round(level*0.9, 0), Max: round(level*1.8, 0)}
	}
	if c.quality&(tagLowMOS|tagHighJitter|tagHighPacketLoss|tagICEFailure) != 0 {
		warnings := 1 + rng.IntN(6)
		levels := map[string]int{"WARNING": warnings}
		groups := map[string]int{"network-quality-warning-raised": warnings}
		events := &gen.SDKEvents{Levels: &levels, Groups: &groups}
		if c.quality&tagICEFailure != 0 {
			levels["ERROR"] = 1
			groups["ice-connection-state"] = 1
			events.Errors = &map[string]int{"53405": 1}
		}
		e.Events = events
	}
	return e
}

func propertiesOf(rng *rand.Rand, c *popCall, queue int) propertiesJSON {
	p := propertiesJSON{Direction: c.direction, QueueTime: queue}
	if c.lastSIP != 0 {
		p.LastSIPResponseNum = new(c.lastSIP)
	}
	if c.connect > 0 {
		p.DisconnectedBy = pick(rng, uniform("caller", "callee"))
	} else if c.lastSIP != 0 {
		p.DisconnectedBy = "callee"
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

func trustJSONOf(t *trustFacts) *trustJSON {
	if t == nil {
		return nil
	}
	out := &trustJSON{VerifiedCaller: gen.VerifiedCaller{Verified: new(t.verified)}}
	if t.brandedBundle != "" || t.brandedEnabled {
		out.Branded = &gen.BrandedCall{
			Enabled: new(t.brandedEnabled), Logo: new(t.brandedLogo), BundleSid: new(t.brandedBundle), Type: new(t.brandedType),
			UseCase: new(t.brandedUseCase), CallReason: new(t.brandedCallReason),
			DisplayName: new("Owl bank"), LongDisplayName: new("Owl bank Ltd"),
		}
		if t.bpIndustry == "HEALTHCARE" {
			out.Branded.DisplayName, out.Branded.LongDisplayName = new("Acme Clinic"), new("Acme Clinic Group")
		}
	}
	if t.bpBundle != "" {
		out.BusinessProfile = &gen.BusinessProfile{BundleSid: new(t.bpBundle), Identity: new(t.bpIdentity), Industry: new(t.bpIndustry), Type: new(t.bpType)}
	}
	if t.viBundle != "" || t.viEnabled {
		out.VoiceIntegrity = &gen.VoiceIntegrity{Enabled: new(t.viEnabled), BundleSid: new(t.viBundle), UseCase: new(t.viUseCase)}
	}
	return out
}

// round keeps d decimals, so the JSON stays the size Twilio's is.
func round(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}
