package callsummary_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// newExampleClient is what a test of yours does: start the sandbox (a
// Twilio on loopback) and point a client at it with its credentials. In
// production, callsummary.NewClient() reads TWILIO_API_KEY and
// TWILIO_API_SECRET (or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN).
func newExampleClient(opts ...sandbox.Option) (*callsummary.Client, *sandbox.Server) {
	srv, err := sandbox.NewServer(opts...)
	if err != nil {
		log.Fatal(err)
	}
	h := srv.Handler()
	c, err := callsummary.NewClient(
		callsummary.WithBaseURL(srv.URL),
		callsummary.WithCredentials(h.AccountSID(), h.AuthToken()),
	)
	if err != nil {
		log.Fatal(err)
	}
	return c, srv
}

func ExampleClient_FetchSummary() {
	c, srv := newExampleClient()
	defer srv.Close()

	s, err := c.FetchSummary(context.Background(), "CAd45ec3c4af38967de454f9e45bb1cef4")
	var apiErr *callsummary.APIError
	switch {
	case errors.Is(err, callsummary.ErrNotFound):
		fmt.Println("no summary (yet)")
		return
	case errors.As(err, &apiErr):
		fmt.Println("Twilio error", apiErr.Code, "request", apiErr.RequestID)
		return
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println(s)
	for _, t := range s.QualityTags() {
		fmt.Printf("%s: %s\n", t, t.Explain())
	}
	if w, ok := s.WorstStream(); ok {
		loss, _ := w.PacketLossPercent()
		fmt.Printf("worst stream %s: loss %.3f%%, jitter avg %.1f ms\n", w, loss, w.Jitter().Avg)
	}
	// Output:
	// CAd45ec3c4af38967de454f9e45bb1cef4 (carrier, completed, complete)
	// high_jitter: packets arrived unevenly: average jitter above about 5 ms with peaks above about 30 ms, or over 1% of packets delayed by 200 ms or more
	// worst stream carrier_edge/inbound: loss 0.305%, jitter avg 6.2 ms
}

func ExampleClient_WaitForComplete() {
	// The sandbox in lifecycle mode answers like Twilio after a call: no
	// summary, then the partial one, then the complete one. Its clock
	// moves only when told, here ten minutes after the call ended.
	ended := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	clock := sandbox.NewManualClock(ended.Add(10 * time.Minute))
	c, srv := newExampleClient(sandbox.WithClock(clock.Now), sandbox.WithLifecycle(sandbox.Lifecycle{EndedAt: ended}))
	defer srv.Close()

	// Bound the wait: a summary is complete about 30 minutes after the call.
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
	defer cancel()
	s, err := c.WaitForComplete(ctx, "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		callsummary.WithPollInterval(time.Millisecond), // the default, 30 s, suits Twilio
		callsummary.WithPartialHandler(func(p *callsummary.Summary) {
			fmt.Println("partial:", p)
			clock.Advance(20 * time.Minute) // what the poll interval stands for
		}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("done:", s)
	// Output:
	// partial: CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (carrier, ringing, partial)
	// done: CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (carrier, ringing, complete)
}

func ExampleSummary_Edges() {
	c, srv := newExampleClient()
	defer srv.Close()
	s, err := c.FetchSummary(context.Background(), "CA62608e08adc29a8d6dbc9754e659f125")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("call type:", *s.CallType, "expects", s.ExpectedEdges())
	for _, e := range s.Edges() {
		in := e.StreamMetrics(callsummary.Inbound)
		fmt.Printf("%s: inbound %s, %.3f%% lost", e.Kind, *in.CodecName, *in.PacketsLossPercentage)
		if e.SDK != nil {
			fmt.Printf(", MOS %.2f, RTT %.0f ms", *in.MOS.Avg, *in.RTT.Avg)
		}
		if e.Gateway != nil {
			fmt.Printf(", edge location %s", *e.Gateway.Properties.EdgeLocation)
		}
		fmt.Println()
	}
	// Output:
	// call type: client expects [sdk_edge client_edge]
	// sdk_edge: inbound opus, 6.680% lost, MOS 3.28, RTT 212 ms
	// client_edge: inbound opus, 5.697% lost, edge location ashburn
}

// The value helpers read a summary without nil checks: a Stat says which
// statistics Twilio sent, a missing stream or edge is reported as such.
func ExampleStream_MOS() {
	c, srv := newExampleClient()
	defer srv.Close()
	s, err := c.FetchSummary(context.Background(), "CA62608e08adc29a8d6dbc9754e659f125")
	if err != nil {
		log.Fatal(err)
	}
	for _, st := range s.Streams() {
		if mos := st.MOS(); mos.HasAvg {
			fmt.Printf("%s: MOS %.2f (min %.2f, has min %v)\n", st, mos.Avg, mos.Min, mos.HasMin)
		}
	}
	fmt.Println("missing:", s.MissingEdges())
	// Output:
	// sdk_edge/inbound: MOS 3.28 (min 1.92, has min true)
	// missing: []
}
