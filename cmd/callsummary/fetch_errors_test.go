package main

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
)

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
	srv, err := sandbox.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r := runCLI(t, t.Context(), twilioEnv, "", "fetch", "--base-url", srv.URL, readmeSID)
	if r.code != exitNo || !strings.Contains(r.stderr, "code 20003") || !strings.Contains(r.stderr, "check the credentials") {
		t.Errorf("wrong credentials: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", "CA00000000000000000000000000000000")
	if r.code != exitNo || !strings.Contains(r.stderr, "code 20404") || !strings.Contains(r.stderr, "the sandbox knows the calls 'callsummary sandbox' lists and those 'callsummary list --sandbox' shows") {
		t.Errorf("unknown call: exit %d\n%s", r.code, r.stderr)
	}
	// Only a partial summary exists for this call: 20404 without --partial.
	partialOnly := "CA0e87c1212a698494dcdb198af3e0eb2f"
	if r = runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", partialOnly); r.code != exitNo {
		t.Errorf("partial-only call without --partial: exit %d", r.code)
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", "--sandbox", partialOnly, "--partial")
	if r.code != exitOK || !strings.Contains(r.stdout, "missing: not assembled yet") {
		t.Errorf("partial-only call with --partial (flag after the SID): exit %d\n%s%s", r.code, r.stdout, r.stderr)
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
		{"unknown flag", nil, []string{"fetch", "--colour", readmeSID}, "unknown flag: --colour"},
		{"region without credentials", nil, []string{"fetch", "--region", "ie1", readmeSID}, "no Twilio credentials"},
		{"sandbox and region", nil, []string{"fetch", "--sandbox", "--region", "ie1", readmeSID}, "--sandbox and --base-url, --region or --edge"},
		{"partial and wait", nil, []string{"fetch", "--sandbox", "--partial", "--wait", readmeSID}, "give one"},
		{"zero poll interval", nil, []string{"fetch", "--sandbox", "--poll-interval", "0s", readmeSID}, `invalid argument "0s" for "--poll-interval" flag: want a positive duration`},
		{"base URL and region", twilioEnv, []string{"fetch", "--base-url", "http://127.0.0.1:1", "--region", "ie1", readmeSID}, "give one or the other"},
		{"half-set credentials", half, []string{"fetch", readmeSID}, "TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is empty"},
		{"plain http to a remote host", twilioEnv, []string{"fetch", "--base-url", "http://insights.example.com", readmeSID}, "must use https"},
		{"unknown region", twilioEnv, []string{"fetch", "--region", "xx9", readmeSID}, `region "xx9" is not one whose default edge this SDK knows (au1: sydney`},
		{"negative timeout", nil, []string{"fetch", "--timeout", "-1s", readmeSID}, `invalid argument "-1s" for "--timeout" flag: want 0s or more`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, t.Context(), c.vars, "", c.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, c.want) || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 2 and %q", r.code, r.stdout, r.stderr, c.want)
			}
			if strings.Contains(r.stderr, sandboxStderr) {
				t.Errorf("a usage error started the sandbox")
			}
		})
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
