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

// optional is a flag that stays nil unless given, so that "not given" and
// a zero value (--spam=false, --comment "") differ.
type optional[T any] struct {
	v      **T
	parse  func(string) (T, error)
	isBool bool
}

func (o optional[T]) IsBoolFlag() bool { return o.isBool }

func (o optional[T]) String() string {
	if o.v == nil || *o.v == nil {
		return ""
	}
	return fmt.Sprint(**o.v)
}

func (o optional[T]) Set(s string) error {
	v, err := o.parse(s)
	if err != nil {
		return err
	}
	*o.v = &v
	return nil
}

// triBool: --has-tag sends HasTag=true, --has-tag=false sends false,
// nothing sends nothing.
func triBool(v **bool) optional[bool] {
	return optional[bool]{v: v, isBool: true, parse: func(s string) (bool, error) {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return false, fmt.Errorf("want true or false")
		}
		return b, nil
	}}
}

func optionalInt(v **int) optional[int] {
	return optional[int]{v: v, parse: func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("want a whole number")
		}
		return n, nil
	}}
}

func optionalString(v **string) optional[string] {
	return optional[string]{v: v, parse: func(s string) (string, error) { return s, nil }}
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
