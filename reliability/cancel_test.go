package reliability

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
)

// cancelBound is how soon FetchSummary must return once its context is
// cancelled, whatever it is doing.
const cancelBound = 100 * time.Millisecond

func TestCancelReturnsPromptly(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault sandbox.Fault
		// begun reports that the call is in the phase to interrupt.
		begun func(srv *sandbox.Server, logs *syncBuffer) bool
		msg   string
	}{
		{name: "during a 90 s Retry-After wait", fault: retryAfter("90"),
			begun: func(_ *sandbox.Server, logs *syncBuffer) bool { return retryLines(logs) == 1 },
			msg:   "waiting to retry after HTTP 429"},
		{name: "during a stalled response", fault: stall,
			begun: func(srv *sandbox.Server, _ *syncBuffer) bool { return srv.Handler().RequestsFor(carrierSID) == 1 },
			msg:   "fetching summary of " + carrierSID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Cleanup(func() { goleak.VerifyNone(t) })
			logs := &syncBuffer{}
			srv := newSandbox(t, logs)
			if err := srv.Handler().Inject(carrierSID, tc.fault, tc.fault); err != nil {
				t.Fatal(err)
			}
			rig := newClient(t, srv.URL, logs, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type result struct {
				err error
				at  time.Time
			}
			done := make(chan result, 1)
			start := time.Now()
			go func() {
				_, err := rig.client.FetchSummary(ctx, carrierSID)
				done <- result{err, time.Now()}
			}()
			if !waitFor(5*time.Second, func() bool { return tc.begun(srv, logs) }) {
				t.Fatal("the call never reached the phase to cancel")
			}
			time.Sleep(20 * time.Millisecond) // well inside it
			cancelled := time.Now()
			cancel()
			var r result
			select {
			case r = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("FetchSummary did not return within 5 s of cancel")
			}
			latency := r.at.Sub(cancelled)
			got := outcome(ctx, r.err)
			report.addFault(faultRow{Fault: "context cancelled " + tc.name,
				Expect: "return within 100 ms of cancel, with context.Canceled", Outcome: got + ", " + latency.Round(time.Microsecond).String() + " after cancel",
				Attempts: rig.roundTrips.Load(), Requests: srv.Handler().RequestsFor(carrierSID), Elapsed: r.at.Sub(start)})
			t.Logf("returned %v after cancel: %v", latency, r.err)
			if latency > cancelBound {
				t.Errorf("returned %v after cancel, want within %v", latency, cancelBound)
			}
			if !errors.Is(r.err, context.Canceled) || got != "context.Canceled" {
				t.Errorf("err = %v (%s), want context.Canceled", r.err, got)
			}
			if r.err != nil && !strings.Contains(r.err.Error(), tc.msg) {
				t.Errorf("message %q does not say %q", r.err, tc.msg)
			}
			if n, m := srv.Handler().RequestsFor(carrierSID), rig.roundTrips.Load(); n != 1 || m != 1 {
				t.Errorf("server saw %d requests, client sent %d, want 1", n, m)
			}
			sweepSecrets(t, r.err, logs, rig)
		})
	}
}
