package sandbox

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// testNow is the sandbox clock of the list tests: a day after the fixtures'
// calls, so that they are in the 30 days the population spans.
var testNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func newListSandbox(t *testing.T, opts ...Option) *Server {
	t.Helper()
	return newSandbox(t, append([]Option{WithClock(NewManualClock(testNow).Now)}, opts...)...)
}

// listPage is a decoded list page, its items kept as sent.
type listPage struct {
	Meta          gen.PageMeta     `json:"meta"`
	CallSummaries []jsontext.Value `json:"call_summaries"`
}

// getPage fetches one page, checks it is a 200 the document accepts (unless
// v is nil: the filter tests need not validate 5,000 summaries 40 times),
// and decodes it.
func getPage(t *testing.T, srv *Server, v *conformance.Validator, pathAndQuery string) listPage {
	t.Helper()
	var p listPage
	if err := wirejson.Unmarshal(fetchPage(t, srv, v, pathAndQuery), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// fetchPage is getPage's body, before decoding.
func fetchPage(t *testing.T, srv *Server, v *conformance.Validator, pathAndQuery string) []byte {
	t.Helper()
	req, resp, body := sandboxFetch(t, srv, pathAndQuery)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", pathAndQuery, resp.StatusCode, body)
	}
	if v != nil {
		if err := v.ValidateResponse(req, resp); err != nil {
			t.Fatalf("GET %s: %v", pathAndQuery, err)
		}
	}
	return body
}

// walkPages follows next_page_url from the first page of query and returns
// every item, decoded as T, in the order served.
func walkPages[T any](t *testing.T, srv *Server, v *conformance.Validator, query string) []T {
	t.Helper()
	var out []T
	next := "/v1/Voice/Summaries?" + query
	for pages := 0; next != ""; pages++ {
		if pages > 200 {
			t.Fatal("more than 200 pages: next_page_url loops")
		}
		body := fetchPage(t, srv, v, next)
		var p struct {
			Meta          gen.PageMeta `json:"meta"`
			CallSummaries []T          `json:"call_summaries"`
		}
		if err := wirejson.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		out = append(out, p.CallSummaries...)
		next = ""
		if u := p.Meta.NextPageURL; u != nil {
			parsed, err := url.Parse(*u)
			if err != nil || parsed.Host != strings.TrimPrefix(srv.URL, "http://") {
				t.Fatalf("next_page_url %q does not lead back to the sandbox (%v)", *u, err)
			}
			next = parsed.RequestURI()
		}
	}
	return out
}

// listAll returns every summary of a listing, decoded, in the order served.
func listAll(t *testing.T, srv *Server, v *conformance.Validator, query string) []gen.CallSummary {
	t.Helper()
	return walkPages[gen.CallSummary](t, srv, v, query)
}

// listedItem is what most list tests read of an item: decoding only this
// keeps them quick under the race detector.
type listedItem struct {
	CallSID         string              `json:"call_sid"`
	StartTime       time.Time           `json:"start_time"`
	EndTime         time.Time           `json:"end_time"`
	ProcessingState gen.ProcessingState `json:"processing_state"`
}

func listItems(t *testing.T, srv *Server, v *conformance.Validator, query string) []listedItem {
	t.Helper()
	return walkPages[listedItem](t, srv, v, query)
}

func itemSIDs(items []listedItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.CallSID
	}
	return out
}

// Paging through every page of a listing visits each call once, newest
// first, and every page and link is what the document and Twilio say.
func TestListPagesVisitEveryCallOnceInOrder(t *testing.T) {
	// Validating every summary of 5,000 takes half a minute under the race
	// detector; 1,500 of the same generator, every page validated, do.
	const size = 1500
	srv := newListSandbox(t, WithPopulation(size, DefaultPopulationSeed))
	v := sandboxValidator(t)
	const query = "StartTime=30d&ProcessingState=all&PageSize=373"
	all := listItems(t, srv, v, query)
	if len(all) < size-50 {
		t.Fatalf("listed %d calls over 30 days, want about the population (%d)", len(all), size)
	}
	seen := map[string]bool{}
	for i, it := range all {
		if seen[it.CallSID] {
			t.Fatalf("%s listed twice", it.CallSID)
		}
		seen[it.CallSID] = true
		if i > 0 && it.StartTime.After(all[i-1].StartTime) {
			t.Fatalf("item %d starts after item %d: not newest first", i, i-1)
		}
	}
	fixturesListed := 0
	for _, c := range srv.Handler().Calls() {
		if seen[c.SID] {
			fixturesListed++
		}
	}
	// Every fixture but the seed (2015) and the nulls one (no start_time).
	if fixturesListed != len(srv.Handler().Calls())-2 {
		t.Errorf("%d fixtures listed, want %d", fixturesListed, len(srv.Handler().Calls())-2)
	}

	// The same listing sorted by end_time holds the same calls.
	byEnd := listItems(t, srv, nil, query+"&SortBy=end_time")
	for i := 1; i < len(byEnd); i++ {
		if byEnd[i].EndTime.After(byEnd[i-1].EndTime) {
			t.Fatalf("SortBy=end_time: item %d ends after item %d", i, i-1)
		}
	}
	a, b := slices.Sorted(slices.Values(itemSIDs(all))), slices.Sorted(slices.Values(itemSIDs(byEnd)))
	if !slices.Equal(a, b) {
		t.Error("SortBy=end_time lists other calls than start_time")
	}
}

// Each page's meta: absolute URLs on the host the client used, Page
// counting up, previous_page_url leading back to the same items, null links
// at the ends.
func TestListMetaLinks(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	first := getPage(t, srv, v, "/v1/Voice/Summaries?CallType=carrier,sip&PageSize=20")
	m := first.Meta
	if deref(m.Page) != 0 || deref(m.PageSize) != 20 || deref(m.Key) != "call_summaries" || m.PreviousPageURL != nil || m.NextPageURL == nil {
		t.Fatalf("first page meta: %+v", m)
	}
	want := srv.URL + "/v1/Voice/Summaries?CallType=carrier%2Csip&PageSize=20&Page=0"
	if deref(m.FirstPageURL) != want || deref(m.URL) != want {
		t.Errorf("first_page_url %q, url %q, want %q", deref(m.FirstPageURL), deref(m.URL), want)
	}
	if len(first.CallSummaries) != 20 {
		t.Fatalf("%d items, want 20", len(first.CallSummaries))
	}
	second := getPage(t, srv, v, strings.TrimPrefix(*m.NextPageURL, srv.URL))
	if deref(second.Meta.Page) != 1 || second.Meta.PreviousPageURL == nil {
		t.Fatalf("second page meta: %+v", second.Meta)
	}
	back := getPage(t, srv, v, strings.TrimPrefix(*second.Meta.PreviousPageURL, srv.URL))
	if deref(back.Meta.Page) != 0 || len(back.CallSummaries) != 20 {
		t.Fatalf("previous page: page %d, %d items", deref(back.Meta.Page), len(back.CallSummaries))
	}
	for i := range back.CallSummaries {
		if string(back.CallSummaries[i]) != string(first.CallSummaries[i]) {
			t.Fatalf("previous_page_url item %d differs from the first page's", i)
		}
	}

	// Another name for the same server: the links follow the Host.
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/v1/Voice/Summaries?PageSize=1", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "sandbox.example:8443"
	req.SetBasicAuth(srv.Handler().AccountSID(), srv.Handler().AuthToken())
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p listPage
	if err := wirejson.UnmarshalRead(resp.Body, &p); err != nil || p.Meta.NextPageURL == nil {
		t.Fatalf("decode: %v, meta %+v", err, p.Meta)
	}
	if !strings.HasPrefix(*p.Meta.NextPageURL, "http://sandbox.example:8443/v1/Voice/Summaries?") {
		t.Errorf("next_page_url %q ignores the request's Host", *p.Meta.NextPageURL)
	}

	// The last page has no next.
	empty := getPage(t, srv, v, "/v1/Voice/Summaries?From=%2B10000000000")
	if len(empty.CallSummaries) != 0 || empty.Meta.NextPageURL != nil || empty.Meta.PreviousPageURL != nil {
		t.Errorf("empty listing: %d items, meta %+v", len(empty.CallSummaries), empty.Meta)
	}
}

// A token is opaque, bound to its filters, and refused when forged.
func TestListPageTokens(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	first := getPage(t, srv, v, "/v1/Voice/Summaries?CallType=carrier&StartTime=7d&PageSize=5")
	next, err := url.Parse(*first.Meta.NextPageURL)
	if err != nil {
		t.Fatal(err)
	}
	token := next.Query().Get("PageToken")
	if token == "" || strings.Contains(token, "CA") || strings.Contains(token, "carrier") {
		t.Fatalf("token %q is missing or readable", token)
	}
	// The same filters in another order, another page size: accepted.
	p := getPage(t, srv, v, "/v1/Voice/Summaries?StartTime=7d&CallType=carrier&PageSize=7&PageToken="+url.QueryEscape(token))
	if len(p.CallSummaries) != 7 || deref(p.Meta.Page) != 1 {
		t.Errorf("reordered filters: %d items, page %d", len(p.CallSummaries), deref(p.Meta.Page))
	}
	bad := map[string]string{
		"other filters":   "CallType=sip&StartTime=7d&PageToken=" + url.QueryEscape(token),
		"filter dropped":  "CallType=carrier&PageToken=" + url.QueryEscape(token),
		"not base64":      "CallType=carrier&StartTime=7d&PageToken=%21%21%21",
		"forged":          "CallType=carrier&StartTime=7d&PageToken=" + pageToken{keySID: "CA0000", filter: 1}.encode(),
		"oversized":       "PageToken=" + strings.Repeat("A", 2000),
		"base64 of junk":  "PageToken=aGVsbG8",
		"negative page":   "PageToken=" + url.QueryEscape(rawToken("1|0|a|0|CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|-1|0")),
		"huge timestamps": "PageToken=" + url.QueryEscape(rawToken("1|99999999999999999999|a|0|CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|1|0")),
	}
	for name, q := range bad {
		req, resp, body := sandboxFetch(t, srv, "/v1/Voice/Summaries?"+q)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"code":20001`) || !strings.Contains(string(body), "PageToken") {
			t.Errorf("%s: %d %s, want 400 20001 naming PageToken", name, resp.StatusCode, body)
		}
		if err := v.ValidateResponse(req, resp); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A previous-page token that no call precedes any more gives an empty page
// whose next_page_url leads to the first calls (found by reading: it used to
// index before the first call).
func TestListEmptyPageBeforeEveryCall(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	tok := pageToken{now: testNow, keyTime: testNow.Add(time.Hour), keySID: "CAffffffffffffffffffffffffffffffff", page: 1, filter: filterHash(url.Values{})}
	p := getPage(t, srv, v, "/v1/Voice/Summaries?PageSize=3&PageToken="+tok.encode())
	if len(p.CallSummaries) != 0 || p.Meta.NextPageURL == nil || p.Meta.PreviousPageURL != nil {
		t.Fatalf("%d items, meta %+v", len(p.CallSummaries), p.Meta)
	}
	first := getPage(t, srv, v, "/v1/Voice/Summaries?PageSize=3")
	next := getPage(t, srv, v, strings.TrimPrefix(*p.Meta.NextPageURL, srv.URL))
	if len(next.CallSummaries) != 3 || string(next.CallSummaries[0]) != string(first.CallSummaries[0]) {
		t.Errorf("next_page_url of the empty page does not lead to the first calls")
	}
}

func rawToken(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// Without StartTime and ProcessingState, Twilio's defaults: the last four
// hours, complete summaries only.
func TestListDefaults(t *testing.T) {
	clock := NewManualClock(testNow)
	srv := newSandbox(t, WithClock(clock.Now))
	v := sandboxValidator(t)
	got := listItems(t, srv, v, "")
	if len(got) < 100 {
		t.Fatalf("%d calls in the last four hours, want the busy hours' hundreds", len(got))
	}
	for _, it := range got {
		if it.StartTime.Before(testNow.Add(-4*time.Hour)) || it.ProcessingState != gen.ProcessingStateComplete {
			t.Fatalf("%s: start %v, %s; want the last 4h, complete", it.CallSID, it.StartTime, it.ProcessingState)
		}
	}
	// A call that ended minutes ago: no summary, then partial, then complete.
	partial := listItems(t, srv, v, "ProcessingState=partial")
	if len(partial) == 0 {
		t.Fatal("no call with only a partial summary in the last half hour")
	}
	sid := partial[0].CallSID
	if got := sandboxStatus(t, srv, sandboxPath(sid)); got != http.StatusNotFound {
		t.Errorf("fetch of a partial-only call without ProcessingState: %d, want 404", got)
	}
	clock.Advance(DefaultCompleteAfter)
	if slices.Contains(itemSIDs(listItems(t, srv, nil, "ProcessingState=partial")), sid) {
		t.Errorf("%s still partial after %v", sid, DefaultCompleteAfter)
	}
	if !slices.Contains(itemSIDs(listItems(t, srv, nil, "")), sid) {
		t.Errorf("%s not listed complete after %v", sid, DefaultCompleteAfter)
	}
}

func sandboxStatus(t *testing.T, srv *Server, path string) int {
	t.Helper()
	_, resp, _ := sandboxFetch(t, srv, path)
	return resp.StatusCode
}

// Invalid list queries are Twilio's 400 (20001), naming the parameter.
func TestListRejectsInvalidQueries(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	for _, q := range []string{"CallType=carrier,,sip", "PageSize=0", "PageSize=1001", "StartTime=yesterday",
		"EndTime=4x", "ProcessingState=complete", "SortBy=duration", "AnsweredBy=robot", "HasTag=maybe", "CallScoreAnnotation=1,6", "Subaccount=AC1"} {
		req, resp, body := sandboxFetch(t, srv, "/v1/Voice/Summaries?"+q)
		name, _, _ := strings.Cut(q, "=")
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"code":20001`) || !strings.Contains(string(body), name) {
			t.Errorf("%s: %d %s", q, resp.StatusCode, body)
		}
		if err := v.ValidateResponse(req, resp); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
}

// Values Twilio lists in prose only are accepted as Twilio may accept
// them: a call type the document does not know matches no call, and the
// known ones of the same list still match theirs.
func TestListAcceptsUnknownProseValues(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	for _, tt := range []struct {
		query string
		some  bool
	}{
		{"CallType=pstn&StartTime=30d", false},
		{"CallType=carrier,pstn&StartTime=30d", true},
		{"BusinessProfileIndustry=BANKING&StartTime=30d", true},
		{"QualityIssueAnnotation=hiss&StartTime=30d", false},
	} {
		items := listItems(t, srv, v, tt.query)
		if (len(items) > 0) != tt.some {
			t.Errorf("%s: %d calls", tt.query, len(items))
		}
	}
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err) // test constants only
	}
	return t
}
