package callsummary

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// What a hostile server or proxy does with the credentials it sees, and
// what must never come of it. Each test below failed before the client
// redacted and bounded what it keeps of a response.

// basicValue is the base64 Authorization value of the test credentials.
var basicValue = base64.StdEncoding.EncodeToString([]byte(testAccountSID + ":" + testSecret))

// A secret that straddles the excerpt's cut is redacted whole: the body is
// redacted before it is cut, and a long run of a secret counts as the
// secret.
func TestAPIErrorExcerptNeverHoldsHalfASecret(t *testing.T) {
	for _, secret := range []string{testSecret, basicValue} {
		for _, at := range []int{excerptBytes - 10, excerptBytes - len(secret)/2, excerptBytes - 1} {
			body := "<html>" + strings.Repeat("x", at-len("<html>")) + secret + strings.Repeat("y", 300) + "</html>"
			hs := newHarness(t, serve(http.StatusBadGateway, []byte(body)), WithRetry(RetryPolicy{MaxAttempts: 1}))
			_, err := hs.fetch(context.Background(), testCallSID)
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %v", err)
			}
			if strings.Contains(ae.Body, secret[:minSecretRun]) || strings.Contains(ae.Body, secret[len(secret)-minSecretRun:]) {
				t.Errorf("a secret cut at %d leaves part of it: %q", at, ae.Body)
			}
		}
	}
	// Half a secret, as a proxy that truncates headers would echo it.
	half := testSecret[:len(testSecret)/2+2]
	hs := newHarness(t, serve(http.StatusBadGateway, []byte("<p>token="+half+"</p>")), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := hs.fetch(context.Background(), testCallSID)
	if strings.Contains(err.Error(), half[:minSecretRun]) {
		t.Errorf("a long run of the secret survives: %v", err)
	}

	// The same in Twilio's JSON error body: message, more_info and details
	// are redacted as the excerpt is.
	body := fmt.Sprintf(`{"code":20001,"message":"bad token=%s","more_info":"https://www.twilio.com/docs/errors/20001?t=%s","status":400,"details":{"echo":"%s","%s":1}}`,
		half, half, half, half)
	hs = newHarness(t, serve(http.StatusBadRequest, []byte(body)), WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err = hs.fetch(context.Background(), testCallSID)
	ae, ok := errors.AsType[*APIError](err)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if text := fmt.Sprintf(verb, ae); strings.Contains(text, half[:minSecretRun]) {
			t.Errorf("%s of a JSON error body holds part of the secret: %s", verb, text)
		}
	}
	if ae.Code != 20001 {
		t.Errorf("code %d: redaction must leave the rest of the body readable", ae.Code)
	}
}

// A proxy that echoes the Authorization header into a redirect's Location
// puts the credential in net/http's error: the client's error, its debug
// log and the *url.Error inside must not carry it, nor the query.
func TestRedirectEchoingTheCredentialIsRedacted(t *testing.T) {
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
		// Port 1 refuses: the client's last word is a transport error
		// naming this URL.
		w.Header().Set("Location", "http://127.0.0.1:1/echo/"+url.PathEscape(auth)+"?From=%2B15555550199&auth="+url.QueryEscape(auth))
		w.WriteHeader(http.StatusFound)
	}, WithRetry(RetryPolicy{MaxAttempts: 2, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	_, err := hs.fetch(context.Background(), testCallSID)
	if err == nil {
		t.Fatal("no error")
	}
	for what, text := range map[string]string{"error": err.Error(), "log": hs.logs.String()} {
		assertNoSecret(t, what, text)
		if strings.Contains(text, basicValue[:minSecretRun]) || strings.Contains(text, "5555550199") {
			t.Errorf("%s holds the credential or the query: %s", what, text)
		}
	}
	var ue *url.Error
	if errors.As(err, &ue) && (strings.Contains(ue.URL, "From=") || strings.Contains(ue.URL, basicValue[:minSecretRun])) {
		t.Errorf("the *url.Error inside holds %q", ue.URL)
	}
}

// The too-many-redirects error names the last URL without its query: it
// can hold an echoed credential, or a list's From and To.
func TestTooManyRedirectsShowsNoQuery(t *testing.T) {
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Path+"?To=%2B15555550123&n="+r.URL.Query().Get("n")+"x", http.StatusFound)
	})
	_, err := hs.fetch(context.Background(), testCallSID)
	if !errors.Is(err, ErrTooManyRedirects) || strings.Contains(err.Error(), "5555550123") || strings.Contains(err.Error(), "To=") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(hs.logs.String(), "5555550123") {
		t.Errorf("the log holds the query: %s", hs.logs.String())
	}
}

// A value that does not fit its type is never quoted in an error: not in a
// decode error, not in an issue.
func TestDecodeErrorsQuoteNoValue(t *testing.T) {
	const value = "+15555550142 " + testSecret
	// A number out of range: the decoder's own message quotes it.
	hs := newHarness(t, serve(http.StatusOK, []byte(`{"call_sid":"`+testCallSID+`","call_score":15555550142e30}`)))
	_, err := hs.c.FetchAnnotation(context.Background(), testCallSID)
	var de *DecodeError
	if !errors.As(err, &de) || de.Pointer != "/call_score" {
		t.Fatalf("err = %v, want a *DecodeError at /call_score", err)
	}
	if strings.Contains(err.Error(), "5555550142") {
		t.Errorf("the error quotes the value: %v", err)
	}
	s, err := ParseSummary([]byte(`{"start_time":"` + value + `","duration":1` + strings.Repeat("0", 30) + `}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, is := range s.DecodeIssues() {
		if strings.Contains(is.String(), "5555550142") || strings.Contains(is.String(), strings.Repeat("0", 30)) {
			t.Errorf("the issue quotes the value: %s", is)
		}
	}
}

// A summary or annotation naming another call than the one asked for is
// refused, typed: a proxy or a cache mixed up responses.
func TestResponseOfAnotherCallIsRefused(t *testing.T) {
	other := "CA06b15d3af713e318d123274a98d70bc9"
	hs := newHarness(t, serve(http.StatusOK, withFields(t, fixture(t, "carrier.json"), map[string]any{"call_sid": other})))
	if _, err := hs.fetch(context.Background(), testCallSID); !errors.Is(err, ErrWrongCall) || !strings.Contains(err.Error(), other) {
		t.Errorf("FetchSummary: %v", err)
	}
	hs = newHarness(t, serve(http.StatusOK, []byte(`{"call_sid":"`+other+`"}`)))
	if _, err := hs.c.FetchAnnotation(context.Background(), testCallSID); !errors.Is(err, ErrWrongCall) {
		t.Errorf("FetchAnnotation: %v", err)
	}
	// The same SID in other case is the same call; a null one cannot tell.
	hs = newHarness(t, serve(http.StatusOK, withFields(t, fixture(t, "carrier.json"), map[string]any{"call_sid": strings.ToUpper(testCallSID[2:])})))
	if _, err := hs.fetch(context.Background(), testCallSID); !errors.Is(err, ErrWrongCall) || strings.Contains(err.Error(), "D45EC3C4") {
		t.Errorf("a call_sid that is not a SID: %v", err)
	}
	hs = newHarness(t, serve(http.StatusOK, withFields(t, fixture(t, "carrier.json"), map[string]any{"call_sid": "CA" + strings.ToUpper(testCallSID[2:])})))
	if _, err := hs.fetch(context.Background(), testCallSID); err != nil {
		t.Errorf("the SID in upper case: %v", err)
	}
}

// Server text in an *APIError is made printable: escape sequences from a
// hostile server never reach a terminal through an error message.
func TestAPIErrorTextIsPrintable(t *testing.T) {
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Twilio-Request-Id", "RQ"+strings.Repeat("\u202e", 3)) // net/http refuses control bytes in headers
		serve(http.StatusNotFound, twilioError(404, 20404, "gone\x1b[2J\nVerdict: good"))(w, r)
	}, WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := hs.fetch(context.Background(), testCallSID)
	var ae *APIError
	if !errors.As(err, &ae) || strings.ContainsAny(err.Error(), "\x1b\x07\n\u202e") || strings.ContainsAny(ae.RequestID, "\u202e") {
		t.Errorf("control characters reach the error: %q", err)
	}
}

// A proxy that echoes the credential as a member name, or puts a party's
// number there, does not get either into a *DecodeError, a DecodeIssue or
// the Warn log: pointers are redacted and numbers in them masked.
func TestPointersHideEchoedSecretsAndNumbers(t *testing.T) {
	const phone = "14155550143"
	for name, body := range map[string]string{
		"syntax error under an echoed name": `{"call_sid":"` + testCallSID + `","` + testSecret + `":{"` + basicValue + `": tru}}`,
		"drift under an echoed map key":     `{"call_sid":"` + testCallSID + `","sdk_edge":{"events":{"levels":{"k-` + testSecret + `":"x"}}}}`,
		"drift under a number as map key":   `{"call_sid":"` + testCallSID + `","sdk_edge":{"events":{"levels":{"+` + phone + `":"x"}}}}`,
	} {
		t.Run(name, func(t *testing.T) {
			hs := newHarness(t, serve(http.StatusOK, []byte(body)), WithRetry(RetryPolicy{MaxAttempts: 1}))
			s, err := hs.fetch(context.Background(), testCallSID)
			assertErrNoSecret(t, err)
			var texts []string
			if err != nil {
				texts = append(texts, fmt.Sprintf("%v %+v %#v", err, err, err))
			}
			if s != nil {
				if len(s.DecodeIssues()) == 0 {
					t.Fatal("no issue for a value that does not fit")
				}
				for _, is := range s.DecodeIssues() {
					texts = append(texts, is.String())
				}
			}
			texts = append(texts, hs.logs.String())
			for _, text := range texts {
				assertNoSecret(t, "output", text)
				if strings.Contains(text, basicValue[:minSecretRun]) || strings.Contains(text, phone) {
					t.Errorf("holds the credential or the number: %s", text)
				}
			}
		})
	}
}

// A 400 that quotes the list's From and To filters back keeps neither in
// the *APIError: they are the caller's numbers, PII.
func TestAPIErrorHidesTheFiltersItQuotes(t *testing.T) {
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		msg := "Invalid From " + q.Get("From") + " or To " + q.Get("To")
		body := fmt.Sprintf(`{"code":20001,"message":%q,"more_info":"https://x/?%s","status":400,"details":{"from":%q}}`, msg, r.URL.RawQuery, q.Get("From"))
		serve(http.StatusBadRequest, []byte(body))(w, r)
	}, WithRetry(RetryPolicy{MaxAttempts: 1}))
	_, err := hs.c.FetchSummaryPage(context.Background(), ListFilter{From: "+14155550143", To: "client:alice-smith"}, "")
	ae, ok := errors.AsType[*APIError](err)
	if !ok || ae.Code != 20001 {
		t.Fatalf("err = %v", err)
	}
	text := fmt.Sprintf("%v %+v %#v", ae, ae, ae)
	for _, pii := range []string{"4155550143", "alice-smith", "alice%2Dsmith"} {
		if strings.Contains(text, pii) {
			t.Errorf("the error holds %q: %s", pii, text)
		}
	}
	if !strings.Contains(ae.Message, "Invalid From [REDACTED] or To [REDACTED]") {
		t.Errorf("message %q: the rest should stay readable", ae.Message)
	}
}

// A next_page_url is the server's text: a cursor refused for its host or
// path is not quoted, as it may echo the credential or hold a number.
func TestBadCursorIsNotQuoted(t *testing.T) {
	hs := newHarness(t, serve(http.StatusOK, []byte(`{}`)))
	for _, cursor := range []string{
		"https://evil.example/Basic%20" + url.PathEscape(basicValue) + "/v1/Voice/Summaries?PageToken=x",
		hs.srv.URL + "/v1/" + testSecret + "/Summaries?PageToken=x",
		hs.srv.URL + "/v1/Voice/Summaries/%2B14155550143",
	} {
		_, err := hs.c.FetchSummaryPage(context.Background(), ListFilter{}, cursor)
		if !errors.Is(err, ErrInvalidCursor) {
			t.Fatalf("%q: %v", cursor, err)
		}
		assertErrNoSecret(t, err)
		if text := fmt.Sprintf("%v %+v %#v", err, err, err); strings.Contains(text, basicValue[:minSecretRun]) || strings.Contains(text, "4155550143") {
			t.Errorf("the error quotes the cursor: %s", text)
		}
	}
	hs.wantHits(0)
}

// A redirect to plain http off loopback is refused before it is sent: its
// query (From and To) would cross a network in clear text.
func TestRedirectToClearTextIsRefused(t *testing.T) {
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://10.255.255.1/v1/Voice/Summaries?From=%2B14155550143", http.StatusFound)
	}, WithRetry(RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: time.Millisecond}))
	start := time.Now()
	_, err := hs.c.FetchSummaryPage(context.Background(), ListFilter{From: "+14155550143"}, "")
	if !errors.Is(err, ErrInsecureRedirect) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "4155550143") || time.Since(start) > 5*time.Second {
		t.Errorf("%v after %v", err, time.Since(start))
	}
	hs.wantHits(1) // not retried
}
