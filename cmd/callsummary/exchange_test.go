package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// -v prints each HTTP exchange: method, URL without user info or query,
// status, request id and time; never a credential, never a phone number.
func TestVerbose(t *testing.T) {
	f := newFakeTwilio(t,
		reply{status: 503, body: `{"code":20503,"message":"Service Unavailable","status":503}`, header: map[string]string{"Retry-After": "0"}},
		reply{status: 200, body: `{"call_summaries":[],"meta":{"next_page_url":null}}`, header: map[string]string{"Twilio-Request-Id": "RQ0123456789abcdef0123456789abcdef"}})
	vars := map[string]string{"TWILIO_API_KEY": "SK00000000000000000000000000000000", "TWILIO_API_SECRET": "very-secret-value"}
	r := runCLI(t, t.Context(), vars, "", "list", "-v", "--base-url", f.URL, "--from", "+14155550143", "--call-type", "sip")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := regexp.MustCompile(`^callsummary: #1 GET ` + regexp.QuoteMeta(f.URL) + `/v1/Voice/Summaries\n` +
		`callsummary: #1 503 Service Unavailable in \S+, request id none\n` +
		`callsummary: retrying \(HTTP 503\); attempt 1 of 4; next try in .*\n` +
		`callsummary: #2 GET ` + regexp.QuoteMeta(f.URL) + `/v1/Voice/Summaries\n` +
		`callsummary: #2 200 OK in \S+, request id RQ0123456789abcdef0123456789abcdef\n$`)
	if !want.MatchString(r.stderr) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	for _, secret := range []string{"very-secret-value", "4155550143", "From=", "CallType=", basicAuth(vars["TWILIO_API_KEY"], vars["TWILIO_API_SECRET"])} {
		if strings.Contains(r.stderr, secret) {
			t.Errorf("-v shows %q:\n%s", secret, r.stderr)
		}
	}
	// A failed exchange says so.
	r = runCLI(t, t.Context(), twilioEnv, "", "fetch", "-v", "--timeout", "2s", "--base-url", "http://127.0.0.1:1", readmeSID)
	if r.code != exitNo || !regexp.MustCompile(`callsummary: #1 failed after \S+: .*connection refused`).MatchString(r.stderr) {
		t.Errorf("exit %d:\n%s", r.code, r.stderr)
	}
}

// -v shows what a server chose only in Twilio's forms: a request id, a
// status text or a redirect's path that echoes the credential or a number
// is not printed, nor is a transport error's quote of a header.
func TestVerboseHidesWhatTheServerEchoes(t *testing.T) {
	vars := map[string]string{"TWILIO_API_KEY": "SK00000000000000000000000000000000", "TWILIO_API_SECRET": "very-secret-value-0123"}
	basic := basicAuth(vars["TWILIO_API_KEY"], vars["TWILIO_API_SECRET"])
	f := newFakeTwilio(t,
		reply{status: 302, header: map[string]string{"Location": "/v1/Voice/Summaries/Basic%20" + basic + "/+14155550143", "Twilio-Request-Id": "RQ" + basic}},
		reply{status: 502, body: "<html>bad gateway</html>", header: map[string]string{"Twilio-Request-Id": basic}})
	r := runCLI(t, t.Context(), vars, "", "list", "-v", "--base-url", f.URL, "--from", "+14155550143")
	for _, leak := range []string{"very-secret-value", basic[:12], "4155550143"} {
		if strings.Contains(r.stderr, leak) {
			t.Errorf("-v shows %q:\n%s", leak, r.stderr)
		}
	}
	for _, w := range []string{"#1 302 Found in ", "request id (not in Twilio's form; not shown)", "#2 GET " + f.URL + "/… (a path the server chose; not shown)"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

// A reader that goes away ends list quietly with exit 0: the write to the
// closed pipe fails with EPIPE (main asks for that instead of SIGPIPE),
// and no further page is fetched. The built binary runs it under bash in
// TestBinaryPipeToHead.
func TestListReaderGoesAway(t *testing.T) {
	f := newFakeList(t, 4000, 1000)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	pr.Close() // the reader is gone before the first write
	var errb strings.Builder
	code := run(t.Context(), []string{"list", "--base-url", f.URL, "--page-size", "1000"}, strings.NewReader(""), pw, &errb, func(k string) string { return twilioEnv[k] })
	pw.Close()
	if code != exitOK || errb.String() != "" {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if n := len(f.seen()); n != 1 {
		t.Errorf("%d pages fetched after the reader went away, want 1", n)
	}
}
