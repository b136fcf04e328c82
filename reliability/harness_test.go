package reliability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/internal/syncbuf"
	"github.com/voiceinsights/callsummary/internal/testkit"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The sentinel credentials: the sandbox accepts them, and no error, log line
// or printed value may ever contain the token or the Authorization value
// built from it.
const (
	sentinelToken = "SENTINEL-S3CR3T-7d41c9aa"
	accountSID    = sandbox.AccountSID
	// carrierSID is the sandbox's carrier call, the summary most faults mangle.
	carrierSID = "CAd45ec3c4af38967de454f9e45bb1cef4"
)

// secretForms are the strings that must never leak.
func secretForms() []string { return secrets.Forms() }

// secrets is the sentinel token in every form that must never leak.
var secrets = testkit.NewSecrets(accountSID, sentinelToken)

// validator is parsed once for the package.
var validator = sync.OnceValues(conformance.NewValidator)

// fastRetry keeps waits around a millisecond; MaxAttempts stays the default.
func fastRetry() callsummary.RetryPolicy {
	return callsummary.RetryPolicy{InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}
}

// syncBuffer collects log output written from several goroutines.
type syncBuffer = syncbuf.Buffer

func debugLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newSandbox starts the sandbox with the sentinel token, logging its requests
// to logs, and closes it when the test ends.
func newSandbox(t testing.TB, logs *syncBuffer) *sandbox.Server {
	t.Helper()
	srv, err := sandbox.NewServer(sandbox.WithCredentials(accountSID, sentinelToken),
		sandbox.WithLogger(debugLogger(logs)))
	if err != nil {
		t.Fatalf("sandbox.NewServer: %v", err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// clientRig is a Client with its own transport (no idle connection is
// shared between tests), a count of the round trips leaving it, and its
// debug log.
type clientRig struct {
	client     *callsummary.Client
	opts       []callsummary.Option
	logs       *syncBuffer
	roundTrips atomic.Int64
}

// newClient points a Client at baseURL with the sentinel credentials. hc
// may carry a Timeout; its transport is replaced by a fresh one.
func newClient(t testing.TB, baseURL string, logs *syncBuffer, hc *http.Client, extra ...callsummary.Option) *clientRig {
	t.Helper()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	if hc == nil {
		hc = &http.Client{}
	}
	hc.Transport = tr
	r := &clientRig{logs: logs}
	count := func(next http.RoundTripper) http.RoundTripper {
		return roundTripFunc(func(req *http.Request) (*http.Response, error) {
			r.roundTrips.Add(1)
			return next.RoundTrip(req)
		})
	}
	r.opts = append([]callsummary.Option{
		callsummary.WithBaseURL(baseURL),
		callsummary.WithCredentials(accountSID, sentinelToken),
		callsummary.WithHTTPClient(hc),
		callsummary.WithLogger(debugLogger(logs)),
		callsummary.WithRetry(fastRetry()),
		callsummary.WithTransportMiddleware(count),
	}, extra...)
	c, err := callsummary.NewClient(r.opts...)
	if err != nil {
		t.Fatalf("callsummary.NewClient: %v", err)
	}
	r.client = c
	return r
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// assertNoSecret fails if s holds the token in any form.
func assertNoSecret(t testing.TB, what, s string) {
	t.Helper()
	secrets.AssertAbsent(t, what, s)
}

// sweepSecrets searches everything a fault case produced for the token: the
// error, the client's and the sandbox's debug logs, the client and each of
// its options, printed every way.
func sweepSecrets(t testing.TB, err error, logs *syncBuffer, r *clientRig) {
	t.Helper()
	if err != nil {
		secrets.AssertNotPrinted(t, "error", err)
	}
	assertNoSecret(t, "debug log", logs.String())
	secrets.AssertNotPrinted(t, "client", r.client)
	for i, o := range r.opts {
		secrets.AssertNotPrinted(t, fmt.Sprintf("option %d", i), o)
	}
}

// retryLines counts the client's "retrying" debug lines.
func retryLines(logs *syncBuffer) int {
	return strings.Count(logs.String(), "callsummary: retrying")
}

// waitFor polls cond until it holds or d passes.
func waitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// withTimeout is context.WithTimeout that cancels at the end of the test.
func withTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func readCloser(b []byte) io.ReadCloser { return io.NopCloser(bytes.NewReader(b)) }
