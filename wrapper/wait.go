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

// WaitForComplete polls FetchSummary with ProcessingState=partial until
// the summary's processing_state is "complete", and returns it.
//
// A 404 means "not assembled yet" and a transient failure that outlived
// FetchSummary's own retries (429, 5xx, transport) is tried again at the
// next poll; both are logged at debug level. Any other error ends the wait.
// The wait is bounded only by ctx: give it a deadline; when ctx ends the
// wait, between polls or as a "not yet" arrives, the error wraps ctx.Err().
// Options are checked, and the call SID validated, before any request.
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
		switch {
		case err == nil && s.IsComplete():
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
			c.log.DebugContext(ctx, "callsummary: summary not available yet", "call_sid", callSID, "poll", poll, "error", err.Error(), "next_poll_in", interval)
		default:
			return nil, err
		}
		if err := c.clock.sleep(ctx, interval); err != nil {
			return nil, waitEnded(callSID, poll, err)
		}
		interval = min(interval*pollGrowthNum/pollGrowthDen, maxInterval)
	}
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
