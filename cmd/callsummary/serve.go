package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
)

// shutdownGrace bounds how long serve waits for requests in flight after
// the signal: the sandbox answers in microseconds unless a fault stalls it.
const shutdownGrace = 5 * time.Second

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "listen on this `host:port` (port 0 picks a free one)")
	fs.details = `The sandbox is Twilio's Call Summary endpoint with fixed sample calls, basic
auth with the credentials it prints, request validation against the OpenAPI
document and Twilio's error bodies. It runs until interrupted (Ctrl-C).`
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("takes no arguments; use --addr")
	}
	h, err := conformance.NewHandler()
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

	writeServeBanner(e, "http://"+l.Addr().String(), h)

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

func writeServeBanner(e *env, url string, h *conformance.Handler) {
	w := e.stdout
	fmt.Fprintf(w, "Sandbox listening on %s\n\n", url)
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
	fmt.Fprintf(w, "\nTry:\n  curl -u %s:%s %s/v1/Voice/%s/Summary\n  callsummary fetch --base-url %s %s\n\nPress Ctrl-C to stop.\n",
		h.AccountSID(), h.AuthToken(), url, sid, url, sid)
}
