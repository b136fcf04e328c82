package sandbox

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/gen"
)

// With WithCompletion, the call that has only a partial summary answers as
// before until the delay has passed, then with its complete summary, for
// a plain fetch, for ProcessingState=partial (the newest summary) and in
// the list. Every other call is served as without the option.
func TestCompletionCompletesThePartialOnlyCall(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	srv := newSandbox(t, WithClock(clock.Now), WithCompletion(20*time.Second))
	plain := newTestHandler(t)
	steps := []struct {
		at             time.Duration
		plain, partial string
	}{
		{0, "404", "partial"},
		{20*time.Second - time.Millisecond, "404", "partial"},
		{20 * time.Second, "complete", "complete"},
		{time.Hour, "complete", "complete"},
	}
	for _, s := range steps {
		clock.Set(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC).Add(s.at))
		if p, q := lifecycleAnswer(t, srv, partialOnlySID); p != s.plain || q != s.partial {
			t.Errorf("at %v: plain %s, partial %s; want %s, %s", s.at, p, q, s.plain, s.partial)
		}
		for _, sid := range []string{seedSID, carrierSID} {
			for query, state := range map[string]gen.ProcessingState{"": gen.ProcessingStateComplete, "?ProcessingState=partial": gen.ProcessingStatePartial} {
				_, _, got := sandboxFetch(t, srv, sandboxPath(sid)+query)
				if want, _ := plain.Fixture(sid, state); !bytes.Equal(got, want) {
					t.Errorf("at %v: %s%s is served otherwise than without WithCompletion", s.at, sid, query)
				}
			}
		}
	}
	body, ok := srv.Handler().Fixture(partialOnlySID, gen.ProcessingStateComplete)
	file, _ := fixtureFiles.ReadFile("fixtures/client_completed.json")
	if !ok || !bytes.Equal(body, file) {
		t.Errorf("Fixture after the delay is not the completion's bytes")
	}
	if err := sandboxValidator(t).ValidateSummary(body); err != nil {
		t.Errorf("the completion breaks the document: %v", err)
	}
	items := listItems(t, srv, sandboxValidator(t), "StartTime=30d&ProcessingState=completed&CallType=client")
	if !slices.Contains(itemSIDs(items), partialOnlySID) {
		t.Errorf("the completed call is not listed as completed: %v", itemSIDs(items))
	}
}

func TestCompletionIsListedAndRefusedWithLifecycle(t *testing.T) {
	h := newTestHandler(t)
	for _, c := range h.Calls() {
		if c.CompletesLater != (c.SID == partialOnlySID) {
			t.Errorf("%s: CompletesLater %v", c.SID, c.CompletesLater)
		}
	}
	if body, ok := h.Fixture(partialOnlySID, gen.ProcessingStateComplete); ok {
		t.Errorf("without WithCompletion the partial-only call has a complete summary: %.60s", body)
	}
	for _, opts := range [][]Option{
		{WithCompletion(time.Second), WithLifecycle(Lifecycle{})},
		{WithCompletion(0)},
		{WithCompletion(-time.Second)},
	} {
		if _, err := NewHandler(opts...); err == nil || !strings.Contains(err.Error(), "WithCompletion") {
			t.Errorf("%d options: err %v, want WithCompletion's", len(opts), err)
		}
	}
}
