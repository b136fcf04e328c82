package main

import (
	"fmt"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// target is where fetch sends its request and with which credentials.
type target struct {
	opts    []callsummary.Option
	sandbox bool   // the in-process sandbox answers
	close   func() // stops the sandbox, if one was started
}

// resolveTarget picks Twilio (credentials in the environment), a given
// --base-url (or CALLSUMMARY_BASE_URL), or the in-process sandbox (nothing
// configured: the README's first command must work on a fresh clone). The
// environment is read once, through run's getenv, by the SDK's own
// callsummary.LoadEnv, and handed to the client with WithEnv; flags are
// options given after it, so they win.
func resolveTarget(e *env, o fetchOptions) (target, error) {
	t := target{close: func() {}}
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
	case o.baseURL != "" && hostFlags:
		return t, usagef("--base-url and --region/--edge both choose the host; give one or the other")
	case baseURL != "":
		t.opts = append(t.opts, callsummary.WithBaseURL(baseURL))
		if !cfg.HasCredentials() {
			// Most likely 'callsummary serve' is at that URL; its
			// credentials are public.
			fmt.Fprintf(e.stderr, "callsummary: no Twilio credentials set; sending the sandbox's to %s\n", baseURL)
			t.opts = append(t.opts, callsummary.WithCredentials(sandbox.AccountSID, sandbox.AuthToken))
		}
	case !cfg.HasCredentials() && hostFlags:
		return t, usagef("--region and --edge choose a Twilio host, which needs credentials: set %s and %s, or %s and %s",
			callsummary.EnvAccountSID, callsummary.EnvAuthToken, callsummary.EnvAPIKey, callsummary.EnvAPISecret)
	case !cfg.HasCredentials():
		srv, err := sandbox.NewServer()
		if err != nil {
			return t, fmt.Errorf("starting the built-in sandbox: %w", err)
		}
		fmt.Fprintln(e.stderr, "callsummary: no Twilio credentials set; using the built-in sandbox (see 'callsummary sandbox')")
		h := srv.Handler()
		t.opts = append(t.opts, callsummary.WithBaseURL(srv.URL), callsummary.WithCredentials(h.AccountSID(), h.AuthToken()))
		t.sandbox, t.close = true, srv.Close
	case hostFlags:
		region, edge := o.region, o.edge
		if region == "" {
			region = cfg.Region
		}
		if edge == "" {
			edge = cfg.Edge
		}
		t.opts = append(t.opts, callsummary.WithRegion(region, edge))
	}
	return t, nil
}
