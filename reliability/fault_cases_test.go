package reliability

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// faultCase is one row of the fault table: a fault, what the client must do
// about it, and how to tell that it did.
type faultCase struct {
	name   string
	expect string // the rule, as the report states it
	// faults are injected for carrierSID, in order, before the call.
	faults func() []sandbox.Fault
	// target, when set, serves instead of the sandbox (for faults the
	// sandbox cannot produce); seen counts the requests it received.
	target func(t *testing.T, srv *sandbox.Server) (url string, seen func() int64)
	// ctxTimeout is the call's deadline; zero gives a 10 s safety net that
	// no case may reach.
	ctxTimeout  time.Duration
	httpTimeout time.Duration // http.Client.Timeout; zero keeps the default
	validate    bool          // conformance Transport in fail mode
	// requests is how many requests the server must see, -1 where nothing
	// listens; attempts how many the wrapper made (one plus its "retrying"
	// lines); roundTrips how many left the client (a redirect adds one),
	// zero meaning as many as attempts.
	requests, attempts, roundTrips int64
	want                           string   // outcome(err) must start with it
	msg                            []string // substrings the error message must hold
	minElapsed                     time.Duration
	maxElapsed                     time.Duration // zero: the safety net only
	check                          func(t *testing.T, err error, s *callsummary.Summary, srv *sandbox.Server)
	// call, when set, is what the client does instead of fetching
	// carrierSID's summary (a listing's pages are round trips, not
	// attempts).
	call func(ctx context.Context, c *callsummary.Client) (*callsummary.Summary, error)
}

func repeat(f sandbox.Fault, n int) func() []sandbox.Fault {
	return func() []sandbox.Fault {
		out := make([]sandbox.Fault, n)
		for i := range out {
			out[i] = f
		}
		return out
	}
}

// always outlasts the default four attempts by one: a fifth attempt would
// still fail, and be counted.
func always(f sandbox.Fault) func() []sandbox.Fault {
	return repeat(f, callsummary.DefaultMaxAttempts+1)
}

func once(f sandbox.Fault) func() []sandbox.Fault { return repeat(f, 1) }

var (
	tooMany  = sandbox.Fault{Kind: sandbox.FaultTooManyRequests}
	resetMid = sandbox.Fault{Kind: sandbox.FaultResetMidBody}
	truncate = sandbox.Fault{Kind: sandbox.FaultTruncated}
	stall    = sandbox.Fault{Kind: sandbox.FaultStall} // until the client gives up
)

func serverError(status int) sandbox.Fault {
	return sandbox.Fault{Kind: sandbox.FaultServerError, Status: status}
}

func retryAfter(v string) sandbox.Fault {
	return sandbox.Fault{Kind: sandbox.FaultTooManyRequests, RetryAfter: v}
}

func faultCases() []faultCase {
	const max = callsummary.DefaultMaxAttempts
	cases := []faultCase{
		{name: "429 Retry-After seconds then 200", expect: "wait Retry-After (1 s) although MaxBackoff is 5 ms, then succeed",
			faults: once(retryAfter("1")), requests: 2, attempts: 2, want: "success", minElapsed: time.Second, maxElapsed: 3 * time.Second},
		{name: "429 Retry-After HTTP-date then 200", expect: "wait until the date (1-2 s away), then succeed",
			faults: func() []sandbox.Fault {
				return []sandbox.Fault{retryAfter(time.Now().Add(2 * time.Second).UTC().Format(http.TimeFormat))}
			}, requests: 2, attempts: 2, want: "success", minElapsed: time.Second, maxElapsed: 4 * time.Second},
		{name: "429 Retry-After beyond the 5 min cap", expect: "give up at once with the 429",
			faults: always(retryAfter("600")), requests: 1, attempts: 1, want: "*callsummary.APIError 429 (code 20429)",
			msg: []string{"429 Too Many Requests", "code 20429", "https://www.twilio.com/docs/errors/20429"}, maxElapsed: time.Second},
		{name: "429 Retry-After past MaxElapsed (2 min)", expect: "give up at once with the 429: no retry may start past the budget",
			faults: always(retryAfter("150")), requests: 1, attempts: 1, want: "*callsummary.APIError 429 (code 20429)",
			msg: []string{"429 Too Many Requests", "code 20429"}, maxElapsed: time.Second},
		{name: "429 Retry-After past the context deadline", expect: "give up at once with the 429, not wait for the deadline",
			faults: always(retryAfter("30")), ctxTimeout: 5 * time.Second, requests: 1, attempts: 1,
			want: "*callsummary.APIError 429 (code 20429)", msg: []string{"429 Too Many Requests", "code 20429"}, maxElapsed: time.Second},
		{name: "429 without Retry-After once", expect: "retry after a jittered backoff, then succeed",
			faults: once(tooMany), requests: 2, attempts: 2, want: "success"},
		{name: "429 without Retry-After always", expect: fmt.Sprintf("retry until MaxAttempts (%d), return the 429", max),
			faults: always(tooMany), requests: max, attempts: max, want: "*callsummary.APIError 429 (code 20429)",
			msg: []string{"429 Too Many Requests", "code 20429", "https://www.twilio.com/docs/errors/20429"},
			check: func(t *testing.T, err error, _ *callsummary.Summary, _ *sandbox.Server) {
				if !errors.Is(err, callsummary.ErrRateLimited) {
					t.Errorf("errors.Is(err, ErrRateLimited) = false for %v", err)
				}
			}},
	}
	for _, sc := range []struct{ status, code int }{{500, 20500}, {502, 20500}, {503, 20503}, {504, 20500}} {
		text := fmt.Sprintf("%d %s", sc.status, http.StatusText(sc.status))
		cases = append(cases,
			faultCase{name: fmt.Sprintf("%d once", sc.status), expect: "retry, then succeed",
				faults: once(serverError(sc.status)), requests: 2, attempts: 2, want: "success"},
			faultCase{name: fmt.Sprintf("%d always", sc.status), expect: fmt.Sprintf("retry until MaxAttempts (%d), return the %d", max, sc.status),
				faults: always(serverError(sc.status)), requests: max, attempts: max,
				want: fmt.Sprintf("*callsummary.APIError %d (code %d)", sc.status, sc.code),
				msg:  []string{text, fmt.Sprintf("code %d", sc.code), fmt.Sprintf("https://www.twilio.com/docs/errors/%d", sc.code)}},
		)
	}
	cases = append(cases, []faultCase{
		{name: "503 Retry-After seconds then 200", expect: "honour Retry-After on a 5xx too (1 s), then succeed",
			faults:   once(sandbox.Fault{Kind: sandbox.FaultServerError, Status: 503, RetryAfter: "1"}),
			requests: 2, attempts: 2, want: "success", minElapsed: time.Second, maxElapsed: 3 * time.Second},
		{name: "connection refused", expect: fmt.Sprintf("retry until MaxAttempts (%d), return the dial error", max),
			target: refusedTarget, requests: -1, attempts: max, want: "syscall.ECONNREFUSED",
			msg: []string{"fetching summary of " + carrierSID, "connection refused"}},
		{name: "connection reset before any byte", expect: fmt.Sprintf("retry until MaxAttempts (%d), return the reset", max),
			faults: always(sandbox.Fault{Kind: sandbox.FaultReset}), requests: max, attempts: max, want: "syscall.ECONNRESET",
			msg: []string{"fetching summary of " + carrierSID, "connection reset"}},
		{name: "connection reset mid-body once", expect: "retry, then succeed",
			faults: once(resetMid), requests: 2, attempts: 2, want: "success"},
		{name: "connection reset mid-body always", expect: fmt.Sprintf("retry until MaxAttempts (%d), return the reset", max),
			faults: always(resetMid), requests: max, attempts: max, want: "syscall.ECONNRESET",
			msg: []string{"reading response body (HTTP 200)", "connection reset"}},
		{name: "truncated body once", expect: "retry, then succeed",
			faults: once(truncate), requests: 2, attempts: 2, want: "success"},
		{name: "truncated body always", expect: fmt.Sprintf("retry until MaxAttempts (%d), return io.ErrUnexpectedEOF", max),
			faults: always(truncate), requests: max, attempts: max, want: "io.ErrUnexpectedEOF",
			msg: []string{"reading response body (HTTP 200)", "unexpected EOF"}},
		{name: "stalled response, context deadline", expect: "end at the caller's deadline (300 ms), not retry",
			faults: always(stall), ctxTimeout: 300 * time.Millisecond, requests: 1, attempts: 1, want: "context.DeadlineExceeded",
			msg:        []string{"fetching summary of " + carrierSID, "context deadline exceeded"},
			minElapsed: 300 * time.Millisecond, maxElapsed: 800 * time.Millisecond},
		{name: "stalled body, context deadline", expect: "end at the caller's deadline (300 ms) mid-body, not retry",
			faults: always(sandbox.Fault{Kind: sandbox.FaultSlowBody}), ctxTimeout: 300 * time.Millisecond,
			requests: 1, attempts: 1, want: "context.DeadlineExceeded",
			msg:        []string{"reading response body (HTTP 200)", "context deadline exceeded"},
			minElapsed: 300 * time.Millisecond, maxElapsed: 800 * time.Millisecond},
		{name: "stalled response, http.Client.Timeout once", expect: "time the attempt out (100 ms), retry, then succeed",
			faults: once(stall), httpTimeout: 100 * time.Millisecond, requests: 2, attempts: 2, want: "success",
			minElapsed: 100 * time.Millisecond},
		{name: "stalled response, http.Client.Timeout always", expect: fmt.Sprintf("time each attempt out (100 ms), retry until MaxAttempts (%d)", max),
			faults: always(stall), httpTimeout: 100 * time.Millisecond, requests: max, attempts: max,
			want: "net.Error, Timeout()", msg: []string{"fetching summary of " + carrierSID, "attempt timed out (http.Client.Timeout is 100ms"},
			minElapsed: max * 100 * time.Millisecond, maxElapsed: 3 * time.Second},
		{name: "HTML 502 error page always", expect: fmt.Sprintf("retry until MaxAttempts (%d), return an *APIError with a body excerpt", max),
			faults: always(sandbox.Fault{Kind: sandbox.FaultHTMLError}), requests: max, attempts: max,
			want: "*callsummary.APIError 502", msg: []string{"502 Bad Gateway", "<title>502 Bad Gateway</title>", "nginx"},
			check: func(t *testing.T, err error, _ *callsummary.Summary, _ *sandbox.Server) {
				var ae *callsummary.APIError
				if errors.As(err, &ae) && (ae.Code != 0 || !strings.Contains(ae.Body, "<html>")) {
					t.Errorf("APIError{Code: %d, Body: %q}, want no code and the page's excerpt", ae.Code, ae.Body)
				}
			}},
		{name: "invalid JSON (200, half a summary)", expect: "not retry (a 200 is final), return a *DecodeError at the cut",
			faults: always(sandbox.Fault{Kind: sandbox.FaultInvalidJSON}), requests: 1, attempts: 1,
			want: "*callsummary.DecodeError at byte", msg: []string{"decoding summary (HTTP 200) at byte", "unexpected EOF"},
			check: wantDecodeOffset(func(full int) int64 { return int64(full / 2) })},
		{name: "schema violation (call_type pstn, duration a string)", expect: "not retry; decode it: the string duration is left zero and reported, call_type pstn kept as it is",
			faults: always(sandbox.Fault{Kind: sandbox.FaultSchemaViolation}), requests: 1, attempts: 1,
			want: "success with decode issues at /duration",
			check: func(t *testing.T, _ error, s *callsummary.Summary, _ *sandbox.Server) {
				if s == nil || s.Duration != nil || s.CallType == nil || string(*s.CallType) != "pstn" || s.CarrierEdge == nil {
					t.Errorf("summary %v, want every field but duration, call_type pstn", s)
				}
			}},
		{name: "schema violation, validating transport (fail mode)", expect: "not retry; *conformance.ValidationError naming both pointers",
			faults: always(sandbox.Fault{Kind: sandbox.FaultSchemaViolation}), validate: true, requests: 1, attempts: 1,
			want: "*conformance.ValidationError at /call_type, /duration", msg: []string{"200 response violates the document", "/call_type", "/duration"}},
		{name: "schema violation that decodes (call_type pstn)", expect: "decode it: the wrapper is lenient, the validator is not",
			target: servePSTN, requests: 1, attempts: 1, want: "success",
			check: func(t *testing.T, _ error, s *callsummary.Summary, _ *sandbox.Server) {
				if s == nil || s.CallType == nil || string(*s.CallType) != "pstn" {
					t.Errorf("summary %v, want call_type pstn decoded", s)
				}
			}},
		{name: "schema violation that decodes, validating transport (fail mode)", expect: "not retry; *conformance.ValidationError at /call_type",
			target: servePSTN, validate: true, requests: 1, attempts: 1,
			want: "*conformance.ValidationError at /call_type", msg: []string{"200 response violates the document", "/call_type"}},
		{name: "body over the 10 MiB cap (11 MiB, chunked)", expect: "not retry; callsummary.ErrResponseTooLarge",
			faults: always(sandbox.Fault{Kind: sandbox.FaultOversize}), requests: 1, attempts: 1,
			want: "callsummary.ErrResponseTooLarge", msg: []string{"response body too large", fmt.Sprintf("more than %d bytes", callsummary.MaxResponseBytes)}},
		{name: "redirect to the other loopback name", expect: "follow it without Authorization: the sandbox answers it 401",
			faults: once(sandbox.Fault{Kind: sandbox.FaultRedirect}), requests: 2, attempts: 1, roundTrips: 2,
			want: "*callsummary.APIError 401 (code 20003)", msg: []string{"401 Unauthorized", "code 20003"},
			check: func(t *testing.T, err error, _ *callsummary.Summary, _ *sandbox.Server) {
				if !errors.Is(err, callsummary.ErrUnauthorized) {
					t.Errorf("errors.Is(err, ErrUnauthorized) = false for %v", err)
				}
			}},
		{name: "redirect to another port (net/http keeps Authorization there)", expect: "follow it; no Authorization header arrives there",
			target: redirectToRecorder, requests: 1, attempts: 1, roundTrips: 2, want: "success"},
		{name: "redirect loop (to itself)", expect: "follow 10 redirects, then stop with ErrTooManyRedirects; not retry",
			target:   selfRedirect,
			requests: 10, attempts: 1, roundTrips: 10, want: "callsummary.ErrTooManyRedirects",
			msg: []string{"stopped after 10 redirects", "/v1/Voice/" + carrierSID + "/Summary"}},
		{name: "200 with an empty body", expect: "not retry; *DecodeError at byte 0",
			faults: always(sandbox.Fault{Kind: sandbox.FaultEmptyBody}), requests: 1, attempts: 1,
			want: "*callsummary.DecodeError at byte 0", msg: []string{"decoding summary (HTTP 200) at byte 0", "empty"},
			check: wantDecodeOffset(func(int) int64 { return 0 })},
	}...)
	return append(cases, hostileCases()...)
}
