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
	return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}
