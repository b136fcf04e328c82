package fleet_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/internal/testkit"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// A summary whose duration and a codec no longer fit the document's types
// (Twilio changed them) is exported, never dropped: NDJSON keeps its bytes,
// the flattened row records its issues, statistics count it.
func TestDriftedSummaryIsExportedWithItsIssues(t *testing.T) {
	good := testkit.Example(t, "CarrierCall")
	drifted := bytes.Replace(testkit.Example(t, "ClientCall"), []byte(`"duration":`), []byte(`"duration":"long","old_duration":`), 1)
	drifted = bytes.Replace(drifted, []byte(`"codec":111`), []byte(`"codec":"PCMU"`), 1)
	if bytes.Equal(drifted, testkit.Example(t, "ClientCall")) || !bytes.Contains(drifted, []byte(`"PCMU"`)) {
		t.Fatal("the drift was not applied to the example")
	}
	page := fmt.Appendf(nil, `{"call_summaries":[%s,%s,%s],"meta":{"page":0,"page_size":3,"next_page_url":null}}`, good, drifted, good)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(page)
	}))
	defer srv.Close()
	c, err := callsummary.NewClient(callsummary.WithBaseURL(srv.URL), callsummary.WithCredentials("AC"+strings.Repeat("0", 32), "token"))
	if err != nil {
		t.Fatal(err)
	}
	pages := fleet.ClientPages(c, callsummary.ListFilter{})
	dir := t.TempDir()

	// NDJSON: the drifted summary's exact bytes, compacted only.
	nd, _ := fleet.NewNDJSONFile(filepath.Join(dir, "calls.ndjson"))
	defer nd.Close()
	if p, err := fleet.ExportPages(t.Context(), pages, nd); err != nil || p.Calls != 3 {
		t.Fatalf("NDJSON export: %+v, %v", p, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "calls.ndjson"))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `"duration":"long"`) || !strings.Contains(lines[1], `"codec":"PCMU"`) {
		t.Fatalf("NDJSON lost the drifted values:\n%s", lines[1])
	}

	// Parquet and CSV: the row is there with its issues.
	wantIssues := []string{"/duration", "/client_edge/metrics/inbound/codec"}
	pq, _ := fleet.NewParquetDir(filepath.Join(dir, "calls"), fleet.NewSchema())
	defer pq.Close()
	if p, err := fleet.ExportPages(t.Context(), pages, pq); err != nil || p.Calls != 3 {
		t.Fatalf("Parquet export: %+v, %v", p, err)
	}
	full := fleet.NewSchema(fleet.WithPII(true))
	var rows int
	var issues [][]string
	for row, err := range fleet.ReadParquetRows(t.Context(), filepath.Join(dir, "calls")) {
		if err != nil {
			t.Fatal(err)
		}
		rows++
		if l := row[full.Index("decode_issues")].List; len(l) > 0 {
			issues = append(issues, slices.Clone(l))
			if row[full.Index("duration")].Valid || row[full.Index("call_type")].Str != "client" {
				t.Errorf("the drifted row: duration %+v, call_type %q", row[full.Index("duration")], row[full.Index("call_type")].Str)
			}
		}
	}
	if rows != 3 || len(issues) != 1 || !sameSet(issues[0], wantIssues) {
		t.Errorf("Parquet: %d rows, issues %q; want 3 rows, one with %q", rows, issues, wantIssues)
	}
	var csvOut bytes.Buffer
	if _, err := fleet.ExportPages(t.Context(), pages, fleet.NewCSVWriter(&csvOut, fleet.NewSchema())); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(csvOut.String(), "\n"); n != 4 || !strings.Contains(csvOut.String(), "/duration") {
		t.Errorf("CSV: %d lines, issues recorded %v", n, strings.Contains(csvOut.String(), "/duration"))
	}

	// Statistics count it, from the listing and from the NDJSON file.
	a, _ := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType})
	f, _ := os.Open(filepath.Join(dir, "calls.ndjson"))
	defer f.Close()
	if n, err := a.AddNDJSON(t.Context(), f); err != nil || n != 3 {
		t.Fatalf("AddNDJSON: %d, %v", n, err)
	}
	for _, g := range a.Result().Groups {
		if g.Key[0] == "client" && (g.Count != 1 || g.Quantiles[fleet.MetricDuration].N != 0) {
			t.Errorf("client group: %+v", g)
		}
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
