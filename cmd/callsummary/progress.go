package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/voiceinsights/callsummary/internal/callreport"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// progressLogger shows the wrapper's debug log of polls and retries as one
// line each on stderr: during a --wait that can last half an hour, the user
// sees every poll and when the next one is due.
func progressLogger(w io.Writer) *slog.Logger {
	return slog.New(&progressHandler{w: w, mu: new(sync.Mutex)})
}

type progressHandler struct {
	w  io.Writer
	mu *sync.Mutex
}

func (h *progressHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *progressHandler) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *progressHandler) WithGroup(string) slog.Handler            { return h }

func (h *progressHandler) Handle(_ context.Context, r slog.Record) error {
	attrs := map[string]slog.Value{}
	r.Attrs(func(a slog.Attr) bool {
		attrs[a.Key] = a.Value.Resolve()
		return true
	})
	// Only polls and retries are progress; any other debug line the
	// wrapper may log is not for the terminal.
	if _, ok := attrs["poll"]; !ok {
		if _, ok := attrs["attempt"]; !ok {
			if _, ok := attrs["retry_after"]; !ok {
				return nil
			}
		}
	}
	var b strings.Builder
	b.WriteString("callsummary: ")
	if poll, ok := attrs["poll"]; ok {
		fmt.Fprintf(&b, "poll %d: ", poll.Int64())
	}
	b.WriteString(safetext.Printable(strings.TrimPrefix(r.Message, "callsummary: ")))
	if status, ok := attrs["status"]; ok {
		fmt.Fprintf(&b, " (HTTP %d)", status.Int64())
	}
	// A 404 is the expected "not yet" of a wait: its long message adds
	// nothing. Other errors say why a poll or attempt failed.
	if e, ok := attrs["error"]; ok && !strings.Contains(e.String(), "404") {
		fmt.Fprintf(&b, ": %s", safetext.Printable(message(errorString(e.String()))))
	}
	if a, ok := attrs["attempt"]; ok {
		fmt.Fprintf(&b, "; attempt %d", a.Int64())
		if m, ok := attrs["max_attempts"]; ok {
			fmt.Fprintf(&b, " of %d", m.Int64())
		}
	}
	for _, next := range [][2]string{{"next_poll_in", "next poll"}, {"wait", "next try"}} {
		if next[0] == "wait" && strings.Contains(r.Message, "not retrying") {
			// The wait that would have come, past the budget or the
			// deadline: no try follows.
			if d, ok := attrs["wait"]; ok && d.Kind() == slog.KindDuration {
				fmt.Fprintf(&b, "; a next try would have waited %v", d.Duration().Round(time.Millisecond))
			}
			continue
		}
		if d, ok := attrs[next[0]]; ok && d.Kind() == slog.KindDuration {
			fmt.Fprintf(&b, "; %s in %v, at %s", next[1], d.Duration().Round(time.Millisecond),
				r.Time.Add(d.Duration()).UTC().Format(time.RFC3339))
		}
	}
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

// writePartialProgress describes a partial summary polled during --wait:
// which edges have arrived and which tags are already raised.
func writePartialProgress(w io.Writer, s *callsummary.Summary) {
	fmt.Fprintf(w, "callsummary:   partial summary: edges %s; missing %s; tags %s\n",
		orNone(callreport.JoinNames(s.Edges(), func(e callsummary.Edge) string { return e.Kind.String() })),
		orNone(callreport.JoinNames(s.MissingEdges(), callsummary.EdgeKind.String)),
		orNone(callreport.JoinNames(s.QualityTags(), callreport.TagName)))
}

func orNone(list string) string {
	if list == "" {
		return "none"
	}
	return list
}
