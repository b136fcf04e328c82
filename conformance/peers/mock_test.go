//go:build peers

package peers

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

const (
	summaryPath = "/v1/Voice/{CallSid}/Summary"
	// Any well-formed pair: Prism checks that basic auth is used, not what.
	testAccountSID = "ACe268443e43d93dab7ebef303bbe9642f"
	testAuthToken  = "peers-test-token"
)

// headerRecorder keeps the headers of the last response a client received.
type headerRecorder struct {
	mu     sync.Mutex
	header http.Header
}

func (h *headerRecorder) middleware(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		if err == nil {
			h.mu.Lock()
			h.header = resp.Header.Clone()
			h.mu.Unlock()
		}
		return resp, err
	})
}

func (h *headerRecorder) response() *http.Response {
	h.mu.Lock()
	defer h.mu.Unlock()
	return &http.Response{Header: h.header}
}

// prefer sets Prism's Prefer header, which picks the example or status.
func prefer(value string) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.Header.Set("Prefer", value)
			return next.RoundTrip(r)
		})
	}
}

// mockClient is the SDK pointed at Prism's mock, asking for one example, and
// validating what it gets with our own validator too.
func mockClient(t *testing.T, base, preference string, v *conformance.Validator, rec *headerRecorder) *callsummary.Client {
	t.Helper()
	c, err := callsummary.NewClient(
		callsummary.WithBaseURL(base),
		callsummary.WithCredentials(testAccountSID, testAuthToken),
		callsummary.WithRetry(callsummary.RetryPolicy{MaxAttempts: 1}),
		callsummary.WithTransportMiddleware(rec.middleware),
		callsummary.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation())),
		callsummary.WithTransportMiddleware(prefer(preference)),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The SDK fetches every example of the document from Prism's mock and
// decodes exactly the example; Prism's 401, 404 and 429 examples come back as
// the matching *callsummary.APIError.
func TestPrismMockServesEveryExample(t *testing.T) {
	v := newValidator(t)
	base := startPrism(t, "mock", documentFile(t))
	responses := testkit.Document(t).Paths.Find(summaryPath).Get.Responses

	examples := responses.Status(http.StatusOK).Value.Content.Get("application/json").Examples
	if len(examples) < 7 {
		t.Fatalf("the document has %d 200 examples, want at least 7", len(examples))
	}
	for name, ex := range examples {
		t.Run("200/"+name, func(t *testing.T) {
			body, err := wirejson.Marshal(ex.Value.Value)
			if err != nil {
				t.Fatal(err)
			}
			var want gen.CallSummary
			if err := wirejson.Unmarshal(body, &want); err != nil {
				t.Fatal(err)
			}
			var rec headerRecorder
			got, err := mockClient(t, base, "example="+name, v, &rec).FetchSummary(t.Context(), *want.CallSID)
			if err != nil {
				t.Fatalf("FetchSummary: %v", err)
			}
			if diff := cmp.Diff(want, got.CallSummary); diff != "" {
				t.Errorf("decoded summary differs from the example (-want +got):\n%s", diff)
			}
			// Prism's own check of its response: only the known disagreement.
			if got, want := prismViolations(t, rec.response()), nullEnumPointers(t, body); !slices.Equal(got, want) {
				t.Errorf("Prism reports violations at %v, want %v", got, want)
			}
		})
	}

	for _, status := range []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusTooManyRequests} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			ex := responses.Status(status).Value.Content.Get("application/json").Example
			var body gen.Error
			if err := wirejson.Unmarshal(testkit.MustJSON(t, ex), &body); err != nil {
				t.Fatal(err)
			}
			want := &callsummary.APIError{StatusCode: status, Code: *body.Code, Message: *body.Message, MoreInfo: *body.MoreInfo}
			var rec headerRecorder
			_, err := mockClient(t, base, "code="+strconv.Itoa(status), v, &rec).FetchSummary(t.Context(), "CA0123456789abcdef0123456789abcdef")
			got, ok := errors.AsType[*callsummary.APIError](err)
			if !ok {
				t.Fatalf("FetchSummary error %v, want a *callsummary.APIError", err)
			}
			if got.Header.Get("Content-Type") != "application/json" {
				t.Errorf("APIError.Header does not hold the response's headers: %v", got.Header)
			}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(callsummary.APIError{}, "Header")); diff != "" {
				t.Errorf("APIError differs from the example (-want +got):\n%s", diff)
			}
			if vs := prismViolations(t, rec.response()); len(vs) != 0 {
				t.Errorf("Prism reports violations at %v", vs)
			}
		})
	}
}
