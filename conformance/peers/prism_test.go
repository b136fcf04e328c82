//go:build peers

package peers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/openapi"
)

// prismStartup bounds how long Prism may take to listen (about 3 s here).
const prismStartup = 60 * time.Second

// prismBin is the Prism executable: $PRISM_BIN (set by run.sh), else the one
// npm installed next to this file.
func prismBin(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("PRISM_BIN")
	if bin == "" {
		bin = filepath.Join("node_modules", ".bin", "prism")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("Prism not found (%v): run `bash conformance/peers/run.sh`, or set PRISM_BIN", err)
	}
	return bin
}

// documentFile writes the embedded document where Prism can read it, so the
// peers check exactly what the SDK embeds.
func documentFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), openapi.Name)
	if err := os.WriteFile(path, openapi.Document(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// startPrism runs `prism MODE ... -h 127.0.0.1 -p PORT` and returns its base
// URL once it answers. The whole process group is killed in t.Cleanup.
func startPrism(t *testing.T, args ...string) string {
	t.Helper()
	port := freePort(t)
	args = append(args, "-h", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd := exec.Command(prismBin(t), args...)
	// A file, not a buffer: exec hands it to Prism directly, no goroutine.
	logPath := filepath.Join(t.TempDir(), "prism.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close() // Prism holds its own descriptor
	output := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own group, so that cleanup reaches every process Prism starts.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start prism: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		stopGroup(cmd.Process.Pid, exited)
		if t.Failed() {
			t.Logf("prism %v output:\n%s", args, output())
		}
	})

	base := "http://127.0.0.1:" + strconv.Itoa(port)
	ctx, cancel := context.WithTimeout(t.Context(), prismStartup)
	defer cancel()
	for {
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			_ = conn.Close()
			return base
		}
		select {
		case err := <-exited:
			exited <- err // for cleanup
			t.Fatalf("prism exited before listening (%v):\n%s", err, output())
		case <-ctx.Done():
			t.Fatalf("prism did not listen within %v:\n%s", prismStartup, output())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// stopGroup sends SIGTERM to the process group, then SIGKILL if it has not
// exited within five seconds.
func stopGroup(pid int, exited chan error) {
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-exited
	}
	// Children that outlived the leader.
	if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
	}
}

// newValidator is our validator, for comparing its verdicts with Prism's.
func newValidator(t *testing.T) *conformance.Validator {
	t.Helper()
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func describe(resp *http.Response) string {
	return fmt.Sprintf("%s sl-violations=%q", resp.Status, resp.Header.Get("sl-violations"))
}
