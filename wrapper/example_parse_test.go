package callsummary_test

import (
	"errors"
	"fmt"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// ParseSummary decodes a body stored earlier, e.g. one kept from Raw. A body
// that does not fit the document's types names where it failed.
func ExampleParseSummary() {
	s, err := callsummary.ParseSummary([]byte(`{"call_sid": "CA62608e08adc29a8d6dbc9754e659f125", "call_type": "client", "duration": 42, "new_field": true}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*s.CallSID, *s.CallType, *s.Duration, len(s.Raw()))

	_, err = callsummary.ParseSummary([]byte(`{"sdk_edge": {"metrics": {"inbound": {"jitter": {"avg": "high"}}}}}`))
	var de *callsummary.DecodeError
	if errors.As(err, &de) {
		fmt.Println(de.Offset, de.Pointer)
	}
	// Output:
	// CA62608e08adc29a8d6dbc9754e659f125 client 42 108
	// 56 /sdk_edge/metrics/inbound/jitter/avg
}
