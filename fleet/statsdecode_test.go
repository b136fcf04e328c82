package fleet

import (
	"testing"

	"github.com/voiceinsights/callsummary/internal/testkit"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// statsOf is the statistics of one summary grouped by every call
// dimension, then by every stream dimension, as JSON.
func statsOf(t *testing.T, s *callsummary.Summary) string {
	t.Helper()
	var out string
	for _, stream := range []bool{false, true} {
		var by []Dim
		for _, d := range Dims() {
			if d.IsStream() == stream {
				by = append(by, d)
			}
		}
		a, err := NewAggregator(by)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Add(s); err != nil {
			t.Fatal(err)
		}
		b, err := a.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out += string(b)
	}
	return out
}

// The statistics decoder gives the statistics of the client's decoding,
// and fails where it fails.
func FuzzStatsDecoder(f *testing.F) {
	for _, name := range []string{"CarrierCall", "SIPCall", "TrunkingCall", "ClientCall", "PartialClientCall", "SeedComplete"} {
		f.Add(testkit.Example(f, name))
	}
	f.Add([]byte(`{"duration":"12","call_type":"sip","tags":["a","b"],"tags":null}`))
	f.Add([]byte(`{"properties":{"pdd_ms":1},"properties":{"direction":"inbound"},"sip_edge":{"metrics":{"inbound":{"mos":{"avg":4.1}}}}}`))
	f.Add([]byte(`{"call_\u0074ype":"sip","start_time":"2026-11-30T10:00:00.5+01:00","sdk_edge":{"events":{}}} `))
	f.Add([]byte(`{"carrier_edge":{"metrics":{"outbound":{"packets_loss_percentage":1e400}}}}`))
	f.Add([]byte(`{"to":{"carrier":"AT&T","sdk":{"platform":"\xff"}}} x`))
	f.Fuzz(func(t *testing.T, line []byte) {
		got, gotErr := newStatsDecoder().decode(line)
		want, wantErr := callsummary.ParseSummary(line)
		if (gotErr != nil) != (wantErr != nil) {
			t.Fatalf("statistics decoder: %v; ParseSummary: %v", gotErr, wantErr)
		}
		if gotErr != nil {
			return
		}
		if g, w := statsOf(t, got), statsOf(t, want); g != w {
			t.Fatalf("statistics differ:\n%s\n%s", g, w)
		}
	})
}
