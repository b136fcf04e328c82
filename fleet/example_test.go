package fleet_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/voiceinsights/callsummary/conformance/sandbox"
	"github.com/voiceinsights/callsummary/fleet"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// Export a month of calls to a partitioned Parquet directory, resumably,
// then compute statistics by call type over the files.
func Example() {
	srv, err := sandbox.NewServer(sandbox.WithPopulation(2000, 1)) // Twilio, for the example
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	client, err := callsummary.NewClient(callsummary.WithBaseURL(srv.URL),
		callsummary.WithCredentials(srv.Handler().AccountSID(), srv.Handler().AuthToken()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "fleet-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	filter := callsummary.ListFilter{Start: callsummary.Since(31 * 24 * time.Hour), ProcessingState: callsummary.ListProcessingStateAll, PageSize: 500}
	sink, err := fleet.NewParquetDir(filepath.Join(dir, "calls"), fleet.NewSchema())
	if err != nil {
		log.Fatal(err)
	}
	progress, err := fleet.ExportPages(ctx, fleet.ClientPages(client, filter), sink,
		fleet.WithState(filepath.Join(dir, "export-state.json")), // run it again after an interruption: it continues
		fleet.WithProgress(func(p fleet.Progress) { /* draw p.Calls, p.Pages, p.Rate() */ }))
	sink.Close()
	if err != nil {
		log.Fatal(err)
	}

	stats, err := fleet.NewAggregator([]fleet.Dim{fleet.DimCallType})
	if err != nil {
		log.Fatal(err)
	}
	for s, err := range fleet.ReadParquet(ctx, filepath.Join(dir, "calls")) {
		if err != nil {
			log.Fatal(err)
		}
		if err := stats.Add(s); err != nil {
			log.Fatal(err)
		}
	}
	for _, g := range stats.Result().Groups {
		fmt.Println(g.Key[0], g.Count > 0, g.Quantiles[fleet.MetricDuration].N > 0)
	}
	fmt.Println("every exported call counted:", stats.Calls() == progress.Calls)
	// Output:
	// carrier true true
	// client true true
	// sip true true
	// trunking true true
	// whatsapp true true
	// every exported call counted: true
}
