package reliability

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Targets of a hostile server or proxy: what the sandbox's faults cannot
// produce, served by a loopback server that counts its requests.

// hostile starts a loopback server answering with h, counting requests.
func hostile(t *testing.T, h http.HandlerFunc) (string, func() int64) {
	var hits atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts.URL, hits.Load
}

// basicOf is the Authorization value of the sentinel credentials.
func basicOf() string {
	return base64.StdEncoding.EncodeToString([]byte(accountSID + ":" + sentinelToken))
}

// straddlingExcerpt answers 502 with an HTML page whose sentinel token
// runs over the 256th byte, where an error's excerpt of a body is cut.
func straddlingExcerpt(t *testing.T, _ *sandbox.Server) (string, func() int64) {
	page := "<html><body>" + strings.Repeat("x", 256-len("<html><body>")-len(sentinelToken)/2) + sentinelToken + "</body></html>"
	return hostile(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(page))
	})
}

// echoAuthInLocation is a proxy that redirects to a refused port with the
// request's Authorization value in the path and the query.
func echoAuthInLocation(t *testing.T, _ *sandbox.Server) (string, func() int64) {
	return hostile(t, func(w http.ResponseWriter, r *http.Request) {
		auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
		w.Header().Set("Location", "http://127.0.0.1:1/echo/"+url.PathEscape(auth)+"?auth="+url.QueryEscape(auth))
		w.WriteHeader(http.StatusFound)
	})
}

// redirectWithParties redirects to itself, adding the From and To filters.
func redirectWithParties(t *testing.T, _ *sandbox.Server) (string, func() int64) {
	return hostile(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"?From=%2B15555550199&To=client%3Aalice", http.StatusFound)
	})
}

// anotherCall serves the SIP fixture for whatever SID is asked: a cache
// that mixed up responses.
func anotherCall(t *testing.T, srv *sandbox.Server) (string, func() int64) {
	body, _ := srv.Handler().Fixture("CA06b15d3af713e318d123274a98d70bc9", callsummary.ProcessingStateComplete)
	return hostile(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}

// millionViolations serves a summary whose tags are a million numbers:
// through the validating transport, a million violations.
func millionViolations(t *testing.T, _ *sandbox.Server) (string, func() int64) {
	body := []byte(`{"call_sid":"` + carrierSID + `","tags":[` + strings.Repeat("1,", 1<<20) + `1]}`)
	return hostile(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
}

// listOf serves list pages: items and next_page_url of page n (Page=n).
func listOf(t *testing.T, page func(n int, host string) (items string, next string)) (string, func() int64) {
	return hostile(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		_, _ = fmt.Sscan(r.URL.Query().Get("Page"), &n)
		items, next := page(n, r.Host)
		if next != "null" {
			next = fmt.Sprintf("%q", next)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"call_summaries":[%s],"meta":{"page":%d,"page_size":50,"url":"http://%s/v1/Voice/Summaries?Page=%d","next_page_url":%s}}`,
			items, n, r.Host, n, next)
	})
}

// clearTextRedirect redirects to plain http off loopback, with the From
// and To filters in the query.
func clearTextRedirect(t *testing.T, _ *sandbox.Server) (string, func() int64) {
	return hostile(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.255.255.1"+r.URL.Path+"?From=%2B15555550199&To=client%3Aalice", http.StatusFound)
	})
}

// retryAfterForever answers 429 with a Retry-After in the year 9999.
func retryAfterForever(t *testing.T, _ *sandbox.Server) (string, func() int64) {
	return hostile(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"code":20429,"message":"Too Many Requests","status":429}`)
	})
}

// quotesTheFilters answers 400, quoting the From and To filters back.
func quotesTheFilters(t *testing.T, _ *sandbox.Server) (string, func() int64) {
	return hostile(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code":20001,"message":"Invalid From %s or To %s","more_info":"https://x/?%s","status":400}`, q.Get("From"), q.Get("To"), r.URL.RawQuery)
	})
}

// listWithParties lists one page with the From and To filters set.
func listWithParties(ctx context.Context, c *callsummary.Client) (*callsummary.Summary, error) {
	_, err := c.FetchSummaryPage(ctx, callsummary.ListFilter{From: "+15555550199", To: "client:alice"}, "")
	return nil, err
}

// waitCarrier waits for the carrier call.
func waitCarrier(ctx context.Context, c *callsummary.Client) (*callsummary.Summary, error) {
	return c.WaitForComplete(ctx, carrierSID)
}

// noParties fails when the error names a party of the filters above.
func noParties(t *testing.T, err error, _ *callsummary.Summary, _ *sandbox.Server) {
	if text := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(text, "5555550199") || strings.Contains(text, "alice") {
		t.Errorf("a party in %s", text)
	}
}

// listAll ranges over a listing and returns the last summary and error.
func listAll(ctx context.Context, c *callsummary.Client) (*callsummary.Summary, error) {
	var last *callsummary.Summary
	for s, err := range c.ListSummaries(ctx, callsummary.ListFilter{}) {
		if err != nil {
			return nil, err
		}
		last = s
	}
	return last, nil
}

// waitNulls waits for the sandbox's call whose every property is null.
func waitNulls(ctx context.Context, c *callsummary.Client) (*callsummary.Summary, error) {
	return c.WaitForComplete(ctx, nullsSID)
}

const nullsSID = "CAf59df63d71d69652516866e32fb2c6d2"

var pageItem = []byte(`{}`)

func hostileCases() []faultCase {
	const max = callsummary.DefaultMaxAttempts
	return []faultCase{
		{name: "a token straddling the cut of an error's body excerpt", expect: fmt.Sprintf("retry until MaxAttempts (%d); the excerpt holds no part of the token", max),
			target: straddlingExcerpt, requests: max, attempts: max, want: "*callsummary.APIError 502",
			check: func(t *testing.T, err error, _ *callsummary.Summary, _ *sandbox.Server) {
				if strings.Contains(err.Error(), sentinelToken[:8]) || strings.Contains(err.Error(), sentinelToken[len(sentinelToken)-8:]) {
					t.Errorf("half the token in %v", err)
				}
			}},
		{name: "a proxy echoing Authorization into a redirect Location", expect: fmt.Sprintf("follow it, retry the refused dial until MaxAttempts (%d); no credential or query in the error or the log", max),
			target: echoAuthInLocation, requests: max, attempts: max, roundTrips: 2 * max, want: "syscall.ECONNREFUSED",
			check: func(t *testing.T, err error, _ *callsummary.Summary, _ *sandbox.Server) {
				if b := basicOf(); strings.Contains(err.Error(), b[:8]) || strings.Contains(err.Error(), "auth=") {
					t.Errorf("the echoed credential or its query in %v", err)
				}
			}},
		{name: "a redirect loop whose URL carries From and To", expect: "stop after 10 redirects; the error names the path, not the query",
			target: redirectWithParties, requests: 10, attempts: 1, roundTrips: 10, want: "callsummary.ErrTooManyRedirects",
			check: func(t *testing.T, err error, _ *callsummary.Summary, _ *sandbox.Server) {
				if strings.Contains(err.Error(), "5555550199") || strings.Contains(err.Error(), "alice") {
					t.Errorf("a party in %v", err)
				}
			}},
		{name: "429 Retry-After too large for an int64", expect: "give up at once with the 429: beyond the cap, not absent",
			faults: always(retryAfter("99999999999999999999")), requests: 1, attempts: 1, want: "*callsummary.APIError 429 (code 20429)"},
		{name: "a summary of another call", expect: "not retry; callsummary.ErrWrongCall",
			target: anotherCall, requests: 1, attempts: 1, want: "callsummary.ErrWrongCall"},
		{name: "a million schema violations, validating transport (fail mode)", expect: "not retry; a *conformance.ValidationError of at most 100 violations, and a note",
			target: millionViolations, validate: true, requests: 1, attempts: 1, want: "*conformance.ValidationError at /tags/0",
			check: func(t *testing.T, err error, _ *callsummary.Summary, _ *sandbox.Server) {
				if n := strings.Count(err.Error(), ": value must be a string"); n != 100 || !strings.Contains(err.Error(), "stopped after 100") {
					t.Errorf("%d violations listed: %.300s", n, err)
				}
			}},
		{name: "ListSummaries: a page of 1,001 items", expect: "not retry; callsummary.ErrPageTooLarge",
			target: func(t *testing.T, _ *sandbox.Server) (string, func() int64) {
				return listOf(t, func(int, string) (string, string) {
					return string(bytes.Repeat(append(pageItem, ','), 1000)) + "{}", "null"
				})
			}, call: listAll, requests: 1, attempts: 1, want: "callsummary.ErrPageTooLarge"},
		{name: "ListSummaries: pages that loop A→B→A", expect: "list A and B once, then end with callsummary.ErrPaginationLoop",
			target: func(t *testing.T, _ *sandbox.Server) (string, func() int64) {
				return listOf(t, func(n int, host string) (string, string) {
					return "{}", fmt.Sprintf("http://%s/v1/Voice/Summaries?Page=%d", host, 1-n)
				})
			}, call: listAll, requests: 2, attempts: 1, roundTrips: 2, want: "callsummary.ErrPaginationLoop"},
		{name: "ListSummaries: empty pages, each with a new token", expect: "end with callsummary.ErrPaginationLoop after 5 empty pages",
			target: func(t *testing.T, _ *sandbox.Server) (string, func() int64) {
				return listOf(t, func(n int, host string) (string, string) {
					return "", fmt.Sprintf("http://%s/v1/Voice/Summaries?Page=%d&PageToken=T%d", host, n+1, n+1)
				})
			}, call: listAll, requests: 5, attempts: 1, roundTrips: 5, want: "callsummary.ErrPaginationLoop"},
		{name: "WaitForComplete: processing_state null (the sandbox's all-nulls call)", expect: "end the wait at once with the summary: only partial means not yet",
			call: waitNulls, requests: -1, attempts: 1, want: "success"},
		{name: "WaitForComplete: 429 Retry-After in the year 9999", expect: "end the wait at once with the 429: not a wait, a refusal",
			target: retryAfterForever, call: waitCarrier, requests: 1, attempts: 1, want: "*callsummary.APIError 429 (code 20429)"},
		{name: "ListSummaries: the same items again under links that differ", expect: "end with callsummary.ErrPaginationLoop after 5 pages that bring nothing new",
			target: func(t *testing.T, _ *sandbox.Server) (string, func() int64) {
				return listOf(t, func(n int, host string) (string, string) {
					return `{"call_sid":"` + carrierSID + `"},{}`, fmt.Sprintf("http://%s/v1/Voice/Summaries?Page=%d&x=%d", host, n+1, n)
				})
			}, call: listAll, requests: 6, attempts: 1, roundTrips: 6, want: "callsummary.ErrPaginationLoop"},
		{name: "ListSummaries: the same calls again under new links, a value changed each time", expect: "end with callsummary.ErrPaginationLoop after 5 pages that bring no new call",
			target: func(t *testing.T, _ *sandbox.Server) (string, func() int64) {
				return listOf(t, func(n int, host string) (string, string) {
					return fmt.Sprintf(`{"call_sid":"%s","duration":%d}`, carrierSID, n), fmt.Sprintf("http://%s/v1/Voice/Summaries?Page=%d&PageToken=PT%d", host, n+1, n+1)
				})
			}, call: listAll, requests: 6, attempts: 1, roundTrips: 6, want: "callsummary.ErrPaginationLoop"},
		{name: "a redirect to clear text off loopback, with From and To", expect: "not follow it, not retry: callsummary.ErrInsecureRedirect, no party in the error",
			target: clearTextRedirect, requests: 1, attempts: 1, want: "callsummary.ErrInsecureRedirect", check: noParties},
		{name: "a 400 quoting the list's From and To back", expect: "not retry; the *APIError holds neither party",
			target: quotesTheFilters, call: listWithParties, requests: 1, attempts: 1, want: "*callsummary.APIError 400 (code 20001)", check: noParties},
	}
}
