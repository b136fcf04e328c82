package main

import (
	"encoding/csv"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/internal/callreport"
)

var (
	worstRow = regexp.MustCompile(`<td>(\d+)</td><td><a href="#call-(\d+)"><code>([^<]*)</code></a>`)
	chartID  = regexp.MustCompile(`<svg [^>]*id="(chart-[^"]+)"`)
)

// report over the sandbox writes one page with every chart, and its worst
// calls are list --worst's, in the same order, each with its own section.
func TestReportSandbox(t *testing.T) {
	week := weekArgs(t)
	out := filepath.Join(t.TempDir(), "report.html")
	r := runCLI(t, t.Context(), nil, "", append([]string{"report", "-q", "--html", out, "--worst", "7"}, week...)...)
	if r.code != exitOK || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	var ids []string
	for _, m := range chartID.FindAllStringSubmatch(page, -1) {
		ids = append(ids, m[1])
	}
	for _, want := range []string{"chart-dist-mos", "chart-dist-jitter_ms", "chart-dist-packet_loss_pct", "chart-dist-rtt_ms",
		"chart-tags", "chart-poor-over-time", "chart-by-to_carrier", "chart-by-from_carrier", "chart-by-to_country",
		"chart-by-from_country", "chart-by-edge_location", "chart-call-1", "chart-call-7"} {
		if !strings.Contains(strings.Join(ids, " ")+" ", want+" ") {
			t.Errorf("no chart %s; charts: %v", want, ids)
		}
	}

	list := runCLI(t, t.Context(), nil, "", append([]string{"list", "-q", "--worst", "7", "-o", "csv", "--fields", "call_sid"}, week...)...)
	recs, err := csv.NewReader(strings.NewReader(list.stdout)).ReadAll()
	if list.code != exitOK || err != nil || len(recs) != 8 {
		t.Fatalf("list --worst 7: exit %d, %v, %d rows", list.code, err, len(recs))
	}
	rows := worstRow.FindAllStringSubmatch(page, -1)
	if len(rows) != 7 {
		t.Fatalf("%d worst calls in the table, want 7", len(rows))
	}
	for i, row := range rows {
		if row[3] != recs[i+1][0] {
			t.Errorf("worst #%d is %s, list --worst says %s", i+1, row[3], recs[i+1][0])
		}
		if !strings.Contains(page, `<section class="call" id="call-`+row[2]+`"`) {
			t.Errorf("worst #%d links to #call-%s, which the page lacks", i+1, row[2])
		}
	}
	if !strings.Contains(page, "Sandbox data, not from Twilio") {
		t.Error("the page does not say its data is a sandbox's")
	}
}

// A report read from an export counts the same calls as stats does, and
// refuses what mixes the two sources or cannot be read.
func TestReportFilesAndUsage(t *testing.T) {
	week := weekArgs(t)
	dir := t.TempDir()
	ndjson := filepath.Join(dir, "calls.ndjson")
	if r := runCLI(t, t.Context(), nil, "", append([]string{"export", "-q", "--out", ndjson}, week...)...); r.code != exitOK {
		t.Fatalf("export: exit %d\n%s", r.code, r.stderr)
	}
	stats := runCLI(t, t.Context(), nil, "", "stats", "-o", "csv", ndjson)
	calls := strings.Split(strings.Split(stats.stdout, "\n")[1], ",")[0]
	out := filepath.Join(dir, "r.html")
	r := runCLI(t, t.Context(), nil, "", "report", "--html", out, ndjson)
	b, _ := os.ReadFile(out)
	if r.code != exitOK || !strings.Contains(string(b), "<dt>Calls</dt><dd>"+calls+"</dd>") {
		t.Errorf("report of %s calls: exit %d\n%s", calls, r.code, r.stderr)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", ndjson}, "give --html FILE"},
		{[]string{"report", "--html", out, "-"}, "not standard input"},
		{[]string{"report", "--html", out, "--since", "1d", ndjson}, "--since filters the calls listed from Twilio"},
		{[]string{"report", "--html", out, "--sandbox", ndjson}, "FILEs are read from disk"},
		{[]string{"report", "--html", out, "--worst", "1001", "--sandbox"}, "1001"},
		{[]string{"report", "--html", out, filepath.Join(dir, "missing")}, "missing"},
	} {
		r := runCLI(t, t.Context(), nil, "", c.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q:\n%s", c.args, r.code, c.want, r.stderr)
		}
	}
	// A directory that does not exist is a usage error, before the FILEs
	// are read.
	r = runCLI(t, t.Context(), nil, "", "report", "--html", filepath.Join(dir, "no", "such", "dir.html"), ndjson)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--html") || !strings.Contains(r.stderr, "no directory") {
		t.Errorf("unwritable: exit %d\n%s", r.code, r.stderr)
	}
}

// fetch --html writes the page of one call: the same content as the text
// report (the one model both render), the parties masked unless asked.
func TestFetchHTML(t *testing.T) {
	dir := t.TempDir()
	const sid = "CA62608e08adc29a8d6dbc9754e659f125"
	for _, showPII := range []bool{false, true} {
		out := filepath.Join(dir, "call.html")
		args := []string{"fetch", "--sandbox", "-q", "--html", out, sid}
		if showPII {
			args = append(args, "--show-pii")
		}
		r := runCLI(t, t.Context(), nil, "", args...)
		if r.code != exitOK || r.stdout != "" {
			t.Fatalf("exit %d, stdout %q\n%s", r.code, r.stdout, r.stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		page := html.UnescapeString(string(b))
		s := exampleSummary(t, "ClientCall")
		rep := callreport.Build(s, callreport.WithPII(showPII))
		want := []string{rep.CallSID, rep.EdgesTitle, rep.Verdict.Detail, `id="chart-call"`}
		for _, f := range rep.Overview {
			want = append(want, f.Label, f.Value)
		}
		for _, e := range rep.Edges {
			want = append(want, e.Status)
		}
		for _, st := range rep.Streams {
			want = append(want, "<td>"+st.Edge+"</td><td>"+st.Direction+"</td><td>"+st.Codec+"</td><td>"+st.Packets+"</td><td>"+st.Loss+"</td><td>"+st.Jitter)
		}
		for _, tg := range rep.Tags {
			want = append(want, tg.Tag, tg.Explanation)
		}
		for _, w := range want {
			if !strings.Contains(page, w) {
				t.Errorf("show-pii %v: the page lacks %q", showPII, w)
			}
		}
		for _, v := range partyValues(s) {
			if strings.Contains(page, v) != showPII {
				t.Errorf("show-pii %v: the page shows %q: %v", showPII, v, !showPII)
			}
		}
		if fi, err := os.Stat(out); err != nil || (showPII && fi.Mode().Perm() != 0o600) {
			t.Errorf("show-pii %v: mode %v, %v", showPII, fi.Mode(), err)
		}
	}
	r := runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", "--html", filepath.Join(dir, "x.html"), "-o", "json", sid)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--html writes the report as a page") {
		t.Errorf("--html with -o: exit %d\n%s", r.code, r.stderr)
	}
}

// --html never replaces a file that is not an HTML page (an export named
// by mistake), refuses a directory that does not exist, and does so before
// anything is listed; an earlier report is replaced.
func TestReportHTMLDoesNotReplaceOtherFiles(t *testing.T) {
	srv := newFakeTwilio(t, jsonReply(200, []byte(`{}`)))
	dir := t.TempDir()
	export := filepath.Join(dir, "calls.ndjson")
	const data = `{"call_sid":"CA00000000000000000000000000000001"}` + "\n"
	if err := os.WriteFile(export, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"report", "--base-url", srv.URL, "--html", export},
		{"report", "--html", export, dir},
		{"fetch", "--base-url", srv.URL, "--html", export, readmeSID},
		{"report", "--base-url", srv.URL, "--html", dir},
		{"report", "--base-url", srv.URL, "--html", filepath.Join(dir, "no", "such", "r.html")},
		{"fetch", "--base-url", srv.URL, "--html", "", readmeSID},
	} {
		r := runCLI(t, t.Context(), twilioEnv, "", args...)
		if r.code != exitUsage || !strings.HasPrefix(r.stderr, "callsummary: --html") {
			t.Errorf("%v: exit %d, want 2 and an --html error\n%s", args, r.code, r.stderr)
		}
	}
	if b, _ := os.ReadFile(export); string(b) != data {
		t.Errorf("the export was changed: %q", b)
	}
	if n := len(srv.seen()); n != 0 {
		t.Errorf("%d requests sent before the refusal", n)
	}
	page := filepath.Join(dir, "r.html")
	for range 2 { // the second replaces the first
		if r := runCLI(t, t.Context(), nil, "", "report", "-q", "--sandbox", "--html", page); r.code != exitOK {
			t.Fatalf("exit %d\n%s", r.code, r.stderr)
		}
	}
}
