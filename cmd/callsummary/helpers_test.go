package main

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/internal/syncbuf"
	"github.com/voiceinsights/callsummary/internal/testkit"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// readmeSID is the call the README's first command fetches: the
// document's ClientCall example, which the sandbox serves.
const readmeSID = "CA62608e08adc29a8d6dbc9754e659f125"

// result is what one in-process run of the command produced.
type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs the command in-process with exactly the environment vars
// given (none of the test process's own), and stdin.
func runCLI(t *testing.T, ctx context.Context, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(k string) string { return vars[k] }
	code := run(ctx, args, strings.NewReader(stdin), &out, &errb, getenv)
	return result{out.String(), errb.String(), code}
}

// sandboxStderr is the one line fetch, list and annotate print on stderr
// when the built-in sandbox answers.
const sandboxStderr = "callsummary: using the built-in sandbox: sample calls, not Twilio's (see 'callsummary sandbox')\n"

// sandboxHeader heads text output the built-in sandbox produced.
const sandboxHeader = "Sandbox data, not from Twilio: the built-in sandbox\n\n"

// interrupted is a context cancelled as main cancels it on Ctrl-C.
func interrupted(t *testing.T, after time.Duration) context.Context {
	ctx, cancel := context.WithCancelCause(t.Context())
	time.AfterFunc(after, func() { cancel(interruption{os.Interrupt}) })
	t.Cleanup(func() { cancel(nil) })
	return ctx
}

// twilioEnv holds credentials for tests that talk to a fake Twilio.
var twilioEnv = map[string]string{
	"TWILIO_ACCOUNT_SID": "AC00000000000000000000000000000000",
	"TWILIO_AUTH_TOKEN":  "test-token",
}

// examples are the values of the document's components/examples, encoded
// as JSON: the same bytes the sandbox serves for them.
var examples = sync.OnceValues(func() (map[string][]byte, error) {
	v, err := conformance.NewValidator()
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for _, name := range v.ExampleNames() {
		out[name], _ = v.Example(name)
	}
	return out, nil
})

func example(t *testing.T, name string) []byte {
	t.Helper()
	all, err := examples()
	if err != nil {
		t.Fatal(err)
	}
	b, ok := all[name]
	if !ok {
		t.Fatalf("the document has no example %q", name)
	}
	return b
}

func exampleSummary(t *testing.T, name string) *callsummary.Summary {
	t.Helper()
	s, err := callsummary.ParseSummary(example(t, name))
	if err != nil {
		t.Fatalf("example %s: %v", name, err)
	}
	return s
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output (run go test -update after checking):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// reply is one canned response of a fakeTwilio.
type reply struct {
	status int
	body   string
	header map[string]string
}

func jsonReply(status int, body []byte) reply { return reply{status: status, body: string(body)} }

func twilioError(status, code int, msg string) reply {
	return jsonReply(status, testkit.TwilioError(status, code, msg))
}

// fakeTwilio is a plain loopback server that answers with canned replies
// in order (the last one repeats) and records every request it saw.
type fakeTwilio struct {
	*httptest.Server
	mu       sync.Mutex
	replies  []reply
	requests []*http.Request
}

func newFakeTwilio(t *testing.T, replies ...reply) *fakeTwilio {
	t.Helper()
	f := &fakeTwilio{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		n := len(f.requests)
		f.requests = append(f.requests, r.Clone(context.Background()))
		rep := f.replies[min(n, len(f.replies)-1)]
		f.mu.Unlock()
		if rep.header["Content-Type"] == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		for k, v := range rep.header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(rep.status)
		_, _ = w.Write([]byte(rep.body))
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeTwilio) seen() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.requests...)
}

// lockedBuffer is safe for a writer and a reader in two goroutines: serve
// writes its banner while the test polls for it.
type lockedBuffer = syncbuf.Buffer
