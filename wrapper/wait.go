package callsummary

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultPollInterval is WaitForComplete's first interval. Twilio assembles
// a summary within about 30 minutes of the call's end, so polling faster
// only spends rate limit.
const DefaultPollInterval = 30 * time.Second

// pollGrowth and pollCap shape the schedule: each interval is 1.5 times the
// previous one, up to 4 times the first (30 s, 45 s, 67.5 s, 101.25 s, then
// every 120 s by default).
const (
	pollGrowthNum, pollGrowthDen = 3, 2
	pollCapFactor                = 4
)

// WaitForComplete polls FetchSummary with ProcessingState=partial while
// the summary's processing_state is "partial", and returns the first
// summary that is not: "complete" (IsComplete), or a state the SDK does not
// know, or none at all (null or absent), which Twilio's schema allows. Only
// "partial" means "not yet": any other state ends the wait rather than
// poll until the deadline; check IsComplete.
//
// A 404 means "not assembled yet" and a transient failure that outlived
// FetchSummary's own retries (429, 5xx, transport) is tried again at the
// next poll; both are logged at debug level. A 429's Retry-After is
// honoured: the next poll waits at least that long, and when that would be
// past ctx's deadline, or more than an hour away, the wait ends with the 429.
// Any other error ends the
// wait. The wait is bounded only by ctx: give it a deadline; when ctx ends
// the wait, between polls or as a "not yet" arrives, the error wraps
// ctx.Err(). Options are checked, and the call SID validated, before any
// request.
func (c *Client) WaitForComplete(ctx context.Context, callSID string, opts ...WaitOption) (*Summary, error) {
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	w := waitSettings{interval: DefaultPollInterval}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&w); err != nil {
			return nil, err
		}
	}
	if err := ValidateCallSID(callSID); err != nil {
		return nil, err
	}
	interval, maxInterval := w.interval, w.interval*pollCapFactor
	for poll := 1; ; poll++ {
		s, err := c.FetchSummary(ctx, callSID, WithProcessingState(ProcessingStatePartial))
		wait := interval
		switch {
		case err == nil && !isPartial(s):
			return s, nil
		case err == nil:
			c.log.DebugContext(ctx, "callsummary: summary still partial", "call_sid", callSID, "poll", poll, "next_poll_in", interval)
			if w.onPartial != nil {
				w.onPartial(s)
			}
		case ctx.Err() != nil && (errors.Is(err, ErrNotFound) || isTransient(err)):
			// "Not yet", answered as ctx ended: the wait ended with ctx,
			// as it does between polls, not with the answer.
			return nil, waitEnded(callSID, poll, ctx.Err())
		case ctx.Err() != nil:
			return nil, err
		case errors.Is(err, ErrNotFound) || isTransient(err):
			if ra, ok := retryAfterOf(err, c.clock.now()); ok {
				if ra > maxWaitRetryAfter {
					return nil, err // not a wait but a refusal: a year 9999 date would hang the caller
				}
				wait = max(wait, ra)
				if dl, ok := ctx.Deadline(); ok && c.clock.now().Add(wait).After(dl) {
					return nil, err // the server's Retry-After is past the deadline
				}
			}
			c.log.DebugContext(ctx, "callsummary: summary not available yet", "call_sid", callSID, "poll", poll, "error", err.Error(), "next_poll_in", wait)
		default:
			return nil, err
		}
		if err := c.clock.sleep(ctx, wait); err != nil {
			return nil, waitEnded(callSID, poll, err)
		}
		interval = min(interval*pollGrowthNum/pollGrowthDen, maxInterval)
	}
}

// maxWaitRetryAfter is the longest Retry-After a wait honours: Twilio's
// own are seconds; a longer one is a refusal, or a broken server.
const maxWaitRetryAfter = time.Hour

// isPartial reports whether s says it is not complete yet.
func isPartial(s *Summary) bool {
	return s.ProcessingState != nil && *s.ProcessingState == ProcessingStatePartial
}

// retryAfterOf is the Retry-After of a 429 (or 503) that ended
// FetchSummary's own retries.
func retryAfterOf(err error, now time.Time) (time.Duration, bool) {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Header == nil {
		return 0, false
	}
	return parseRetryAfter(ae.Header, now)
}

// waitEnded is WaitForComplete's error when ctx ends the wait.
func waitEnded(callSID string, polls int, ctxErr error) error {
	return fmt.Errorf("callsummary: waiting for the complete summary of %s (%d polls): %w", callSID, polls, ctxErr)
}

// isTransient reports an error FetchSummary would have retried.
func isTransient(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return retryableStatus(ae.StatusCode)
	}
	return retryableError(err)
}
