package callsummary

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// RetryPolicy says how the client retries a GET (FetchSummary, a list page,
// FetchAnnotation) that failed transiently: HTTP 429, 500, 502, 503, 504,
// or a transport error (connection reset or refused, unexpected EOF, a
// per-attempt timeout). UpdateAnnotation's POST is retried only on 429 and
// on a failure to connect, when nothing was sent: never on a 5xx or a
// reset, after which the update may have been applied. A cancelled or
// expired context is never retried.
//
// The wait before retry n (n = 1, 2, …) is drawn uniformly from
// [0, min(MaxBackoff, InitialBackoff·2^(n-1))] ("full jitter"); with the
// defaults the ceilings are 1 s, 2 s, 4 s. A Retry-After header (seconds or
// an HTTP date) is a minimum wait that may exceed MaxBackoff; one longer
// than MaxRetryAfter ends the retries at once. No wait is begun that would
// end after the context's deadline or past MaxElapsed: the last response
// (an *APIError) or error is returned instead. A wait ends as soon as the
// context is done. Each retry is logged at debug level.
//
// Zero fields take the defaults.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first included: 1 disables
	// retries. Default 4.
	MaxAttempts int
	// InitialBackoff is the ceiling of the first wait. Default 1 s.
	InitialBackoff time.Duration
	// MaxBackoff caps the ceiling of any wait. Default 30 s.
	MaxBackoff time.Duration
	// MaxElapsed bounds the time from the first attempt to the start of the
	// last one: no retry is begun past it. Default 2 min.
	MaxElapsed time.Duration
}

// Retry defaults, and the longest Retry-After honoured.
const (
	DefaultMaxAttempts    = 4
	DefaultInitialBackoff = time.Second
	DefaultMaxBackoff     = 30 * time.Second
	DefaultMaxElapsed     = 2 * time.Minute
	MaxRetryAfter         = 5 * time.Minute
)

// withDefaults fills zero fields and rejects nonsense.
func (p RetryPolicy) withDefaults() (RetryPolicy, error) {
	if p.MaxAttempts < 0 || p.InitialBackoff < 0 || p.MaxBackoff < 0 || p.MaxElapsed < 0 {
		return p, errors.New("callsummary: RetryPolicy fields must not be negative")
	}
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.InitialBackoff == 0 {
		p.InitialBackoff = DefaultInitialBackoff
	}
	if p.MaxBackoff == 0 {
		p.MaxBackoff = max(DefaultMaxBackoff, p.InitialBackoff)
	}
	if p.MaxElapsed == 0 {
		p.MaxElapsed = DefaultMaxElapsed
	}
	if p.MaxBackoff < p.InitialBackoff {
		return p, fmt.Errorf("callsummary: RetryPolicy.MaxBackoff (%v) is less than InitialBackoff (%v)", p.MaxBackoff, p.InitialBackoff)
	}
	return p, nil
}

// ceiling is the upper bound of the jittered wait before retry n (n ≥ 1).
func (p RetryPolicy) ceiling(n int) time.Duration {
	c := p.InitialBackoff
	for i := 1; i < n && c < p.MaxBackoff; i++ {
		if c > p.MaxBackoff/2 { // doubling would pass the cap (or overflow)
			return p.MaxBackoff
		}
		c *= 2
	}
	return min(c, p.MaxBackoff)
}

// retryDoer is the gen.HttpRequestDoer of a Client: it sends a request,
// reads its body into memory (so a body cut short is retried like any
// transport error), and retries per the policy.
type retryDoer struct {
	hc       *http.Client
	redact   func(string) string // the client's credentials' redactor
	policy   RetryPolicy
	log      *slog.Logger
	clock    *clock
	maxBytes int64
}

func (d *retryDoer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	start := d.clock.now()
	for attempt := 1; ; attempt++ {
		r, err := rewind(req, attempt)
		if err != nil {
			return nil, err
		}
		resp, err := d.attempt(r)
		if ctx.Err() != nil {
			if err == nil {
				return resp, nil // complete response; let the caller see it
			}
			return nil, err
		}
		if !mayRetry(req, resp, err) {
			return resp, err
		}
		wait, retry := d.nextWait(ctx, attempt, start, resp, err)
		if !retry {
			return resp, err
		}
		var last string
		attrs := []any{"attempt", attempt, "max_attempts", d.policy.MaxAttempts, "wait", wait}
		if err != nil {
			last = err.Error()
			attrs = append(attrs, "error", last)
		} else {
			last = fmt.Sprintf("HTTP %d", resp.StatusCode)
			attrs = append(attrs, "status", resp.StatusCode)
		}
		d.log.DebugContext(ctx, "callsummary: retrying", attrs...)
		if serr := d.clock.sleep(ctx, wait); serr != nil {
			return nil, fmt.Errorf("callsummary: waiting to retry after %s: %w", last, serr)
		}
	}
}

// rewind returns the request to send as attempt n: a clone, with a fresh
// copy of the body from GetBody after the first attempt.
func rewind(req *http.Request, attempt int) (*http.Request, error) {
	r := req.Clone(req.Context())
	if attempt > 1 && req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("callsummary: rewinding the request body to retry: %w", err)
		}
		r.Body = body
	}
	return r, nil
}

// mayRetry is the rule of which outcomes may be retried, by method.
//
// A GET is idempotent: it is retried on 429, 500, 502, 503, 504 and on the
// transport errors of retryableError. Any other method (the annotation
// POST) is retried only when Twilio certainly did not act on it: on 429
// (Twilio: "the request was not processed") and when connecting failed (a
// dial error, such as connection refused: nothing was sent). Never on a
// 5xx, a reset, or a timeout after the request was written, since the
// update may have been applied; and never if the body cannot be rewound.
func mayRetry(req *http.Request, resp *http.Response, err error) bool {
	if req.Method == http.MethodGet || req.Method == http.MethodHead {
		if err != nil {
			return retryableError(err)
		}
		return retryableStatus(resp.StatusCode)
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	if err != nil {
		var oe *net.OpError
		return errors.As(err, &oe) && oe.Op == "dial" && retryableError(err)
	}
	return resp.StatusCode == http.StatusTooManyRequests
}

// nextWait decides whether a retryable outcome of attempt is retried
// (attempts, Retry-After, deadline and budget permitting), and after how long.
func (d *retryDoer) nextWait(ctx context.Context, attempt int, start time.Time, resp *http.Response, err error) (time.Duration, bool) {
	if attempt >= d.policy.MaxAttempts {
		return 0, false
	}
	wait := d.clock.jitter(d.policy.ceiling(attempt))
	now := d.clock.now()
	if err == nil {
		if ra, ok := parseRetryAfter(resp.Header, now); ok {
			if ra > MaxRetryAfter {
				d.log.DebugContext(ctx, "callsummary: Retry-After beyond cap; not retrying",
					"status", resp.StatusCode, "retry_after", ra, "cap", MaxRetryAfter)
				return 0, false
			}
			wait = max(wait, ra)
		}
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
		d.log.DebugContext(ctx, "callsummary: next retry would pass the context deadline; not retrying",
			"attempt", attempt, "wait", wait)
		return 0, false
	}
	if now.Add(wait).Sub(start) > d.policy.MaxElapsed {
		d.log.DebugContext(ctx, "callsummary: retry budget spent; not retrying",
			"attempt", attempt, "wait", wait, "max_elapsed", d.policy.MaxElapsed)
		return 0, false
	}
	return wait, true
}

// clock is what the retry and poll loops need from time; tests replace it.
type clock struct {
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	mu    sync.Mutex
	rng   *rand.Rand // per client: no global random state
}

func newClock() *clock {
	return &clock{
		now:   time.Now,
		sleep: sleepCtx,
		rng:   rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())),
	}
}

// jitter returns a uniform duration in [0, d].
func (c *clock) jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Duration(c.rng.Int64N(int64(d) + 1))
}

// sleepCtx waits d, or less if ctx ends first (then returning its cause).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError reports transport failures after which a GET can safely be
// sent again. The caller checks the context first.
func retryableError(err error) bool {
	if errors.Is(err, ErrResponseTooLarge) {
		return false
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() // http.Client.Timeout of one attempt
}

// parseRetryAfter reads Retry-After in the two forms RFC 9110 allows:
// delay-seconds (digits only) or an HTTP date. A number of seconds too
// large for the clock is beyond any cap, not absent; anything else (a
// sign, a fraction, garbage) is absent.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if strings.Trim(v, "0123456789") == "" {
		const day = 24 * time.Hour
		secs, err := strconv.ParseUint(v, 10, 64)
		if err != nil || secs > uint64(day/time.Second) { // overflow, or past any cap
			return day, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
