package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Exit codes. They are part of the command's interface: scripts test them.
const (
	exitOK    = 0 // done
	exitNo    = 1 // Twilio, the sandbox or the validator said no (or the network failed)
	exitUsage = 2 // the command line was wrong; nothing was sent
)

// env is everything a command may touch of the outside world. Commands get
// it instead of reading os.* so that tests run them in-process, in parallel.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	name     string
	synopsis string // what follows the name in a usage line
	summary  string
	run      func(ctx context.Context, e *env, args []string) error
}

// commands is a function, not a package variable, so that nothing global
// can be mutated between runs.
func commands() []command {
	return []command{
		{"fetch", "[flags] CALLSID", "print a call-quality report for one call (or its raw JSON)", runFetch},
		{"list", "[flags]", "list calls' summaries, filtered, page by page (table, csv or json)", runList},
		{"annotate", "[flags] CALLSID", "read or set a call's annotation (score, issues, spam, comment)", runAnnotate},
		{"validate", "FILE... | -", "validate Call Summary JSON against the OpenAPI document", runValidate},
		{"serve", "[--addr 127.0.0.1:8080]", "run the sandbox server for other tools (curl, Prism, another SDK)", runServe},
		{"sandbox", "", "list the sandbox's sample calls: SIDs to try", runSandbox},
		{"version", "", "print the version", runVersion},
	}
}

// run is main without the process: it parses args, runs one command and
// returns the exit code. All output goes to stdout and stderr.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	if len(args) == 0 {
		writeUsage(stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	switch name {
	case "help", "-h", "-help", "--help":
		if len(rest) == 0 {
			writeUsage(stdout)
			return exitOK
		}
		// "help fetch" is "fetch --help".
		name, rest = rest[0], []string{"--help"}
	}
	for _, c := range commands() {
		if c.name == name {
			return exitCode(e, c.name, c.run(ctx, e, rest))
		}
	}
	fmt.Fprintf(stderr, "callsummary: unknown command %q\n\n", name)
	writeUsage(stderr)
	return exitUsage
}

func writeUsage(w io.Writer) {
	fmt.Fprint(w, "callsummary: Twilio Voice Insights call summaries from the command line.\n\nUsage:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  callsummary %s\t%s\n", strings.TrimSpace(c.name+" "+c.synopsis), c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, `
With no Twilio credentials in the environment (TWILIO_ACCOUNT_SID and
TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET), fetch asks the
built-in sandbox. Try: callsummary fetch CA62608e08adc29a8d6dbc9754e659f125

Run 'callsummary COMMAND --help' for a command's flags.
Exit status: 0 ok; 1 Twilio or the validator said no; 2 usage error.
`)
}

// cliError is an error that says how the command should exit, and what the
// user should do next.
type cliError struct {
	code   int // exitNo or exitUsage
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

// exitCode reports err on stderr and maps it to an exit code: 2 for usage
// errors, 1 for any other failure.
func exitCode(e *env, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintf(e.stderr, "callsummary %s: %v\n", name, err)
	var ce *cliError
	if !errors.As(err, &ce) {
		return exitNo
	}
	if ce.advice != "" {
		fmt.Fprintf(e.stderr, "callsummary %s: %s\n", name, ce.advice)
	}
	if ce.help {
		fmt.Fprintf(e.stderr, "Run 'callsummary %s --help' for usage.\n", name)
	}
	return ce.code
}
