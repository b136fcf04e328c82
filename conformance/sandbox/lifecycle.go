package sandbox

import (
	"errors"
	"time"
)

// Lifecycle mode makes the sandbox answer like Twilio in the half hour after
// a call ends: no summary, then the partial one, then the complete one, by
// the clock (WithClock).
//
// For each sample call, with ended its end time:
//   - before ended+PartialAfter: 404 (20404), whatever the ProcessingState;
//   - from ended+PartialAfter: ProcessingState=partial returns the partial
//     summary; without it (or with complete) still 404, since Twilio's default
//     is the complete summary;
//   - from ended+CompleteAfter: the complete summary, with or without
//     ProcessingState (partial returns the newest summary).
//
// A call with no partial fixture goes from 404 straight to complete; a call
// with no complete fixture stays partial. A call whose summary has no
// end_time (the nulls fixture), with no EndedAt, is served as outside
// lifecycle mode.
type Lifecycle struct {
	// PartialAfter is how long after the call's end the partial summary
	// appears: 10 minutes if zero.
	PartialAfter time.Duration
	// CompleteAfter is how long after the call's end the complete summary
	// appears: 30 minutes if zero. It must not be before PartialAfter.
	CompleteAfter time.Duration
	// EndedAt, if set, is taken as the end of every call instead of each
	// summary's end_time: for example the sandbox's start, so that a live
	// demo (`fetch --wait`) sees the whole lifecycle on a real clock.
	EndedAt time.Time
}

// Twilio's documented delays: a partial summary within about ten minutes of
// the call's end, the complete one after about thirty.
const (
	DefaultPartialAfter  = 10 * time.Minute
	DefaultCompleteAfter = 30 * time.Minute
)

// WithLifecycle turns lifecycle mode on.
func WithLifecycle(l Lifecycle) Option {
	return func(c *serverConfig) { c.lifecycle = &l }
}

func (l *Lifecycle) validate() error {
	if l.PartialAfter < 0 || l.CompleteAfter < 0 {
		return errors.New("sandbox: lifecycle delays must not be negative")
	}
	if l.PartialAfter == 0 {
		l.PartialAfter = DefaultPartialAfter
	}
	if l.CompleteAfter == 0 {
		l.CompleteAfter = DefaultCompleteAfter
	}
	if l.CompleteAfter < l.PartialAfter {
		return errors.New("sandbox: lifecycle CompleteAfter is before PartialAfter")
	}
	return nil
}

// available reports which of a call's summaries exist at now.
func (l *Lifecycle) available(f *fixture, now time.Time) (partial, complete bool) {
	ended := l.EndedAt
	if ended.IsZero() {
		ended = f.ended
	}
	if ended.IsZero() {
		return f.partial != nil, f.complete != nil
	}
	age := now.Sub(ended)
	return age >= l.PartialAfter && f.partial != nil, age >= l.CompleteAfter && f.complete != nil
}
