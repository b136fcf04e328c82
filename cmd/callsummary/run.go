package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/voiceinsights/callsummary/internal/safetext"
)

// Exit codes. They are part of the command's interface: scripts test them.
const (
	exitOK    = 0 // done; also when the reader of stdout went away (list | head)
	exitNo    = 1 // Twilio, the sandbox or the validator said no (or the network failed)
	exitUsage = 2 // the command line was wrong; nothing was sent
	// exitBreach: the command worked, and a --fail-if threshold was
	// breached by what it found.
	exitBreach = 3
	// An interrupted command exits 128 plus the signal's number: 130 for
	// SIGINT (Ctrl-C), 143 for SIGTERM, as shells report a process killed
	// by it.
	exitSignalBase = 128
)

// env is everything a command may touch of the outside world. Commands get
// it instead of reading os.* so that tests run them in-process, in
// parallel. quiet and verbose are the root's -q and -v, set once flags are
// parsed.
type env struct {
	stdin   io.Reader
	stdout  *outWriter
	stderr  io.Writer
	getenv  func(string) string
	quiet   bool
	verbose bool
	// ran is set when a command's own code starts: an error before that
	// is cobra's, about the command line.
	ran bool
	// now and sleep are the clock watch reads and waits on: tests step
	// them with the sandbox's manual clock.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
}

func newEnv(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *env {
	return &env{stdin: stdin, stdout: &outWriter{w: stdout}, stderr: stderr, getenv: getenv, now: time.Now, sleep: sleep}
}

// sleep waits d, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// notef prints a line on stderr unless -q: progress, notes, warnings.
func (e *env) notef(format string, args ...any) {
	if !e.quiet {
		fmt.Fprintf(e.stderr, "callsummary: "+format+"\n", args...)
	}
}

// run is main without the process: it parses args, runs one command and
// returns the exit code. All output goes to stdout and stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return newEnv(stdin, stdout, stderr, getenv).run(ctx, args)
}

// run parses args and runs one command in e.
func (e *env) run(ctx context.Context, args []string) int {
	root := newRootCmd(e)
	root.SetArgs(append([]string{}, args...)) // never nil: cobra would read os.Args
	cmd, err := root.ExecuteContextC(ctx)
	return e.exitCode(ctx, cmd, err)
}

// exitCode reports err on stderr, once, with one "callsummary:" prefix,
// and maps it to an exit code.
func (e *env) exitCode(ctx context.Context, cmd interface{ CommandPath() string }, err error) int {
	var in interruption
	switch {
	case err == nil:
		return exitOK
	case e.stdout.broken():
		// The reader went away: what it wanted is written. Nothing to say.
		return exitOK
	case ctx.Err() != nil && errors.As(context.Cause(ctx), &in):
		fmt.Fprintf(e.stderr, "callsummary: interrupted (%v)\n", in.sig)
		return in.code()
	}
	var ce *cliError
	isCLI := errors.As(err, &ce)
	msg := message(err)
	if e.ran || isCLI {
		// The command's own errors can carry what a server sent.
		msg = safetext.Printable(msg)
	}
	fmt.Fprintf(e.stderr, "callsummary: %s\n", msg)
	switch {
	case isCLI && ce.advice != "":
		fmt.Fprintf(e.stderr, "callsummary: %s\n", safetext.Printable(ce.advice))
	case !isCLI && !e.ran:
		// cobra refused the command line: a flag, an argument, a command.
		ce = &cliError{code: exitUsage, help: true}
	case !isCLI:
		return exitNo
	}
	if ce.help && cmd != nil {
		path := cmd.CommandPath()
		if p, ok := strings.CutSuffix(path, " help"); ok { // help's own mistakes: the topics are the root's
			path = p
		}
		fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", path)
	}
	return ce.code
}

// message is err's text without the "callsummary: " of the SDK's own
// errors, so that the line has the prefix once.
func message(err error) string {
	return strings.ReplaceAll(err.Error(), "callsummary: ", "")
}

// cliError is an error that says how the command should exit, and what the
// user should do next.
type cliError struct {
	code   int // exitNo, exitUsage or exitBreach
	err    error
	advice string // the next step, printed on its own line
	help   bool   // a command-line mistake: point at --help
}

func (c *cliError) Error() string { return c.err.Error() }
func (c *cliError) Unwrap() error { return c.err }

// usagef reports a mistake on the command line: exit 2, nothing sent.
func usagef(format string, args ...any) error {
	return &cliError{code: exitUsage, err: fmt.Errorf(format, args...), help: true}
}

// interruption is the cause main gives ctx when a signal arrives.
type interruption struct{ sig os.Signal }

func (i interruption) Error() string { return "interrupted by " + i.sig.String() }

func (i interruption) code() int {
	if s, ok := i.sig.(syscall.Signal); ok {
		return exitSignalBase + int(s)
	}
	return exitSignalBase + int(syscall.SIGINT)
}

// outWriter is stdout, remembering whether a write failed because its
// reader went away (EPIPE), which ends the command quietly, unlike an
// EPIPE from a network connection, which is a failure.
type outWriter struct {
	w  io.Writer
	mu sync.Mutex
	// gone is set on the first EPIPE.
	gone bool
}

func (o *outWriter) Write(p []byte) (int, error) {
	n, err := o.w.Write(p)
	if err != nil && errors.Is(err, syscall.EPIPE) {
		o.mu.Lock()
		o.gone = true
		o.mu.Unlock()
	}
	return n, err
}

func (o *outWriter) broken() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.gone
}

// file returns stdout's *os.File, if it is one: to ask whether it is a
// terminal.
func (o *outWriter) file() (*os.File, bool) {
	f, ok := o.w.(*os.File)
	return f, ok
}
