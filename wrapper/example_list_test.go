package callsummary_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func ExampleClient_ListSummaries() {
	// The sample calls only (no generated population), all started on
	// 20 to 27 November 2026.
	c, srv := newExampleClient(sandbox.WithPopulation(0, 0))
	defer srv.Close()
	filter := callsummary.ListFilter{
		CallTypes: []callsummary.CallType{callsummary.CallTypeCarrier, callsummary.CallTypeClient},
		Start:     callsummary.At(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)),
		HasTag:    new(true),
		PageSize:  2,
	}
	// Pages are fetched as the loop needs them; break stops fetching.
	for s, err := range c.ListSummaries(context.Background(), filter) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(s, s.QualityTags())
	}
	// Output:
	// CA62608e08adc29a8d6dbc9754e659f125 (client, completed, complete) [high_jitter high_packet_loss low_mos]
	// CAd45ec3c4af38967de454f9e45bb1cef4 (carrier, completed, complete) [high_jitter]
}

func ExampleClient_UpdateAnnotation() {
	c, srv := newExampleClient()
	defer srv.Close()
	// Only the fields set are sent, and changed. Validation (the 1–5 score,
	// the enums, 100 characters of text) happens before anything is sent.
	a, err := c.UpdateAnnotation(context.Background(), "CA62608e08adc29a8d6dbc9754e659f125", callsummary.AnnotationUpdate{
		CallScore:     new(2),
		QualityIssues: []callsummary.QualityIssue{callsummary.QualityIssueChoppyRobotic, callsummary.QualityIssueEcho},
		Comment:       new("robotic audio after transfer"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*a.CallSID, *a.CallScore, a.QualityIssues, *a.Comment)
	// Output:
	// CA62608e08adc29a8d6dbc9754e659f125 2 [choppy_robotic echo] robotic audio after transfer
}
