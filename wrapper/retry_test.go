package callsummary

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRetryOnTransientStatus(t *testing.T) {
	ok := serve(http.StatusOK, fixture(t, "carrier.json"))
	for _, status := range []int{429, 500, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			hs := newHarness(t, sequence(serve(status, twilioError(status, 20000+status, "transient")), serve(status, nil), ok))
			s, err := hs.fetch(context.Background(), testCallSID)
			if err != nil {
				t.Fatalf("FetchSummary: %v", err)
			}
			if *s.CallSID != "CAd45ec3c4af38967de454f9e45bb1cef4" {
				t.Errorf("wrong summary")
			}
			hs.wantHits(3)
			if n := hs.retryLines(); n != 2 {
				t.Errorf("%d retry log lines, want 2", n)
			}
		})
	}
}

func TestNoRetryOnPermanentStatus(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 405, 501} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			hs := newHarness(t, serve(status, twilioError(status, 20001, "permanent")))
			_, err := hs.fetch(context.Background(), testCallSID)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != status {
				t.Fatalf("err = %v, want *APIError %d", err, status)
			}
			hs.wantHits(1)
		})
	}
}

func TestRetryMaxAttempts(t *testing.T) {
	for _, tt := range []struct{ maxAttempts, want int }{{0, DefaultMaxAttempts}, {1, 1}, {2, 2}, {6, 6}} {
		t.Run(fmt.Sprint(tt.maxAttempts), func(t *testing.T) {
			hs := newHarness(t, serve(http.StatusServiceUnavailable, twilioError(503, 20503, "unavailable")),
				WithRetry(RetryPolicy{MaxAttempts: tt.maxAttempts, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
			_, err := hs.fetch(context.Background(), testCallSID)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != 503 || ae.Code != 20503 {
				t.Fatalf("err = %v, want the last 503 as *APIError", err)
			}
			hs.wantHits(tt.want)
			if n := hs.retryLines(); n != tt.want-1 {
				t.Errorf("%d retry log lines, want %d", n, tt.want-1)
			}
		})
	}
}

// hijack closes the connection at the TCP level; reset sends RST.
func hijack(reset bool) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(err)
		}
		if tc, ok := conn.(*net.TCPConn); ok && reset {
			_ = tc.SetLinger(0)
		}
		_ = conn.Close()
	}
}

func TestRetryOnTransportErrors(t *testing.T) {
	ok := serve(http.StatusOK, fixture(t, "carrier.json"))
	truncated := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"call_sid":`))
	}
	for _, tt := range []struct {
		name  string
		first http.HandlerFunc
	}{
		{"connection closed (EOF)", hijack(false)},
		{"connection reset", hijack(true)},
		{"body cut short (unexpected EOF)", truncated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, sequence(tt.first, ok))
			if _, err := hs.fetch(context.Background(), testCallSID); err != nil {
				t.Fatalf("FetchSummary: %v", err)
			}
			hs.wantHits(2)
			if n := hs.retryLines(); n != 1 {
				t.Errorf("%d retry log lines, want 1", n)
			}
		})
	}
}

func TestRetryOnAttemptTimeout(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select { // outlast the client's Timeout, but never the test
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}
	hs := newHarness(t, sequence(slow, serve(http.StatusOK, fixture(t, "carrier.json"))),
		WithHTTPClient(&http.Client{Timeout: 100 * time.Millisecond}))
	if _, err := hs.fetch(context.Background(), testCallSID); err != nil {
		t.Fatalf("FetchSummary: %v", err)
	}
	hs.wantHits(2)
}

func TestRetryOnConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var attempts atomic.Int32
	counting := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) {
			attempts.Add(1)
			return next.RoundTrip(r)
		})
	}
	c, err := NewClient(WithBaseURL("http://"+addr), WithCredentials(testAccountSID, testSecret),
		WithRetry(RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}),
		WithTransportMiddleware(counting))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.FetchSummary(context.Background(), testCallSID)
	assertErrNoSecret(t, err)
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("err = %v, want connection refused", err)
	}
	if n := attempts.Load(); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func retryAfter(v string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", v)
		serve(http.StatusTooManyRequests, twilioError(429, 20429, "Too Many Requests"))(w, r)
	}
}

func TestRetryAfterSecondsOverridesMaxBackoff(t *testing.T) {
	hs := newHarness(t, sequence(retryAfter("3"), serve(http.StatusOK, fixture(t, "carrier.json"))))
	hs.fakeSleep()
	if _, err := hs.fetch(context.Background(), testCallSID); err != nil {
		t.Fatal(err)
	}
	hs.wantHits(2)
	if s := hs.recordedSleeps(); len(s) != 1 || s[0] != 3*time.Second {
		t.Errorf("waits %v, want [3s] (MaxBackoff is 4ms)", s)
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	hs := newHarness(t, sequence(func(w http.ResponseWriter, r *http.Request) {
		retryAfter(time.Now().Add(5*time.Second).UTC().Format(http.TimeFormat))(w, r)
	}, serve(http.StatusOK, fixture(t, "carrier.json"))))
	hs.fakeSleep()
	if _, err := hs.fetch(context.Background(), testCallSID); err != nil {
		t.Fatal(err)
	}
	hs.wantHits(2)
	// HTTP dates have one-second resolution.
	if s := hs.recordedSleeps(); len(s) != 1 || s[0] < 3*time.Second || s[0] > 5*time.Second {
		t.Errorf("waits %v, want one of 3s to 5s", s)
	}
}

func TestRetryAfterTooLongReturnsAtOnce(t *testing.T) {
	t.Run("over the cap", func(t *testing.T) {
		// A budget and attempts to spare, so that only the cap can stop it.
		hs := newHarness(t, retryAfter(fmt.Sprint(int(MaxRetryAfter/time.Second)+1)),
			WithRetry(RetryPolicy{MaxAttempts: 5, MaxElapsed: time.Hour}))
		hs.fakeSleep()
		_, err := hs.fetch(context.Background(), testCallSID)
		if !errors.Is(err, ErrRateLimited) {
			t.Fatalf("err = %v, want ErrRateLimited", err)
		}
		hs.wantHits(1)
		if s := hs.recordedSleeps(); len(s) != 0 {
			t.Errorf("waited %v", s)
		}
	})
	t.Run("past the context deadline", func(t *testing.T) {
		hs := newHarness(t, retryAfter("10"))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		start := time.Now()
		_, err := hs.fetch(ctx, testCallSID)
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.Code != 20429 {
			t.Fatalf("err = %v, want the 429 *APIError", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("returned after %v", d)
		}
		hs.wantHits(1)
	})
}

func TestRetryWaitEndsOnCancel(t *testing.T) {
	hs := newHarness(t, retryAfter("60"))
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled atomic.Int64
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancelled.Store(time.Now().UnixNano())
		cancel()
	}()
	_, err := hs.fetch(ctx, testCallSID)
	back := time.Now()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := back.Sub(time.Unix(0, cancelled.Load())); d > 100*time.Millisecond {
		t.Errorf("returned %v after cancel", d)
	}
	hs.wantHits(1)
}

func TestNoRetryWhenContextEndsDuringAttempt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	})
	_, err := hs.fetch(ctx, testCallSID)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	hs.wantHits(1)
	if n := hs.retryLines(); n != 0 {
		t.Errorf("%d retries logged", n)
	}
}

func TestRetryMaxElapsed(t *testing.T) {
	// Retry-After: 1 makes every wait exactly 1 s (jitter ≤ MaxBackoff = 1 s),
	// so with a 2.5 s budget the third attempt is the last.
	hs := newHarness(t, retryAfter("1"), WithRetry(RetryPolicy{
		MaxAttempts: 10, InitialBackoff: time.Second, MaxBackoff: time.Second, MaxElapsed: 2500 * time.Millisecond,
	}))
	hs.fakeSleep()
	_, err := hs.fetch(context.Background(), testCallSID)
	if !errors.Is(err, ErrRateLimited) {
		t.Fatalf("err = %v", err)
	}
	hs.wantHits(3)
}

func TestBackoffFullJitter(t *testing.T) {
	p, err := RetryPolicy{InitialBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if got := p.ceiling(i + 1); got != w*time.Millisecond {
			t.Errorf("ceiling(%d) = %v, want %v", i+1, got, w*time.Millisecond)
		}
	}
	huge := RetryPolicy{InitialBackoff: 1 << 61, MaxBackoff: 1<<63 - 1}
	if got := huge.ceiling(5); got != huge.MaxBackoff {
		t.Errorf("huge ceiling = %v, want the cap", got)
	}
	c := newClock()
	var low, high bool
	for range 2000 {
		d := c.jitter(100 * time.Millisecond)
		if d < 0 || d > 100*time.Millisecond {
			t.Fatalf("jitter %v out of [0, 100ms]", d)
		}
		low = low || d < 20*time.Millisecond
		high = high || d > 80*time.Millisecond
	}
	if !low || !high {
		t.Error("jitter does not spread over [0, ceiling]")
	}
}

func TestRetryPolicyValidation(t *testing.T) {
	for _, p := range []RetryPolicy{
		{MaxAttempts: -1},
		{InitialBackoff: -time.Second},
		{InitialBackoff: time.Minute, MaxBackoff: time.Second},
		{MaxElapsed: -1},
	} {
		if _, err := NewClient(WithCredentials(testAccountSID, testSecret), WithRetry(p)); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{"-3", 0, false},
		{"soon", 0, false},
		{"Fri, 27 Nov 2026 08:00:30 GMT", 30 * time.Second, true},
		{"Fri, 27 Nov 2026 07:59:00 GMT", 0, true},
		// Too large for an int64: beyond any cap, not absent (a retry at
		// once would hammer a server that asked for a pause).
		{"99999999999999999999", 24 * time.Hour, true},
		{"90000", 24 * time.Hour, true},
		{"+5", 0, false},
		{"1.5", 0, false},
		{"5 ", 5 * time.Second, true},
		{"Friday, 27-Nov-26 08:00:30 GMT", 30 * time.Second, true}, // RFC 850, obsolete but allowed
		{"Fri Nov 27 08:00:30 2026", 30 * time.Second, true},       // asctime
		{"2026-11-27T08:00:30Z", 0, false},
	} {
		h := http.Header{}
		if tt.v != "" {
			h.Set("Retry-After", tt.v)
		}
		got, ok := parseRetryAfter(h, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%q: %v %v, want %v %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}

// TestConcurrentFetches exercises the shared client (and its random source)
// under the race detector.
func TestConcurrentFetches(t *testing.T) {
	var n atomic.Int32
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			serve(http.StatusServiceUnavailable, nil)(w, r)
			return
		}
		serve(http.StatusOK, fixture(t, "client.json"))(w, r)
	}, WithRetry(RetryPolicy{MaxAttempts: 10, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			_, err := hs.c.FetchSummary(context.Background(), "CA62608e08adc29a8d6dbc9754e659f125")
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestAttemptTimeoutNamesTheClientTimeout(t *testing.T) {
	slow := func(w http.ResponseWriter, r *http.Request) {
		select { // outlast the client's Timeout, but never the test
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	}
	// Behind middleware net/http says only "context deadline exceeded".
	passThrough := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(r *http.Request) (*http.Response, error) { return next.RoundTrip(r) })
	}
	for _, tt := range []struct {
		name string
		mw   []Option
	}{{"bare transport", nil}, {"behind middleware", []Option{WithTransportMiddleware(passThrough)}}} {
		t.Run(tt.name, func(t *testing.T) {
			opts := append([]Option{WithHTTPClient(&http.Client{Timeout: 50 * time.Millisecond}),
				WithRetry(RetryPolicy{MaxAttempts: 2, InitialBackoff: time.Millisecond})}, tt.mw...)
			hs := newHarness(t, slow, opts...)
			_, err := hs.fetch(context.Background(), testCallSID)
			if err == nil || !strings.Contains(err.Error(), "attempt timed out (http.Client.Timeout is 50ms") {
				t.Errorf("err = %v, want it to name http.Client.Timeout", err)
			}
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("err = %v, want a net.Error with Timeout()", err)
			}
			hs.wantHits(2)
		})
	}
}
