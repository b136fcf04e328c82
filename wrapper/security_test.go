package callsummary

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRedirectAuthorization(t *testing.T) {
	body := fixture(t, "carrier.json")
	var otherAuth, sameAuth string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth = r.Header.Get("Authorization")
		serve(http.StatusOK, body)(w, r)
	}))
	defer other.Close()
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/moved"):
			sameAuth = r.Header.Get("Authorization")
			serve(http.StatusOK, body)(w, r)
		case r.URL.Query().Get("ProcessingState") == "partial":
			http.Redirect(w, r, "/moved", http.StatusFound)
		default: // same IP, another port: another host for credentials
			http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
		}
	})
	if _, err := hs.fetch(context.Background(), testCallSID); err != nil {
		t.Fatal(err)
	}
	if otherAuth != "" {
		t.Errorf("Authorization sent to another host: %q", otherAuth)
	}
	if _, err := hs.fetch(context.Background(), testCallSID, WithProcessingState(ProcessingStatePartial)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sameAuth, "Basic ") {
		t.Error("Authorization dropped on a same-host redirect")
	}
}

func TestRedirectLoopIsTyped(t *testing.T) {
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.String(), http.StatusFound)
	})
	_, err := hs.fetch(context.Background(), testCallSID)
	if !errors.Is(err, ErrTooManyRedirects) || !strings.Contains(err.Error(), "/v1/Voice/"+testCallSID+"/Summary") {
		t.Fatalf("err = %v, want ErrTooManyRedirects naming the last URL", err)
	}
	hs.wantHits(10) // followed, then given up; not retried
}

func TestUserCheckRedirectStillRuns(t *testing.T) {
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}, WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}))
	_, err := hs.fetch(context.Background(), testCallSID)
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusFound {
		t.Fatalf("err = %v, want the 302 as *APIError", err)
	}
	hs.wantHits(1)
}

func TestHTTPClientCopiedWithDefaults(t *testing.T) {
	user := &http.Client{}
	c, err := NewClient(WithCredentials(testAccountSID, testSecret), WithHTTPClient(user))
	if err != nil {
		t.Fatal(err)
	}
	if user.Timeout != 0 || user.Transport != nil || user.CheckRedirect != nil {
		t.Error("the caller's http.Client was modified")
	}
	if c.doer.hc.Timeout != DefaultTimeout {
		t.Errorf("Timeout = %v, want %v", c.doer.hc.Timeout, DefaultTimeout)
	}
	c2, err := NewClient(WithCredentials(testAccountSID, testSecret), WithHTTPClient(&http.Client{Timeout: 5 * time.Second}))
	if err != nil {
		t.Fatal(err)
	}
	if c2.doer.hc.Timeout != 5*time.Second {
		t.Errorf("caller's Timeout not kept: %v", c2.doer.hc.Timeout)
	}
	c3, err := NewClient(WithCredentials(testAccountSID, testSecret))
	if err != nil {
		t.Fatal(err)
	}
	if c3.doer.hc.Timeout != DefaultTimeout {
		t.Errorf("default client Timeout = %v", c3.doer.hc.Timeout)
	}
	if _, err := NewClient(WithCredentials(testAccountSID, testSecret), WithHTTPClient(nil)); err == nil {
		t.Error("WithHTTPClient(nil) accepted")
	}
}

func TestTransportMiddleware(t *testing.T) {
	var order []string
	layer := func(name string) func(http.RoundTripper) http.RoundTripper {
		return func(next http.RoundTripper) http.RoundTripper {
			return roundTripFunc(func(r *http.Request) (*http.Response, error) {
				order = append(order, name)
				r.Header.Set("X-Layer-"+name, "1")
				return next.RoundTrip(r)
			})
		}
	}
	hs := newHarness(t, sequence(serve(503, nil), func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Layer-inner") == "" || r.Header.Get("X-Layer-outer") == "" {
			t.Error("middleware headers missing")
		}
		serve(http.StatusOK, fixture(t, "carrier.json"))(w, r)
	}), WithTransportMiddleware(layer("inner")), WithTransportMiddleware(layer("outer")))
	if _, err := hs.fetch(context.Background(), testCallSID); err != nil {
		t.Fatal(err)
	}
	// Every attempt passes through both layers, the last added first.
	if got := strings.Join(order, ","); got != "outer,inner,outer,inner" {
		t.Errorf("order %s", got)
	}
	for _, mw := range []func(http.RoundTripper) http.RoundTripper{nil, func(http.RoundTripper) http.RoundTripper { return nil }} {
		if _, err := NewClient(WithCredentials(testAccountSID, testSecret), WithTransportMiddleware(mw)); err == nil {
			t.Error("bad middleware accepted")
		}
	}
}

// clearRegionEnv keeps a developer's TWILIO_REGION/TWILIO_EDGE out of tests
// that expect the default host.
func clearRegionEnv(t *testing.T) {
	t.Setenv(EnvRegion, "")
	t.Setenv(EnvEdge, "")
	t.Setenv(EnvBaseURL, "")
}

func TestNilOptionsIgnored(t *testing.T) {
	clearRegionEnv(t)
	c, err := NewClient(nil, WithCredentials(testAccountSID, testSecret), nil, WithLogger(nil))
	if err != nil || c.BaseURL() != DefaultBaseURL {
		t.Fatalf("NewClient with nil options: %v", err)
	}
}

func TestBaseURLRules(t *testing.T) {
	for _, tt := range []struct {
		raw, want string
		ok        bool
	}{
		{"https://insights.twilio.com", "https://insights.twilio.com", true},
		{"https://proxy.example.com/twilio/", "https://proxy.example.com/twilio", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080", true},
		{"http://127.9.9.9", "http://127.9.9.9", true},
		{"http://localhost:4010", "http://localhost:4010", true},
		{"http://[::1]:4010", "http://[::1]:4010", true},
		{"http://insights.twilio.com", "", false},
		{"http://10.0.0.1", "", false},
		{"http://localhost.example.com", "", false},
		{"http://127.0.0.1.nip.io", "", false},
		{"ftp://127.0.0.1", "", false},
		{"https://AC123:" + testSecret + "@insights.twilio.com", "", false},
		{"https://insights.twilio.com/?x=1", "", false},
		{"insights.twilio.com", "", false},
		{"://bad", "", false},
	} {
		c, err := NewClient(WithCredentials(testAccountSID, testSecret), WithBaseURL(tt.raw))
		if tt.ok != (err == nil) {
			t.Errorf("%q: err = %v, want ok %v", tt.raw, err, tt.ok)
			continue
		}
		assertErrNoSecret(t, err)
		if err == nil && c.BaseURL() != tt.want {
			t.Errorf("%q: BaseURL() = %q, want %q", tt.raw, c.BaseURL(), tt.want)
		}
	}
}

func TestRegionHostRule(t *testing.T) {
	for _, tt := range []struct {
		region, edge, want string
	}{
		{"", "", "https://insights.twilio.com"},
		{"ie1", "", "https://insights.dublin.ie1.twilio.com"},
		{"au1", "", "https://insights.sydney.au1.twilio.com"},
		{"jp2", "", "https://insights.osaka.jp2.twilio.com"},
		{"us2", "", "https://insights.umatilla.us2.twilio.com"},
		{"IE1", "", "https://insights.dublin.ie1.twilio.com"},
		{"ie1", "frankfurt", "https://insights.frankfurt.ie1.twilio.com"},
		{"", "sydney", "https://insights.sydney.us1.twilio.com"},
		{"xx9", "", ""},
		{"us1.evil.com/", "", ""},
		{"us1", "ash burn", ""},
		{"-us1", "", ""},
	} {
		name := tt.region + "/" + tt.edge
		t.Run("option "+name, func(t *testing.T) {
			t.Setenv(EnvRegion, "de1") // the option wins over the environment
			c, err := NewClient(WithCredentials(testAccountSID, testSecret), WithRegion(tt.region, tt.edge))
			checkHost(t, c, err, tt.want)
		})
		t.Run("env "+name, func(t *testing.T) {
			t.Setenv(EnvRegion, tt.region)
			t.Setenv(EnvEdge, tt.edge)
			c, err := NewClient(WithCredentials(testAccountSID, testSecret))
			checkHost(t, c, err, tt.want)
			if err != nil && !strings.Contains(err.Error(), EnvRegion) {
				t.Errorf("error does not name the variable: %v", err)
			}
		})
	}
	t.Run("base URL wins", func(t *testing.T) {
		t.Setenv(EnvRegion, "ie1")
		c, err := NewClient(WithCredentials(testAccountSID, testSecret), WithRegion("au1", ""), WithBaseURL("http://127.0.0.1:1"))
		checkHost(t, c, err, "http://127.0.0.1:1")
	})
	if e, ok := DefaultEdge("SG1"); !ok || e != "singapore" {
		t.Errorf("DefaultEdge(SG1) = %q %v", e, ok)
	}
}

func checkHost(t *testing.T, c *Client, err error, want string) {
	t.Helper()
	if want == "" {
		if err == nil {
			t.Fatalf("accepted, BaseURL %q", c.BaseURL())
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != want {
		t.Errorf("BaseURL() = %q, want %q", c.BaseURL(), want)
	}
}

func TestCredentialsFromEnvironment(t *testing.T) {
	vars := []string{EnvAccountSID, EnvAuthToken, EnvAPIKey, EnvAPISecret}
	for _, tt := range []struct {
		name     string
		env      map[string]string
		opts     []Option
		wantUser string
		wantErr  []string
	}{
		{"account pair", map[string]string{EnvAccountSID: testAccountSID, EnvAuthToken: testSecret}, nil, testAccountSID, nil},
		{"api key pair", map[string]string{EnvAPIKey: testAPIKey, EnvAPISecret: testAPISecret}, nil, testAPIKey, nil},
		{"both pairs: api key wins", map[string]string{EnvAccountSID: testAccountSID, EnvAuthToken: testSecret, EnvAPIKey: testAPIKey, EnvAPISecret: testAPISecret}, nil, testAPIKey, nil},
		{"option wins", map[string]string{EnvAPIKey: testAPIKey, EnvAPISecret: testAPISecret}, []Option{WithCredentials(testAccountSID, testSecret)}, testAccountSID, nil},
		{"last option wins", nil, []Option{WithCredentials(testAccountSID, testSecret), WithAPIKey(testAPIKey, testAPISecret)}, testAPIKey, nil},
		{"half pair with a full pair", map[string]string{EnvAccountSID: testAccountSID, EnvAPIKey: testAPIKey, EnvAPISecret: testAPISecret}, nil, testAPIKey, nil},
		{"none", nil, nil, "", vars},
		{"empty values are unset", map[string]string{EnvAccountSID: "", EnvAuthToken: "", EnvAPIKey: "", EnvAPISecret: ""}, nil, "", vars},
		{"half pair", map[string]string{EnvAccountSID: testAccountSID}, nil, "", []string{"TWILIO_ACCOUNT_SID is set but TWILIO_AUTH_TOKEN is empty"}},
		{"half key pair", map[string]string{EnvAPISecret: testAPISecret}, nil, "", []string{"TWILIO_API_SECRET is set but TWILIO_API_KEY is empty"}},
		{"empty option secret", nil, []Option{WithCredentials(testAccountSID, "")}, "", []string{"empty secret"}},
		{"empty option SID", nil, []Option{WithAPIKey("", testAPISecret)}, "", []string{"empty SID"}},
		{"colon in SID", nil, []Option{WithAPIKey("SK:x", testAPISecret)}, "", []string{"':'"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, v := range vars {
				t.Setenv(v, tt.env[v])
			}
			var gotUser string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				gotUser, _, _ = r.BasicAuth()
				serve(http.StatusOK, fixture(t, "carrier.json"))(w, r)
			}))
			defer srv.Close()
			c, err := NewClient(append([]Option{WithBaseURL(srv.URL)}, tt.opts...)...)
			assertErrNoSecret(t, err)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatal("no error")
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.FetchSummary(context.Background(), testCallSID); err != nil {
				t.Fatal(err)
			}
			if gotUser != tt.wantUser {
				t.Errorf("authenticated as %q, want %q", gotUser, tt.wantUser)
			}
		})
	}
}

// TestSecretNeverPrinted prints the client, its options and its parts with
// every verb a log statement might use.
func TestSecretNeverPrinted(t *testing.T) {
	clearRegionEnv(t)
	opts := []Option{WithCredentials(testAccountSID, testSecret), WithAPIKey(testAPIKey, testAPISecret)}
	for _, o := range opts {
		c, err := NewClient(o)
		if err != nil {
			t.Fatal(err)
		}
		var s settings
		_ = o(&s)
		values := []any{c, *c, o, opts, s, &s, s.creds, *s.creds, c.doer, c.creds}
		for _, v := range values {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%T"} {
				assertNoSecret(t, fmt.Sprintf("%s of %T", verb, v), fmt.Sprintf(verb, v))
			}
		}
		if got := c.String(); !strings.Contains(got, redacted) || !strings.Contains(got, "insights.twilio.com") {
			t.Errorf("String() = %q, want host and redaction", got)
		}
	}
}
