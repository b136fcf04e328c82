package sandbox

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
	"syscall"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

const faultSID = "CAd45ec3c4af38967de454f9e45bb1cef4" // the carrier call

// faultGet sends one authenticated GET for faultSID with ctx and returns the
// response (nil on error), its body and the first error, from Do or from
// reading the body.
func faultGet(ctx context.Context, t *testing.T, srv *Server, sid string) (*http.Response, []byte, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+sandboxPath(sid), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(srv.Handler().AccountSID(), srv.Handler().AuthToken())
	resp, err := srv.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

// faulted starts a sandbox whose next request for faultSID suffers f.
func faulted(t *testing.T, f Fault) *Server {
	t.Helper()
	srv := newSandbox(t)
	if err := srv.Handler().Inject(faultSID, f); err != nil {
		t.Fatal(err)
	}
	return srv
}

func twilioCode(t *testing.T, body []byte) int {
	t.Helper()
	var e gen.Error
	if err := wirejson.Unmarshal(body, &e); err != nil || e.Code == nil {
		t.Fatalf("not a Twilio error body: %v (%q)", err, body)
	}
	return *e.Code
}

func TestFaultTooManyRequests(t *testing.T) {
	for name, retryAfter := range map[string]string{"seconds": "2", "http-date": "Fri, 27 Nov 2026 08:00:00 GMT", "none": ""} {
		t.Run(name, func(t *testing.T) {
			srv := faulted(t, Fault{Kind: FaultTooManyRequests, RetryAfter: retryAfter})
			resp, body, err := faultGet(t.Context(), t, srv, faultSID)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != http.StatusTooManyRequests || twilioCode(t, body) != 20429 {
				t.Fatalf("status %d body %s", resp.StatusCode, body)
			}
			if got, present := resp.Header["Retry-After"]; (retryAfter == "") == present || (present && got[0] != retryAfter) {
				t.Errorf("Retry-After %q, want %q", got, retryAfter)
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			if err := sandboxValidator(t).ValidateResponse(resp.Request, resp); err != nil {
				t.Error(err)
			}
			// The fault is consumed: the next request is served.
			if resp, _, err := faultGet(t.Context(), t, srv, faultSID); err != nil || resp.StatusCode != http.StatusOK {
				t.Errorf("after the fault: %v %v", resp, err)
			}
		})
	}
}

func TestFaultServerErrors(t *testing.T) {
	for _, status := range []int{0, 500, 502, 503, 504} {
		srv := faulted(t, Fault{Kind: FaultServerError, Status: status, RetryAfter: "1"})
		resp, body, err := faultGet(t.Context(), t, srv, faultSID)
		if err != nil {
			t.Fatal(err)
		}
		want, wantCode := max(status, 500), 20500
		if status == 503 {
			wantCode = 20503
		}
		if resp.StatusCode != want || twilioCode(t, body) != wantCode || resp.Header.Get("Retry-After") != "1" {
			t.Errorf("Status %d: got %d %s Retry-After %q", status, resp.StatusCode, body, resp.Header.Get("Retry-After"))
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("Status %d: Content-Type %q", status, ct)
		}
	}
}

func isReset(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.Contains(err.Error(), "reset") || strings.Contains(err.Error(), "EOF")
}

func TestFaultReset(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultReset})
	resp, _, err := faultGet(t.Context(), t, srv, faultSID)
	if err == nil || !isReset(err) {
		t.Fatalf("got %v, %v; want a reset", resp, err)
	}
	if resp != nil {
		t.Errorf("a response came through a reset: %d", resp.StatusCode)
	}
}

// What FaultReset's doc warns about: on a reused connection net/http retries
// the GET once, so one reset is invisible to the client and costs a request.
func TestFaultResetOnAReusedConnectionIsRetriedByNetHTTP(t *testing.T) {
	srv := newSandbox(t)
	sandboxFetch(t, srv, sandboxPath(faultSID)) // leaves an idle keep-alive connection
	if err := srv.Handler().Inject(faultSID, Fault{Kind: FaultReset}); err != nil {
		t.Fatal(err)
	}
	resp, _, err := faultGet(t.Context(), t, srv, faultSID)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v: net/http no longer retries; update FaultReset's doc", resp, err)
	}
	if n := srv.Handler().RequestsFor(faultSID); n != 3 {
		t.Errorf("%d requests, want 3 (warm-up, reset, retry)", n)
	}
	// Scripted twice, the retry meets the second reset on a new connection.
	if err := srv.Handler().Inject(faultSID, Fault{Kind: FaultReset}, Fault{Kind: FaultReset}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := faultGet(t.Context(), t, srv, faultSID); err == nil || !isReset(err) {
		t.Errorf("err %v, want a reset", err)
	}
}

func TestFaultResetMidBody(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultResetMidBody})
	resp, body, err := faultGet(t.Context(), t, srv, faultSID)
	if err == nil || !isReset(err) {
		t.Fatalf("got %d bytes, %v; want a reset", len(body), err)
	}
	if resp == nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the headers did not arrive before the reset: %v", err)
	}
	if full, _ := srv.Handler().Fixture(faultSID, gen.ProcessingStateComplete); len(body) >= len(full) {
		t.Errorf("read %d of %d bytes despite the reset", len(body), len(full))
	}
}

func TestFaultTruncated(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultTruncated})
	resp, body, err := faultGet(t.Context(), t, srv, faultSID)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err %v, want io.ErrUnexpectedEOF", err)
	}
	full, _ := srv.Handler().Fixture(faultSID, gen.ProcessingStateComplete)
	if resp.ContentLength != int64(len(full)) || !bytes.Equal(body, full[:len(full)/2]) {
		t.Errorf("Content-Length %d, read %d bytes; want %d declared, half sent", resp.ContentLength, len(body), len(full))
	}
}

// A stall delays the whole answer, a slow body its second half: both then
// deliver the fixture.
func TestFaultDelaysThenDelivers(t *testing.T) {
	for _, kind := range []FaultKind{FaultStall, FaultSlowBody} {
		const delay = 150 * time.Millisecond
		srv := faulted(t, Fault{Kind: kind, Delay: delay})
		start := time.Now()
		resp, body, err := faultGet(t.Context(), t, srv, faultSID)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %v %v", kind, resp, err)
		}
		if elapsed := time.Since(start); elapsed < delay {
			t.Errorf("%s: body complete after %v, before the delay", kind, elapsed)
		}
		if want, _ := srv.Handler().Fixture(faultSID, gen.ProcessingStateComplete); !bytes.Equal(body, want) {
			t.Errorf("%s: not the fixture", kind)
		}
	}
}

func TestFaultStallHonoursTheClientDeadline(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultStall}) // until the client gives up
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	_, _, err := faultGet(ctx, t, srv, faultSID)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want the deadline", err)
	}
	closeWithin(t, srv, time.Second)
}

func TestFaultSlowBodyHonoursClientCancel(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultSlowBody, Delay: time.Hour})
	ctx, cancel := context.WithCancel(t.Context())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+sandboxPath(faultSID), nil)
	req.SetBasicAuth(srv.Handler().AccountSID(), srv.Handler().AuthToken())
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err = io.ReadAll(resp.Body)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("the read ended %v after cancel", elapsed)
	}
	// The handler noticed the client leaving: Close does not wait an hour.
	closeWithin(t, srv, 2*time.Second)
}

func TestFaultHTMLError(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultHTMLError})
	resp, body, err := faultGet(t.Context(), t, srv, faultSID)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("Content-Type") != "text/html" || !bytes.Contains(body, []byte("<title>502 Bad Gateway</title>")) {
		t.Errorf("%d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestFaultInvalidJSON(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultInvalidJSON})
	resp, body, err := faultGet(t.Context(), t, srv, faultSID)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%v %v", resp, err)
	}
	var v any
	var syntax *jsontext.SyntacticError
	if err := wirejson.Unmarshal(body, &v); err == nil || (!errors.As(err, &syntax) && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "unexpected end")) {
		t.Errorf("decoding gave %v, want a syntax error", err)
	}
}

func TestFaultSchemaViolation(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultSchemaViolation})
	resp, body, err := faultGet(t.Context(), t, srv, faultSID)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", resp, err)
	}
	verr := sandboxValidator(t).ValidateSummary(body)
	var ve *conformance.ValidationError
	if !errors.As(verr, &ve) {
		t.Fatalf("ValidateSummary: %v, want a ValidationError", verr)
	}
	got := ve.Pointers()
	slices.Sort(got)
	if !slices.Equal(got, []string{"/call_type", "/duration"}) {
		t.Errorf("violations at %v, want /call_type and /duration", got)
	}
}

func TestFaultOversize(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultOversize})
	resp, body, err := faultGet(t.Context(), t, srv, faultSID)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("%v %v", resp, err)
	}
	if resp.ContentLength != -1 {
		t.Errorf("Content-Length %d declared; the cap must be found by counting", resp.ContentLength)
	}
	if len(body) != 11<<20 || !wirejson.Valid(body) {
		t.Errorf("%d bytes, valid JSON %v; want 11 MiB of JSON", len(body), wirejson.Valid(body))
	}
	if err := sandboxValidator(t).ValidateSummary(body); err != nil {
		t.Errorf("the oversize body is only too big, yet: %v", err)
	}
}

func TestFaultRedirectToAnotherHostDropsCredentials(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultRedirect})
	resp, body, err := faultGet(t.Context(), t, srv, faultSID)
	if err != nil {
		t.Fatal(err)
	}
	// net/http follows to localhost and, the host being another, drops
	// Authorization: the sandbox refuses the second request.
	if !strings.HasPrefix(resp.Request.URL.Host, "localhost:") || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("ended at %s with %d %s", resp.Request.URL, resp.StatusCode, body)
	}
	if n := srv.Handler().RequestsFor(faultSID); n != 2 {
		t.Errorf("%d requests, want the original and the followed one", n)
	}

	// A client that does not follow sees the 3xx and where it points.
	srv = faulted(t, Fault{Kind: FaultRedirect, Status: 302, Location: "https://example.invalid/x"})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Transport: srv.Client().Transport}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+sandboxPath(faultSID), nil)
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "https://example.invalid/x" {
		t.Errorf("%d Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestFaultEmptyBody(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultEmptyBody})
	resp, body, err := faultGet(t.Context(), t, srv, faultSID)
	if err != nil || resp.StatusCode != http.StatusOK || len(body) != 0 || resp.ContentLength != 0 {
		t.Fatalf("%v %d bytes %v", resp, len(body), err)
	}
}

// Faults stand for the network: they strike before authentication.
func TestFaultStrikesBeforeAuthentication(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultServerError, Status: 503})
	_, resp, _ := sandboxFetchAs(t, srv, sandboxPath(faultSID), "", "")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d, want the fault's 503", resp.StatusCode)
	}
}

func TestFaultScriptsAreConsumedInOrderAndCounted(t *testing.T) {
	srv := newSandbox(t)
	const other = "CA06b15d3af713e318d123274a98d70bc9"
	if err := srv.Handler().Inject(faultSID, Fault{Kind: FaultTooManyRequests}, Fault{Kind: FaultServerError, Status: 502}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Handler().Inject(AnySID, Fault{Kind: FaultServerError, Status: 504}); err != nil {
		t.Fatal(err)
	}
	if srv.Handler().PendingFaults(faultSID) != 2 || srv.Handler().PendingFaults(AnySID) != 1 {
		t.Fatalf("pending %d and %d", srv.Handler().PendingFaults(faultSID), srv.Handler().PendingFaults(AnySID))
	}
	var got []int
	for _, sid := range []string{faultSID, faultSID, faultSID, faultSID, other} {
		_, resp, _ := sandboxFetch(t, srv, sandboxPath(sid))
		got = append(got, resp.StatusCode)
	}
	// The SID's own script first, then the global one, then normal service.
	if want := []int{429, 502, 504, 200, 200}; !slices.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	sandboxFetch(t, srv, "/v1/Voice/nothing")
	if srv.Handler().Requests() != 6 || srv.Handler().RequestsFor(faultSID) != 4 || srv.Handler().RequestsFor(other) != 1 {
		t.Errorf("counted %d total, %d and %d", srv.Handler().Requests(), srv.Handler().RequestsFor(faultSID), srv.Handler().RequestsFor(other))
	}
	if srv.Handler().PendingFaults(faultSID) != 0 || srv.Handler().PendingFaults(AnySID) != 0 {
		t.Error("faults left over")
	}
	srv.Handler().ResetFaults()
	if srv.Handler().Requests() != 0 || srv.Handler().RequestsFor(faultSID) != 0 {
		t.Error("ResetFaults kept the counters")
	}
}

// InjectRandom is reproducible from its seed and near its probability.
func TestFaultRandomIsSeededAndProportionate(t *testing.T) {
	run := func(seed uint64) []int {
		h := newTestHandler(t)
		if err := h.InjectRandom(seed, 0.3, Fault{Kind: FaultServerError}, Fault{Kind: FaultTooManyRequests}); err != nil {
			t.Fatal(err)
		}
		statuses := make([]int, 400)
		for i := range statuses {
			req := httptest.NewRequest(http.MethodGet, sandboxPath(faultSID), nil)
			req.SetBasicAuth(h.AccountSID(), h.AuthToken())
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			statuses[i] = rec.Code
		}
		return statuses
	}
	a, b := run(42), run(42)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different faults")
	}
	counts := map[int]int{}
	for _, s := range a {
		counts[s]++
	}
	faults := counts[500] + counts[429]
	if faults < 80 || faults > 160 || counts[500] == 0 || counts[429] == 0 || faults+counts[200] != len(a) {
		t.Errorf("with p=0.3 over %d requests: %v", len(a), counts)
	}
	if slices.Equal(a, run(43)) {
		t.Error("another seed gave the same faults")
	}
}

func TestFaultInjectRefusesNonsense(t *testing.T) {
	h := newTestHandler(t)
	for name, f := range map[string]Fault{
		"no kind":          {},
		"unknown kind":     {Kind: FaultKind(99)},
		"server error 404": {Kind: FaultServerError, Status: 404},
		"redirect 200":     {Kind: FaultRedirect, Status: 200},
		"html 200":         {Kind: FaultHTMLError, Status: 200},
		"negative delay":   {Kind: FaultSlowBody, Delay: -time.Second},
	} {
		if err := h.Inject(faultSID, f); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if h.PendingFaults(faultSID) != 0 {
		t.Error("a refused fault was scripted")
	}
	if err := h.InjectRandom(1, 1.5, Fault{Kind: FaultReset}); err == nil {
		t.Error("p=1.5 accepted")
	}
	if err := h.InjectRandom(1, 0.5); err == nil {
		t.Error("p>0 with no faults accepted")
	}
}

func TestFaultKindsAreNamed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range FaultKinds() {
		name := k.String()
		if name == "" || strings.HasPrefix(name, "FaultKind(") || seen[name] {
			t.Errorf("kind %d named %q", int(k), name)
		}
		seen[name] = true
	}
	if len(seen) != 13 {
		t.Errorf("%d kinds", len(seen))
	}
}

// Every kind, each on a connection of its own, then Close: no goroutine
// (server, handler or client) is left, which newSandbox's cleanup checks.
func TestFaultEveryKindLeavesNothingBehind(t *testing.T) {
	srv := newSandbox(t)
	for _, k := range FaultKinds() {
		f := Fault{Kind: k, Delay: 10 * time.Millisecond, Size: 1 << 20}
		if err := srv.Handler().Inject(faultSID, f); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		_, _, _ = faultGet(ctx, t, srv, faultSID)
		cancel()
	}
	if srv.Handler().PendingFaults(faultSID) != 0 {
		t.Errorf("%d faults not consumed", srv.Handler().PendingFaults(faultSID))
	}
}

func closeWithin(t *testing.T, srv *Server, d time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("Close took over %v: a handler did not notice its client leave", d)
	}
}

func TestFaultRequestLogNamesTheFault(t *testing.T) {
	var logs bytes.Buffer
	srv := newSandbox(t, WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err := srv.Handler().Inject(faultSID, Fault{Kind: FaultTruncated}, Fault{Kind: FaultTooManyRequests}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		_, _, _ = faultGet(t.Context(), t, srv, faultSID)
	}
	// A truncating handler logs after its client has already seen the cut
	// connection; Close waits for every handler, so the log is complete.
	srv.Close()
	out := logs.String()
	for _, want := range []string{"status=0 fault=truncated", "status=429 fault=too_many_requests", "status=200 fault=none"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

// Close ends a request stalled for good: the server closes its connection,
// which cancels the handler's context.
func TestFaultStallEndsOnClose(t *testing.T) {
	srv := faulted(t, Fault{Kind: FaultStall})
	errc := make(chan error, 1)
	go func() {
		_, _, err := faultGet(context.Background(), t, srv, faultSID)
		errc <- err
	}()
	for srv.Handler().RequestsFor(faultSID) == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	closeWithin(t, srv, 2*time.Second)
	select {
	case err := <-errc:
		if err == nil {
			t.Error("the stalled request succeeded after Close")
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the client still waits after Close")
	}
}
