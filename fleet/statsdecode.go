package fleet

import (
	"time"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// statsDoc is the part of a summary that statistics read: what Dims,
// Metrics, Streams and Verdict look at. Decoding only it skips the rest of
// each line (parties' numbers, trust, annotation, audio levels, events),
// which is most of the cost of decoding a summary. TestAddNDJSONEqualsAdd
// checks, for every dimension, that it gives what full decoding gives.
type statsDoc struct {
	CallType        *gen.CallType        `json:"call_type"`
	ProcessingState *gen.ProcessingState `json:"processing_state"`
	StartTime       *time.Time           `json:"start_time"`
	Duration        *int                 `json:"duration"`
	Tags            []string             `json:"tags"`
	Properties      *statsProperties     `json:"properties"`
	From            *statsParty          `json:"from"`
	To              *statsParty          `json:"to"`
	CarrierEdge     *statsEdge           `json:"carrier_edge"`
	ClientEdge      *statsEdge           `json:"client_edge"`
	SIPEdge         *statsEdge           `json:"sip_edge"`
	SDKEdge         *statsEdge           `json:"sdk_edge"`
}

type statsProperties struct {
	Direction *string `json:"direction"`
	PDDMs     *int    `json:"pdd_ms"`
}

type statsParty struct {
	Carrier     *string `json:"carrier"`
	CountryCode *string `json:"country_code"`
	SDK         *struct {
		Platform *string `json:"platform"`
		Version  *string `json:"version"`
	} `json:"sdk"`
}

type statsEdge struct {
	Properties *struct {
		EdgeLocation *string `json:"edge_location"`
		Region       *string `json:"region"`
	} `json:"properties"`
	Metrics *struct {
		Inbound  *statsStream `json:"inbound"`
		Outbound *statsStream `json:"outbound"`
	} `json:"metrics"`
	// Events only tells an SDK edge with nothing else from an absent one.
	Events *struct{} `json:"events"`
}

type statsStream struct {
	CodecName             *string          `json:"codec_name"`
	PacketsLossPercentage *float64         `json:"packets_loss_percentage"`
	Jitter                *gen.MetricStats `json:"jitter"`
	Latency               *gen.MetricStats `json:"latency"`
	MOS                   *gen.MetricStats `json:"mos"`
	RTT                   *gen.MetricStats `json:"rtt"`
}

// decodeForStats decodes one NDJSON line into the summary statistics need.
// A line whose fields do not fit is decoded by callsummary.ParseSummary,
// so that it fails, or is accepted, exactly as the client decides.
func decodeForStats(line []byte) (*callsummary.Summary, error) {
	var d statsDoc
	if line[0] != '{' || wirejson.Unmarshal(line, &d) != nil {
		return callsummary.ParseSummary(line)
	}
	s := &callsummary.Summary{}
	s.CallType, s.ProcessingState, s.StartTime, s.Duration, s.Tags = d.CallType, d.ProcessingState, d.StartTime, d.Duration, d.Tags
	if p := d.Properties; p != nil {
		s.Properties = &gen.CallProperties{Direction: p.Direction, PDDMs: p.PDDMs}
	}
	s.From, s.To = d.From.party(), d.To.party()
	s.CarrierEdge, s.ClientEdge, s.SIPEdge = d.CarrierEdge.gateway(), d.ClientEdge.gateway(), d.SIPEdge.gateway()
	if e := d.SDKEdge; e != nil {
		s.SDKEdge = &gen.SDKEdge{Metrics: e.metrics()}
		if e.Properties != nil {
			s.SDKEdge.Properties = &gen.SDKEdgeProperties{}
		}
		if e.Events != nil {
			s.SDKEdge.Events = &gen.SDKEvents{}
		}
	}
	return s, nil
}

func (p *statsParty) party() *gen.Party {
	if p == nil {
		return nil
	}
	out := &gen.Party{Carrier: p.Carrier, CountryCode: p.CountryCode}
	if p.SDK != nil {
		out.SDK = &gen.SDKInfo{Platform: p.SDK.Platform, Version: p.SDK.Version}
	}
	return out
}

func (e *statsEdge) gateway() *gen.GatewayEdge {
	if e == nil {
		return nil
	}
	g := &gen.GatewayEdge{Metrics: e.metrics()}
	if e.Properties != nil {
		g.Properties = &gen.GatewayEdgeProperties{EdgeLocation: e.Properties.EdgeLocation, Region: e.Properties.Region}
	}
	return g
}

func (e *statsEdge) metrics() *gen.EdgeMetrics {
	if e.Metrics == nil {
		return nil
	}
	return &gen.EdgeMetrics{Inbound: e.Metrics.Inbound.stream(), Outbound: e.Metrics.Outbound.stream()}
}

func (st *statsStream) stream() *gen.StreamMetrics {
	if st == nil {
		return nil
	}
	return &gen.StreamMetrics{CodecName: st.CodecName, PacketsLossPercentage: st.PacketsLossPercentage,
		Jitter: st.Jitter, Latency: st.Latency, MOS: st.MOS, RTT: st.RTT}
}
