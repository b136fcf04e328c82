package main

import (
	"fmt"
	"strconv"
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
	return enumText(*s, known)
}

func intStr(n *int) string {
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

// timeStr is RFC 3339 in UTC, whatever offset Twilio sent.
func timeStr(t *time.Time) string {
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
