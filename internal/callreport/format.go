package callreport

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/voiceinsights/callsummary/internal/safetext"
)

// Formatting of optional values: "-" stands for what the summary lacks.
// Strings come from the server: each is made printable.

func str(s *string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return safetext.Printable(*s)
}

// enumStr is a value of a set the document lists, marked when unknown.
func enumStr(s *string, known []string) string {
	if s == nil || *s == "" {
		return "-"
	}
	return EnumText(*s, known)
}

// Int is n in decimal, "-" for nil.
func Int(n *int) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n)
}

func unitStr(n *int, unit string) string {
	if n == nil {
		return "-"
	}
	return strconv.Itoa(*n) + " " + unit
}

// Time is RFC 3339 in UTC, whatever offset Twilio sent; "-" for nil.
func Time(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// secondsStr shows a duration both readable and exact: "8m29s (509 s)".
func secondsStr(n *int) string {
	if n == nil {
		return "-"
	}
	return fmt.Sprintf("%v (%d s)", time.Duration(*n)*time.Second, *n)
}

// Num formats v with prec decimals, fixed so that a column's decimal
// points line up.
func Num(v float64, prec int) string {
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if strings.TrimLeft(s, "-0.") == "" { // -0.00 → 0.00
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// pair renders "a/b" with "-" for a missing half, or "-" for both.
func pair(a float64, hasA bool, b float64, hasB bool, prec int) string {
	if !hasA && !hasB {
		return "-"
	}
	l, r := "-", "-"
	if hasA {
		l = Num(a, prec)
	}
	if hasB {
		r = Num(b, prec)
	}
	return l + "/" + r
}

// JoinNames lists xs by name, comma-separated.
func JoinNames[T any](xs []T, name func(T) string) string {
	names := make([]string, len(xs))
	for i, x := range xs {
		names[i] = name(x)
	}
	return strings.Join(names, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
