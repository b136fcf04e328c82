package main

import (
	"strings"

	"github.com/spf13/cobra"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// oneCallSID checks the one CALLSID argument of fetch and annotate against
// the document's pattern before a sandbox is started or a client built, so
// that a malformed SID is a usage error and costs nothing. The value is
// not echoed: a mistaken argument can be a token.
func oneCallSID(_ *cobra.Command, args []string) error {
	switch {
	case len(args) == 0:
		return usagef("missing CALLSID")
	case len(args) > 1:
		return usagef("one CALLSID at a time; got %d arguments", len(args))
	}
	if err := callsummary.ValidateCallSID(args[0]); err != nil {
		why := strings.TrimPrefix(err.Error(), callsummary.ErrInvalidCallSID.Error()+": ")
		return usagef("not a call SID: %s", why)
	}
	return nil
}

// noArgs refuses arguments to a command that takes only flags.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no arguments, only flags; got %d", cmd.Name(), len(args))
	}
	return nil
}
