package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/voiceinsights/callsummary/fleet"
)

// progressBar draws one line of an export's progress on stderr, redrawn in
// place, when stderr is a terminal (and not -q); on a pipe or a file it
// draws nothing, so logs stay clean.
type progressBar struct {
	w     io.Writer // nil: draw nothing
	verb  string    // what the line says is happening
	last  time.Time
	drawn bool
	now   func() time.Time
}

// redrawEvery bounds the redraws: pages can arrive faster than a terminal
// is worth repainting.
const redrawEvery = 100 * time.Millisecond

func newProgressBar(e *env) *progressBar {
	b := &progressBar{now: time.Now, verb: "exporting"}
	if !e.quiet && isTerminal(e.stderr, e.getenv) {
		b.w = e.stderr
	}
	return b
}

// isTerminal reports whether w is a character device, and TERM is not dumb.
func isTerminal(w io.Writer, getenv func(string) string) bool {
	if getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (b *progressBar) update(p fleet.Progress) {
	if b.w == nil {
		return
	}
	now := b.now()
	if !p.Done && b.drawn && now.Sub(b.last) < redrawEvery {
		return
	}
	b.last, b.drawn = now, true
	// \r returns to the line's start, \x1b[K clears what a longer line
	// left: the only control sequences, and only on a terminal.
	fmt.Fprintf(b.w, "\r%s\x1b[K", progressLine(b.verb, p))
}

// end finishes the line, so that what follows starts on its own.
func (b *progressBar) end() {
	if b.w != nil && b.drawn {
		fmt.Fprintln(b.w)
	}
}

// progressLine is the bar's text: calls, pages, rate and elapsed time.
func progressLine(verb string, p fleet.Progress) string {
	line := fmt.Sprintf("%s: %d call%s, %d page%s, %.0f calls/s, %s", verb, p.Calls, plural(int(p.Calls)), p.Pages, plural(int(p.Pages)),
		p.Rate(), p.Elapsed.Round(time.Second))
	if p.Resumed > 0 {
		line += fmt.Sprintf(" (resumed after %d)", p.Resumed)
	}
	if p.Done {
		line += ", done"
	}
	return line
}
