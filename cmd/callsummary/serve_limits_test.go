package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
)

// startServeWith runs serve's code with the limits given, on a free port,
// until the test ends, and returns its host:port.
func startServeWith(t *testing.T, lim serveLimits) string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	var out, errb lockedBuffer
	e := &env{stdin: strings.NewReader(""), stdout: &outWriter{w: &out}, stderr: &errb, getenv: func(string) string { return "" }, quiet: true}
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, e, "127.0.0.1:0", sandboxMode{}, lim) }()
	url := waitForURL(t, &out, nil)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return strings.TrimPrefix(url, "http://")
}

// drip opens a connection, writes head at once, then one byte of body
// every 50 ms, and returns how long the server took to close it (or
// fails after wait).
func drip(t *testing.T, addr, head string, wait time.Duration) time.Duration {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer conn.Close()
	start := time.Now()
	if _, err := io.WriteString(conn, head); err != nil {
		t.Error(err)
		return 0
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	_, err = io.Copy(io.Discard, conn) // a 408 or nothing, then the close
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Errorf("the connection was still open after %v", wait)
	}
	return time.Since(start)
}

const dripHeaders = "POST /v1/Voice/" + readmeSID + "/Annotation HTTP/1.1\r\nHost: sandbox\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"

// serve bounds every connection: a client that drips its headers or its
// body, or holds a connection idle, is cut off when its limit passes, and
// a body over the limit is refused unread.
func TestServeBoundsSlowClients(t *testing.T) {
	t.Parallel()
	lim := serveLimits{readHeader: 300 * time.Millisecond, read: 700 * time.Millisecond, write: time.Second,
		idle: 500 * time.Millisecond, maxHeader: 4 << 10, maxBody: 1 << 10}
	addr := startServeWith(t, lim)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			head := dripHeaders
			if i%2 == 0 { // half drip their headers instead
				head = "GET /v1/Voice/" + readmeSID + "/Summary HTTP/1.1\r\nHost: sandbox\r\nX-Drip: "
			}
			if took := drip(t, addr, head, 5*time.Second); took > lim.read+time.Second {
				t.Errorf("connection %d closed after %v", i, took)
			}
		})
	}
	wg.Wait()

	// An idle keep-alive connection is closed after the idle timeout.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/v1/Voice/"+readmeSID+"/Summary", nil)
	req.SetBasicAuth(sandbox.AccountSID, sandbox.AuthToken)
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: %v %v", resp, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	idleSince := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := br.ReadByte(); !errors.Is(err, io.EOF) {
		t.Errorf("idle connection: %v, want the server to close it", err)
	}
	if took := time.Since(idleSince); took > lim.idle+time.Second {
		t.Errorf("idle connection closed after %v", took)
	}

	// A body over the limit is refused.
	body := "Comment=" + strings.Repeat("x", 2<<10)
	req, _ = http.NewRequestWithContext(t.Context(), http.MethodPost, "http://"+addr+"/v1/Voice/"+readmeSID+"/Annotation", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(sandbox.AccountSID, sandbox.AuthToken)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Errorf("a 2 KiB body with a 1 KiB limit: %s", resp.Status)
	}
}

// The limits serve runs with, not only those a test chooses: with the
// defaults a dripping client is cut off too (after the 10 s read timeout).
func TestServeDefaultLimitsCutDrippingClients(t *testing.T) {
	t.Parallel()
	lim := defaultServeLimits()
	for name, d := range map[string]time.Duration{"readHeader": lim.readHeader, "read": lim.read, "write": lim.write, "idle": lim.idle} {
		if d <= 0 {
			t.Errorf("%s timeout %v: no bound", name, d)
		}
	}
	if lim.maxBody <= 0 || lim.maxHeader <= 0 {
		t.Errorf("no size bound: %+v", lim)
	}
	url, _, _ := startServe(t, "-q")
	addr := strings.TrimPrefix(url, "http://")
	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			if took := drip(t, addr, dripHeaders, lim.read+5*time.Second); took > lim.read+2*time.Second {
				t.Errorf("connection %d closed after %v", i, took)
			}
		})
	}
	wg.Wait()
}
