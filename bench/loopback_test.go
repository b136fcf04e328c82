package bench

import (
	"crypto/subtle"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
)

// Test credentials: twilio-go refuses any but letters and digits.
const (
	accountSID = "ACe268443e43d93dab7ebef303bbe9642f"
	authToken  = "0123456789abcdef0123456789abcdef"
)

// newLoopbackServer serves p's body at its summary path to requests with
// the test credentials, Twilio's 401 body otherwise, and 404 elsewhere: the
// one httptest server every fetch benchmark shares. It is closed with b.
func newLoopbackServer(tb testing.TB, p Payload) *httptest.Server {
	tb.Helper()
	path := "/v1/Voice/" + p.CallSID + "/Summary"
	length := strconv.Itoa(len(p.Body))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		if !ok || subtle.ConstantTimeCompare([]byte(user+":"+pass), []byte(accountSID+":"+authToken)) != 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`))
			return
		}
		if r.Method != http.MethodGet || r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", length)
		_, _ = w.Write(p.Body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// newTransport is the transport every contender gets: a fresh clone of
// http.DefaultTransport, so none shares a connection pool with another.
func newTransport(tb testing.TB) *http.Transport {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tb.Cleanup(tr.CloseIdleConnections)
	return tr
}

// rewriteHost sends every request to target's scheme and host instead of
// its own: how twilio-go, whose Insights service builds its URLs from the
// constant https://insights.twilio.com, is pointed at the loopback server.
// It copies the request and its URL (two small allocations per request) and
// leaves the caller's request untouched, as a RoundTripper must.
type rewriteHost struct {
	target *url.URL
	next   http.RoundTripper
}

func (t rewriteHost) RoundTrip(req *http.Request) (*http.Response, error) {
	r := *req
	u := *req.URL
	u.Scheme, u.Host = t.target.Scheme, t.target.Host
	r.URL, r.Host = &u, ""
	return t.next.RoundTrip(&r)
}

// mustPayload returns the named example, failing tb if it cannot.
func mustPayload(tb testing.TB, name string) Payload {
	tb.Helper()
	p, err := LoadPayload(name)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// mustValidator parses the document into a Validator, failing tb if it cannot.
func mustValidator(tb testing.TB) *conformance.Validator {
	tb.Helper()
	v, err := conformance.NewValidator()
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// fetchTimeout matches twilio-go's default client timeout, for all.
const fetchTimeout = 10 * time.Second
