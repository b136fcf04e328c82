package fleetbench

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The sandbox of the heap and export benchmarks runs in a child process
// (this test binary, re-executed): its population and its work per page
// stay out of the heap and the CPU profile of the process measured, as
// Twilio's would.
const (
	envRemoteSize = "FLEETBENCH_SANDBOX_SIZE"
	remoteAccount = "AC00000000000000000000000000000001"
	remoteToken   = "fleetbench-token"
)

// serveRemote is the child: it serves a sandbox until its standard input
// closes, after printing the sandbox's URL.
func serveRemote() int {
	size, err := strconv.Atoi(os.Getenv(envRemoteSize))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	srv, err := sandbox.NewServer(sandbox.WithPopulation(size, 13), sandbox.WithCredentials(remoteAccount, remoteToken))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	fmt.Println(srv.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// remoteSandbox starts a child sandbox of size calls and returns a client
// of it; the child ends with the benchmark.
func remoteSandbox(tb testing.TB, size int) *callsummary.Client {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envRemoteSize+"="+strconv.Itoa(size))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
	})
	url, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		tb.Fatalf("the sandbox process: %v", err)
	}
	c, err := callsummary.NewClient(callsummary.WithBaseURL(strings.TrimSpace(url)), callsummary.WithCredentials(remoteAccount, remoteToken))
	if err != nil {
		tb.Fatal(err)
	}
	warm(tb, c)
	return c
}
