package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/internal/syncbuf"
	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// watchT0 is when the watch tests start: the sandbox's population ends
// its calls in the 30 days before it.
var watchT0 = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// lifecycleSandbox is a sandbox whose summaries complete completeAfter
// after each call ends, by clock: calls of the population's last hours
// complete while a watch runs.
func lifecycleSandbox(t *testing.T, clock *sandbox.ManualClock, completeAfter time.Duration) *sandbox.Server {
	t.Helper()
	return testkit.Start(t, func() (*sandbox.Server, error) {
		return sandbox.NewServer(sandbox.WithClock(clock.Now), sandbox.WithLifecycle(sandbox.Lifecycle{CompleteAfter: completeAfter}))
	})
}

// watchCLI runs watch in-process on clock: each wait between rounds
// runs onSleep (if any), then moves the clock by the wait.
func watchCLI(t *testing.T, ctx context.Context, clock *sandbox.ManualClock, onSleep func(), args ...string) result {
	t.Helper()
	var out, errb syncbuf.Buffer
	e := newEnv(strings.NewReader(""), &out, &errb, func(string) string { return "" })
	e.now = clock.Now
	e.sleep = func(ctx context.Context, d time.Duration) error {
		if onSleep != nil {
			onSleep()
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		clock.Advance(d)
		return nil
	}
	code := e.run(ctx, append([]string{"watch"}, args...))
	return result{out.String(), errb.String(), code}
}

// reportedSIDs reads watch -o ndjson's stdout, failing on a call
// reported twice.
func reportedSIDs(t *testing.T, stdout string, into map[string]bool) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		s, err := callsummary.ParseSummary(sc.Bytes())
		if err != nil || s.CallSID == nil {
			t.Fatalf("a line of -o ndjson: %v\n%s", err, sc.Text())
		}
		if !s.IsComplete() {
			t.Errorf("%s reported with processing_state %v", *s.CallSID, s.ProcessingState)
		}
		if into[*s.CallSID] {
			t.Errorf("%s reported twice", *s.CallSID)
		}
		into[*s.CallSID] = true
	}
}

// completeSince lists, as an independent client, every call that started
// at or after from and has its complete summary now.
func completeSince(t *testing.T, srv *sandbox.Server, from time.Time) map[string]bool {
	t.Helper()
	c, err := callsummary.NewClient(callsummary.WithBaseURL(srv.URL), callsummary.WithCredentials(sandbox.AccountSID, sandbox.AuthToken))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	f := callsummary.ListFilter{Start: callsummary.At(from), ProcessingState: callsummary.ListProcessingStateCompleted, PageSize: 1000}
	for s, err := range c.ListSummaries(t.Context(), f) {
		if err != nil {
			t.Fatal(err)
		}
		out[*s.CallSID] = true
	}
	return out
}

var roundLineRE = regexp.MustCompile(`round (\d+): (no new calls|(\d+) new calls?)`)

// newPerRound reads the calls each round line reports.
func newPerRound(t *testing.T, text string) []int {
	t.Helper()
	var counts []int
	for _, m := range roundLineRE.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[3])
		if r, _ := strconv.Atoi(m[1]); r != len(counts)+1 {
			t.Fatalf("round %s after %d rounds:\n%s", m[1], len(counts), text)
		}
		counts = append(counts, n)
	}
	return counts
}

// diff lists the keys of a not in b.
func diff(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// some is at most the first five of sids, for a failure message.
func some(sids []string) []string { return sids[:min(len(sids), 5)] }

// Over rounds in which summaries complete two hours after their call
// (far later than the rounds' interval), watch reports every call that
// has its complete summary by the end exactly once, in the round after it
// completed, and nothing else.
func TestWatchReportsEachCompletedCallOnce(t *testing.T) {
	clock := sandbox.NewManualClock(watchT0)
	srv := lifecycleSandbox(t, clock, 2*time.Hour)
	r := watchCLI(t, t.Context(), clock, nil, "--base-url", srv.URL, "-o", "ndjson", "--every", "10m", "--rounds", "15")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := map[string]bool{}
	reportedSIDs(t, r.stdout, got)
	want := completeSince(t, srv, watchT0.Add(-defaultWatchOverlap))
	if missing, extra := diff(want, got), diff(got, want); len(missing)+len(extra) > 0 {
		t.Errorf("%d calls never reported: %v…\n%d reported that are not complete in the window: %v…", len(missing), some(missing), len(extra), some(extra))
	}
	counts := newPerRound(t, r.stderr)
	total, later := 0, 0
	for i, n := range counts {
		total += n
		if i > 0 && n > 0 {
			later++
		}
	}
	if len(counts) != 15 || total != len(got) || later < 5 {
		t.Errorf("rounds report %v (%d calls, %d later rounds with calls), stdout has %d calls", counts, total, later, len(got))
	}
}

// A call whose complete summary appears more than --overlap after it
// started is outside what watch promises: the oracle above sees the
// difference, so the test would catch a skip.
func TestWatchMissesWhatCompletesPastTheOverlap(t *testing.T) {
	clock := sandbox.NewManualClock(watchT0)
	srv := lifecycleSandbox(t, clock, 2*time.Hour)
	r := watchCLI(t, t.Context(), clock, nil, "--base-url", srv.URL, "-o", "ndjson", "--every", "10m", "--rounds", "15", "--overlap", "1h")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	got := map[string]bool{}
	reportedSIDs(t, r.stdout, got)
	want := completeSince(t, srv, watchT0.Add(-time.Hour))
	if len(diff(got, want)) != 0 || len(diff(want, got)) == 0 {
		t.Errorf("with --overlap 1h and summaries 2h late: %d reported, %d complete in the window, %d missed",
			len(got), len(want), len(diff(want, got)))
	}
}

// Stopped and started again on its state file after an hour's downtime,
// watch reports the calls that completed meanwhile and none twice; the
// file is its owner's alone.
func TestWatchResumesFromItsStateFile(t *testing.T) {
	clock := sandbox.NewManualClock(watchT0)
	srv := lifecycleSandbox(t, clock, time.Hour)
	state := filepath.Join(t.TempDir(), "watch.state")
	args := []string{"--base-url", srv.URL, "-o", "ndjson", "--every", "5m", "--rounds", "4", "--state-file", state}
	got := map[string]bool{}
	first := watchCLI(t, t.Context(), clock, nil, args...)
	if first.code != exitOK || strings.Contains(first.stderr, "resuming") {
		t.Fatalf("first run: exit %d\n%s", first.code, first.stderr)
	}
	reportedSIDs(t, first.stdout, got)
	fi, err := os.Stat(state)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, %v", fi, err)
	}
	clock.Advance(time.Hour) // down for an hour
	second := watchCLI(t, t.Context(), clock, nil, args...)
	if second.code != exitOK || !strings.Contains(second.stderr, "callsummary: resuming the watch recorded in "+state+": 4 rounds") {
		t.Fatalf("second run: exit %d\n%s", second.code, second.stderr)
	}
	if !strings.Contains(second.stderr, " round 5: ") {
		t.Errorf("the rounds do not continue from 4:\n%s", second.stderr)
	}
	before := len(got)
	reportedSIDs(t, second.stdout, got)
	want := completeSince(t, srv, watchT0.Add(-defaultWatchOverlap))
	if missing, extra := diff(want, got), diff(got, want); len(missing)+len(extra) > 0 || len(got) == before {
		t.Errorf("%d never reported, %d not in the window; the second run reported %d", len(missing), len(extra), len(got)-before)
	}
	var st watchState
	b, err := os.ReadFile(state)
	if err != nil || wirejson.Unmarshal(b, &st) != nil {
		t.Fatalf("state: %v\n%s", err, b)
	}
	// The set holds the window's calls only: the window, 5h before the
	// first round, has moved with the last one, 1h30m later.
	floor := watchT0.Add(time.Hour + 6*5*time.Minute - defaultWatchOverlap)
	if st.Rounds != 8 || !st.Floor.Equal(floor) || len(st.Seen) == 0 {
		t.Errorf("state: %d rounds, floor %v (want %v), %d seen", st.Rounds, st.Floor, floor, len(st.Seen))
	}
	for sid, start := range st.Seen {
		if start.Before(st.Floor) {
			t.Errorf("%s started %v, before the floor, and is still remembered", sid, start)
		}
	}
}

// A state file that is not one is refused before any request, and left
// as it was.
func TestWatchRefusesAForeignStateFile(t *testing.T) {
	srv := newFakeTwilio(t, jsonReply(200, []byte(`{}`)))
	path := filepath.Join(t.TempDir(), "notes.txt")
	for _, body := range []string{"my notes\n", `{"format":"callsummary.watch.state","version":9}`,
		`{"format":"callsummary.watch.state","version":1,"seen":{"+15551234567":"2026-11-30T00:00:00Z"}}`} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t, t.Context(), twilioEnv, "", "watch", "--base-url", srv.URL, "--state-file", path, "--rounds", "1")
		b, _ := os.ReadFile(path)
		if r.code != exitUsage || !strings.Contains(r.stderr, path+" is not a watch state file") || string(b) != body ||
			strings.Contains(r.stderr, "+1555") {
			t.Errorf("%q: exit %d\n%s", body, r.code, r.stderr)
		}
	}
	if n := len(srv.seen()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// Ctrl-C between rounds ends the watch with 130, its state saved after
// the last whole round.
func TestWatchCtrlC(t *testing.T) {
	clock := sandbox.NewManualClock(watchT0)
	srv := lifecycleSandbox(t, clock, time.Hour)
	state := filepath.Join(t.TempDir(), "watch.state")
	ctx, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	sleeps := 0
	r := watchCLI(t, ctx, clock, func() {
		if sleeps++; sleeps == 3 {
			cancel(interruption{os.Interrupt})
		}
	}, "--base-url", srv.URL, "--every", "5m", "--state-file", state)
	if r.code != 130 || !strings.HasSuffix(r.stderr, "callsummary: interrupted (interrupt)\n") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if counts := newPerRound(t, r.stdout); len(counts) != 3 {
		t.Errorf("%d round lines before Ctrl-C, want 3:\n%s", len(counts), r.stdout)
	}
	var st watchState
	b, err := os.ReadFile(state)
	if err != nil || wirejson.Unmarshal(b, &st) != nil || st.Rounds != 3 {
		t.Errorf("state after Ctrl-C: %d rounds, %v", st.Rounds, err)
	}
}

// A breach is a line on stderr naming its round and group; the watch
// goes on, and with --rounds ends with 3. The round lines are on stdout.
func TestWatchFailIf(t *testing.T) {
	clock := sandbox.NewManualClock(watchT0)
	srv := lifecycleSandbox(t, clock, 30*time.Minute)
	r := watchCLI(t, t.Context(), clock, nil, "--base-url", srv.URL, "--every", "15m", "--rounds", "3", "--by", "call_type",
		"--fail-if", "calls >= 1", "--fail-if", "p99(duration) > 100000")
	if r.code != exitBreach || !strings.HasSuffix(r.stderr, "callsummary: --fail-if thresholds breached in 3 of 3 rounds\n") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "# Sandbox data, not from Twilio: the sandbox at "+srv.URL+"\n") {
		t.Errorf("stdout does not say the sandbox answered:\n%s", r.stdout)
	}
	counts := newPerRound(t, r.stdout)
	if len(counts) != 3 {
		t.Fatalf("round lines: %v\n%s", counts, r.stdout)
	}
	for i, n := range counts {
		breaches := regexp.MustCompile(fmt.Sprintf(`(?m)^callsummary: round %d: --fail-if 'calls >= 1' breached: \d+ \(call_type=\w+\)$`, i+1)).
			FindAllString(r.stderr, -1)
		if n == 0 || len(breaches) == 0 {
			t.Errorf("round %d: %d calls, breaches %q", i+1, n, breaches)
		}
	}
	if strings.Contains(r.stderr, "p99(duration)") || strings.Contains(r.stderr, "note:") {
		t.Errorf("a threshold not breached or not checked is reported:\n%s", r.stderr)
	}
}

// watch refuses what it cannot honour before any request.
func TestWatchUsageErrors(t *testing.T) {
	srv := newFakeTwilio(t, jsonReply(200, []byte(`{}`)))
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--since", "1d"}, "--since: watch lists the complete summaries"},
		{[]string{"--processing-state", "partial"}, "--processing-state: watch lists"},
		{[]string{"--every", "10m", "--overlap", "5m"}, "--overlap 5m0s is not longer than --every 10m0s"},
		{[]string{"--fail-if", "mos < 3"}, "--fail-if 'mos < 3': mos is one call's figure (fetch) at column 1"},
		{[]string{"--by", "colour"}, `--by "colour"`},
		{[]string{"-o", "csv"}, `invalid argument "csv" for "-o, --output" flag: want one of text, ndjson`},
		{[]string{"extra"}, "watch takes no arguments"},
	} {
		r := runCLI(t, t.Context(), twilioEnv, "", append([]string{"watch", "--base-url", srv.URL}, tt.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d\n%s", tt.args, r.code, r.stderr)
		}
	}
	if n := len(srv.seen()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// Twilio's own host: no more than a round a minute.
	r := runCLI(t, t.Context(), twilioEnv, "", "watch", "--every", "30s", "--overlap", "1h")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--every 30s lists Twilio's window more than once a minute") {
		t.Errorf("--every 30s against Twilio: exit %d\n%s", r.code, r.stderr)
	}
}

// listPage is a page of the Call Summaries list linking to next ("" for
// the last page).
func listPage(next string, summaries ...string) reply {
	link := "null"
	if next != "" {
		link = strconv.Quote(next)
	}
	return jsonReply(200, []byte(`{"meta":{"page":0,"page_size":1000,"first_page_url":null,"previous_page_url":null,"url":null,`+
		`"next_page_url":`+link+`,"key":"call_summaries"},"call_summaries":[`+strings.Join(summaries, ",")+`]}`))
}

func listed(sid, state string, start time.Time) string {
	s := `{"call_type":"carrier","processing_state":"` + state + `","start_time":"` + start.Format(time.RFC3339) + `"`
	if sid != "" {
		s += `,"call_sid":"` + sid + `"`
	}
	return s + "}"
}

// A server that repeats a call within and across pages, lists a partial
// summary, one without a call SID and one from before the window gets
// each complete call of the window reported once. A round whose listing
// fails (a 429 that asks to wait too long) says so and keeps its start,
// so that the next round lists the same window again.
func TestWatchAgainstARepetitiveServerAndAFailedRound(t *testing.T) {
	const (
		a = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		b = "CAbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		d = "CAdddddddddddddddddddddddddddddddd"
		e = "CAeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
		f = "CAffffffffffffffffffffffffffffffff"
	)
	recent, old := watchT0.Add(-30*time.Minute), watchT0.Add(-2*time.Hour)
	srv := newFakeTwilio(t)
	srv.replies = []reply{
		listPage(srv.URL+"/v1/Voice/Summaries?PageToken=two",
			listed(a, "complete", recent), listed(a, "complete", recent), listed(b, "partial", recent),
			listed("", "complete", recent), listed(d, "complete", old)),
		listPage("", listed(a, "complete", recent), listed(e, "complete", recent)),
		{status: 429, body: string(testkit.TwilioError(429, 20429, "Too Many Requests \x1b[2J")), header: map[string]string{"Retry-After": "100000"}},
		listPage("", listed(a, "complete", recent), listed(e, "complete", recent), listed(f, "complete", recent), listed(b, "partial", recent)),
	}
	clock := sandbox.NewManualClock(watchT0)
	var out, errb syncbuf.Buffer
	env := newEnv(strings.NewReader(""), &out, &errb, func(k string) string { return twilioEnv[k] })
	env.now = clock.Now
	env.sleep = func(_ context.Context, d time.Duration) error { clock.Advance(d); return nil }
	code := env.run(t.Context(), []string{"watch", "--base-url", srv.URL, "-o", "ndjson", "--every", "5m", "--overlap", "1h", "--rounds", "3"})
	if code != exitNo || !strings.HasSuffix(errb.String(), "callsummary: the listing failed in 1 of 3 rounds\n") {
		t.Fatalf("exit %d, want 1 and the failed round counted\n%s", code, errb.String())
	}
	got := map[string]bool{}
	reportedSIDs(t, out.String(), got)
	if want := map[string]bool{a: true, e: true, f: true}; len(diff(got, want))+len(diff(want, got)) > 0 {
		t.Errorf("reported %v, want %v", got, want)
	}
	stderr := errb.String()
	for _, line := range []string{
		"round 1: 2 new calls; poor 0%, tagged 0%; 2 listed summaries left out (no call SID, or started before the window)\n",
		"round 2: no new calls (listing cut short)\n",
		"callsummary: round 2: twilio: 429 Too Many Requests (code 20429): Too Many Requests ?[2J;",
		"; the next round lists from the same start\n",
		"round 3: 1 new call; poor 0%, tagged 0%\n",
	} {
		if !strings.Contains(stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, stderr)
		}
	}
	if strings.Contains(stderr, "\x1b") {
		t.Errorf("the server's escape reached stderr:\n%q", stderr)
	}
	// Round 1 lists from t0-1h; round 2 would have moved the start to
	// t0+5m-1h, but failed: round 3 lists from t0-1h again.
	var starts []string
	for _, r := range srv.seen() {
		if q := r.URL.Query(); q.Get("PageToken") == "" {
			starts = append(starts, q.Get("StartTime"))
		}
	}
	floor := watchT0.Add(-time.Hour).Format(time.RFC3339)
	if want := []string{floor, floor, floor}; !slices.Equal(starts, want) {
		t.Errorf("rounds listed from %v, want %v", starts, want)
	}
}

// A round that cannot list is an error even under -q, and fails a watch
// of --rounds N: a cron job must not take a blind watch for a quiet one.
func TestWatchFailedRoundIsAnErrorUnderQuiet(t *testing.T) {
	srv := newFakeTwilio(t, reply{status: 429, body: string(testkit.TwilioError(429, 20429, "Too Many Requests")), header: map[string]string{"Retry-After": "100000"}})
	for _, format := range []string{"text", "ndjson"} {
		r := runCLI(t, t.Context(), twilioEnv, "", "watch", "-q", "-o", format, "--base-url", srv.URL, "--every", "1s", "--overlap", "1h", "--rounds", "1")
		if r.code != exitNo || !strings.Contains(r.stderr, "callsummary: round 1: twilio: 429 Too Many Requests") ||
			!strings.HasSuffix(r.stderr, "callsummary: the listing failed in 1 of 1 rounds\n") {
			t.Errorf("-o %s: exit %d, want 1 and the failure on stderr:\n%s", format, r.code, r.stderr)
		}
	}
}

// A refusal the next round would meet too ends the watch with Twilio's
// advice.
func TestWatchEndsOnARefusal(t *testing.T) {
	srv := newFakeTwilio(t, twilioError(401, 20003, "Authenticate"))
	r := runCLI(t, t.Context(), twilioEnv, "", "watch", "--base-url", srv.URL, "--every", "1s", "--overlap", "1h")
	if r.code != exitNo || !strings.Contains(r.stderr, "Twilio error 20003: check the credentials") || len(srv.seen()) != 1 {
		t.Errorf("exit %d after %d requests\n%s", r.code, len(srv.seen()), r.stderr)
	}
}
