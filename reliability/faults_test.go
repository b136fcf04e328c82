package reliability

import (
	"bytes"
	"cmp"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func TestFaultTable(t *testing.T) {
	for _, tc := range faultCases() {
		t.Run(tc.name, func(t *testing.T) {
			runFaultCase(t, tc)
		})
	}
}

// runFaultCase runs one row against a fresh sandbox and client, asserts
// every property of it, and adds it to the report.
func runFaultCase(t *testing.T, tc faultCase) {
	// Registered first, run last: after the sandbox and transport close.
	t.Cleanup(func() { goleak.VerifyNone(t) })
	logs := &syncBuffer{}
	srv := newSandbox(t, logs)
	url, seen := srv.URL, func() int64 { return srv.Handler().RequestsFor(carrierSID) }
	if tc.target != nil {
		url, seen = tc.target(t, srv)
	}
	if tc.faults != nil {
		if err := srv.Handler().Inject(carrierSID, tc.faults()...); err != nil {
			t.Fatal(err)
		}
	}
	var extra []callsummary.Option
	if tc.validate {
		v, err := validator()
		if err != nil {
			t.Fatal(err)
		}
		extra = append(extra, callsummary.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation())))
	}
	rig := newClient(t, url, logs, &http.Client{Timeout: tc.httpTimeout}, extra...)

	start := time.Now()
	ctx := withTimeout(t, cmp.Or(tc.ctxTimeout, 10*time.Second))
	var s *callsummary.Summary
	var err error
	if tc.call != nil {
		s, err = tc.call(ctx, rig.client)
	} else {
		s, err = rig.client.FetchSummary(ctx, carrierSID)
	}
	elapsed := time.Since(start)

	got := outcomeOf(ctx, s, err)
	requests, attempts, roundTrips := seen(), int64(retryLines(logs)+1), rig.roundTrips.Load()
	report.addFault(faultRow{Fault: tc.name, Expect: tc.expect, Outcome: got,
		Attempts: attempts, Requests: requests, Elapsed: elapsed})
	t.Logf("%s: %s; %d attempts, server saw %d; %v; err: %v", tc.name, got, attempts, requests, elapsed, err)

	if !typed(got) {
		t.Errorf("error of no known type: %v", err)
	}
	if !strings.HasPrefix(got, tc.want) {
		t.Errorf("outcome %q, want %q (err: %v)", got, tc.want, err)
	}
	if tc.requests >= 0 && requests != tc.requests {
		t.Errorf("server saw %d requests, want %d", requests, tc.requests)
	}
	if attempts != tc.attempts {
		t.Errorf("wrapper made %d attempts (logged %d retries), want %d", attempts, attempts-1, tc.attempts)
	}
	if want := cmp.Or(tc.roundTrips, tc.attempts); roundTrips != want {
		t.Errorf("%d round trips left the client, want %d", roundTrips, want)
	}
	if err != nil {
		for _, m := range tc.msg {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("message %q does not say %q", err, m)
			}
		}
	}
	if err == nil && s.DecodeIssues() == nil && tc.call == nil {
		assertFixture(t, srv, s)
	}
	if elapsed < tc.minElapsed || (tc.maxElapsed > 0 && elapsed > tc.maxElapsed) {
		t.Errorf("took %v, want between %v and %v", elapsed, tc.minElapsed, tc.maxElapsed)
	}
	if tc.check != nil {
		tc.check(t, err, s, srv)
	}
	sweepSecrets(t, err, logs, rig)
}

// assertFixture checks that a summary is the carrier fixture, byte for byte.
func assertFixture(t *testing.T, srv *sandbox.Server, s *callsummary.Summary) {
	t.Helper()
	want, ok := srv.Handler().Fixture(carrierSID, callsummary.ProcessingStateComplete)
	if !ok {
		t.Fatal("no carrier fixture")
	}
	if s == nil {
		t.Fatal("nil summary without an error")
	}
	if isPSTN(s) { // servePSTN's edit of it
		want = bytes.Replace(want, []byte(`"carrier"`), []byte(`"pstn"`), 1)
		if s.CallSID == nil || *s.CallSID != carrierSID {
			t.Errorf("the pstn summary is not the carrier call's")
		}
		return
	}
	if !bytes.Equal(s.Raw(), want) {
		t.Errorf("summary is not the carrier fixture byte for byte")
	}
}

func isPSTN(s *callsummary.Summary) bool { return s.CallType != nil && string(*s.CallType) == "pstn" }

// wantDecodeOffset checks a *DecodeError's offset against the fixture's size.
func wantDecodeOffset(offset func(full int) int64) func(*testing.T, error, *callsummary.Summary, *sandbox.Server) {
	return func(t *testing.T, err error, _ *callsummary.Summary, srv *sandbox.Server) {
		full, _ := srv.Handler().Fixture(carrierSID, callsummary.ProcessingStateComplete)
		var de *callsummary.DecodeError
		if !errors.As(err, &de) {
			return // the outcome check has failed already
		}
		if want := offset(len(full)); de.Offset != want {
			t.Errorf("DecodeError.Offset = %d, want %d", de.Offset, want)
		}
	}
}
