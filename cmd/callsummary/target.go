package main

import (
	"net/url"
	"strconv"
	"time"

	"github.com/spf13/pflag"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// envSandbox turns the built-in sandbox on, as --sandbox does.
const envSandbox = "CALLSUMMARY_SANDBOX"

// sandboxCompletesAfter is when the built-in sandbox completes its call
// that has only a partial summary, so that fetch --wait on it ends: a few
// polls at the shortest interval, one at the default.
const sandboxCompletesAfter = 10 * time.Second

// targetOptions are the flags that choose where requests go.
type targetOptions struct {
	sandbox               *bool // nil: not given, CALLSUMMARY_SANDBOX decides
	baseURL, region, edge string
	timeout               time.Duration
}

func addTargetFlags(fs *pflag.FlagSet, o *targetOptions) {
	addTriBool(fs, &o.sandbox, "sandbox", "ask the built-in sandbox, a fake Twilio with sample calls, not Twilio (also "+envSandbox+"=1)")
	fs.StringVar(&o.baseURL, "base-url", "", "send requests to this `URL` (a proxy, 'callsummary serve', a test server)")
	fs.StringVar(&o.region, "region", "", "Twilio `region`, e.g. ie1 (default $TWILIO_REGION, else us1)")
	fs.StringVar(&o.edge, "edge", "", "Twilio edge `location` for the host, e.g. dublin (default $TWILIO_EDGE, else the region's)")
	fs.Var(durationValue{v: &o.timeout}, "timeout", "give up after this `duration` (0: no limit beyond each request's own)")
}

// target is where requests go and with which credentials.
type target struct {
	opts []callsummary.Option
	// sandbox names the sandbox that answers, "" for Twilio: the built-in
	// one, or one at a base URL reached with the sandbox's credentials.
	sandbox string
	builtin bool // the built-in sandbox answers
	// twilio: Twilio's own host, whose rate limit polls spend.
	twilio bool
	close  func() // stops the built-in sandbox, if one was started
}

// resolveTarget picks the built-in sandbox (--sandbox, CALLSUMMARY_SANDBOX),
// a base URL (--base-url, CALLSUMMARY_BASE_URL), or Twilio (credentials in
// the environment; --region, --edge). With no credentials and no sandbox it
// refuses: a job that lost its secrets must not report sample calls as
// real. The environment is read once, through env's getenv, by the SDK's
// own callsummary.LoadEnv, and handed to the client with WithEnv; flags are
// options given after it, so they win.
func resolveTarget(e *env, o targetOptions) (target, error) {
	t := target{close: func() {}}
	useSandbox, err := sandboxRequested(e, o)
	if err != nil {
		return t, err
	}
	if raw := e.getenv(callsummary.EnvBaseURL); raw != "" {
		if err := checkBaseURL(callsummary.EnvBaseURL, raw); err != nil {
			return t, err
		}
	}
	cfg, err := callsummary.LoadEnv(e.getenv)
	if err != nil {
		return t, usagef("%v", err)
	}
	hostFlags := o.region != "" || o.edge != ""
	baseURL := o.baseURL
	if baseURL == "" && !hostFlags {
		baseURL = cfg.BaseURL
	}
	t.opts = []callsummary.Option{callsummary.WithEnv(cfg)}
	switch {
	case useSandbox && (o.baseURL != "" || hostFlags):
		asked := "--sandbox"
		if o.sandbox == nil {
			asked = envSandbox + "=" + e.getenv(envSandbox)
		}
		return t, usagef("%s and --base-url, --region or --edge all choose where requests go; give one", asked)
	case useSandbox:
		srv, err := sandbox.NewServer(sandbox.WithCompletion(sandboxCompletesAfter))
		if err != nil {
			return t, err
		}
		e.notef("using the built-in sandbox: sample calls, not Twilio's (see 'callsummary sandbox')")
		h := srv.Handler()
		t.opts = append(t.opts, callsummary.WithBaseURL(srv.URL), callsummary.WithCredentials(h.AccountSID(), h.AuthToken()))
		t.sandbox, t.builtin, t.close = "the built-in sandbox", true, srv.Close
	case o.baseURL != "" && hostFlags:
		return t, usagef("--base-url and --region/--edge both choose the host; give one or the other")
	case baseURL != "":
		if err := checkBaseURL("--base-url", baseURL); err != nil {
			return t, err
		}
		t.opts = append(t.opts, callsummary.WithBaseURL(baseURL))
		if !cfg.HasCredentials() {
			// Most likely 'callsummary serve' is at that URL; its
			// credentials are public.
			e.notef("no Twilio credentials set; sending the sandbox's to %s", displayURL(baseURL))
			t.opts = append(t.opts, callsummary.WithCredentials(sandbox.AccountSID, sandbox.AuthToken))
			t.sandbox = "the sandbox at " + displayURL(baseURL)
		}
	case !cfg.HasCredentials():
		// One line, no pointer at --help: the line says what to do.
		return t, &cliError{code: exitUsage, err: errNoCredentials}
	case hostFlags:
		region, edge := o.region, o.edge
		if region == "" {
			region = cfg.Region
		}
		if edge == "" {
			edge = cfg.Edge
		}
		t.opts = append(t.opts, callsummary.WithRegion(region, edge))
		t.twilio = true
	default:
		t.twilio = true
	}
	return t, nil
}

var errNoCredentials = errorString("no Twilio credentials: set " + callsummary.EnvAPIKey + " and " + callsummary.EnvAPISecret +
	" (or " + callsummary.EnvAccountSID + " and " + callsummary.EnvAuthToken + "), or pass --sandbox (" + envSandbox +
	"=1) to try the built-in sandbox's sample calls")

type errorString string

func (s errorString) Error() string { return string(s) }

// sandboxRequested: --sandbox when given, else CALLSUMMARY_SANDBOX.
func sandboxRequested(e *env, o targetOptions) (bool, error) {
	if o.sandbox != nil {
		return *o.sandbox, nil
	}
	v := e.getenv(envSandbox)
	if v == "" {
		return false, nil
	}
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, usagef("%s=%q: want 1 or 0 (true or false)", envSandbox, v)
	}
	return on, nil
}

// checkBaseURL refuses a base URL that carries user info, without echoing
// it: the password would end up on the terminal. The client checks the
// rest (https unless loopback, no query).
func checkBaseURL(name, raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return usagef("%s is not a URL (not shown: it may hold a secret)", name)
	case u.User != nil:
		return usagef("%s must not carry user:password@ (not shown): set the TWILIO_* credentials instead", name)
	}
	return nil
}

// displayURL is a URL fit to print: without user info (a password) and
// without query or fragment (they can hold phone numbers).
func displayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a URL that does not parse, not shown)"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}
