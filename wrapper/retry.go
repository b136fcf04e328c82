package wrapper

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP date.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) { // avoid overflow; far past any cap
			secs = int64(24 * time.Hour / time.Second)
		}
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
