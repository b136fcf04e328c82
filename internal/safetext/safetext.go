// Package safetext makes text from a server safe to show on a terminal or
// in a log line read on one: the one sanitizer every human-readable output
// of the module uses.
package safetext

import (
	"strings"
	"unicode"
)

// Printable replaces every control character (C0 and C1, so ESC, CR, LF and
// the 8-bit CSI among them) and every bidirectional formatting character
// with '?', and invalid UTF-8 with U+FFFD. What remains cannot move the
// cursor, set the window title, clear the screen, start a new line or
// reorder what is displayed.
func Printable(s string) string {
	if clean(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unsafe(r) {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// clean reports, without allocating, that Printable would return s as is.
func clean(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f || b >= 0x80 {
			return isCleanUnicode(s[i:])
		}
	}
	return true
}

func isCleanUnicode(s string) bool {
	for _, r := range s {
		if r == unicode.ReplacementChar || unsafe(r) {
			return false
		}
	}
	return true
}

func unsafe(r rune) bool {
	// U+2028 and U+2029 break lines in many terminals and viewers.
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029'
}

// MaskNumbers replaces each run of seven or more digits (a phone number,
// with or without its '+' or URL-escaped "%2B") with "•••": for text a
// server chose, such as an unknown member's name shown in a JSON pointer,
// which may hold a party's number.
func MaskNumbers(s string) string {
	if !hasDigitRun(s, minNumberRun) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j-i >= minNumberRun {
			b.WriteString("•••")
			i = j
			continue
		}
		if j > i {
			b.WriteString(s[i:j])
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// minNumberRun is the shortest run of digits MaskNumbers hides: E.164
// numbers are longer, counters and short codes are not.
const minNumberRun = 7

func hasDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			if run++; run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// CSVCell makes a server's string safe for a CSV file that a spreadsheet
// may open: Printable, and a cell that a spreadsheet would read as a
// formula (one starting with '=', '+', '-' or '@') is prefixed with a
// single quote, as OWASP advises, unless it is a plain number such as an
// E.164 phone number or a negative count.
func CSVCell(s string) string {
	s = Printable(s)
	if len(s) < 2 || !strings.ContainsRune("=+-@", rune(s[0])) || plainNumber(s) {
		return s
	}
	return "'" + s
}

// plainNumber: an optional sign, then digits with at most one '.'.
func plainNumber(s string) bool {
	if len(s) < 2 {
		return false
	}
	dot := false
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == '.' && !dot && i > 1:
			dot = true
		default:
			return false
		}
	}
	return s[0] == '+' || s[0] == '-'
}
