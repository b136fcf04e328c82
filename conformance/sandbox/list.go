package sandbox

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// The list endpoint: the fixtures and the generated population, filtered,
// sorted newest first (by start_time, or end_time with SortBy), in pages.

// A listEntry is one call the list can return: a fixture or a generated call.
type listEntry struct {
	facts *callFacts
	fix   *fixture
	pop   *popCall
}

// listIndex holds every call sorted for each SortBy, built on first use.
type listIndex struct {
	byStart, byEnd struct {
		once    sync.Once
		entries []listEntry
	}
}

func (h *Handler) sorted(by gen.SortBy) []listEntry {
	slot, timeOf := &h.index.byStart, func(c *callFacts) time.Time { return c.start }
	if by == gen.SortByEndTime {
		slot, timeOf = &h.index.byEnd, func(c *callFacts) time.Time { return c.end }
	}
	slot.once.Do(func() {
		var entries []listEntry
		if h.pop != nil {
			h.pop.ensure()
			entries = make([]listEntry, 0, len(h.pop.calls)+len(h.order))
			for i := range h.pop.calls {
				c := &h.pop.calls[i]
				entries = append(entries, listEntry{facts: &c.callFacts, pop: c})
			}
		}
		for _, sid := range h.order {
			f := h.fixtures[sid]
			entries = append(entries, listEntry{facts: &f.facts, fix: f})
		}
		slices.SortStableFunc(entries, func(a, b listEntry) int {
			return compareNewest(timeOf(a.facts), timeOf(b.facts), a.facts.sid, b.facts.sid)
		})
		slot.entries = entries
	})
	return slot.entries
}

// listed is a call that passed the filters, and the summary to serve for it.
type listed struct {
	entry listEntry
	state gen.ProcessingState
	key   time.Time
}

// states reports which summaries of an entry exist at now.
func (h *Handler) states(e listEntry, now time.Time) (partial, complete bool) {
	if e.fix != nil {
		return h.fixtureStates(e.fix, now)
	}
	return h.popStates(e.pop, now)
}

// choose applies the list's ProcessingState: completed lists complete
// summaries; partial (and started, which Twilio's enum has and its prose
// does not explain: a summary whose processing has started and not ended)
// lists calls whose newest summary is partial; all lists the newest summary
// of every call.
func choose(want gen.ListProcessingState, partial, complete bool) (gen.ProcessingState, bool) {
	switch want {
	case gen.ListProcessingStatePartial, gen.ListProcessingStateStarted:
		return gen.ProcessingStatePartial, partial && !complete
	case gen.ListProcessingStateAll:
		if complete {
			return gen.ProcessingStateComplete, true
		}
		return gen.ProcessingStatePartial, partial
	}
	return gen.ProcessingStateComplete, complete
}

func (f fetcher) ListSummaries(w http.ResponseWriter, r *http.Request, params gen.ListSummariesParams) {
	body, err := f.h.listPage(r, params)
	if err != nil {
		var bad *invalidParameterError
		if errors.As(err, &bad) {
			writeTwilioError(w, http.StatusBadRequest, codeInvalidParameter, bad.Error())
			return
		}
		writeTwilioError(w, http.StatusInternalServerError, codeInternalError, "Internal Server Error")
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func (h *Handler) listPage(r *http.Request, params gen.ListSummariesParams) ([]byte, error) {
	size := defaultPageSize
	if params.PageSize != nil {
		size = int(min(max(*params.PageSize, 1), maxPageSize))
	}
	filters := filterQuery(r.URL.Query())
	now, page := h.cfg.clock(), 0
	var tok *pageToken
	if s := deref(params.PageToken); s != "" {
		t, err := checkToken(s, filters)
		if err != nil {
			return nil, err
		}
		tok, now, page = &t, t.now, t.page
	}
	filter, err := newListFilter(params, now)
	if err != nil {
		return nil, err
	}

	matched := h.match(filter, now)
	lo, hi := 0, min(size, len(matched))
	if tok != nil {
		// The first call after the key; for a previous page, the page ends
		// with the key.
		at := sort.Search(len(matched), func(i int) bool {
			return compareNewest(matched[i].key, tok.keyTime, matched[i].entry.facts.sid, tok.keySID) > 0
		})
		if tok.after {
			lo, hi = at, min(at+size, len(matched))
		} else {
			lo, hi = max(at-size, 0), at
		}
	}
	items := matched[lo:hi]

	base := listBase(r)
	// meta in the order Twilio sends it (the document's x-order), the
	// links to absent pages null.
	meta := gen.PageMeta{
		Page: new(page), PageSize: new(size), Key: new("call_summaries"),
		FirstPageURL: new(pageURL(base, filters, size, 0, "")),
		URL:          new(pageURL(base, filters, size, page, deref(params.PageToken))),
	}
	bound := filterHash(filters)
	if hi < len(matched) {
		// After this page's last call; after the token's key for an empty
		// page before every call (a previous page that no longer has any).
		next := pageToken{now: now, after: true, page: page + 1, filter: bound}
		if hi > 0 {
			next.keyTime, next.keySID = matched[hi-1].key, matched[hi-1].entry.facts.sid
		} else {
			next.keyTime, next.keySID = tok.keyTime, tok.keySID // hi == 0 < len: only with a token
		}
		meta.NextPageURL = new(pageURL(base, filters, size, page+1, next.encode()))
	}
	if lo > 0 {
		prev := matched[lo-1]
		back := pageToken{now: now, keyTime: prev.key, keySID: prev.entry.facts.sid, page: max(page-1, 0), filter: bound}
		meta.PreviousPageURL = new(pageURL(base, filters, size, back.page, back.encode()))
	}
	metaJSON, err := wirejson.Marshal(meta)
	if err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	buf.WriteString(`{"meta":`)
	buf.Write(metaJSON)
	buf.WriteString(`,"call_summaries":[`)
	for i, it := range items {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(h.entryBytes(it.entry, it.state))
	}
	buf.WriteString(`]}`)
	return buf.Bytes(), nil
}

// match returns the calls that pass filter at now, in order.
func (h *Handler) match(filter *listFilter, now time.Time) []listed {
	var out []listed
	for _, e := range h.sorted(filter.sortBy) {
		if !filter.match(e.facts, h.annotationOf(e)) {
			continue
		}
		partial, complete := h.states(e, now)
		state, ok := choose(filter.state, partial, complete)
		if !ok {
			continue
		}
		key := e.facts.start
		if filter.sortBy == gen.SortByEndTime {
			key = e.facts.end
		}
		out = append(out, listed{entry: e, state: state, key: key})
	}
	return out
}

// entryBytes is the summary of a listed call: a fixture's bytes, or a
// generated call's JSON, each with its current annotation.
func (h *Handler) entryBytes(e listEntry, state gen.ProcessingState) []byte {
	if e.fix != nil {
		return h.fixtureBody(e.fix, state)
	}
	return h.pop.summaryBytes(e.pop, state, h.annotationOf(e))
}

// annotationOf is the annotation the filters and a generated summary see:
// the stored one, else the one the call came with; nil if neither.
func (h *Handler) annotationOf(e listEntry) *gen.Annotation {
	if a, ok := h.annotations.get(e.facts.sid); ok {
		return &a
	}
	if e.fix != nil {
		return e.fix.annotation
	}
	return e.pop.base
}

// listBase is the sandbox's own URL as the client reached it, so that
// next_page_url leads back here whatever name or port was used.
func listBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost" // HTTP/1.0 without Host: any name of the loopback
	}
	return scheme + "://" + host + "/v1/Voice/Summaries"
}

// pageURL repeats the filters, then PageSize, Page and PageToken, in
// Twilio's order.
func pageURL(base string, filters url.Values, size, page int, token string) string {
	q := filters.Encode()
	if q != "" {
		q += "&"
	}
	q += "PageSize=" + strconv.Itoa(size) + "&Page=" + strconv.Itoa(page)
	if token != "" {
		q += "&PageToken=" + url.QueryEscape(token)
	}
	return base + "?" + q
}
