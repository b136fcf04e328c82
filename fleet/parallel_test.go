package fleet_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
)

// AddNDJSON on several workers gives the bytes of adding one by one,
// whatever the number of workers.
func TestAddNDJSONEqualsSequential(t *testing.T) {
	all := population(t, 3000, 2)
	var nd []byte
	for _, s := range all {
		var err error
		if nd, err = fleet.AppendNDJSON(nd, s); err != nil {
			t.Fatal(err)
		}
	}
	nd = append(nd, "\n  \n"...) // blank lines are skipped
	by := []fleet.Dim{fleet.DimCallType, fleet.DimCodec}
	want := marshal(t, aggregate(t, all, by))
	for _, workers := range []int{1, 2, 5} {
		a, _ := fleet.NewAggregator(by)
		n, err := a.AddNDJSON(t.Context(), bytes.NewReader(nd), fleet.WithWorkers(workers))
		if err != nil || n != int64(len(all)) {
			t.Fatalf("%d workers: %d, %v", workers, n, err)
		}
		if got := marshal(t, a); got != want {
			t.Errorf("%d workers: statistics differ from adding one by one", workers)
		}
	}
}

// AddNDJSON decodes only what statistics read: for every dimension, the
// result is that of Add over summaries decoded in full.
func TestAddNDJSONEqualsAdd(t *testing.T) {
	all := population(t, 3000, 4)
	var nd []byte
	for _, s := range all {
		nd, _ = fleet.AppendNDJSON(nd, s)
	}
	for _, d := range fleet.Dims() {
		by := []fleet.Dim{d}
		a, _ := fleet.NewAggregator(by)
		if _, err := a.AddNDJSON(t.Context(), bytes.NewReader(nd)); err != nil {
			t.Fatal(err)
		}
		if marshal(t, a) != marshal(t, aggregate(t, all, by)) {
			t.Errorf("by %s: AddNDJSON differs from Add", d)
		}
	}
	// A line whose fields do not fit the projection is decoded as
	// ParseSummary decodes it: counted, without the value that drifted;
	// a line that is not JSON fails.
	a, _ := fleet.NewAggregator(nil)
	if n, err := a.AddNDJSON(t.Context(), strings.NewReader(`{"duration":"12","call_type":"sip"}`+"\n")); err != nil || n != 1 ||
		a.Result().Groups[0].Quantiles[fleet.MetricDuration].N != 0 {
		t.Errorf("a drifted duration: %d, %v, %+v", n, err, a.Result())
	}
	if _, err := a.AddNDJSON(t.Context(), strings.NewReader(`{"duration":`+"\n")); err == nil {
		t.Error("a truncated line was accepted")
	}
}

func TestAddNDJSONErrors(t *testing.T) {
	all := population(t, 3000, 2)
	var nd []byte
	for _, s := range all[:2500] {
		nd, _ = fleet.AppendNDJSON(nd, s)
	}
	broken := append(bytes.Clone(nd), "{\"call_sid\": 5\n"...)
	broken, _ = fleet.AppendNDJSON(broken, all[2500])
	a, _ := fleet.NewAggregator(nil)
	if _, err := a.AddNDJSON(t.Context(), bytes.NewReader(broken)); err == nil || !strings.Contains(err.Error(), "line 2501") {
		t.Errorf("a bad line: %v, want it named by number", err)
	}
	if a.Calls() != 0 {
		t.Errorf("after an error, %d calls were added", a.Calls())
	}
	long := append(bytes.Clone(nd[:1000]), bytes.Repeat([]byte(" "), fleet.MaxLineBytes+10)...)
	if _, err := a.AddNDJSON(t.Context(), bytes.NewReader(long)); !errors.Is(err, fleet.ErrLineTooLong) {
		t.Errorf("a line over the bound: %v", err)
	}
	ctx, cancel := contextCanceled(t)
	defer cancel()
	if _, err := a.AddNDJSON(ctx, bytes.NewReader(nd)); !errors.Is(err, errCanceledTest) {
		t.Errorf("a canceled context: %v", err)
	}
}
