package bench

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/voiceinsights/callsummary/conformance"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// TestSpecParsedOncePerProcess shows that validating does not parse the
// document again: parsing it (NewValidator) allocates far more than a
// validation does, so a validation that re-parsed could not stay under a
// tenth of it. It checks ValidateSummary, ValidateResponse and a fetch
// through the validating transport.
func TestSpecParsedOncePerProcess(t *testing.T) {
	parse := testing.AllocsPerRun(3, func() {
		if _, err := conformance.NewValidator(); err != nil {
			t.Fatal(err)
		}
	})
	p := mustPayload(t, Largest)
	v := mustValidator(t)
	req, resp := summaryExchange(t, p)
	srv := newLoopbackServer(t, p)
	mw := callsummary.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation()))
	fetch := newWrapperFetcher(t, srv.URL, mw)
	checks := map[string]func(){
		"ValidateSummary": func() {
			if err := v.ValidateSummary(p.Body); err != nil {
				t.Fatal(err)
			}
		},
		"ValidateResponse": func() {
			resp.Body = io.NopCloser(bytes.NewReader(p.Body))
			if err := v.ValidateResponse(req, resp); err != nil {
				t.Fatal(err)
			}
		},
		"validating transport fetch": func() {
			if _, err := fetch(context.Background(), p.CallSID); err != nil {
				t.Fatal(err)
			}
		},
	}
	for name, check := range checks {
		got := testing.AllocsPerRun(20, check)
		t.Logf("%s: %.0f allocations; NewValidator: %.0f", name, got, parse)
		if got*10 > parse {
			t.Errorf("%s allocates %.0f times, more than a tenth of parsing the document (%.0f): is it parsing it again?", name, got, parse)
		}
	}
}
