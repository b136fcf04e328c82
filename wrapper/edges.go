package callsummary

import (
	"fmt"
)

// EdgeKind names one of a summary's four edges.
type EdgeKind uint8

// The edges, in the order Edges lists those not expected for the call type.
const (
	EdgeCarrier EdgeKind = iota + 1 // carrier_edge: Twilio's PSTN gateway
	EdgeClient                      // client_edge: Twilio's gateway for Voice SDK calls
	EdgeSIP                         // sip_edge: Twilio's SIP gateway (SIP Interface, Trunking)
	EdgeSDK                         // sdk_edge: what the Voice SDK measured on the device
)

var edgeNames = [...]string{EdgeCarrier: "carrier_edge", EdgeClient: "client_edge", EdgeSIP: "sip_edge", EdgeSDK: "sdk_edge"}

// allEdges is the fixed order of the four kinds.
var allEdges = []EdgeKind{EdgeCarrier, EdgeClient, EdgeSIP, EdgeSDK}

// String is the JSON name, e.g. "carrier_edge".
func (k EdgeKind) String() string {
	if k >= EdgeCarrier && k <= EdgeSDK {
		return edgeNames[k]
	}
	return fmt.Sprintf("EdgeKind(%d)", uint8(k))
}

// MarshalText writes the JSON name, so EdgeKind encodes as a string.
func (k EdgeKind) MarshalText() ([]byte, error) {
	if k < EdgeCarrier || k > EdgeSDK {
		return nil, fmt.Errorf("callsummary: invalid EdgeKind %d", uint8(k))
	}
	return []byte(edgeNames[k]), nil
}

// UnmarshalText accepts a JSON name ("sip_edge"), as does ParseEdgeKind.
func (k *EdgeKind) UnmarshalText(b []byte) error {
	v, err := ParseEdgeKind(string(b))
	if err == nil {
		*k = v
	}
	return err
}

// ParseEdgeKind returns the kind whose JSON name is name.
func ParseEdgeKind(name string) (EdgeKind, error) {
	for _, k := range allEdges {
		if edgeNames[k] == name {
			return k, nil
		}
	}
	return 0, fmt.Errorf("callsummary: unknown edge %q (want carrier_edge, client_edge, sip_edge or sdk_edge)", name)
}

// expectedEdges follows Twilio's Call Summary resource page and
// "Understanding Twilio Media Edges". The customer's side comes first: the
// device (sdk_edge) before its gateway (client_edge), the trunk (sip_edge)
// before the PSTN (carrier_edge). WhatsApp calls are undocumented: none
// expected.
var expectedEdges = map[CallType][]EdgeKind{
	CallTypeCarrier:  {EdgeCarrier},
	CallTypeSIP:      {EdgeSIP},
	CallTypeTrunking: {EdgeSIP, EdgeCarrier},
	CallTypeClient:   {EdgeSDK, EdgeClient},
}

// ExpectedEdgesFor returns the edges Twilio documents for a call type, nil
// for whatsapp and unknown types.
func ExpectedEdgesFor(t CallType) []EdgeKind {
	return append([]EdgeKind(nil), expectedEdges[t]...)
}

// Edge is one present edge of a summary. Exactly one of Gateway (carrier,
// client and SIP edges) and SDK is set, according to Kind; both point into
// the Summary.
type Edge struct {
	Kind    EdgeKind
	Gateway *GatewayEdge
	SDK     *SDKEdge
}

// Metrics returns the edge's two streams' metrics, or nil.
func (e Edge) Metrics() *EdgeMetrics {
	switch {
	case e.Gateway != nil:
		return e.Gateway.Metrics
	case e.SDK != nil:
		return e.SDK.Metrics
	}
	return nil
}

// StreamMetrics returns the metrics of one direction, or nil.
func (e Edge) StreamMetrics(d Direction) *StreamMetrics {
	m := e.Metrics()
	if m == nil {
		return nil
	}
	switch d {
	case Inbound:
		return m.Inbound
	case Outbound:
		return m.Outbound
	}
	return nil
}

// Edge returns the edge of that kind if it is present: not null, and not
// an object without any known field ({}).
func (s *Summary) Edge(kind EdgeKind) (Edge, bool) {
	if s == nil {
		return Edge{}, false
	}
	e := Edge{Kind: kind}
	switch kind {
	case EdgeCarrier:
		e.Gateway = s.CarrierEdge
	case EdgeClient:
		e.Gateway = s.ClientEdge
	case EdgeSIP:
		e.Gateway = s.SIPEdge
	case EdgeSDK:
		e.SDK = s.SDKEdge
	}
	switch {
	case e.Gateway != nil && (e.Gateway.Metrics != nil || e.Gateway.Properties != nil):
		return e, true
	case e.SDK != nil && (e.SDK.Metrics != nil || e.SDK.Properties != nil || e.SDK.Events != nil):
		return e, true
	}
	return Edge{}, false
}

// ExpectedEdges returns the edges documented for the summary's call_type.
func (s *Summary) ExpectedEdges() []EdgeKind {
	if s == nil || s.CallType == nil {
		return nil
	}
	return ExpectedEdgesFor(*s.CallType)
}

// Edges returns the present edges: first those expected for the call type,
// in ExpectedEdges order, then any others in the order of the EdgeKind
// constants (e.g. whatever a WhatsApp call carries).
func (s *Summary) Edges() []Edge {
	var out []Edge
	seen := make(map[EdgeKind]bool, len(allEdges))
	for _, k := range append(s.ExpectedEdges(), allEdges...) {
		if seen[k] {
			continue
		}
		seen[k] = true
		if e, ok := s.Edge(k); ok {
			out = append(out, e)
		}
	}
	return out
}

// MissingEdges returns the expected edges that are absent: typical of a
// partial summary, or of a Voice SDK call without sdk_edge.
func (s *Summary) MissingEdges() []EdgeKind {
	var out []EdgeKind
	for _, k := range s.ExpectedEdges() {
		if _, ok := s.Edge(k); !ok {
			out = append(out, k)
		}
	}
	return out
}
