package wrapper

import (
	"fmt"

	"github.com/voiceinsights/callsummary/gen"
)

// EdgeKind names one of a summary's four edges.
type EdgeKind uint8

// The edges, in the order Edges lists those not expected for the call type.
const (
	CarrierEdge EdgeKind = iota + 1 // carrier_edge: Twilio's PSTN gateway
	ClientEdge                      // client_edge: Twilio's gateway for Voice SDK calls
	SIPEdge                         // sip_edge: Twilio's SIP gateway (SIP Interface, Trunking)
	SDKEdge                         // sdk_edge: what the Voice SDK measured on the device
)

var edgeNames = [...]string{CarrierEdge: "carrier_edge", ClientEdge: "client_edge", SIPEdge: "sip_edge", SDKEdge: "sdk_edge"}

// allEdges is the fixed order of the four kinds.
var allEdges = []EdgeKind{CarrierEdge, ClientEdge, SIPEdge, SDKEdge}

// String is the JSON name, e.g. "carrier_edge".
func (k EdgeKind) String() string {
	if k >= CarrierEdge && k <= SDKEdge {
		return edgeNames[k]
	}
	return fmt.Sprintf("EdgeKind(%d)", uint8(k))
}

// MarshalText writes the JSON name, so EdgeKind encodes as a string.
func (k EdgeKind) MarshalText() ([]byte, error) {
	if k < CarrierEdge || k > SDKEdge {
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
var expectedEdges = map[gen.CallType][]EdgeKind{
	gen.CallTypeCarrier:  {CarrierEdge},
	gen.CallTypeSip:      {SIPEdge},
	gen.CallTypeTrunking: {SIPEdge, CarrierEdge},
	gen.CallTypeClient:   {SDKEdge, ClientEdge},
}

// ExpectedEdgesFor returns the edges Twilio documents for a call type, nil
// for whatsapp and unknown types.
func ExpectedEdgesFor(t gen.CallType) []EdgeKind {
	return append([]EdgeKind(nil), expectedEdges[t]...)
}

// Edge is one present edge of a summary. Exactly one of Gateway (carrier,
// client and SIP edges) and SDK is set, according to Kind; both point into
// the Summary.
type Edge struct {
	Kind    EdgeKind
	Gateway *gen.GatewayEdge
	SDK     *gen.SDKEdge
}

// Metrics returns the edge's two streams' metrics, or nil.
func (e Edge) Metrics() *gen.EdgeMetrics {
	switch {
	case e.Gateway != nil:
		return e.Gateway.Metrics
	case e.SDK != nil:
		return e.SDK.Metrics
	}
	return nil
}

// StreamMetrics returns the metrics of one direction, or nil.
func (e Edge) StreamMetrics(d Direction) *gen.StreamMetrics {
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
	case CarrierEdge:
		e.Gateway = s.CarrierEdge
	case ClientEdge:
		e.Gateway = s.ClientEdge
	case SIPEdge:
		e.Gateway = s.SipEdge
	case SDKEdge:
		e.SDK = s.SdkEdge
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
