package conformance

import (
	"context"
	"log/slog"
	"net/http"
)

// A TransportOption configures a Transport.
type TransportOption func(*Transport)

// FailOnViolation switches the Transport to fail mode: a request that breaks
// the document is not sent, and a response that breaks it is closed and
// RoundTrip returns an error wrapping the *ValidationError (or
// ErrBodyTooLarge). Use it in tests, where a violation must stop the test.
// Note that an undocumented error page (say an HTML 502) then surfaces as a
// conformance error rather than as a status.
func FailOnViolation() TransportOption {
	return func(t *Transport) { t.fail = true }
}

// OnViolation calls report for every violation instead of logging it, in
// either mode. err is a *ValidationError, or ErrBodyTooLarge for a body too
// long to validate. report may be called concurrently.
func OnViolation(report func(ctx context.Context, err error)) TransportOption {
	return func(t *Transport) { t.report = report }
}

// LogViolationsTo sets the logger report mode writes violations to, at level
// Warn (slog.Default() otherwise).
func LogViolationsTo(logger *slog.Logger) TransportOption {
	return func(t *Transport) { t.logger = logger }
}

// Middleware returns a function that wraps a transport in a validating
// Transport, for clients that take transport middleware:
//
//	wrapper.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation()))
func (v *Validator) Middleware(opts ...TransportOption) func(http.RoundTripper) http.RoundTripper {
	return func(next http.RoundTripper) http.RoundTripper {
		return NewTransport(v, next, opts...)
	}
}
