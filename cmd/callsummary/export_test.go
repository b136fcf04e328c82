package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/internal/testkit"
)

// weekArgs point a command at a week of a sandbox's population that stays
// the same across runs: the built-in sandbox anchors its population at the
// second it starts, so two runs of it can differ; this one's clock stands
// still.
func weekArgs(t *testing.T) []string {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Hour)
	clock := sandbox.NewManualClock(now)
	srv := testkit.Start(t, func() (*sandbox.Server, error) { return sandbox.NewServer(sandbox.WithClock(clock.Now)) })
	return []string{"--base-url", srv.URL,
		"--from-time", now.Add(-7 * 24 * time.Hour).Format(time.RFC3339), "--to-time", now.Format(time.RFC3339)}
}

// export -o ndjson writes what list -o ndjson prints: each summary's bytes
// as Twilio sent them, one a line, to a file or to standard output.
func TestExportNDJSONIsTheList(t *testing.T) {
	week := weekArgs(t)
	list := runCLI(t, t.Context(), nil, "", append([]string{"list", "-o", "ndjson"}, week...)...)
	if list.code != exitOK || strings.Count(list.stdout, "\n") < 1000 {
		t.Fatalf("list: exit %d, %d lines\n%s", list.code, strings.Count(list.stdout, "\n"), list.stderr)
	}
	out := filepath.Join(t.TempDir(), "calls.ndjson")
	r := runCLI(t, t.Context(), nil, "", append([]string{"export", "--out", out}, week...)...)
	if r.code != exitOK || r.stdout != "" {
		t.Fatalf("export: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != list.stdout {
		t.Errorf("the export (%d bytes) is not list -o ndjson (%d bytes)", len(got), len(list.stdout))
	}
	n := strings.Count(list.stdout, "\n")
	for _, w := range []string{"exporting from the sandbox at http://127.0.0.1:",
		"exported " + strconv.Itoa(n) + " calls in "} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "\r") || strings.Contains(r.stderr, "\x1b") {
		t.Errorf("a progress bar was drawn on a stderr that is not a terminal: %q", r.stderr)
	}
	if _, err := os.Stat(out + ".export-state"); !os.IsNotExist(err) {
		t.Errorf("the state of a completed export is left behind: %v", err)
	}

	r = runCLI(t, t.Context(), nil, "", append([]string{"export", "-q"}, week...)...)
	if r.code != exitOK || r.stdout != list.stdout || r.stderr != "" {
		t.Errorf("export to stdout: exit %d, %d bytes, stderr %q", r.code, len(r.stdout), r.stderr)
	}
}

// An export stopped by a failure continues, run again, from its last
// committed page: the file is the one an uninterrupted export writes, no
// call twice; then the state is gone.
func TestExportResumes(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Hour)
	clock := sandbox.NewManualClock(now) // the same population in every run
	srv := testkit.Start(t, func() (*sandbox.Server, error) { return sandbox.NewServer(sandbox.WithClock(clock.Now)) })
	window := []string{"--from-time", now.Add(-7 * 24 * time.Hour).Format(time.RFC3339), "--to-time", now.Format(time.RFC3339)}
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	// A proxy that fails every request for a page past the third while
	// broken is set: the export fails there after its retries.
	var broken atomic.Bool
	var pages atomic.Int64
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/Summaries") {
			if n := pages.Add(1); broken.Load() && n > 3 {
				http.Error(w, "proxy down", http.StatusBadGateway)
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	vars := map[string]string{"TWILIO_ACCOUNT_SID": srv.Handler().AccountSID(), "TWILIO_AUTH_TOKEN": srv.Handler().AuthToken()}
	for _, tc := range []struct {
		name, format string
		committed    bool // the failure comes after a commit
	}{
		{exportNDJSON, exportNDJSON, true},
		{exportCSV, exportCSV, true},
		{"parquet", exportParquet, true},
		{"parquet before its first commit", exportParquet, false},
	} {
		format := tc.format
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			args := func(out string) []string {
				a := append([]string{"export", "-o", format, "--out", out, "--base-url", proxy.URL, "--page-size", "100"}, window...)
				if tc.committed && format == exportParquet {
					// Parquet commits a row group's worth at a time: small
					// groups, so that the failure comes after a commit.
					a = append(a, "--row-group-rows", "100")
				}
				return a
			}
			whole := filepath.Join(dir, "whole")
			broken.Store(false)
			if r := runCLI(t, t.Context(), vars, "", args(whole)...); r.code != exitOK {
				t.Fatalf("uninterrupted export: exit %d\n%s", r.code, r.stderr)
			}

			out := filepath.Join(dir, "resumed")
			pages.Store(0)
			broken.Store(true)
			r := runCLI(t, t.Context(), vars, "", args(out)...)
			state := out + ".export-state"
			if format == exportParquet {
				state = filepath.Join(out, "_export-state.json")
			}
			if !tc.committed {
				// Nothing committed: no state, no part a reader would
				// count; the next run starts over.
				if r.code != exitNo || !strings.Contains(r.stderr, "before the first commit: nothing was kept") {
					t.Fatalf("interrupted export: exit %d\n%s", r.code, r.stderr)
				}
				if _, err := os.Stat(state); !os.IsNotExist(err) {
					t.Fatalf("a state without a commit: %v", err)
				}
				if got := callSIDsOf(t, out); len(got) != 0 {
					t.Fatalf("%d calls readable after an export that committed nothing", len(got))
				}
				broken.Store(false)
				if r = runCLI(t, t.Context(), vars, "", args(out)...); r.code != exitOK {
					t.Fatalf("the export run again: exit %d\n%s", r.code, r.stderr)
				}
			} else {
				if r.code != exitNo || !strings.Contains(r.stderr, "run the same command again to continue after the last commit") {
					t.Fatalf("interrupted export: exit %d\n%s", r.code, r.stderr)
				}
				if _, err := os.Stat(state); err != nil {
					t.Fatalf("no state after the failure: %v", err)
				}
				broken.Store(false)
				r = runCLI(t, t.Context(), vars, "", args(out)...)
				if r.code != exitOK || !strings.Contains(r.stderr, "resuming the export recorded in "+state) {
					t.Fatalf("resumed export: exit %d\n%s", r.code, r.stderr)
				}
			}
			if _, err := os.Stat(state); !os.IsNotExist(err) {
				t.Errorf("the state of a completed export is left behind: %v", err)
			}
			if format == exportParquet {
				a, b := callSIDsOf(t, whole), callSIDsOf(t, out)
				if len(a) < 1000 || strings.Join(a, ",") != strings.Join(b, ",") {
					t.Errorf("resumed Parquet export has %d calls, the uninterrupted one %d (or they differ)", len(b), len(a))
				}
				return
			}
			a, _ := os.ReadFile(whole)
			b, _ := os.ReadFile(out)
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Errorf("resumed export (%d bytes) differs from the uninterrupted one (%d)", len(b), len(a))
			}
		})
	}
}

// callSIDsOf reads a Parquet export back, in order.
func callSIDsOf(t *testing.T, dir string) []string {
	t.Helper()
	var sids []string
	for s, err := range fleet.ReadParquet(t.Context(), dir) {
		if err != nil {
			t.Fatal(err)
		}
		sids = append(sids, *s.CallSID)
	}
	return sids
}

func TestExportUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "-o", "parquet", "--sandbox"}, "-o parquet writes a directory of partitions: give --out DIR"},
		{[]string{"export", "--sandbox", "--state-file", "s.json"}, "an export to standard output cannot be resumed"},
		{[]string{"export", "--sandbox", "--out", "x.ndjson", "--pii"}, "--pii is for parquet and csv"},
		{[]string{"export", "--sandbox", "--out", "x.ndjson", "--row-group-rows", "10"}, "--row-group-rows is for -o parquet"},
		{[]string{"export", "-o", "avro", "--sandbox"}, `invalid argument "avro" for "-o, --output" flag`},
		{[]string{"export", "--sandbox", "--page-size", "5000"}, `invalid argument "5000" for "--page-size" flag`},
		{[]string{"export", "--sandbox", "--since", "1d", "--from-time", "2026-11-01T00:00:00Z"}, "--since and --from-time both set"},
		{[]string{"export", "--sandbox", "--out", "x.ndjson", "--append"}, "--append is for -o parquet"},
		{[]string{"export", "--sandbox", "--out", "x.csv", "-o", "csv", "--max-partitions", "5"}, "--max-partitions is for -o parquet"},
		{[]string{"export", "--sandbox", "-o", "parquet", "--out", "d", "--max-partitions", "0"}, `invalid argument "0" for "--max-partitions" flag`},
	} {
		r := runCLI(t, t.Context(), nil, "", c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, r.code, r.stdout, r.stderr, c.want)
		}
	}
	// Nothing is created for a refused command.
	if _, err := os.Stat("x.ndjson"); !os.IsNotExist(err) {
		t.Errorf("a refused export created its output: %v", err)
	}
}

// The progress line on a terminal: calls, pages, rate and elapsed time,
// redrawn at most every redrawEvery, finished with a newline.
func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	b := &progressBar{w: &out, verb: "exporting", now: func() time.Time { return now }}
	b.update(fleet.Progress{Calls: 50, Pages: 1, Elapsed: time.Second})
	now = now.Add(redrawEvery / 2)
	b.update(fleet.Progress{Calls: 100, Pages: 2, Elapsed: 2 * time.Second}) // too soon: not drawn
	now = now.Add(redrawEvery)
	b.update(fleet.Progress{Calls: 150, Pages: 3, Elapsed: 3 * time.Second, Resumed: 20})
	b.update(fleet.Progress{Calls: 160, Pages: 4, Elapsed: 4 * time.Second, Done: true}) // the last: always drawn
	b.end()
	want := "\rexporting: 50 calls, 1 page, 50 calls/s, 1s\x1b[K" +
		"\rexporting: 150 calls, 3 pages, 43 calls/s, 3s (resumed after 20)\x1b[K" +
		"\rexporting: 160 calls, 4 pages, 40 calls/s, 4s, done\x1b[K\n"
	if out.String() != want {
		t.Errorf("bar:\n%q\nwant\n%q", out.String(), want)
	}
	quiet := &progressBar{now: time.Now}
	quiet.update(fleet.Progress{Calls: 1})
	quiet.end() // no writer: nothing, no panic
}

// --out of the wrong kind, and a Parquet export into a directory that
// holds another's parts, are refused before any request.
func TestExportRefusesItsOutput(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "day.ndjson", []byte("{}\n"))
	parts := filepath.Join(dir, "calls")
	if r := runCLI(t, t.Context(), nil, "", "export", "-q", "--sandbox", "--since", "1d", "-o", "parquet", "--out", parts); r.code != exitOK {
		t.Fatalf("first export: exit %d\n%s", r.code, r.stderr)
	}
	n := len(callSIDsOf(t, parts))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "parquet", "--out", file}, "is a file; -o parquet writes a directory"},
		{[]string{"--out", dir}, "is a directory; -o ndjson writes a file"},
		{[]string{"-o", "parquet", "--out", parts}, "already holds"},
	} {
		r := runCLI(t, t.Context(), nil, "", append([]string{"export", "--sandbox", "--since", "1d"}, c.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if got := len(callSIDsOf(t, parts)); got != n {
		t.Errorf("%d calls after the refused export, %d before", got, n)
	}
	r := runCLI(t, t.Context(), nil, "", "export", "-q", "--sandbox", "--since", "1d", "-o", "parquet", "--out", parts, "--append")
	if r.code != exitOK || len(callSIDsOf(t, parts)) <= n {
		t.Errorf("--append: exit %d, %d calls (before: %d)\n%s", r.code, len(callSIDsOf(t, parts)), n, r.stderr)
	}
}

// Summaries of more days than --max-partitions allows: the export is
// refused with the flag to give, and publishes nothing.
func TestExportMaxPartitions(t *testing.T) {
	parts := filepath.Join(t.TempDir(), "calls")
	r := runCLI(t, t.Context(), nil, "", "export", "-q", "--sandbox", "--since", "7d", "-o", "parquet", "--out", parts, "--max-partitions", "1")
	if r.code != exitNo || !strings.Contains(r.stderr, "over the limit of 1") || !strings.Contains(r.stderr, "--max-partitions") {
		t.Fatalf("exit %d, stderr %q; want 1 and the limit", r.code, r.stderr)
	}
	if got := callSIDsOf(t, parts); len(got) != 0 {
		t.Errorf("%d calls published by a refused export", len(got))
	}
	r = runCLI(t, t.Context(), nil, "", "export", "-q", "--sandbox", "--since", "7d", "-o", "parquet", "--out", parts, "--max-partitions", "9")
	if r.code != exitOK || len(callSIDsOf(t, parts)) == 0 {
		t.Errorf("--max-partitions 9: exit %d\n%s", r.code, r.stderr)
	}
}
