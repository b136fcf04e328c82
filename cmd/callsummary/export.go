package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/fleet"
)

// Export formats.
const (
	exportNDJSON  = "ndjson"
	exportParquet = "parquet"
	exportCSV     = "csv"
)

var exportFormats = []string{exportNDJSON, exportParquet, exportCSV}

// exportOptions are export's flags.
type exportOptions struct {
	filterOptions
	target   targetOptions
	format   string
	out      string
	state    string
	restart  bool
	append   bool
	pii      bool
	rowGroup int
	maxParts int
}

const exportLong = `Export calls' summaries, filtered as list filters them, page by page, for a
data lake or an SQL engine (summaries expire at Twilio after 30 days).

  -o ndjson   each summary's exact bytes, one a line: lossless (the default)
  -o parquet  the flattened columns (fleet/SCHEMA.md), zstd, in bounded row
              groups, Hive-partitioned by the call's UTC day under --out DIR:
              date=2026-11-30/part-00000-RUN.parquet, which DuckDB, Spark,
              Trino and BigQuery read as one table
  -o csv      the flattened columns, one row a call

Only one page of calls is held at a time. An export to a file or a directory is
resumable: after each committed page it records where it is in a state file
(--state-file; by default beside the output), and a run stopped by Ctrl-C, a
network failure or a crash continues from there with the same command, writing
no call twice; the state file holds the listing's filters, which the resumed run
keeps. When the export completes the state file is removed. A Parquet export
publishes its parts at each commit (every --row-group-rows rows, and at the
end); what an interrupted run wrote after its last commit stays hidden and is
written again when it resumes. --restart discards an interrupted export's state.

Running a completed export again rewrites an NDJSON or CSV file. A directory
that already holds Parquet parts is refused, since its calls would then be
counted twice, unless --append says to add this export's parts beside them
(for example, one export a day into the same table).

The flattened formats leave out the parties' numbers, client names, IP
addresses and the annotation's comment unless --pii. A progress line (calls,
pages, rate, elapsed) is drawn on stderr when it is a terminal.`

const exportExample = `  callsummary export --since 1d --out calls.ndjson
  callsummary export -o parquet --from-time 2026-11-01T00:00:00Z --out calls/
  callsummary export --sandbox -o csv --call-type client | head
  duckdb -c "SELECT call_type, count(*) FROM read_parquet('calls/**/*.parquet', hive_partitioning = true) GROUP BY ALL"`

func newExportCmd(e *env) *cobra.Command {
	var o exportOptions
	cmd := command(e, &cobra.Command{
		Use:     "export [flags]",
		Short:   "Export summaries to NDJSON (lossless), Hive-partitioned Parquet or CSV, resumably",
		Long:    exportLong,
		Example: exportExample,
		Args:    noArgs,
	}, func(cmd *cobra.Command, args []string) error { return runExport(cmd, e, &o) })
	fs := cmd.Flags()
	o.format = exportNDJSON
	fs.VarP(enumValue{v: &o.format, known: exportFormats, hard: true}, "output", "o", "export `format`: ndjson, parquet or csv")
	_ = cmd.RegisterFlagCompletionFunc("output", completeValues(exportFormats, false))
	fs.StringVar(&o.out, "out", "", "write to this `path`: a file for ndjson and csv (default: standard output, not resumable), a directory for parquet")
	fs.StringVar(&o.state, "state-file", "", "keep the resume state in this `file` (default: OUT.export-state, or DIR/_export-state.json)")
	fs.BoolVar(&o.restart, "restart", false, "discard the state of an interrupted export and start over")
	fs.BoolVar(&o.append, "append", false, "add Parquet parts to a directory that already holds an export's")
	fs.BoolVar(&o.pii, "pii", false, "include the parties' numbers, names, IP addresses and the annotation's comment in parquet and csv")
	fs.Var(intRange{v: &o.rowGroup, lo: 1, hi: 10_000_000, what: "1 to 10000000"}, "row-group-rows",
		fmt.Sprintf("at most `N` rows per Parquet row group (default %d)", fleet.DefaultRowGroupRows))
	fs.Var(intRange{v: &o.maxParts, lo: 1, hi: 100_000, what: "1 to 100000"}, "max-partitions",
		fmt.Sprintf("refuse a Parquet export that would open more than `N` part files, one a day and one a return to a day out of time order (default %d)", fleet.DefaultMaxPartitions))
	addFilterFlags(cmd, &o.filterOptions)
	addTargetFlags(fs, &o.target)
	return cmd
}

func runExport(cmd *cobra.Command, e *env, o *exportOptions) error {
	filter, err := o.filter(time.Now())
	if err != nil {
		return err
	}
	toStdout := o.out == "" || o.out == "-"
	switch {
	case o.format == exportParquet && toStdout:
		return usagef("-o parquet writes a directory of partitions: give --out DIR")
	case toStdout && (o.state != "" || o.restart):
		return usagef("an export to standard output cannot be resumed: give --out FILE to use --state-file or --restart")
	case o.rowGroup != 0 && o.format != exportParquet:
		return usagef("--row-group-rows is for -o parquet")
	case o.maxParts != 0 && o.format != exportParquet:
		return usagef("--max-partitions is for -o parquet")
	case o.pii && o.format == exportNDJSON:
		return usagef("-o ndjson keeps each summary's exact bytes, parties included: --pii is for parquet and csv")
	case o.append && o.format != exportParquet:
		return usagef("--append is for -o parquet: an NDJSON or CSV export rewrites its file")
	}
	statePath := o.statePath()
	if o.restart {
		if err := os.Remove(statePath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if !toStdout {
		if err := o.checkOut(statePath); err != nil {
			return err
		}
	}
	noteUnknownValues(e, cmd.Flags())
	s, err := newSession(cmd.Context(), e, o.target)
	if err != nil {
		return err
	}
	defer s.done()
	if s.target.sandbox != "" && !s.target.builtin {
		e.notef("exporting from %s: sample calls, not Twilio's", s.target.sandbox)
	}

	sink, err := o.sink(e, s.client.Redact)
	if err != nil {
		return err
	}
	defer sink.Close()
	opts := []fleet.ExportOption{}
	if statePath != "" {
		opts = append(opts, fleet.WithState(statePath))
		if _, err := os.Stat(statePath); err == nil {
			e.notef("resuming the export recorded in %s (its filters; --restart to start over)", statePath)
		}
	}
	bar := newProgressBar(e)
	opts = append(opts, fleet.WithProgress(bar.update))
	p, err := fleet.ExportPages(s.ctx, fleet.ClientPages(s.client, filter), sink, opts...)
	bar.end()
	if err != nil {
		if statePath != "" && p.Calls > 0 {
			if st, serr := os.Stat(statePath); serr == nil && st.Mode().IsRegular() {
				e.notef("stopped after %d calls; run the same command again to continue after the last commit", p.Calls)
			} else {
				e.notef("stopped after %d calls, before the first commit: nothing was kept; run the same command again to start over", p.Calls)
			}
		}
		if _, ok := errors.AsType[*fleet.PartitionLimitError](err); ok {
			return &cliError{code: exitNo, err: err,
				advice: "the calls span more days than that, or come out of time order: give a larger --max-partitions, or export a shorter time range"}
		}
		return explainList(s.ctx, err, o.target, s.target)
	}
	if err := sink.Close(); err != nil {
		return err
	}
	if statePath != "" {
		if err := os.Remove(statePath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if !toStdout {
		e.notef("exported %d calls in %d pages to %s (%s)", p.Calls, p.Pages, o.out, o.format)
	}
	return nil
}

// checkOut refuses, before any request, an --out of the wrong kind, and a
// fresh Parquet export into a directory that holds another's parts.
func (o *exportOptions) checkOut(statePath string) error {
	fi, err := os.Stat(o.out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return usagef("--out %s: %v", o.out, err)
	case o.format == exportParquet && !fi.IsDir():
		return usagef("--out %s is a file; -o parquet writes a directory of partitions", o.out)
	case o.format != exportParquet && fi.IsDir():
		return usagef("--out %s is a directory; -o %s writes a file (-o parquet writes a directory)", o.out, o.format)
	case o.format != exportParquet || o.append:
		return nil
	}
	if _, err := os.Stat(statePath); err == nil {
		return nil // resuming: the parts are this export's
	}
	parts := 0
	_ = filepath.WalkDir(o.out, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".parquet" && !hidden(d.Name()) {
			parts++
		}
		return nil
	})
	if parts > 0 {
		return usagef("--out %s already holds %d Parquet parts of another export: its calls would be counted twice; "+
			"give --append to add this export's parts beside them, or another --out", o.out, parts)
	}
	return nil
}

// statePath is where a resumable export keeps its state; "" for standard
// output. Beside a file; inside a directory, named so that Hive, Spark and
// DuckDB's globs skip it.
func (o *exportOptions) statePath() string {
	switch {
	case o.out == "" || o.out == "-":
		return ""
	case o.state != "":
		return o.state
	case o.format == exportParquet:
		return filepath.Join(o.out, "_export-state.json")
	}
	return o.out + ".export-state"
}

func (o *exportOptions) sink(e *env, redact func(string) string) (fleet.Sink, error) {
	var schemaOpts []fleet.SchemaOption
	if o.pii {
		schemaOpts = append(schemaOpts, fleet.WithPII(true))
	}
	schema := fleet.NewSchema(schemaOpts...)
	toStdout := o.out == "" || o.out == "-"
	switch {
	case o.format == exportParquet:
		var popts []fleet.ParquetOption
		if o.rowGroup > 0 {
			popts = append(popts, fleet.WithRowGroupRows(o.rowGroup))
		}
		if o.maxParts > 0 {
			popts = append(popts, fleet.WithMaxPartitions(o.maxParts))
		}
		return fleet.NewParquetDir(o.out, schema, popts...)
	case o.format == exportCSV && toStdout:
		return fleet.NewCSVWriter(newRedactingWriter(e.stdout, redact), schema), nil
	case o.format == exportCSV:
		return fleet.NewCSVFile(o.out, schema)
	case toStdout:
		return fleet.NewNDJSONWriter(e.stdout), nil
	}
	return fleet.NewNDJSONFile(o.out)
}
