package callsummary

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/voiceinsights/callsummary/internal/pageloop"

	"github.com/voiceinsights/callsummary/gen"
)

// SummaryPage is one page of the Call Summaries list.
type SummaryPage struct {
	// Summaries are the page's summaries, each with its exact bytes in Raw.
	Summaries []*Summary
	// Meta is Twilio's paging information (page, page_size, the URLs).
	Meta PageMeta
}

// NextCursor is the cursor of the next page (Twilio's meta.next_page_url),
// or "" on the last page. It holds the filter, so it is all
// FetchSummaryPage needs to continue; it can be stored and used later, by
// a Client with the same base URL, for as long as Twilio honours the page
// token in it (Twilio does not document how long). It may hold the From
// and To filters: treat it as PII.
func (p *SummaryPage) NextCursor() string {
	if p == nil || p.Meta.NextPageURL == nil {
		return ""
	}
	return *p.Meta.NextPageURL
}

// ListSummaries lists the summaries filter selects, newest first (or in
// filter.SortBy order), fetching page after page lazily by following
// meta.next_page_url: only one page is held at a time, so memory does not
// grow with the length of the list. The sequence stops, with no further
// request, when the consumer stops; after an error (yielded once, with a
// nil summary) it ends.
//
//	for s, err := range c.ListSummaries(ctx, callsummary.ListFilter{CallTypes: []callsummary.CallType{callsummary.CallTypeSIP}}) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(*s.CallSID)
//	}
//
// Each page is a GET, retried like FetchSummary. ctx bounds the whole
// listing. Errors are those of FetchSummaryPage.
func (c *Client) ListSummaries(ctx context.Context, filter ListFilter) iter.Seq2[*Summary, error] {
	return func(yield func(*Summary, error) bool) {
		for page, err := range c.ListSummaryPages(ctx, filter) {
			if err != nil {
				yield(nil, err)
				return
			}
			for i, s := range page.Summaries {
				page.Summaries[i] = nil // the consumer's alone: collectable once dropped
				if !yield(s, nil) {
					return
				}
			}
		}
	}
}

// ListSummaryPages is ListSummaries a page at a time, for consumers that
// work in batches (a database insert, a flush of output per page). The
// same laziness, stopping and errors apply; a page is the consumer's once
// yielded.
func (c *Client) ListSummaryPages(ctx context.Context, filter ListFilter) iter.Seq2[*SummaryPage, error] {
	return func(yield func(*SummaryPage, error) bool) {
		cursor := ""
		var loop pageloop.Guard
		for n := 1; ; n++ {
			page, err := c.listPage(ctx, filter, cursor, n)
			if err != nil {
				yield(nil, err)
				return
			}
			// Read before the page is the consumer's, who may drop it.
			next, self, items := page.NextCursor(), pageURL(page), rawItems(page)
			if !yield(page, nil) || next == "" {
				return
			}
			if why := loop.Check(self, cursor, next, items); why != "" {
				yield(nil, fmt.Errorf("callsummary: listing summaries, page %d: %w: %s", n, ErrPaginationLoop, why))
				return
			}
			cursor = next
		}
	}
}

// FetchSummaryPage fetches one page of the list: the first page of filter
// when cursor is "", else the page cursor names (a NextCursor from an
// earlier page, which carries its own filter: filter is then not used).
// Callers that keep their place between requests use it; others range
// over ListSummaries or ListSummaryPages.
//
// Errors: ErrInvalidFilter, ErrInvalidCursor, before any request; then as
// for FetchSummary (*APIError, *DecodeError, ErrResponseTooLarge, a
// transport or context error). A page body must be a JSON object with a
// call_summaries array; one without meta is the last page.
func (c *Client) FetchSummaryPage(ctx context.Context, filter ListFilter, cursor string) (*SummaryPage, error) {
	return c.listPage(ctx, filter, cursor, 0)
}

// listPage fetches page n (0: unknown, for messages) of filter or cursor.
func (c *Client) listPage(ctx context.Context, filter ListFilter, cursor string, n int) (*SummaryPage, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	req, err := c.listRequest(filter, cursor)
	if err != nil {
		return nil, err
	}
	what := "summaries page"
	if n > 0 {
		what = fmt.Sprintf("summaries page %d", n)
	}
	req = req.WithContext(ctx)
	if err := c.editRequest(ctx, req); err != nil {
		return nil, err
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, fmt.Errorf("callsummary: listing %s: %w", what, err)
	}
	body, err := c.readBody(resp, what)
	if err != nil {
		return nil, err
	}
	page, err := decodePage(resp.StatusCode, body)
	if err != nil {
		return nil, fmt.Errorf("callsummary: listing %s: %w", what, c.scrubDecode(err))
	}
	for i, s := range page.Summaries {
		if len(s.issues) > 0 {
			c.logIssues(ctx, fmt.Sprintf("%s, item %d", what, i), s)
		}
	}
	return page, nil
}

// listRequest is the GET of filter's first page, or of cursor.
func (c *Client) listRequest(filter ListFilter, cursor string) (*http.Request, error) {
	if cursor == "" {
		params, err := filter.params(c.clock.now())
		if err != nil {
			return nil, err
		}
		return gen.NewListSummariesRequest(c.api.Server, params)
	}
	u, err := c.checkCursor(cursor)
	if err != nil {
		return nil, err
	}
	return http.NewRequest(http.MethodGet, u.String(), nil)
}

// checkCursor accepts only a URL of the list resource on the base URL's
// scheme, host and port (a relative one is resolved against it). Messages
// show no query: it can hold From and To, which are PII.
func (c *Client) checkCursor(cursor string) (*url.URL, error) {
	list, err := gen.NewListSummariesRequest(c.api.Server, nil)
	if err != nil {
		return nil, fmt.Errorf("callsummary: %w", err)
	}
	want := list.URL
	u, err := url.Parse(cursor)
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL", ErrInvalidCursor)
	}
	u = want.ResolveReference(u)
	// A cursor is the server's next_page_url: its host and path may echo
	// the credential or hold a party's number, so neither is quoted.
	switch {
	case u.User != nil:
		return nil, fmt.Errorf("%w: it carries user info", ErrInvalidCursor)
	case !strings.EqualFold(u.Scheme, want.Scheme) || !strings.EqualFold(u.Hostname(), want.Hostname()) || port(u) != port(want):
		return nil, fmt.Errorf("%w: it is not on %s://%s (the client's base URL)", ErrInvalidCursor, want.Scheme, want.Host)
	case u.EscapedPath() != want.EscapedPath():
		return nil, fmt.Errorf("%w: its path is not the list resource %s, written as the client writes it", ErrInvalidCursor, want.EscapedPath())
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// port is u's port, the scheme's default when none is written.
func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// rawItems are the page's summaries as they arrived, for the loop guard.
// rawItems are the page's items as the loop guard tells them apart.
func rawItems(p *SummaryPage) [][]byte {
	out := make([][]byte, len(p.Summaries))
	for i, s := range p.Summaries {
		sid := ""
		if s.CallSID != nil {
			sid = *s.CallSID
		}
		out[i] = pageloop.ItemKey(sid, s.raw)
	}
	return out
}

func pageURL(p *SummaryPage) string {
	if p.Meta.URL == nil {
		return ""
	}
	return *p.Meta.URL
}
