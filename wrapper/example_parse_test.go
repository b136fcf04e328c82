package callsummary_test

import (
	"errors"
	"fmt"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// ParseSummary decodes a body stored earlier, e.g. one kept from Raw. A value
// that does not fit the document's types (Twilio changed it) is left at its
// zero value and reported; everything else arrives. Only a body that is not
// a JSON object is an error, which names where it failed.
func ExampleParseSummary() {
	s, err := callsummary.ParseSummary([]byte(`{"call_sid": "CA62608e08adc29a8d6dbc9754e659f125", "call_type": "client", "duration": 42, "new_field": true}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*s.CallSID, *s.CallType, *s.Duration, len(s.Raw()))

	drifted, err := callsummary.ParseSummary([]byte(`{"duration": 42, "sdk_edge": {"metrics": {"inbound": {"codec": "opus", "jitter": {"avg": 1.5}}}}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*drifted.Duration, *drifted.SDKEdge.Metrics.Inbound.Jitter.Avg, drifted.SDKEdge.Metrics.Inbound.Codec)
	for _, issue := range drifted.DecodeIssues() {
		fmt.Println(issue)
	}

	_, err = callsummary.ParseSummary([]byte(`{"call_sid": "CA`))
	var de *callsummary.DecodeError
	if errors.As(err, &de) {
		fmt.Println(de.Offset, de.Pointer)
	}
	// Output:
	// CA62608e08adc29a8d6dbc9754e659f125 client 42 108
	// 42 1.5 <nil>
	// /sdk_edge/metrics/inbound/codec: callsummary: value does not fit its type: got a string, want an integer (int)
	// 16 /call_sid
}
