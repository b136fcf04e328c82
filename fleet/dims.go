package fleet

import (
	"fmt"
	"slices"
	"strings"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Dim is a dimension that statistics are grouped by.
type Dim string

// Call dimensions: one value per call.
const (
	DimCallType        Dim = "call_type"        // carrier, sip, trunking, client, whatsapp
	DimDirection       Dim = "direction"        // the call's direction (properties.direction)
	DimProcessingState Dim = "processing_state" // partial or complete
	DimFromCarrier     Dim = "from_carrier"     // the caller's carrier
	DimToCarrier       Dim = "to_carrier"       // the callee's carrier
	DimFromCountry     Dim = "from_country"     // the caller's country code
	DimToCountry       Dim = "to_country"       // the callee's country code
	DimSDKPlatform     Dim = "sdk_platform"     // the Voice SDK's platform (from's, else to's)
	DimSDKVersion      Dim = "sdk_version"      // the Voice SDK's version (from's, else to's)
	DimHour            Dim = "hour"             // start_time's UTC hour, 2026-11-30T14
	DimDay             Dim = "day"              // start_time's UTC day, 2026-11-30
)

// Stream dimensions: one value per stream (edge and direction). Grouped by
// any of them, a call falls in the group of each of its streams; a call
// without streams falls in the group whose stream values are "".
const (
	DimEdge            Dim = "edge"             // carrier_edge, client_edge, sip_edge, sdk_edge
	DimStreamDirection Dim = "stream_direction" // inbound or outbound
	DimCodec           Dim = "codec"            // the stream's codec name
	DimEdgeLocation    Dim = "edge_location"    // the gateway edge's Twilio edge location
	DimRegion          Dim = "region"           // the gateway edge's Twilio region
)

type dimDef struct {
	call   func(s *callsummary.Summary) string
	stream func(s *callsummary.Summary, st callsummary.Stream) string
}

var dims = map[Dim]dimDef{
	DimCallType:        {call: func(s *callsummary.Summary) string { return deref((*string)(s.CallType)) }},
	DimDirection:       {call: column("direction")},
	DimProcessingState: {call: func(s *callsummary.Summary) string { return deref((*string)(s.ProcessingState)) }},
	DimFromCarrier:     {call: column("from_carrier")},
	DimToCarrier:       {call: column("to_carrier")},
	DimFromCountry:     {call: column("from_country_code")},
	DimToCountry:       {call: column("to_country_code")},
	DimSDKPlatform:     {call: firstOf("from_sdk_platform", "to_sdk_platform")},
	DimSDKVersion:      {call: firstOf("from_sdk_version", "to_sdk_version")},
	DimHour:            {call: startFormat("2006-01-02T15")},
	DimDay:             {call: startFormat("2006-01-02")},
	DimEdge:            {stream: func(_ *callsummary.Summary, st callsummary.Stream) string { return st.Edge.String() }},
	DimStreamDirection: {stream: func(_ *callsummary.Summary, st callsummary.Stream) string { return st.Direction.String() }},
	DimCodec:           {stream: func(_ *callsummary.Summary, st callsummary.Stream) string { return deref(st.Metrics.CodecName) }},
	DimEdgeLocation: {stream: func(s *callsummary.Summary, st callsummary.Stream) string {
		if e, ok := s.Edge(st.Edge); ok && e.Gateway != nil && e.Gateway.Properties != nil {
			return deref(e.Gateway.Properties.EdgeLocation)
		}
		return ""
	}},
	DimRegion: {stream: func(s *callsummary.Summary, st callsummary.Stream) string {
		if e, ok := s.Edge(st.Edge); ok && e.Gateway != nil && e.Gateway.Properties != nil {
			return deref(e.Gateway.Properties.Region)
		}
		return ""
	}},
}

// Dims returns every dimension, call dimensions first.
func Dims() []Dim {
	return []Dim{DimCallType, DimDirection, DimProcessingState, DimFromCarrier, DimToCarrier, DimFromCountry, DimToCountry,
		DimSDKPlatform, DimSDKVersion, DimHour, DimDay, DimEdge, DimStreamDirection, DimCodec, DimEdgeLocation, DimRegion}
}

// IsStream reports whether d has one value per stream rather than per call.
func (d Dim) IsStream() bool { return dims[d].stream != nil }

// ParseDims parses a comma-separated list such as "call_type,edge" ("" is
// no grouping: one group of every call).
func ParseDims(list string) ([]Dim, error) {
	var out []Dim
	for f := range strings.SplitSeq(list, ",") {
		d := Dim(strings.TrimSpace(f))
		if d == "" && strings.TrimSpace(list) == "" {
			break
		}
		if _, ok := dims[d]; !ok {
			return nil, fmt.Errorf("%w: %q (want one of %s)", ErrUnknownDim, string(d), dimNames())
		}
		if slices.Contains(out, d) {
			return nil, fmt.Errorf("%w: %q is listed twice", ErrUnknownDim, string(d))
		}
		out = append(out, d)
	}
	return out, nil
}

func dimNames() string {
	var n []string
	for _, d := range Dims() {
		n = append(n, string(d))
	}
	return strings.Join(n, ", ")
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// column reads a string column of the full schema.
func column(name string) func(s *callsummary.Summary) string {
	c := fullSchema.cols[fullSchema.Index(name)]
	return func(s *callsummary.Summary) string {
		var v Value
		c.get(&s.CallSummary, &v)
		return v.Str
	}
}

func firstOf(a, b string) func(s *callsummary.Summary) string {
	fa, fb := column(a), column(b)
	return func(s *callsummary.Summary) string {
		if v := fa(s); v != "" {
			return v
		}
		return fb(s)
	}
}

func startFormat(layout string) func(s *callsummary.Summary) string {
	return func(s *callsummary.Summary) string {
		if s.StartTime == nil {
			return ""
		}
		return s.StartTime.UTC().Format(layout)
	}
}

// fullSchema has every column, PII included, for reading values by name.
var fullSchema = NewSchema(WithPII(true))
