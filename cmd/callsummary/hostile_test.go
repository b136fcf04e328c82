package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// summaryWith is the document's ClientCall example with the members set
// (a path of keys, then the value), encoded again.
func summaryWith(t *testing.T, sets ...[]any) []byte {
	t.Helper()
	var m map[string]any
	if err := wirejson.Unmarshal(example(t, "ClientCall"), &m); err != nil {
		t.Fatal(err)
	}
	for _, set := range sets {
		obj := m
		for _, k := range set[:len(set)-2] {
			obj = obj[k.(string)].(map[string]any)
		}
		obj[set[len(set)-2].(string)] = set[len(set)-1]
	}
	b, err := wirejson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// terminalSafe fails if text could drive a terminal: an escape or other
// control character (C0 or C1) but the newline, or a line a server forged.
func terminalSafe(t *testing.T, what, text string, verdicts int) {
	t.Helper()
	for _, r := range text {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Errorf("%s holds control character %U:\n%q", what, r, text)
			return
		}
	}
	if n := strings.Count(text, "\nVerdict") + strings.Count(text, "\nRun '"); n != verdicts {
		t.Errorf("%s has %d lines starting Verdict or Run, want %d:\n%s", what, n, verdicts, text)
	}
}

// Every string a server sends reaches the terminal through the sanitizer:
// escape sequences cannot retitle the window or clear the screen, and a
// forged newline cannot add a row such as a fake verdict. -o json and
// ndjson stay byte-exact.
func TestServerStringsAreMadePrintable(t *testing.T) {
	forged := "\r\nVerdict: good"
	body := summaryWith(t,
		[]any{"call_type", "client\x1b]0;pwned\x07"},
		[]any{"call_state", "completed\x1b[2J"},
		[]any{"answered_by", "human\u009b31m"},
		[]any{"properties", "direction", "inbound" + forged},
		[]any{"properties", "disconnected_by", "caller\x1b[31m"},
		[]any{"from", "carrier", "AT&T\x1b[2J" + forged},
		[]any{"from", "connection", "mobile\u009b31m"},
		[]any{"client_edge", "properties", "edge_location", "ashburn\x1b[1A"},
		[]any{"sdk_edge", "metrics", "inbound", "codec_name", "opus\x1b[1A"},
		[]any{"tags", []any{"low_mos", "new\x1b[2Jtag" + forged}},
		[]any{"annotation", "incident", "INC\x1b]0;x\x07" + forged},
		[]any{"annotation", "quality_issues", []any{"echo\x1b[5m"}},
	)
	f := newFakeTwilio(t, reply{status: 200, body: string(body)})
	r := runCLI(t, t.Context(), twilioEnv, "", "fetch", "--show-pii", "--base-url", f.URL, readmeSID)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	terminalSafe(t, "the report", r.stdout, 1)
	for _, w := range []string{"Call type          client?]0;pwned? (unknown)", "Disconnected by    caller?[31m", "opus?[1A", "new?[2Jtag??Verdict: good"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("the report lacks %q:\n%s", w, r.stdout)
		}
	}
	for _, format := range []string{"json", "ndjson"} {
		r = runCLI(t, t.Context(), twilioEnv, "", "fetch", "-o", format, "--base-url", f.URL, readmeSID)
		if r.code != exitOK || strings.TrimSuffix(r.stdout, "\n") != string(body) {
			t.Errorf("-o %s is not the bytes received:\n%s", format, r.stdout)
		}
	}

	l := newFakeList(t, 0, 2)
	l.items = [][]byte{body, body}
	for _, format := range []string{"text", "csv"} {
		r = runCLI(t, t.Context(), twilioEnv, "", "list", "--show-pii", "--base-url", l.URL, "-o", format, "--fields", "call_sid,type,state,direction,from,to,tags")
		if r.code != exitOK {
			t.Fatalf("list -o %s: exit %d: %s", format, r.code, r.stderr)
		}
		terminalSafe(t, "list -o "+format, r.stdout, 0)
		if n := strings.Count(r.stdout, "\n"); n != 3 {
			t.Errorf("list -o %s: %d lines, want a header and 2 rows:\n%s", format, n, r.stdout)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil || len(recs) != 3 || recs[1][1] != "client?]0;pwned?" {
		t.Errorf("csv: %v %q", err, recs)
	}

	r = runCLI(t, t.Context(), twilioEnv, "", "annotate", "--base-url", f.URL, readmeSID)
	terminalSafe(t, "annotate", r.stdout, 0)
}

// Twilio's error message and more_info reach stderr printable: no escape,
// no forged line.
func TestAPIErrorIsMadePrintable(t *testing.T) {
	body := `{"code":20404,"message":"Not found\u001b]0;pwned\u0007\r\nVerdict: good\nRun 'rm -rf'","more_info":"https://x\u001b[2J","status":404}`
	f := newFakeTwilio(t, reply{status: 404, body: body})
	for _, args := range [][]string{
		{"fetch", "--base-url", f.URL, readmeSID},
		{"list", "--base-url", f.URL},
		{"annotate", "--base-url", f.URL, readmeSID},
		{"fetch", "-v", "--base-url", f.URL, readmeSID},
	} {
		r := runCLI(t, t.Context(), twilioEnv, "", args...)
		if r.code != exitNo || !strings.Contains(r.stderr, "Not found?]0;pwned?") || !strings.Contains(r.stderr, "https://x?[2J") {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		terminalSafe(t, strings.Join(args[:1], " ")+" stderr", r.stderr, 0)
	}
}

// Values Twilio may add (a call type, a processing state, a tag, a
// direction this version does not know) never make the report misbehave:
// they show as unknown, nothing panics, and --wait does not loop on a
// state it cannot wait for.
func TestUnknownValuesFromTwilio(t *testing.T) {
	body := summaryWith(t,
		[]any{"call_type", "pstn"},
		[]any{"call_state", "teleported"},
		[]any{"answered_by", "robot"},
		[]any{"processing_state", "final"},
		[]any{"properties", "direction", "sideways"},
		[]any{"tags", []any{"new_tag", "low_mos"}},
	)
	f := newFakeTwilio(t, reply{status: 200, body: string(body)})
	r := runCLI(t, t.Context(), twilioEnv, "", "fetch", "--base-url", f.URL, readmeSID)
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, w := range []string{"Call type          pstn (unknown)", "Call state         teleported (unknown)", "Answered by        robot (unknown)",
		"Processing state   final (unknown)", "Direction          sideways (unknown)", "Edges (Twilio documents none for a pstn (unknown) call)",
		`new_tag  "new_tag" is not a tag documented by Twilio`, "Verdict: poor: worst stream sdk_edge inbound"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("the report lacks %q:\n%s", w, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "Partial summary") {
		t.Errorf("an unknown state is reported as partial:\n%s", r.stdout)
	}
	r = runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", newFakeListOf(t, body).URL, "--fields", "type,state,direction,processing,verdict,tags")
	if r.code != exitOK || !strings.Contains(r.stdout, "pstn (?)  teleport…  sideways (?)          final (?)   poor     new_tag,low_mos\n") {
		t.Errorf("list: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, t.Context(), twilioEnv, "", "list", "--base-url", newFakeListOf(t, body).URL, "-o", "csv", "--fields", "type,processing", "--no-header")
	if r.code != exitOK || r.stdout != "pstn,final\n" {
		t.Errorf("list -o csv: exit %d %q", r.code, r.stdout)
	}

	// --wait stops at a state it cannot wait for, prints what came, and
	// fails: one request, not a loop.
	for _, state := range []any{"final", nil} {
		f := newFakeTwilio(t, reply{status: 200, body: string(summaryWith(t, []any{"processing_state", state}))})
		r := runCLI(t, t.Context(), twilioEnv, "", "fetch", "--wait", "--poll-interval", "5ms", "--base-url", f.URL, readmeSID)
		if r.code != exitNo || !strings.Contains(r.stdout, "Verdict:") || !strings.Contains(r.stderr, "stopped waiting: Twilio sent processing_state") {
			t.Errorf("%v: exit %d\n%s%s", state, r.code, r.stdout, r.stderr)
		}
		if n := len(f.seen()); n != 1 {
			t.Errorf("%v: %d requests, want 1", state, n)
		}
	}

	// A value that does not fit its type is left out and said so, by
	// pointer, never by value.
	f = newFakeTwilio(t, reply{status: 200, body: string(summaryWith(t, []any{"duration", "509 seconds"}))})
	r = runCLI(t, t.Context(), twilioEnv, "", "fetch", "--base-url", f.URL, readmeSID)
	if r.code != exitOK || !strings.Contains(r.stdout, "Not understood: 1 value that did not fit this version's types, shown as missing\n  /duration  ") ||
		!strings.Contains(r.stdout, "Duration           -\n") || strings.Contains(r.stdout, "509 seconds") {
		t.Errorf("exit %d\n%s", r.code, r.stdout)
	}
}

// newFakeListOf serves bodies as one page.
func newFakeListOf(t *testing.T, bodies ...[]byte) *fakeList {
	l := newFakeList(t, 0, len(bodies))
	l.items = bodies
	return l
}

// A proxy that echoes the credential into a field of a successful
// response does not get it onto the terminal: text, csv and HTML output
// are redacted as errors are; the formula a spreadsheet would run is quoted.
func TestEchoedCredentialAndFormulasInOutput(t *testing.T) {
	token := twilioEnv["TWILIO_AUTH_TOKEN"]
	basic := basicAuth(twilioEnv["TWILIO_ACCOUNT_SID"], token)
	body := summaryWith(t,
		[]any{"from", "carrier", "carrier-" + token},
		[]any{"to", "carrier", "=cmd|' /C calc'!A0"},
		[]any{"tags", []any{"low_mos", "tag-" + basic}},
		[]any{"annotation", "incident", "Basic " + basic},
	)
	f := newFakeTwilio(t, reply{status: 200, body: string(body)})
	l := newFakeList(t, 0, 2)
	l.items = [][]byte{body}
	// An export keeps the bytes as they came: what reads it redacts.
	export := filepath.Join(t.TempDir(), "calls.ndjson")
	if err := os.WriteFile(export, append(slices.Clip(body), '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"stats", "--by", "from_carrier", export},
		{"stats", "--by", "from_carrier", "--fail-if", "calls > 0", export},
		{"report", "--html", "-", export},
		{"fetch", "--base-url", f.URL, readmeSID},
		{"fetch", "-o", "csv", "--base-url", f.URL, readmeSID},
		{"annotate", "--base-url", f.URL, readmeSID},
		{"list", "--base-url", l.URL, "--fields", "call_sid,tags"},
		{"list", "-o", "csv", "--show-pii", "--base-url", l.URL},
		{"stats", "--by", "from_carrier", "--base-url", l.URL},
		{"stats", "--by", "to_carrier", "-o", "csv", "--base-url", l.URL},
		{"export", "-o", "csv", "--base-url", l.URL},
		{"fetch", "--html", "-", "--base-url", f.URL, readmeSID},
		{"report", "--html", "-", "--base-url", l.URL},
	} {
		r := runCLI(t, t.Context(), twilioEnv, "", args...)
		if r.code != exitOK && (r.code != exitBreach || !slices.Contains(args, "--fail-if")) {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		for _, leak := range []string{token, basic[:12]} {
			if strings.Contains(r.stdout, leak) || strings.Contains(r.stderr, leak) {
				t.Errorf("%v prints %q:\n%s", args, leak, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "\n=cmd") || strings.Contains(r.stdout, ",=cmd") {
			t.Errorf("%v: a cell a spreadsheet would run:\n%s", args, r.stdout)
		}
	}
}
