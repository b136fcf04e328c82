package htmlreport_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/voiceinsights/callsummary/htmlreport"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// One call's page, from a summary as Twilio sends it.
func ExampleWriteCall() {
	s, err := callsummary.ParseSummary([]byte(`{
		"call_sid": "CA62608e08adc29a8d6dbc9754e659f125", "call_type": "carrier", "processing_state": "complete",
		"carrier_edge": {"metrics": {"inbound": {"codec_name": "pcmu", "packets_loss_percentage": 7.5,
			"jitter": {"avg": 2.1, "max": 14}}}},
		"tags": ["high_packet_loss"]}`))
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), "call.html")
	f, err := os.Create(path)
	if err != nil {
		log.Fatal(err)
	}
	defer os.Remove(path)
	if err := htmlreport.WriteCall(f, s); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	page, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(strings.Contains(string(page), `<svg xmlns="http://www.w3.org/2000/svg"`))
	fmt.Println(strings.Contains(string(page), `Verdict: <span class="verdict-poor">poor</span>`))
	// Output:
	// true
	// true
}
