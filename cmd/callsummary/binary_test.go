package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binDir holds the binary the tests build, once per test run; TestMain
// removes it.
var binDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "callsummary-bin-") })

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := binDir(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// builtBinary builds this command once per test run.
var builtBinary = sync.OnceValues(func() (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", err
	}
	dir, err := binDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "callsummary")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", errors.New(string(out))
	}
	return bin, nil
})

func buildBinary(t *testing.T) string {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	return bin
}

// binEnv is a process environment with no Twilio credentials.
func binEnv(t *testing.T) []string {
	return []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
}

func exitOf(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// runBin runs the binary to its end.
func runBin(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = binEnv(t)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := exitOf(t, cmd.Run())
	return result{out.String(), errb.String(), code}
}

// runShell runs a bash command line with the binary as $CS, under
// pipefail, as a script would.
func runShell(t *testing.T, script string) result {
	t.Helper()
	cmd := exec.Command("bash", "-c", "set -o pipefail; "+script)
	cmd.Env = append(binEnv(t), "CS="+buildBinary(t))
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	code := exitOf(t, cmd.Run())
	return result{out.String(), errb.String(), code}
}

// The built binary, as the README runs it: main wires args, stdio, the
// environment and exit codes to run.
func TestBinary(t *testing.T) {
	r := runBin(t, "", "fetch", "--sandbox", readmeSID)
	if r.code != exitOK || r.stderr != sandboxStderr {
		t.Errorf("fetch: exit %d, stderr %q", r.code, r.stderr)
	}
	golden(t, "report_client.golden", strings.TrimPrefix(r.stdout, sandboxHeader))

	if r = runBin(t, "", "fetch", readmeSID); r.code != exitUsage || !strings.Contains(r.stderr, "--sandbox") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("no credentials, no --sandbox: exit %d %q", r.code, r.stderr)
	}
	if r = runBin(t, "", "fetch", "--sandbox", "CA123"); r.code != exitUsage {
		t.Errorf("malformed SID: exit %d", r.code)
	}
	if r = runBin(t, "", "fetch", "--sandbox", "CA00000000000000000000000000000000"); r.code != exitNo || !strings.Contains(r.stderr, "20404") {
		t.Errorf("unknown call: exit %d %q", r.code, r.stderr)
	}
	if r = runBin(t, string(example(t, "ClientCall")), "validate", "-"); r.code != exitOK || r.stdout != "(stdin): valid\n" {
		t.Errorf("validate -: exit %d %q", r.code, r.stdout)
	}
	for _, args := range [][]string{{"version"}, {"--version"}} {
		if r = runBin(t, "", args...); r.code != exitOK || !strings.Contains(r.stdout, "module  github.com/voiceinsights/callsummary") {
			t.Errorf("%v: exit %d %q", args, r.code, r.stdout)
		}
	}
	if r = runBin(t, "", "fecth"); r.code != exitUsage || !strings.Contains(r.stderr, "Did you mean this?\n\tfetch") {
		t.Errorf("a mistyped command: exit %d %q", r.code, r.stderr)
	}
}

// Every command's help, both ways, on stdout with exit 0.
func TestBinaryHelp(t *testing.T) {
	for _, name := range []string{"fetch", "list", "stats", "export", "watch", "annotate", "validate", "serve", "sandbox", "version", "completion", "help"} {
		for _, args := range [][]string{{name, "--help"}, {"help", name}, {name, "-h"}} {
			r := runBin(t, "", args...)
			if r.code != exitOK || r.stderr != "" || !strings.Contains(r.stdout, "Usage:\n  callsummary "+name) {
				t.Errorf("%v: exit %d, stderr %q\n%s", args, r.code, r.stderr, r.stdout)
			}
		}
	}
}

// The completion scripts load in their shells; bash's, sourced, completes
// a command name, and a call SID from the sandbox when --sandbox is given.
func TestBinaryCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := runBin(t, "", "completion", shell)
		if r.code != exitOK || len(r.stdout) < 1000 || r.stderr != "" {
			t.Errorf("completion %s: exit %d, %d bytes, stderr %q", shell, r.code, len(r.stdout), r.stderr)
		}
	}
	r := runShell(t, `source <("$CS" completion bash) && declare -F __start_callsummary >/dev/null && echo loaded`)
	if r.code != exitOK || r.stdout != "loaded\n" || r.stderr != "" {
		t.Fatalf("sourcing the bash completion: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	// Completion as the shell asks for it: cobra's hidden __complete.
	r = runShell(t, `"$CS" __complete fet`)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "fetch\t") {
		t.Errorf("__complete fet: exit %d %q", r.code, r.stdout)
	}
	r = runShell(t, `"$CS" __complete fetch --sandbox CA62`)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, readmeSID+"\t") {
		t.Errorf("__complete fetch --sandbox CA62: exit %d %q", r.code, r.stdout)
	}
	r = runShell(t, `"$CS" __complete list --call-type sip,tr`)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "sip,trunking\n") {
		t.Errorf("__complete list --call-type sip,tr: exit %d %q", r.code, r.stdout)
	}
	if _, err := exec.LookPath("zsh"); err == nil {
		r = runShell(t, `zsh -c 'autoload -U compinit && compinit -u && source <("$CS" completion zsh) && echo loaded'`)
		if r.code != exitOK || !strings.HasSuffix(r.stdout, "loaded\n") {
			t.Errorf("sourcing the zsh completion: exit %d, %q %q", r.code, r.stdout, r.stderr)
		}
	}
}

// interruptAt starts the binary with args, waits until a line of its
// stdout (or stderr) contains marker, sends SIGINT, and returns the exit
// code, the rest of that stream, the other one, and how long it took to
// exit.
func interruptAt(t *testing.T, marker string, onStdout bool, args ...string) (code int, rest, other string, took time.Duration) {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env = binEnv(t)
	var otherBuf bytes.Buffer
	pipe, err := cmd.StderrPipe()
	cmd.Stdout = &otherBuf
	if onStdout {
		cmd.Stdout = nil
		pipe, err = cmd.StdoutPipe()
		cmd.Stderr = &otherBuf
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(pipe)
	seen := false
	for !seen && lines.Scan() {
		seen = strings.Contains(lines.Text(), marker)
	}
	if !seen {
		_ = cmd.Process.Kill()
		t.Fatalf("%v: no line with %q", args, marker)
	}
	sent := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for lines.Scan() {
		b.WriteString(lines.Text() + "\n")
	}
	code = exitOf(t, cmd.Wait())
	return code, b.String(), otherBuf.String(), time.Since(sent)
}

// SIGINT to a running fetch --wait: exit 130, at once.
func TestBinarySIGINTExits130(t *testing.T) {
	code, stderr, stdout, took := interruptAt(t, "poll 1:", false,
		"fetch", "--sandbox", "--wait", "--poll-interval", "100ms", "CA0e87c1212a698494dcdb198af3e0eb2f")
	if code != 130 || !strings.Contains(stderr, "callsummary: interrupted (interrupt)") || stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr after the signal %q", code, stdout, stderr)
	}
	if took > 5*time.Second {
		t.Errorf("exited %v after SIGINT", took)
	}
}

// SIGINT to a watch waiting for its next round: exit 130, at once.
func TestBinaryWatchSIGINTExits130(t *testing.T) {
	code, _, stderr, took := interruptAt(t, " round 1: ", true,
		"watch", "--sandbox", "--every", "1h", "--state-file", filepath.Join(t.TempDir(), "state"))
	if code != 130 || !strings.HasSuffix(stderr, "callsummary: interrupted (interrupt)\n") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if took > 5*time.Second {
		t.Errorf("exited %v after SIGINT", took)
	}
}

// list | head under pipefail: the reader goes away, list stops fetching
// and exits 0, with nothing on stderr but the sandbox's line.
func TestBinaryPipeToHead(t *testing.T) {
	for _, format := range []string{"text", "ndjson", "csv"} {
		r := runShell(t, `"$CS" list --sandbox --since 30d -o `+format+` | head -n 2`)
		if r.code != exitOK || strings.Count(r.stdout, "\n") != 2 || r.stderr != sandboxStderr {
			t.Errorf("-o %s | head: exit %d, stdout %q, stderr %q", format, r.code, r.stdout, r.stderr)
		}
	}
	// The same without pipefail's help: the status of list itself.
	r := runShell(t, `"$CS" list --sandbox --since 30d | head -n 1 >/dev/null; echo "list exited ${PIPESTATUS[0]}"`)
	if r.stdout != "list exited 0\n" {
		t.Errorf("%q %q", r.stdout, r.stderr)
	}
}

// list -o ndjson | validate -: every summary the sandbox lists is valid.
func TestBinaryListValidateRoundTrip(t *testing.T) {
	r := runShell(t, `"$CS" list --sandbox --since 30d -n 300 --page-size 100 -o ndjson | "$CS" validate -`)
	if r.code != exitOK || strings.Count(r.stdout, ": valid\n") != 300 || !strings.HasPrefix(r.stdout, "(stdin) #1: valid\n") {
		t.Errorf("exit %d, %d valid, stderr %q\n%.300s", r.code, strings.Count(r.stdout, ": valid\n"), r.stderr, r.stdout)
	}
}

// serve stops on SIGINT with exit 0: stopping it is how it ends.
func TestBinaryServe(t *testing.T) {
	cmd := exec.Command(buildBinary(t), "serve", "--addr", "127.0.0.1:0")
	cmd.Env = binEnv(t)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb lockedBuffer
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
	if r := runBin(t, "", "fetch", "--base-url", url, "--json", readmeSID); r.code != exitOK || !strings.HasPrefix(r.stdout, "{") {
		t.Errorf("fetch from the serve process: exit %d %q", r.code, r.stderr)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { _, _ = bufio.NewReader(stdout).ReadString(0); waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if code := exitOf(t, err); code != exitOK || !strings.Contains(errb.String(), "sandbox stopped") ||
			!strings.Contains(errb.String(), `msg="sandbox request" method=GET path=/v1/Voice/`+readmeSID+"/Summary status=200") {
			t.Errorf("serve after SIGINT: exit %d, stderr %q", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("serve did not stop on SIGINT")
	}
}

// On a terminal, export draws its progress line on stderr; the test gives
// the binary one with script(1), from util-linux (essential in Debian).
func TestBinaryExportProgressOnATerminal(t *testing.T) {
	out := filepath.Join(t.TempDir(), "calls.ndjson")
	cmd := exec.Command("script", "-qec", buildBinary(t)+" export --sandbox --since 1w --out "+out, "/dev/null")
	cmd.Env = append(binEnv(t), "TERM=xterm")
	tty, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("script: %v\n%s", err, tty)
	}
	for _, w := range []string{"\rexporting: ", " calls, ", " page", " calls/s, ", ", done\x1b[K\r\n", "exported "} {
		if !strings.Contains(string(tty), w) {
			t.Errorf("the terminal lacks %q:\n%q", w, tty)
		}
	}
	// The same on a pipe: no line drawn.
	r := runBin(t, "", "export", "--sandbox", "--since", "1w", "--out", out)
	if r.code != exitOK || strings.ContainsAny(r.stderr, "\r\x1b") {
		t.Errorf("on a pipe: exit %d, stderr %q", r.code, r.stderr)
	}
}
