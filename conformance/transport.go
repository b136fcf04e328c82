package conformance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
)

// A Transport is an http.RoundTripper that validates every request it sends
// and every response it receives against the document. In report mode (the
// default) it reports each violation and passes the response through
// unchanged; in fail mode (FailOnViolation) RoundTrip returns an error
// wrapping the *ValidationError instead.
//
// The response body reaches the caller byte for byte as the server sent it.
// At most 10 MiB of it is read for validation; a longer body is reported
// with ErrBodyTooLarge and, in report mode, still streamed to the caller.
// Reports name the method, path and status and the violations, never a
// header (credentials) or a value of from/to (PII).
type Transport struct {
	v      *Validator
	next   http.RoundTripper
	fail   bool
	report func(ctx context.Context, err error)
	logger *slog.Logger
}

// NewTransport returns a Transport that validates with v the traffic it
// sends through next (http.DefaultTransport when nil).
func NewTransport(v *Validator, next http.RoundTripper, opts ...TransportOption) *Transport {
	if next == nil {
		next = http.DefaultTransport
	}
	t := &Transport{v: v, next: next}
	for _, opt := range opts {
		opt(t)
	}
	if t.logger == nil {
		t.logger = slog.Default()
	}
	return t
}

// RoundTrip validates req, sends it through the next transport, and
// validates the response. It does not modify req.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.v == nil || t.next == nil {
		return nil, errors.New("conformance: a Transport must be made with NewTransport and a Validator")
	}
	ctx := req.Context()
	routed, err := t.validateRequest(req)
	if err != nil && t.handle(ctx, req, nil, err) {
		if req.Body != nil {
			_ = req.Body.Close() // RoundTrip closes it, even unsent
		}
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || !routed {
		// Without an operation there is nothing to check the response
		// against; the request was reported already.
		return resp, err
	}
	body, err := readAndRestore(resp)
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		// Unvalidated is not valid: reported and, in fail mode, refused.
	case err != nil:
		// A broken stream is not the document's business: the caller reads
		// the same bytes and the same error from the restored body.
		return resp, nil
	default:
		err = t.v.validateResponseBody(req, resp, body)
	}
	if err != nil && t.handle(ctx, req, resp, err) {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
	}
	return resp, nil
}

// CloseIdleConnections passes through to the next transport, so that
// http.Client.CloseIdleConnections keeps working when wrapped.
func (t *Transport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// validateRequest treats a request no operation matches as a violation: an
// SDK that calls an undocumented path is as wrong as a bad parameter. routed
// says whether an operation matched.
func (t *Transport) validateRequest(req *http.Request) (routed bool, err error) {
	if _, _, err := t.v.findRoute(req); err != nil {
		return false, &ValidationError{Subject: "request", Violations: []Violation{{
			Pointer: "path",
			Reason:  "no operation in the document matches " + req.Method + " " + req.URL.Path,
		}}}
	}
	return true, t.v.ValidateRequest(req)
}

// handle reports err and says whether RoundTrip must fail.
func (t *Transport) handle(ctx context.Context, req *http.Request, resp *http.Response, err error) bool {
	switch {
	case t.report != nil:
		t.report(ctx, err)
	case !t.fail:
		t.log(ctx, req, resp, err)
	}
	return t.fail
}

func (t *Transport) log(ctx context.Context, req *http.Request, resp *http.Response, err error) {
	attrs := []slog.Attr{
		slog.String("method", req.Method),
		// Path only: a URL's userinfo would hold credentials, and the query
		// is not needed to find the call.
		slog.String("path", req.URL.Path),
	}
	if resp != nil {
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	}
	if ve, ok := errors.AsType[*ValidationError](err); ok {
		attrs = append(attrs, slog.String("subject", ve.Subject), slog.Any("violations", violationStrings(ve)))
	} else {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	t.logger.LogAttrs(ctx, slog.LevelWarn, "conformance: traffic violates the document", attrs...)
}

func violationStrings(ve *ValidationError) []string {
	out := make([]string, len(ve.Violations))
	for i, v := range ve.Violations {
		out[i] = v.String()
	}
	return out
}
