package bench

import (
	"encoding/json"
	"errors"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	twilioinsights "github.com/twilio/twilio-go/rest/insights/v1"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// decoder decodes one body into a fresh value and returns its call SID, so
// that every benchmark both does the work and shows it did.
type decoder struct {
	name   string
	decode func([]byte) (string, error)
}

// decoders lists the contenders; the first, twilio-go, is the baseline.
// Every twilio-go, minimal and map decode uses encoding/json, as their
// users would.
func decoders() []decoder {
	return []decoder{
		{"twilio", func(b []byte) (string, error) {
			var s twilioinsights.InsightsV1Summary
			err := json.Unmarshal(b, &s)
			return deref(s.CallSid), err
		}},
		// The SDK's decode of gen's type: callsummary.ParseSummary, which
		// decodes with encoding/json/v2 (go-json-experiment/json) and keeps
		// a copy of the bytes for Raw.
		{"gen", func(b []byte) (string, error) {
			s, err := callsummary.ParseSummary(b)
			if err != nil {
				return "", err
			}
			return deref(s.CallSID), nil
		}},
		{"minimal", func(b []byte) (string, error) {
			var s minimalSummary
			err := json.Unmarshal(b, &s)
			return s.CallSID, err
		}},
		{"map", func(b []byte) (string, error) {
			var s map[string]any
			err := json.Unmarshal(b, &s)
			sid, _ := s["call_sid"].(string)
			return sid, err
		}},
		// Not contenders but the two sides of the engine change: gen's type
		// with encoding/json (the SDK before it moved to v2), and the
		// minimal struct with v2, so gen and minimal are also compared on
		// the same engine.
		{"gen-stdlib", func(b []byte) (string, error) {
			var s gen.CallSummary
			err := json.Unmarshal(b, &s)
			return deref(s.CallSID), err
		}},
		{"minimal-jsonv2", func(b []byte) (string, error) {
			var s minimalSummary
			err := jsonv2.Unmarshal(b, &s)
			return s.CallSID, err
		}},
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// BenchmarkDecode decodes one summary body per iteration into a fresh value
// of each type: twilio-go's InsightsV1Summary (edges as interface{}), gen's
// CallSummary (typed to the leaf), a minimal hand-written struct and
// map[string]any.
func BenchmarkDecode(b *testing.B) {
	payloads, err := LoadPayloads(PayloadNames()...)
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range payloads {
		for _, d := range decoders() {
			b.Run("payload="+p.Name+"/impl="+d.name, func(b *testing.B) {
				if sid, err := d.decode(p.Body); err != nil || sid != p.CallSID {
					b.Fatalf("decoded call_sid %q, %v; want %q", sid, err, p.CallSID)
				}
				b.ReportAllocs()
				var sid string
				for b.Loop() {
					sid, err = d.decode(p.Body)
					if err != nil {
						b.Fatal(err)
					}
				}
				if sid != p.CallSID {
					b.Fatalf("call_sid %q, want %q", sid, p.CallSID)
				}
			})
		}
	}
}

// wantMOS is sdk_edge.metrics.inbound.mos.avg in the ClientCall example.
const wantMOS = 3.28

// twilioSDKInboundMOS digs the sdk_edge inbound MOS average out of
// twilio-go's interface{} edge: what a twilio-go user has to write.
func twilioSDKInboundMOS(s *twilioinsights.InsightsV1Summary) (float64, error) {
	if s.SdkEdge == nil {
		return 0, errors.New("no sdk_edge")
	}
	var v any = *s.SdkEdge
	for _, key := range []string{"metrics", "inbound", "mos", "avg"} {
		m, ok := v.(map[string]any)
		if !ok {
			return 0, errors.New("sdk_edge: not an object above " + key)
		}
		v = m[key]
	}
	f, ok := v.(float64)
	if !ok {
		return 0, errors.New("sdk_edge.metrics.inbound.mos.avg is not a number")
	}
	return f, nil
}

// genSDKInboundMOS reads the same metric through gen's typed fields.
func genSDKInboundMOS(s *gen.CallSummary) (float64, error) {
	e := s.SDKEdge
	if e == nil || e.Metrics == nil || e.Metrics.Inbound == nil || e.Metrics.Inbound.MOS == nil || e.Metrics.Inbound.MOS.Avg == nil {
		return 0, errors.New("no sdk_edge.metrics.inbound.mos.avg")
	}
	return *e.Metrics.Inbound.MOS.Avg, nil
}

// BenchmarkDecodeMOS is the fair version of "typed access to every edge
// metric": decode the client call, then read sdk_edge's inbound MOS average,
// by type assertions on twilio-go's interface{} or through gen's fields.
func BenchmarkDecodeMOS(b *testing.B) {
	p := mustPayload(b, Largest)
	impls := []struct {
		name string
		mos  func([]byte) (float64, error)
	}{
		{"twilio", func(body []byte) (float64, error) {
			var s twilioinsights.InsightsV1Summary
			if err := json.Unmarshal(body, &s); err != nil {
				return 0, err
			}
			return twilioSDKInboundMOS(&s)
		}},
		{"gen", func(body []byte) (float64, error) {
			s, err := callsummary.ParseSummary(body)
			if err != nil {
				return 0, err
			}
			return genSDKInboundMOS(&s.CallSummary)
		}},
	}
	for _, impl := range impls {
		b.Run("payload="+p.Name+"/impl="+impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mos, err := impl.mos(p.Body)
				if err != nil {
					b.Fatal(err)
				}
				if mos != wantMOS {
					b.Fatalf("MOS %v, want %v", mos, wantMOS)
				}
			}
		})
	}
}

// TestDecodersAgree checks, outside any timing, that every contender reads
// the same metric from every payload the benchmarks use.
func TestDecodersAgree(t *testing.T) {
	payloads, err := LoadPayloads(PayloadNames()...)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range payloads {
		for _, d := range decoders() {
			if sid, err := d.decode(p.Body); err != nil || sid != p.CallSID {
				t.Errorf("%s/%s: call_sid %q, %v; want %q", p.Name, d.name, sid, err, p.CallSID)
			}
		}
	}
	p := mustPayload(t, Largest)
	var tw twilioinsights.InsightsV1Summary
	var g gen.CallSummary
	var m minimalSummary
	for _, v := range []any{&tw, &g, &m} {
		if err := json.Unmarshal(p.Body, v); err != nil {
			t.Fatal(err)
		}
	}
	twMOS, err := twilioSDKInboundMOS(&tw)
	if err != nil {
		t.Fatal(err)
	}
	genMOS, err := genSDKInboundMOS(&g)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]float64{"twilio": twMOS, "gen": genMOS, "minimal": m.SDKEdge.Metrics.Inbound.MOS.Avg} {
		if got != wantMOS {
			t.Errorf("%s: sdk_edge inbound MOS avg %v, want %v", name, got, wantMOS)
		}
	}
}

// minimalFieldsOnly returns body without the top-level objects the minimal
// struct skips, so that gen and minimal decode exactly the same fields.
func minimalFieldsOnly(tb testing.TB, body []byte) []byte {
	tb.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		tb.Fatal(err)
	}
	for _, k := range []string{"from", "to", "attributes", "properties", "trust", "annotation"} {
		delete(m, k)
	}
	out, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// BenchmarkDecodeSameFields separates what gen's coverage costs from what
// its shape costs: on the client call stripped to the fields the minimal
// struct has, what is left of a gap is gen's pointer per optional field
// (one allocation each) against the minimal struct's values.
func BenchmarkDecodeSameFields(b *testing.B) {
	p := mustPayload(b, Largest)
	body := minimalFieldsOnly(b, p.Body)
	for _, d := range decoders() {
		if d.name != "gen" && d.name != "minimal" && d.name != "minimal-jsonv2" {
			continue
		}
		b.Run("payload="+p.Name+"/impl="+d.name, func(b *testing.B) {
			b.ReportAllocs()
			var sid string
			for b.Loop() {
				var err error
				if sid, err = d.decode(body); err != nil {
					b.Fatal(err)
				}
			}
			if sid != p.CallSID {
				b.Fatalf("call_sid %q, want %q", sid, p.CallSID)
			}
		})
	}
}
