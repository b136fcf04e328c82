// Package fleet works on many Call Summaries at once: it flattens them to
// a versioned column schema, computes fleet statistics that merge exactly,
// and exports them to NDJSON, CSV and Hive-partitioned Parquet that
// warehouses and engines (DuckDB, Spark, Trino, BigQuery) read as a table.
//
// Everything works on an iter.Seq2[*callsummary.Summary, error]: the
// client's ListSummaries, or ReadNDJSON and ReadParquet over exported
// files. Nothing holds more than one page or one row group of calls.
//
// # Flattening
//
// A Schema (NewSchema) has one row per call: identifiers and times, call
// type, state, direction, parties' carriers and countries (their numbers
// only WithPII), tags, post-dial delay, last SIP response, annotation,
// and for each edge and direction its codec, packets, loss, jitter,
// latency, MOS and RTT; then the worst stream and the verdict computed with
// the client's quality helpers. Columns are read from gen's types, one line
// per property; SchemaVersion changes only when a column is renamed,
// removed or changes kind.
//
// # Statistics
//
// An Aggregator groups calls by any Dims (call type, edge, codec, country,
// hour, …) and reports per group the count, the calls per tag and per
// verdict, and p50/p90/p99 of MOS, jitter, packet loss, RTT, post-dial
// delay and duration from DDSketch (github.com/DataDog/sketches-go), whose
// estimates are within RelativeAccuracy of the exact quantile. Aggregators
// Merge exactly, and their JSON (MarshalJSON) carries the sketches, so
// shards, days or accounts computed apart combine as if computed together.
// Aggregator.AddNDJSON decodes NDJSON on every core; Result.WriteText and
// WriteCSV render a result for people and for machines.
//
// # Export
//
// ExportPages writes a listing page by page (ClientPages) to a Sink:
// NewNDJSONFile (each summary's exact bytes, for the data lake), NewCSVFile
// (the flattened rows) or NewParquetDir (zstd, bounded row groups,
// Hive-partitioned by UTC day). WithState makes it resumable: an
// interrupted export continues after its last committed page and writes no
// call twice. WithProgress reports calls, pages and rate after each page.
// Export takes any sequence (no resume); ReadNDJSON and ReadParquet read
// exported files and partitioned directories back as sequences, within
// bounds whatever a file says (MaxLineBytes, MaxParquetListValues,
// MaxParquetRowBytes); a Parquet export opens at most WithMaxPartitions
// part files besides those its commits start.
//
// A summary that did not fit the document (Summary.DecodeIssues) is
// exported like any other: NDJSON keeps its bytes, the flattened row names
// the values in its decode_issues column.
package fleet
