package safetext

import "testing"

func TestPrintable(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"AT&T Wireless", "AT&T Wireless"},
		{"Zürich ☎", "Zürich ☎"},
		{"\x1b]0;pwned\x07title", "?]0;pwned?title"},
		{"clear\x1b[2J", "clear?[2J"},
		{"line\r\nVerdict: good", "line??Verdict: good"},
		{"c1 \u009b31m", "c1 ?31m"},
		{"bidi \u202egnp.exe", "bidi ?gnp.exe"},
		{"tab\there", "tab?here"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"line\u2028sep\u2029para", "line?sep?para"},
		{"", ""},
	} {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPrintableCleanDoesNotAllocate(t *testing.T) {
	s := "CA62608e08adc29a8d6dbc9754e659f125 (client, completed, complete) Zürich"
	if n := testing.AllocsPerRun(100, func() { _ = Printable(s) }); n != 0 {
		t.Errorf("Printable of clean text allocates %v times", n)
	}
}

func TestMaskNumbers(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"+14155550143", "+•••"},
		{"%2B14155550143", "%2B•••"},
		{"k-4155550143-x", "k-•••-x"},
		{"WARNING", "WARNING"},
		{"level123456", "level123456"},
		{"CA62608e08adc29a8d6dbc9754e659f125", "CA62608e08adc29a8d6dbc9754e659f125"},
		{"", ""},
	} {
		if got := MaskNumbers(tt.in); got != tt.want {
			t.Errorf("MaskNumbers(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCSVCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"AT&T Wireless", "AT&T Wireless"},
		{"=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"@SUM(1+1)", "'@SUM(1+1)"},
		{"+cmd|'/C calc'!A0", "'+cmd|'/C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"+14155550143", "+14155550143"},
		{"-12.5", "-12.5"},
		{"-", "-"},
		{"t\x1b[2J", "t?[2J"},
		{"", ""},
	} {
		if got := CSVCell(tt.in); got != tt.want {
			t.Errorf("CSVCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
