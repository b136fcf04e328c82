package bench

import (
	"bytes"
	"testing"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// BenchmarkDecodeDrift prices the degrading decode. The client call is
// decoded by ParseSummary as sent (strict: the fast path) and with one
// value that does not fit its type (a string codec in client_edge's inbound
// stream), which makes ParseSummary decode the body again value by value:
// the slow path, taken only then.
func BenchmarkDecodeDrift(b *testing.B) {
	p := mustPayload(b, Largest)
	drifted := bytes.Replace(p.Body, []byte(`"codec":111`), []byte(`"codec":"opus"`), 1)
	if bytes.Equal(drifted, p.Body) {
		b.Fatal("no codec to drift in the payload")
	}
	for _, tc := range []struct {
		name   string
		body   []byte
		issues int
	}{{"strict", p.Body, 0}, {"drifted", drifted, 1}} {
		b.Run("path="+tc.name, func(b *testing.B) {
			s, err := callsummary.ParseSummary(tc.body)
			if err != nil || len(s.DecodeIssues()) != tc.issues {
				b.Fatalf("%v, issues %v; want %d", err, s.DecodeIssues(), tc.issues)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := callsummary.ParseSummary(tc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
