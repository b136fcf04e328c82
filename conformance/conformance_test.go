package conformance_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The SDK, run against the sandbox through the validating transport in
// fail mode, decodes every fixture in every state exactly, and keeps its
// bytes.
func TestWrapperDecodesEveryFixture(t *testing.T) {
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	client, err := callsummary.NewClient(
		callsummary.WithBaseURL(srv.URL),
		callsummary.WithCredentials(srv.Handler().AccountSID(), srv.Handler().AuthToken()),
		callsummary.WithHTTPClient(srv.Client()),
		callsummary.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation())),
	)
	if err != nil {
		t.Fatal(err)
	}

	calls := srv.Handler().Calls()
	if len(calls) < 5 {
		t.Fatalf("the sandbox lists %d calls, want one per call type at least", len(calls))
	}
	for _, call := range calls {
		for _, state := range call.States {
			t.Run(call.SID+"/"+string(state), func(t *testing.T) {
				body, ok := srv.Handler().Fixture(call.SID, state)
				if !ok {
					t.Fatalf("no %s fixture for %s", state, call.SID)
				}
				var want gen.CallSummary
				if err := wirejson.Unmarshal(body, &want); err != nil {
					t.Fatalf("fixture does not decode: %v", err)
				}
				got, err := client.FetchSummary(t.Context(), call.SID, callsummary.WithProcessingState(state))
				if err != nil {
					t.Fatalf("FetchSummary: %v", err)
				}
				if diff := cmp.Diff(want, got.CallSummary); diff != "" {
					t.Errorf("decoded summary differs from the fixture (-want +got):\n%s", diff)
				}
				if !bytes.Equal(got.Raw(), body) {
					t.Error("Raw() is not the fixture's bytes")
				}
			})
		}
	}
}
