// Command quickstart prints the quality of one call: the program the README
// shows. With Twilio credentials in the environment:
//
//	TWILIO_API_KEY=SK… TWILIO_API_SECRET=… go run ./examples/quickstart CA…
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: quickstart CALLSID")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Args[1]); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, w io.Writer, callSID string) error {
	// Credentials, region and edge come from the TWILIO_* variables.
	client, err := callsummary.NewClient()
	if err != nil {
		return err
	}
	s, err := client.FetchSummary(ctx, callSID)
	var apiErr *callsummary.APIError
	switch {
	case errors.Is(err, callsummary.ErrNotFound):
		return fmt.Errorf("no summary of %s yet: Twilio has one within 30 minutes of the call's end", callSID)
	case errors.As(err, &apiErr):
		return fmt.Errorf("twilio refused (code %d, request %s): %w", apiErr.Code, apiErr.RequestID, err)
	case err != nil:
		return err
	}
	fmt.Fprintln(w, s) // CA… (client, completed, complete)

	// The easy path: helpers read the summary for you, with no nil checks.
	for _, st := range s.Streams() { // each edge and direction with metrics
		fmt.Fprintf(w, "%-22s", st)
		if loss, ok := st.PacketLossPercent(); ok {
			fmt.Fprintf(w, "  loss %5.2f %%", loss)
		}
		if jitter := st.Jitter(); jitter.HasAvg { // a Stat says what Twilio sent
			fmt.Fprintf(w, "  jitter %4.1f ms", jitter.Avg)
		}
		if mos := st.MOS(); mos.HasAvg {
			fmt.Fprintf(w, "  MOS %.2f", mos.Avg)
		}
		fmt.Fprintln(w)
	}
	if worst, ok := s.WorstStream(); ok { // ranked against Twilio's tag thresholds
		fmt.Fprintln(w, "worst stream:", worst)
	}
	for _, tag := range s.QualityTags() {
		fmt.Fprintf(w, "%s: %s\n", tag, tag.Explain())
	}

	// The raw path: gen's fields, typed to the leaf. They are pointers,
	// because Twilio leaves out what it did not measure.
	if e := s.SDKEdge; e != nil && e.Metrics != nil && e.Metrics.Inbound != nil && e.Metrics.Inbound.MOS != nil {
		if low := e.Metrics.Inbound.MOS.Min; low != nil {
			fmt.Fprintf(w, "lowest MOS the device heard: %.2f\n", *low)
		}
	}
	return nil
}
