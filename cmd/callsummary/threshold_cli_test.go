package main

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// csvRecords reads a command's csv output as maps of column to cell.
func csvRecords(t *testing.T, out string) []map[string]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("csv: %v\n%s", err, out)
	}
	var recs []map[string]string
	for _, row := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			m[h] = row[i]
		}
		recs = append(recs, m)
	}
	return recs
}

func number(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}

// stats --fail-if compares the figures stats prints: a limit just past
// the value breaches, one just short of it does not, and the breach
// line shows the value. stdout is what it is without --fail-if.
func TestStatsFailIfAgainstItsOwnFigures(t *testing.T) {
	week := weekArgs(t)
	plain := runCLI(t, t.Context(), nil, "", append([]string{"stats", "-q", "-o", "csv"}, week...)...)
	if plain.code != exitOK {
		t.Fatalf("exit %d\n%s", plain.code, plain.stderr)
	}
	rec := csvRecords(t, plain.stdout)[0]
	calls, poor := number(t, rec["calls"]), number(t, rec["poor"])
	p90 := number(t, rec["jitter_ms_p90"])
	if poor == 0 || p90 == 0 {
		t.Fatalf("the sandbox's week has no poor call or no jitter: %v", rec)
	}
	share := poor / calls
	tests := []struct {
		expr   string
		breach string // "" for no breach
	}{
		{"share(poor) > " + strconv.FormatFloat(share-1e-9, 'f', -1, 64), "breached: " + apart(share, share-1e-9)},
		{"share(poor) > " + strconv.FormatFloat(share, 'f', -1, 64), ""},
		{"share(poor) >= " + strconv.FormatFloat(100*share, 'f', -1, 64) + "%", "breached: "},
		{"p90(jitter) >= " + rec["jitter_ms_p90"], "breached: " + apart(p90, p90) + " ms"},
		{"p90(jitter_ms) > " + rec["jitter_ms_p90"], ""},
		{"count(poor) == " + rec["poor"], "breached: " + rec["poor"]},
		{"calls < " + rec["calls"], ""},
	}
	for _, tt := range tests {
		r := runCLI(t, t.Context(), nil, "", append([]string{"stats", "-q", "-o", "csv", "--fail-if", tt.expr}, week...)...)
		if r.stdout != plain.stdout {
			t.Errorf("%s: stdout differs from stats without --fail-if", tt.expr)
		}
		switch {
		case tt.breach == "" && (r.code != exitOK || r.stderr != ""):
			t.Errorf("%s: exit %d, want 0\n%s", tt.expr, r.code, r.stderr)
		case tt.breach != "":
			want := "callsummary: --fail-if '" + tt.expr + "' " + tt.breach
			if r.code != exitBreach || !strings.HasPrefix(r.stderr, want) ||
				!strings.HasSuffix(r.stderr, "\ncallsummary: 1 of 1 --fail-if thresholds breached\n") {
				t.Errorf("%s: exit %d, want 3 and a line starting %q:\n%s", tt.expr, r.code, want, r.stderr)
			}
		}
	}
}

// With --by, every group is checked and each breach names its group; a
// group without the figure is noted, not breached; -q keeps the breaches
// and drops the notes.
func TestStatsFailIfByGroup(t *testing.T) {
	week := weekArgs(t)
	plain := runCLI(t, t.Context(), nil, "", append([]string{"stats", "-q", "-o", "csv", "--by", "call_type"}, week...)...)
	if plain.code != exitOK {
		t.Fatalf("exit %d\n%s", plain.code, plain.stderr)
	}
	var breached, unmeasured []string
	for _, rec := range csvRecords(t, plain.stdout) {
		switch {
		case rec["mos_n"] == "0":
			unmeasured = append(unmeasured, "call_type="+rec["call_type"])
		case number(t, rec["mos_p50"]) < 4.3:
			breached = append(breached, "call_type="+rec["call_type"])
		}
	}
	if len(unmeasured) == 0 {
		t.Fatal("every call type has MOS: the test needs one without")
	}
	args := append([]string{"stats", "-o", "csv", "--by", "call_type", "--fail-if", "p50(mos) < 4.3", "--fail-if", "calls < 0"}, week...)
	r := runCLI(t, t.Context(), nil, "", args...)
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	var got []string
	for _, l := range lines {
		if strings.Contains(l, "breached: ") {
			got = append(got, l[strings.LastIndex(l, "(")+1:len(l)-1])
		}
	}
	if strings.Join(got, " ") != strings.Join(breached, " ") {
		t.Errorf("breaches in %v, want %v:\n%s", got, breached, r.stderr)
	}
	wantExit := exitOK
	if len(breached) > 0 {
		wantExit = exitBreach
	}
	note := "callsummary: note: --fail-if 'p50(mos) < 4.3' not checked: not measured for " + strings.Join(unmeasured, "; ")
	if r.code != wantExit || !strings.Contains(r.stderr, note+"\n") {
		t.Errorf("exit %d, want %d and the note %q:\n%s", r.code, wantExit, note, r.stderr)
	}
	quiet := runCLI(t, t.Context(), nil, "", append([]string{"-q"}, args...)...)
	if quiet.code != r.code || strings.Contains(quiet.stderr, "note:") || strings.Count(quiet.stderr, "breached: ") != len(breached) {
		t.Errorf("-q: exit %d\n%s", quiet.code, quiet.stderr)
	}
}

// A bad expression is a usage error before any request, quoting it.
func TestFailIfBadExpressionSendsNothing(t *testing.T) {
	srv := newFakeTwilio(t, jsonReply(200, []byte(`{}`)))
	for _, args := range [][]string{
		{"stats", "--base-url", srv.URL, "--fail-if", "p90(jitter) > 30", "--fail-if", "p100(jitter) > 30"},
		{"fetch", "--base-url", srv.URL, readmeSID, "--fail-if", "p100(jitter) > 30"},
		{"report", "--base-url", srv.URL, "--html", filepath.Join(t.TempDir(), "r.html"), "--fail-if", "p100(jitter) > 30"},
	} {
		r := runCLI(t, t.Context(), twilioEnv, "", args...)
		want := "callsummary: --fail-if 'p100(jitter) > 30': unknown function p100 at column 1 ("
		if r.code != exitUsage || r.stdout != "" || !strings.HasPrefix(r.stderr, want) {
			t.Errorf("%v: exit %d, stdout %q\n%s", args, r.code, r.stdout, r.stderr)
		}
	}
	if n := len(srv.seen()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	// An expression the terminal would act on is shown inert.
	r := runCLI(t, t.Context(), nil, "", "stats", "--sandbox", "--fail-if", "mos\x1b]0;x\x07 < 3")
	if r.code != exitUsage || strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// Group values are the server's: a breach line shows them sanitized.
func TestFailIfBreachLineIsSanitized(t *testing.T) {
	path := filepath.Join(t.TempDir(), "calls.ndjson")
	body := `{"call_sid":"CA00000000000000000000000000000001","call_type":"carrier","processing_state":"complete","from":{"carrier":"Evil\u001b]0;pwned\u0007\u202e Co"},"tags":["high_jitter"]}` + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, t.Context(), nil, "", "stats", "--by", "from_carrier", "--fail-if", "share(high_jitter) > 0", path)
	want := "callsummary: --fail-if 'share(high_jitter) > 0' breached: 1 (from_carrier=Evil?]0;pwned?? Co)\n"
	if r.code != exitBreach || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("exit %d\n%q\nwant prefix %q", r.code, r.stderr, want)
	}
}

// fetch --fail-if reads the figures list shows in the call's row (rounded
// there: the limits bracket the rounding), after the report, whatever
// the output format.
func TestFetchFailIfUsesTheListRow(t *testing.T) {
	row := runCLI(t, t.Context(), nil, "", "fetch", "-q", "--sandbox", readmeSID, "-o", "csv")
	if row.code != exitOK {
		t.Fatalf("exit %d\n%s", row.code, row.stderr)
	}
	rec := csvRecords(t, row.stdout)[0]
	mos, loss, jitter := number(t, rec["mos"]), number(t, rec["loss_pct"]), number(t, rec["jitter_ms"])
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	tests := []struct {
		expr   string
		breach bool
	}{
		{"mos < " + f(mos+0.006), true},
		{"mos < " + f(mos-0.006), false},
		{"loss > " + f(loss-0.006) + "%", true},
		{"loss > " + f(loss+0.006), false},
		{"jitter >= " + f(jitter-0.06), true},
		{"jitter > " + f((jitter+0.06)/1000) + "s", false},
		{"verdict == " + rec["verdict"], true},
		{"verdict != " + rec["verdict"], false},
		{"tag(" + strings.Split(rec["tags"], ",")[0] + ")", true},
		{"tag(silence)", strings.Contains(rec["tags"], "silence")},
	}
	for _, tt := range tests {
		for _, format := range []string{"text", "json"} {
			r := runCLI(t, t.Context(), nil, "", "fetch", "-q", "--sandbox", readmeSID, "-o", format, "--fail-if", tt.expr)
			plain := runCLI(t, t.Context(), nil, "", "fetch", "-q", "--sandbox", readmeSID, "-o", format)
			if r.stdout != plain.stdout {
				t.Errorf("%s -o %s: stdout differs from fetch without --fail-if", tt.expr, format)
			}
			switch {
			case tt.breach && (r.code != exitBreach || !strings.HasPrefix(r.stderr, "callsummary: --fail-if '"+tt.expr+"' breached: ")):
				t.Errorf("%s: exit %d, want 3\n%s", tt.expr, r.code, r.stderr)
			case !tt.breach && (r.code != exitOK || r.stderr != ""):
				t.Errorf("%s: exit %d, want 0\n%s", tt.expr, r.code, r.stderr)
			}
		}
	}
	// A figure the call does not have is not checked, and said so.
	r := runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", "CAd45ec3c4af38967de454f9e45bb1cef4", "--fail-if", "mos < 5")
	if r.code != exitOK || !strings.Contains(r.stderr, "callsummary: note: --fail-if 'mos < 5' not checked: not measured\n") {
		t.Errorf("a carrier call without MOS: exit %d\n%s", r.code, r.stderr)
	}
}

// help fail-if is the grammar; each command's help points at it.
func TestFailIfHelp(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "help", "fail-if")
	for _, want := range []string{"EXPR   = FIGURE OP NUMBER [UNIT]", "share(poor) > 5% is share(poor) > 0.05",
		"loss > 5% and loss > 5 are the same", "3 a threshold breached"} {
		if r.code != exitOK || !strings.Contains(r.stdout, want) {
			t.Errorf("help fail-if: exit %d, no %q", r.code, want)
		}
	}
	for _, cmd := range []string{"stats", "fetch", "watch"} {
		r := runCLI(t, t.Context(), nil, "", cmd, "--help")
		if !strings.Contains(r.stdout, "--fail-if threshold") || !strings.Contains(r.stdout, "callsummary help fail-if") ||
			!strings.Contains(r.stdout, "3 a --fail-if threshold breached") {
			t.Errorf("%s --help does not document --fail-if and exit 3", cmd)
		}
	}
}

// A breach line names a group by the server's value: one that echoes
// the credential is redacted there as in the output it follows.
func TestFailIfBreachLineIsRedacted(t *testing.T) {
	token := twilioEnv["TWILIO_AUTH_TOKEN"]
	body := summaryWith(t, []any{"from", "carrier", "carrier-" + token},
		[]any{"start_time", time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)})
	l := newFakeListOf(t, body)
	for _, args := range [][]string{
		{"stats", "--by", "from_carrier", "--base-url", l.URL, "--fail-if", "calls >= 1"},
		{"watch", "--by", "from_carrier", "--base-url", l.URL, "--fail-if", "calls >= 1", "--every", "1m", "--rounds", "1"},
	} {
		r := runCLI(t, t.Context(), twilioEnv, "", args...)
		if r.code != exitBreach || !strings.Contains(r.stderr, "--fail-if 'calls >= 1' breached: 1 (from_carrier=carrier-[REDACTED])\n") ||
			strings.Contains(r.stderr, token) {
			t.Errorf("%v: exit %d\n%s", args[0], r.code, r.stderr)
		}
	}
}

// An error outranks a breach: a summary that breaks the document under
// --validate fails with 1, its thresholds unchecked; without --validate
// the same summary breaches with 3.
func TestFetchValidateOutranksFailIf(t *testing.T) {
	body := strings.Replace(string(example(t, "ClientCall")), `"call_type":"client"`, `"call_type":"pstn"`, 1)
	f := newFakeTwilio(t, reply{status: 200, body: body})
	for _, c := range []struct {
		flags []string
		code  int
	}{
		{[]string{"--validate"}, exitNo},
		{nil, exitBreach},
	} {
		args := append([]string{"fetch", "-q", "--base-url", f.URL, readmeSID, "--fail-if", "verdict == poor"}, c.flags...)
		r := runCLI(t, t.Context(), twilioEnv, "", args...)
		if r.code != c.code || strings.Contains(r.stderr, "breached") != (c.code == exitBreach) {
			t.Errorf("%v: exit %d, want %d\n%s", c.flags, r.code, c.code, r.stderr)
		}
	}
}

// report --fail-if checks every call of the page as one group, as stats
// without --by does: the same thresholds breach, with the same values,
// and the page is written either way.
func TestReportFailIfAgreesWithStats(t *testing.T) {
	week := weekArgs(t)
	thresholds := []string{"--fail-if", "share(poor) > 1%", "--fail-if", "p90(jitter) > 1000", "--fail-if", "calls >= 1", "--fail-if", "p50(mos) < 1"}
	stats := runCLI(t, t.Context(), nil, "", append(append([]string{"stats", "-q", "-o", "csv"}, week...), thresholds...)...)
	out := filepath.Join(t.TempDir(), "r.html")
	report := runCLI(t, t.Context(), nil, "", append(append([]string{"report", "-q", "--html", out}, week...), thresholds...)...)
	if stats.code != exitBreach || report.code != exitBreach {
		t.Fatalf("exit %d (stats), %d (report), want 3\n%s\n%s", stats.code, report.code, stats.stderr, report.stderr)
	}
	if report.stderr != stats.stderr || !strings.Contains(report.stderr, "2 of 4 --fail-if thresholds breached") {
		t.Errorf("report's breaches differ from stats':\n%s\nstats:\n%s", report.stderr, stats.stderr)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		t.Errorf("no page written on a breach: %v", err)
	}
	ok := runCLI(t, t.Context(), nil, "", append([]string{"report", "-q", "--html", out, "--fail-if", "calls < 1"}, week...)...)
	if ok.code != exitOK || ok.stderr != "" {
		t.Errorf("nothing breached: exit %d\n%s", ok.code, ok.stderr)
	}
}

// p10(mos), the low tail where MOS's bad calls are, is read from the
// statistics' sketch: within the sketch's 1% of the exact 10th
// percentile of the calls' MOS as list shows it (each call's lowest
// average MOS of any stream), the rank ⌈0.1·n⌉ as stats defines it.
func TestStatsFailIfLowTailOfMOS(t *testing.T) {
	week := weekArgs(t)
	list := runCLI(t, t.Context(), nil, "", append([]string{"list", "-q", "-n", "0", "-o", "csv", "--fields", "mos"}, week...)...)
	var mos []float64
	for _, rec := range csvRecords(t, list.stdout) {
		if rec["mos"] != "" && rec["mos"] != "-" {
			mos = append(mos, number(t, rec["mos"]))
		}
	}
	if len(mos) < 50 {
		t.Fatalf("%d calls with MOS in the sandbox's week", len(mos))
	}
	slices.Sort(mos)
	exact := mos[int(math.Ceil(0.1*float64(len(mos))))-1]
	r := runCLI(t, t.Context(), nil, "", append([]string{"stats", "-q", "-o", "csv", "--fail-if", "p10(mos) < 5"}, week...)...)
	_, after, ok := strings.Cut(r.stderr, "breached: ")
	if r.code != exitBreach || !ok {
		t.Fatalf("exit %d, want 3 and a breach:\n%s", r.code, r.stderr)
	}
	got := number(t, strings.Fields(after)[0])
	// The breach shows three significant digits: allow their rounding too.
	if math.Abs(got-exact) > 0.01*exact+0.005 {
		t.Errorf("p10(mos) = %v, the exact 10th percentile of %d calls is %v", got, len(mos), exact)
	}
	if ok := runCLI(t, t.Context(), nil, "", append([]string{"stats", "-q", "--fail-if", "p10(mos) < " + strconv.FormatFloat(exact*0.95, 'f', 2, 64)}, week...)...); ok.code != exitOK {
		t.Errorf("a limit under the low tail: exit %d\n%s", ok.code, ok.stderr)
	}
}
