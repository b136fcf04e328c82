package conformance_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/wrapper"
)

// The SDK, run against the sandbox through the validating transport in
// fail mode, decodes every fixture in every state exactly, and keeps its
// bytes.
func TestWrapperDecodesEveryFixture(t *testing.T) {
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := conformance.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	client, err := wrapper.NewClient(
		wrapper.WithBaseURL(srv.URL),
		wrapper.WithCredentials(srv.AccountSID(), srv.AuthToken()),
		wrapper.WithHTTPClient(srv.Client()),
		wrapper.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation())),
	)
	if err != nil {
		t.Fatal(err)
	}

	calls := srv.Calls()
	if len(calls) < 5 {
		t.Fatalf("the sandbox lists %d calls, want one per call type at least", len(calls))
	}
	for _, call := range calls {
		for _, state := range call.States {
			t.Run(call.SID+"/"+string(state), func(t *testing.T) {
				body, ok := srv.Fixture(call.SID, state)
				if !ok {
					t.Fatalf("no %s fixture for %s", state, call.SID)
				}
				var want gen.CallSummary
				if err := json.Unmarshal(body, &want); err != nil {
					t.Fatalf("fixture does not decode: %v", err)
				}
				got, err := client.FetchSummary(t.Context(), call.SID, wrapper.WithProcessingState(state))
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
