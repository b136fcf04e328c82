package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// statsOptions are stats' flags.
type statsOptions struct {
	filterOptions
	target targetOptions
	format string
	by     string
	merge  bool
	failIf []string
}

var statsFormats = []string{formatText, formatJSON, formatCSV}

// maxSavedStats bounds a saved result read by --merge: a result of the
// largest number of groups, with their sketches, fits many times over.
const maxSavedStats = 1 << 30

const statsLong = `Fleet statistics over many calls: per group, the calls, the share of each verdict
and tag, and p50/p90/p99 of MOS, jitter, packet loss, RTT (each call's worst
stream), post-dial delay and duration. Quantiles come from DDSketch and are
within 1% (relative) of the exact ones.

Without FILEs, the calls are listed from Twilio (or the sandbox) with list's
filters. With FILEs, they are read from exports: NDJSON (decoded on every core;
- for standard input) or Parquet files, or directories of them (a partitioned
Parquet export is read whole). Only one page, block or row group of calls is held
at a time.

-o json writes the statistics with their sketches: save them per day, shard or
account, and --merge FILE... combines them exactly, as if computed together.
Saved statistics merge as they were grouped (--by at the time), and do not
record their filters: merge results of calls that do not overlap.

--fail-if EXPR (repeatable) exits 3 when a threshold is breached in any group,
listing each breach with its value and group on stderr after the output:
pN(METRIC) for N from 1 to 99, share(VERDICT or TAG), count(...), calls; e.g.
'p90(jitter) > 30', 'share(poor) > 5%'. The grammar: callsummary help fail-if.

--by groups by any of: ` + "call_type, direction, processing_state, from_carrier, to_carrier, from_country, to_country, sdk_platform, sdk_version, hour, day, edge, stream_direction, codec, edge_location, region" + `.
The stream dimensions (edge, stream_direction, codec, edge_location, region)
count a call once in each group its streams fall in.

Exit status: 0 ok; 1 Twilio said no, or an input could not be decoded; 2 usage
error (nothing is sent); 3 a --fail-if threshold breached; 130 interrupted.`

const statsExample = `  callsummary stats --since 1d --by call_type
  callsummary stats --by edge,stream_direction calls/
  callsummary export --since 1d --out day.ndjson && callsummary stats -o json day.ndjson > day.json
  callsummary stats --merge monday.json tuesday.json    # grouped as they were saved
  callsummary stats --since 1d --by call_type --fail-if 'p90(jitter) > 30' --fail-if 'share(poor) > 5%'`

func newStatsCmd(e *env) *cobra.Command {
	var o statsOptions
	cmd := command(e, &cobra.Command{
		Use:     "stats [flags] [FILE|DIR|-]...",
		Short:   "Fleet statistics (counts, verdict and tag shares, quantiles) over the API or exported files",
		Long:    statsLong,
		Example: statsExample,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return []cobra.Completion{"ndjson", "jsonl", "json", "parquet"}, cobra.ShellCompDirectiveFilterFileExt
		},
	}, func(cmd *cobra.Command, args []string) error { return runStats(cmd, e, &o, args) })
	fs := cmd.Flags()
	o.format = formatText
	fs.VarP(enumValue{v: &o.format, known: statsFormats, hard: true}, "output", "o", "output `format`: text, json (with sketches, for --merge) or csv")
	_ = cmd.RegisterFlagCompletionFunc("output", completeValues(statsFormats, false))
	fs.StringVar(&o.by, "by", "", "group by these `dimensions`, comma-separated (default: one group of every call)")
	_ = cmd.RegisterFlagCompletionFunc("by", completeValues(dimNames(), true))
	fs.BoolVar(&o.merge, "merge", false, "the FILEs are saved statistics (-o json) to combine")
	addFailIfFlag(cmd, &o.failIf, scopeFleet)
	addFilterFlags(cmd, &o.filterOptions)
	addTargetFlags(fs, &o.target)
	return cmd
}

func dimNames() []string {
	var out []string
	for _, d := range fleet.Dims() {
		out = append(out, string(d))
	}
	return out
}

func runStats(cmd *cobra.Command, e *env, o *statsOptions, args []string) error {
	by, err := fleet.ParseDims(o.by)
	if err != nil {
		return usagef("--by %q: %s", o.by, strings.TrimPrefix(err.Error(), "fleet: "))
	}
	thresholds, err := parseThresholds(e, o.failIf, scopeFleet)
	if err != nil {
		return err
	}
	if n := countOf(args, "-"); n > 1 {
		return usagef("- (standard input) given %d times; it can be read only once", n)
	}
	if o.merge && len(args) == 0 {
		return usagef("--merge combines saved statistics: give their FILEs")
	}
	if err := checkSources(cmd, args); err != nil {
		return err
	}
	var agg *fleet.Aggregator
	source := ""           // a sandbox that answered, named in text output
	redact := envRedact(e) // files may hold what a proxy echoed
	switch {
	case o.merge:
		agg, err = mergeSaved(e, args, by, cmd.Flags().Changed("by"))
	case len(args) > 0:
		agg, err = statsOfFiles(cmd.Context(), e, args, by)
	default:
		agg, source, redact, err = statsOfListing(cmd, e, o, by)
	}
	if err != nil {
		return err
	}
	if err := writeStats(e, agg, o.format, source, redact); err != nil {
		return err
	}
	if len(thresholds) == 0 {
		return nil
	}
	return e.failOnBreach(checkFleet(thresholds, resultFor(agg, thresholds)), redact)
}

// filterFlagNames are the names of the list filter flags cmd has.
func filterFlagNames(cmd *cobra.Command) []string {
	probe := &cobra.Command{}
	addFilterFlags(probe, &filterOptions{})
	var names []string
	probe.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	return names
}

// changedAny returns the first of names given on the command line.
func changedAny(cmd *cobra.Command, names []string) string {
	for _, n := range names {
		if f := cmd.Flags().Lookup(n); f != nil && f.Changed {
			return n
		}
	}
	return ""
}

// statsOfListing lists the calls from Twilio or a sandbox, whose name it
// returns ("" for Twilio), with the client's Redact for what it prints.
func statsOfListing(cmd *cobra.Command, e *env, o *statsOptions, by []fleet.Dim) (_ *fleet.Aggregator, sandbox string, redact func(string) string, _ error) {
	agg, err := fleet.NewAggregator(by)
	if err != nil {
		return nil, "", nil, err
	}
	sandbox, redact, err = eachListed(cmd, e, &o.filterOptions, o.target, agg.Add)
	if err != nil {
		return nil, "", nil, err
	}
	return agg, sandbox, redact, nil
}

// eachListed lists the summaries that the filter flags select, from Twilio
// or a sandbox, and gives each to add, page by page, with a progress line
// on a terminal. It returns the name of the sandbox that answered ("" for
// Twilio) and the client's Redact, for what is printed of the summaries.
func eachListed(cmd *cobra.Command, e *env, fo *filterOptions, t targetOptions, add func(*callsummary.Summary) error) (sandbox string, redact func(string) string, err error) {
	filter, err := fo.filter(time.Now())
	if err != nil {
		return "", nil, err
	}
	noteUnknownValues(e, cmd.Flags())
	s, err := newSession(cmd.Context(), e, t)
	if err != nil {
		return "", nil, err
	}
	defer s.done()
	bar := newProgressBar(e)
	bar.verb = "reading"
	start := time.Now()
	var pages, calls int64
	for page, err := range s.client.ListSummaryPages(s.ctx, filter) {
		if err != nil {
			bar.end()
			return "", nil, explainList(s.ctx, err, t, s.target)
		}
		for _, sum := range page.Summaries {
			if err := add(sum); err != nil {
				bar.end()
				return "", nil, err
			}
			calls++
		}
		pages++
		bar.update(fleet.Progress{Calls: calls, Pages: pages, Elapsed: time.Since(start)})
	}
	bar.update(fleet.Progress{Calls: calls, Pages: pages, Elapsed: time.Since(start), Done: true})
	bar.end()
	return s.target.sandbox, s.client.Redact, nil
}

// statsOfFiles reads exports: NDJSON files on every core, Parquet files
// (and partitioned directories) a row group at a time.
func statsOfFiles(ctx context.Context, e *env, args []string, by []fleet.Dim) (*fleet.Aggregator, error) {
	agg, err := fleet.NewAggregator(by)
	if err != nil {
		return nil, err
	}
	ndjson, parquet, err := classifyInputs(args)
	if err != nil {
		return nil, err
	}
	for _, name := range ndjson {
		if err := addNDJSON(ctx, e, agg, name); err != nil {
			return nil, err
		}
	}
	if len(parquet) > 0 {
		if err := each(fleet.ReadParquet(ctx, parquet...), agg.Add); err != nil {
			return nil, err
		}
	}
	return agg, nil
}

// each gives every summary of seq to add; a reading error exits 1.
func each(seq iter.Seq2[*callsummary.Summary, error], add func(*callsummary.Summary) error) error {
	for s, err := range seq {
		if err != nil {
			return &cliError{code: exitNo, err: err}
		}
		if err := add(s); err != nil {
			return err
		}
	}
	return nil
}

func addNDJSON(ctx context.Context, e *env, agg *fleet.Aggregator, name string) error {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return &cliError{code: exitUsage, err: err}
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReaderSize(r, 4096)
	if head, _ := br.Peek(512); bytes.Contains(head, []byte(`"format":"`+fleet.StatsFormat+`"`)) {
		return usagef("%s holds saved statistics (stats -o json), not summaries: give --merge to combine saved statistics", displayName(name))
	}
	if _, err := agg.AddNDJSON(ctx, br); err != nil {
		return &cliError{code: exitNo, err: fmt.Errorf("%s: %w", displayName(name), err)}
	}
	return nil
}

// classifyInputs sorts the arguments into NDJSON inputs and Parquet files;
// a directory contributes its files of either kind, in lexical order.
func classifyInputs(args []string) (ndjson, parquet []string, err error) {
	for _, name := range args {
		if name == "-" {
			ndjson = append(ndjson, name)
			continue
		}
		fi, err := os.Stat(name)
		if err != nil {
			return nil, nil, &cliError{code: exitUsage, err: err}
		}
		if !fi.IsDir() {
			switch strings.ToLower(filepath.Ext(name)) {
			case ".parquet":
				parquet = append(parquet, name)
			case ".csv":
				return nil, nil, usagef("%s: a CSV export is for spreadsheets and is not read back; give the NDJSON or Parquet export", name)
			default:
				ndjson = append(ndjson, name)
			}
			continue
		}
		found := 0
		err = filepath.WalkDir(name, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != name && hidden(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if hidden(d.Name()) {
				return nil // state files, engines' markers (_SUCCESS)
			}
			switch strings.ToLower(filepath.Ext(path)) {
			case ".parquet":
				parquet = append(parquet, path)
			case ".ndjson", ".jsonl", ".json":
				ndjson = append(ndjson, path)
			default:
				return nil
			}
			found++
			return nil
		})
		if err != nil {
			return nil, nil, &cliError{code: exitUsage, err: err}
		}
		if found == 0 {
			return nil, nil, usagef("%s holds no .parquet, .ndjson, .jsonl or .json file", name)
		}
	}
	if err := readOnce(append(slices.Clip(ndjson), parquet...)); err != nil {
		return nil, nil, err
	}
	return ndjson, parquet, nil
}

// readOnce refuses a file named twice, directly, through a directory or a
// link: its calls, or its saved statistics, would be counted twice.
func readOnce(paths []string) error {
	seen := make(map[string]string, len(paths))
	for _, p := range paths {
		if p == "-" {
			continue
		}
		key, err := filepath.EvalSymlinks(p)
		if err == nil {
			key, err = filepath.Abs(key)
		}
		if err != nil {
			continue // read as given; opening it will say what is wrong
		}
		if first, ok := seen[key]; ok {
			return usagef("%s and %s are the same file: its calls would be counted twice", safetext.Printable(first), safetext.Printable(p))
		}
		seen[key] = p
	}
	return nil
}

// hidden: the names Hive, Spark and DuckDB skip in a table's directory.
func hidden(name string) bool { return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") }

// mergeSaved combines saved statistics; --by, when given, must be theirs.
func mergeSaved(e *env, files []string, by []fleet.Dim, byGiven bool) (*fleet.Aggregator, error) {
	if err := readOnce(files); err != nil {
		return nil, err
	}
	var agg *fleet.Aggregator
	for _, name := range files {
		b, err := readSaved(e, name)
		if err != nil {
			return nil, err
		}
		var one fleet.Aggregator
		if err := one.UnmarshalJSON(b); err != nil {
			return nil, &cliError{code: exitNo, err: fmt.Errorf("%s: %w", displayName(name), err)}
		}
		if agg == nil {
			agg = &one
			if byGiven && !slices.Equal(one.By(), by) {
				return nil, usagef("--by %s: %s is grouped by %q; saved statistics merge only as they were grouped",
					joinDims(by), displayName(name), joinDims(one.By()))
			}
			continue
		}
		if err := agg.Merge(&one); err != nil {
			return nil, &cliError{code: exitNo, err: fmt.Errorf("%s: %w", displayName(name), err)}
		}
	}
	return agg, nil
}

func readSaved(e *env, name string) ([]byte, error) {
	var r io.Reader = e.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, &cliError{code: exitUsage, err: err}
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSavedStats+1))
	switch {
	case err != nil:
		return nil, &cliError{code: exitNo, err: fmt.Errorf("%s: %w", displayName(name), err)}
	case len(b) > maxSavedStats:
		return nil, &cliError{code: exitNo, err: fmt.Errorf("%s: over %d bytes: not saved statistics", displayName(name), maxSavedStats)}
	}
	return b, nil
}

func joinDims(by []fleet.Dim) string {
	parts := make([]string, len(by))
	for i, d := range by {
		parts[i] = string(d)
	}
	if len(parts) == 0 {
		return "(no grouping)"
	}
	return strings.Join(parts, ",")
}

func writeStats(e *env, agg *fleet.Aggregator, format, sandbox string, redact func(string) string) error {
	rw := newRedactingWriter(e.stdout, redact) // groups are the server's carriers, codecs, ...
	out := bufio.NewWriter(rw)
	var err error
	if sandbox != "" && format == formatText {
		fmt.Fprintf(out, "# %s\n", sandboxNotice(sandbox))
	}
	switch format {
	case formatJSON:
		var b []byte
		if b, err = agg.MarshalJSON(); err == nil {
			out.Write(b)
			out.WriteByte('\n')
		}
	case formatCSV:
		err = agg.Result().WriteCSV(out)
	default:
		err = agg.Result().WriteText(out)
	}
	if err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if err := rw.Flush(); err != nil {
		return err
	}
	if agg.Calls() == 0 {
		e.notef("no calls matched")
	}
	return nil
}
