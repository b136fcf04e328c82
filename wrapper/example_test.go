package wrapper_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/voiceinsights/callsummary/wrapper"
)

// exampleServer stands in for Twilio: it serves testdata files in turn, the
// last one repeated, and 404 for the name "404".
func exampleServer(files ...string) *httptest.Server {
	var n atomic.Int32
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := files[min(int(n.Add(1))-1, len(files)-1)]
		w.Header().Set("Content-Type", "application/json")
		if name == "404" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`)
			return
		}
		body, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = w.Write(body)
	}))
}

func ExampleClient_FetchSummary() {
	srv := exampleServer("carrier.json")
	defer srv.Close()

	// In production: wrapper.NewClient() reads TWILIO_API_KEY and
	// TWILIO_API_SECRET (or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN).
	c, err := wrapper.NewClient(
		wrapper.WithBaseURL(srv.URL),
		wrapper.WithCredentials("AC0123456789abcdef0123456789abcdef", "example-token"),
	)
	if err != nil {
		log.Fatal(err)
	}
	s, err := c.FetchSummary(context.Background(), "CAd45ec3c4af38967de454f9e45bb1cef4")
	var apiErr *wrapper.APIError
	switch {
	case errors.Is(err, wrapper.ErrNotFound):
		fmt.Println("no summary yet")
		return
	case errors.As(err, &apiErr):
		fmt.Println("Twilio error", apiErr.Code)
		return
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println(*s.CallType, *s.ProcessingState, *s.Duration, "s")
	for _, t := range s.QualityTags() {
		fmt.Printf("%s: %s\n", t, t.Explain())
	}
	if w, ok := s.WorstStream(); ok {
		loss, _ := w.PacketLossPercent()
		fmt.Printf("worst stream %s: loss %.3f%%, jitter avg %.1f ms\n", w, loss, w.Jitter().Avg)
	}
	// Output:
	// carrier complete 278 s
	// high_jitter: packets arrived unevenly: average jitter above about 5 ms with peaks above about 30 ms, or over 1% of packets delayed by 200 ms or more
	// worst stream carrier_edge/inbound: loss 0.305%, jitter avg 6.2 ms
}

func ExampleClient_WaitForComplete() {
	srv := exampleServer("404", "client_partial.json", "client.json")
	defer srv.Close()
	c, err := wrapper.NewClient(
		wrapper.WithBaseURL(srv.URL),
		wrapper.WithAPIKey("SK0123456789abcdef0123456789abcdef", "example-secret"),
	)
	if err != nil {
		log.Fatal(err)
	}
	// Bound the wait: a summary is complete about 30 minutes after the call.
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Minute)
	defer cancel()
	s, err := c.WaitForComplete(ctx, "CA62608e08adc29a8d6dbc9754e659f125",
		wrapper.PollEvery(time.Millisecond), // the default, 30 s, suits Twilio
		wrapper.OnPartial(func(p *wrapper.Summary) {
			fmt.Println("partial; missing edges:", p.MissingEdges())
		}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*s.ProcessingState, "with edges", len(s.Edges()))
	// Output:
	// partial; missing edges: [sdk_edge]
	// complete with edges 2
}

func ExampleSummary_Edges() {
	body, err := os.ReadFile(filepath.Join("testdata", "client.json"))
	if err != nil {
		log.Fatal(err)
	}
	s, err := wrapper.ParseSummary(body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("call type:", *s.CallType, "expects", s.ExpectedEdges())
	for _, e := range s.Edges() {
		in := e.StreamMetrics(wrapper.Inbound)
		fmt.Printf("%s: inbound %s, %.3f%% lost", e.Kind, *in.CodecName, *in.PacketsLossPercentage)
		if e.SDK != nil {
			fmt.Printf(", MOS %.2f, RTT %.0f ms", *in.Mos.Avg, *in.Rtt.Avg)
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
