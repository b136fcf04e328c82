package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

type fetchOptions struct {
	partial, wait, json, showPII bool
	validate                     bool
	baseURL, region, edge        string
	timeout, pollInterval        time.Duration
}

func runFetch(ctx context.Context, e *env, args []string) error {
	var o fetchOptions
	fs := newFlagSet("fetch")
	fs.BoolVar(&o.partial, "partial", false, "accept a partial summary (available about 10 minutes after the call ends)")
	fs.BoolVar(&o.wait, "wait", false, "wait for the complete summary, polling every 30 s or more; progress on stderr")
	fs.BoolVar(&o.json, "json", false, "print the summary's JSON exactly as received")
	fs.BoolVar(&o.validate, "validate", false, "check every response against the OpenAPI document; any violation is listed on stderr and fails the command")
	fs.BoolVar(&o.showPII, "show-pii", false, "show the parties' numbers, names, IP addresses and locations unmasked")
	fs.StringVar(&o.baseURL, "base-url", "", "send requests to this `URL` (a proxy, 'callsummary serve', a test server)")
	fs.StringVar(&o.region, "region", "", "Twilio `region`, e.g. ie1 (default $TWILIO_REGION, else us1)")
	fs.StringVar(&o.edge, "edge", "", "Twilio edge `location` for the host, e.g. dublin (default $TWILIO_EDGE, else the region's)")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up after this `duration` (0: no limit beyond each request's own)")
	fs.DurationVar(&o.pollInterval, "poll-interval", callsummary.DefaultPollInterval, "first interval between --wait polls")
	fs.hide("poll-interval") // tests poll fast; users must not hammer Twilio
	fs.details = `Credentials come from TWILIO_API_KEY and TWILIO_API_SECRET, or
TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN. With neither (and no --base-url),
the built-in sandbox answers: see 'callsummary sandbox' for its calls.

Twilio assembles a partial summary about 10 minutes after a call ends and the
complete one about 30 minutes after: until then fetch says 20404; use
--partial for what exists now, or --wait to wait for the complete summary.

Exit status: 0 ok; 1 Twilio said no (the message names its error code and
what to do); 2 usage error, e.g. a malformed CALLSID (nothing is sent).`
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	sid, err := callSIDArg(pos)
	if err != nil {
		return err
	}
	switch {
	case o.timeout < 0:
		return usagef("--timeout must not be negative")
	case o.pollInterval <= 0:
		return usagef("--poll-interval must be positive")
	}
	if o.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
		defer cancel()
	}
	t, err := resolveTarget(e, o)
	if err != nil {
		return err
	}
	defer t.close()
	opts := append(slices.Clone(t.opts), callsummary.WithLogger(progressLogger(e.stderr)))
	violations := &violationLog{w: e.stderr}
	if o.validate {
		mw, err := violations.middleware()
		if err != nil {
			return err
		}
		opts = append(opts, mw)
	}
	c, err := callsummary.NewClient(opts...)
	if err != nil {
		return &cliError{code: exitUsage, err: err, help: true}
	}
	s, err := fetchSummary(ctx, e, c, sid, o)
	if err != nil {
		return explain(ctx, err, o, t)
	}
	if o.json {
		_, err = e.stdout.Write(s.Raw())
	} else {
		err = writeReport(e.stdout, s, reportStyle{showPII: o.showPII, color: useColor(e.stdout, e.getenv)})
	}
	if err != nil {
		return err
	}
	// The summary is printed even when it broke the document: it is what
	// the user asked for, and the violations say what to distrust in it.
	return violations.verdict()
}

func fetchSummary(ctx context.Context, e *env, c *callsummary.Client, sid string, o fetchOptions) (*callsummary.Summary, error) {
	if o.wait {
		return c.WaitForComplete(ctx, sid,
			callsummary.WithPollInterval(o.pollInterval),
			callsummary.WithPartialHandler(func(s *callsummary.Summary) { writePartialProgress(e.stderr, s) }))
	}
	var opts []callsummary.FetchOption
	if o.partial {
		opts = append(opts, callsummary.WithProcessingState(callsummary.ProcessingStatePartial))
	}
	return c.FetchSummary(ctx, sid, opts...)
}

// explain turns a failed fetch into a message that names the Twilio error
// code and says what to do about it.
func explain(ctx context.Context, err error, o fetchOptions, t target) error {
	var ae *callsummary.APIError
	switch {
	case errors.Is(err, callsummary.ErrInvalidCallSID):
		return &cliError{code: exitUsage, err: err, help: true}
	case errors.As(err, &ae):
		return &cliError{code: exitNo, err: err, advice: advice(ae, o, t)}
	case errors.Is(ctx.Err(), context.DeadlineExceeded) && o.timeout > 0:
		return &cliError{code: exitNo, err: fmt.Errorf("gave up after --timeout %v: %w", o.timeout, err)}
	case errors.Is(ctx.Err(), context.Canceled):
		return &cliError{code: exitNo, err: fmt.Errorf("interrupted: %w", err)}
	}
	return err
}

func advice(ae *callsummary.APIError, o fetchOptions, t target) string {
	code := ae.Code
	if code == 0 { // a proxy's page, or an empty body: go by the status
		code = map[int]int{http.StatusUnauthorized: 20003, http.StatusNotFound: 20404, http.StatusTooManyRequests: 20429}[ae.StatusCode]
	}
	switch {
	case code == 20003:
		if t.sandbox {
			return "Twilio error 20003: the sandbox refused its own credentials; please report this bug"
		}
		return "Twilio error 20003: check the credentials (TWILIO_API_KEY/TWILIO_API_SECRET or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN), " +
			"and that they were created in the region you ask (--region, TWILIO_REGION)"
	case code == 20404 && t.sandbox:
		return "Twilio error 20404: the built-in sandbox knows only the calls 'callsummary sandbox' lists " +
			"(add --partial for those with only a partial summary); set TWILIO_* credentials to ask Twilio"
	case code == 20404 && !o.partial && !o.wait:
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
