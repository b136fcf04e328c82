package callsummary

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// mapEnv is a getenv over a map: the environment a test chooses, with the
// process's left alone.
func mapEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadEnv(t *testing.T) {
	for _, tt := range []struct {
		name      string
		env       map[string]string
		wantCreds string // "" for none
		wantHost  string
		wantErr   string
	}{
		{"nothing set", nil, "", DefaultBaseURL, ""},
		{"account pair", map[string]string{EnvAccountSID: testAccountSID, EnvAuthToken: testSecret}, "account " + testAccountSID, DefaultBaseURL, ""},
		{"api key first", map[string]string{EnvAccountSID: testAccountSID, EnvAuthToken: testSecret, EnvAPIKey: testAPIKey, EnvAPISecret: testAPISecret}, "api-key " + testAPIKey, DefaultBaseURL, ""},
		{"region", map[string]string{EnvRegion: "ie1"}, "", "https://insights.dublin.ie1.twilio.com", ""},
		{"base URL wins over region", map[string]string{EnvRegion: "ie1", EnvBaseURL: "http://127.0.0.1:8080"}, "", "http://127.0.0.1:8080", ""},
		{"half pair", map[string]string{EnvAuthToken: testSecret}, "", "", "TWILIO_AUTH_TOKEN is set but TWILIO_ACCOUNT_SID is empty"},
		{"bad region", map[string]string{EnvRegion: "xx9"}, "", "", "TWILIO_REGION"},
		{"plain http to a remote host", map[string]string{EnvBaseURL: "http://example.com"}, "", "", EnvBaseURL},
		{"user info in the base URL", map[string]string{EnvBaseURL: "https://user:" + testSecret + "@example.com"}, "", "", "must not carry user info"},
		// url.Parse's own error quotes the whole input: not ours.
		{"user info in a base URL that does not parse", map[string]string{EnvBaseURL: "https://user:" + testSecret + "@exa mple.com"}, "", "", "is not a URL: invalid character"},
		{"user info in a base URL with a bad port", map[string]string{EnvBaseURL: "https://user:" + testSecret + "@example.com:port"}, "", "", "is not a URL: invalid port"},
		{"a token in the base URL's query", map[string]string{EnvBaseURL: "https://example.com/?token=" + testSecret}, "", "", `"https://example.com/" must not have a query`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env, err := LoadEnv(mapEnv(tt.env))
			assertErrNoSecret(t, err)
			secrets.AssertNotPrinted(t, "Env", env)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := env.HasCredentials(); got != (tt.wantCreds != "") {
				t.Errorf("HasCredentials() = %v", got)
			}
			if tt.wantCreds != "" && !strings.Contains(env.String(), tt.wantCreds+":[REDACTED]") {
				t.Errorf("String() = %s, want the credential %s, redacted", env, tt.wantCreds)
			}
			if host, err := env.host(); err != nil || host != tt.wantHost {
				t.Errorf("host = %q, %v; want %q", host, err, tt.wantHost)
			}
		})
	}
}

// WithEnv replaces the process environment: a client configured from a
// getenv of the caller's choosing reads nothing from os.Getenv.
func TestWithEnvReplacesTheProcessEnvironment(t *testing.T) {
	var gotUser string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUser, _, _ = r.BasicAuth()
		serve(http.StatusOK, fixture(t, "carrier.json"))(w, r)
	}))
	defer srv.Close()
	t.Setenv(EnvAccountSID, "AC00000000000000000000000000000000")
	t.Setenv(EnvAuthToken, "process-token")
	t.Setenv(EnvRegion, "xx9") // would fail NewClient if it were read
	env, err := LoadEnv(mapEnv(map[string]string{EnvAPIKey: testAPIKey, EnvAPISecret: testAPISecret, EnvBaseURL: srv.URL}))
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(WithEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != srv.URL {
		t.Errorf("BaseURL() = %q, want the environment's %q", c.BaseURL(), srv.URL)
	}
	if _, err := c.FetchSummary(context.Background(), testCallSID); err != nil {
		t.Fatal(err)
	}
	if gotUser != testAPIKey {
		t.Errorf("authenticated as %q, want the given environment's %q", gotUser, testAPIKey)
	}

	// Options given with it win: the last host option, credentials.
	c, err = NewClient(WithEnv(env), WithRegion("au1", ""), WithCredentials(testAccountSID, testSecret))
	if err != nil || c.BaseURL() != "https://insights.sydney.au1.twilio.com" || c.creds.user != testAccountSID {
		t.Errorf("options after WithEnv: %v, %v", c, err)
	}
	if _, err := NewClient(WithEnv(Env{})); err == nil || !strings.Contains(err.Error(), "no credentials") {
		t.Errorf("an environment without credentials: %v", err)
	}
}

// Of WithBaseURL and WithRegion, the last one given chooses the host.
func TestLastHostOptionWins(t *testing.T) {
	clearRegionEnv(t)
	creds := WithCredentials(testAccountSID, testSecret)
	for _, tt := range []struct {
		opts []Option
		want string
	}{
		{[]Option{WithRegion("au1", ""), WithBaseURL("http://127.0.0.1:1")}, "http://127.0.0.1:1"},
		{[]Option{WithBaseURL("http://127.0.0.1:1"), WithRegion("au1", "")}, "https://insights.sydney.au1.twilio.com"},
		{[]Option{WithBaseURL("http://127.0.0.1:1"), WithRegion("", "")}, DefaultBaseURL},
	} {
		c, err := NewClient(append(tt.opts, creds)...)
		checkHost(t, c, err, tt.want)
	}
}

// Every option that cannot be applied says so before any request.
func TestOptionsFailBeforeSending(t *testing.T) {
	hs := newHarness(t, serve(http.StatusOK, fixture(t, "carrier.json")))
	ctx := context.Background()
	for name, err := range map[string]error{
		"WithPollInterval(0)":       second(hs.c.WaitForComplete(ctx, testCallSID, WithPollInterval(0))),
		"WithPartialHandler(nil)":   second(hs.c.WaitForComplete(ctx, testCallSID, WithPartialHandler(nil))),
		"WithProcessingState(all)":  second(hs.c.FetchSummary(ctx, testCallSID, WithProcessingState("all"))),
		"WithRetry(negative)":       second(NewClient(WithCredentials(testAccountSID, testSecret), WithRetry(RetryPolicy{MaxAttempts: -1}))),
		"WithHTTPClient(nil)":       second(NewClient(WithCredentials(testAccountSID, testSecret), WithHTTPClient(nil))),
		"WithRegion(xx9)":           second(NewClient(WithCredentials(testAccountSID, testSecret), WithRegion("xx9", ""))),
		"WithTransportMiddleware()": second(NewClient(WithCredentials(testAccountSID, testSecret), WithTransportMiddleware(nil))),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	hs.wantHits(0)
}

func second[T any](_ T, err error) error { return err }

// A nil Client answers every method with an error or a zero value, never a
// panic, and names the package when printed.
func TestNilClient(t *testing.T) {
	var c *Client
	if got := c.BaseURL(); got != "" {
		t.Errorf("BaseURL() = %q", got)
	}
	for _, verb := range []string{"%v", "%s", "%#v", "%+v"} {
		if got := fmt.Sprintf(verb, c); got != "callsummary.Client(nil)" {
			t.Errorf("%s: %q", verb, got)
		}
	}
	ctx := context.Background()
	for name, err := range map[string]error{
		"FetchSummary":     second(c.FetchSummary(ctx, testCallSID)),
		"WaitForComplete":  second(c.WaitForComplete(ctx, testCallSID)),
		"FetchAnnotation":  second(c.FetchAnnotation(ctx, testCallSID)),
		"UpdateAnnotation": second(c.UpdateAnnotation(ctx, testCallSID, AnnotationUpdate{Spam: new(true)})),
		"FetchSummaryPage": second(c.FetchSummaryPage(ctx, ListFilter{}, "")),
	} {
		if err == nil || !strings.Contains(err.Error(), "nil or zero Client") {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, err := range c.ListSummaries(ctx, ListFilter{}) {
		if err == nil {
			t.Error("ListSummaries on a nil Client yielded a summary")
		}
	}
}
