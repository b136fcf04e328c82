package callsummary

import (
	"fmt"
	"strconv"
	"time"
)

// ListTime is a bound of a list's time window (ListFilter.Start, End):
// either an instant (At) or a duration before now (Since). The zero
// ListTime is unset: Twilio's default applies (StartTime 4h, EndTime 0m).
//
// Twilio takes a relative time in whole minutes, hours, days or weeks
// ("30m", "4h", "3d", "1w"), and an ISO 8601 date-time. A bound that does
// not fit is rounded so that the window only ever widens, never drops a
// call: a relative Start is rounded up to a whole minute (further back), a
// relative End down (closer to now); an instant Start is truncated to the
// second, an instant End rounded up to it. A relative time is sent in the
// largest unit that holds it exactly: Since(90*time.Minute) is "90m",
// Since(48*time.Hour) "2d", Since(14*24*time.Hour) "2w"; as a Start,
// Since(90*time.Second) is "2m".
type ListTime struct {
	at   time.Time
	ago  time.Duration
	kind listTimeKind
}

type listTimeKind uint8

const (
	listTimeUnset listTimeKind = iota
	listTimeAt
	listTimeSince
)

// At is the instant t. It is sent in UTC as RFC 3339 (2026-11-27T08:00:00Z).
func At(t time.Time) ListTime { return ListTime{at: t, kind: listTimeAt} }

// Since is d before now, now being when Twilio answers. d must not be
// negative; Since(0) is now.
func Since(d time.Duration) ListTime { return ListTime{ago: d, kind: listTimeSince} }

// IsZero reports whether t is unset.
func (t ListTime) IsZero() bool { return t.kind == listTimeUnset }

// Time returns the instant of a ListTime made by At.
func (t ListTime) Time() (time.Time, bool) { return t.at, t.kind == listTimeAt }

// Ago returns the duration of a ListTime made by Since.
func (t ListTime) Ago() (time.Duration, bool) { return t.ago, t.kind == listTimeSince }

// String is the value sent as a Start (rounded as described above), or ""
// when unset.
func (t ListTime) String() string { return t.param(true) }

// param encodes t for StartTime (start) or EndTime (!start), rounding to
// widen the window.
func (t ListTime) param(start bool) string {
	switch t.kind {
	case listTimeAt:
		u := t.at.UTC()
		if !start && !u.Equal(u.Truncate(time.Second)) {
			u = u.Add(time.Second)
		}
		return u.Truncate(time.Second).Format(time.RFC3339)
	case listTimeSince:
		m := t.ago / time.Minute
		if start && t.ago%time.Minute != 0 {
			m++
		}
		return relative(int64(m))
	}
	return ""
}

// relative writes m minutes in the largest unit that holds it exactly.
func relative(m int64) string {
	const hour, day, week = 60, 24 * 60, 7 * 24 * 60
	switch {
	case m == 0:
		return "0m"
	case m%week == 0:
		return strconv.FormatInt(m/week, 10) + "w"
	case m%day == 0:
		return strconv.FormatInt(m/day, 10) + "d"
	case m%hour == 0:
		return strconv.FormatInt(m/hour, 10) + "h"
	}
	return strconv.FormatInt(m, 10) + "m"
}

// resolve is the instant t stands for at now.
func (t ListTime) resolve(now time.Time) time.Time {
	if t.kind == listTimeSince {
		return now.Add(-t.ago)
	}
	return t.at
}

// check validates one bound; field names it in the error.
func (t ListTime) check(field string) error {
	switch t.kind {
	case listTimeSince:
		if t.ago < 0 {
			return fmt.Errorf("%w: %s is Since(%v): want a duration of zero or more before now", ErrInvalidFilter, field, t.ago)
		}
	case listTimeAt:
		if t.at.IsZero() {
			return fmt.Errorf("%w: %s is At(time.Time{}), the zero time: want an instant (or leave %s unset)", ErrInvalidFilter, field, field)
		}
		if y := t.at.UTC().Year(); y < 1 || y > 9999 {
			return fmt.Errorf("%w: %s is At(%s): want a time in the years 1 to 9999", ErrInvalidFilter, field, t.at.Format(time.RFC3339))
		}
	}
	return nil
}
