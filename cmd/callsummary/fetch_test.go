package main

import (
	"bytes"
	"context"
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

const sandboxNotice = "callsummary: no Twilio credentials set; using the built-in sandbox (see 'callsummary sandbox')\n"

// The README's first command, on a fresh clone: no credentials, so the
// sandbox answers, one line on stderr says so, and the report is the one
// for the document's ClientCall example.
func TestFetchREADMECommandUsesSandbox(t *testing.T) {
	r := runCLI(t, t.Context(), nil, "", "fetch", readmeSID)
	if r.code != exitOK {
		t.Fatalf("exit %d; stderr:\n%s", r.code, r.stderr)
	}
	if r.stderr != sandboxNotice {
		t.Errorf("stderr = %q, want exactly the sandbox notice", r.stderr)
	}
	golden(t, "report_client.golden", r.stdout)
}

func TestFetchJSONIsTheBytesReceived(t *testing.T) {
	t.Run("sandbox", func(t *testing.T) {
		h, err := sandbox.NewHandler()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range h.Calls() {
			args := []string{"fetch", "--json", c.SID}
			state := gen.ProcessingStateComplete
			if len(c.States) == 1 && c.States[0] == gen.ProcessingStatePartial {
				args, state = append(args, "--partial"), gen.ProcessingStatePartial
			}
			want, _ := h.Fixture(c.SID, state)
			r := runCLI(t, t.Context(), nil, "", args...)
			if r.code != exitOK || r.stdout != string(want) {
				t.Errorf("%s: exit %d, stdout differs from the sandbox's bytes:\n%s\nstderr: %s", c.SID, r.code, r.stdout, r.stderr)
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
	})
}

// What fetch sends: the path, the ProcessingState, and the credentials
// from the environment (an API key preferred, as in the wrapper).
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
			if c.vars == nil && !strings.Contains(r.stderr, "sending the sandbox's to "+f.URL) {
				t.Errorf("stderr does not say the sandbox's credentials were sent: %q", r.stderr)
			}
		})
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
			args := []string{"fetch", sid}
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
			if strings.Contains(r.stderr, "sandbox") || r.stdout != "" {
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

func TestFetchInterrupted(t *testing.T) {
	f := newFakeTwilio(t, twilioError(404, 20404, "The requested resource was not found"))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	r := runCLI(t, ctx, twilioEnv, "", "fetch", "--wait", "--poll-interval", "20ms", "--base-url", f.URL, readmeSID)
	if r.code != exitNo || !strings.Contains(r.stderr, "interrupted") {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
}

// --region, --edge and TWILIO_REGION/TWILIO_EDGE (read through run's
// getenv, not the process environment) pick Twilio's host.
func TestFetchHost(t *testing.T) {
	cases := []struct {
		vars  map[string]string
		o     fetchOptions
		want  string
		notes string
	}{
		{twilioEnv, fetchOptions{}, "https://insights.twilio.com", "default"},
		{twilioEnv, fetchOptions{region: "ie1"}, "https://insights.dublin.ie1.twilio.com", "--region"},
		{twilioEnv, fetchOptions{region: "au1", edge: "sydney"}, "https://insights.sydney.au1.twilio.com", "--region --edge"},
		{map[string]string{"TWILIO_ACCOUNT_SID": "ACx", "TWILIO_AUTH_TOKEN": "t", "TWILIO_REGION": "jp1"}, fetchOptions{}, "https://insights.tokyo.jp1.twilio.com", "TWILIO_REGION"},
		{map[string]string{"TWILIO_ACCOUNT_SID": "ACx", "TWILIO_AUTH_TOKEN": "t", "TWILIO_REGION": "jp1"}, fetchOptions{region: "us2"}, "https://insights.umatilla.us2.twilio.com", "flag over env"},
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
		if cl.BaseURL() != c.want || tg.sandbox {
			t.Errorf("%s: base URL %s (sandbox %v), want %s", c.notes, cl.BaseURL(), tg.sandbox, c.want)
		}
		tg.close()
	}
}

func TestFetchShowPII(t *testing.T) {
	masked := runCLI(t, t.Context(), nil, "", "fetch", readmeSID)
	shown := runCLI(t, t.Context(), nil, "", "fetch", "--show-pii", readmeSID)
	for _, v := range []string{"client:alice", "+16175550164", "198.51.100.77"} {
		if strings.Contains(masked.stdout, v) {
			t.Errorf("report shows %q without --show-pii", v)
		}
		if !strings.Contains(shown.stdout, v) {
			t.Errorf("report lacks %q with --show-pii", v)
		}
	}
	golden(t, "report_client_show_pii.golden", shown.stdout)
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
		code := run(t.Context(), []string{"fetch", readmeSID}, strings.NewReader(""), out, &errb, func(k string) string { return vars[k] })
		out.Close()
		b, _ := os.ReadFile(out.Name())
		if code != exitOK || strings.Contains(string(b), "\x1b") || !strings.Contains(string(b), "Verdict: poor") {
			t.Errorf("exit %d, report:\n%q", code, b)
		}
	}
}
