package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/htmlreport"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

type fetchOptions struct {
	target                 targetOptions
	out                    outputOptions
	partial, wait, showPII bool
	validate               bool
	pollInterval           time.Duration
	html                   string
	failIf                 []string
}

// minTwilioPollInterval keeps --wait from spending Twilio's rate limit:
// shorter intervals are for the sandbox and test servers.
const minTwilioPollInterval = time.Second

const fetchLong = `Print a call-quality report for one call: its type, states, direction, times
and durations; the parties, masked unless --show-pii; the edges expected for the
call type and which are present; each edge's inbound and outbound stream (codec,
packets, loss, jitter, latency, MOS, RTT); the tags, each explained; and a
verdict naming the worst stream. -o json prints the summary's bytes exactly as
received, unknown fields and all; -o csv one row with list's columns; --html
FILE writes the report as a self-contained HTML page instead, with each
stream's metrics drawn against the levels at which Twilio raises its tags.

Twilio assembles a partial summary about 10 minutes after a call ends and the
complete one about 30 minutes after: until then fetch says 20404; use --partial
for what exists now, or --wait to wait for the complete summary, polling every
--poll-interval or more, with each poll shown on stderr. The built-in sandbox's
call with only a partial summary completes 10 s after it starts.

--fail-if EXPR (repeatable) checks the call after the report: mos, jitter, loss,
rtt, pdd, duration (the values list shows in the call's row), verdict == poor,
tag(high_jitter); e.g. 'mos < 3.5'. Each breach is listed on stderr and the
command exits 3. The grammar: callsummary help fail-if.

Exit status: 0 ok; 1 Twilio said no (the message names its error code and what
to do), or --validate found a violation; 2 usage error, e.g. a malformed CALLSID
or --fail-if expression (nothing is sent); 3 a --fail-if threshold breached;
130 interrupted.`

const fetchExample = `  callsummary fetch --sandbox CA62608e08adc29a8d6dbc9754e659f125
  callsummary fetch --sandbox --wait --poll-interval 2s CA0e87c1212a698494dcdb198af3e0eb2f
  callsummary fetch -o json CA62608e08adc29a8d6dbc9754e659f125 > summary.json
  callsummary fetch --sandbox --html call.html CA62608e08adc29a8d6dbc9754e659f125
  callsummary fetch CA62608e08adc29a8d6dbc9754e659f125 --fail-if 'mos < 3.5' --fail-if 'verdict == poor'`

func newFetchCmd(e *env) *cobra.Command {
	var o fetchOptions
	cmd := command(e, &cobra.Command{
		Use:               "fetch [flags] CALLSID",
		Short:             "Print a call-quality report for one call (or its JSON)",
		Long:              fetchLong,
		Example:           fetchExample,
		Args:              oneCallSID,
		ValidArgsFunction: completeCallSID(e),
	}, func(cmd *cobra.Command, args []string) error { return runFetch(cmd, e, &o, args[0]) })
	fs := cmd.Flags()
	fs.BoolVar(&o.partial, "partial", false, "accept a partial summary (available about 10 minutes after the call ends)")
	fs.BoolVar(&o.wait, "wait", false, "wait for the complete summary, polling; progress on stderr")
	o.pollInterval = callsummary.DefaultPollInterval
	fs.Var(durationValue{v: &o.pollInterval, positive: true}, "poll-interval",
		"first `interval` between --wait polls; it grows 1.5 times a poll, up to 4 times this (Twilio: at least 1s)")
	fs.BoolVar(&o.validate, "validate", false, "check every response against the OpenAPI document; any violation is listed on stderr and fails the command")
	fs.BoolVar(&o.showPII, "show-pii", false, "show the parties' numbers, names, IP addresses and locations unmasked")
	fs.StringVar(&o.html, "html", "", "write the report as an HTML page to `FILE` (- for standard output), each stream drawn against Twilio's tag thresholds")
	_ = cmd.MarkFlagFilename("html", "html")
	addFailIfFlag(cmd, &o.failIf, scopeCall)
	addOutputFlags(cmd, &o.out, columnNames(listColumns()), nil)
	addTargetFlags(fs, &o.target)
	return cmd
}

func runFetch(cmd *cobra.Command, e *env, o *fetchOptions, sid string) error {
	format, fields, err := o.out.resolve(cmd)
	if err != nil {
		return err
	}
	if format == formatText && (len(o.out.fields) > 0 || o.out.noHeader) {
		return usagef("--fields and --no-header are for -o csv; the text report has no columns")
	}
	if o.html != "" && cmd.Flags().Changed("output") {
		return usagef("--html writes the report as a page; -o is for standard output: give one")
	}
	if cmd.Flags().Changed("html") {
		if err := checkHTMLOut(o.html); err != nil {
			return err
		}
	}
	if o.partial && o.wait {
		return usagef("--partial takes what exists now, --wait waits for the complete summary; give one")
	}
	thresholds, err := parseThresholds(e, o.failIf, scopeCall)
	if err != nil {
		return err
	}
	var extra []callsummary.Option
	violations := &violationLog{w: e.stderr}
	if o.validate {
		mw, err := violations.middleware()
		if err != nil {
			return err
		}
		extra = append(extra, mw)
	}
	s, err := newSession(cmd.Context(), e, o.target, extra...)
	if err != nil {
		return err
	}
	defer s.done()
	if o.wait && s.target.twilio && o.pollInterval < minTwilioPollInterval {
		return usagef("--poll-interval %v polls Twilio more than once a second, which spends its rate limit: want %v or more", o.pollInterval, minTwilioPollInterval)
	}
	sum, err := fetchSummary(s.ctx, e, s.client, sid, o)
	if err != nil && sum == nil {
		return explain(s.ctx, err, o.target, s.target, o.partial, o.wait)
	}
	if werr := writeSummary(e, sum, format, fields, o, s.target, s.client.Redact); werr != nil {
		return werr
	}
	if err != nil { // a summary in a state this version does not know
		return err
	}
	// The summary is printed even when it broke the document: it is what
	// the user asked for, and the violations say what to distrust in it.
	// They outrank a breach: thresholds are checked on a summary that
	// can be trusted.
	if err := violations.verdict(); err != nil || len(thresholds) == 0 {
		return err
	}
	return e.failOnBreach(checkCall(thresholds, sum), s.client.Redact)
}

func writeSummary(e *env, s *callsummary.Summary, format string, fields []string, o *fetchOptions, t target, redact func(string) string) error {
	if o.html != "" {
		opts := []htmlreport.Option{htmlreport.WithPII(o.showPII)}
		if t.sandbox != "" {
			opts = append(opts, htmlreport.WithNotice(sandboxNotice(t.sandbox)))
		}
		return writeHTML(e, o.html, o.showPII, redact, func(w io.Writer) error { return htmlreport.WriteCall(w, s, opts...) })
	}
	switch format {
	case formatJSON:
		_, err := e.stdout.Write(s.Raw())
		return err
	case formatNDJSON:
		return writeNDJSON(e.stdout, s)
	case formatCSV:
		w := &listWriter{format: formatCSV, noHeader: o.out.noHeader, cols: pickColumns(listColumns(), fields), showPII: o.showPII}
		var b bytes.Buffer
		rec, err := w.record(newListRow(s, o.showPII, false))
		if err != nil {
			return err
		}
		if err := w.begin(&b); err != nil {
			return err
		}
		b.Write(rec)
		_, err = io.WriteString(e.stdout, redact(b.String()))
		return err
	}
	w := newRedactingWriter(e.stdout, redact)
	if err := writeReport(w, s, reportStyle{showPII: o.showPII, color: useColor(e.stdout, e.getenv), sandbox: t.sandbox}); err != nil {
		return err
	}
	return w.Flush()
}

func fetchSummary(ctx context.Context, e *env, c *callsummary.Client, sid string, o *fetchOptions) (*callsummary.Summary, error) {
	if !o.wait {
		var opts []callsummary.FetchOption
		if o.partial {
			opts = append(opts, callsummary.WithProcessingState(callsummary.ProcessingStatePartial))
		}
		return c.FetchSummary(ctx, sid, opts...)
	}
	s, err := c.WaitForComplete(ctx, sid,
		callsummary.WithPollInterval(o.pollInterval),
		callsummary.WithPartialHandler(func(s *callsummary.Summary) {
			if !e.quiet {
				writePartialProgress(e.stderr, s)
			}
		}))
	if err != nil || s.IsComplete() {
		return s, err
	}
	// Only "partial" means "not yet": the SDK ends the wait on a state it
	// does not know (or none), which polling on would never see change.
	state := "null"
	if s.ProcessingState != nil {
		state = fmt.Sprintf("%q", safetext.Printable(string(*s.ProcessingState)))
	}
	return s, &cliError{code: exitNo, err: fmt.Errorf("stopped waiting: Twilio sent processing_state %s, which this version does not know as partial or complete (the summary is printed as sent)", state)}
}

// explain turns a failed request into a message that names the Twilio
// error code and says what to do about it.
func explain(ctx context.Context, err error, o targetOptions, t target, partial, wait bool) error {
	var ae *callsummary.APIError
	switch {
	case errors.Is(err, callsummary.ErrInvalidCallSID):
		return &cliError{code: exitUsage, err: err, help: true}
	case errors.As(err, &ae):
		return &cliError{code: exitNo, err: err, advice: advice(ae, t, partial, wait)}
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && o.timeout > 0:
		return &cliError{code: exitNo, err: fmt.Errorf("gave up after --timeout %v: %w", o.timeout, err)}
	case errors.Is(ctx.Err(), context.Canceled):
		return &cliError{code: exitNo, err: fmt.Errorf("interrupted: %w", err)}
	}
	return err
}

func advice(ae *callsummary.APIError, t target, partial, wait bool) string {
	code := ae.Code
	if code == 0 { // a proxy's page, or an empty body: go by the status
		code = map[int]int{http.StatusUnauthorized: 20003, http.StatusNotFound: 20404, http.StatusTooManyRequests: 20429}[ae.StatusCode]
	}
	switch {
	case code == 20003 && t.builtin:
		return "Twilio error 20003: the sandbox refused its own credentials; please report this bug"
	case code == 20003:
		return "Twilio error 20003: check the credentials (TWILIO_API_KEY/TWILIO_API_SECRET or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN), " +
			"and that they were created in the region you ask (--region, TWILIO_REGION)"
	case code == 20404 && t.sandbox != "":
		return "Twilio error 20404: the sandbox knows the calls 'callsummary sandbox' lists and those 'callsummary list --sandbox' shows " +
			"(add --partial for those with only a partial summary); set TWILIO_* credentials to ask Twilio"
	case code == 20404 && !partial && !wait:
		return "Twilio error 20404: check the call SID (summaries are kept 30 days); if the call ended less than 30 minutes ago " +
			"the complete summary may not exist yet: try --partial, or --wait"
	case code == 20404:
		return "Twilio error 20404: check the call SID (summaries are kept 30 days); a partial summary appears about 10 minutes " +
			"after the call ends: try again later, or --wait"
	case code == 20429:
		return "Twilio error 20429: too many requests; slow down (fewer concurrent fetches) and try again in a minute"
	case ae.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("Twilio error %d: Voice Insights Advanced Features must be enabled on the account", ae.Code)
	case ae.StatusCode >= 500:
		return "the server failed after retries; try again later"
	}
	return "" // the error itself links the code's documentation
}
