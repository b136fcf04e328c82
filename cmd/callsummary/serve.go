package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// shutdownGrace bounds how long serve waits for requests in flight after
// the signal: the sandbox answers in microseconds unless a fault stalls it.
const shutdownGrace = 5 * time.Second

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "listen on this `host:port` (port 0 picks a free one)")
	var mode sandboxMode
	fs.BoolVar(&mode.lifecycle, "lifecycle", false, "serve every call as if it had ended when the sandbox started: 20404, then partial, then complete")
	fs.DurationVar(&mode.partialAfter, "partial-after", sandbox.DefaultPartialAfter, "with --lifecycle, when the partial summaries appear")
	fs.DurationVar(&mode.completeAfter, "complete-after", sandbox.DefaultCompleteAfter, "with --lifecycle, when the complete summaries appear")
	fs.Float64Var(&mode.faultRate, "fault-rate", 0, "fail this `fraction` of requests with a transient fault (429, 500, 503, an HTML 502, a connection reset)")
	fs.Uint64Var(&mode.faultSeed, "fault-seed", 1, "`seed` of the fault draw: the same seed and request order give the same faults")
	fs.details = `The sandbox is Twilio's Call Summary endpoint with fixed sample calls, basic
auth with the credentials it prints, request validation against the OpenAPI
document and Twilio's error bodies. It runs until interrupted (Ctrl-C).

To watch 'fetch --wait' at work:
  callsummary serve --lifecycle --partial-after 20s --complete-after 1m
  callsummary fetch --wait --base-url http://127.0.0.1:8080 CA62608e08adc29a8d6dbc9754e659f125`
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments; use --addr")
	}
	if mode.partialAfter <= 0 || mode.completeAfter <= 0 {
		return usagef("--partial-after and --complete-after must be positive")
	}
	h, err := mode.handler(time.Now())
	if err != nil {
		return err
	}
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(e.stderr, "callsummary serve: ", 0), // not the process-wide log
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	writeServeBanner(e, "http://"+l.Addr().String(), h, mode)

	select {
	case err := <-served: // the listener failed
		return err
	case <-ctx.Done():
	}
	// The parent context is done; the grace period needs its own.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	fmt.Fprintln(e.stderr, "callsummary: sandbox stopped")
	return err
}

// sandboxMode is how serve's sandbox departs from answering at once.
type sandboxMode struct {
	lifecycle                   bool
	partialAfter, completeAfter time.Duration
	faultRate                   float64
	faultSeed                   uint64
}

// transientFaults are what a client must retry: serve's random faults
// exercise another SDK's retries without breaking it for good.
var transientFaults = []sandbox.Fault{
	{Kind: sandbox.FaultTooManyRequests, RetryAfter: "1"},
	{Kind: sandbox.FaultServerError, Status: 500},
	{Kind: sandbox.FaultServerError, Status: 503},
	{Kind: sandbox.FaultHTMLError, Status: 502},
	{Kind: sandbox.FaultReset},
}

// handler builds the sandbox; in lifecycle mode every call ends at start.
func (m sandboxMode) handler(start time.Time) (*sandbox.Handler, error) {
	var opts []sandbox.Option
	if m.lifecycle {
		opts = append(opts, sandbox.WithLifecycle(sandbox.Lifecycle{
			PartialAfter: m.partialAfter, CompleteAfter: m.completeAfter, EndedAt: start,
		}))
	}
	h, err := sandbox.NewHandler(opts...)
	if err != nil {
		return nil, &cliError{code: exitUsage, err: err, help: true}
	}
	if m.faultRate != 0 {
		if err := h.InjectRandom(m.faultSeed, m.faultRate, transientFaults...); err != nil {
			return nil, &cliError{code: exitUsage, err: err, help: true}
		}
	}
	return h, nil
}

func writeServeBanner(e *env, url string, h *sandbox.Handler, m sandboxMode) {
	w := e.stdout
	fmt.Fprintf(w, "Sandbox listening on %s\n", url)
	if m.lifecycle {
		fmt.Fprintf(w, "Lifecycle mode: every call ended now; partial summaries in %v, complete ones in %v\n", m.partialAfter, m.completeAfter)
	}
	if m.faultRate != 0 {
		fmt.Fprintf(w, "Faults: %g of requests fail (429, 500, 503, HTML 502, reset), seed %d\n", m.faultRate, m.faultSeed)
	}
	fmt.Fprintln(w)
	tw := newTable(w)
	fmt.Fprintf(tw, "  Account SID\t%s\n  Auth Token\t%s\n", h.AccountSID(), h.AuthToken())
	if key, secret := h.APIKey(); key != "" {
		fmt.Fprintf(tw, "  API key\t%s\n  API secret\t%s\n", key, secret)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nSample calls:")
	calls := h.Calls()
	writeSampleCalls(w, calls)
	sid := "CA62608e08adc29a8d6dbc9754e659f125"
	if len(calls) > 0 {
		sid = calls[0].SID
	}
	fmt.Fprintf(w, "\nTry:\n  curl -u %s:%s %s/v1/Voice/%s/Summary\n  callsummary fetch --base-url %s %s\n",
		h.AccountSID(), h.AuthToken(), url, sid, url, sid)
	fmt.Fprintf(w, "\nPoint a program built on the Go SDK at it:\n  export %s=%s %s=%s %s=%s\n  go run ./examples/quickstart %s\n\nPress Ctrl-C to stop.\n",
		callsummary.EnvBaseURL, url, callsummary.EnvAccountSID, h.AccountSID(), callsummary.EnvAuthToken, h.AuthToken(), sid)
}
