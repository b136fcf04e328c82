package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/voiceinsights/callsummary/internal/safetext"
)

// exchangeLog is -v: a transport middleware that prints each HTTP exchange
// on w, one line as the request leaves and one as the answer arrives,
// numbered so that the two pair up. It sits inside the client's retries,
// so every attempt shows. Only the method, the URL without user info,
// query or fragment (phone numbers travel in the query), the status, the
// request id and the time are printed: never a header or a body.
func exchangeLog(w io.Writer) func(http.RoundTripper) http.RoundTripper {
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
			line("#%d %s %s", id, req.Method, displayURL(req.URL.String()))
			start := time.Now()
			resp, err := next.RoundTrip(req)
			took := time.Since(start).Round(100 * time.Microsecond)
			if err != nil {
				line("#%d failed after %v: %s", id, took, safetext.Printable(err.Error()))
				return resp, err
			}
			rid := "none"
			if v := resp.Header.Get("Twilio-Request-Id"); v != "" {
				rid = safetext.Printable(v)
			}
			line("#%d %s in %v, request id %s", id, safetext.Printable(resp.Status), took, rid)
			return resp, nil
		})
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
