package main

import (
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/testkit"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// rankedList runs list on the sandbox's generated population and returns
// its csv records (header included).
func rankedList(t *testing.T, args ...string) [][]string {
	t.Helper()
	r := runCLI(t, t.Context(), nil, "", append([]string{"list", "--sandbox", "-q", "--since", "30d", "--page-size", "1000", "-o", "csv",
		"--fields", "call_sid,mos,loss_pct,jitter_ms,verdict,worst_stream"}, args...)...)
	if r.code != exitOK {
		t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func cellFloat(s string) (float64, bool) {
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// --sort ranks the calls of the window worst first; with -n only the N
// worst, which are the first N of the whole ranking.
func TestListSort(t *testing.T) {
	all := rankedList(t)[1:]
	for _, c := range []struct {
		key   string
		col   int
		worse func(a, b float64) bool
	}{
		{"mos", 1, func(a, b float64) bool { return a < b }},
		{"loss", 2, func(a, b float64) bool { return a > b }},
		{"jitter", 3, func(a, b float64) bool { return a > b }},
	} {
		ranked := rankedList(t, "--sort", c.key)[1:]
		if len(ranked) != len(all) || len(all) < 1000 {
			t.Fatalf("--sort %s: %d rows, want %d (over 1000)", c.key, len(ranked), len(all))
		}
		missing := false
		for i, rec := range ranked {
			v, ok := cellFloat(rec[c.col])
			if !ok {
				missing = true // calls without the metric come last
				continue
			}
			if missing {
				t.Fatalf("--sort %s: row %d has %s after rows without it", c.key, i, c.key)
			}
			if prev, ok := cellFloat(ranked[max(i-1, 0)][c.col]); i > 0 && ok && c.worse(v, prev) {
				t.Fatalf("--sort %s: row %d (%v) is worse than row %d (%v)", c.key, i, v, i-1, prev)
			}
		}
		top := rankedList(t, "--sort", c.key, "-n", "25")[1:]
		if !slices.EqualFunc(top, ranked[:25], slices.Equal) {
			t.Errorf("--sort %s -n 25 is not the first 25 of the ranking:\n%v\n%v", c.key, top[:3], ranked[:3])
		}
	}
}

// --worst N lists the N calls the verdict rates worst: every poor call
// ranks before every other, and the first is the one with the highest
// severity of all.
func TestListWorst(t *testing.T) {
	all := rankedList(t)[1:]
	worst := rankedList(t, "--worst", "40")[1:]
	if len(worst) != 40 {
		t.Fatalf("%d rows", len(worst))
	}
	poor := 0
	for _, rec := range all {
		if rec[4] == string(callsummary.VerdictPoor) {
			poor++
		}
	}
	for i, rec := range worst {
		if i < min(poor, 40) && rec[4] != string(callsummary.VerdictPoor) {
			t.Errorf("row %d is %s, with %d poor calls in the window", i, rec[4], poor)
		}
	}
	r := runCLI(t, t.Context(), nil, "", "list", "--sandbox", "-q", "--since", "30d", "--worst", "1", "-o", "ndjson")
	s, err := callsummary.ParseSummary([]byte(r.stdout))
	if r.code != exitOK || err != nil {
		t.Fatalf("exit %d, %v", r.code, err)
	}
	first := judge(s).severity()
	for _, line := range strings.Split(strings.TrimSuffix(runCLI(t, t.Context(), nil, "", "list", "--sandbox", "-q", "--since", "30d", "-o", "ndjson").stdout, "\n"), "\n") {
		other, err := callsummary.ParseSummary([]byte(line))
		if err != nil {
			t.Fatal(err)
		}
		if sev := judge(other).severity(); sev > first {
			t.Fatalf("%s (severity %v) is worse than --worst 1's %s (%v)", *other.CallSID, sev, *s.CallSID, first)
		}
	}
}

// The ranking holds at most N records however many arrive, keeps the N
// worst, worst first, ties in arrival order; without N it refuses more
// than maxRanked instead of growing without bound.
func TestRanking(t *testing.T) {
	r := newRanking[[]byte](3)
	for i, rank := range []float64{1, 5, math.Inf(-1), 5, 2, 9, 0, 5} {
		if err := r.add(rank, []byte(fmt.Sprint(i))); err != nil {
			t.Fatal(err)
		}
		if len(r.h) > 3 {
			t.Fatalf("holds %d", len(r.h))
		}
	}
	var got []string
	for _, rec := range r.worstFirst() {
		got = append(got, string(rec))
	}
	if strings.Join(got, ",") != "5,1,3" { // 9, then the first two 5s
		t.Errorf("kept %v", got)
	}
	all := newRanking[[]byte](0)
	for i := range maxRanked {
		if err := all.add(float64(i%7), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := all.add(1, nil); err == nil || !strings.Contains(err.Error(), "add -n N (or --worst N)") {
		t.Errorf("one more than maxRanked: %v", err)
	}
}

// The quality columns are those of fetch's report: the verdict, and the
// metrics of every stream.
func TestGlance(t *testing.T) {
	s := exampleSummary(t, "ClientCall")
	g := glanceAt(s)
	if g.verdict != callsummary.VerdictPoor || g.worst.String() != "sdk_edge/inbound" || g.mos != 3.28 || g.loss != 6.68 || g.jitter != 9.4 {
		t.Errorf("%+v", g)
	}
	empty := glanceAt(&callsummary.Summary{})
	if empty.verdict != callsummary.VerdictUnknown || empty.hasMOS || empty.hasLoss || empty.hasJitter || !math.IsInf(empty.severity(), -1) {
		t.Errorf("%+v", empty)
	}
	tagged := glanceAt(&callsummary.Summary{CallSummary: gen.CallSummary{Tags: []string{"high_pdd"}}})
	if tagged.verdict != callsummary.VerdictTagged || tagged.severity() != 1 {
		t.Errorf("%+v", tagged)
	}
}

// The flags' known values are the document's: a value added there must be
// added here (or it is sent with a note that it is unknown).
func TestKnownValuesAreTheDocument(t *testing.T) {
	schemas := testkit.Document(t).Components.Schemas
	for name, known := range map[string][]string{
		"ProcessingState": knownProcessingStates,
		"CallType":        knownCallTypes, "CallState": knownCallStates, "CallDirection": knownDirections,
		"ListProcessingState": knownListStates, "SortBy": knownSortBy, "AnsweredBy": knownAnsweredBy,
		"AnsweredByAnnotation": knownAnnotatedBy, "AnnotationAnsweredBy": knownAnnotationAnsweredBy,
		"ConnectivityIssue": knownConnectivity, "QualityIssue": knownQualityIssues, "BrandedType": knownBrandedTypes,
		"BusinessProfileIdentity": knownProfileIdentities, "BusinessProfileType": knownProfileTypes,
		"VoiceIntegrityUseCase": knownUseCases, "BusinessProfileIndustry": knownIndustries,
	} {
		ref, ok := schemas[name]
		if !ok {
			t.Errorf("the document has no schema %s", name)
			continue
		}
		var want []string
		for _, v := range ref.Value.Enum {
			want = append(want, fmt.Sprint(v))
		}
		if !slices.Equal(slices.Sorted(slices.Values(known)), slices.Sorted(slices.Values(want))) {
			t.Errorf("%s: the flags know %v, the document lists %v", name, known, want)
		}
	}
}
