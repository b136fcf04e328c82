package callsummary

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/voiceinsights/callsummary/internal/safetext"
)

// MaxResponseBytes bounds every response body read (10 MiB): a summary is a
// few kilobytes, so more is a misbehaving server or proxy.
const MaxResponseBytes = 10 << 20

// DefaultTimeout bounds one attempt when the *http.Client has no Timeout.
const DefaultTimeout = 30 * time.Second

// attempt sends req once and buffers the body, at most d.maxBytes of it.
func (d *retryDoer) attempt(req *http.Request) (*http.Response, error) {
	resp, err := d.hc.Do(req)
	if err != nil {
		return nil, d.explainTimeout(req.Context(), cleanTransportError(err, d.redact))
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

// cleanTransportError makes a transport error fit to return and log: the
// URL net/http puts in it loses its query (a list's From and To filters are
// PII), user info and any echoed secret, in place, so that even a caller
// who digs out the *url.Error sees no more; and the error's text as a whole
// is redacted and made printable, since a proxy's redirect may echo the
// Authorization header anywhere in a Location.
func cleanTransportError(err error, redact func(string) string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ue.URL = displayURL(u, redact)
		} else {
			ue.URL = "(not a URL)"
		}
	}
	return &cleanError{err: err, redact: redact}
}

// cleanError is an error whose text is redacted and printable; it unwraps
// to the original for errors.Is and errors.As.
type cleanError struct {
	err    error
	redact func(string) string
}

func (e *cleanError) Error() string { return safetext.Printable(e.redact(e.err.Error())) }
func (e *cleanError) Unwrap() error { return e.err }

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
func buildHTTPClient(base *http.Client, mws []func(http.RoundTripper) http.RoundTripper, redact func(string) string) (*http.Client, error) {
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
	hc.CheckRedirect = stripAuthOnRedirect(hc.CheckRedirect, redact)
	return hc, nil
}

// stripAuthOnRedirect drops Authorization when a redirect leaves the first
// request's scheme and host:port. net/http compares host names only, so a
// redirect to another port of the same host would otherwise keep it. The
// user's own CheckRedirect, if any, runs afterwards.
func stripAuthOnRedirect(next func(*http.Request, []*http.Request) error, redact func(string) string) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		// The base URL's rule holds for every hop: a redirect may not take
		// the request, and the From and To of its query, into clear text
		// off this machine.
		if req.URL.Scheme != "https" && !(req.URL.Scheme == "http" && isLoopback(req.URL.Hostname())) {
			return fmt.Errorf("%w: to %s, which is neither https nor loopback", ErrInsecureRedirect, displayURL(req.URL, redact))
		}
		if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
			req.Header.Del("Authorization")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return fmt.Errorf("%w; the last to %s", ErrTooManyRedirects, displayURL(req.URL, redact))
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
