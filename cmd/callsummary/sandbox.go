package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
)

func runSandbox(_ context.Context, e *env, args []string) error {
	fs := newFlagSet("sandbox")
	fs.details = `These calls answer 'callsummary fetch CALLSID' when no Twilio credentials are
set, and 'callsummary serve' serves them over HTTP. Any other SID is 20404.`
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments")
	}
	h, err := sandbox.NewHandler()
	if err != nil {
		return err
	}
	writeSampleCalls(e.stdout, h.Calls())
	return nil
}

// writeSampleCalls lists the sandbox's calls: a newcomer's SIDs to try.
func writeSampleCalls(w io.Writer, calls []sandbox.SampleCall) {
	tw := newTable(w)
	fmt.Fprintf(tw, "CALL SID\tTYPE\tSUMMARIES\tDESCRIPTION\n")
	for _, c := range calls {
		typ := string(c.CallType)
		if typ == "" {
			typ = "-"
		}
		states := make([]string, len(c.States))
		for i, s := range c.States {
			states[i] = string(s)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.SID, typ, strings.Join(states, ","), c.Description)
	}
	tw.Flush()
}
