package fleet_test

import (
	"testing"

	"github.com/voiceinsights/callsummary/fleet"
)

// BenchmarkReadParquetRows reads an export of the sandbox's summaries back.
func BenchmarkReadParquetRows(b *testing.B) {
	dir := b.TempDir()
	sink, err := fleet.NewParquetDir(dir, fleet.NewSchema(fleet.WithPII(true)))
	if err != nil {
		b.Fatal(err)
	}
	all := population(b, 3000, 1)
	if _, err := fleet.Export(b.Context(), seqOf(all), sink); err != nil {
		b.Fatal(err)
	}
	sink.Close()
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range fleet.ReadParquetRows(b.Context(), dir) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != len(all) {
			b.Fatalf("%d rows", n)
		}
	}
}
