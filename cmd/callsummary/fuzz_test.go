package main

import (
	"bytes"
	"encoding/csv"
	"regexp"
	"strings"
	"testing"
	"unicode"

	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// No summary the SDK accepts makes the report or a list row panic; every
// report ends with one verdict, and every row is one printable line. `go test` runs the seeds (the document's examples and
// a few hand-made edge cases); `go test -fuzz FuzzReport` explores.
func FuzzReport(f *testing.F) {
	all, err := examples()
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range reportExamples {
		f.Add(all[name])
	}
	for _, s := range []string{
		`{}`,
		`{"call_type":"whatsapp","carrier_edge":{"metrics":{"inbound":{}}}}`,
		`{"call_type":"client","sdk_edge":{"metrics":{"inbound":{"mos":{"avg":0}}}},"processing_state":"partial"}`,
		`{"from":{"caller":"+"},"to":{"callee":"sip:@"},"tags":[""],"duration":-5}`,
		`{"sip_edge":{"metrics":{"outbound":{"packets_loss_percentage":-0.0001,"jitter":{"max":1e308}}}}}`,
		`{"call_type":"pstn\u001b]0;x\u0007","tags":["a\nVerdict: good"],"from":{"carrier":"\u009b2J","caller":"\r"}}`,
		`{"processing_state":"final","properties":{"direction":"\u202e"},"duration":"9"}`,
		`{"from":{"caller":"\"0000"},"to":{"carrier":"a,\"b"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		s, err := callsummary.ParseSummary(body)
		if err != nil {
			return
		}
		// Plain reports are checked strictly; a coloured one differs from
		// the plain one only by the report's own escapes (stripped here),
		// since every escape a server sent became '?'.
		plain := map[bool]string{}
		for _, pii := range []bool{false, true} {
			var b bytes.Buffer
			if err := writeReport(&b, s, reportStyle{showPII: pii}); err != nil {
				t.Fatal(err)
			}
			if n := len(verdictLine.FindAllString(b.String(), -1)); n != 1 {
				t.Fatalf("%d verdict lines:\n%s", n, b.String())
			}
			checkPrintable(t, b.String())
			plain[pii] = b.String()
		}
		var col bytes.Buffer
		if err := writeReport(&col, s, reportStyle{showPII: true, color: true}); err != nil {
			t.Fatal(err)
		}
		if ansi.ReplaceAllString(col.String(), "") != plain[true] {
			t.Fatalf("the coloured report is not the plain one with escapes:\n%q", col.String())
		}
		for _, format := range []string{formatText, formatCSV} {
			w := &listWriter{format: format, cols: listColumns(), showPII: true}
			rec, err := w.record(newListRow(s, true, format == formatText))
			if err != nil {
				t.Fatal(err)
			}
			checkPrintable(t, string(rec))
			if format == formatText && strings.Count(string(rec), "\n") != 1 {
				t.Fatalf("a text row of %d lines: %q", strings.Count(string(rec), "\n"), rec)
			}
			if format != formatCSV {
				continue
			}
			if recs, err := csv.NewReader(bytes.NewReader(rec)).ReadAll(); err != nil || len(recs) != 1 {
				t.Fatalf("a csv row that is %d records (%v): %q", len(recs), err, rec)
			}
		}
	})
}

var verdictLine = regexp.MustCompile(`(?m)^Verdict: `)

// checkPrintable fails on a character that could drive a terminal.
func checkPrintable(t *testing.T, text string) {
	t.Helper()
	for _, r := range text {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) {
			t.Fatalf("control character %U in:\n%q", r, text)
		}
	}
}
