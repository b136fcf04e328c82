//go:build !gendocs

package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// The first SIGINT or SIGTERM cancels ctx with the signal as its cause:
	// a --wait or serve ends cleanly and run exits 128+signal (130 for
	// Ctrl-C). Handling then returns to the default, so a second one kills
	// the process as usual.
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		signal.Stop(sigs)
		cancel(interruption{s})
	}()
	// A reader that goes away (list | head) makes writes to stdout fail
	// with EPIPE, which run turns into a quiet exit 0, instead of killing
	// the process with SIGPIPE (exit 141 under pipefail).
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	cancel(nil)
	os.Exit(code)
}
