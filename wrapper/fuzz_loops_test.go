package callsummary

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/voiceinsights/callsummary/internal/pageloop"
)

// graphServer serves a listing whose pages link as a fuzzed graph says:
// each of up to eight pages holds 0 to 3 items and links to nothing, to a
// page by a stable address, or to a page by an address with a token never
// seen before (a server minting page tokens forever).
type graphServer struct {
	srv   *httptest.Server
	hits  atomic.Int64
	mu    sync.Mutex
	graph []byte
	fresh int
	item  []byte
}

func newGraphServer(f *testing.F) *graphServer {
	g := &graphServer{item: fixture(f, "carrier.json")}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	f.Cleanup(g.srv.Close)
	return g
}

func (g *graphServer) load(graph []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.graph, g.fresh = graph, 0
	g.hits.Store(0)
}

func (g *graphServer) serve(w http.ResponseWriter, r *http.Request) {
	g.hits.Add(1)
	g.mu.Lock()
	defer g.mu.Unlock()
	n, _ := strconv.Atoi(r.URL.Query().Get("Page"))
	if len(g.graph) == 0 || n < 0 || n >= len(g.graph) {
		n = 0
	}
	b := byte(0)
	if len(g.graph) > 0 {
		b = g.graph[n]
	}
	items, link := int(b&3), int(b>>2)
	next := "null"
	switch {
	case link == 0:
	case link <= 8:
		next = strconv.Quote(fmt.Sprintf("%s%s?Page=%d", g.srv.URL, listPath, (link-1)%max(len(g.graph), 1)))
	default:
		g.fresh++
		next = strconv.Quote(fmt.Sprintf("%s%s?Page=%d&PageToken=T%d", g.srv.URL, listPath, link%max(len(g.graph), 1), g.fresh))
	}
	fmt.Fprint(w, `{"call_summaries":[`)
	for i := range items {
		if i > 0 {
			fmt.Fprint(w, ",")
		}
		w.Write(g.item)
	}
	fmt.Fprintf(w, `],"meta":{"next_page_url":%s,"url":"%s%s?%s"}}`, next, g.srv.URL, listPath, r.URL.RawQuery)
}

// FuzzListSummariesEnds: whatever the pages link to, a listing whose
// consumer stops after a bounded number of items ends after a bounded
// number of requests: a link back to a page already listed, or a run of
// empty pages that link onward, ends it with ErrPaginationLoop.
func FuzzListSummariesEnds(f *testing.F) {
	for _, seed := range [][]byte{
		{},                       // one empty page, no link
		{1<<2 | 1},               // a page linking to itself
		{2<<2 | 1, 1<<2 | 2},     // A→B→A
		{9 << 2},                 // empty pages minting tokens
		{9<<2 | 1},               // pages of one item minting tokens: the consumer stops
		{2 << 2, 3 << 2, 0 | 3},  // empty, empty, last
		{2 << 2, 3 << 2, 1 << 2}, // empty pages in a cycle
	} {
		f.Add(seed)
	}
	g := newGraphServer(f)
	c, err := NewClient(WithBaseURL(g.srv.URL), WithCredentials(testAccountSID, testSecret), WithRetry(RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		f.Fatal(err)
	}
	const take = 20
	f.Fuzz(func(t *testing.T, graph []byte) {
		if len(graph) > 8 {
			graph = graph[:8]
		}
		g.load(graph)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		got := 0
		var last error
		for _, err := range c.ListSummaries(ctx, ListFilter{PageSize: 3}) {
			if err != nil {
				last = err
				break
			}
			if got++; got == take {
				break
			}
		}
		// Each non-empty page yields an item; at most MaxEmptyPages-1 empty
		// pages come in a row before the guard stops the listing.
		if bound := int64((take + 1) * pageloop.MaxEmptyPages); g.hits.Load() > bound {
			t.Fatalf("%d requests for %d items; at most %d", g.hits.Load(), got, bound)
		}
		if last != nil && !errors.Is(last, ErrPaginationLoop) {
			t.Fatalf("the listing ended with %v", last)
		}
		if ctx.Err() != nil {
			t.Fatal("the listing ran to the deadline")
		}
	})
}

// FuzzWaitForCompleteEnds: only "partial" means "not yet"; on any other
// processing state, or none, WaitForComplete returns after one poll.
func FuzzWaitForCompleteEnds(f *testing.F) {
	for _, s := range []string{"partial", "complete", "", "COMPLETE", "final", "partial ", "\x00", "null"} {
		f.Add(s, true)
	}
	f.Add("", false)
	body := fixture(f, "carrier.json")
	var mu sync.Mutex
	var answer []byte
	hits := map[string]int{} // by path: a poll of an earlier input, late, counts for its own call
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		hits[r.URL.Path]++
		w.Write(answer)
	}))
	f.Cleanup(srv.Close)
	c, err := NewClient(WithBaseURL(srv.URL), WithCredentials(testAccountSID, testSecret), WithRetry(RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		f.Fatal(err)
	}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, s string, present bool) {
		if !utf8.ValidString(s) {
			return // not a JSON string: the body could not carry it
		}
		sid := fmt.Sprintf("CA%032x", n.Add(1))
		var state any = s
		if !present {
			state = deleteField
		}
		b := withFields(t, body, map[string]any{"processing_state": state, "call_sid": sid})
		mu.Lock()
		answer = b
		mu.Unlock()
		polls := func() int {
			mu.Lock()
			defer mu.Unlock()
			return hits["/v1/Voice/"+sid+"/Summary"]
		}
		// A deadline: polling on fails the input there, not hang the
		// fuzzer. A partial summary polls until it, so its is short.
		deadline := 10 * time.Second
		if present && s == "partial" {
			deadline = 300 * time.Millisecond
		}
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		sum, err := c.WaitForComplete(ctx, sid, WithPollInterval(time.Millisecond))
		if present && s == "partial" {
			if !errors.Is(err, context.DeadlineExceeded) || polls() < 2 {
				t.Fatalf("partial: %v after %d polls; want the deadline after polling", err, polls())
			}
			return
		}
		if err != nil || sum == nil || polls() != 1 {
			t.Fatalf("processing_state %q (present %v): %v after %d polls; want the summary after one", s, present, err, polls())
		}
	})
}
