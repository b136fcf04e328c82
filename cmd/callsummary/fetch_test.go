package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The README's first command, on a fresh clone: --sandbox, so the sandbox
// answers, one line on stderr says so, the report says so at its top, and
// the report is the one for the document's ClientCall example.
func TestFetchREADMECommandUsesSandbox(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", readmeSID)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if r.stderr != sandboxStderr {
		t.Errorf("stderr = %q, want exactly the sandbox notice", r.stderr)
	}
	report, ok := strings.CutPrefix(r.stdout, sandboxHeader)
	if !ok {
		t.Fatalf("the report does not say it comes from the sandbox:\n%s", r.stdout)
	}
	golden(t, "report_client.golden", report)
}

// Without credentials and without asking for the sandbox, fetch, list and
// annotate refuse with one line naming the variables and the flag, and
// exit 2: a job that lost its secrets never reports sample calls as real.
// CALLSUMMARY_SANDBOX=1 asks for the sandbox as --sandbox does.
func TestSandboxIsOptIn(t *testing.T) {
	want := "callsummary: no Twilio credentials: set TWILIO_API_KEY and TWILIO_API_SECRET (or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN), " +
		"or pass --sandbox (CALLSUMMARY_SANDBOX=1) to try the built-in sandbox's sample calls\n"
	for _, c := range []struct {
		vars map[string]string
		args []string
	}{
		{nil, []string{"fetch", readmeSID}},
		{nil, []string{"list"}},
		{nil, []string{"annotate", readmeSID}},
		{map[string]string{"CALLSUMMARY_SANDBOX": "0"}, []string{"fetch", readmeSID}},
		{map[string]string{"CALLSUMMARY_SANDBOX": "1"}, []string{"fetch", "--sandbox=false", readmeSID}},
	} {
		r := runCLI(t, t.Context(), c.vars, "", c.args...)
		if r.code != exitUsage || r.stderr != want || r.stdout != "" {
			t.Errorf("%v %v: exit %d, stdout %q, stderr %q", c.vars, c.args, r.code, r.stdout, r.stderr)
		}
	}
	for _, args := range [][]string{{"fetch", readmeSID}, {"list", "-n", "3"}, {"annotate", readmeSID}} {
		r := runCLI(t, t.Context(), map[string]string{"CALLSUMMARY_SANDBOX": "1"}, "", args...)
		if r.code != exitOK || r.stderr != sandboxStderr || !strings.Contains(r.stdout, "Sandbox data, not from Twilio") {
			t.Errorf("CALLSUMMARY_SANDBOX=1 %v: exit %d, stderr %q\n%s", args, r.code, r.stderr, r.stdout)
		}
	}
	r := runCLI(t, t.Context(), map[string]string{"CALLSUMMARY_SANDBOX": "yes please"}, "", "fetch", readmeSID)
	if r.code != exitUsage || !strings.Contains(r.stderr, `CALLSUMMARY_SANDBOX="yes please": want 1 or 0`) {
		t.Errorf("a bad CALLSUMMARY_SANDBOX: exit %d, %q", r.code, r.stderr)
	}
	// With credentials, --sandbox still asks the sandbox: it was asked for.
	r = runCLI(t, t.Context(), twilioEnv, "", "fetch", "--sandbox", "-o", "json", readmeSID)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("--sandbox with credentials: exit %d, %s", r.code, r.stderr)
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", "--base-url", "http://127.0.0.1:1", readmeSID)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--sandbox and --base-url") {
		t.Errorf("--sandbox with --base-url: exit %d, %q", r.code, r.stderr)
	}
}

func TestFetchJSONIsTheBytesReceived(t *testing.T) {
	t.Run("sandbox", func(t *testing.T) {
		h, err := sandbox.NewHandler()
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range h.Calls() {
			args := []string{"fetch", "--sandbox", []string{"--json", "-o=json", "--output", "json"}[i%3]}
			if args[2] == "--output" {
				args = append(args, "json")
			}
			state := gen.ProcessingStateComplete
			if len(c.States) == 1 && c.States[0] == gen.ProcessingStatePartial {
				args, state = append(args, "--partial"), gen.ProcessingStatePartial
			}
			want, _ := h.Fixture(c.SID, state)
			r := runCLI(t, t.Context(), nil, "", append(args, c.SID)...)
			if r.code != exitOK || r.stdout != string(want) {
				t.Errorf("%v %s: exit %d, stdout differs from the sandbox's bytes:\n%s\nstderr: %s", args, c.SID, r.code, r.stdout, r.stderr)
			}
		}
	})
	t.Run("loopback", func(t *testing.T) {
		// Odd spacing, key order, an unknown field and a trailing newline:
		// any re-encoding would change them.
		body := "{ \"call_sid\":\"" + readmeSID + "\",\n\t\"zz_new_field\": {\"x\": [1, 2.50]},  \"call_type\": \"client\" , \"processing_state\":\"complete\"}\n"
		f := newFakeTwilio(t, reply{status: 200, body: body})
		r := runCLI(t, t.Context(), twilioEnv, "", "fetch", "--json", "--base-url", f.URL, readmeSID)
		if r.code != exitOK || r.stdout != body || r.stderr != "" {
			t.Fatalf("exit %d\nstdout %q\nwant   %q\nstderr %q", r.code, r.stdout, body, r.stderr)
		}
		// ndjson: the same bytes, white space aside, on one line.
		r = runCLI(t, t.Context(), twilioEnv, "", "fetch", "-o", "ndjson", "--base-url", f.URL, readmeSID)
		want := `{"call_sid":"` + readmeSID + `","zz_new_field":{"x":[1,2.50]},"call_type":"client","processing_state":"complete"}` + "\n"
		if r.code != exitOK || r.stdout != want {
			t.Errorf("-o ndjson: exit %d\n%q\nwant\n%q", r.code, r.stdout, want)
		}
	})
}

// -o csv is one row with list's columns; --fields and --no-header choose.
func TestFetchCSV(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", "-o", "csv", readmeSID)
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if r.code != exitOK || err != nil || len(recs) != 2 {
		t.Fatalf("exit %d, %v:\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	if got := strings.Join(recs[0], ","); got != strings.Join(columnNames(listColumns()), ",") {
		t.Errorf("header %s", got)
	}
	row := map[string]string{}
	for i, name := range recs[0] {
		row[name] = recs[1][i]
	}
	for k, v := range map[string]string{"call_sid": readmeSID, "type": "client", "worst_stream": "sdk_edge/inbound", "mos": "3.28",
		"loss_pct": "6.68", "jitter_ms": "9.4", "verdict": "poor", "tags": "high_jitter,high_packet_loss,low_mos"} {
		if row[k] != v {
			t.Errorf("%s = %q, want %q", k, row[k], v)
		}
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", "-o", "csv", "--fields", "verdict,call_sid", "--no-header", readmeSID)
	if r.code != exitOK || r.stdout != "poor,"+readmeSID+"\n" {
		t.Errorf("--fields --no-header: exit %d, %q", r.code, r.stdout)
	}
	for _, args := range [][]string{
		{"--fields", "mos"},
		{"-o", "json", "--no-header"},
		{"-o", "csv", "--json"},
		{"-o", "yaml"},
		{"-o", "csv", "--fields", "mos,colour"},
	} {
		r := runCLI(t, t.Context(), nil, "", append(append([]string{"fetch", "--sandbox"}, args...), readmeSID)...)
		if r.code != exitUsage || r.stdout != "" || strings.Contains(r.stderr, sandboxStderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

// What fetch sends: the path, the ProcessingState, and the credentials
// from the environment (an API key preferred, as in the SDK).
func TestFetchRequest(t *testing.T) {
	body := example(t, "ClientCall")
	cases := []struct {
		name      string
		vars      map[string]string
		flags     []string
		user, pwd string
		query     string
	}{
		{"account", twilioEnv, nil, "AC00000000000000000000000000000000", "test-token", ""},
		{"api key preferred", map[string]string{
			"TWILIO_ACCOUNT_SID": "ACx", "TWILIO_AUTH_TOKEN": "t",
			"TWILIO_API_KEY": "SK00000000000000000000000000000000", "TWILIO_API_SECRET": "key-secret",
		}, nil, "SK00000000000000000000000000000000", "key-secret", ""},
		{"partial", twilioEnv, []string{"--partial"}, "AC00000000000000000000000000000000", "test-token", "ProcessingState=partial"},
		{"no credentials: the sandbox's, for 'serve'", nil, nil, sandbox.AccountSID, sandbox.AuthToken, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeTwilio(t, jsonReply(200, body))
			args := append([]string{"fetch", "--base-url", f.URL}, c.flags...)
			r := runCLI(t, t.Context(), c.vars, "", append(args, readmeSID)...)
			if r.code != exitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			reqs := f.seen()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			req := reqs[0]
			if req.URL.Path != "/v1/Voice/"+readmeSID+"/Summary" || req.URL.RawQuery != c.query {
				t.Errorf("request %s?%s", req.URL.Path, req.URL.RawQuery)
			}
			user, pwd, _ := req.BasicAuth()
			if user != c.user || pwd != c.pwd {
				t.Errorf("basic auth %s:%s, want %s:%s", user, pwd, c.user, c.pwd)
			}
			if c.vars == nil && (!strings.Contains(r.stderr, "sending the sandbox's to "+f.URL) ||
				!strings.HasPrefix(r.stdout, "Sandbox data, not from Twilio: the sandbox at "+f.URL+"\n")) {
				t.Errorf("neither stderr nor the report says the sandbox's credentials were sent:\n%s%s", r.stderr, r.stdout)
			}
		})
	}
}

// A password in --base-url (or CALLSUMMARY_BASE_URL) never reaches the
// terminal: the URL is refused without being echoed, and no request is sent.
func TestFetchBaseURLPasswordIsNotPrinted(t *testing.T) {
	f := newFakeTwilio(t, jsonReply(200, example(t, "ClientCall")))
	withPassword := strings.Replace(f.URL, "http://", "http://alice:s3cr3t-pw@", 1)
	for _, c := range []struct {
		vars map[string]string
		args []string
	}{
		{nil, []string{"fetch", "--base-url", withPassword, readmeSID}},
		{twilioEnv, []string{"fetch", "--base-url", withPassword, readmeSID}},
		{nil, []string{"list", "--base-url", withPassword + "/?From=%2B14155550143"}},
		{map[string]string{"CALLSUMMARY_BASE_URL": withPassword}, []string{"fetch", readmeSID}},
		{map[string]string{"CALLSUMMARY_BASE_URL": "http://alice:s3cr3t-pw@[::1"}, []string{"fetch", readmeSID}},
	} {
		r := runCLI(t, t.Context(), c.vars, "", c.args...)
		if r.code != exitUsage || strings.Contains(r.stderr+r.stdout, "s3cr3t-pw") || strings.Contains(r.stderr, "4155550143") {
			t.Errorf("%v %v: exit %d, output shows the password or the number:\n%s%s", c.vars, c.args, r.code, r.stdout, r.stderr)
		}
	}
	if n := len(f.seen()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	for in, want := range map[string]string{
		"http://u:p@127.0.0.1:8080/base?From=%2B1415#frag": "http://127.0.0.1:8080/base",
		"https://insights.twilio.com":                      "https://insights.twilio.com",
		"http://[::1":                                      "(a URL that does not parse, not shown)",
	} {
		if got := displayURL(in); got != want {
			t.Errorf("displayURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// A malformed SID is a usage error and nothing is sent: not to a server,
// and no sandbox is even started.
func TestFetchMalformedSID(t *testing.T) {
	f := newFakeTwilio(t, jsonReply(200, example(t, "ClientCall")))
	for _, sid := range []string{
		"CA62608e08adc29a8d6dbc9754e659f12",   // 33 characters
		"CA62608e08adc29a8d6dbc9754e659f1255", // 35
		"CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",  // Twilio's documented example
		"AC62608e08adc29a8d6dbc9754e659f125",  // an Account SID
		"ca62608e08adc29a8d6dbc9754e659f125",
		"../../v1/Voice/CA62608e08adc29a8d6d",
		"secret-token-pasted-by-mistake",
	} {
		for _, vars := range []map[string]string{twilioEnv, nil} {
			args := []string{"fetch", "--sandbox", sid}
			if vars != nil {
				args = []string{"fetch", "--base-url", f.URL, sid}
			}
			r := runCLI(t, t.Context(), vars, "", args...)
			if r.code != exitUsage {
				t.Errorf("%q: exit %d, want 2", sid, r.code)
			}
			if !strings.Contains(r.stderr, "^CA[0-9a-fA-F]{32}$") || strings.Contains(r.stderr, sid) {
				t.Errorf("%q: stderr must show the pattern and not echo the argument: %q", sid, r.stderr)
			}
			if strings.Contains(r.stderr, "built-in sandbox") || r.stdout != "" {
				t.Errorf("%q: a sandbox was started or something printed: %q %q", sid, r.stdout, r.stderr)
			}
		}
	}
	if n := len(f.seen()); n != 0 {
		t.Errorf("the server saw %d requests, want 0", n)
	}
}

// --wait polls through "not yet" (404) and a partial summary to the
// complete one, showing each poll and the next poll's time on stderr.
func TestFetchWait(t *testing.T) {
	// The partial summary of the same call (the examples are of two calls).
	partial := bytes.ReplaceAll(example(t, "PartialClientCall"), []byte("CA0e87c1212a698494dcdb198af3e0eb2f"), []byte(readmeSID))
	complete := example(t, "ClientCall")
	notYet := twilioError(404, 20404, "The requested resource was not found")
	for _, asJSON := range []bool{false, true} {
		f := newFakeTwilio(t, notYet, jsonReply(200, partial), jsonReply(200, complete))
		args := []string{"fetch", "--wait", "--poll-interval", "5ms", "--base-url", f.URL}
		if asJSON {
			args = append(args, "--json")
		}
		r := runCLI(t, t.Context(), twilioEnv, "", append(args, readmeSID)...)
		if r.code != exitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		reqs := f.seen()
		if len(reqs) != 3 {
			t.Fatalf("%d requests, want 3", len(reqs))
		}
		for _, req := range reqs {
			if req.URL.RawQuery != "ProcessingState=partial" {
				t.Errorf("poll with query %q", req.URL.RawQuery)
			}
		}
		next := `; next poll in \d+ms, at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n`
		progress := regexp.MustCompile(`^callsummary: poll 1: summary not available yet` + next +
			`callsummary: poll 2: summary still partial` + next +
			`callsummary:   partial summary: edges client_edge; missing sdk_edge; tags none\n$`)
		if !progress.MatchString(r.stderr) {
			t.Errorf("progress on stderr:\n%s", r.stderr)
		}
		if asJSON && r.stdout != string(complete) {
			t.Errorf("--wait --json printed %q", r.stdout)
		}
		if !asJSON && !strings.Contains(r.stdout, "Processing state   complete") {
			t.Errorf("report is not of the complete summary:\n%s", r.stdout)
		}
	}
	// -q: the same summary, nothing on stderr.
	f := newFakeTwilio(t, notYet, jsonReply(200, partial), jsonReply(200, complete))
	r := runCLI(t, t.Context(), twilioEnv, "", "fetch", "-q", "--wait", "--poll-interval", "5ms", "--base-url", f.URL, "-o", "json", readmeSID)
	if r.code != exitOK || r.stderr != "" || r.stdout != string(complete) {
		t.Errorf("-q: exit %d, stderr %q", r.code, r.stderr)
	}
}

// The built-in sandbox's call with only a partial summary completes 10 s
// after the sandbox starts, so that --wait on it ends.
func TestFetchWaitOnTheSandbox(t *testing.T) {
	t.Parallel()
	const partialOnly = "CA0e87c1212a698494dcdb198af3e0eb2f"
	start := time.Now()
	r := runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", "--wait", "--poll-interval", "500ms", partialOnly)
	if r.code != exitOK || !strings.Contains(r.stdout, "Processing state   complete") || !strings.Contains(r.stdout, "sdk_edge     present") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if took := time.Since(start); took < sandboxCompletesAfter {
		t.Errorf("complete after %v, before the sandbox completes it", took)
	}
	if !strings.Contains(r.stderr, "poll 1: summary still partial") {
		t.Errorf("no partial poll on stderr:\n%s", r.stderr)
	}
	// Twilio's own host is not polled more than once a second.
	r = runCLI(t, t.Context(), twilioEnv, "", "fetch", "--wait", "--poll-interval", "500ms", readmeSID)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--poll-interval 500ms polls Twilio more than once a second") {
		t.Errorf("--poll-interval 500ms against Twilio: exit %d, %q", r.code, r.stderr)
	}
}

func TestFetchTimeout(t *testing.T) {
	f := newFakeTwilio(t, twilioError(404, 20404, "The requested resource was not found"))
	start := time.Now()
	r := runCLI(t, t.Context(), twilioEnv, "", "fetch", "--wait", "--poll-interval", "10ms", "--timeout", "300ms", "--base-url", f.URL, readmeSID)
	if r.code != exitNo || !strings.Contains(r.stderr, "gave up after --timeout 300ms") {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if len(f.seen()) < 2 {
		t.Errorf("only %d polls before the timeout", len(f.seen()))
	}
}

// Ctrl-C during --wait: main cancels the context with the signal as its
// cause, and the command exits 130 saying it was interrupted.
func TestFetchInterrupted(t *testing.T) {
	f := newFakeTwilio(t, twilioError(404, 20404, "The requested resource was not found"))
	r := runCLI(t, interrupted(t, 100*time.Millisecond), twilioEnv, "", "fetch", "--wait", "--poll-interval", "20ms", "--base-url", f.URL, readmeSID)
	if r.code != 130 || !strings.HasSuffix(r.stderr, "callsummary: interrupted (interrupt)\n") {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
}

// --region, --edge and TWILIO_REGION/TWILIO_EDGE (read through run's
// getenv, not the process environment) pick Twilio's host.
func TestFetchHost(t *testing.T) {
	cases := []struct {
		vars  map[string]string
		o     targetOptions
		want  string
		notes string
	}{
		{twilioEnv, targetOptions{}, "https://insights.twilio.com", "default"},
		{twilioEnv, targetOptions{region: "ie1"}, "https://insights.dublin.ie1.twilio.com", "--region"},
		{twilioEnv, targetOptions{region: "au1", edge: "sydney"}, "https://insights.sydney.au1.twilio.com", "--region --edge"},
		{map[string]string{"TWILIO_ACCOUNT_SID": "ACx", "TWILIO_AUTH_TOKEN": "t", "TWILIO_REGION": "jp1"}, targetOptions{}, "https://insights.tokyo.jp1.twilio.com", "TWILIO_REGION"},
		{map[string]string{"TWILIO_ACCOUNT_SID": "ACx", "TWILIO_AUTH_TOKEN": "t", "TWILIO_REGION": "jp1"}, targetOptions{region: "us2"}, "https://insights.umatilla.us2.twilio.com", "flag over env"},
	}
	for _, c := range cases {
		e := &env{stderr: &strings.Builder{}, getenv: func(k string) string { return c.vars[k] }}
		tg, err := resolveTarget(e, c.o)
		if err != nil {
			t.Fatalf("%s: %v", c.notes, err)
		}
		cl, err := callsummary.NewClient(tg.opts...)
		if err != nil {
			t.Fatalf("%s: %v", c.notes, err)
		}
		if cl.BaseURL() != c.want || tg.sandbox != "" || !tg.twilio {
			t.Errorf("%s: base URL %s (sandbox %q), want %s", c.notes, cl.BaseURL(), tg.sandbox, c.want)
		}
		tg.close()
	}
}

func TestFetchShowPII(t *testing.T) {
	masked := runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", readmeSID)
	shown := runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", "--show-pii", readmeSID)
	for _, v := range []string{"client:alice", "+16175550164", "198.51.100.77"} {
		if strings.Contains(masked.stdout, v) {
			t.Errorf("report shows %q without --show-pii", v)
		}
		if !strings.Contains(shown.stdout, v) {
			t.Errorf("report lacks %q with --show-pii", v)
		}
	}
	golden(t, "report_client_show_pii.golden", strings.TrimPrefix(shown.stdout, sandboxHeader))
}

// A non-terminal stdout means no escape codes, with or without NO_COLOR:
// run with a real file as stdout, as a shell redirect gives. TestUseColor
// covers a terminal.
func TestFetchNoColourOffTerminal(t *testing.T) {
	for _, vars := range []map[string]string{nil, {"NO_COLOR": "1"}} {
		out, err := os.Create(filepath.Join(t.TempDir(), "report"))
		if err != nil {
			t.Fatal(err)
		}
		var errb strings.Builder
		code := run(t.Context(), []string{"fetch", "--sandbox", readmeSID}, strings.NewReader(""), out, &errb, func(k string) string { return vars[k] })
		out.Close()
		b, _ := os.ReadFile(out.Name())
		if code != exitOK || strings.Contains(string(b), "\x1b") || !strings.Contains(string(b), "Verdict: poor") {
			t.Errorf("exit %d, report:\n%q", code, b)
		}
	}
}
