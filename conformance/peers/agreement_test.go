//go:build peers

package peers

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/voiceinsights/callsummary/conformance"
)

// The sandbox's faults that still answer over HTTP, through Prism's proxy
// and through our validating transport: the two validators agree on which
// break the document and, for bodies, where.
func TestPrismAndOursAgreeOnSandboxFaults(t *testing.T) {
	v := newValidator(t)
	srv, base := proxiedSandbox(t)
	sid := srv.Calls()[0].SID
	path := "/v1/Voice/" + sid + "/Summary"

	cases := map[string]struct {
		fault  conformance.Fault
		status int // the sandbox's status, when Prism passes it through
		// breaks says whether the response breaks the document.
		breaks bool
	}{
		"429 with Retry-After": {conformance.Fault{Kind: conformance.FaultTooManyRequests, RetryAfter: "3"}, 429, false},
		"500":                  {conformance.Fault{Kind: conformance.FaultServerError}, 500, false},
		"502":                  {conformance.Fault{Kind: conformance.FaultServerError, Status: 502}, 502, false},
		"503":                  {conformance.Fault{Kind: conformance.FaultServerError, Status: 503, RetryAfter: "1"}, 503, false},
		"504":                  {conformance.Fault{Kind: conformance.FaultServerError, Status: 504}, 504, false},
		"HTML error page":      {conformance.Fault{Kind: conformance.FaultHTMLError}, 502, true},
		"invalid JSON":         {conformance.Fault{Kind: conformance.FaultInvalidJSON}, 200, true},
		"schema violation":     {conformance.Fault{Kind: conformance.FaultSchemaViolation}, 200, true},
		"empty body":           {conformance.Fault{Kind: conformance.FaultEmptyBody}, 200, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			// Ours: the sandbox directly, through the validating transport.
			if err := srv.Inject(sid, tc.fault); err != nil {
				t.Fatal(err)
			}
			var ours error
			rt := conformance.NewTransport(v, nil, conformance.OnViolation(func(_ context.Context, err error) { ours = err }))
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.SetBasicAuth(srv.AccountSID(), srv.AuthToken())
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatalf("ours: %v", err)
			}
			_ = resp.Body.Close()
			if (ours != nil) != tc.breaks {
				t.Errorf("ours: violation %v, want breaks=%v", ours, tc.breaks)
			}

			// Prism's, on the same fault.
			if err := srv.Inject(sid, tc.fault); err != nil {
				t.Fatal(err)
			}
			presp, body := proxyGet(t, base, path, srv.AccountSID(), srv.AuthToken())
			prism := prismViolations(t, presp)
			if rejected := len(prism) > 0 || unparsable(presp, body); rejected != tc.breaks {
				t.Errorf("Prism: %s, want breaks=%v; body %s", describe(presp), tc.breaks, body)
			}
			if !tc.breaks && presp.StatusCode != tc.status {
				t.Errorf("Prism: %s, want the sandbox's %d", describe(presp), tc.status)
			}
			if ve, ok := errors.AsType[*conformance.ValidationError](ours); ok && tc.fault.Kind == conformance.FaultSchemaViolation {
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
		json.Unmarshal(body, &problem) == nil && problem.Type == "FetchError"
}
