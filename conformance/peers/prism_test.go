//go:build peers

package peers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/internal/wirejson"
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
// URL once it answers. The whole process group is killed in t.Cleanup. A
// Prism whose port another process took between freePort and its bind is
// started again on another port.
func startPrism(t *testing.T, args ...string) string {
	t.Helper()
	for attempt := 1; ; attempt++ {
		base, err := launchPrism(t, args)
		if err == nil {
			return base
		}
		if attempt == 3 || !errors.Is(err, errPortTaken) {
			t.Fatal(err)
		}
		t.Logf("prism, attempt %d: %v", attempt, err)
	}
}

// errPortTaken: Prism exited before listening, or something else answers
// on its port.
var errPortTaken = errors.New("prism could not have its port")

func launchPrism(t *testing.T, args []string) (string, error) {
	t.Helper()
	port := strconv.Itoa(freePort(t))
	args = append(slices.Clip(args), "-h", "127.0.0.1", "-p", port)
	cmd := exec.Command(prismBin(t), args...)
	// A file, not a buffer: exec hands it to Prism directly, no goroutine.
	logPath := filepath.Join(t.TempDir(), "prism.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", err
	}
	defer logFile.Close() // Prism holds its own descriptor
	output := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// Its own group, so that cleanup reaches every process Prism starts.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("start prism: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		stopGroup(cmd.Process.Pid, exited)
		if t.Failed() {
			t.Logf("prism %v output:\n%s", args, output())
		}
	})

	ctx, cancel := context.WithTimeout(t.Context(), prismStartup)
	defer cancel()
	base := "http://127.0.0.1:" + port
	for {
		switch err := probePrism(ctx, base); {
		case err == nil:
			return base, nil
		case errors.Is(err, errNotPrism):
			return "", fmt.Errorf("%w: %v", errPortTaken, err)
		}
		select {
		case err := <-exited:
			exited <- err // for cleanup
			return "", fmt.Errorf("%w (%v):\n%s", errPortTaken, err, output())
		case <-ctx.Done():
			return "", fmt.Errorf("prism did not listen within %v:\n%s", prismStartup, output())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

var errNotPrism = errors.New("another server answers on Prism's port")

// probePrism asks for a path the document lacks: Prism, mock or proxy,
// answers with its own NO_PATH_MATCHED_ERROR problem. Anything else is a
// server that took the port first.
func probePrism(ctx context.Context, base string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/__peers_probe", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err // not listening yet
	}
	defer resp.Body.Close()
	var problem struct {
		Type string `json:"type"`
	}
	if wirejson.UnmarshalRead(io.LimitReader(resp.Body, 4096), &problem) != nil ||
		!strings.HasSuffix(problem.Type, "/prism/errors#NO_PATH_MATCHED_ERROR") {
		return fmt.Errorf("%w: %s", errNotPrism, resp.Status)
	}
	return nil
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

// A server that took Prism's port is told apart from Prism.
func TestProbeRejectsAnotherServer(t *testing.T) {
	other := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(other.Close)
	if err := probePrism(t.Context(), other.URL); !errors.Is(err, errNotPrism) {
		t.Errorf("probePrism on a plain 404 server = %v, want errNotPrism", err)
	}
}
