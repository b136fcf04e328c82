package callsummary

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestWaitForComplete(t *testing.T) {
	partial := serve(http.StatusOK, fixture(t, "client_partial.json"))
	complete := serve(http.StatusOK, withFields(t, fixture(t, "client.json"), map[string]any{"call_sid": "CA0e87c1212a698494dcdb198af3e0eb2f"}))
	hs := newHarness(t, sequence(serve(http.StatusNotFound, twilio404), partial, partial, complete))
	hs.fakeSleep()
	var partials atomic.Int32
	s, err := hs.c.WaitForComplete(context.Background(), "CA0e87c1212a698494dcdb198af3e0eb2f",
		WithPollInterval(10*time.Second), nil, WithPartialHandler(func(p *Summary) {
			if p.IsComplete() {
				t.Error("OnPartial got a complete summary")
			}
			partials.Add(1)
		}))
	assertErrNoSecret(t, err)
	if err != nil {
		t.Fatal(err)
	}
	if !s.IsComplete() {
		t.Error("returned summary is not complete")
	}
	if n := partials.Load(); n != 2 {
		t.Errorf("OnPartial called %d times, want 2", n)
	}
	hs.wantHits(4)
	for i, r := range hs.requests() {
		if r.URL.Query().Get("ProcessingState") != "partial" {
			t.Errorf("poll %d: query %q", i, r.URL.RawQuery)
		}
	}
	// 10 s, then growing by half.
	want := []time.Duration{10 * time.Second, 15 * time.Second, 22500 * time.Millisecond}
	if got := hs.recordedSleeps(); !slices.Equal(got, want) {
		t.Errorf("poll waits %v, want %v", got, want)
	}
}

func TestWaitForCompleteScheduleIsCapped(t *testing.T) {
	hs := newHarness(t, sequence(append(slices.Repeat([]http.HandlerFunc{serve(http.StatusNotFound, twilio404)}, 8),
		serve(http.StatusOK, fixture(t, "carrier.json")))...))
	hs.fakeSleep()
	if _, err := hs.c.WaitForComplete(context.Background(), testCallSID); err != nil {
		t.Fatal(err)
	}
	want := []float64{30, 45, 67.5, 101.25, 120, 120, 120, 120}
	got := hs.recordedSleeps()
	if len(got) != len(want) {
		t.Fatalf("waits %v", got)
	}
	for i := range want {
		if w := time.Duration(want[i] * float64(time.Second)); got[i] != w {
			t.Errorf("wait %d = %v, want %v", i, got[i], w)
		}
	}
}

func TestWaitForCompleteDeadline(t *testing.T) {
	hs := newHarness(t, serve(http.StatusNotFound, twilio404))
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := hs.c.WaitForComplete(ctx, testCallSID, WithPollInterval(20*time.Millisecond))
	assertErrNoSecret(t, err)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %v", d)
	}
	if n := hs.hits.Load(); n < 2 {
		t.Errorf("only %d polls", n)
	}
}

func TestWaitForCompletePollWaitEndsOnCancel(t *testing.T) {
	hs := newHarness(t, serve(http.StatusOK, fixture(t, "client_partial.json")))
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled atomic.Int64
	_, err := hs.c.WaitForComplete(ctx, "CA0e87c1212a698494dcdb198af3e0eb2f", WithPollInterval(time.Hour), WithPartialHandler(func(*Summary) {
		go func() {
			time.Sleep(50 * time.Millisecond)
			cancelled.Store(time.Now().UnixNano())
			cancel()
		}()
	}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(time.Unix(0, cancelled.Load())); d > 100*time.Millisecond {
		t.Errorf("returned %v after cancel", d)
	}
	hs.wantHits(1)
}

func TestWaitForCompleteErrors(t *testing.T) {
	t.Run("auth error ends the wait", func(t *testing.T) {
		hs := newHarness(t, serve(http.StatusUnauthorized, twilioError(401, 20003, "Authenticate")))
		_, err := hs.c.WaitForComplete(context.Background(), testCallSID, WithPollInterval(time.Millisecond))
		if !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v", err)
		}
		hs.wantHits(1)
	})
	t.Run("transient error keeps polling", func(t *testing.T) {
		hs := newHarness(t, sequence(serve(503, nil), serve(http.StatusOK, fixture(t, "sip.json"))),
			WithRetry(RetryPolicy{MaxAttempts: 1}))
		if _, err := hs.c.WaitForComplete(context.Background(), sidOf(t, fixture(t, "sip.json")), WithPollInterval(time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		hs.wantHits(2)
	})
	t.Run("bad options send nothing", func(t *testing.T) {
		hs := newHarness(t, serve(http.StatusOK, fixture(t, "sip.json")))
		for _, d := range []time.Duration{0, -time.Second} {
			if _, err := hs.c.WaitForComplete(context.Background(), testCallSID, WithPollInterval(d)); err == nil {
				t.Errorf("WithPollInterval(%v) accepted", d)
			}
		}
		if _, err := hs.c.WaitForComplete(nil, testCallSID); err == nil {
			t.Error("nil context accepted")
		}
		hs.wantHits(0)
	})
}

// TestWaitForCompleteDeadlineAtTheAnswer: a 404 that arrives just as the
// context ends ends the wait with the context's error, as a deadline between
// polls does, not with the 404 (which would read as "no such call").
func TestWaitForCompleteDeadlineAtTheAnswer(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	// The round trip completes, then the context ends before the answer is
	// handed back.
	endAfterAnswer := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := next.RoundTrip(r)
			if err != nil {
				return nil, err
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return nil, err
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			cancel(context.DeadlineExceeded)
			return resp, nil
		})
	}
	hs := newHarness(t, serve(http.StatusNotFound, twilio404), WithTransportMiddleware(endAfterAnswer))
	_, err := hs.c.WaitForComplete(ctx, testCallSID, WithPollInterval(time.Hour))
	assertErrNoSecret(t, err)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v, want the context's error and not ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "(1 polls)") {
		t.Errorf("err = %v, want it to count the poll", err)
	}
	hs.wantHits(1)
}

// Only "partial" means "not yet": a summary whose processing_state is
// null, absent, empty or unknown ends the wait at once, returned as it is.
func TestWaitForCompleteEndsOnAnyStateButPartial(t *testing.T) {
	for name, state := range map[string]any{"null": nil, "empty": "", "unknown": "final", "upper case": "COMPLETE", "absent": deleteField} {
		t.Run(name, func(t *testing.T) {
			fields := map[string]any{"processing_state": state}
			body := withFields(t, fixture(t, "carrier.json"), fields)
			hs := newHarness(t, serve(http.StatusOK, body))
			hs.fakeSleep()
			// With sleeps faked, a wait that polls on spins: the deadline
			// makes that a failure rather than a hang.
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			s, err := hs.c.WaitForComplete(ctx, testCallSID)
			if err != nil || s == nil || s.IsComplete() {
				t.Fatalf("%v, %v: want the summary, not complete", s, err)
			}
			hs.wantHits(1)
			if got := hs.recordedSleeps(); len(got) != 0 {
				t.Errorf("slept %v", got)
			}
		})
	}
}

// A 429 whose Retry-After is past the retry budget ends FetchSummary's
// retries at once; the wait then honours it: the next poll comes no
// sooner, and when it would come after the deadline the wait ends with the
// 429 instead of polling on.
func TestWaitForCompleteHonoursRetryAfter(t *testing.T) {
	tooMany := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "600") // past MaxRetryAfter
		serve(http.StatusTooManyRequests, twilioError(429, 20429, "Too Many Requests"))(w, r)
	}
	hs := newHarness(t, sequence(tooMany, serve(http.StatusOK, fixture(t, "carrier.json"))))
	hs.fakeSleep()
	if _, err := hs.c.WaitForComplete(context.Background(), testCallSID, WithPollInterval(time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := hs.recordedSleeps(); !slices.Equal(got, []time.Duration{10 * time.Minute}) {
		t.Errorf("waits %v, want the server's 10m", got)
	}
	hs.wantHits(2)

	hs = newHarness(t, sequence(tooMany, serve(http.StatusOK, fixture(t, "carrier.json"))))
	hs.fakeSleep()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	_, err := hs.c.WaitForComplete(ctx, testCallSID, WithPollInterval(time.Second))
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v, want the 429", err)
	}
	hs.wantHits(1)

	// A Retry-After of the year 9999 is no wait: without a deadline the
	// wait would never end.
	forever := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")
		serve(http.StatusTooManyRequests, twilioError(429, 20429, "Too Many Requests"))(w, r)
	}
	hs = newHarness(t, sequence(forever, serve(http.StatusOK, fixture(t, "carrier.json"))))
	hs.fakeSleep()
	_, err = hs.c.WaitForComplete(context.Background(), testCallSID, WithPollInterval(time.Second))
	if !errors.Is(err, ErrRateLimited) || len(hs.recordedSleeps()) != 0 {
		t.Fatalf("err = %v after sleeping %v, want the 429 at once", err, hs.recordedSleeps())
	}
	hs.wantHits(1)
}
