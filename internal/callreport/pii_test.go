package callreport

import (
	"strings"
	"testing"
)

func TestMaskAddress(t *testing.T) {
	for in, want := range map[string]string{
		"+14155550143":                "+1415•••••43",
		"+442071838750":               "+4420•••••50",
		"client:alice":                "client:•••••",
		"sip:support@pbx.example.com": "sip:•••••@pbx.example.com",
		"sips:bob":                    "sips:•••••",
		"+1234":                       "•••••",
		"anonymous":                   "an•••••us",
		"":                            "•••••",
		"☎☎☎☎☎☎☎☎☎☎":                  "☎☎•••••☎☎",
	} {
		if got := MaskAddress(in); got != want {
			t.Errorf("MaskAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

// The mask hides the user of a client: or sip: address entirely, and never
// shows any other address whole.
func FuzzMaskAddress(f *testing.F) {
	for _, s := range []string{"+14155550143", "client:alice", "sip:bob@pbx.example.com", "", "x", "anonymous", "client:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		got := MaskAddress(addr)
		if !strings.Contains(got, maskDots) {
			t.Fatalf("MaskAddress(%q) = %q has no mask", addr, got)
		}
		for _, scheme := range []string{"client:", "sip:", "sips:", "tel:"} {
			if rest, ok := strings.CutPrefix(got, scheme); ok && strings.HasPrefix(addr, scheme) {
				if user, _, _ := strings.Cut(rest, "@"); user != maskDots {
					t.Fatalf("MaskAddress(%q) = %q shows the user", addr, got)
				}
				return
			}
		}
		if len(addr) >= 3 && strings.Contains(got, addr) {
			t.Fatalf("MaskAddress(%q) = %q shows it whole", addr, got)
		}
	})
}
