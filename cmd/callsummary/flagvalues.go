package main

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/pflag"
)

// Flag values that pflag lacks. Each checks what it is given in Set, so a
// wrong value is refused while the command line is parsed, in pflag's words
// that name the flag as typed: invalid argument "1001" for "--page-size"
// flag: want 1 to 1000.

// enumList collects a comma-separated list; the flag may also repeat
// (--issue echo --issue dtmf). An empty item is refused. Values outside
// known are refused when hard (an enum Twilio's document enforces), else
// kept and reported by unknown: Twilio lists most values only in prose,
// and may add some.
type enumList struct {
	items *[]string
	known []string
	hard  bool
}

func (l enumList) Type() string { return "strings" }

func (l enumList) String() string {
	if l.items == nil {
		return ""
	}
	return strings.Join(*l.items, ",")
}

func (l enumList) Set(s string) error {
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if err := checkEnum(item, l.known, l.hard); err != nil {
			return err
		}
		*l.items = append(*l.items, item)
	}
	return nil
}

func (l enumList) unknown() []string { return unknownOf(*l.items, l.known) }

// enumValue is one value of a set; "" is unset.
type enumValue struct {
	v     *string
	known []string
	hard  bool
}

func (v enumValue) Type() string   { return "string" }
func (v enumValue) String() string { return *v.v }

func (v enumValue) Set(s string) error {
	if err := checkEnum(s, v.known, v.hard); err != nil {
		return err
	}
	*v.v = s
	return nil
}

func (v enumValue) unknown() []string {
	if *v.v == "" {
		return nil
	}
	return unknownOf([]string{*v.v}, v.known)
}

func checkEnum(s string, known []string, hard bool) error {
	switch {
	case s == "":
		return fmt.Errorf("empty value")
	case hard && !slices.Contains(known, s):
		return fmt.Errorf("want one of %s", strings.Join(known, ", "))
	}
	return nil
}

func unknownOf(items, known []string) []string {
	var out []string
	for _, s := range items {
		if !slices.Contains(known, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// passedThrough is a flag whose values may lie outside the known ones.
type passedThrough interface {
	unknown() []string
	knownValues() []string
}

func (l enumList) knownValues() []string  { return l.known }
func (v enumValue) knownValues() []string { return v.known }

// noteUnknownValues says, for each flag given a value this version does not
// know, that it is sent as given: Twilio may know it.
func noteUnknownValues(e *env, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		p, ok := f.Value.(passedThrough)
		if !ok || !f.Changed {
			return
		}
		for _, u := range p.unknown() {
			e.notef("note: --%s %q is not a value this version knows (%s); sent as given",
				f.Name, u, knownList(p.knownValues()))
		}
	})
}

// knownList names the known values, or how many there are when that is
// too many for a line.
func knownList(known []string) string {
	if len(known) > 12 {
		return fmt.Sprintf("one of %d, e.g. %s; see --help", len(known), strings.Join(known[:3], ", "))
	}
	return strings.Join(known, ", ")
}

// intRange is an int flag that must lie in [lo, hi]; unset it keeps its
// default (0 for "not given").
type intRange struct {
	v      *int
	lo, hi int
	what   string // after "want": "1 to 1000"
}

func (r intRange) Type() string   { return "int" }
func (r intRange) String() string { return strconv.Itoa(*r.v) }

func (r intRange) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < r.lo || n > r.hi {
		return fmt.Errorf("want %s", r.what)
	}
	*r.v = n
	return nil
}

// optional is a flag that stays nil unless given, so that "not given" and
// a zero value (--spam=false, --comment "") differ.
type optional[T any] struct {
	v     **T
	typ   string
	parse func(string) (T, error)
}

func (o optional[T]) Type() string { return o.typ }

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
// nothing sends nothing: a bool flag that can be left unset.
type triBool struct{ optional[bool] }

func (triBool) IsBoolFlag() bool { return true }

func addTriBool(fs *pflag.FlagSet, v **bool, name, usage string) {
	f := fs.VarPF(triBool{optional[bool]{v: v, typ: "bool", parse: func(s string) (bool, error) {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return false, fmt.Errorf("want true or false")
		}
		return b, nil
	}}}, name, "", usage)
	f.NoOptDefVal = "true" // the flag alone means true
}

// scoreValue is a call score, 1 to 5.
func scoreValue(v **int) optional[int] {
	return optional[int]{v: v, typ: "score", parse: func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 5 {
			return 0, fmt.Errorf("want 1 (Bad) to 5 (Excellent)")
		}
		return n, nil
	}}
}

// maxAnnotationText is Twilio's limit on a comment or an incident, in
// characters.
const maxAnnotationText = 100

// textValue is free text of at most maxAnnotationText characters.
func textValue(v **string) optional[string] {
	return optional[string]{v: v, typ: "text", parse: func(s string) (string, error) {
		switch n := utf8.RuneCountInString(s); {
		case !utf8.ValidString(s):
			return "", fmt.Errorf("not valid UTF-8")
		case n > maxAnnotationText:
			return "", fmt.Errorf("%d characters: want at most %d", n, maxAnnotationText)
		}
		return s, nil
	}}
}

// patternValue is a string that must match a pattern; the value is not
// echoed in the error, which pflag does anyway, so the pattern must be
// for identifiers only.
type patternValue struct {
	v    *string
	re   *regexp.Regexp
	want string
}

func (p patternValue) Type() string   { return "string" }
func (p patternValue) String() string { return *p.v }

func (p patternValue) Set(s string) error {
	if !p.re.MatchString(s) {
		return fmt.Errorf("want %s", p.want)
	}
	*p.v = s
	return nil
}

var (
	countryPattern    = regexp.MustCompile(`^[A-Za-z]{2}$`)
	accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
)

// durationValue is a duration of at least min (and, if positive, at least
// that: a zero min allows zero).
type durationValue struct {
	v        *time.Duration
	min      time.Duration
	positive bool
}

func (d durationValue) Type() string   { return "duration" }
func (d durationValue) String() string { return d.v.String() }

func (d durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return fmt.Errorf("want a duration such as 30s, 5m or 1h30m")
	case d.positive && v <= 0:
		return fmt.Errorf("want a positive duration")
	case v < d.min:
		return fmt.Errorf("want %v or more", d.min)
	}
	*d.v = v
	return nil
}

// fractionValue is a probability: a number in [0, 1]. NaN is refused.
type fractionValue struct{ v *float64 }

func (f fractionValue) Type() string   { return "fraction" }
func (f fractionValue) String() string { return strconv.FormatFloat(*f.v, 'g', -1, 64) }

func (f fractionValue) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
		return fmt.Errorf("want a number from 0 to 1, e.g. 0.05")
	}
	*f.v = v
	return nil
}

// agoValue is a time before now: Twilio's forms (30m, 4h, 3d, 1w) or any
// Go duration (1h30m), not negative.
type agoValue struct {
	raw *string
	d   *time.Duration
}

func (a agoValue) Type() string   { return "duration" }
func (a agoValue) String() string { return *a.raw }

func (a agoValue) Set(s string) error {
	d, err := parseAgo(s)
	if err != nil {
		return err
	}
	*a.raw, *a.d = s, d
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
		return 0, fmt.Errorf("want a duration before now, e.g. 30m, 4h, 3d, 1w or 1h30m")
	case d < 0:
		return 0, fmt.Errorf("negative: want a duration before now")
	}
	return d, nil
}

// timeValue is an RFC 3339 time.
type timeValue struct {
	raw *string
	t   *time.Time
}

func (v timeValue) Type() string   { return "time" }
func (v timeValue) String() string { return *v.raw }

func (v timeValue) Set(s string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("want an RFC 3339 time such as 2026-11-27T08:00:00Z")
	}
	*v.raw, *v.t = s, t
	return nil
}
