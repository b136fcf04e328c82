package bench

import "time"

// minimalSummary is the honest "minimal typed" baseline: written by hand,
// value types only (no pointer per field), with the top-level fields and
// the four edges typed to the leaf. It skips from, to, attributes,
// properties, trust and annotation, which encoding/json then only scans.
type minimalSummary struct {
	AccountSID      string    `json:"account_sid"`
	CallSID         string    `json:"call_sid"`
	CallType        string    `json:"call_type"`
	CallState       string    `json:"call_state"`
	AnsweredBy      string    `json:"answered_by"`
	ProcessingState string    `json:"processing_state"`
	CreatedTime     time.Time `json:"created_time"`
	StartTime       time.Time `json:"start_time"`
	EndTime         time.Time `json:"end_time"`
	Duration        int       `json:"duration"`
	ConnectDuration int       `json:"connect_duration"`
	Tags            []string  `json:"tags"`
	URL             string    `json:"url"`

	CarrierEdge minimalGatewayEdge `json:"carrier_edge"`
	ClientEdge  minimalGatewayEdge `json:"client_edge"`
	SIPEdge     minimalGatewayEdge `json:"sip_edge"`
	SDKEdge     minimalSDKEdge     `json:"sdk_edge"`
}

type minimalGatewayEdge struct {
	Properties struct {
		Direction           string `json:"direction"`
		MediaRegion         string `json:"media_region"`
		SignalingRegion     string `json:"signaling_region"`
		EdgeLocation        string `json:"edge_location"`
		TwilioMediaIP       string `json:"twilio_media_ip"`
		ExternalMediaIP     string `json:"external_media_ip"`
		TwilioSignalingIP   string `json:"twilio_signaling_ip"`
		ExternalSignalingIP string `json:"external_signaling_ip"`
		SIPCallID           string `json:"sip_call_id"`
		UserAgent           string `json:"user_agent"`
		TrunkSID            string `json:"trunk_sid"`
	} `json:"properties"`
	Metrics minimalEdgeMetrics `json:"metrics"`
}

type minimalSDKEdge struct {
	Properties struct {
		Direction string `json:"direction"`
		Settings  struct {
			DSCP              bool     `json:"dscp"`
			ICERestartEnabled bool     `json:"ice_restart_enabled"`
			Edge              string   `json:"edge"`
			SelectedEdges     []string `json:"selected_edges"`
		} `json:"settings"`
	} `json:"properties"`
	Metrics minimalEdgeMetrics `json:"metrics"`
	Events  struct {
		Levels   map[string]int `json:"levels"`
		Groups   map[string]int `json:"groups"`
		Errors   map[string]int `json:"errors"`
		Feedback struct {
			Score  int    `json:"score"`
			Reason string `json:"reason"`
		} `json:"feedback"`
	} `json:"events"`
}

type minimalEdgeMetrics struct {
	Inbound  minimalStream `json:"inbound"`
	Outbound minimalStream `json:"outbound"`
}

type minimalStream struct {
	Codec                 int          `json:"codec"`
	CodecName             string       `json:"codec_name"`
	PacketsReceived       int          `json:"packets_received"`
	PacketsSent           int          `json:"packets_sent"`
	PacketsLost           int          `json:"packets_lost"`
	PacketsLossPercentage float64      `json:"packets_loss_percentage"`
	Jitter                minimalStats `json:"jitter"`
	Latency               minimalStats `json:"latency"`
	MOS                   minimalStats `json:"mos"`
	RTT                   minimalStats `json:"rtt"`
	AudioIn               minimalStats `json:"audio_in"`
	AudioOut              minimalStats `json:"audio_out"`
}

type minimalStats struct {
	Avg float64 `json:"avg"`
	Max float64 `json:"max"`
	Min float64 `json:"min"`
}
