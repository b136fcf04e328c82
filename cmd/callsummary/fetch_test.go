package main

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/wrapper"
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
		h, err := conformance.NewHandler()
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
		{"no credentials: the sandbox's, for 'serve'", nil, nil, conformance.SandboxAccountSID, conformance.SandboxAuthToken, ""},
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

func TestFetchAPIErrors(t *testing.T) {
	cases := []struct {
		name  string
		reply reply
		flags []string
		want  []string
	}{
		{"401", twilioError(401, 20003, "Authenticate"), nil,
			[]string{"401 Unauthorized (code 20003)", "Twilio error 20003: check the credentials", "region"}},
		{"404", twilioError(404, 20404, "The requested resource was not found"), nil,
			[]string{"404 Not Found (code 20404)", "check the call SID", "try --partial, or --wait"}},
		{"404 partial", twilioError(404, 20404, "The requested resource was not found"), []string{"--partial"},
			[]string{"code 20404", "try again later, or --wait"}},
		{"429 too long to wait", reply{status: 429, header: map[string]string{"Retry-After": "3600"},
			body: `{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}`}, nil,
			[]string{"429 Too Many Requests (code 20429)", "Twilio error 20429: too many requests; slow down"}},
		{"404 from a proxy's HTML page", reply{status: 404, header: map[string]string{"Content-Type": "text/html"},
			body: "<html><body>Not here</body></html>"}, nil,
			[]string{"404 Not Found", "Not here", "Twilio error 20404: check the call SID"}},
		{"403", twilioError(403, 20151, "Voice Insights Advanced Features disabled"), nil,
			[]string{"code 20151", "Advanced Features must be enabled"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeTwilio(t, c.reply)
			args := append([]string{"fetch", "--base-url", f.URL}, c.flags...)
			r := runCLI(t, t.Context(), twilioEnv, "", append(args, readmeSID)...)
			if r.code != exitNo || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q; want 1 and nothing", r.code, r.stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "test-token") || strings.Contains(r.stderr, basicAuth(twilioEnv["TWILIO_ACCOUNT_SID"], "test-token")) {
				t.Errorf("stderr shows the token:\n%s", r.stderr)
			}
		})
	}
}

// The sandbox says no like Twilio: wrong credentials are 20003 and an
// unknown call 20404, each with its advice.
func TestFetchSandboxErrors(t *testing.T) {
	srv, err := conformance.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r := runCLI(t, t.Context(), twilioEnv, "", "fetch", "--base-url", srv.URL, readmeSID)
	if r.code != exitNo || !strings.Contains(r.stderr, "code 20003") || !strings.Contains(r.stderr, "check the credentials") {
		t.Errorf("wrong credentials: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", "CA00000000000000000000000000000000")
	if r.code != exitNo || !strings.Contains(r.stderr, "code 20404") || !strings.Contains(r.stderr, "see 'callsummary sandbox'") {
		t.Errorf("unknown call: exit %d\n%s", r.code, r.stderr)
	}
	// Only a partial summary exists for this call: 20404 without --partial.
	partialOnly := "CA0e87c1212a698494dcdb198af3e0eb2f"
	if r = runCLI(t, t.Context(), nil, "", "fetch", partialOnly); r.code != exitNo {
		t.Errorf("partial-only call without --partial: exit %d", r.code)
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", partialOnly, "--partial")
	if r.code != exitOK || !strings.Contains(r.stdout, "missing: not assembled yet") {
		t.Errorf("partial-only call with --partial (flag after the SID): exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// --wait polls through "not yet" (404) and a partial summary to the
// complete one, showing each poll and the next poll's time on stderr.
func TestFetchWait(t *testing.T) {
	partial, complete := example(t, "PartialClientCall"), example(t, "ClientCall")
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

func TestFetchUsageErrors(t *testing.T) {
	half := map[string]string{"TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000"}
	cases := []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"no SID", nil, []string{"fetch"}, "missing CALLSID"},
		{"two SIDs", nil, []string{"fetch", readmeSID, readmeSID}, "one CALLSID at a time"},
		{"unknown flag", nil, []string{"fetch", "--colour", readmeSID}, "flag provided but not defined: -colour"},
		{"region without credentials", nil, []string{"fetch", "--region", "ie1", readmeSID}, "needs credentials"},
		{"base URL and region", twilioEnv, []string{"fetch", "--base-url", "http://127.0.0.1:1", "--region", "ie1", readmeSID}, "give one or the other"},
		{"half-set credentials", half, []string{"fetch", readmeSID}, "TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is empty"},
		{"plain http to a remote host", twilioEnv, []string{"fetch", "--base-url", "http://insights.example.com", readmeSID}, "must use https"},
		{"unknown region", twilioEnv, []string{"fetch", "--region", "xx9", readmeSID}, "has no default edge"},
		{"negative timeout", nil, []string{"fetch", "--timeout", "-1s", readmeSID}, "--timeout must not be negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, t.Context(), c.vars, "", c.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 2 and %q", r.code, r.stdout, r.stderr, c.want)
			}
			if strings.Contains(r.stderr, sandboxNotice) {
				t.Errorf("a usage error started the sandbox")
			}
		})
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
		cl, err := wrapper.NewClient(tg.opts...)
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

// basicAuth is the header value for a pair, to check nothing leaks it.
func basicAuth(user, pwd string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + pwd))
}

// --validate checks what the server sent against the document: a summary
// that decodes but breaks the schema is printed, its violations listed,
// and the command fails.
func TestFetchValidate(t *testing.T) {
	// Violations the wrapper still decodes: an unknown enum value and a
	// SID that breaks its pattern.
	body := strings.NewReplacer(`"call_type":"client"`, `"call_type":"pstn"`,
		`"account_sid":"ACe268443e43d93dab7ebef303bbe9642f","answered_by"`, `"account_sid":"ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX","answered_by"`).
		Replace(string(example(t, "ClientCall")))
	if strings.Count(body, "pstn")+strings.Count(body, "ACXXX") != 2 {
		t.Fatal("the replacements did not apply")
	}
	for _, c := range []struct {
		name     string
		body     string
		flags    []string
		code     int
		pointers []string
	}{
		{"conforming", string(example(t, "ClientCall")), []string{"--validate"}, exitOK, nil},
		{"violating", body, []string{"--validate", "--json"}, exitNo, []string{"/call_type", "/annotation/account_sid"}},
		{"violating, not checked", body, []string{"--json"}, exitOK, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeTwilio(t, reply{status: 200, body: c.body})
			args := append([]string{"fetch", "--base-url", f.URL}, c.flags...)
			r := runCLI(t, t.Context(), twilioEnv, "", append(args, readmeSID)...)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, c.code, r.stderr)
			}
			if len(c.flags) > 0 && c.flags[len(c.flags)-1] == "--json" && r.stdout != c.body {
				t.Errorf("the summary was not printed as received")
			}
			for _, p := range c.pointers {
				if !strings.Contains(r.stderr, "200 response violates the document at "+p+": ") {
					t.Errorf("stderr lacks the violation at %s:\n%s", p, r.stderr)
				}
			}
			if c.pointers == nil && r.stderr != "" {
				t.Errorf("stderr %q", r.stderr)
			}
		})
	}
}
