package callsummary

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/internal/pageloop"
)

const listPath = "/v1/Voice/Summaries"

// listing is a fake list resource: total summaries made from the carrier
// fixture (call_sid CA000…0, CA000…1, …), pageSize a page, pages linked by
// next_page_url with a PageToken, as Twilio does.
type listing struct {
	t        *testing.T
	items    [][]byte
	pageSize int
	// next, when set, replaces the next_page_url of page n.
	next func(host string, n int) string
}

func newListing(t *testing.T, total, pageSize int) *listing {
	t.Helper()
	tmpl := fixture(t, "carrier.json")
	l := &listing{t: t, pageSize: pageSize}
	for i := range total {
		l.items = append(l.items, bytes.ReplaceAll(bytes.TrimSpace(tmpl), []byte(testCallSID), []byte(listSID(i))))
	}
	return l
}

func listSID(i int) string { return fmt.Sprintf("CA%032x", i) }

// page renders page n.
func (l *listing) page(host string, n int) []byte {
	from, to := min(n*l.pageSize, len(l.items)), min((n+1)*l.pageSize, len(l.items))
	base := "http://" + host + listPath + "?PageSize=" + strconv.Itoa(l.pageSize)
	next := "null"
	if to < len(l.items) {
		next = strconv.Quote(fmt.Sprintf("%s&Page=%d&PageToken=PT%d", base, n+1, to))
	}
	if l.next != nil {
		if u := l.next(host, n); u != "" {
			next = strconv.Quote(u)
		}
	}
	var b bytes.Buffer
	b.WriteString(`{"call_summaries":[`)
	b.Write(bytes.Join(l.items[from:to], []byte(",")))
	fmt.Fprintf(&b, `],"meta":{"page":%d,"page_size":%d,"first_page_url":%q,"previous_page_url":null,"next_page_url":%s,"key":"call_summaries","url":"%s&Page=%d"}}`,
		n, l.pageSize, base+"&Page=0", next, base, n)
	return b.Bytes()
}

// handler serves the page named by Page (0 when absent).
func (l *listing) handler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != listPath {
		l.t.Errorf("unexpected %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
		return
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("Page"))
	if n > 0 && r.URL.Query().Get("PageToken") != "PT"+strconv.Itoa(n*l.pageSize) {
		l.t.Errorf("page %d requested without its token: %s", n, r.URL.RawQuery)
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(l.page(r.Host, n))
}

// collect ranges over the sequence, stopping at the first error.
func collect(t *testing.T, seq func(func(*Summary, error) bool)) ([]*Summary, error) {
	t.Helper()
	var out []*Summary
	for s, err := range seq {
		assertErrNoSecret(t, err)
		if err != nil {
			return out, err
		}
		out = append(out, s)
	}
	return out, nil
}

func TestListSummariesFollowsEveryPage(t *testing.T) {
	for _, tt := range []struct{ total, pageSize, pages int }{
		{0, 5, 1}, {1, 5, 1}, {5, 5, 1}, {6, 5, 2}, {25, 4, 7}, {1000, 7, 143},
	} {
		t.Run(fmt.Sprintf("%d_by_%d", tt.total, tt.pageSize), func(t *testing.T) {
			l := newListing(t, tt.total, tt.pageSize)
			hs := newHarness(t, l.handler)
			got, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{PageSize: tt.pageSize}))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.total {
				t.Fatalf("%d summaries, want %d", len(got), tt.total)
			}
			for i, s := range got {
				if *s.CallSID != listSID(i) || !bytes.Equal(s.Raw(), l.items[i]) {
					t.Fatalf("summary %d: sid %s, raw bytes equal: %v", i, *s.CallSID, bytes.Equal(s.Raw(), l.items[i]))
				}
			}
			hs.wantHits(tt.pages)
			if q := hs.requests()[0].URL.RawQuery; q != "PageSize="+strconv.Itoa(tt.pageSize) {
				t.Errorf("first request query %q", q)
			}
		})
	}
}

func TestListSummariesStopsWhenConsumerStops(t *testing.T) {
	l := newListing(t, 100, 4)
	hs := newHarness(t, l.handler)
	n := 0
	for s, err := range hs.c.ListSummaries(context.Background(), ListFilter{PageSize: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 5 { // the first item of page 2
			_ = s
			break
		}
	}
	hs.wantHits(2)
	// Stopping at a page's last item sends no request for the next page.
	hs2 := newHarness(t, l.handler)
	n = 0
	for range hs2.c.ListSummaries(context.Background(), ListFilter{PageSize: 4}) {
		if n++; n == 4 {
			break
		}
	}
	hs2.wantHits(1)
}

func TestListSummariesContextCancelledMidway(t *testing.T) {
	l := newListing(t, 20, 4)
	hs := newHarness(t, l.handler)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got int
	var last error
	for s, err := range hs.c.ListSummaries(ctx, ListFilter{PageSize: 4}) {
		if err != nil {
			last = err
			continue // the sequence must end by itself after an error
		}
		if got++; got == 3 {
			cancel()
		}
		_ = s
	}
	if got != 4 || !errors.Is(last, context.Canceled) {
		t.Fatalf("got %d summaries then %v; want the 4 of page 1, then context.Canceled", got, last)
	}
	hs.wantHits(1)
}

func TestListSummariesRefusesForeignNextPage(t *testing.T) {
	var foreignHits atomic.Int32
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		foreignHits.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("credentials sent to a foreign host")
		}
	}))
	defer foreign.Close()
	for name, next := range map[string]func(host string) string{
		"other port":   func(string) string { return foreign.URL + listPath + "?PageToken=PT4&Page=1" },
		"other host":   func(string) string { return "http://evil.example" + listPath + "?PageToken=PT4" },
		"other scheme": func(h string) string { return "https://" + h + listPath + "?PageToken=PT4" },
		"other path":   func(h string) string { return "http://" + h + "/v1/Voice/" + testCallSID + "/Summary" },
		"user info":    func(h string) string { return "http://user:pw@" + h + listPath + "?PageToken=PT4" },
		"other host, same path relative to scheme": func(string) string {
			return "//" + strings.TrimPrefix(foreign.URL, "http://") + listPath
		},
	} {
		t.Run(name, func(t *testing.T) {
			l := newListing(t, 12, 4)
			l.next = func(host string, _ int) string { return next(host) }
			hs := newHarness(t, l.handler)
			got, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{PageSize: 4}))
			if len(got) != 4 || !errors.Is(err, ErrInvalidCursor) {
				t.Fatalf("got %d summaries, err %v; want page 1 then ErrInvalidCursor", len(got), err)
			}
			if strings.Contains(err.Error(), "PageToken") || strings.Contains(err.Error(), "pw") {
				t.Errorf("the error shows the URL's query or password: %v", err)
			}
			hs.wantHits(1)
		})
	}
	if n := foreignHits.Load(); n != 0 {
		t.Errorf("the foreign host got %d requests", n)
	}
}

func TestListSummariesRelativeAndDefaultPortNextPage(t *testing.T) {
	l := newListing(t, 8, 4)
	l.next = func(_ string, n int) string {
		if n == 0 {
			return listPath + "?PageSize=4&Page=1&PageToken=PT4" // relative: resolved against the base URL
		}
		return ""
	}
	hs := newHarness(t, l.handler)
	got, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{PageSize: 4}))
	if err != nil || len(got) != 8 {
		t.Fatalf("%d summaries, %v", len(got), err)
	}
}

func TestListSummariesRetriesAPage(t *testing.T) {
	l := newListing(t, 12, 4)
	var page2 atomic.Int32
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("Page") == "1" && page2.Add(1) == 1 {
			serve(http.StatusServiceUnavailable, twilioError(503, 20503, "unavailable"))(w, r)
			return
		}
		l.handler(w, r)
	})
	got, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{PageSize: 4}))
	if err != nil || len(got) != 12 {
		t.Fatalf("%d summaries, %v", len(got), err)
	}
	hs.wantHits(4)
	if n := hs.retryLines(); n != 1 {
		t.Errorf("%d retry lines, want 1", n)
	}
	reqs := hs.requests()
	if reqs[1].URL.RawQuery != reqs[2].URL.RawQuery {
		t.Errorf("the retry asked for another page: %q then %q", reqs[1].URL.RawQuery, reqs[2].URL.RawQuery)
	}
}

func TestListSummariesErrorsEndTheSequence(t *testing.T) {
	l := newListing(t, 12, 4)
	for name, tt := range map[string]struct {
		page2 http.HandlerFunc
		check func(error) bool
	}{
		"404":      {serve(404, twilio404), func(err error) bool { return errors.Is(err, ErrNotFound) }},
		"html 502": {serve(502, []byte("<html>bad gateway</html>")), func(err error) bool { var ae *APIError; return errors.As(err, &ae) && ae.StatusCode == 502 }},
		"no call_summaries": {serve(200, []byte(`{"meta":{}}`)), func(err error) bool {
			var de *DecodeError
			return errors.As(err, &de) && strings.Contains(err.Error(), "summaries page 2")
		}},
		"array": {serve(200, []byte(` []`)), func(err error) bool { var de *DecodeError; return errors.As(err, &de) && de.Offset == 1 }},
		"item cut short": {serve(200, []byte(`{"call_summaries":[{"call_sid":"CA1"},{"duration":`)), func(err error) bool {
			var de *DecodeError
			return errors.As(err, &de) && strings.Contains(err.Error(), "call_summaries[1]")
		}},
	} {
		t.Run(name, func(t *testing.T) {
			hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("Page") == "1" {
					tt.page2(w, r)
					return
				}
				l.handler(w, r)
			}, WithRetry(RetryPolicy{MaxAttempts: 1}))
			got, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{PageSize: 4}))
			if len(got) != 4 || !tt.check(err) {
				t.Fatalf("got %d summaries then %v", len(got), err)
			}
			hs.wantHits(2)
		})
	}
}

func TestListSummariesStopsOnARepeatedPage(t *testing.T) {
	l := newListing(t, 8, 4)
	l.next = func(host string, n int) string {
		return fmt.Sprintf("http://%s%s?PageSize=4&Page=%d", host, listPath, n)
	}
	hs := newHarness(t, l.handler)
	got, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{PageSize: 4}))
	if len(got) != 4 || !errors.Is(err, ErrPaginationLoop) {
		t.Fatalf("got %d then %v", len(got), err)
	}
	hs.wantHits(1)
}

// Pages that loop end the listing with ErrPaginationLoop, whatever the
// loop's shape: A→B→A, or empty pages whose token changes every time
// (nothing is yielded, so a consumer could not break).
func TestListSummariesStopsOnLoops(t *testing.T) {
	for name, tt := range map[string]struct {
		total, size int
		next        func(host string, n int) string
		items, hits int
	}{
		"A→B→A": {8, 4, func(host string, n int) string {
			if n == 1 {
				return fmt.Sprintf("http://%s%s?PageSize=4&Page=0", host, listPath) // back to the first page
			}
			return ""
		}, 8, 2},
		"the same page again under links that differ": {8, 4, func(host string, n int) string {
			return fmt.Sprintf("http://%s%s?PageSize=4&Page=0&x=%d", host, listPath, n+1)
		}, 8, 2}, // the second page's own url is the first's: already listed
		"empty pages, a new token each time": {0, 4, func(host string, n int) string {
			return fmt.Sprintf("http://%s%s?PageSize=4&Page=%d&PageToken=PT%d", host, listPath, n+1, (n+1)*4)
		}, 0, pageloop.MaxEmptyPages},
	} {
		t.Run(name, func(t *testing.T) {
			l := newListing(t, tt.total, tt.size)
			l.next = tt.next
			hs := newHarness(t, l.handler)
			// A listing that loops must end on its own: the deadline and
			// the cap only turn a regression into a failure, not a hang.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			var got []*Summary
			var err error
			for s, e := range hs.c.ListSummaries(ctx, ListFilter{PageSize: tt.size}) {
				if err = e; e != nil {
					break
				}
				if got = append(got, s); len(got) > 100 {
					t.Fatalf("%d items and counting: the loop was not seen", len(got))
				}
			}
			if len(got) != tt.items || !errors.Is(err, ErrPaginationLoop) {
				t.Fatalf("got %d then %v", len(got), err)
			}
			assertErrNoSecret(t, err)
			hs.wantHits(tt.hits)
		})
	}
}

// A page with more items than Twilio's largest page is refused, typed.
func TestListPageTooLarge(t *testing.T) {
	body := []byte(`{"call_summaries":[` + strings.Repeat("{},", MaxPageSize) + `{}]}`)
	_, err := decodePage(200, body)
	var de *DecodeError
	if !errors.Is(err, ErrPageTooLarge) || !errors.As(err, &de) {
		t.Fatalf("err = %v", err)
	}
	if _, err := decodePage(200, []byte(`{"call_summaries":[`+strings.Repeat("{},", MaxPageSize-1)+`{}]}`)); err != nil {
		t.Fatalf("a page of %d items: %v", MaxPageSize, err)
	}

	// A page at the byte cap holding 3.5 million empty items: decoding
	// stops at the first item past the limit, so the work and memory are
	// those of MaxPageSize summaries, not of the page.
	huge := []byte(`{"call_summaries":[` + strings.Repeat("{},", (MaxResponseBytes-32)/3) + `{}]}`)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = decodePage(200, huge)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrPageTooLarge) {
		t.Fatalf("a %d MiB page: %v", len(huge)>>20, err)
	}
	allocated := after.TotalAlloc - before.TotalAlloc
	t.Logf("a %d MiB page of %d items: %d KiB allocated", len(huge)>>20, (MaxResponseBytes-32)/3+1, allocated>>10)
	if allocated > 8<<20 {
		t.Errorf("%d MiB allocated refusing the page: it was decoded before it was counted", allocated>>20)
	}
}

func TestFetchSummaryPageCursor(t *testing.T) {
	l := newListing(t, 10, 4)
	hs := newHarness(t, l.handler)
	ctx := context.Background()
	var sids []string
	cursor, pages := "", 0
	for {
		p, err := hs.c.FetchSummaryPage(ctx, ListFilter{PageSize: 4}, cursor)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, s := range p.Summaries {
			sids = append(sids, *s.CallSID)
		}
		if *p.Meta.Page != pages-1 || *p.Meta.PageSize != 4 {
			t.Errorf("meta %+v", p.Meta)
		}
		if cursor = p.NextCursor(); cursor == "" {
			break
		}
		// A cursor outlives the client that got it.
		c2, err := NewClient(WithBaseURL(hs.srv.URL), WithCredentials(testAccountSID, testSecret))
		if err != nil {
			t.Fatal(err)
		}
		hs.c = c2
	}
	if pages != 3 || len(sids) != 10 || sids[9] != listSID(9) {
		t.Fatalf("%d pages, sids %v", pages, sids)
	}
	hs.wantHits(3)
	if (*SummaryPage)(nil).NextCursor() != "" {
		t.Error("nil page has a cursor")
	}
	if _, err := hs.c.FetchSummaryPage(ctx, ListFilter{}, "https://evil.example"+listPath); !errors.Is(err, ErrInvalidCursor) {
		t.Errorf("foreign cursor: %v", err)
	}
	if _, err := hs.c.FetchSummaryPage(ctx, ListFilter{}, "%zz"); !errors.Is(err, ErrInvalidCursor) {
		t.Errorf("unparsable cursor: %v", err)
	}
	hs.wantHits(3)
}

func TestListSummariesWithPathPrefix(t *testing.T) {
	l := newListing(t, 6, 4)
	mux := http.NewServeMux()
	mux.HandleFunc("/proxy/", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = strings.TrimPrefix(r.URL.Path, "/proxy")
		rec := httptest.NewRecorder()
		l.handler(rec, r)
		// The proxy rewrites the next page into its own space.
		body := bytes.ReplaceAll(rec.Body.Bytes(), []byte(r.Host+listPath), []byte(r.Host+"/proxy"+listPath))
		_, _ = w.Write(body)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := NewClient(WithBaseURL(srv.URL+"/proxy"), WithCredentials(testAccountSID, testSecret))
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(t, c.ListSummaries(context.Background(), ListFilter{PageSize: 4}))
	if err != nil || len(got) != 6 {
		t.Fatalf("%d, %v", len(got), err)
	}
}

// TestListErrorsKeepThePartiesOut: a transport error names the URL, and a
// list's query holds the From and To filters (PII).
func TestListErrorsKeepThePartiesOut(t *testing.T) {
	hs := newHarness(t, hijack(true), WithRetry(RetryPolicy{MaxAttempts: 2, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	const party = "+15555550199"
	_, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{From: party, To: "client:alice"}))
	if err == nil {
		t.Fatal("no error")
	}
	for what, s := range map[string]string{"error": err.Error(), "log": hs.logs.String()} {
		if strings.Contains(s, "5555550199") || strings.Contains(s, "alice") {
			t.Errorf("%s shows a party: %s", what, s)
		}
	}
	if !strings.Contains(err.Error(), listPath+"?…") {
		t.Errorf("error should still name the resource: %v", err)
	}
	hs.wantHits(2)
}

func TestListSummaryPages(t *testing.T) {
	l := newListing(t, 10, 4)
	hs := newHarness(t, l.handler)
	var sizes []int
	for p, err := range hs.c.ListSummaryPages(context.Background(), ListFilter{PageSize: 4}) {
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(p.Summaries))
	}
	if fmt.Sprint(sizes) != "[4 4 2]" {
		t.Errorf("page sizes %v", sizes)
	}
	hs.wantHits(3)
	for range hs.c.ListSummaryPages(context.Background(), ListFilter{PageSize: 4}) {
		break
	}
	hs.wantHits(4) // one more page, then nothing
}

// A server that serves the same calls again and again under new links,
// changing a value each time so that no page repeats byte for byte, is
// still a loop: the guard tells items apart by call SID.
func TestListSummariesStopsOnTheSameCallsVaried(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		var items []string
		for _, sid := range []string{"CA00000000000000000000000000000001", "CA00000000000000000000000000000002"} {
			items = append(items, fmt.Sprintf(`{"call_sid":%q,"duration":%d}`, sid, n))
		}
		next := fmt.Sprintf("http://%s%s?PageSize=2&PageToken=PT%d", r.Host, listPath, n)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"call_summaries":[%s],"meta":{"page":%d,"page_size":2,"next_page_url":%q,"key":"call_summaries"}}`,
			strings.Join(items, ","), n-1, next)
	}))
	t.Cleanup(srv.Close)
	c, err := NewClient(WithBaseURL(srv.URL), WithCredentials(testAccountSID, testSecret))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var err2 error
	for _, e := range c.ListSummaries(ctx, ListFilter{PageSize: 2}) {
		if e != nil {
			err2 = e
			break
		}
	}
	if !errors.Is(err2, ErrPaginationLoop) || hits.Load() > 1+pageloop.MaxEmptyPages {
		t.Fatalf("after %d pages: %v", hits.Load(), err2)
	}
}
