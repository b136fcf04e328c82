//go:build peers

package peers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// The sandbox's faults that still answer over HTTP, through Prism's proxy
// and through our validating transport: the two validators agree on which
// break the document and, for bodies, where.
func TestPrismAndOursAgreeOnSandboxFaults(t *testing.T) {
	v := newValidator(t)
	srv, base := proxiedSandbox(t)
	sid := srv.Handler().Calls()[0].SID
	path := "/v1/Voice/" + sid + "/Summary"

	cases := map[string]struct {
		fault  sandbox.Fault
		status int // the sandbox's status, when Prism passes it through
		// breaks says whether the response breaks the document.
		breaks bool
	}{
		"429 with Retry-After": {sandbox.Fault{Kind: sandbox.FaultTooManyRequests, RetryAfter: "3"}, 429, false},
		"500":                  {sandbox.Fault{Kind: sandbox.FaultServerError}, 500, false},
		"502":                  {sandbox.Fault{Kind: sandbox.FaultServerError, Status: 502}, 502, false},
		"503":                  {sandbox.Fault{Kind: sandbox.FaultServerError, Status: 503, RetryAfter: "1"}, 503, false},
		"504":                  {sandbox.Fault{Kind: sandbox.FaultServerError, Status: 504}, 504, false},
		"HTML error page":      {sandbox.Fault{Kind: sandbox.FaultHTMLError}, 502, true},
		"invalid JSON":         {sandbox.Fault{Kind: sandbox.FaultInvalidJSON}, 200, true},
		"schema violation":     {sandbox.Fault{Kind: sandbox.FaultSchemaViolation}, 200, true},
		"empty body":           {sandbox.Fault{Kind: sandbox.FaultEmptyBody}, 200, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// Ours: the sandbox directly, through the validating transport.
			if err := srv.Handler().Inject(sid, tc.fault); err != nil {
				t.Fatal(err)
			}
			var ours error
			rt := conformance.NewTransport(v, nil, conformance.OnViolation(func(_ context.Context, err error) { ours = err }))
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth(srv.Handler().AccountSID(), srv.Handler().AuthToken())
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			_ = resp.Body.Close()
			if (ours != nil) != tc.breaks {
				t.Errorf("ours: violation %v, want breaks=%v", ours, tc.breaks)
			}

			// Prism's, on the same fault.
			if err := srv.Handler().Inject(sid, tc.fault); err != nil {
				t.Fatal(err)
			}
			presp, body := proxyGet(t, base, path, srv.Handler().AccountSID(), srv.Handler().AuthToken())
			prism := prismViolations(t, presp)
			if rejected := len(prism) > 0 || unparsable(presp, body); rejected != tc.breaks {
				t.Errorf("Prism: %s, want breaks=%v; body %s", describe(presp), tc.breaks, body)
			}
			if !tc.breaks && presp.StatusCode != tc.status {
				t.Errorf("Prism: %s, want the sandbox's %d", describe(presp), tc.status)
			}
			if ve, ok := errors.AsType[*conformance.ValidationError](ours); ok && tc.fault.Kind == sandbox.FaultSchemaViolation {
				want := slices.Sorted(slices.Values(ve.Pointers()))
				if !slices.Equal(prism, want) {
					t.Errorf("Prism reports violations at %v, ours at %v", prism, want)
				}
			}
		})
	}
}

// unparsable says whether Prism's proxy failed to parse the upstream's JSON:
// it answers 500 with a FetchError problem instead of sl-violations.
func unparsable(resp *http.Response, body []byte) bool {
	var problem struct {
		Type string `json:"type"`
	}
	return resp.StatusCode == http.StatusInternalServerError &&
		wirejson.Unmarshal(body, &problem) == nil && problem.Type == "FetchError"
}
