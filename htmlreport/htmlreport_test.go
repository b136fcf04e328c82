package htmlreport_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/htmlreport"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// population lists a generated sandbox population of about n calls.
func population(t *testing.T, n int) []*callsummary.Summary {
	t.Helper()
	srv, err := sandbox.NewServer(sandbox.WithPopulation(n, 7))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := callsummary.NewClient(callsummary.WithBaseURL(srv.URL),
		callsummary.WithCredentials(srv.Handler().AccountSID(), srv.Handler().AuthToken()))
	if err != nil {
		t.Fatal(err)
	}
	var all []*callsummary.Summary
	f := callsummary.ListFilter{Start: callsummary.Since(31 * 24 * time.Hour), ProcessingState: gen.ListProcessingStateAll, PageSize: 1000}
	for s, err := range c.ListSummaries(t.Context(), f) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	return all
}

func fleetPage(t *testing.T, all []*callsummary.Summary, worst int, opts ...htmlreport.Option) string {
	t.Helper()
	agg, err := htmlreport.NewAggregation()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range all {
		if err := agg.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := htmlreport.WriteFleet(&b, agg.Fleet(all[:min(worst, len(all))]), opts...); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var svgElement = regexp.MustCompile(`(?s)<svg .*?</svg>`)

// The page is self-contained: no script, no URL but the SVG namespace, no
// font but generic families; every chart is well-formed XML with a title
// and a description; and the same input makes the same bytes.
func TestFleetPageSelfContained(t *testing.T) {
	all := population(t, 800)
	page := fleetPage(t, all, 3)
	for _, bad := range []string{"<script", "url(", "@import", "@font-face", "src=", "Liberation", "<img", "<link", "#010203"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if urls := regexp.MustCompile(`https?://[^"'\s<]*`).FindAllString(page, -1); len(urls) != strings.Count(page, "<svg ") {
		t.Errorf("URLs other than one SVG namespace per chart: %v", urls)
	}
	svgs := svgElement.FindAllString(page, -1)
	if len(svgs) < 12 {
		t.Fatalf("%d charts, want the 11 fleet charts and one per call", len(svgs))
	}
	for _, svg := range svgs {
		d := xml.NewDecoder(strings.NewReader(svg))
		var title, desc bool
		for {
			tok, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("chart is not well-formed: %v\n%.300s", err, svg)
			}
			if se, ok := tok.(xml.StartElement); ok {
				title = title || se.Name.Local == "title"
				desc = desc || se.Name.Local == "desc"
			}
		}
		if !title || !desc || !strings.Contains(svg, `role="img"`) {
			t.Errorf("chart without title, desc or role: %.200s", svg)
		}
		if !strings.Contains(svg, "font-family:sans-serif") || !strings.Contains(svg, "currentColor") {
			t.Errorf("chart without the generic font or the page's ink: %.200s", svg)
		}
	}
	if again := fleetPage(t, all, 3); again != page {
		t.Error("the same calls made another page")
	}
	if !strings.Contains(fleetPage(t, all, 3, htmlreport.WithGenerated(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))), "2026-11-30T12:00:00Z") {
		t.Error("WithGenerated is not shown")
	}
}

// What the server sends is text on the page, never markup: in tables, in
// chart labels and in the per-call sections, and without control
// characters. The parties are masked unless asked.
func TestFleetPageEscapesServerText(t *testing.T) {
	all := population(t, 200)
	evil := `<script>alert(1)</script>"'&` + "\x1b[2J\u202e"
	for _, s := range all[:20] {
		for _, p := range []*gen.Party{s.From, s.To} {
			if p != nil {
				p.Carrier, p.CountryCode = &evil, &evil
			}
		}
		s.Tags = append(s.Tags, evil)
	}
	page := fleetPage(t, all, 20)
	for _, bad := range []string{"<script", "\x1b", "\u202e", `"'&`} {
		if strings.Contains(page, bad) {
			t.Errorf("the page contains %q", bad)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile carrier is not shown escaped")
	}
	var secrets []string
	for _, s := range all[:20] {
		for _, a := range []*string{s.From.Caller, s.To.Callee} { // what the page shows of each party
			if a != nil && len(*a) > 8 {
				secrets = append(secrets, *a)
			}
		}
	}
	if len(secrets) == 0 {
		t.Fatal("no party address to look for")
	}
	page, shown := html.UnescapeString(page), html.UnescapeString(fleetPage(t, all, 20, htmlreport.WithPII(true)))
	for _, v := range secrets {
		if strings.Contains(page, v) {
			t.Errorf("masked page shows %q", v)
		}
		if !strings.Contains(shown, v) {
			t.Errorf("page WithPII lacks %q", v)
		}
	}
}

// No calls at all still make a page, which says so.
func TestFleetPageEmpty(t *testing.T) {
	page := fleetPage(t, nil, 0)
	for _, w := range []string{"<dt>Calls</dt><dd>0</dd>", "No calls.", "No call had this metric on any edge."} {
		if !strings.Contains(page, w) {
			t.Errorf("empty page lacks %q", w)
		}
	}
	var b bytes.Buffer
	if err := htmlreport.WriteCall(&b, &callsummary.Summary{}); err != nil || !strings.Contains(b.String(), "No media metrics") && !strings.Contains(b.String(), "no media metrics") {
		t.Errorf("empty summary: %v\n%s", err, b.String())
	}
	if err := htmlreport.WriteCall(&b, nil); err == nil {
		t.Error("a nil summary was written")
	}
}

// A server that sends a new carrier and a new start hour with every call
// does not make the report keep a group for each: past
// MaxBreakdownValues, a call is left out of that breakdown (and of the
// time series) only, and the page says how many were.
func TestFleetBreakdownsAreBounded(t *testing.T) {
	agg, err := htmlreport.NewAggregation()
	if err != nil {
		t.Fatal(err)
	}
	const n = htmlreport.MaxBreakdownValues + 150
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		body := fmt.Sprintf(`{"call_sid":"CA%032x","call_type":"carrier","processing_state":"complete","start_time":%q,"to":{"carrier":"Carrier %d"}}`,
			i, start.Add(time.Duration(i)*time.Hour).Format(time.RFC3339), i)
		s, err := callsummary.ParseSummary([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if err := agg.Add(s); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	f := agg.Fleet(nil)
	if f.Overall.Calls != n {
		t.Errorf("%d calls overall, want %d", f.Overall.Calls, n)
	}
	if got := f.Uncounted[fleet.DimToCarrier]; got != 150 {
		t.Errorf("%d calls left out of the callee's carriers, want 150", got)
	}
	for _, b := range f.Breakdowns {
		if len(b.Groups) > htmlreport.MaxBreakdownValues {
			t.Errorf("%v: %d groups", b.By, len(b.Groups))
		}
	}
	var page bytes.Buffer
	if err := htmlreport.WriteFleet(&page, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), fmt.Sprintf("150 calls are not counted here: their to_carrier came after the first %d distinct values.", htmlreport.MaxBreakdownValues)) {
		t.Error("the page does not say which calls the carriers' breakdown left out")
	}
}
