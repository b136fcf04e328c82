package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// listTotal is how many summaries one listing reads.
const listTotal = 10_000

// listPopulation gives the sandbox a few more calls than are listed, so
// that every listing stops at listTotal in the middle of the list.
const listPopulation = listTotal + 500

// listWindow lists the sandbox's whole month of calls, in every state.
func listWindow(pageSize int) callsummary.ListFilter {
	return callsummary.ListFilter{Start: callsummary.Since(31 * 24 * time.Hour), ProcessingState: gen.ListProcessingStateAll, PageSize: pageSize}
}

// recording is the pages of one sandbox listing, replayed byte for byte by
// a static server: the benchmark then measures the client, not the
// sandbox's generation of each summary.
type recording struct {
	pages [][]byte
}

var recordings sync.Map // page size → *recording, shared by every run of the process

// recordSandbox lists the sandbox's population in pages of pageSize with
// the raw loop, keeping each page's bytes.
func recordSandbox(tb testing.TB, pageSize int) *recording {
	tb.Helper()
	if r, ok := recordings.Load(pageSize); ok {
		return r.(*recording)
	}
	srv, err := sandbox.NewServer(sandbox.WithCredentials(accountSID, authToken), sandbox.WithPopulation(listPopulation, 1))
	if err != nil {
		tb.Fatal(err)
	}
	defer srv.Close()
	req, err := gen.NewListSummariesRequest(srv.URL, windowParams(pageSize))
	if err != nil {
		tb.Fatal(err)
	}
	rec := &recording{}
	n := 0
	hc := &http.Client{Transport: newTransport(tb)}
	for next := req.URL.String(); next != "" && n < listTotal; {
		body, err := get(context.Background(), hc, next)
		if err != nil {
			tb.Fatal(err)
		}
		var p rawListPage
		if err := json.Unmarshal(body, &p); err != nil {
			tb.Fatal(err)
		}
		rec.pages = append(rec.pages, body)
		n += len(p.CallSummaries)
		next = ""
		if p.Meta.NextPageURL != nil {
			next = *p.Meta.NextPageURL
		}
	}
	if n < listTotal {
		tb.Fatalf("the sandbox listed %d calls, want at least %d", n, listTotal)
	}
	r, _ := recordings.LoadOrStore(pageSize, rec)
	return r.(*recording)
}

// windowParams is the query of listWindow(pageSize) for the raw loop:
// StartTime=31d&ProcessingState=all&PageSize=n, what the wrapper sends (the
// contenders are checked to stop at the same call).
func windowParams(pageSize int) *gen.ListSummariesParams {
	return &gen.ListSummariesParams{StartTime: new("31d"), ProcessingState: new(gen.ListProcessingStateAll), PageSize: new(int64(pageSize))}
}

// replay serves rec's pages: page k at ?Page=k, its next_page_url rewritten
// to this server's page k+1 (null on the last page).
func replay(tb testing.TB, rec *recording) *httptest.Server {
	tb.Helper()
	pages := make([][]byte, len(rec.pages))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, _ := r.BasicAuth(); u != accountSID || p != authToken {
			http.Error(w, `{"code":20003,"status":401}`, http.StatusUnauthorized)
			return
		}
		k, _ := strconv.Atoi(r.URL.Query().Get("Page"))
		if r.URL.Path != "/v1/Voice/Summaries" || k < 0 || k >= len(pages) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(pages[k])))
		_, _ = w.Write(pages[k])
	}))
	tb.Cleanup(srv.Close)
	for k, body := range rec.pages {
		var m struct {
			Meta struct {
				Next json.RawMessage `json:"next_page_url"`
			} `json:"meta"`
		}
		if err := json.Unmarshal(body, &m); err != nil {
			tb.Fatal(err)
		}
		next := []byte("null") // the recording ends here
		if k+1 < len(rec.pages) {
			next = strconv.AppendQuote(nil, fmt.Sprintf("%s/v1/Voice/Summaries?Page=%d", srv.URL, k+1))
		}
		pages[k] = bytes.Replace(body, m.Meta.Next, next, 1)
	}
	return srv
}

// rawListPage is the raw contender's page: gen's types, decoded whole.
type rawListPage struct {
	CallSummaries []gen.CallSummary `json:"call_summaries"`
	Meta          gen.PageMeta      `json:"meta"`
}

func get(ctx context.Context, hc *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(accountSID, authToken)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("HTTP %d: %s", resp.StatusCode, body)
	}
	return body, err
}

// A lister reads listTotal summaries from a server and returns the last
// call SID read.
type lister func(ctx context.Context) (string, error)

func wrapperLister(tb testing.TB, baseURL string, pageSize int) lister {
	c, err := callsummary.NewClient(callsummary.WithCredentials(accountSID, authToken), callsummary.WithBaseURL(baseURL),
		callsummary.WithHTTPClient(&http.Client{Transport: newTransport(tb), Timeout: fetchTimeout}))
	if err != nil {
		tb.Fatal(err)
	}
	return func(ctx context.Context) (string, error) {
		n, last := 0, ""
		for s, err := range c.ListSummaries(ctx, listWindow(pageSize)) {
			if err != nil {
				return "", err
			}
			if n++; n == listTotal {
				last = deref(s.CallSID)
				break
			}
		}
		return last, nil
	}
}

// rawLister is the limit: GET, io.ReadAll, json.Unmarshal of the whole page
// into gen's types, follow next_page_url; no retries, checks or raw bytes.
func rawLister(tb testing.TB, baseURL string, pageSize int) lister {
	hc := &http.Client{Transport: newTransport(tb), Timeout: fetchTimeout}
	first, err := gen.NewListSummariesRequest(baseURL, windowParams(pageSize))
	if err != nil {
		tb.Fatal(err)
	}
	return func(ctx context.Context) (string, error) {
		n := 0
		for next := first.URL.String(); next != ""; {
			body, err := get(ctx, hc, next)
			if err != nil {
				return "", err
			}
			var p rawListPage
			if err := json.Unmarshal(body, &p); err != nil {
				return "", err
			}
			for _, s := range p.CallSummaries {
				if n++; n == listTotal {
					return deref(s.CallSID), nil
				}
			}
			next = ""
			if p.Meta.NextPageURL != nil {
				next = *p.Meta.NextPageURL
			}
		}
		return "", fmt.Errorf("listed %d calls, want %d", n, listTotal)
	}
}

// BenchmarkList lists 10,000 summaries per op through callsummary.ListSummaries
// and through the raw loop, from a replay of the sandbox's pages
// (source=replay: the client's cost) and from the live sandbox
// (source=sandbox: end to end, the sandbox generating every summary). It
// reports summaries/s.
func BenchmarkList(b *testing.B) {
	for _, pageSize := range []int{50, 1000} {
		rec := recordSandbox(b, pageSize)
		srv := replay(b, rec)
		var want string
		for _, impl := range []struct {
			name string
			new  func(testing.TB, string, int) lister
		}{{"wrapper", wrapperLister}, {"raw", rawLister}} {
			b.Run(fmt.Sprintf("source=replay/pagesize=%d/impl=%s", pageSize, impl.name), func(b *testing.B) {
				benchLister(b, impl.new(b, srv.URL, pageSize), &want)
			})
		}
	}
	sandbox, err := sandbox.NewServer(sandbox.WithCredentials(accountSID, authToken), sandbox.WithPopulation(listPopulation, 1))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(sandbox.Close)
	var want string
	for _, impl := range []struct {
		name string
		new  func(testing.TB, string, int) lister
	}{{"wrapper", wrapperLister}, {"raw", rawLister}} {
		b.Run("source=sandbox/pagesize=1000/impl="+impl.name, func(b *testing.B) {
			benchLister(b, impl.new(b, sandbox.URL, 1000), &want)
		})
	}
}

// benchLister runs l b.N times; every contender must stop at the same call.
func benchLister(b *testing.B, l lister, want *string) {
	ctx := context.Background()
	last, err := l(ctx) // warm the connection; check the result
	if err != nil {
		b.Fatal(err)
	}
	if *want == "" {
		*want = last
	} else if last != *want {
		b.Fatalf("the 10,000th call is %s, another contender read %s", last, *want)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if _, err := l(ctx); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N*listTotal)/elapsed.Seconds(), "summaries/s")
}

// synthetic serves a list of total copies of one summary (its SID made
// unique everywhere it appears: the listing's loop guard tells calls apart
// by SID), pageSize a page, each page rendered on demand: a server whose
// own memory does not grow with total, for measuring the client's heap.
func synthetic(tb testing.TB, total, pageSize int) *httptest.Server {
	tb.Helper()
	p, err := LoadPayload(Largest)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k, _ := strconv.Atoi(r.URL.Query().Get("Page"))
		from, to := min(k*pageSize, total), min((k+1)*pageSize, total)
		var b bytes.Buffer
		b.WriteString(`{"call_summaries":[`)
		for i := from; i < to; i++ {
			if i > from {
				b.WriteByte(',')
			}
			b.Write(bytes.ReplaceAll(p.Body, []byte(p.CallSID), fmt.Appendf(nil, "CA%032x", i)))
		}
		next := "null"
		if to < total {
			next = strconv.Quote(fmt.Sprintf("http://%s/v1/Voice/Summaries?Page=%d", r.Host, k+1))
		}
		fmt.Fprintf(&b, `],"meta":{"page":%d,"page_size":%d,"next_page_url":%s,"key":"call_summaries"}}`, k, pageSize, next)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b.Bytes())
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// heapDuring lists total summaries through ListSummaries, keeping none
// (or, for the control, all), and samples the heap every 100 summaries,
// in the middle of a page:
// HeapInuse as it is (peak), or HeapAlloc right after a GC (live: what the
// listing retains). It returns the highest sample less the same measure
// taken before the listing.
func heapDuring(tb testing.TB, total, pageSize int, keep, live bool) (peak uint64, n int) {
	tb.Helper()
	srv := synthetic(tb, total, pageSize)
	c, err := callsummary.NewClient(callsummary.WithCredentials(accountSID, authToken), callsummary.WithBaseURL(srv.URL),
		callsummary.WithHTTPClient(&http.Client{Transport: newTransport(tb), Timeout: fetchTimeout}))
	if err != nil {
		tb.Fatal(err)
	}
	var ms runtime.MemStats
	sample := func() uint64 {
		if live {
			runtime.GC()
		}
		runtime.ReadMemStats(&ms)
		if live {
			return ms.HeapAlloc
		}
		return ms.HeapInuse
	}
	runtime.GC()
	base := sample()
	var kept []*callsummary.Summary
	for s, err := range c.ListSummaries(context.Background(), callsummary.ListFilter{PageSize: pageSize}) {
		if err != nil {
			tb.Fatal(err)
		}
		if n++; n%100 == 50 { // mid-page: half the page is still held
			v := sample()
			peak = max(peak, v-min(v, base))
		}
		if keep {
			kept = append(kept, s)
		}
	}
	runtime.KeepAlive(kept)
	return peak, n
}

// TestListHeapIsFlat: the heap while listing does not grow with the length
// of the list (pages of 100 copies of the ClientCall example, about 3 kB
// each). What the listing retains (live heap after a GC) for 10,000
// summaries is within 2 MiB of that for 1,000; the peak HeapInuse, GC
// pacing included, stays under 16 MiB for both. A control that keeps
// every summary shows the measurements see growth.
func TestListHeapIsFlat(t *testing.T) {
	const pageSize, growthBound, peakBound = 100, 2 << 20, 16 << 20
	measure := func(total int, keep, live bool) uint64 {
		p, n := heapDuring(t, total, pageSize, keep, live)
		if n != total {
			t.Fatalf("listed %d, want %d", n, total)
		}
		return p
	}
	liveSmall, liveLarge := measure(1_000, false, true), measure(listTotal, false, true)
	peakSmall, peakLarge := measure(1_000, false, false), measure(listTotal, false, false)
	t.Logf("live heap above the start: %.2f MiB listing 1,000, %.2f MiB listing 10,000", mib(liveSmall), mib(liveLarge))
	t.Logf("peak HeapInuse above the start: %.2f MiB listing 1,000, %.2f MiB listing 10,000", mib(peakSmall), mib(peakLarge))
	if liveLarge > liveSmall+growthBound {
		t.Errorf("listing 10,000 retains %.2f MiB more than listing 1,000 (bound %.0f MiB): memory grows with the list",
			mib(liveLarge-liveSmall), mib(growthBound))
	}
	if max(peakSmall, peakLarge) > peakBound {
		t.Errorf("peak HeapInuse %.2f MiB above the %.0f MiB bound", mib(max(peakSmall, peakLarge)), mib(peakBound))
	}
	// The control: keeping every summary grows past both bounds by 2,000.
	keptSmall, keptLarge := measure(1_000, true, true), measure(2_000, true, true)
	keptPeak := measure(2_000, true, false)
	t.Logf("control, every summary kept: live %.2f MiB for 1,000, %.2f MiB for 2,000; peak %.2f MiB for 2,000",
		mib(keptSmall), mib(keptLarge), mib(keptPeak))
	if keptLarge < keptSmall+growthBound || keptPeak < peakBound {
		t.Errorf("the control did not grow past the bounds: the measurements cannot tell")
	}
}

func mib(n uint64) float64 { return float64(n) / (1 << 20) }
