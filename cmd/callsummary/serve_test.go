package main

import (
	"context"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
)

var listening = regexp.MustCompile(`^Sandbox listening on (http://[0-9.]+:\d+)\n`)

// waitForURL polls serve's stdout until its banner is complete (it is
// written line by line, and the URL comes first) and returns the URL.
func waitForURL(t *testing.T, out *lockedBuffer, done <-chan int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		banner := out.String()
		if m := listening.FindStringSubmatch(banner); m != nil && strings.Contains(banner, "Press Ctrl-C to stop.\n") {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before listening:\n%s", code, out.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("serve printed no URL:\n%s", out.String())
	return ""
}

// startServe runs serve on a free loopback port until the test ends, and
// returns its URL and a function that stops it and reports how it exited.
func startServe(t *testing.T, flags ...string) (url string, banner string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var out, errb lockedBuffer
	done := make(chan int, 1)
	args := append([]string{"serve"}, flags...)
	if !strings.Contains(strings.Join(flags, " "), "--addr") {
		args = append(args, "--addr", "127.0.0.1:0")
	}
	go func() {
		done <- run(ctx, args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	}()
	url = waitForURL(t, &out, done)
	stopped := false
	stop = func() (int, string) {
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code, errb.String()
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop when its context was cancelled")
			return -1, ""
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return url, out.String(), stop
}

// serve on port 0 prints its URL, credentials and calls, answers fetch
// (with no credentials set, fetch sends the sandbox's), and stops when
// its context is cancelled.
func TestServe(t *testing.T) {
	url, banner, stop := startServe(t)
	for _, w := range []string{
		"Account SID  " + sandbox.AccountSID,
		"Auth Token   " + sandbox.AuthToken,
		readmeSID + "  client",
		"curl -u " + sandbox.AccountSID + ":" + sandbox.AuthToken + " " + url + "/v1/Voice/",
		"callsummary fetch --base-url " + url + " ",
	} {
		if !strings.Contains(banner, w) {
			t.Errorf("banner lacks %q:\n%s", w, banner)
		}
	}
	if strings.Contains(banner, "Lifecycle") || strings.Contains(banner, "Faults") {
		t.Errorf("banner announces a mode that is off:\n%s", banner)
	}

	h, err := sandbox.NewHandler()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := h.Fixture(readmeSID, gen.ProcessingStateComplete)
	r := runCLI(t, t.Context(), nil, "", "fetch", "--json", "--base-url", url, readmeSID)
	if r.code != exitOK || r.stdout != string(want) {
		t.Errorf("fetch --json from serve: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", "--base-url", url, readmeSID)
	if r.code != exitOK {
		t.Fatalf("fetch from serve: exit %d: %s", r.code, r.stderr)
	}
	report, ok := strings.CutPrefix(r.stdout, "Sandbox data, not from Twilio: the sandbox at "+url+"\n\n")
	if !ok {
		t.Errorf("the report does not say a sandbox answered:\n%s", r.stdout)
	}
	golden(t, "report_client.golden", report)

	code, stderr := stop()
	if code != exitOK || !strings.Contains(stderr, "callsummary: sandbox stopped") {
		t.Errorf("serve: exit %d, stderr %q", code, stderr)
	}
	// Each request is logged: method, path, status, duration; no query.
	logged := regexp.MustCompile(`(?m)^time=\S+ msg="sandbox request" method=GET path=/v1/Voice/` + readmeSID + `/Summary status=200 fault=none elapsed=\S+ request_id=RQ[0-9a-f]{32}$`)
	if n := len(logged.FindAllString(stderr, -1)); n != 2 {
		t.Errorf("%d request lines, want 2:\n%s", n, stderr)
	}
	if r = runCLI(t, t.Context(), nil, "", "fetch", "--base-url", url, readmeSID); r.code != exitNo {
		t.Errorf("fetch after serve stopped: exit %d", r.code)
	}
}

// In lifecycle mode every call has just ended: fetch says 20404 at first,
// and fetch --wait sees the partial summary, then the complete one. The
// seed call is the sample with both.
func TestServeLifecycle(t *testing.T) {
	const sid = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	url, banner, _ := startServe(t, "--lifecycle", "--partial-after", "1s", "--complete-after", "2500ms")
	if !strings.Contains(banner, "Lifecycle mode: every call ended now; partial summaries in 1s, complete ones in 2.5s") {
		t.Errorf("banner:\n%s", banner)
	}
	if r := runCLI(t, t.Context(), nil, "", "fetch", "--base-url", url, sid); r.code != exitNo || !strings.Contains(r.stderr, "20404") {
		t.Errorf("fetch before the partial summary: exit %d\n%s", r.code, r.stderr)
	}
	r := runCLI(t, t.Context(), nil, "", "fetch", "--wait", "--poll-interval", "50ms", "--base-url", url, sid)
	if r.code != exitOK || !strings.Contains(r.stdout, "Processing state   complete") {
		t.Fatalf("fetch --wait: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range []string{"summary not available yet; next poll in", "summary still partial; next poll in",
		"partial summary: edges none; missing carrier_edge; tags tags"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("progress lacks %q:\n%s", w, r.stderr)
		}
	}
}

// With --fault-rate 1 every request fails transiently; the banner says so.
func TestServeFaults(t *testing.T) {
	url, banner, _ := startServe(t, "--fault-rate", "1", "--fault-seed", "7")
	if !strings.Contains(banner, "Faults: 1 of requests fail") {
		t.Errorf("banner:\n%s", banner)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 8 {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/v1/Voice/"+readmeSID+"/Summary", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.SetBasicAuth(sandbox.AccountSID, sandbox.AuthToken)
		resp, err := client.Do(req)
		if err != nil {
			continue // a reset: one of the faults
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
			t.Errorf("request %d: %s, want a fault", i, resp.Status)
		}
	}
}

func TestServeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "extra"},
		{"serve", "--fault-rate", "1.5"},
		{"serve", "--fault-rate", "NaN"},
		{"serve", "--fault-rate", "nan"},
		{"serve", "--fault-rate", "-0.1"},
		{"serve", "--fault-rate", "+Inf"},
		{"serve", "--lifecycle", "--partial-after", "2m", "--complete-after", "1m"},
		{"serve", "--partial-after", "0s"},
	} {
		r := runCLI(t, t.Context(), nil, "", args...)
		if r.code != exitUsage || r.stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
		if strings.HasPrefix(args[1], "--fault-rate") && !strings.Contains(r.stderr, `for "--fault-rate" flag: want a number from 0 to 1`) {
			t.Errorf("%q: stderr %q", args, r.stderr)
		}
	}
}

// The request log leaves out the query (From and To are phone numbers);
// -q stops it.
func TestServeRequestLog(t *testing.T) {
	for _, quiet := range []bool{false, true} {
		var flags []string
		if quiet {
			flags = []string{"-q"}
		}
		url, _, stop := startServe(t, flags...)
		r := runCLI(t, t.Context(), nil, "", "list", "--base-url", url, "--from", "+14155550143", "-n", "1", "-o", "ndjson")
		if r.code != exitOK {
			t.Fatalf("list: exit %d %s", r.code, r.stderr)
		}
		_, stderr := stop()
		switch {
		case strings.Contains(stderr, "4155550143") || strings.Contains(stderr, "From="):
			t.Errorf("the log shows the query:\n%s", stderr)
		case !quiet && !strings.Contains(stderr, `msg="sandbox request" method=GET path=/v1/Voice/Summaries status=200`):
			t.Errorf("no request line:\n%s", stderr)
		case quiet && stderr != "":
			t.Errorf("-q: stderr %q", stderr)
		}
	}
}

// serve warns when it listens beyond loopback: its credentials are public.
func TestServeWarnsBeyondLoopback(t *testing.T) {
	_, _, stop := startServe(t, "--addr", "0.0.0.0:0", "-q")
	_, stderr := stop()
	if !regexp.MustCompile(`^callsummary: warning: serve listens on (0\.0\.0\.0|\[::\]):\d+, beyond loopback: anyone who can connect can use the sandbox's public credentials\n$`).MatchString(stderr) {
		t.Errorf("stderr %q", stderr)
	}
	_, _, stop = startServe(t, "-q")
	if _, stderr := stop(); stderr != "" {
		t.Errorf("a warning on loopback: %q", stderr)
	}
}

// An annotation set through serve shows in fetch of the same call, for a
// fixture whose summary is otherwise served byte for byte.
func TestServeAnnotationShowsInFetch(t *testing.T) {
	url, _, _ := startServe(t, "-q")
	before := runCLI(t, t.Context(), nil, "", "fetch", "--base-url", url, "-o", "json", "CA67d894ec58cb5185cbf2afff2e778203")
	if !strings.Contains(before.stdout, `"annotation": null`) {
		t.Fatalf("the fixture has an annotation already:\n%s", before.stdout)
	}
	r := runCLI(t, t.Context(), nil, "", "annotate", "--base-url", url, "CA67d894ec58cb5185cbf2afff2e778203", "--score", "4", "--issue", "echo")
	if r.code != exitOK {
		t.Fatalf("annotate: exit %d %s", r.code, r.stderr)
	}
	after := runCLI(t, t.Context(), nil, "", "fetch", "--base-url", url, "-o", "json", "CA67d894ec58cb5185cbf2afff2e778203")
	if !strings.Contains(after.stdout, `"annotation": {"account_sid":"ACe268443e43d93dab7ebef303bbe9642f","call_sid":"CA67d894ec58cb5185cbf2afff2e778203","quality_issues":["echo"],"call_score":4,`) {
		t.Errorf("fetch does not show the annotation:\n%s", after.stdout)
	}
	report := runCLI(t, t.Context(), nil, "", "fetch", "--base-url", url, "CA67d894ec58cb5185cbf2afff2e778203")
	if !strings.Contains(report.stdout, "  Annotation         score 4/5; quality issues echo\n") {
		t.Errorf("the report does not show the annotation:\n%s", report.stdout)
	}
}

func TestServeAddressInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := runCLI(t, t.Context(), nil, "", "serve", "--addr", l.Addr().String())
	if r.code != exitNo || !strings.Contains(r.stderr, "address already in use") || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
