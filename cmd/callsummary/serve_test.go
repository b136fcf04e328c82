package main

import (
	"context"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
)

var listening = regexp.MustCompile(`^Sandbox listening on (http://127\.0\.0\.1:\d+)\n`)

// waitForURL polls serve's stdout for its banner.
func waitForURL(t *testing.T, out *lockedBuffer, done <-chan int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		select {
		case code := <-done:
			t.Fatalf("serve exited with %d before listening:\n%s", code, out.String())
		case <-time.After(5 * time.Millisecond):
		}
	}
	t.Fatalf("serve printed no URL:\n%s", out.String())
	return ""
}

// serve on port 0 prints its URL, credentials and calls, answers fetch
// (with no credentials set, fetch sends the sandbox's), and stops when
// its context is cancelled.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	}()
	url := waitForURL(t, &out, done)
	banner := out.String()
	for _, w := range []string{
		"Account SID  " + conformance.SandboxAccountSID,
		"Auth Token   " + conformance.SandboxAuthToken,
		readmeSID + "  client",
		"curl -u " + conformance.SandboxAccountSID + ":" + conformance.SandboxAuthToken + " " + url + "/v1/Voice/",
		"callsummary fetch --base-url " + url + " ",
	} {
		if !strings.Contains(banner, w) {
			t.Errorf("banner lacks %q:\n%s", w, banner)
		}
	}

	h, err := conformance.NewHandler()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := h.Fixture(readmeSID, gen.ProcessingStateComplete)
	r := runCLI(t, t.Context(), nil, "", "fetch", "--json", "--base-url", url, readmeSID)
	if r.code != exitOK || r.stdout != string(want) {
		t.Errorf("fetch --json from serve: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, t.Context(), nil, "", "fetch", "--base-url", url, readmeSID)
	if r.code != exitOK {
		t.Fatalf("fetch from serve: exit %d: %s", r.code, r.stderr)
	}
	golden(t, "report_client.golden", r.stdout)

	cancel()
	select {
	case code := <-done:
		if code != exitOK || !strings.Contains(errb.String(), "callsummary: sandbox stopped") {
			t.Errorf("serve: exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when its context was cancelled")
	}
	if r = runCLI(t, t.Context(), nil, "", "fetch", "--base-url", url, readmeSID); r.code != exitNo {
		t.Errorf("fetch after serve stopped: exit %d", r.code)
	}
}

func TestServeAddressInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	r := runCLI(t, t.Context(), nil, "", "serve", "--addr", l.Addr().String())
	if r.code != exitNo || !strings.Contains(r.stderr, "address already in use") || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if r = runCLI(t, t.Context(), nil, "", "serve", "extra"); r.code != exitUsage {
		t.Errorf("serve extra: exit %d", r.code)
	}
}
