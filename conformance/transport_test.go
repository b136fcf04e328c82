package conformance

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const summaryPath = "/v1/Voice/" + validCallSID + "/Summary"

// serveBody starts a loopback server answering every request with status
// and body as application/json, and counts the requests.
func serveBody(t *testing.T, status int, body []byte) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// validBody is Twilio's documented example with a valid call_sid.
func validBody(t *testing.T) []byte {
	t.Helper()
	return bytes.Replace(readTestdata(t, "seed/fetch.json"), []byte("CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), []byte(validCallSID), 1)
}

// recorder collects what a Transport reports.
type recorder struct {
	mu   sync.Mutex
	errs []error
}

func (r *recorder) report(_ context.Context, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, err)
}

func (r *recorder) reported() []error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errs)
}

func get(t *testing.T, rt http.RoundTripper, url string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth("ACe268443e43d93dab7ebef303bbe9642f", "s3cr3t-auth-token")
	return rt.RoundTrip(req)
}

func readAll(t *testing.T, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return b
}

// A valid response reaches the caller byte for byte, whitespace included,
// and nothing is reported.
func TestTransportPassesValidResponseUnchanged(t *testing.T) {
	v := newTestValidator(t)
	body := append([]byte("  \n"), validBody(t)...)
	srv, _ := serveBody(t, http.StatusOK, body)
	for name, opts := range map[string][]TransportOption{"report": nil, "fail": {FailOnViolation()}} {
		t.Run(name, func(t *testing.T) {
			var rec recorder
			resp, err := get(t, NewTransport(v, nil, append(opts, OnViolation(rec.report))...), srv.URL+summaryPath)
			if err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			if got := readAll(t, resp); !bytes.Equal(got, body) {
				t.Errorf("body changed:\n got %q\nwant %q", got, body)
			}
			if errs := rec.reported(); len(errs) != 0 {
				t.Errorf("reported %v for a valid response", errs)
			}
		})
	}
}

// Report mode: the violation is reported and the response passes through.
func TestTransportReportModePassesViolationThrough(t *testing.T) {
	v := newTestValidator(t)
	body := readTestdata(t, "negative/call_type_pstn.json")
	srv, _ := serveBody(t, http.StatusOK, body)
	var rec recorder
	resp, err := get(t, NewTransport(v, nil, OnViolation(rec.report)), srv.URL+summaryPath)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(readAll(t, resp), body) {
		t.Error("the response did not pass through unchanged")
	}
	errs := rec.reported()
	if len(errs) != 1 {
		t.Fatalf("reported %d errors, want 1: %v", len(errs), errs)
	}
	if got := asValidationError(t, errs[0]).Pointers(); !slices.Equal(got, []string{"/call_type"}) {
		t.Errorf("reported violations at %v, want [/call_type]", got)
	}
}

// closeTracker records whether the response body it hands out was closed.
type closeTracker struct {
	next   http.RoundTripper
	closed atomic.Bool
	read   atomic.Int64
}

func (c *closeTracker) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err == nil {
		resp.Body = &trackedBody{ReadCloser: resp.Body, c: c}
	}
	return resp, err
}

type trackedBody struct {
	io.ReadCloser
	c *closeTracker
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.c.read.Add(int64(n))
	return n, err
}

func (b *trackedBody) Close() error {
	b.c.closed.Store(true)
	return b.ReadCloser.Close()
}

// Fail mode: RoundTrip returns the *ValidationError and closes the body.
func TestTransportFailModeReturnsViolation(t *testing.T) {
	v := newTestValidator(t)
	srv, _ := serveBody(t, http.StatusOK, readTestdata(t, "negative/to_location_lat_string.json"))
	tracker := &closeTracker{next: http.DefaultTransport}
	resp, err := get(t, NewTransport(v, tracker, FailOnViolation()), srv.URL+summaryPath)
	if err == nil || resp != nil {
		t.Fatalf("RoundTrip = %v, %v; want nil and an error", resp, err)
	}
	if got := asValidationError(t, err).Pointers(); !slices.Equal(got, []string{"/to/location/lat"}) {
		t.Errorf("violations at %v, want [/to/location/lat]", got)
	}
	if !tracker.closed.Load() {
		t.Error("the response body was not closed")
	}
}

// A request the document forbids is reported; in fail mode it is not sent.
func TestTransportValidatesRequests(t *testing.T) {
	v := newTestValidator(t)
	cases := map[string]struct{ path, pointer string }{
		"undocumented ProcessingState": {summaryPath + "?ProcessingState=all", "parameter ProcessingState"},
		"CallSid not a call SID":       {"/v1/Voice/CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Summary", "parameter CallSid"},
		"no such operation":            {"/v1/Voice/" + validCallSID + "/Events", "path"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			srv, hits := serveBody(t, http.StatusOK, validBody(t))
			_, err := get(t, NewTransport(v, nil, FailOnViolation()), srv.URL+tc.path)
			if got := asValidationError(t, err).Pointers(); !slices.Equal(got, []string{tc.pointer}) {
				t.Errorf("violations at %v, want [%s]", got, tc.pointer)
			}
			if hits.Load() != 0 {
				t.Error("fail mode sent a request that violates the document")
			}

			var rec recorder
			resp, err := get(t, NewTransport(v, nil, OnViolation(rec.report)), srv.URL+tc.path)
			if err != nil {
				t.Fatalf("report mode: %v", err)
			}
			_ = readAll(t, resp)
			if hits.Load() != 1 || len(rec.reported()) != 1 {
				t.Errorf("report mode: %d requests sent, %d reports; want the request sent and reported once", hits.Load(), len(rec.reported()))
			}
		})
	}
}

// endless streams a JSON-looking body that never ends, until the client goes.
func endless(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	chunk := bytes.Repeat([]byte("0123456789abcdef"), 4096)
	for r.Context().Err() == nil {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

// A body over the 10 MiB cap is not validated and no more than the cap (+1
// byte, to know it is over) is read; in report mode the caller still gets
// the whole stream, from its first byte.
func TestTransportBodyOverCap(t *testing.T) {
	v := newTestValidator(t)
	srv := httptest.NewServer(http.HandlerFunc(endless))
	t.Cleanup(srv.Close)

	t.Run("report", func(t *testing.T) {
		tracker := &closeTracker{next: &http.Transport{}}
		var rec recorder
		resp, err := get(t, NewTransport(v, tracker, OnViolation(rec.report)), srv.URL+summaryPath)
		if err != nil {
			t.Fatalf("RoundTrip: %v", err)
		}
		defer resp.Body.Close()
		if n := tracker.read.Load(); n != maxValidatedBody+1 {
			t.Errorf("the transport read %d bytes, want the cap + 1 = %d", n, maxValidatedBody+1)
		}
		if errs := rec.reported(); len(errs) != 1 || !errors.Is(errs[0], ErrBodyTooLarge) {
			t.Errorf("reported %v, want ErrBodyTooLarge", errs)
		}
		buf := make([]byte, maxValidatedBody+64<<10)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			t.Fatalf("reading past the cap: %v", err)
		}
		if want := bytes.Repeat([]byte("0123456789abcdef"), len(buf)/16); !bytes.Equal(buf, want) {
			t.Error("the stream the caller reads is not the server's")
		}
	})
	t.Run("fail", func(t *testing.T) {
		tracker := &closeTracker{next: &http.Transport{}}
		_, err := get(t, NewTransport(v, tracker, FailOnViolation()), srv.URL+summaryPath)
		if !errors.Is(err, ErrBodyTooLarge) {
			t.Fatalf("RoundTrip error %v, want ErrBodyTooLarge", err)
		}
		if n := tracker.read.Load(); n > maxValidatedBody+1 {
			t.Errorf("the transport read %d bytes, more than the cap + 1", n)
		}
		if !tracker.closed.Load() {
			t.Error("the response body was not closed")
		}
	})
}

// A body cut short is not a violation: the caller reads the same bytes and
// the same error it would have read without the transport.
func TestTransportTruncatedBodyPassesThrough(t *testing.T) {
	v := newTestValidator(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte(`{"call_sid":`))
	}))
	t.Cleanup(srv.Close)
	var rec recorder
	resp, err := get(t, NewTransport(v, nil, FailOnViolation(), OnViolation(rec.report)), srv.URL+summaryPath)
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if string(got) != `{"call_sid":` || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read %q, %v; want the 12 bytes sent and io.ErrUnexpectedEOF", got, err)
	}
	if errs := rec.reported(); len(errs) != 0 {
		t.Errorf("reported %v for a broken stream", errs)
	}
}

// The log of a violation names where and why, never a credential nor a
// value of from/to.
func TestTransportLogOmitsCredentialsAndPII(t *testing.T) {
	const phone = "+15555550199"
	v := newTestValidator(t)
	body := bytes.Replace(readTestdata(t, "negative/to_location_lat_string.json"), []byte(`"42.3601"`), []byte(`"`+phone+`"`), 1)
	srv, _ := serveBody(t, http.StatusOK, body)
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	resp, err := get(t, NewTransport(v, nil, LogViolationsTo(logger)), srv.URL+summaryPath+"?ProcessingState=partial")
	if err != nil {
		t.Fatalf("RoundTrip: %v", err)
	}
	_ = readAll(t, resp)
	out := logs.String()
	if !strings.Contains(out, "/to/location/lat") || !strings.Contains(out, `"status":200`) {
		t.Errorf("the log does not say where: %s", out)
	}
	for _, secret := range []string{"5555550199", "s3cr3t", "Basic ", "ProcessingState"} {
		if strings.Contains(out, secret) {
			t.Errorf("the log carries %q: %s", secret, out)
		}
	}
}

func TestTransportZeroValueFails(t *testing.T) {
	if _, err := get(t, &Transport{}, "http://127.0.0.1:1"+summaryPath); err == nil {
		t.Error("a zero Transport sent a request")
	}
}

// Middleware wraps whatever transport a client hands it.
func TestMiddlewareWrapsNext(t *testing.T) {
	v := newTestValidator(t)
	srv, _ := serveBody(t, http.StatusOK, readTestdata(t, "negative/tags_object.json"))
	tracker := &closeTracker{next: http.DefaultTransport}
	rt := v.Middleware(FailOnViolation())(tracker)
	_, err := get(t, rt, srv.URL+summaryPath)
	if got := asValidationError(t, err).Pointers(); !slices.Equal(got, []string{"/tags"}) {
		t.Errorf("violations at %v, want [/tags]", got)
	}
	if tracker.read.Load() == 0 {
		t.Error("the next transport was not used")
	}
}
