package fleet_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"testing"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// sandboxClient is a client of a fresh sandbox with a population of size
// calls generated from seed.
func sandboxClient(t testing.TB, size int, seed uint64) *callsummary.Client {
	t.Helper()
	srv, err := sandbox.NewServer(sandbox.WithPopulation(size, seed))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c, err := callsummary.NewClient(callsummary.WithBaseURL(srv.URL),
		callsummary.WithCredentials(srv.Handler().AccountSID(), srv.Handler().AuthToken()))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// month lists the whole population: every call of the last 31 days, in
// every processing state.
func month(pageSize int) callsummary.ListFilter {
	return callsummary.ListFilter{Start: callsummary.Since(31 * 24 * time.Hour), ProcessingState: gen.ListProcessingStateAll, PageSize: pageSize}
}

var populations sync.Map // "size/seed" → []*callsummary.Summary

// population lists a sandbox's generated population once per test binary.
func population(t testing.TB, size int, seed uint64) []*callsummary.Summary {
	t.Helper()
	key := fmt.Sprintf("%d/%d", size, seed)
	if p, ok := populations.Load(key); ok {
		return p.([]*callsummary.Summary)
	}
	c := sandboxClient(t, size, seed)
	var all []*callsummary.Summary
	for s, err := range c.ListSummaries(t.Context(), month(1000)) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	if len(all) < size*9/10 { // a few of the newest may not have started yet
		t.Fatalf("listed %d summaries of a population of %d", len(all), size)
	}
	populations.Store(key, all)
	return all
}

// seqOf yields summaries as a listing does.
func seqOf(all []*callsummary.Summary) iter.Seq2[*callsummary.Summary, error] {
	return func(yield func(*callsummary.Summary, error) bool) {
		for _, s := range all {
			if !yield(s, nil) {
				return
			}
		}
	}
}

var errCanceledTest = errors.New("canceled by the test")

// contextCanceled is a context already canceled with errCanceledTest.
func contextCanceled(t testing.TB) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(errCanceledTest)
	return ctx, func() {}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
