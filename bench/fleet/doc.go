// Package fleetbench proves and measures package fleet against DuckDB: the
// README's query over an exported partitioned Parquet directory agrees
// with fleet's statistics (TestDuckDBAgrees, `make duckdb`), and fleet's
// statistics over NDJSON are timed beside DuckDB's read_json on the same
// file and cores (BenchmarkStats), with live heap, export throughput and
// Parquet size (BenchmarkHeap, BenchmarkExport). DuckDB is its Go binding,
// github.com/duckdb/duckdb-go/v2 (cgo), a dependency of this bench module
// only.
package fleetbench
