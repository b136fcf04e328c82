package sandbox

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// The same seed and clock give the same calls and the same bytes; another
// seed gives other calls.
func TestPopulationIsDeterministic(t *testing.T) {
	page := func(opts ...Option) []byte {
		srv := newListSandbox(t, opts...)
		_, resp, body := sandboxFetch(t, srv, "/v1/Voice/Summaries?StartTime=30d&ProcessingState=all&PageSize=1000")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		// The links name the server's port, which differs; the items do not.
		var p listPage
		if err := wirejson.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		return bytes.Join(bytesOf(p.CallSummaries), []byte(","))
	}
	a, b := page(), page()
	if !bytes.Equal(a, b) {
		t.Error("two sandboxes with the default seed serve different summaries")
	}
	if c := page(WithPopulation(DefaultPopulationSize, 42)); bytes.Equal(a, c) {
		t.Error("another seed serves the same summaries")
	}
}

func bytesOf(raws []jsontext.Value) [][]byte {
	out := make([][]byte, len(raws))
	for i, r := range raws {
		out[i] = r
	}
	return out
}

// A generated call fetched on its own is byte for byte its list item, in
// both states, and what Fixture returns.
func TestPopulationFetchServesTheListItem(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	for _, state := range []string{"completed", "partial"} {
		p := getPage(t, srv, v, "/v1/Voice/Summaries?StartTime=30d&PageSize=40&ProcessingState="+state)
		if len(p.CallSummaries) == 0 {
			t.Fatalf("no %s summaries", state)
		}
		for _, item := range p.CallSummaries {
			var s gen.CallSummary
			if err := wirejson.Unmarshal(item, &s); err != nil {
				t.Fatal(err)
			}
			path := sandboxPath(*s.CallSID) + "?ProcessingState=" + string(*s.ProcessingState)
			req, resp, body := sandboxFetch(t, srv, path)
			if resp.StatusCode != http.StatusOK || !bytes.Equal(body, item) {
				t.Fatalf("GET %s: %d, bytes differ from the list item", path, resp.StatusCode)
			}
			if err := v.ValidateResponse(req, resp); err != nil {
				t.Fatal(err)
			}
			if f, ok := srv.Handler().Fixture(*s.CallSID, *s.ProcessingState); !ok || !bytes.Equal(f, item) {
				t.Fatalf("Fixture(%s, %s) is not the list item", *s.CallSID, *s.ProcessingState)
			}
		}
	}
}

// The population looks like traffic: every call type, state and direction,
// tags, trust, annotations, several carriers and countries, and the times
// the sandbox promises.
func TestPopulationVariety(t *testing.T) {
	srv := newListSandbox(t)
	calls := srv.Handler().PopulationCalls()
	if len(calls) != DefaultPopulationSize {
		t.Fatalf("%d generated calls, want %d", len(calls), DefaultPopulationSize)
	}
	srv.handler.pop.ensure()
	seen := map[string]map[string]bool{}
	note := func(kind, value string) {
		if seen[kind] == nil {
			seen[kind] = map[string]bool{}
		}
		seen[kind][value] = true
	}
	recent := 0
	for i := range srv.handler.pop.calls {
		c := &srv.handler.pop.calls[i]
		note("type", string(c.callType))
		note("state", string(c.callState))
		note("direction", c.direction)
		note("carrier", c.to.carrier)
		note("country", c.to.country+c.from.country)
		note("tags", fmtBool(len(c.tags) > 0))
		note("trust", fmtBool(c.trust != nil))
		note("annotated", fmtBool(c.base != nil))
		note("answered_by", string(c.answeredBy))
		if age := testNow.Sub(c.start); age < 0 || age > retention {
			t.Fatalf("%s started %v before the clock", c.sid, age)
		}
		if testNow.Sub(c.end) < recentSpan {
			recent++
		}
	}
	for kind, want := range map[string]int{"type": 5, "state": 8, "direction": 5, "carrier": 15, "country": 10,
		"tags": 2, "trust": 2, "annotated": 2, "answered_by": 7} {
		if got := len(seen[kind]); got < want {
			t.Errorf("%d distinct %s values, want at least %d", got, kind, want)
		}
	}
	if recent < DefaultPopulationSize/20 {
		t.Errorf("%d calls in the last four hours: Twilio's default window would list too few", recent)
	}
}

func fmtBool(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func TestWithPopulation(t *testing.T) {
	srv := newListSandbox(t, WithPopulation(0, 1))
	if n := len(srv.Handler().PopulationCalls()); n != 0 {
		t.Errorf("size 0: %d generated calls", n)
	}
	got := listItems(t, srv, sandboxValidator(t), "StartTime=30d&ProcessingState=all")
	if len(got) != len(srv.Handler().Calls())-2 {
		t.Errorf("without a population, %d calls listed, want the fixtures in the window", len(got))
	}
	for _, size := range []int{-1, MaxPopulationSize + 1} {
		if _, err := NewHandler(WithPopulation(size, 1)); err == nil {
			t.Errorf("size %d accepted", size)
		}
	}
}

// Faults apply to list pages (by AnySID) and annotations (by SID), and the
// schema violation breaks each where it is expected.
func TestFaultsOnListAndAnnotations(t *testing.T) {
	srv := newListSandbox(t)
	v := sandboxValidator(t)
	sid := srv.Handler().PopulationCalls()[100].SID
	cases := []struct {
		name, key, path string
		pointers        []string
	}{
		{"list", AnySID, "/v1/Voice/Summaries", []string{"/call_summaries/0/call_type", "/call_summaries/0/duration"}},
		{"annotation", sid, annotationPath(sid), []string{"/answered_by", "/call_score"}},
	}
	for _, tc := range cases {
		if err := srv.Handler().Inject(tc.key, Fault{Kind: FaultServerError, Status: 503}, Fault{Kind: FaultSchemaViolation}); err != nil {
			t.Fatal(err)
		}
		if _, resp, _ := sandboxFetch(t, srv, tc.path); resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s: %d, want the scripted 503", tc.name, resp.StatusCode)
		}
		req, resp, _ := sandboxFetch(t, srv, tc.path)
		ve, ok := errors.AsType[*conformance.ValidationError](v.ValidateResponse(req, resp))
		if !ok {
			t.Fatalf("%s: the schema violation fault validates", tc.name)
		}
		got := ve.Pointers()
		slices.Sort(got)
		if !slices.Equal(got, tc.pointers) {
			t.Errorf("%s: violations at %v, want %v", tc.name, got, tc.pointers)
		}
		if _, resp, _ := sandboxFetch(t, srv, tc.path); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d after the script ran out", tc.name, resp.StatusCode)
		}
	}
	if n := srv.Handler().RequestsFor(AnySID); n != 3 {
		t.Errorf("RequestsFor(AnySID) = %d, want the 3 list requests", n)
	}
}

// NewServer does not pay for the population: it is generated on first use.
func BenchmarkNewServer(b *testing.B) {
	for b.Loop() {
		srv, err := NewServer()
		if err != nil {
			b.Fatal(err)
		}
		srv.Close()
	}
}

// The first list request pays for generating and sorting the population.
func BenchmarkPopulationGenerate(b *testing.B) {
	for b.Loop() {
		p := newPopulation(DefaultPopulationSize, DefaultPopulationSeed, time.Now(), AccountSID)
		p.ensure()
	}
}
