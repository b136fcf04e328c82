package fleet

import (
	"time"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// doc is the generated summary type the columns are read from and written to.
type doc = gen.CallSummary

// node reaches one nested object of a summary: nil when it is absent, or,
// when make is true, allocated on the way (to rebuild a summary from a row).
// Nodes and the leaf constructors below are what keeps a column one line.
type node[T any] func(s *doc, make bool) *T

// top is the summary itself.
func top(s *doc, _ bool) *doc { return s }

// child is the object that field points to inside parent's.
func child[P, T any](parent node[P], field func(*P) **T) node[T] {
	return func(s *doc, mk bool) *T {
		p := parent(s, mk)
		if p == nil {
			return nil
		}
		f := field(p)
		if *f == nil && mk {
			*f = new(T)
		}
		return *f
	}
}

// The objects columns are read from.
var (
	properties  = child(top, func(s *doc) **gen.CallProperties { return &s.Properties })
	attributes  = child(top, func(s *doc) **gen.CallAttributes { return &s.Attributes })
	annotation  = child(top, func(s *doc) **gen.Annotation { return &s.Annotation })
	trust       = child(top, func(s *doc) **gen.Trust { return &s.Trust })
	verified    = child(trust, func(t *gen.Trust) **gen.VerifiedCaller { return &t.VerifiedCaller })
	branded     = child(trust, func(t *gen.Trust) **gen.BrandedCall { return &t.Branded })
	integrity   = child(trust, func(t *gen.Trust) **gen.VoiceIntegrity { return &t.VoiceIntegrity })
	business    = child(trust, func(t *gen.Trust) **gen.BusinessProfile { return &t.BusinessProfile })
	fromParty   = child(top, func(s *doc) **gen.Party { return &s.From })
	toParty     = child(top, func(s *doc) **gen.Party { return &s.To })
	carrierEdge = child(top, func(s *doc) **gen.GatewayEdge { return &s.CarrierEdge })
	clientEdge  = child(top, func(s *doc) **gen.GatewayEdge { return &s.ClientEdge })
	sipEdge     = child(top, func(s *doc) **gen.GatewayEdge { return &s.SIPEdge })
	sdkEdge     = child(top, func(s *doc) **gen.SDKEdge { return &s.SDKEdge })
)

func sdkOf(p node[gen.Party]) node[gen.SDKInfo] {
	return child(p, func(p *gen.Party) **gen.SDKInfo { return &p.SDK })
}

func gatewayProps(e node[gen.GatewayEdge]) node[gen.GatewayEdgeProperties] {
	return child(e, func(e *gen.GatewayEdge) **gen.GatewayEdgeProperties { return &e.Properties })
}

// streamOf is the metrics of one direction of an edge.
func streamOf(m node[gen.EdgeMetrics], d callsummary.Direction) node[gen.StreamMetrics] {
	if d == callsummary.Inbound {
		return child(m, func(m *gen.EdgeMetrics) **gen.StreamMetrics { return &m.Inbound })
	}
	return child(m, func(m *gen.EdgeMetrics) **gen.StreamMetrics { return &m.Outbound })
}

// The leaf constructors: a column of each kind from a node and the address
// of its field there.

// leaf is a column read from field in n's object: put stores a value in a
// cell, take reads it back.
func leaf[P, T any](name string, kind Kind, n node[P], field func(*P) **T, about string, put func(*Value, T), take func(*Value) T) Column {
	return Column{Name: name, Kind: kind, Doc: about,
		get: func(s *doc, v *Value) {
			if p := n(s, false); p != nil && *field(p) != nil {
				put(v, **field(p))
				v.Valid = true
			}
		},
		set: func(s *doc, v *Value) { x := take(v); *field(n(s, true)) = &x },
	}
}

func str[P any, S ~string](name string, n node[P], field func(*P) **S, about string) Column {
	return leaf(name, KindString, n, field, about, func(v *Value, x S) { v.Str = string(x) }, func(v *Value) S { return S(v.Str) })
}

func integer[P any](name string, n node[P], field func(*P) **int, about string) Column {
	return leaf(name, KindInt, n, field, about, func(v *Value, x int) { v.Int = int64(x) }, func(v *Value) int { return int(v.Int) })
}

func float[P any](name string, n node[P], field func(*P) **float64, about string) Column {
	return leaf(name, KindFloat, n, field, about, func(v *Value, x float64) { v.Float = x }, func(v *Value) float64 { return v.Float })
}

func boolean[P any](name string, n node[P], field func(*P) **bool, about string) Column {
	return leaf(name, KindBool, n, field, about, func(v *Value, x bool) { v.Bool = x }, func(v *Value) bool { return v.Bool })
}

func timestamp(name string, field func(*doc) **time.Time, about string) Column {
	return leaf(name, KindTime, top, field, about, func(v *Value, x time.Time) { v.Time = x.UTC() }, func(v *Value) time.Time { return v.Time })
}

func strs[P any, S ~string](name string, n node[P], field func(*P) *[]S, about string) Column {
	return Column{Name: name, Kind: KindStrings, Doc: about,
		get: func(s *doc, v *Value) {
			p := n(s, false)
			if p == nil || *field(p) == nil {
				return
			}
			v.List, v.Valid = v.List[:0], true
			for _, x := range *field(p) {
				v.List = append(v.List, string(x))
			}
		},
		set: func(s *doc, v *Value) {
			out := make([]S, len(v.List))
			for i, x := range v.List {
				out[i] = S(x)
			}
			*field(n(s, true)) = out
		},
	}
}

// computed is a column derived from the whole summary, written but never
// read back.
func computed(name string, kind Kind, about string, get func(s *callsummary.Summary, v *Value)) Column {
	return Column{Name: name, Kind: kind, Doc: about, Computed: true, derive: get}
}
