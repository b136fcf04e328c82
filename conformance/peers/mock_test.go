//go:build peers

package peers

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/wrapper"
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
func mockClient(t *testing.T, base, preference string, v *conformance.Validator, rec *headerRecorder) *wrapper.Client {
	t.Helper()
	c, err := wrapper.NewClient(
		wrapper.WithBaseURL(base),
		wrapper.WithCredentials(testAccountSID, testAuthToken),
		wrapper.WithRetry(wrapper.RetryPolicy{MaxAttempts: 1}),
		wrapper.WithTransportMiddleware(rec.middleware),
		wrapper.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation())),
		wrapper.WithTransportMiddleware(prefer(preference)),
	)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The SDK fetches every example of the document from Prism's mock and
// decodes exactly the example; Prism's 401, 404 and 429 examples come back as
// the matching *wrapper.APIError.
func TestPrismMockServesEveryExample(t *testing.T) {
	v := newValidator(t)
	base := startPrism(t, "mock", documentFile(t))
	responses := v.Document().Paths.Find(summaryPath).Get.Responses

	examples := responses.Status(http.StatusOK).Value.Content.Get("application/json").Examples
	if len(examples) < 7 {
		t.Fatalf("the document has %d 200 examples, want at least 7", len(examples))
	}
	for name, ex := range examples {
		t.Run("200/"+name, func(t *testing.T) {
			body, err := json.Marshal(ex.Value.Value)
			if err != nil {
				t.Fatal(err)
			}
			var want gen.CallSummary
			if err := json.Unmarshal(body, &want); err != nil {
				t.Fatal(err)
			}
			var rec headerRecorder
			got, err := mockClient(t, base, "example="+name, v, &rec).FetchSummary(t.Context(), *want.CallSid)
			if err != nil {
				t.Fatalf("FetchSummary: %v", err)
			}
			if diff := cmp.Diff(want, got.CallSummary); diff != "" {
				t.Errorf("decoded summary differs from the example (-want +got):\n%s", diff)
			}
			// Prism's own check of its response: only the known disagreement.
			if got, want := prismViolations(t, rec.response()), nullEnumPointers(v, body); !slices.Equal(got, want) {
				t.Errorf("Prism reports violations at %v, want %v", got, want)
			}
		})
	}

	for _, status := range []int{http.StatusUnauthorized, http.StatusNotFound, http.StatusTooManyRequests} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			ex := responses.Status(status).Value.Content.Get("application/json").Example
			var body gen.Error
			if err := json.Unmarshal(mustJSON(t, ex), &body); err != nil {
				t.Fatal(err)
			}
			want := &wrapper.APIError{StatusCode: status, Code: *body.Code, Message: *body.Message, MoreInfo: *body.MoreInfo}
			var rec headerRecorder
			_, err := mockClient(t, base, "code="+strconv.Itoa(status), v, &rec).FetchSummary(t.Context(), "CA0123456789abcdef0123456789abcdef")
			got, ok := errors.AsType[*wrapper.APIError](err)
			if !ok {
				t.Fatalf("FetchSummary error %v, want a *wrapper.APIError", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("APIError differs from the example (-want +got):\n%s", diff)
			}
			if vs := prismViolations(t, rec.response()); len(vs) != 0 {
				t.Errorf("Prism reports violations at %v", vs)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
