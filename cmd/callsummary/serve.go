package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// shutdownGrace bounds how long serve waits for requests in flight after
// the signal: the sandbox answers in microseconds unless a fault stalls it.
const shutdownGrace = 5 * time.Second

const serveLong = `Run the sandbox on an address, for curl, Prism or another SDK: Twilio's Call
Summary endpoints with fixed sample calls and a generated population, basic auth
with the credentials it prints, request validation against the OpenAPI document
and Twilio's error bodies. Each request is logged on stderr (method, path
without query, status, duration); -q stops the log. It runs until interrupted
(Ctrl-C), then exits 0.

It bounds every connection (headers in 5 s, a request in 10 s, a response in
30 s, 60 s idle, 64 KiB of body) and warns when --addr reaches beyond loopback:
anyone who can connect can use its public credentials.

The call with only a partial summary completes 10 s after serve starts. With
--lifecycle every call counts as ended when serve started, so its summaries go
from 20404 to partial to complete (--partial-after, --complete-after).`

const serveExample = `  callsummary serve --lifecycle --partial-after 20s --complete-after 1m
  callsummary fetch --wait --poll-interval 5s --base-url http://127.0.0.1:8080 CA62608e08adc29a8d6dbc9754e659f125`

// serveLimits bound what one connection may cost the server.
type serveLimits struct {
	readHeader, read, write, idle time.Duration
	maxHeader                     int
	maxBody                       int64
}

// defaultServeLimits are generous for the sandbox's small requests, on
// loopback or across a network, and stop a client that drips its bytes
// or holds an idle connection.
func defaultServeLimits() serveLimits {
	return serveLimits{readHeader: 5 * time.Second, read: 10 * time.Second, write: 30 * time.Second,
		idle: 60 * time.Second, maxHeader: 16 << 10, maxBody: 64 << 10}
}

func newServeCmd(e *env) *cobra.Command {
	var addr string
	var mode sandboxMode
	cmd := command(e, &cobra.Command{
		Use:     "serve [--addr 127.0.0.1:8080]",
		Short:   "Run the sandbox server for other tools (curl, Prism, another SDK)",
		Long:    serveLong,
		Example: serveExample,
		Args:    noArgs,
	}, func(cmd *cobra.Command, args []string) error {
		return runServe(cmd.Context(), e, addr, mode, defaultServeLimits())
	})
	fs := cmd.Flags()
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "listen on this `host:port` (port 0 picks a free one)")
	fs.BoolVar(&mode.lifecycle, "lifecycle", false, "serve every call as if it had ended when serve started: 20404, then partial, then complete")
	mode.partialAfter, mode.completeAfter = sandbox.DefaultPartialAfter, sandbox.DefaultCompleteAfter
	fs.Var(durationValue{v: &mode.partialAfter, positive: true}, "partial-after", "with --lifecycle, when the partial summaries appear")
	fs.Var(durationValue{v: &mode.completeAfter, positive: true}, "complete-after", "with --lifecycle, when the complete summaries appear")
	fs.Var(fractionValue{&mode.faultRate}, "fault-rate", "fail this `fraction` of requests, 0 to 1, with a transient fault (429, 500, 503, an HTML 502, a connection reset)")
	fs.Uint64Var(&mode.faultSeed, "fault-seed", 1, "`seed` of the fault draw: the same seed and request order give the same faults")
	return cmd
}

func runServe(ctx context.Context, e *env, addr string, mode sandboxMode, lim serveLimits) error {
	logger := slog.New(slog.DiscardHandler)
	if !e.quiet {
		logger = requestLogger(e.stderr)
	}
	h, err := mode.handler(time.Now(), logger)
	if err != nil {
		return err
	}
	l, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	url := "http://" + l.Addr().String()
	if a, ok := l.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
		// Not silenced by -q: it is about who can reach the server.
		fmt.Fprintf(e.stderr, "callsummary: warning: serve listens on %s, beyond loopback: anyone who can connect can use the sandbox's public credentials\n", a)
		if a.IP.IsUnspecified() { // every address: show the one this machine reaches
			url = "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(a.Port))
		}
	}
	srv := newServeServer(h, lim, e.stderr)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	var b bytes.Buffer
	writeServeBanner(&b, url, h, mode)
	_, _ = e.stdout.Write(b.Bytes()) // a banner nobody reads is no reason to stop

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
	e.notef("sandbox stopped")
	return err
}

// newServeServer is serve's HTTP server: every phase of a connection
// bounded, and bodies limited.
func newServeServer(h http.Handler, lim serveLimits, errlog io.Writer) *http.Server {
	return &http.Server{
		Handler:           http.MaxBytesHandler(h, lim.maxBody),
		ReadHeaderTimeout: lim.readHeader,
		ReadTimeout:       lim.read,
		WriteTimeout:      lim.write,
		IdleTimeout:       lim.idle,
		MaxHeaderBytes:    lim.maxHeader,
		ErrorLog:          log.New(errlog, "callsummary serve: ", 0), // not the process-wide log
	}
}

// requestLogger logs the sandbox's request lines as text on w: method,
// path, status, fault and duration. The query is left out: it can hold
// From and To, phone numbers. The level says nothing here.
func requestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level: slog.LevelDebug,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && (a.Key == "query" || a.Key == slog.LevelKey) {
				return slog.Attr{}
			}
			return a
		},
	}))
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
func transientFaults() []sandbox.Fault {
	return []sandbox.Fault{
		{Kind: sandbox.FaultTooManyRequests, RetryAfter: "1"},
		{Kind: sandbox.FaultServerError, Status: 500},
		{Kind: sandbox.FaultServerError, Status: 503},
		{Kind: sandbox.FaultHTMLError, Status: 502},
		{Kind: sandbox.FaultReset},
	}
}

// handler builds the sandbox: in lifecycle mode every call ends at start;
// otherwise the partial-only call completes as in the built-in sandbox.
func (m sandboxMode) handler(start time.Time, logger *slog.Logger) (*sandbox.Handler, error) {
	opts := []sandbox.Option{sandbox.WithLogger(logger)}
	if m.lifecycle {
		opts = append(opts, sandbox.WithLifecycle(sandbox.Lifecycle{
			PartialAfter: m.partialAfter, CompleteAfter: m.completeAfter, EndedAt: start,
		}))
	} else {
		opts = append(opts, sandbox.WithCompletion(sandboxCompletesAfter))
	}
	h, err := sandbox.NewHandler(opts...)
	if err != nil {
		return nil, &cliError{code: exitUsage, err: err, help: true}
	}
	if m.faultRate != 0 {
		if err := h.InjectRandom(m.faultSeed, m.faultRate, transientFaults()...); err != nil {
			return nil, &cliError{code: exitUsage, err: err, help: true}
		}
	}
	return h, nil
}

func writeServeBanner(w *bytes.Buffer, url string, h *sandbox.Handler, m sandboxMode) {
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
	_ = writeSampleCalls(w, calls, formatText, sandboxColumns, false) // a buffer: cannot fail
	sid := sampleSID
	if len(calls) > 0 {
		sid = calls[0].SID
	}
	fmt.Fprintf(w, "\nTry:\n  curl -u %s:%s %s/v1/Voice/%s/Summary\n  callsummary fetch --base-url %s %s\n",
		h.AccountSID(), h.AuthToken(), url, sid, url, sid)
	fmt.Fprintf(w, "\nPoint a program built on the Go SDK at it:\n  export %s=%s %s=%s %s=%s\n  go run ./examples/quickstart %s\n\nPress Ctrl-C to stop.\n",
		callsummary.EnvBaseURL, url, callsummary.EnvAccountSID, h.AccountSID(), callsummary.EnvAuthToken, h.AuthToken(), sid)
}
