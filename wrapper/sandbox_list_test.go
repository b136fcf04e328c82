package callsummary_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance"
	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// sandboxClient is a client of a fresh sandbox that fails on any response
// breaking the OpenAPI document.
func sandboxClient(t *testing.T, opts ...sandbox.Option) *callsummary.Client {
	t.Helper()
	v, err := conformance.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sandbox.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := callsummary.NewClient(callsummary.WithBaseURL(srv.URL), callsummary.WithCredentials(srv.Handler().AccountSID(), srv.Handler().AuthToken()),
		callsummary.WithTransportMiddleware(v.Middleware(conformance.FailOnViolation())))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sids(t *testing.T, c *callsummary.Client, f callsummary.ListFilter) ([]string, []*callsummary.Summary) {
	t.Helper()
	var ids []string
	var all []*callsummary.Summary
	for s, err := range c.ListSummaries(t.Context(), f) {
		if err != nil {
			t.Fatalf("listing %+v: %v", f, err)
		}
		ids = append(ids, *s.CallSID)
		all = append(all, s)
	}
	return ids, all
}

// The whole month of the sandbox's population, in one page of 1000 and in pages of 97:
// the same calls in the same order, whatever the paging.
func TestSandboxListPagingIsConsistent(t *testing.T) {
	c := sandboxClient(t, sandbox.WithPopulation(1000, 42))
	month := callsummary.ListFilter{Start: callsummary.Since(31 * 24 * time.Hour), ProcessingState: gen.ListProcessingStateAll}
	big := month
	big.PageSize = 1000
	small := month
	small.PageSize = 97
	a, _ := sids(t, c, big)
	b, _ := sids(t, c, small)
	if len(a) < 900 || !slices.Equal(a, b) {
		t.Fatalf("%d calls in pages of 1000, %d in pages of 97 (equal: %v); want most of the 1000 generated, twice", len(a), len(b), slices.Equal(a, b))
	}
	seen := map[string]bool{}
	for _, id := range a {
		if seen[id] {
			t.Fatalf("%s listed twice", id)
		}
		seen[id] = true
	}
	// Twilio's default window, the last 4 hours, is a strict part of it.
	recent, _ := sids(t, c, callsummary.ListFilter{ProcessingState: gen.ListProcessingStateAll})
	if len(recent) == 0 || len(recent) >= len(a) {
		t.Errorf("%d calls in the default window of %d", len(recent), len(a))
	}
}

func TestSandboxListFilters(t *testing.T) {
	c := sandboxClient(t, sandbox.WithPopulation(600, 7))
	base := callsummary.ListFilter{Start: callsummary.Since(31 * 24 * time.Hour), ProcessingState: gen.ListProcessingStateAll, PageSize: 500}
	sip, trunking, both := base, base, base
	sip.CallTypes = []gen.CallType{gen.CallTypeSIP}
	trunking.CallTypes = []gen.CallType{gen.CallTypeTrunking}
	both.CallTypes = []gen.CallType{gen.CallTypeSIP, gen.CallTypeTrunking}
	a, sipCalls := sids(t, c, sip)
	b, _ := sids(t, c, trunking)
	ab, _ := sids(t, c, both)
	if len(a) == 0 || len(b) == 0 || len(ab) != len(a)+len(b) {
		t.Errorf("sip %d + trunking %d != sip,trunking %d", len(a), len(b), len(ab))
	}
	for _, s := range sipCalls {
		if *s.CallType != gen.CallTypeSIP {
			t.Fatalf("%s is %s", *s.CallSID, *s.CallType)
		}
	}
	tagged := base
	tagged.HasTag = new(true)
	_, withTags := sids(t, c, tagged)
	for _, s := range withTags {
		if len(s.Tags) == 0 {
			t.Fatalf("%s listed with HasTag=true has no tags", *s.CallSID)
		}
	}
	if len(withTags) == 0 {
		t.Error("no tagged calls")
	}
}

func TestSandboxAnnotationRoundTrip(t *testing.T) {
	c := sandboxClient(t, sandbox.WithPopulation(200, 3))
	ctx := context.Background()
	window := callsummary.ListFilter{Start: callsummary.Since(31 * 24 * time.Hour), ProcessingState: gen.ListProcessingStateAll, PageSize: 1}
	var sid string
	for s, err := range c.ListSummaries(ctx, window) {
		if err != nil {
			t.Fatal(err)
		}
		sid = *s.CallSID
		break
	}
	a, err := c.UpdateAnnotation(ctx, sid, callsummary.AnnotationUpdate{
		CallScore: new(1), QualityIssues: []gen.QualityIssue{gen.QualityIssueChoppyRobotic, gen.QualityIssueEcho},
		Spam: new(true), Comment: new("from the wrapper's sandbox test"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.FetchAnnotation(ctx, sid)
	if err != nil {
		t.Fatal(err)
	}
	if *got.CallScore != 1 || *got.Comment != *a.Comment || !slices.Equal(got.QualityIssues, []gen.QualityIssue{"choppy_robotic", "echo"}) {
		t.Errorf("fetched %+v after update %+v", got.Annotation, a.Annotation)
	}
	scored := window
	scored.PageSize, scored.CallScoreAnnotations = 100, []int{1}
	ids, _ := sids(t, c, scored)
	if !slices.Contains(ids, sid) {
		t.Errorf("%s annotated with score 1 is not listed by CallScoreAnnotation=1 (%d listed)", sid, len(ids))
	}
	if _, err := c.FetchAnnotation(ctx, "CA00000000000000000000000000000bad"); !errors.Is(err, callsummary.ErrNotFound) {
		t.Errorf("unknown call: %v", err)
	}
}
