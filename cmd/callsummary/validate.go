package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/voiceinsights/callsummary/conformance"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

func runValidate(_ context.Context, e *env, args []string) error {
	fs := newFlagSet("validate")
	fs.details = `Each FILE (or standard input, for -) must hold one Call Summary as returned by
GET /v1/Voice/{CallSid}/Summary. Every violation is printed with its JSON
pointer and the rule it breaks; values are never printed, so the output is
safe to share even for summaries that carry phone numbers.

Exit status: 0 all valid; 1 any invalid; 2 a file could not be read.`
	files, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("no files: give one or more FILEs, or - for standard input")
	}
	stdin := 0
	for _, f := range files {
		if f == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return usagef("- (standard input) given %d times; it can be read only once", stdin)
	}
	v, err := conformance.NewValidator()
	if err != nil {
		return err
	}
	var invalid, unreadable int
	for _, name := range files {
		body, err := readInput(e, name)
		if err != nil {
			fmt.Fprintf(e.stdout, "%s: cannot read: %v\n", displayName(name), err)
			unreadable++
			continue
		}
		if !writeValidation(e.stdout, displayName(name), v.ValidateSummary(body)) {
			invalid++
		}
	}
	switch {
	case unreadable > 0:
		// Exit 2: the command could not do its job, which is not the
		// validator saying no.
		return &cliError{code: exitUsage, err: fmt.Errorf("%d of %d files could not be read", unreadable, len(files))}
	case invalid > 0:
		return fmt.Errorf("%d of %d files invalid", invalid, len(files))
	}
	return nil
}

// writeValidation prints one file's result and reports whether it is valid.
func writeValidation(w io.Writer, name string, err error) bool {
	var ve *conformance.ValidationError
	switch {
	case err == nil:
		fmt.Fprintf(w, "%s: valid\n", name)
		return true
	case errors.As(err, &ve):
		n := len(ve.Violations)
		fmt.Fprintf(w, "%s: invalid, %d violation%s\n", name, n, plural(n))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, v := range ve.Violations {
			p := v.Pointer
			if p == "" {
				p = "(body)"
			}
			fmt.Fprintf(tw, "  %s\t%s\n", p, v.Reason)
		}
		tw.Flush()
	default: // not JSON at all
		fmt.Fprintf(w, "%s: invalid: %v\n", name, err)
	}
	return false
}

func displayName(name string) string {
	if name == "-" {
		return "(stdin)"
	}
	return name
}

// readInput reads a file, or stdin for "-", refusing more than the SDK
// would accept from Twilio: a larger body is not a summary, and reading it
// whole could exhaust memory.
func readInput(e *env, name string) ([]byte, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	body, err := io.ReadAll(io.LimitReader(r, callsummary.MaxResponseBytes+1))
	if err != nil {
		return nil, err
	}
	if len(body) > callsummary.MaxResponseBytes {
		return nil, fmt.Errorf("larger than %d bytes", callsummary.MaxResponseBytes)
	}
	return body, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
