package callsummary

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Fuzz targets. `make fuzz` runs each for FUZZTIME; plain `go test` runs
// their seeds. A crasher goes into testdata/fuzz/FuzzXxx/ as a seed.

// addBodySeeds seeds f with every summary body the repository holds: the
// document's examples, the sandbox's fixtures, Twilio's documented
// examples and the conformance suite's negative set, plus edge cases a
// decoder meets.
func addBodySeeds(f *testing.F, add func([]byte)) {
	f.Helper()
	for _, name := range slices.Sorted(maps.Keys(fixtures)) {
		add(fixture(f, name))
	}
	var files []string
	for _, glob := range []string{"../conformance/sandbox/fixtures/*.json",
		"../conformance/testdata/seed/*.json", "../conformance/testdata/negative/*.json"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			f.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		f.Fatalf("only %d seed files found", len(files))
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
	for _, s := range []string{"", " ", "{}", "null", "[]", `{"call_sid":null}`, `{"duration":1e400}`,
		`{"carrier_edge":{"metrics":{"inbound":{"jitter":{"avg":-1}}}}}`, `{"tags":["silence",null]}`, "{\"from\":\"\xff\"}"} {
		add([]byte(s))
	}
}

// exercise calls every accessor a user calls on a summary: none may panic.
func exercise(t *testing.T, s *Summary) {
	t.Helper()
	_ = s.IsComplete()
	for _, k := range []EdgeKind{EdgeCarrier, EdgeClient, EdgeSIP, EdgeSDK} {
		if e, ok := s.Edge(k); ok {
			_ = e.Metrics()
			_ = e.StreamMetrics(Inbound)
			_ = e.StreamMetrics(Outbound)
		}
	}
	_, _ = s.ExpectedEdges(), s.MissingEdges()
	for _, e := range s.Edges() {
		if e.Kind.String() == "" {
			t.Errorf("an edge with no name: %#v", e.Kind)
		}
	}
	for _, st := range s.Streams() {
		_, _ = st.PacketLossPercent()
		_, _, _, _ = st.Jitter(), st.Latency(), st.MOS(), st.RTT()
		if sev := st.Severity(); math.IsNaN(sev) {
			t.Errorf("stream %s: Severity is NaN", st)
		}
	}
	_, _ = s.WorstStream()
	for _, tag := range append(KnownTags(), "unknown") {
		_ = s.HasTag(tag)
	}
	_ = s.QualityTags()
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("summary", "s", s)
	if (s.From != nil || s.To != nil) && !strings.Contains(buf.String(), redacted) {
		t.Errorf("log of a summary with parties shows no %s: %s", redacted, buf.String())
	}
}

func FuzzParseSummary(f *testing.F) {
	addBodySeeds(f, func(b []byte) { f.Add(b) })
	// Values that do not fit, holding what looks like a number and a secret.
	f.Add([]byte(`{"start_time":"+15555550142 s3cr3t-SENTINEL","duration":15555550142e30,"call_score_long_name_x":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSummary(data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *DecodeError", err)
			}
			// Every JSON object decodes, possibly with issues: only a
			// body that is not one is an error. encoding/json is the
			// oracle of what JSON is (with invalid UTF-8 and duplicate
			// names allowed, as the SDK allows them).
			var anything any
			if obj := bytes.TrimLeft(data, " \t\r\n"); len(obj) > 0 && obj[0] == '{' && json.Unmarshal(data, &anything) == nil {
				t.Fatalf("%q is a JSON object, ParseSummary refuses it: %v", data, err)
			}
			if s != nil || de.StatusCode != http.StatusOK || de.Offset < -1 || de.Offset > int64(len(data)) {
				t.Fatalf("summary %v, DecodeError{Status %d, Offset %d} for %d bytes", s, de.StatusCode, de.Offset, len(data))
			}
			return
		}
		if !bytes.Equal(s.Raw(), data) {
			t.Fatal("Raw differs from the bytes parsed")
		}
		// Whatever did not fit is reported, boundedly, with its pointer.
		issues := s.DecodeIssues()
		if len(issues) > maxDecodeIssues+1 {
			t.Fatalf("%d issues", len(issues))
		}
		values := longValues(data)
		for _, is := range issues {
			if !errors.Is(is.Err, ErrUnexpectedValue) || (is.Pointer != "" && is.Pointer[0] != '/') {
				t.Fatalf("issue %v", is)
			}
			// An issue names where and why, never what: the value may be
			// a phone number or an echoed secret.
			for _, v := range values {
				if strings.Contains(is.Err.Error(), v) {
					t.Fatalf("issue at %s quotes the value %q: %v", is.Pointer, v, is.Err)
				}
			}
		}
		exercise(t, s)
	})
}

// fuzzServer is one loopback server per fuzzing process: each input sets
// the status and body it answers with next. A fuzz function runs inputs one
// at a time within a process.
type fuzzServer struct {
	srv    *httptest.Server
	hits   atomic.Int64
	mu     sync.Mutex
	status int
	body   []byte
}

func newFuzzServer(f *testing.F) *fuzzServer {
	fs := &fuzzServer{}
	fs.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fs.hits.Add(1)
		fs.mu.Lock()
		status, body := fs.status, fs.body
		fs.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	f.Cleanup(fs.srv.Close)
	return fs
}

func (fs *fuzzServer) answer(status int, body []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.status, fs.body = status, body
}

func fuzzClient(f *testing.F, base string) *Client {
	c, err := NewClient(WithBaseURL(base), WithCredentials(testAccountSID, testSecret),
		WithRetry(RetryPolicy{MaxAttempts: 1}), WithHTTPClient(&http.Client{Timeout: 5 * time.Second}))
	if err != nil {
		f.Fatal(err)
	}
	return c
}

// FuzzFetchSummary runs the whole FetchSummary path on arbitrary answers:
// whatever the status and body, the result is a summary of exactly those
// bytes or a typed error that holds no secret.
func FuzzFetchSummary(f *testing.F) {
	addBodySeeds(f, func(b []byte) { f.Add(uint16(200), b) })
	for _, st := range []uint16{201, 204, 301, 304, 400, 401, 404, 429, 500, 502, 503} {
		f.Add(st, []byte(`{"code":20404,"message":"The requested resource was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`))
		f.Add(st, []byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	}
	// A proxy echoing the request's Authorization header everywhere.
	auth := strings.TrimPrefix(mustCredentials(f).header(), "Basic ")
	f.Add(uint16(401), fmt.Appendf(nil, `{"code":20003,"message":"bad %s","more_info":"%s","details":{"authorization":"Basic %s","nested":[{"token":"%s"}]}}`, testSecret, auth, auth, testSecret))
	f.Add(uint16(502), fmt.Appendf(nil, "<html>Authorization: Basic %s</html>", auth))

	fs := newFuzzServer(f)
	c := fuzzClient(f, fs.srv.URL)
	f.Fuzz(func(t *testing.T, status uint16, body []byte) {
		code := int(status)
		if code < 200 || code > 599 { // no informational answers
			code = 200 + code%400
		}
		fs.answer(code, body)
		s, err := c.FetchSummary(context.Background(), testCallSID)
		assertErrNoSecret(t, err)
		var (
			ae *APIError
			de *DecodeError
		)
		switch {
		case err == nil:
			if code < 200 || code > 299 {
				t.Fatalf("status %d gave a summary", code)
			}
			if !bytes.Equal(s.Raw(), body) {
				t.Fatal("the summary's bytes differ from the body served")
			}
			exercise(t, s)
		case errors.As(err, &ae):
			if ae.StatusCode != code || code < 300 {
				t.Fatalf("APIError status %d for an answer %d", ae.StatusCode, code)
			}
			if !strings.Contains(err.Error(), strconv.Itoa(code)) {
				t.Errorf("message %q does not name the status %d", err, code)
			}
		case errors.As(err, &de):
			if de.StatusCode != code || code > 299 {
				t.Fatalf("DecodeError status %d for an answer %d", de.StatusCode, code)
			}
		case errors.Is(err, ErrWrongCall):
			if code > 299 || strings.Contains(err.Error(), "\x1b") {
				t.Fatalf("ErrWrongCall for an answer %d: %v", code, err)
			}
		default:
			t.Fatalf("untyped error for %d: %v", code, err)
		}
	})
}

func mustCredentials(f *testing.F) *credentials {
	c, err := newCredentials("account", testAccountSID, testSecret)
	if err != nil {
		f.Fatal(err)
	}
	return c
}

var callSIDPattern = regexp.MustCompile(`^CA[0-9a-fA-F]{32}$`)

// FuzzCallSID checks the SID check against the documented pattern, and
// that a refused SID sends nothing.
func FuzzCallSID(f *testing.F) {
	for _, s := range []string{testCallSID, "", "CA", "ca" + testCallSID[2:], testCallSID + "0", testCallSID[:33],
		"CA0123456789abcdef0123456789abcdeg", "CAd45ec3c4af38967de454f9e45bb1cef\u00e9", "CA../../../../../../../../../../..",
		"CA0123456789ABCDEF0123456789ABCDEF", "CA%2F23456789abcdef0123456789abcdef"} {
		f.Add(s)
	}
	fs := newFuzzServer(f)
	fs.answer(http.StatusNotFound, []byte(`{"code":20404,"message":"not found"}`))
	c := fuzzClient(f, fs.srv.URL)
	f.Fuzz(func(t *testing.T, sid string) {
		valid := callSIDPattern.MatchString(sid)
		err := ValidateCallSID(sid)
		if (err == nil) != valid {
			t.Fatalf("ValidateCallSID(%q) = %v, pattern match %v", sid, err, valid)
		}
		before := fs.hits.Load()
		_, err = c.FetchSummary(context.Background(), sid)
		sent := fs.hits.Load() - before
		switch {
		case !valid && (!errors.Is(err, ErrInvalidCallSID) || sent != 0):
			t.Fatalf("invalid SID %q: err %v, %d requests sent", sid, err, sent)
		case valid && (!errors.Is(err, ErrNotFound) || sent != 1):
			t.Fatalf("valid SID %q: err %v, %d requests sent", sid, err, sent)
		}
	})
}

// FuzzOptions feeds arbitrary values to the options that parse text or
// numbers: the base URL, region and edge, the processing state and the
// retry policy.
func FuzzOptions(f *testing.F) {
	f.Add("https://insights.twilio.com", "us1", "", "complete", 0, int64(0), int64(0), int64(0))
	f.Add("http://127.0.0.1:8080/prefix/", "ie1", "dublin", "partial", 1, int64(time.Millisecond), int64(time.Second), int64(time.Minute))
	f.Add("http://[::1]:1/", "", "sydney", "all", 4, int64(-1), int64(0), int64(0))
	f.Add("http://user:pass@localhost/", "US1", "ASHBURN", "Complete", -1, int64(math.MaxInt64), int64(math.MaxInt64), int64(1))
	f.Add("http://example.com", "evil.com/", "x@y", "partial\x00", math.MaxInt, int64(1), int64(math.MaxInt64/2+1), int64(0))
	f.Add("https://h/?q#f", "au1", "a-", "", 2, int64(time.Hour), int64(time.Second), int64(0))
	f.Add("", "", "", "", 0, int64(0), int64(0), int64(0))
	fs := newFuzzServer(f)
	fs.answer(http.StatusNotFound, []byte(`{"code":20404,"message":"not found"}`))
	c := fuzzClient(f, fs.srv.URL)
	creds := WithCredentials(testAccountSID, testSecret)
	f.Fuzz(func(t *testing.T, rawURL, region, edge, state string, attempts int, initial, maxBackoff, maxElapsed int64) {
		if cl, err := NewClient(creds, WithBaseURL(rawURL)); err == nil {
			u, perr := url.Parse(cl.BaseURL())
			switch {
			case perr != nil:
				t.Fatalf("accepted base URL %q gives %q, which does not parse: %v", rawURL, cl.BaseURL(), perr)
			case u.User != nil || u.RawQuery != "" || u.Fragment != "":
				t.Fatalf("accepted base URL %q keeps user info, a query or a fragment", rawURL)
			case u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname())):
				t.Fatalf("accepted base URL %q: clear text to a host that is not loopback", rawURL)
			}
		} else {
			assertErrNoSecret(t, err)
		}

		// Both empty is documented to mean Twilio's default host, whatever
		// TWILIO_REGION and TWILIO_EDGE say; anything else names a regional host.
		if cl, err := NewClient(creds, WithRegion(region, edge)); err != nil {
			assertErrNoSecret(t, err)
		} else if region == "" && edge == "" {
			if cl.BaseURL() != DefaultBaseURL {
				t.Fatalf(`WithRegion("", "") gives the base URL %q, want %q`, cl.BaseURL(), DefaultBaseURL)
			}
		} else {
			u, perr := url.Parse(cl.BaseURL())
			if perr != nil || u.Scheme != "https" || u.Path != "" || u.User != nil ||
				!strings.HasPrefix(u.Host, "insights.") || !strings.HasSuffix(u.Host, ".twilio.com") ||
				strings.Count(u.Host, ".") != 4 {
				t.Fatalf("WithRegion(%q, %q) gives the base URL %q", region, edge, cl.BaseURL())
			}
		}

		st := ProcessingState(state)
		before := fs.hits.Load()
		_, err := c.FetchSummary(context.Background(), testCallSID, WithProcessingState(st))
		sent := fs.hits.Load() - before
		if st.Valid() != (sent == 1) || st.Valid() != !errors.Is(err, ErrInvalidProcessingState) {
			t.Fatalf("processing state %q (valid %v): %d requests sent, err %v", state, st.Valid(), sent, err)
		}

		p, err := RetryPolicy{MaxAttempts: attempts, InitialBackoff: time.Duration(initial),
			MaxBackoff: time.Duration(maxBackoff), MaxElapsed: time.Duration(maxElapsed)}.withDefaults()
		if err != nil {
			return
		}
		if p.MaxAttempts < 1 || p.InitialBackoff <= 0 || p.MaxBackoff < p.InitialBackoff || p.MaxElapsed <= 0 {
			t.Fatalf("withDefaults accepted %+v", p)
		}
		prev := time.Duration(0)
		for n := 1; n <= 70; n++ {
			c := p.ceiling(n)
			if c < prev || c > p.MaxBackoff || c <= 0 {
				t.Fatalf("%+v: ceiling(%d) = %v after %v", p, n, c, prev)
			}
			prev = c
		}
	})
}

// FuzzParseRetryAfter checks the Retry-After parser: never a negative
// wait, seconds taken exactly (up to the one-day clamp), dates relative to
// now.
func FuzzParseRetryAfter(f *testing.F) {
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for _, s := range []string{"0", "1", "120", "-1", "86400", "86401", "9223372036854775807", "99999999999999999999",
		" 5 ", "1.5", "+3", "0x10", "", now.Add(90 * time.Second).Format(http.TimeFormat),
		"Fri, 27 Nov 2026 07:59:00 GMT", "Friday, 27-Nov-26 08:01:00 GMT", "Fri Nov 27 08:02:00 2026",
		"Mon, 01 Jan 0001 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT"} {
		f.Add(s)
	}
	digits := regexp.MustCompile(`^[0-9]+$`)
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{}
		h.Set("Retry-After", v)
		d, ok := parseRetryAfter(h, now)
		if !ok {
			if d != 0 {
				t.Fatalf("%q: not ok but %v", v, d)
			}
			return
		}
		if d < 0 {
			t.Fatalf("%q: negative wait %v", v, d)
		}
		// Only RFC 9110's two forms: digits (a number too large is a day,
		// beyond any cap, never absent), or an HTTP date.
		trimmed := strings.TrimSpace(v)
		if digits.MatchString(trimmed) {
			secs, err := strconv.ParseInt(trimmed, 10, 64)
			if err != nil {
				secs = 86400
			}
			if d != time.Duration(min(secs, 86400))*time.Second {
				t.Fatalf("%q: %v, want %d s", v, d, min(secs, 86400))
			}
			return
		}
		at, err := http.ParseTime(trimmed)
		if err != nil {
			t.Fatalf("%q: neither digits nor an HTTP date, yet %v", v, d)
		}
		if want := max(at.Sub(now), 0); d != want {
			t.Fatalf("%q: %v, want %v", v, d, want)
		}
	})
}

// FuzzRedact: whatever text surrounds it, and wherever a body is cut, no
// run of minSecretRun bytes of the secret or of its Basic value survives in
// what an *APIError keeps of a response.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{"", "<html>", strings.Repeat("x", excerptBytes-4), "token=", "\x1b[2J"} {
		f.Add(s, uint8(0), uint8(32), true)
		f.Add(s, uint8(10), uint8(8), false)
	}
	creds := mustCredentials(f)
	basic := strings.TrimPrefix(creds.header(), "Basic ")
	f.Fuzz(func(t *testing.T, around string, from, n uint8, useBasic bool) {
		secret := testSecret
		if useBasic {
			secret = basic
		}
		i := int(from) % len(secret)
		j := min(len(secret), i+max(int(n), minSecretRun))
		if j-i < minSecretRun {
			return // shorter than a run: not treated as the secret
		}
		part := secret[i:j]
		body := around + part + around
		resp := &http.Response{StatusCode: 502, Header: http.Header{"X-Echo": {part}}}
		e := newAPIError(resp, []byte(body), creds.redact)
		for what, text := range map[string]string{"Body": e.Body, "Header": e.Header.Get("X-Echo"), "Error": e.Error()} {
			for k := 0; k+minSecretRun <= len(secret); k++ {
				if strings.Contains(text, secret[k:k+minSecretRun]) {
					t.Fatalf("%s keeps %q of the secret: %q", what, secret[k:k+minSecretRun], text)
				}
			}
		}
	})
}

// longValues lists the strings and numbers of a JSON body, as written,
// that are long enough to be a secret or a phone number (10 bytes or more)
// and are not also a member name, which an issue's pointer may show.
func longValues(data []byte) []string {
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	names := map[string]bool{}
	var vals []string
	for {
		tok, err := dec.ReadToken()
		if err != nil {
			break
		}
		var text string
		switch tok.Kind() {
		case '"':
			text = tok.String()
		case '0':
			text = tok.String()
		default:
			continue
		}
		if kind, n := dec.StackIndex(dec.StackDepth()); kind == '{' && n%2 == 1 {
			names[text] = true // a member name: an object's length is odd right after one
			continue
		}
		if len(text) >= 10 {
			vals = append(vals, text)
		}
	}
	out := vals[:0]
	for _, v := range vals {
		if !names[v] {
			out = append(out, v)
		}
	}
	return out
}
