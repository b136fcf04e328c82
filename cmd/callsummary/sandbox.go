package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// sampleSID is the call the README's first command fetches: the document's
// ClientCall example, which the sandbox serves.
const sampleSID = "CA62608e08adc29a8d6dbc9754e659f125"

// sandboxNotice heads every human-readable output a sandbox produced.
func sandboxNotice(source string) string {
	return "Sandbox data, not from Twilio: " + source
}

// sandboxColumns are the fields of a sample call, for --fields.
var sandboxColumns = []string{"call_sid", "type", "summaries", "description"}

func newSandboxCmd(e *env) *cobra.Command {
	var out outputOptions
	cmd := command(e, &cobra.Command{
		Use:   "sandbox",
		Short: "List the sandbox's sample calls: SIDs to try",
		Long: `List the calls the built-in sandbox knows: they answer
'callsummary fetch --sandbox CALLSID', and 'callsummary serve' serves them over
HTTP, as do the generated calls 'callsummary list --sandbox' shows; any other SID
is 20404. The built-in sandbox starts afresh in each command: its generated calls
are dated relative to that moment (so their times move from one run to the next),
and an annotation set in one command is gone in the next ('callsummary serve'
keeps both for as long as it runs). The call with only a partial summary completes
10 s after the sandbox starts, so that 'fetch --wait' on it ends.`,
		Args: noArgs,
	}, func(cmd *cobra.Command, args []string) error {
		format, fields, err := out.resolve(cmd)
		if err != nil {
			return err
		}
		h, err := sandbox.NewHandler()
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := writeSampleCalls(&b, h.Calls(), format, fields, out.noHeader); err != nil {
			return err
		}
		_, err = e.stdout.Write(b.Bytes())
		return err
	})
	addOutputFlags(cmd, &out, sandboxColumns, sandboxColumns)
	return cmd
}

// sampleCall is a sample call as -o json and ndjson print it.
type sampleCall struct {
	CallSID   string   `json:"call_sid"`
	Type      string   `json:"type"`
	Summaries []string `json:"summaries"`
	// CompletesLater: a partial summary now, the complete one once the
	// sandbox has run 10 s.
	CompletesLater bool   `json:"completes_later"`
	Description    string `json:"description"`
}

func sampleCallOf(c sandbox.SampleCall) sampleCall {
	states := make([]string, len(c.States))
	for i, s := range c.States {
		states[i] = string(s)
	}
	return sampleCall{CallSID: c.SID, Type: string(c.CallType), Summaries: states, CompletesLater: c.CompletesLater, Description: c.Description}
}

// writeSampleCalls lists the sandbox's calls: a newcomer's SIDs to try.
func writeSampleCalls(b *bytes.Buffer, calls []sandbox.SampleCall, format string, fields []string, noHeader bool) error {
	switch format {
	case formatJSON, formatNDJSON:
		all := make([]sampleCall, len(calls))
		for i, c := range calls {
			all[i] = sampleCallOf(c)
		}
		if format == formatJSON {
			body, err := wirejson.MarshalIndent(all)
			if err != nil {
				return err
			}
			b.Write(append(body, '\n'))
			return nil
		}
		for _, c := range all {
			if err := wirejson.MarshalWrite(b, c); err != nil {
				return err
			}
		}
		return nil
	}
	cells := func(c sampleCall) map[string]string {
		summaries := strings.Join(c.Summaries, ",")
		if c.CompletesLater {
			summaries += ",complete later"
		}
		return map[string]string{"call_sid": c.CallSID, "type": c.Type, "summaries": summaries, "description": c.Description}
	}
	titles := map[string]string{"call_sid": "CALL SID", "type": "TYPE", "summaries": "SUMMARIES", "description": "DESCRIPTION"}
	if format == formatCSV {
		if !noHeader {
			if err := writeCSV(b, fields); err != nil {
				return err
			}
		}
		for _, c := range calls {
			m := cells(sampleCallOf(c))
			row := make([]string, len(fields))
			for i, f := range fields {
				row[i] = m[f]
			}
			if err := writeCSV(b, row); err != nil {
				return err
			}
		}
		return nil
	}
	tw := newTable(b)
	line := func(m map[string]string) {
		for i, f := range fields {
			v := m[f]
			if v == "" {
				v = "-"
			}
			if i > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, v)
		}
		fmt.Fprintln(tw)
	}
	if !noHeader {
		line(titles)
	}
	for _, c := range calls {
		line(cells(sampleCallOf(c)))
	}
	return tw.Flush()
}

// completeCallSID completes a CALLSID with the sandbox's sample calls when
// the sandbox is asked (--sandbox, CALLSUMMARY_SANDBOX): Twilio's calls are
// not known before they are fetched.
func completeCallSID(e *env) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var o targetOptions
		if f := cmd.Flags().Lookup("sandbox"); f != nil && f.Changed {
			on := f.Value.String() == "true"
			o.sandbox = &on
		}
		if on, err := sandboxRequested(e, o); len(args) > 0 || err != nil || !on {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		h, err := sandbox.NewHandler(sandbox.WithPopulation(0, 0))
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, c := range h.Calls() {
			if strings.HasPrefix(c.SID, toComplete) {
				out = append(out, cobra.CompletionWithDesc(c.SID, c.Description))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
