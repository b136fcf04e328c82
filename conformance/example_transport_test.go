package conformance_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// In a test, point the SDK at the sandbox and validate every response it
// receives: in fail mode a response that breaks the document is an error.
func ExampleValidator_Middleware() {
	v, err := conformance.NewValidator()
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := sandbox.NewServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	h := srv.Handler()
	client, err := callsummary.NewClient(
		callsummary.WithBaseURL(srv.URL),
		callsummary.WithCredentials(h.AccountSID(), h.AuthToken()),
		callsummary.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation())),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	summary, err := client.FetchSummary(ctx, "CAd45ec3c4af38967de454f9e45bb1cef4")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*summary.CallType, *summary.ProcessingState, summary.Tags)
	// Output: carrier complete [high_jitter]
}

// In report mode the transport passes every response through and reports
// what breaks the document, here to a callback (by default, to slog).
func ExampleNewTransport() {
	// A server whose call_type is not in the document's enum.
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"call_sid": "CAd45ec3c4af38967de454f9e45bb1cef4", "call_type": "pstn"}`)
	}))
	defer upstream.Close()

	v, err := conformance.NewValidator()
	if err != nil {
		fmt.Println(err)
		return
	}
	report := func(_ context.Context, err error) {
		var ve *conformance.ValidationError
		if errors.As(err, &ve) {
			for _, violation := range ve.Violations {
				fmt.Println("violation at", violation.Pointer)
			}
		}
	}
	client := &http.Client{Transport: conformance.NewTransport(v, nil, conformance.OnViolation(report))}

	resp, err := client.Get(upstream.URL + "/v1/Voice/CAd45ec3c4af38967de454f9e45bb1cef4/Summary")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	fmt.Println("status", resp.StatusCode)
	// Output:
	// violation at /call_type
	// status 200
}
