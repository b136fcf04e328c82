package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"time"

	"github.com/voiceinsights/callsummary/internal/safetext"
)

// exchangeLog is -v: a transport middleware that prints each HTTP exchange
// on w, one line as the request leaves and one as the answer arrives,
// numbered so that the two pair up. It sits inside the client's retries,
// so every attempt shows. Only the method, the URL without user info,
// query or fragment (phone numbers travel in the query), the status, the
// request id and the time are printed: never a header or a body. What the
// server chose (a redirect's path, a request id, a transport error that
// quotes a header) is shown only in the forms Twilio uses, or redacted:
// a proxy may echo the credential into any of them.
func exchangeLog(w io.Writer, redact func(string) string) func(http.RoundTripper) http.RoundTripper {
	var mu sync.Mutex
	n := 0
	line := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, "callsummary: "+format+"\n", args...)
	}
	return func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			mu.Lock()
			n++
			id := n
			mu.Unlock()
			line("#%d %s %s", id, req.Method, exchangeURL(req.URL, redact))
			start := time.Now()
			resp, err := next.RoundTrip(req)
			took := time.Since(start).Round(100 * time.Microsecond)
			if err != nil {
				line("#%d failed after %v: %s", id, took, safetext.MaskNumbers(redact(safetext.Printable(err.Error()))))
				return resp, err
			}
			rid := "none"
			if v := resp.Header.Get("Twilio-Request-Id"); twilioRequestID.MatchString(v) {
				rid = v
			} else if v != "" {
				rid = "(not in Twilio's form; not shown)"
			}
			line("#%d %d %s in %v, request id %s", id, resp.StatusCode, http.StatusText(resp.StatusCode), took, rid)
			return resp, nil
		})
	}
}

// twilioRequestID is the form of Twilio's Twilio-Request-Id.
var twilioRequestID = regexp.MustCompile(`^RQ[0-9a-fA-F]{32}$`)

// apiPath is a path of the API's own resources, after the base URL's
// prefix: what a request to Twilio, or a redirect Twilio would send, names.
var apiPath = regexp.MustCompile(`/v1/Voice/(CA[0-9a-fA-F]{32}/(Summary|Annotation)|Summaries)$`)

// exchangeURL shows a request's URL: scheme and host, and the path when it
// is one of the API's; a path a redirect chose may carry anything.
func exchangeURL(u *url.URL, redact func(string) string) string {
	host := safetext.MaskNumbers(redact(safetext.Printable(u.Host)))
	base := u.Scheme + "://" + host
	if !apiPath.MatchString(u.EscapedPath()) {
		return base + "/… (a path the server chose; not shown)"
	}
	return base + safetext.Printable(u.EscapedPath())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
