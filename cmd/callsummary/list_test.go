package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// listItem is a summary of the document's SipCall example with its own
// call SID and parties.
func listItem(t *testing.T, i int) []byte {
	t.Helper()
	b := example(t, "ClientCall")
	b = bytes.ReplaceAll(b, []byte(readmeSID), fmt.Appendf(nil, "CA%032x", i))
	return b
}

// fakeList serves pages of size items each, total in all, linked by
// next_page_url, and records the requests.
type fakeList struct {
	*httptest.Server
	items [][]byte
	size  int
	mu    sync.Mutex
	reqs  []*http.Request
	// page, when set, may answer a page instead (true: handled).
	page func(w http.ResponseWriter, n int) bool
}

func newFakeList(t *testing.T, total, size int) *fakeList {
	t.Helper()
	f := &fakeList{size: size}
	for i := range total {
		f.items = append(f.items, listItem(t, i))
	}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.reqs = append(f.reqs, r.Clone(context.Background()))
		f.mu.Unlock()
		var n int
		fmt.Sscan(r.URL.Query().Get("Page"), &n)
		if f.page != nil && f.page(w, n) {
			return
		}
		total := len(f.items) // a test may set items after the start
		from, to := min(n*size, total), min((n+1)*size, total)
		next := "null"
		if to < total {
			next = fmt.Sprintf("%q", fmt.Sprintf("http://%s/v1/Voice/Summaries?PageSize=%d&Page=%d&PageToken=T%d", r.Host, size, n+1, n+1))
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"call_summaries":[%s],"meta":{"page":%d,"page_size":%d,"next_page_url":%s,"key":"call_summaries"}}`,
			bytes.Join(f.items[from:to], []byte(",")), n, size, next)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeList) seen() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

func TestListTableStreamsEveryPage(t *testing.T) {
	f := newFakeList(t, 5, 2)
	r := runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", f.URL, "--call-type", "sip,trunking", "--since", "1d",
		"--has-tag", "--verified-caller=false", "--state", "completed", "--annotated-score", "1,2", "--page-size", "2")
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "CALL SID ") {
		t.Fatalf("want a header and 5 rows:\n%s", r.stdout)
	}
	for i, line := range lines[1:] {
		if !strings.HasPrefix(line, fmt.Sprintf("CA%032x  ", i)) {
			t.Errorf("row %d: %q", i, line)
		}
		if strings.Contains(line, "alice") || strings.Contains(line, "+1") && !strings.Contains(line, "•") {
			t.Errorf("row %d shows a party unmasked: %q", i, line)
		}
	}
	reqs := f.seen()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	q := reqs[0].URL.RawQuery
	for _, want := range []string{"CallType=sip,trunking", "StartTime=1d", "HasTag=true", "VerifiedCaller=false", "CallState=completed", "CallScoreAnnotation=1,2", "PageSize=2"} {
		if !strings.Contains(q, want) {
			t.Errorf("first request lacks %s: %s", want, q)
		}
	}
	if reqs[2].URL.Query().Get("PageToken") != "T2" {
		t.Errorf("third request %s does not follow next_page_url", reqs[2].URL)
	}
}

func TestListNDJSONIsOneSummaryPerLine(t *testing.T) {
	f := newFakeList(t, 3, 2)
	r := runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", f.URL, "-o", "ndjson")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, line := range lines {
		if line != string(f.items[i]) {
			t.Errorf("line %d is not the bytes received:\n%s\n%s", i, line, f.items[i])
		}
	}
	// -o json (and --json): one array of the same bytes; an empty list is [].
	for _, flag := range []string{"-o=json", "--json"} {
		r = runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", f.URL, flag)
		want := "[\n" + string(bytes.Join(f.items, []byte(",\n"))) + "\n]\n"
		if r.code != exitOK || r.stdout != want {
			t.Errorf("%s: exit %d\n%s", flag, r.code, r.stdout)
		}
	}
	empty := newFakeList(t, 0, 2)
	if r = runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", empty.URL, "--json"); r.code != exitOK || r.stdout != "[\n]\n" {
		t.Errorf("empty list: exit %d %q", r.code, r.stdout)
	}
}

func TestListCSV(t *testing.T) {
	f := newFakeList(t, 3, 50)
	for _, pii := range []bool{false, true} {
		args := []string{"list", "--base-url", f.URL, "-o", "csv"}
		if pii {
			args = append(args, "--show-pii")
		}
		r := runCLI(t, t.Context(), twilioEnv, "", args...)
		if r.code != exitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		if err != nil || len(recs) != 4 {
			t.Fatalf("%d records, %v:\n%s", len(recs), err, r.stdout)
		}
		if got := strings.Join(recs[0], ","); got != "call_sid,start,type,state,direction,processing,duration,from,to,worst_stream,mos,loss_pct,jitter_ms,verdict,tags" {
			t.Errorf("header %s", got)
		}
		if q := strings.Join(recs[1][9:15], ","); q != "sdk_edge/inbound,3.28,6.68,9.4,poor,high_jitter,high_packet_loss,low_mos" {
			t.Errorf("quality columns %s", q)
		}
		from := recs[1][7]
		if masked := strings.Contains(from, "•"); masked == pii || from == "" {
			t.Errorf("show-pii %v: from = %q", pii, from)
		}
	}
}

func TestListLimitStopsFetching(t *testing.T) {
	f := newFakeList(t, 10, 2)
	r := runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", f.URL, "-n", "3", "--page-size", "2", "-o", "ndjson")
	if r.code != exitOK || strings.Count(r.stdout, "\n") != 3 {
		t.Fatalf("exit %d, %d lines", r.code, strings.Count(r.stdout, "\n"))
	}
	if n := len(f.seen()); n != 2 {
		t.Errorf("%d requests for 3 calls in pages of 2, want 2", n)
	}
	// Without --page-size, a small --limit is the page size.
	f2 := newFakeList(t, 10, 3)
	r = runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", f2.URL, "--limit", "3")
	if reqs := f2.seen(); r.code != exitOK || len(reqs) != 1 || reqs[0].URL.Query().Get("PageSize") != "3" {
		t.Errorf("exit %d, %d requests", r.code, len(reqs))
	}
}

// streamWriter tells when the first row arrives.
type streamWriter struct {
	mu    sync.Mutex
	b     bytes.Buffer
	first chan struct{}
	once  sync.Once
}

func (s *streamWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.once.Do(func() { close(s.first) })
	return s.b.Write(p)
}

// The second page is served only once the first page's rows are out: if
// list buffered the whole listing, the test would fail after 5 s.
func TestListFlushesEachPage(t *testing.T) {
	f := newFakeList(t, 4, 2)
	out := &streamWriter{first: make(chan struct{})}
	var late atomic.Bool
	f.page = func(w http.ResponseWriter, n int) bool {
		if n == 1 {
			select {
			case <-out.first:
			case <-time.After(5 * time.Second):
				late.Store(true)
			}
		}
		return false
	}
	var errb bytes.Buffer
	code := run(t.Context(), []string{"list", "--base-url", f.URL, "-o", "ndjson", "--page-size", "2"}, strings.NewReader(""), out, &errb, func(k string) string { return twilioEnv[k] })
	if code != exitOK || late.Load() {
		t.Fatalf("exit %d, page 1 printed before page 2 was asked: %v; stderr %s", code, !late.Load(), errb.String())
	}
}

func TestListUsageErrorsSendNothing(t *testing.T) {
	f := newFakeList(t, 3, 2)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--call-type", "carrier,,sip"}, `invalid argument "carrier,,sip" for "--call-type" flag: empty value`},
		{[]string{"--call-type", "sip,"}, "empty value"},
		{[]string{"--answered-by", "robot"}, `invalid argument "robot" for "--answered-by" flag: want one of human, machine_start`},
		{[]string{"--processing-state", "complete"}, `invalid argument "complete" for "--processing-state" flag: want one of completed, started, partial, all`},
		{[]string{"--since", "yesterday"}, `invalid argument "yesterday" for "--since" flag: want a duration before now`},
		{[]string{"--since", "-4h"}, "negative"},
		{[]string{"--since", "4h", "--from-time", "2026-11-27T00:00:00Z"}, "--since and --from-time both set the same end of the window"},
		{[]string{"--to-time", "2026-11-27"}, `"--to-time" flag: want an RFC 3339 time`},
		{[]string{"--since", "1h", "--until", "2h"}, "the window is empty: it starts (--since 1h) at or after it ends (--until 2h)"},
		{[]string{"-o", "xml"}, `invalid argument "xml" for "-o, --output" flag: want one of text, json, ndjson, csv`},
		{[]string{"--page-size", "1001"}, `invalid argument "1001" for "--page-size" flag: want 1 to 1000`},
		{[]string{"--page-size", "0"}, `"--page-size" flag: want 1 to 1000`},
		{[]string{"--annotated-score", "bad"}, `"--annotated-score" flag: want scores from 1 to 5`},
		{[]string{"--annotated-score", "7"}, `invalid argument "7" for "--annotated-score" flag`},
		{[]string{"--has-tag=maybe"}, `invalid argument "maybe" for "--has-tag" flag: want true or false`},
		{[]string{"--subaccount", "AC1"}, `"--subaccount" flag: want an account SID`},
		{[]string{"--from-country", "USA"}, `"--from-country" flag: want two letters`},
		{[]string{"-n", "-1"}, `invalid argument "-1" for "-n, --limit" flag`},
		{[]string{"--worst", "0"}, `"--worst" flag: want 1 or more`},
		{[]string{"--worst", "3", "-n", "5"}, "--worst N lists the N worst calls by verdict: it replaces -n and --sort"},
		{[]string{"--sort", "duration"}, `invalid argument "duration" for "--sort" flag: want one of mos, loss, jitter, start, end`},
		{[]string{"--sort-by", "start_time", "--sort", "mos"}, "--sort-by is the old name of --sort start|end"},
		{[]string{"--fields", "call_sid,colour"}, `invalid argument "call_sid,colour" for "--fields" flag: want one of call_sid, start`},
		{[]string{"-o", "ndjson", "--fields", "mos"}, "--fields chooses the columns of text and csv output, not of -o ndjson"},
		{[]string{"--timeout", "-1s"}, `"--timeout" flag: want 0s or more`},
		{[]string{"extra"}, "list takes no arguments, only flags; got 1"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, t.Context(), twilioEnv, "", append([]string{"list", "--base-url", f.URL}, tt.args...)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || r.stdout != "" || !strings.HasSuffix(r.stderr, "Run 'callsummary list --help' for usage.\n") {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", r.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
	if n := len(f.seen()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// A value Twilio lists only in prose and this version does not know is
// sent as given, with a note on stderr naming the known values: Twilio
// may have added it.
func TestListPassesUnknownProseValues(t *testing.T) {
	f := newFakeList(t, 1, 2)
	r := runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", f.URL, "--call-type", "sip,pstn", "--direction", "outbound-api",
		"--annotated-issue", "robotic", "--business-industry", "spaceflight", "-o", "ndjson")
	if r.code != exitOK || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range []string{
		`callsummary: note: --call-type "pstn" is not a value this version knows (carrier, client, sip, trunking, whatsapp); sent as given`,
		`callsummary: note: --direction "outbound-api" is not a value this version knows`,
		`callsummary: note: --annotated-issue "robotic" is not a value this version knows`,
		`callsummary: note: --business-industry "spaceflight" is not a value this version knows (one of 33, e.g. agriculture, automotive, banking; see --help)`,
	} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, `"sip"`) {
		t.Errorf("a known value was noted:\n%s", r.stderr)
	}
	q := f.seen()[0].URL.Query()
	for k, v := range map[string]string{"CallType": "sip,pstn", "Direction": "outbound-api", "QualityIssueAnnotation": "robotic", "BusinessProfileIndustry": "spaceflight"} {
		if q.Get(k) != v {
			t.Errorf("%s=%q sent, want %q", k, q.Get(k), v)
		}
	}
	r = runCLI(t, t.Context(), twilioEnv, "", "list", "-q", "--base-url", f.URL, "--call-type", "pstn", "-o", "ndjson")
	if r.code != exitOK || r.stderr != "" {
		t.Errorf("-q: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestListErrorMidway(t *testing.T) {
	f := newFakeList(t, 6, 2)
	f.page = func(w http.ResponseWriter, n int) bool {
		if n != 1 {
			return false
		}
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"code":20403,"message":"Voice Insights Advanced Features is not enabled","status":403}`)
		return true
	}
	r := runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", f.URL, "-o", "ndjson", "--page-size", "2")
	if r.code != exitNo || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stderr, "Advanced Features") {
		t.Errorf("exit %d, %d lines, stderr %q", r.code, strings.Count(r.stdout, "\n"), r.stderr)
	}
}

func TestListHelp(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "list", "--help")
	for _, want := range []string{"Usage:\n  callsummary list [flags]", "--call-type types", "--since duration", "--from-time time",
		"-o, --output format", "-n, --limit N", "--sort order", "--worst N", "--fields columns", "--no-header", "--show-pii",
		"--has-tag[=true|false]", "--annotated-issue issues", "jitter_ms     the highest average jitter", "Examples:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	if r.code != exitOK || strings.Contains(r.stdout, "--sort-by") {
		t.Errorf("exit %d, or the deprecated --sort-by shows", r.code)
	}
}

func TestParseAgo(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30m": 30 * time.Minute, "4h": 4 * time.Hour, "3d": 72 * time.Hour, "1w": 7 * 24 * time.Hour, "1h30m": 90 * time.Minute, "0m": 0,
	} {
		if got, err := parseAgo(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "d", "3x", "-1d", "1dw", "99999999999999w", "w3"} {
		if _, err := parseAgo(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
