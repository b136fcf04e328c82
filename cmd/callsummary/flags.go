package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagSet is a stdlib flag.FlagSet that prints --help on stdout (where a
// pager or grep can read it) and errors on stderr, hides test-only flags,
// and accepts flags after positional arguments (`fetch CA… --json`).
type flagSet struct {
	*flag.FlagSet
	cmd     command
	details string // printed after the flags
	hidden  map[string]bool
}

// newFlagSet makes a fresh FlagSet for one run of cmd.
func newFlagSet(name string) *flagSet {
	var cmd command
	for _, c := range commands() {
		if c.name == name {
			cmd = c
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned, and reported once by exitCode
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, cmd: cmd, hidden: map[string]bool{}}
}

// hide keeps a flag out of --help: for tests, not users.
func (f *flagSet) hide(name string) { f.hidden[name] = true }

// parse parses args, flags anywhere, and returns the positional arguments.
// After "--" everything is positional.
func (f *flagSet) parse(e *env, args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.writeUsage(e.stdout)
				return nil, flag.ErrHelp
			}
			return nil, &cliError{code: exitUsage, err: err, help: true}
		}
		rest := f.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

func (f *flagSet) writeUsage(w io.Writer) {
	fmt.Fprintf(w, "Usage: callsummary %s\n\n%s.\n", strings.TrimSpace(f.cmd.name+" "+f.cmd.synopsis), capitalize(f.cmd.summary))
	var b bytes.Buffer
	f.VisitAll(func(fl *flag.Flag) {
		if f.hidden[fl.Name] {
			return
		}
		typ, usage := flag.UnquoteUsage(fl)
		fmt.Fprintf(&b, "  --%s", fl.Name)
		if typ != "" {
			fmt.Fprintf(&b, " %s", typ)
		}
		fmt.Fprintf(&b, "\n      %s", usage)
		if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "0s" {
			fmt.Fprintf(&b, " (default %s)", fl.DefValue)
		}
		b.WriteByte('\n')
	})
	if b.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", b.Bytes())
	}
	if f.details != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(f.details))
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
