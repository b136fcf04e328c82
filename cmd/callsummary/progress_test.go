package main

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The progress log shows polls and retries, one line each with the next
// attempt's time, and nothing else the wrapper might log.
func TestProgressLogger(t *testing.T) {
	var b strings.Builder
	l := progressLogger(&b)
	ctx := context.Background()
	l.DebugContext(ctx, "callsummary: retrying", "attempt", 2, "max_attempts", 4, "wait", 1500*time.Millisecond, "status", 503)
	l.DebugContext(ctx, "callsummary: retrying", "attempt", 1, "max_attempts", 4, "wait", time.Second, "error", "read: connection reset by peer")
	l.DebugContext(ctx, "callsummary: summary not available yet", "poll", 3, "error", "twilio: 404 Not Found (code 20404): long text", "next_poll_in", 45*time.Second)
	l.DebugContext(ctx, "callsummary: Retry-After beyond cap; not retrying", "status", 429, "retry_after", time.Hour, "cap", 5*time.Minute)
	l.DebugContext(ctx, "callsummary: retry budget spent; not retrying", "attempt", 1, "wait", 299*time.Second, "max_elapsed", 2*time.Minute)
	l.DebugContext(ctx, "callsummary: some request detail", "url", "https://insights.twilio.com")
	l.Log(ctx, slog.LevelInfo, "callsummary: unrelated")
	at := `at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`
	want := []string{
		`callsummary: retrying \(HTTP 503\); attempt 2 of 4; next try in 1.5s, ` + at,
		`callsummary: retrying: read: connection reset by peer; attempt 1 of 4; next try in 1s, ` + at,
		`callsummary: poll 3: summary not available yet; next poll in 45s, ` + at,
		`callsummary: Retry-After beyond cap; not retrying \(HTTP 429\)`,
		`callsummary: retry budget spent; not retrying; attempt 1; a next try would have waited 4m59s`,
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), b.String())
	}
	for i, w := range want {
		if !regexp.MustCompile("^" + w + "$").MatchString(lines[i]) {
			t.Errorf("line %d = %q, want /%s/", i+1, lines[i], w)
		}
	}
}
