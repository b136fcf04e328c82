package main

import (
	"bytes"
	"strings"
	"testing"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// No summary the wrapper accepts makes the report panic, and every report
// ends with a verdict. `go test` runs the seeds (the document's examples and
// a few hand-made edge cases); `go test -fuzz FuzzReport` explores.
func FuzzReport(f *testing.F) {
	all, err := examples()
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range reportExamples {
		f.Add(all[name])
	}
	for _, s := range []string{
		`{}`,
		`{"call_type":"whatsapp","carrier_edge":{"metrics":{"inbound":{}}}}`,
		`{"call_type":"client","sdk_edge":{"metrics":{"inbound":{"mos":{"avg":0}}}},"processing_state":"partial"}`,
		`{"from":{"caller":"+"},"to":{"callee":"sip:@"},"tags":[""],"duration":-5}`,
		`{"sip_edge":{"metrics":{"outbound":{"packets_loss_percentage":-0.0001,"jitter":{"max":1e308}}}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := callsummary.ParseSummary(body)
		if err != nil {
			return
		}
		for _, st := range []reportStyle{{}, {showPII: true, color: true}} {
			var b bytes.Buffer
			if err := writeReport(&b, s, st); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "Verdict:") {
				t.Fatalf("no verdict:\n%s", b.String())
			}
		}
	})
}

// The mask hides the user of a client: or sip: address entirely, and never
// shows any other address whole.
func FuzzMaskAddress(f *testing.F) {
	for _, s := range []string{"+14155550143", "client:alice", "sip:bob@pbx.example.com", "", "x", "anonymous", "client:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		got := maskAddress(addr)
		if !strings.Contains(got, maskDots) {
			t.Fatalf("maskAddress(%q) = %q has no mask", addr, got)
		}
		for _, scheme := range []string{"client:", "sip:", "sips:", "tel:"} {
			if rest, ok := strings.CutPrefix(got, scheme); ok && strings.HasPrefix(addr, scheme) {
				if user, _, _ := strings.Cut(rest, "@"); user != maskDots {
					t.Fatalf("maskAddress(%q) = %q shows the user", addr, got)
				}
				return
			}
		}
		if len(addr) >= 3 && strings.Contains(got, addr) {
			t.Fatalf("maskAddress(%q) = %q shows it whole", addr, got)
		}
	})
}
