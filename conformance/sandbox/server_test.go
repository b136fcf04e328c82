package sandbox

import (
	"bytes"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// newSandbox starts a sandbox for one test; on cleanup it closes it and
// checks that no goroutine started since is left.
func newSandbox(t *testing.T, opts ...Option) *Server {
	t.Helper()
	return testkit.Start(t, func() (*Server, error) { return NewServer(opts...) })
}

// fetch sends GET path to the sandbox with the sandbox's credentials and
// returns the response (body restored) and its body.
func sandboxFetch(t *testing.T, srv *Server, path string) (*http.Request, *http.Response, []byte) {
	t.Helper()
	return sandboxFetchAs(t, srv, path, srv.Handler().AccountSID(), srv.Handler().AuthToken())
}

func sandboxFetchAs(t *testing.T, srv *Server, path, user, pass string) (*http.Request, *http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" || pass != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, body := sandboxDo(t, srv, req)
	return req, resp, body
}

// sandboxDo sends req and returns the response, its body read and put back.
func sandboxDo(t *testing.T, srv *Server, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, body
}

func sandboxPath(sid string) string { return "/v1/Voice/" + sid + "/Summary" }

func TestSandboxServesEveryFixtureAsTheDocumentSays(t *testing.T) {
	srv := newSandbox(t)
	v := sandboxValidator(t)
	calls := srv.Handler().Calls()
	if len(calls) < 10 {
		t.Fatalf("Calls() lists %d calls, want the whole catalogue", len(calls))
	}
	for _, call := range calls {
		for _, state := range call.States {
			path := sandboxPath(call.SID)
			if state == gen.ProcessingStatePartial {
				path += "?ProcessingState=partial"
			}
			req, resp, body := sandboxFetch(t, srv, path)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s %s: status %d, body %s", call.SID, state, resp.StatusCode, body)
				continue
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("%s %s: Content-Type %q", call.SID, state, ct)
			}
			want, ok := srv.Handler().Fixture(call.SID, state)
			if !ok || !bytes.Equal(body, want) {
				t.Errorf("%s %s: the bytes sent are not the fixture's", call.SID, state)
			}
			if err := v.ValidateResponse(req, resp); err != nil {
				t.Errorf("%s %s: %v", call.SID, state, err)
			}
			var head gen.CallSummary
			if err := wirejson.Unmarshal(body, &head); err != nil {
				t.Fatalf("%s %s: %v", call.SID, state, err)
			}
			if head.ProcessingState != nil && *head.ProcessingState != state {
				t.Errorf("%s: asked for %s, got processing_state %s", call.SID, state, *head.ProcessingState)
			}
		}
	}
}

func TestSandboxProcessingStateChoosesTheSummary(t *testing.T) {
	srv := newSandbox(t)
	const seed, partialOnly, carrier = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "CA0e87c1212a698494dcdb198af3e0eb2f", "CAd45ec3c4af38967de454f9e45bb1cef4"
	tests := []struct {
		sid, query string
		status     int
		state      gen.ProcessingState
	}{
		{seed, "", http.StatusOK, gen.ProcessingStateComplete},
		{seed, "?ProcessingState=complete", http.StatusOK, gen.ProcessingStateComplete},
		{seed, "?ProcessingState=partial", http.StatusOK, gen.ProcessingStatePartial},
		// Only a partial summary exists: Twilio's default is the complete one.
		{partialOnly, "", http.StatusNotFound, ""},
		{partialOnly, "?ProcessingState=partial", http.StatusOK, gen.ProcessingStatePartial},
		// partial returns the newest summary: here the complete one.
		{carrier, "?ProcessingState=partial", http.StatusOK, gen.ProcessingStateComplete},
	}
	for _, tt := range tests {
		_, resp, body := sandboxFetch(t, srv, sandboxPath(tt.sid)+tt.query)
		if resp.StatusCode != tt.status {
			t.Errorf("%s%s: status %d, want %d", tt.sid, tt.query, resp.StatusCode, tt.status)
			continue
		}
		if tt.status != http.StatusOK {
			continue
		}
		var head gen.CallSummary
		if err := wirejson.Unmarshal(body, &head); err != nil || head.ProcessingState == nil {
			t.Fatalf("%s%s: no processing_state (%v)", tt.sid, tt.query, err)
		}
		if *head.ProcessingState != tt.state {
			t.Errorf("%s%s: processing_state %s, want %s", tt.sid, tt.query, *head.ProcessingState, tt.state)
		}
	}
}

func TestSandboxAuthentication(t *testing.T) {
	const keySID, keySecret = "SKe218abcbe3a09fd51993e96235095008", "sandbox-key-secret"
	srv := newSandbox(t, WithAPIKey(keySID, keySecret))
	v := sandboxValidator(t)
	path := sandboxPath("CAd45ec3c4af38967de454f9e45bb1cef4")
	tests := []struct {
		name, user, pass string
		status           int
	}{
		{"account pair", AccountSID, AuthToken, http.StatusOK},
		{"api key pair", keySID, keySecret, http.StatusOK},
		{"none", "", "", http.StatusUnauthorized},
		{"wrong token", AccountSID, "not-the-token", http.StatusUnauthorized},
		{"wrong account", "AC00000000000000000000000000000000", AuthToken, http.StatusUnauthorized},
		{"key sid with auth token", keySID, AuthToken, http.StatusUnauthorized},
		{"account with key secret", AccountSID, keySecret, http.StatusUnauthorized},
	}
	const want401 = `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`
	for _, tt := range tests {
		req, resp, body := sandboxFetchAs(t, srv, path, tt.user, tt.pass)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.status)
			continue
		}
		if err := v.ValidateResponse(req, resp); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if tt.status != http.StatusUnauthorized {
			continue
		}
		if string(body) != want401 {
			t.Errorf("%s: body %s, want %s", tt.name, body, want401)
		}
		if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="Twilio API"` {
			t.Errorf("%s: WWW-Authenticate %q", tt.name, got)
		}
	}
}

func TestSandboxWithCredentialsReplacesTheDefaults(t *testing.T) {
	const account, token = "AC0123456789abcdef0123456789abcdef", "another-sandbox-token"
	srv := newSandbox(t, WithCredentials(account, token))
	if srv.Handler().AccountSID() != account || srv.Handler().AuthToken() != token {
		t.Fatalf("credentials %s/%s", srv.Handler().AccountSID(), srv.Handler().AuthToken())
	}
	path := sandboxPath("CAd45ec3c4af38967de454f9e45bb1cef4")
	if _, resp, _ := sandboxFetchAs(t, srv, path, account, token); resp.StatusCode != http.StatusOK {
		t.Errorf("configured pair: status %d", resp.StatusCode)
	}
	if _, resp, _ := sandboxFetchAs(t, srv, path, AccountSID, AuthToken); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("default pair: status %d, want 401", resp.StatusCode)
	}
	if _, resp, _ := sandboxFetchAs(t, srv, path, "", ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an API key was never configured, yet empty credentials got %d", resp.StatusCode)
	}
}

func TestSandboxRejectsWhatTwilioWould(t *testing.T) {
	srv := newSandbox(t)
	v := sandboxValidator(t)
	const unknown = "CA0123456789abcdef0123456789abcdef"
	tests := []struct {
		name, path string
		status     int
		code       int
		message    string
		validates  bool // the document declares this request's route
	}{
		{"unknown SID", sandboxPath(unknown), 404, 20404,
			"The requested resource /v1/Voice/" + unknown + "/Summary was not found", true},
		{"SID too short", sandboxPath("CA123"), 404, 20404,
			"The requested resource /v1/Voice/CA123/Summary was not found", true},
		{"SID not hex", sandboxPath("CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), 404, 20404,
			"The requested resource /v1/Voice/CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Summary was not found", true},
		{"ProcessingState all", sandboxPath(unknown) + "?ProcessingState=all", 400, 20001,
			"Invalid parameter: ProcessingState (ProcessingState must be complete or partial)", true},
		{"unknown path", "/v1/Voice/" + unknown + "/Metrics", 404, 20404,
			"The requested resource /v1/Voice/" + unknown + "/Metrics was not found", false},
		{"root", "/", 404, 20404, "The requested resource / was not found", false},
		{"empty SID", "/v1/Voice//Summary", 404, 20404, "The requested resource /v1/Voice//Summary was not found", false},
		{"trailing slash", sandboxPath(unknown) + "/", 404, 20404,
			"The requested resource /v1/Voice/" + unknown + "/Summary/ was not found", false},
		{"dot segment", "/v1/Voice/x/../" + unknown + "/Summary", 404, 20404,
			"The requested resource /v1/Voice/x/../" + unknown + "/Summary was not found", false},
	}
	for _, tt := range tests {
		req, resp, body := sandboxFetch(t, srv, tt.path)
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, resp.StatusCode, tt.status, body)
			continue
		}
		if want := testkit.TwilioError(tt.status, tt.code, tt.message); !bytes.Equal(body, want) {
			t.Errorf("%s: body %s, want %s", tt.name, body, want)
		}
		if tt.validates {
			if err := v.ValidateResponse(req, resp); err != nil {
				t.Errorf("%s: %v", tt.name, err)
			}
		}
	}
}

func TestSandboxAnswersOtherMethodsWith405(t *testing.T) {
	srv := newSandbox(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+sandboxPath("CAd45ec3c4af38967de454f9e45bb1cef4"), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.Handler().AccountSID(), srv.Handler().AuthToken())
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET" || !strings.Contains(string(body), `"code":20004`) {
		t.Errorf("POST: %d Allow=%q %s", resp.StatusCode, resp.Header.Get("Allow"), body)
	}
}

func TestSandboxRequestLogHoldsNoCredentials(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := newSandbox(t, WithLogger(logger))
	sandboxFetch(t, srv, sandboxPath("CAd45ec3c4af38967de454f9e45bb1cef4")+"?ProcessingState=partial")
	sandboxFetchAs(t, srv, sandboxPath("CAd45ec3c4af38967de454f9e45bb1cef4"), AccountSID, "a-wrong-token")
	out := logs.String()
	for _, want := range []string{"sandbox request", "/v1/Voice/CAd45ec3c4af38967de454f9e45bb1cef4/Summary", "ProcessingState=partial", "status=200", "status=401"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	basic := base64.StdEncoding.EncodeToString([]byte(AccountSID + ":" + AuthToken))
	for _, secret := range []string{AuthToken, "a-wrong-token", basic, "Authorization", "Basic "} {
		if strings.Contains(out, secret) {
			t.Errorf("log holds %q:\n%s", secret, out)
		}
	}
}

func TestNewServerRejectsIncompleteOptions(t *testing.T) {
	for name, opt := range map[string]Option{
		"empty token":      WithCredentials(AccountSID, ""),
		"key without pair": WithAPIKey("SKe218abcbe3a09fd51993e96235095008", ""),
		"nil clock":        WithClock(nil),
		"nil logger":       WithLogger(nil),
	} {
		if h, err := NewHandler(opt); err == nil {
			t.Errorf("%s: NewHandler accepted it (%v)", name, h != nil)
		}
	}
}

func TestServerCloseIsIdempotentAndRefusesAfterwards(t *testing.T) {
	srv := newSandbox(t)
	srv.Close()
	srv.Close()
	if resp, err := http.Get(srv.URL + "/"); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("a closed server answered %d", resp.StatusCode)
	}
}

func sandboxValidator(t *testing.T) *conformance.Validator {
	t.Helper()
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}
