package reliability

import (
	"bytes"
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// The soak's shape: fixed, so that a run can be compared with another.
const (
	soakWorkers     = 32
	soakDuration    = 3 * time.Second
	soakCallTimeout = 2 * time.Second // per call: none may hang
	soakSeed        = 20261127
	soakProbability = 0.3
)

// soakFaults is the pool random faults are drawn from: every kind that ends
// quickly. Stalls and slow bodies carry a delay (the sandbox then answers),
// and the oversize body is left out so the soak measures the client, not
// the loopback's bandwidth.
func soakFaults() []sandbox.Fault {
	return []sandbox.Fault{
		{Kind: sandbox.FaultTooManyRequests},
		{Kind: sandbox.FaultTooManyRequests, RetryAfter: "0"},
		{Kind: sandbox.FaultServerError, Status: 500},
		{Kind: sandbox.FaultServerError, Status: 502},
		{Kind: sandbox.FaultServerError, Status: 503},
		{Kind: sandbox.FaultServerError, Status: 504},
		{Kind: sandbox.FaultReset},
		{Kind: sandbox.FaultResetMidBody},
		{Kind: sandbox.FaultTruncated},
		{Kind: sandbox.FaultStall, Delay: 50 * time.Millisecond},
		{Kind: sandbox.FaultSlowBody, Delay: 50 * time.Millisecond},
		{Kind: sandbox.FaultHTMLError},
		{Kind: sandbox.FaultInvalidJSON},
		{Kind: sandbox.FaultSchemaViolation},
		{Kind: sandbox.FaultRedirect},
		{Kind: sandbox.FaultEmptyBody},
	}
}

// soakTarget is one (call, state) the sandbox serves, with the summaries it
// may answer: for partial, the partial one and, if the call has one, the
// complete one too (the sandbox's faults that end in a 200, like a slow
// body, serve the newest summary, which Twilio's partial also allows).
type soakTarget struct {
	sid   string
	state callsummary.ProcessingState
	want  []*callsummary.Summary
}

func soakTargets(t *testing.T, srv *sandbox.Server) []soakTarget {
	var out []soakTarget
	for _, c := range srv.Handler().Calls() {
		for _, st := range c.States {
			tg := soakTarget{sid: c.SID, state: st}
			for _, as := range []callsummary.ProcessingState{st, callsummary.ProcessingStateComplete} {
				body, ok := srv.Handler().Fixture(c.SID, as)
				if !ok {
					continue
				}
				want, err := callsummary.ParseSummary(body)
				if err != nil {
					t.Fatalf("fixture %s/%s: %v", c.SID, as, err)
				}
				tg.want = append(tg.want, want)
			}
			if len(tg.want) == 0 {
				t.Fatalf("no %s fixture for %s", st, c.SID)
			}
			out = append(out, tg)
		}
	}
	return out
}

func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: runs for seconds; skipped with -short")
	}
	t.Cleanup(func() { goleak.VerifyNone(t) })
	logs := &syncBuffer{}
	srv := newSandbox(t, logs)
	if err := srv.Handler().InjectRandom(soakSeed, soakProbability, soakFaults()...); err != nil {
		t.Fatal(err)
	}
	targets := soakTargets(t, srv)
	rig := newClient(t, srv.URL, logs, nil)

	var (
		mu       sync.Mutex
		outcomes = map[string]int{}
		slowest  time.Duration
		calls    atomic.Int64
		wg       sync.WaitGroup
	)
	stop := time.Now().Add(soakDuration)
	start := time.Now()
	for w := range soakWorkers {
		wg.Go(func() {
			for i := w; time.Now().Before(stop); i += soakWorkers {
				tg := targets[i%len(targets)]
				o, took := soakCall(t, rig.client, tg)
				calls.Add(1)
				mu.Lock()
				outcomes[o]++
				slowest = max(slowest, took)
				mu.Unlock()
			}
		})
	}
	// The per-call deadline bounds every call; this bounds the test should
	// the deadline itself be ignored.
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(soakDuration + 3*soakCallTimeout):
		t.Fatal("soak: a call outlived its deadline")
	}
	elapsed := time.Since(start)

	total := 0
	for _, k := range slices.Sorted(maps.Keys(outcomes)) {
		t.Logf("%6d  %s", outcomes[k], k)
		total += outcomes[k]
		if !typed(k) {
			t.Errorf("%d calls ended in an untyped error: %s", outcomes[k], k)
		}
	}
	requests, roundTrips := srv.Handler().Requests(), rig.roundTrips.Load()
	t.Logf("%d calls by %d workers in %v; %d requests reached the sandbox, %d round trips left the client; slowest call %v",
		total, soakWorkers, elapsed.Round(time.Millisecond), requests, roundTrips, slowest)
	report.setSoak(soakFigures{Workers: soakWorkers, Calls: total, Seed: soakSeed, FaultProbability: soakProbability,
		Duration: elapsed, Outcomes: outcomes, ServerRequests: requests, RoundTrips: roundTrips, SlowestCall: slowest})

	if int64(total) != calls.Load() {
		t.Errorf("outcomes add up to %d, but %d calls were made", total, calls.Load())
	}
	if outcomes["success"] == 0 {
		t.Error("no call succeeded")
	}
	if total < soakWorkers {
		t.Errorf("only %d calls in %v", total, soakDuration)
	}
	if slowest > soakCallTimeout+cancelBound {
		t.Errorf("a call took %v, past its %v deadline", slowest, soakCallTimeout)
	}
	// A reset on a reused connection is retried by net/http itself, on a
	// new one: the sandbox may see more requests than the client sent.
	if requests < roundTrips {
		t.Errorf("the sandbox saw %d requests, fewer than the %d round trips sent", requests, roundTrips)
	}
	assertNoSecret(t, "soak debug log", logs.String())
}

// soakCall fetches one target under the per-call deadline and names the
// outcome; a success must be the fixture, byte for byte and decoded.
func soakCall(t *testing.T, c *callsummary.Client, tg soakTarget) (string, time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), soakCallTimeout)
	defer cancel()
	start := time.Now()
	s, err := c.FetchSummary(ctx, tg.sid, callsummary.WithProcessingState(tg.state))
	took := time.Since(start)
	o := outcomeOf(ctx, s, err)
	if err == nil && s.DecodeIssues() != nil {
		// The schema-violation fault: the rest of the body arrived, its
		// unknown call_type among it.
		if s.CallType == nil || *s.CallType != "pstn" {
			t.Errorf("%s %s: the drifted summary lost its other fields", tg.sid, tg.state)
		}
		return o, took
	}
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			t.Errorf("%s: deadline error before the deadline: %v", tg.sid, err)
		}
		return bucket(o), took
	}
	for _, want := range tg.want {
		if bytes.Equal(s.Raw(), want.Raw()) {
			if !reflect.DeepEqual(s.CallSummary, want.CallSummary) {
				t.Errorf("%s %s: the fixture's bytes decode to something else than the fixture", tg.sid, tg.state)
				return "success with a wrong decoding", took
			}
			return o, took
		}
	}
	t.Errorf("%s %s: success with other bytes than the fixture: %.200s", tg.sid, tg.state, s.Raw())
	return "success with wrong bytes", took
}

// bucket drops the detail that varies from call to call (a decode error's
// offset) so that outcomes of one kind count together.
func bucket(o string) string {
	kind, _, _ := strings.Cut(o, " at byte ")
	return kind
}
