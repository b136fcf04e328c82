package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/callreport"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// reportExamples are the document's summary examples, by golden file name.
var reportExamples = map[string]string{
	"carrier":       "CarrierCall",
	"sip":           "SIPCall",
	"trunking":      "TrunkingCall",
	"client":        "ClientCall",
	"partial":       "PartialClientCall",
	"seed_complete": "SeedComplete",
	"seed_partial":  "SeedPartial",
}

func render(t *testing.T, s *callsummary.Summary, st reportStyle) string {
	t.Helper()
	var b bytes.Buffer
	if err := writeReport(&b, s, st); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestReportGolden(t *testing.T) {
	for file, name := range reportExamples {
		t.Run(file, func(t *testing.T) {
			golden(t, "report_"+file+".golden", render(t, exampleSummary(t, name), reportStyle{}))
		})
	}
	t.Run("client_show_pii", func(t *testing.T) {
		golden(t, "report_client_show_pii.golden", render(t, exampleSummary(t, "ClientCall"), reportStyle{showPII: true}))
	})
}

// The facts each example is about must be in its report, not only
// whatever the golden file happens to hold.
func TestReportNamesWhatMatters(t *testing.T) {
	cases := []struct {
		example string
		want    []string
	}{
		{"CarrierCall", []string{"Call type          carrier", "carrier_edge  present: ashburn", "high_jitter",
			"Verdict: poor: worst stream carrier_edge inbound", "2026-11-20T14:06:49Z", "4m38s (278 s)"}},
		{"SIPCall", []string{"Edges expected for a sip call: sip_edge", "Verdict: poor: worst stream sip_edge outbound (loss 6.62%",
			"sip_edge  out  pcma   13751    6.62%  2.3/21.4  0.4/1.9"}},
		{"TrunkingCall", []string{"sip_edge, carrier_edge", "Post-dial delay    6120 ms", "Verdict: tagged: media within Twilio's tag thresholds, but Voice Insights raised high_pdd"}},
		{"ClientCall", []string{"sdk_edge     in   opus   23190    6.68%  9.4/71.3  -        3.28/1.92  212/468",
			"low_mos", "the SDK's estimated mean opinion score fell below 3.5", "Verdict: poor: worst stream sdk_edge inbound"}},
		{"PartialClientCall", []string{"Processing state   partial", "sdk_edge     missing: not assembled yet (partial summary)",
			"Partial summary:", "Tags: none"}},
		{"SeedComplete", []string{"Streams: no media metrics in this summary", "carrier_edge  missing: absent from the complete summary"}},
	}
	for _, c := range cases {
		t.Run(c.example, func(t *testing.T) {
			out := render(t, exampleSummary(t, c.example), reportStyle{})
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("report lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

// partyValues returns every string the parties hold: what must not be
// printed without --show-pii.
func partyValues(s *callsummary.Summary) []string {
	var out []string
	for _, p := range []*gen.Party{s.From, s.To} {
		if p == nil {
			continue
		}
		for _, v := range []*string{p.Caller, p.Callee, p.IPAddress} {
			if v != nil && len(*v) > 3 {
				out = append(out, *v)
			}
		}
		if p.Location != nil && p.Location.Lat != nil {
			out = append(out, callreport.Num(*p.Location.Lat, 4))
		}
	}
	return out
}

func TestReportMasksPIIUnlessAsked(t *testing.T) {
	for _, name := range reportExamples {
		s := exampleSummary(t, name)
		masked := render(t, s, reportStyle{})
		shown := render(t, s, reportStyle{showPII: true})
		for _, v := range partyValues(s) {
			if strings.Contains(masked, v) {
				t.Errorf("%s: report without --show-pii contains %q", name, v)
			}
			if !strings.Contains(shown, v) {
				t.Errorf("%s: report with --show-pii lacks %q", name, v)
			}
		}
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Colour must change nothing but the escape codes: stripped of them, the
// coloured report is the plain one, columns included.
func TestReportColourOnlyAddsEscapes(t *testing.T) {
	for _, name := range reportExamples {
		s := exampleSummary(t, name)
		plain := render(t, s, reportStyle{})
		col := render(t, s, reportStyle{color: true})
		if strings.Contains(plain, "\x1b") {
			t.Errorf("%s: plain report has escape codes", name)
		}
		if !ansi.MatchString(col) {
			t.Errorf("%s: coloured report has no escape codes", name)
		}
		if got := ansi.ReplaceAllString(col, ""); got != plain {
			t.Errorf("%s: coloured report, stripped, differs from the plain one:\n%s\n---\n%s", name, got, plain)
		}
	}
}

func TestUseColor(t *testing.T) {
	// /dev/null is a character device, like a terminal; a file and a
	// buffer are not.
	tty, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	cases := []struct {
		name   string
		w      any
		getenv func(string) string
		want   bool
	}{
		{"terminal", tty, env(), true},
		{"terminal with NO_COLOR", tty, env("NO_COLOR", "1"), false},
		{"terminal with empty NO_COLOR", tty, env("NO_COLOR", ""), true},
		{"dumb terminal", tty, env("TERM", "dumb"), false},
		{"file", file, env(), false},
		{"buffer", &bytes.Buffer{}, env(), false},
	}
	for _, c := range cases {
		w := &outWriter{w: c.w.(interface{ Write([]byte) (int, error) })}
		if got := useColor(w, c.getenv); got != c.want {
			t.Errorf("%s: useColor = %v, want %v", c.name, got, c.want)
		}
	}
}

// Every summary the sandbox holds, the one with every property null
// included, renders without panicking and names its call.
func TestReportRendersEverySandboxCall(t *testing.T) {
	h, err := sandbox.NewHandler()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range h.Calls() {
		for _, state := range c.States {
			body, ok := h.Fixture(c.SID, state)
			if !ok {
				t.Fatalf("%s %s: no fixture", c.SID, state)
			}
			s, err := callsummary.ParseSummary(body)
			if err != nil {
				t.Fatalf("%s: %v", c.SID, err)
			}
			out := render(t, s, reportStyle{})
			if !strings.Contains(out, "Verdict: ") {
				t.Errorf("%s %s: no verdict:\n%s", c.SID, state, out)
			}
		}
	}
	out := render(t, &callsummary.Summary{}, reportStyle{showPII: true})
	if !strings.HasPrefix(out, "Call -\n") || !strings.Contains(out, "Verdict: unknown: no media metrics to judge") {
		t.Errorf("empty summary:\n%s", out)
	}
}
