package htmlreport_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/htmlreport"
	"github.com/voiceinsights/callsummary/internal/testkit"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Whatever summary a server sends, its page is written (gonum's panics are
// errors, none expected here) and holds no markup of the server's.
func FuzzWriteCall(f *testing.F) {
	for _, name := range []string{"CarrierCall", "SIPCall", "TrunkingCall", "ClientCall", "PartialClientCall", "SeedComplete"} {
		f.Add(testkit.Example(f, name))
	}
	f.Add([]byte(`{"call_sid":"<script>","sdk_edge":{"metrics":{"inbound":{"jitter":{"avg":1e308},"mos":{"avg":-0},"packets_loss_percentage":-5}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := callsummary.ParseSummary(b)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := htmlreport.WriteCall(&out, s); err != nil {
			t.Fatalf("WriteCall: %v", err)
		}
		if strings.Contains(out.String(), "<script") {
			t.Fatal("the page holds a <script")
		}
		agg, err := htmlreport.NewAggregation()
		if err != nil {
			t.Fatal(err)
		}
		if err := agg.Add(s); err != nil {
			t.Fatal(err)
		}
		out.Reset()
		if err := htmlreport.WriteFleet(&out, agg.Fleet([]*callsummary.Summary{s})); err != nil {
			t.Fatalf("WriteFleet: %v", err)
		}
	})
}
