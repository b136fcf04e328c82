package main

import (
	"bytes"
	"io"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// redactingWriter applies redact to each line written through it: text and
// csv output of what a server sent, which may echo the credential into a
// field. Lines are whole before they are redacted (the sanitizer has taken
// line breaks out of the server's strings, so a secret cannot span two),
// and a line is held only until its end arrives. json and ndjson output,
// the bytes received, does not go through it.
type redactingWriter struct {
	w       io.Writer
	redact  func(string) string
	pending []byte
}

func newRedactingWriter(w io.Writer, redact func(string) string) *redactingWriter {
	return &redactingWriter{w: w, redact: redact}
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	r.pending = append(r.pending, p...)
	i := bytes.LastIndexByte(r.pending, '\n')
	if i < 0 {
		return len(p), nil
	}
	if _, err := io.WriteString(r.w, r.redact(string(r.pending[:i+1]))); err != nil {
		return 0, err
	}
	r.pending = append(r.pending[:0], r.pending[i+1:]...)
	return len(p), nil
}

// Flush writes a last line that has no line break.
func (r *redactingWriter) Flush() error {
	if len(r.pending) == 0 {
		return nil
	}
	_, err := io.WriteString(r.w, r.redact(string(r.pending)))
	r.pending = r.pending[:0]
	return err
}

// envRedact is the redaction of what commands print from files (exports,
// which keep the bytes a server sent): a proxy may have echoed the
// credential into them, and the credential of the environment, when there
// is one, is the one it would have echoed. Without a credential, or with
// an environment that does not read, there is nothing to redact.
func envRedact(e *env) func(string) string {
	identity := func(s string) string { return s }
	cfg, err := callsummary.LoadEnv(e.getenv)
	if err != nil || !cfg.HasCredentials() {
		return identity
	}
	c, err := callsummary.NewClient(callsummary.WithEnv(cfg))
	if err != nil {
		return identity
	}
	return c.Redact
}
