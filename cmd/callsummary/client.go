package main

import (
	"context"
	"slices"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// session is one command's client: where it sends (target), the client,
// and the command's context bounded by --timeout.
type session struct {
	ctx    context.Context
	client *callsummary.Client
	target target
	done   func() // releases the timer and stops the built-in sandbox
}

// newSession resolves the target, builds a client that reports polls and
// retries on stderr (unless -q) and the HTTP exchange with -v, and bounds
// ctx by --timeout. extra options come last.
func newSession(ctx context.Context, e *env, o targetOptions, extra ...callsummary.Option) (*session, error) {
	t, err := resolveTarget(e, o)
	if err != nil {
		return nil, err
	}
	opts := slices.Clone(t.opts)
	if !e.quiet {
		opts = append(opts, callsummary.WithLogger(progressLogger(e.stderr)))
	}
	var c *callsummary.Client // the exchange log redacts with it; no request leaves before it is set
	if e.verbose {
		opts = append(opts, callsummary.WithTransportMiddleware(exchangeLog(e.stderr, func(s string) string { return c.Redact(s) })))
	}
	c, err = callsummary.NewClient(append(opts, extra...)...)
	if err != nil {
		t.close()
		return nil, &cliError{code: exitUsage, err: err, help: true}
	}
	cancel := context.CancelFunc(func() {})
	if o.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
	}
	return &session{ctx: ctx, client: c, target: t, done: func() { cancel(); t.close() }}, nil
}
