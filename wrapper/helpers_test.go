package callsummary

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/internal/syncbuf"
	"github.com/voiceinsights/callsummary/internal/testkit"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// The sentinel secret: no error, log line or printed value may contain it,
// nor the base64 Authorization value built from it.
const (
	testAccountSID = "AC0123456789abcdef0123456789abcdef"
	testSecret     = "s3cr3t-SENTINEL-9f2c71e0"
	testAPIKey     = "SK0123456789abcdef0123456789abcdef"
	testAPISecret  = "k3y-SENTINEL-5b8a44d1"
	testCallSID    = "CAd45ec3c4af38967de454f9e45bb1cef4"
)

// secrets are the strings that must never leak.
var secrets = testkit.NewSecrets(testAccountSID, testSecret, testAPIKey, testAPISecret)

// secretForms are the strings that must never leak.
func secretForms() []string { return secrets.Forms() }

func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	secrets.AssertAbsent(t, what, s)
}

// assertErrNoSecret checks an error under every verb a caller might log it with.
func assertErrNoSecret(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		secrets.AssertNotPrinted(t, "error", err)
	}
}

// syncBuffer collects log output written from several goroutines.
type syncBuffer = syncbuf.Buffer

// harness is a loopback server and a Client pointed at it with the sentinel
// credentials, a debug logger and fast retries.
type harness struct {
	t    *testing.T
	srv  *httptest.Server
	c    *Client
	hits atomic.Int32
	logs *syncBuffer

	mu     sync.Mutex
	sleeps []time.Duration
	offset time.Duration // fake time advanced by fake sleeps
	reqs   []*http.Request
}

func newHarness(t *testing.T, h http.HandlerFunc, opts ...Option) *harness {
	t.Helper()
	hs := &harness{t: t, logs: &syncBuffer{}}
	hs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hs.hits.Add(1)
		hs.mu.Lock()
		hs.reqs = append(hs.reqs, r.Clone(context.Background()))
		hs.mu.Unlock()
		if u, p, ok := r.BasicAuth(); !ok || u != testAccountSID || p != testSecret {
			t.Errorf("request %d: wrong or missing basic auth", n)
		}
		h(w, r)
	}))
	t.Cleanup(hs.srv.Close)
	base := []Option{
		WithBaseURL(hs.srv.URL),
		WithCredentials(testAccountSID, testSecret),
		WithLogger(slog.New(slog.NewJSONHandler(hs.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
		WithRetry(RetryPolicy{InitialBackoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond}),
	}
	c, err := NewClient(append(base, opts...)...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	hs.c = c
	t.Cleanup(func() {
		assertNoSecret(t, "log output", hs.logs.String())
		assertNoSecret(t, "client %+v", fmt.Sprintf("%+v", hs.c))
	})
	return hs
}

// fakeSleep makes waits instant and recorded; the client's clock advances
// by each wait, so budgets and deadlines still apply.
func (hs *harness) fakeSleep() {
	start := time.Now()
	hs.c.clock.now = func() time.Time {
		hs.mu.Lock()
		defer hs.mu.Unlock()
		return start.Add(hs.offset + time.Since(start))
	}
	hs.c.clock.sleep = func(ctx context.Context, d time.Duration) error {
		hs.mu.Lock()
		hs.sleeps = append(hs.sleeps, d)
		hs.offset += d
		hs.mu.Unlock()
		return ctx.Err()
	}
}

func (hs *harness) recordedSleeps() []time.Duration {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]time.Duration(nil), hs.sleeps...)
}

func (hs *harness) requests() []*http.Request {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]*http.Request(nil), hs.reqs...)
}

// fetch calls FetchSummary and checks the error for secrets.
func (hs *harness) fetch(ctx context.Context, sid string, opts ...FetchOption) (*Summary, error) {
	hs.t.Helper()
	s, err := hs.c.FetchSummary(ctx, sid, opts...)
	assertErrNoSecret(hs.t, err)
	return s, err
}

func (hs *harness) wantHits(n int) {
	hs.t.Helper()
	if got := int(hs.hits.Load()); got != n {
		hs.t.Errorf("server saw %d requests, want %d", got, n)
	}
}

// retryLines counts the debug lines logged for retries.
func (hs *harness) retryLines() int {
	n := 0
	for _, line := range strings.Split(hs.logs.String(), "\n") {
		if strings.Contains(line, `"msg":"callsummary: retrying"`) {
			if !strings.Contains(line, `"level":"DEBUG"`) {
				hs.t.Errorf("retry logged above debug: %s", line)
			}
			n++
		}
	}
	return n
}

// fixtures names the document's example behind each test body. The
// WhatsApp call is the carrier example with call_type whatsapp and every
// edge null: Twilio documents no WhatsApp example or edges.
var fixtures = map[string]string{
	"seed_complete.json":  "SeedComplete",
	"seed_partial.json":   "SeedPartial",
	"carrier.json":        "CarrierCall",
	"sip.json":            "SIPCall",
	"trunking.json":       "TrunkingCall",
	"client.json":         "ClientCall",
	"client_partial.json": "PartialClientCall",
	"whatsapp.json":       "CarrierCall",
}

// whatsappSID is the WhatsApp test call's SID.
const whatsappSID = "CA5f1e2d3c4b5a69788796a5b4c3d2e1f0"

// fixture returns a test body, derived from the document's examples.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	example, ok := fixtures[name]
	if !ok {
		t.Fatalf("no fixture %s", name)
	}
	body := testkit.Example(t, example)
	if name != "whatsapp.json" {
		return body
	}
	var m map[string]any
	if err := wirejson.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	m["call_type"], m["call_sid"] = "whatsapp", whatsappSID
	for _, edge := range []string{"carrier_edge", "client_edge", "sdk_edge", "sip_edge"} {
		m[edge] = nil
	}
	return testkit.MustJSON(t, m)
}

// withFields returns body with top-level keys replaced (nil writes null).
// deleteField, as a value given to withFields, removes the field.
var deleteField = &struct{}{}

func withFields(t *testing.T, body []byte, fields map[string]any) []byte {
	t.Helper()
	var m map[string]any
	if err := wirejson.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		if v == deleteField {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	out, err := wirejson.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func serve(status int, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

// sequence answers request n with handlers[n], repeating the last one.
func sequence(handlers ...http.HandlerFunc) http.HandlerFunc {
	var n atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		handlers[min(i, len(handlers)-1)](w, r)
	}
}

var twilio404 = []byte(`{"code":20404,"message":"The requested resource /v1/Voice/CAd45ec3c4af38967de454f9e45bb1cef4/Summary was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`)

func twilioError(status, code int, msg string) []byte { return testkit.TwilioError(status, code, msg) }

// sidOf is the call_sid of a summary body: the SID to ask for, since the
// client refuses a summary of another call (testCallSID when it has none).
func sidOf(t testing.TB, body []byte) string {
	t.Helper()
	var head struct {
		CallSID *string `json:"call_sid"`
	}
	if err := wirejson.Unmarshal(body, &head); err != nil || head.CallSID == nil {
		return testCallSID
	}
	return *head.CallSID
}
