package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// violationLog prints, for fetch --validate, every way a response broke the
// document, and counts the responses that did. The validating transport
// sees every attempt, retries and polls included, and never reports a
// value of from or to.
type violationLog struct {
	mu  sync.Mutex
	w   io.Writer
	bad int
}

// middleware returns the wrapper option that validates every response.
func (l *violationLog) middleware() (callsummary.Option, error) {
	v, err := conformance.NewValidator()
	if err != nil {
		return nil, err
	}
	return callsummary.WithTransportMiddleware(v.Middleware(conformance.OnViolation(l.report))), nil
}

func (l *violationLog) report(_ context.Context, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.bad++
	var ve *conformance.ValidationError
	if !errors.As(err, &ve) {
		fmt.Fprintf(l.w, "callsummary: --validate: %s\n", safetext.Printable(message(err)))
		return
	}
	for _, v := range ve.Violations {
		fmt.Fprintf(l.w, "callsummary: --validate: %s violates the document at %s\n", safetext.Printable(ve.Subject), safetext.Printable(v.String()))
	}
}

// verdict is nil when every response conformed.
func (l *violationLog) verdict() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bad == 0 {
		return nil
	}
	return &cliError{code: exitNo, err: fmt.Errorf("--validate: %d response%s violated the OpenAPI document (listed above)", l.bad, plural(l.bad))}
}
