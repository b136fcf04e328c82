package sandbox

import (
	"net/http"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

const (
	seedSID        = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" // complete and partial
	partialOnlySID = "CA0e87c1212a698494dcdb198af3e0eb2f"
	carrierSID     = "CAd45ec3c4af38967de454f9e45bb1cef4" // complete only
)

// lifecycleAnswer fetches sid with and without ProcessingState=partial and
// returns what each answered: "404", or the summary's processing_state.
func lifecycleAnswer(t *testing.T, srv *Server, sid string) (plain, partial string) {
	t.Helper()
	v := sandboxValidator(t)
	answer := func(query string) string {
		req, resp, body := sandboxFetch(t, srv, sandboxPath(sid)+query)
		if err := v.ValidateResponse(req, resp); err != nil {
			t.Errorf("%s%s: %v", sid, query, err)
		}
		switch resp.StatusCode {
		case http.StatusNotFound:
			return "404"
		case http.StatusOK:
			var head gen.CallSummary
			if err := wirejson.Unmarshal(body, &head); err != nil || head.ProcessingState == nil {
				t.Fatalf("%s%s: %v", sid, query, err)
			}
			return string(*head.ProcessingState)
		}
		t.Fatalf("%s%s: status %d", sid, query, resp.StatusCode)
		return ""
	}
	return answer(""), answer("?ProcessingState=partial")
}

func TestLifecycleStepsThroughNotFoundPartialComplete(t *testing.T) {
	ended := time.Date(2015, 7, 30, 20, 0, 0, 0, time.UTC) // the seed's end_time
	clock := NewManualClock(ended.Add(-time.Minute))
	srv := newSandbox(t, WithClock(clock.Now), WithLifecycle(Lifecycle{}))
	steps := []struct {
		at             time.Duration // after the call's end
		plain, partial string
	}{
		{-time.Minute, "404", "404"},
		{5 * time.Minute, "404", "404"},
		{10*time.Minute - time.Second, "404", "404"},
		{10 * time.Minute, "404", "partial"},
		{30*time.Minute - time.Second, "404", "partial"},
		{30 * time.Minute, "complete", "complete"},
		{24 * time.Hour, "complete", "complete"},
	}
	for _, s := range steps {
		clock.Set(ended.Add(s.at))
		plain, partial := lifecycleAnswer(t, srv, seedSID)
		if plain != s.plain || partial != s.partial {
			t.Errorf("end%+v: got %s/%s, want %s/%s", s.at, plain, partial, s.plain, s.partial)
		}
	}
}

func TestLifecycleCallsMissingASummary(t *testing.T) {
	clock := NewManualClock(time.Time{})
	srv := newSandbox(t, WithClock(clock.Now), WithLifecycle(Lifecycle{}))
	tests := []struct {
		sid            string
		ended          string
		at             time.Duration
		plain, partial string
	}{
		// Only a complete fixture: 404 until it is complete.
		{carrierSID, "2026-11-20T14:06:49Z", 15 * time.Minute, "404", "404"},
		{carrierSID, "2026-11-20T14:06:49Z", 30 * time.Minute, "complete", "complete"},
		// Only a partial fixture: partial from then on.
		{partialOnlySID, "2026-11-27T06:33:55Z", 5 * time.Minute, "404", "404"},
		{partialOnlySID, "2026-11-27T06:33:55Z", 10 * time.Minute, "404", "partial"},
		{partialOnlySID, "2026-11-27T06:33:55Z", 48 * time.Hour, "404", "partial"},
	}
	for _, tt := range tests {
		ended, err := time.Parse(time.RFC3339, tt.ended)
		if err != nil {
			t.Fatal(err)
		}
		clock.Set(ended.Add(tt.at))
		if plain, partial := lifecycleAnswer(t, srv, tt.sid); plain != tt.plain || partial != tt.partial {
			t.Errorf("%s at end%+v: got %s/%s, want %s/%s", tt.sid, tt.at, plain, partial, tt.plain, tt.partial)
		}
	}
}

func TestLifecycleCustomDelaysFromEndedAt(t *testing.T) {
	start := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	clock := NewManualClock(start)
	srv := newSandbox(t, WithClock(clock.Now), WithLifecycle(Lifecycle{
		PartialAfter: 2 * time.Second, CompleteAfter: 5 * time.Second, EndedAt: start,
	}))
	want := []struct{ plain, partial string }{
		{"404", "404"}, {"404", "404"}, {"404", "partial"}, {"404", "partial"}, {"404", "partial"}, {"complete", "complete"},
	}
	for i, w := range want {
		if plain, partial := lifecycleAnswer(t, srv, seedSID); plain != w.plain || partial != w.partial {
			t.Errorf("after %ds: got %s/%s, want %s/%s", i, plain, partial, w.plain, w.partial)
		}
		clock.Advance(time.Second)
	}
	// EndedAt applies to every call, whatever its end_time.
	if plain, _ := lifecycleAnswer(t, srv, carrierSID); plain != "complete" {
		t.Errorf("carrier call: %s", plain)
	}
	clock.Set(start)
	if plain, _ := lifecycleAnswer(t, srv, carrierSID); plain != "404" {
		t.Errorf("carrier call at EndedAt: %s", plain)
	}
}

// Outside lifecycle mode the clock changes nothing.
func TestLifecycleOffIgnoresTheClock(t *testing.T) {
	clock := NewManualClock(time.Date(2015, 7, 30, 20, 1, 0, 0, time.UTC))
	srv := newSandbox(t, WithClock(clock.Now))
	if plain, partial := lifecycleAnswer(t, srv, seedSID); plain != "complete" || partial != "partial" {
		t.Errorf("got %s/%s", plain, partial)
	}
	want, _ := srv.Handler().Fixture(seedSID, gen.ProcessingStatePartial)
	if _, _, body := sandboxFetch(t, srv, sandboxPath(seedSID)+"?ProcessingState=partial"); string(body) != string(want) {
		t.Error("not the partial fixture")
	}
}

func TestLifecycleRefusesImpossibleDelays(t *testing.T) {
	for name, l := range map[string]Lifecycle{
		"complete before partial": {PartialAfter: 20 * time.Minute, CompleteAfter: 15 * time.Minute},
		"complete before default": {CompleteAfter: 5 * time.Minute},
		"negative":                {PartialAfter: -time.Minute},
	} {
		if _, err := NewHandler(WithLifecycle(l)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// A summary without end_time has no lifecycle to follow: served as is.
func TestLifecycleWithoutEndTimeServesAsIs(t *testing.T) {
	l := Lifecycle{}
	if err := l.validate(); err != nil {
		t.Fatal(err)
	}
	f := &fixture{complete: []byte(`{}`)}
	if partial, complete := l.available(f, time.Time{}); partial || !complete {
		t.Errorf("no end_time: partial=%v complete=%v", partial, complete)
	}
	f.ended = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, complete := l.available(f, f.ended.Add(29*time.Minute)); complete {
		t.Error("complete before CompleteAfter")
	}
}
