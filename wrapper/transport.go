package wrapper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxResponseBytes bounds every response body read (10 MiB): a summary is a
// few kilobytes, so more is a misbehaving server or proxy.
const MaxResponseBytes = 10 << 20

// DefaultTimeout bounds one attempt when the *http.Client has no Timeout.
const DefaultTimeout = 30 * time.Second

// retryDoer is the gen.HttpRequestDoer of a Client: it sends a request,
// reads its body into memory (so a body cut short is retried like any
// transport error), and retries per the policy.
type retryDoer struct {
	hc       *http.Client
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

// attempt sends req once and buffers the body, at most d.maxBytes of it.
func (d *retryDoer) attempt(req *http.Request) (*http.Response, error) {
	resp, err := d.hc.Do(req)
	if err != nil {
		return nil, d.explainTimeout(req.Context(), withoutQuery(err))
	}
	defer resp.Body.Close()
	// Size the buffer from Content-Length when the server sent one: a
	// summary is then read with one allocation instead of io.ReadAll's
	// successive growths.
	var buf bytes.Buffer
	if n := resp.ContentLength; n > 0 && n <= d.maxBytes {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, d.maxBytes+1))
	body := buf.Bytes()
	if err != nil {
		err = d.explainTimeout(req.Context(), err)
		return nil, fmt.Errorf("callsummary: reading response body (HTTP %d): %w", resp.StatusCode, err)
	}
	if int64(len(body)) > d.maxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes (HTTP %d)", ErrResponseTooLarge, d.maxBytes, resp.StatusCode)
	}
	resp.Body = &bufferedBody{Reader: bytes.NewReader(body), data: body}
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// withoutQuery drops the query from the URL net/http puts in a transport
// error: a list's query can hold the From and To filters, which are PII,
// and the error is logged and returned.
func withoutQuery(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, _, ok := strings.Cut(ue.URL, "?"); ok {
			ue.URL = u + "?…"
		}
	}
	return err
}

// explainTimeout says which timeout ended an attempt. Behind transport
// middleware, net/http reports http.Client.Timeout as a bare "context
// deadline exceeded", which reads as if the caller's deadline had passed.
func (d *retryDoer) explainTimeout(ctx context.Context, err error) error {
	var ne net.Error
	if ctx.Err() != nil || !errors.As(err, &ne) || !ne.Timeout() {
		return err
	}
	return fmt.Errorf("callsummary: attempt timed out (http.Client.Timeout is %v; the context had not expired): %w", d.hc.Timeout, err)
}

// buildHTTPClient copies base (never mutating the caller's client), applies
// the default timeout, the middleware and the redirect rule.
func buildHTTPClient(base *http.Client, mws []func(http.RoundTripper) http.RoundTripper) (*http.Client, error) {
	hc := &http.Client{Timeout: DefaultTimeout}
	if base != nil {
		c := *base
		hc = &c
		if hc.Timeout == 0 {
			hc.Timeout = DefaultTimeout
		}
	}
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	for _, mw := range mws {
		rt = mw(rt)
		if rt == nil {
			return nil, errors.New("callsummary: transport middleware returned a nil RoundTripper")
		}
	}
	hc.Transport = rt
	hc.CheckRedirect = stripAuthOnRedirect(hc.CheckRedirect)
	return hc, nil
}

// stripAuthOnRedirect drops Authorization when a redirect leaves the first
// request's scheme and host:port. net/http compares host names only, so a
// redirect to another port of the same host would otherwise keep it. The
// user's own CheckRedirect, if any, runs afterwards.
func stripAuthOnRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
			req.Header.Del("Authorization")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return fmt.Errorf("%w; the last to %s", ErrTooManyRedirects, req.URL.Redacted())
		}
		return nil
	}
}

// bufferedBody is a response body the doer has already read into memory:
// Client.readBody takes its bytes instead of copying them a second time.
type bufferedBody struct {
	*bytes.Reader
	data []byte
}

func (*bufferedBody) Close() error { return nil }
