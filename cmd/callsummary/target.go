package main

import (
	"fmt"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/wrapper"
)

// target is where fetch sends its request and with which credentials.
type target struct {
	opts    []wrapper.Option
	sandbox bool   // the in-process sandbox answers
	close   func() // stops the sandbox, if one was started
}

// resolveTarget picks Twilio (credentials in the environment), a given
// --base-url, or the in-process sandbox (nothing configured: the README's
// first command must work on a fresh clone). Every choice is passed to the
// wrapper as an option, so that it never reads the process environment
// behind the back of run's getenv.
func resolveTarget(e *env, o fetchOptions) (target, error) {
	t := target{close: func() {}}
	creds, err := credentialsFromEnv(e.getenv)
	if err != nil {
		return t, err
	}
	hostFlags := o.region != "" || o.edge != ""
	switch {
	case o.baseURL != "" && hostFlags:
		return t, usagef("--base-url and --region/--edge both choose the host; give one or the other")
	case o.baseURL != "":
		if creds == nil {
			// Most likely 'callsummary serve' is at that URL; its
			// credentials are public.
			fmt.Fprintf(e.stderr, "callsummary: no Twilio credentials set; sending the sandbox's to %s\n", o.baseURL)
			creds = wrapper.WithCredentials(conformance.SandboxAccountSID, conformance.SandboxAuthToken)
		}
		t.opts = []wrapper.Option{wrapper.WithBaseURL(o.baseURL), creds}
	case creds == nil && hostFlags:
		return t, usagef("--region and --edge choose a Twilio host, which needs credentials: set %s and %s, or %s and %s",
			wrapper.EnvAccountSID, wrapper.EnvAuthToken, wrapper.EnvAPIKey, wrapper.EnvAPISecret)
	case creds == nil:
		srv, err := conformance.NewServer()
		if err != nil {
			return t, fmt.Errorf("starting the built-in sandbox: %w", err)
		}
		fmt.Fprintln(e.stderr, "callsummary: no Twilio credentials set; using the built-in sandbox (see 'callsummary sandbox')")
		t.opts = []wrapper.Option{wrapper.WithBaseURL(srv.URL), wrapper.WithCredentials(srv.AccountSID(), srv.AuthToken())}
		t.sandbox, t.close = true, srv.Close
	default:
		region, edge := o.region, o.edge
		if region == "" {
			region = e.getenv(wrapper.EnvRegion)
		}
		if edge == "" {
			edge = e.getenv(wrapper.EnvEdge)
		}
		t.opts = []wrapper.Option{wrapper.WithRegion(region, edge), creds}
	}
	return t, nil
}

// credentialsFromEnv reads the same variables, with the same preference
// (an API key first, as Twilio recommends for servers), as the wrapper. It
// returns nil when neither pair is set, and a usage error when one is half
// set: falling back to the sandbox then would hide the mistake.
func credentialsFromEnv(getenv func(string) string) (wrapper.Option, error) {
	key, secret := getenv(wrapper.EnvAPIKey), getenv(wrapper.EnvAPISecret)
	sid, token := getenv(wrapper.EnvAccountSID), getenv(wrapper.EnvAuthToken)
	switch {
	case key != "" && secret != "":
		return wrapper.WithAPIKey(key, secret), nil
	case sid != "" && token != "":
		return wrapper.WithCredentials(sid, token), nil
	}
	for _, p := range [][2]string{{wrapper.EnvAccountSID, wrapper.EnvAuthToken}, {wrapper.EnvAPIKey, wrapper.EnvAPISecret}} {
		if a, b := getenv(p[0]), getenv(p[1]); (a == "") != (b == "") {
			set, unset := p[0], p[1]
			if b != "" {
				set, unset = p[1], p[0]
			}
			return nil, usagef("%s is set but %s is empty: set both, or neither to use the built-in sandbox", set, unset)
		}
	}
	return nil, nil
}
