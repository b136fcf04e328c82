package callsummary

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAPIErrorFromTwilioJSON(t *testing.T) {
	sentinels := []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited}
	tests := []struct {
		status   int
		body     []byte
		sentinel error
		code     int
		text     string
	}{
		{401, []byte(`{"status":401,"message":"Authenticate","code":20003,"more_info":"https://www.twilio.com/docs/errors/20003"}`),
			ErrUnauthorized, 20003, "twilio: 401 Unauthorized (code 20003): Authenticate; see https://www.twilio.com/docs/errors/20003"},
		{403, twilioError(403, 20403, "Forbidden"), ErrForbidden, 20403, "twilio: 403 Forbidden (code 20403): Forbidden; see "},
		{404, twilio404, ErrNotFound, 20404, "twilio: 404 Not Found (code 20404): The requested resource /v1/Voice/"},
		{429, twilioError(429, 20429, "Too Many Requests"), ErrRateLimited, 20429, "twilio: 429 Too Many Requests (code 20429)"},
		{400, []byte(`{"code":21211,"message":"Invalid","status":400,"details":{"field":"CallSid"}}`), nil, 21211, "twilio: 400 Bad Request (code 21211): Invalid"},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			hs := newHarness(t, serve(tt.status, tt.body), WithRetry(RetryPolicy{MaxAttempts: 1}))
			_, err := hs.fetch(context.Background(), testCallSID)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if ae.StatusCode != tt.status || ae.Code != tt.code || ae.Body != "" {
				t.Errorf("got %+v", ae)
			}
			if !strings.HasPrefix(err.Error(), tt.text) {
				t.Errorf("Error() = %q, want prefix %q", err.Error(), tt.text)
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tt.sentinel) {
					t.Errorf("errors.Is(err, %v) = %v", s, got)
				}
			}
		})
	}
	hs := newHarness(t, serve(400, tests[4].body))
	_, err := hs.fetch(context.Background(), testCallSID)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Details["field"] != "CallSid" {
		t.Errorf("Details not kept: %+v", ae)
	}
}

func TestAPIErrorFromNonJSONBody(t *testing.T) {
	html := "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
	hs := newHarness(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte(html))
	}, WithRetry(RetryPolicy{MaxAttempts: 2, InitialBackoff: 1, MaxBackoff: 1}))
	_, err := hs.fetch(context.Background(), testCallSID)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if ae.StatusCode != 502 || ae.Code != 0 || ae.Message != "" {
		t.Errorf("got %+v", ae)
	}
	if !strings.Contains(ae.Body, "<title>502 Bad Gateway</title>") || strings.ContainsAny(ae.Body, "\r\n") {
		t.Errorf("Body excerpt %q", ae.Body)
	}
	if !strings.HasPrefix(err.Error(), "twilio: 502 Bad Gateway: body \"<html>") {
		t.Errorf("Error() = %q", err.Error())
	}
	hs.wantHits(2)
}

func TestAPIErrorExcerptIsShortAndRedacted(t *testing.T) {
	// A proxy that echoes the request headers back in a long page.
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("echo: " + r.Header.Get("Authorization") + " secret=" + testSecret + " " + strings.Repeat("é", 5000)))
	})
	_, err := hs.fetch(context.Background(), testCallSID)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	if len(ae.Body) > excerptBytes+len("…") || !utf8.ValidString(ae.Body) || !strings.HasSuffix(ae.Body, "…") {
		t.Errorf("excerpt of %d bytes: %q", len(ae.Body), ae.Body)
	}
	if !strings.Contains(ae.Body, redacted) {
		t.Errorf("excerpt not redacted: %q", ae.Body)
	}
	// The JSON message is redacted too.
	hs2 := newHarness(t, serve(400, twilioError(400, 1, "bad token "+testSecret)))
	_, err = hs2.fetch(context.Background(), testCallSID)
	if !errors.As(err, &ae) || !strings.Contains(ae.Message, redacted) {
		t.Errorf("message not redacted: %v", err)
	}
}

func TestAPIErrorIsPointerOnly(t *testing.T) {
	e := &APIError{StatusCode: 404}
	if !errors.Is(e, ErrNotFound) || errors.Is(e, ErrForbidden) {
		t.Error("Is mismatch")
	}
	if got := (&APIError{StatusCode: 599}).Error(); got != "twilio: HTTP 599" {
		t.Errorf("unknown status: %q", got)
	}
}

func TestAPIErrorDetailsAreRedacted(t *testing.T) {
	// A proxy that echoes the Authorization header into Twilio's details.
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"code":20003,"message":"Authenticate","details":{"authorization":%q,"echo":[{"token":%q}],%q:1,"n":2}}`,
			auth, testSecret, testSecret)
	})
	_, err := hs.fetch(context.Background(), testCallSID)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Details == nil {
		t.Fatalf("err = %v, want an *APIError with details", err)
	}
	assertErrNoSecret(t, err)
	if ae.Details["n"] != float64(2) || ae.Details[redacted] != float64(1) {
		t.Errorf("details lost their other values: %v", ae.Details)
	}
}

// An *APIError keeps Twilio's request id and the response's headers, with
// the secret removed from every value and cookies left out.
func TestAPIErrorKeepsRequestIDAndHeaders(t *testing.T) {
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Twilio-Request-Id", "RQ0123456789abcdef0123456789abcdef")
		w.Header().Set("Set-Cookie", "session=abc")
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.Header().Set("X-Secret", "token="+testSecret)
		serve(http.StatusNotFound, twilio404)(w, r)
	}, WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := hs.fetch(context.Background(), testCallSID)
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want *APIError", err)
	}
	if ae.RequestID != "RQ0123456789abcdef0123456789abcdef" || !strings.HasSuffix(err.Error(), "(request RQ0123456789abcdef0123456789abcdef)") {
		t.Errorf("RequestID %q, Error() %q", ae.RequestID, err)
	}
	if ae.Header.Get("Content-Type") != "application/json" || ae.Header.Get("Set-Cookie") != "" {
		t.Errorf("Header = %v", ae.Header)
	}
	if got := ae.Header.Get("X-Secret"); got != "token=[REDACTED]" {
		t.Errorf("X-Secret = %q", got)
	}
	secrets.AssertNotPrinted(t, "APIError", ae)
	secrets.AssertNotPrinted(t, "APIError.Header", ae.Header)

	long := strings.Repeat("R", 300)
	hs = newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Twilio-Request-Id", long)
		serve(http.StatusNotFound, twilio404)(w, r)
	}, WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err = hs.fetch(context.Background(), testCallSID)
	if errors.As(err, &ae) && len(ae.RequestID) > maxRequestID+len("…") {
		t.Errorf("a %d-byte request id is kept whole", len(long))
	}
}
