package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds this command once per test run.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is needed to build the binary: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "callsummary")
	out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// binEnv is a process environment with no Twilio credentials.
func binEnv(t *testing.T) []string {
	return []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
}

// The built binary, as the README runs it: main wires args, stdio, the
// environment, exit codes and signals to run.
func TestBinary(t *testing.T) {
	bin := buildBinary(t)
	exitOf := func(err error) int {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	}
	runBin := func(stdin string, args ...string) result {
		cmd := exec.Command(bin, args...)
		cmd.Env = binEnv(t)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		code := exitOf(cmd.Run())
		return result{out.String(), errb.String(), code}
	}

	r := runBin("", "fetch", readmeSID)
	if r.code != exitOK || r.stderr != sandboxNotice {
		t.Errorf("fetch: exit %d, stderr %q", r.code, r.stderr)
	}
	golden(t, "report_client.golden", r.stdout)

	if r = runBin("", "fetch", "CA123"); r.code != exitUsage {
		t.Errorf("malformed SID: exit %d", r.code)
	}
	if r = runBin("", "fetch", "CA00000000000000000000000000000000"); r.code != exitNo || !strings.Contains(r.stderr, "20404") {
		t.Errorf("unknown call: exit %d %q", r.code, r.stderr)
	}
	if r = runBin(string(example(t, "ClientCall")), "validate", "-"); r.code != exitOK || r.stdout != "(stdin): valid\n" {
		t.Errorf("validate -: exit %d %q", r.code, r.stdout)
	}
	if r = runBin("", "version"); r.code != exitOK || !strings.Contains(r.stdout, "module  github.com/voiceinsights/callsummary") {
		t.Errorf("version: exit %d %q", r.code, r.stdout)
	}

	// serve stops on SIGINT with exit 0.
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = binEnv(t)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !listening.MatchString(first) {
		_ = cmd.Process.Kill()
		t.Fatalf("serve's first line %q: %v", first, err)
	}
	url := listening.FindStringSubmatch(first)[1]
	if r = runBin("", "fetch", "--base-url", url, "--json", readmeSID); r.code != exitOK || !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("fetch from the serve process: exit %d %q", r.code, r.stderr)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { _, _ = bufio.NewReader(stdout).ReadString(0); waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if code := exitOf(err); code != exitOK || !strings.Contains(errb.String(), "sandbox stopped") {
			t.Errorf("serve after SIGINT: exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGINT")
	}
}
