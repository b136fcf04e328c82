package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Flag values that the standard library lacks: repeatable comma lists,
// booleans that can be left unset, and relative times in Twilio's units.

// listValue collects a comma-separated list; the flag may also repeat
// (--issue echo --issue dtmf). Empty items are refused.
type listValue struct{ items *[]string }

func (l listValue) String() string {
	if l.items == nil {
		return ""
	}
	return strings.Join(*l.items, ",")
}

func (l listValue) Set(s string) error {
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return fmt.Errorf("empty item in %q", s)
		}
		*l.items = append(*l.items, item)
	}
	return nil
}

// triBool is a boolean flag that stays nil unless given: --has-tag sends
// HasTag=true, --has-tag=false sends false, nothing sends nothing.
type triBool struct{ v **bool }

func (t triBool) IsBoolFlag() bool { return true }

func (t triBool) String() string {
	if t.v == nil || *t.v == nil {
		return ""
	}
	return strconv.FormatBool(**t.v)
}

func (t triBool) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("want true or false")
	}
	*t.v = &b
	return nil
}

// intValue is an integer flag that stays nil unless given.
type intValue struct{ v **int }

func (i intValue) String() string {
	if i.v == nil || *i.v == nil {
		return ""
	}
	return strconv.Itoa(**i.v)
}

func (i intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("want a whole number")
	}
	*i.v = &n
	return nil
}

// stringValue is a string flag that stays nil unless given, so that an
// explicit "" can be sent.
type stringValue struct{ v **string }

func (s stringValue) String() string {
	if s.v == nil || *s.v == nil {
		return ""
	}
	return **s.v
}

func (s stringValue) Set(v string) error {
	*s.v = &v
	return nil
}

// parseAgo reads a duration before now: Twilio's forms (30m, 4h, 3d, 1w)
// or any Go duration (1h30m). It must not be negative.
func parseAgo(s string) (time.Duration, error) {
	var d time.Duration
	var err error
	if n, unit := strings.TrimRight(s, "dw"), s[len(strings.TrimRight(s, "dw")):]; len(unit) == 1 && n != "" {
		var k int64
		k, err = strconv.ParseInt(n, 10, 64)
		per := 24 * time.Hour
		if unit == "w" {
			per *= 7
		}
		if err == nil && k > int64(1<<62)/int64(per) {
			err = fmt.Errorf("too long")
		}
		d = time.Duration(k) * per
	} else {
		d, err = time.ParseDuration(s)
	}
	switch {
	case err != nil:
		return 0, fmt.Errorf("%q is not a duration: want e.g. 30m, 4h, 3d, 1w or 1h30m", s)
	case d < 0:
		return 0, fmt.Errorf("%q is negative: want a duration before now", s)
	}
	return d, nil
}
