package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/htmlreport"
	"github.com/voiceinsights/callsummary/internal/atomicfile"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// reportOptions are report's flags.
type reportOptions struct {
	filterOptions
	target  targetOptions
	html    string
	worst   int
	showPII bool
	failIf  []string
}

const reportLong = `Write a fleet quality report as one self-contained HTML file, readable offline
(its style and charts are inline; it loads nothing): headline figures (calls,
share poor and tagged, MOS, jitter and packet loss quantiles), the distributions
of MOS, jitter, packet loss and RTT per edge, tag frequencies, the share of poor
calls per hour or day, breakdowns by carrier, country and Twilio edge location,
and the --worst N calls the verdict rates worst (list --worst's ranking), each
with the same sections as fetch's report, linked from their table.

Without FILEs, the calls are listed from Twilio (or the sandbox) with list's
filters; with FILEs, they are read from exports (NDJSON or Parquet files, or
directories of them), as stats reads them. Only the N worst summaries are kept
in memory, whatever the number of calls; each breakdown counts the first 2000
distinct values it meets (the page says how many calls came after them). The parties are masked unless
--show-pii.

With --fail-if, the thresholds are checked against all the calls of the
report, as one group (stats --fail-if without --by): the page is written
first, then every breached threshold is listed on stderr and the command exits
3.`

const reportExample = `  callsummary report --sandbox --since 1w --html report.html
  callsummary report --since 1d --call-type client --html client.html
  callsummary report --html week.html calls/
  callsummary report --since 1d --html today.html --fail-if 'share(poor) > 5%' --fail-if 'p90(jitter) > 30'`

func newReportCmd(e *env) *cobra.Command {
	var o reportOptions
	cmd := command(e, &cobra.Command{
		Use:     "report --html FILE [flags] [FILE|DIR]...",
		Short:   "Write an HTML quality report of many calls: charts, breakdowns and the worst calls",
		Long:    reportLong,
		Example: reportExample,
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			return []cobra.Completion{"ndjson", "jsonl", "json", "parquet"}, cobra.ShellCompDirectiveFilterFileExt
		},
	}, func(cmd *cobra.Command, args []string) error { return runReport(cmd, e, &o, args) })
	fs := cmd.Flags()
	fs.StringVar(&o.html, "html", "", "write the report to this `FILE` (- for standard output)")
	_ = cmd.MarkFlagFilename("html", "html")
	o.worst = 10
	fs.Var(intRange{v: &o.worst, lo: 0, hi: 1000, what: "0 to 1000"}, "worst", "show the `N` calls the verdict rates worst, each in full")
	fs.BoolVar(&o.showPII, "show-pii", false, "show the parties' numbers, names, IP addresses and locations unmasked")
	addFailIfFlag(cmd, &o.failIf, scopeFleet)
	addFilterFlags(cmd, &o.filterOptions)
	addTargetFlags(fs, &o.target)
	return cmd
}

func runReport(cmd *cobra.Command, e *env, o *reportOptions, args []string) error {
	if o.html == "" {
		return usagef("report writes HTML: give --html FILE (- for standard output)")
	}
	if err := checkHTMLOut(o.html); err != nil {
		return err
	}
	thresholds, err := parseThresholds(e, o.failIf, scopeFleet)
	if err != nil {
		return err
	}
	fleetData, sandbox, redact, err := aggregateReport(cmd, e, o, args)
	if err != nil {
		return err
	}
	opts := []htmlreport.Option{htmlreport.WithPII(o.showPII), htmlreport.WithGenerated(time.Now()),
		htmlreport.WithSubtitle(reportSource(cmd, args, sandbox))}
	if sandbox != "" {
		opts = append(opts, htmlreport.WithNotice(sandboxNotice(sandbox)))
	}
	if fleetData.Overall.Calls == 0 {
		e.notef("no calls matched: the report says so")
	}
	if err := writeHTML(e, o.html, o.showPII, redact, func(w io.Writer) error { return htmlreport.WriteFleet(w, fleetData, opts...) }); err != nil {
		return err
	}
	if len(thresholds) == 0 {
		return nil
	}
	return e.failOnBreach(checkFleet(thresholds, fleetData.Overall), redact)
}

// aggregateReport reads the calls the flags or FILEs select and returns
// every figure of the report: fleet.Results (Overall is every call in one
// group) and the --worst N calls by list --worst's ranking, the only
// summaries held. It returns the name of the sandbox that answered, if one
// did, and the client's Redact for the page (files: the environment's
// credential, which a proxy may have echoed into an export).
func aggregateReport(cmd *cobra.Command, e *env, o *reportOptions, args []string) (_ htmlreport.Fleet, sandbox string, redact func(string) string, _ error) {
	redact = envRedact(e)
	if err := checkSources(cmd, args); err != nil {
		return htmlreport.Fleet{}, "", nil, err
	}
	if countOf(args, "-") > 0 {
		return htmlreport.Fleet{}, "", nil, usagef("report reads FILEs and directories, not standard input (-): save the NDJSON to a file first")
	}
	agg, err := htmlreport.NewAggregation()
	if err != nil {
		return htmlreport.Fleet{}, "", nil, err
	}
	worst := newRanking[*callsummary.Summary](o.worst)
	add := func(s *callsummary.Summary) error {
		if s == nil {
			return nil
		}
		if err := agg.Add(s); err != nil {
			return err
		}
		if o.worst > 0 {
			return worst.add(judge(s).severity(), s)
		}
		return nil
	}
	if len(args) == 0 {
		sandbox, redact, err = eachListed(cmd, e, &o.filterOptions, o.target, add)
	} else {
		err = eachInFiles(cmd, args, add)
	}
	if err != nil {
		return htmlreport.Fleet{}, "", nil, err
	}
	return agg.Fleet(worst.worstFirst()), sandbox, redact, nil
}

// checkSources refuses what mixes listing from Twilio with reading FILEs.
func checkSources(cmd *cobra.Command, args []string) error {
	filtered := changedAny(cmd, filterFlagNames(cmd))
	switch {
	case len(args) > 0 && filtered != "":
		return usagef("--%s filters the calls listed from Twilio; FILEs are read whole", filtered)
	case len(args) > 0 && changedAny(cmd, []string{"sandbox", "base-url", "region", "edge"}) != "":
		return usagef("FILEs are read from disk: --sandbox, --base-url, --region and --edge are for listing from Twilio")
	}
	return nil
}

// eachInFiles gives add every summary of the NDJSON and Parquet FILEs
// (directories read whole), one at a time.
func eachInFiles(cmd *cobra.Command, args []string, add func(*callsummary.Summary) error) error {
	ndjson, parquet, err := classifyInputs(args)
	if err != nil {
		return err
	}
	if len(ndjson) > 0 {
		if err := each(fleet.ReadNDJSON(cmd.Context(), ndjson...), add); err != nil {
			return err
		}
	}
	if len(parquet) > 0 {
		return each(fleet.ReadParquet(cmd.Context(), parquet...), add)
	}
	return nil
}

// reportSource says, under the title, where the calls came from: the
// flags given, or the FILEs read.
func reportSource(cmd *cobra.Command, args []string, sandbox string) string {
	if len(args) > 0 {
		return "Calls read from " + strings.Join(args, ", ")
	}
	var flags []string
	filters := filterFlagNames(cmd)
	cmd.Flags().Visit(func(f *pflag.Flag) {
		for _, n := range filters {
			if n == f.Name {
				flags = append(flags, "--"+f.Name+" "+f.Value.String())
			}
		}
	})
	from := "Twilio"
	if sandbox != "" {
		from = sandbox
	}
	if len(flags) == 0 {
		return "Calls listed from " + from + " (Twilio's default window: the last 4 hours)"
	}
	return "Calls listed from " + from + " with " + strings.Join(flags, " ")
}

// writeHTML writes a page to path (- for standard output), redacted as
// text output is (a proxy may echo the credential into a field). A file is
// written whole or not at all: into a temporary file beside it, renamed
// over path once complete. With the parties unmasked, only its owner may
// read it.
func writeHTML(e *env, path string, showPII bool, redact func(string) string, write func(io.Writer) error) error {
	var page bytes.Buffer
	if err := write(&page); err != nil {
		return err
	}
	b := []byte(redact(page.String()))
	if path == "-" {
		_, err := e.stdout.Write(b)
		return err
	}
	perm := os.FileMode(0o644)
	if showPII {
		perm = 0o600
	}
	if err := atomicfile.Write(path, b, perm); err != nil {
		return &cliError{code: exitNo, err: fmt.Errorf("--html %s: %w", path, err)}
	}
	return nil
}

// checkHTMLOut refuses, before anything is listed or read, an --html FILE
// that could not be written or that holds something else: its directory
// must exist, and a file already there must be an HTML page (an earlier
// report), so that a slip such as --html calls.ndjson never replaces the
// export it was meant to read.
func checkHTMLOut(path string) error {
	if path == "-" {
		return nil
	}
	if path == "" {
		return usagef("--html wants a FILE name (- for standard output)")
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return usagef("--html %s: no directory %s to write it in", path, filepath.Dir(path))
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return usagef("--html %s: %v", path, errors.Unwrap(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return usagef("--html %s is a directory: give a FILE name", path)
	}
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	if !isHTMLPage(head[:n]) {
		return usagef("--html %s exists and is not an HTML page: refusing to replace it (remove it, or give another name)", path)
	}
	return nil
}

// isHTMLPage says whether b, the start of a file, is an HTML document.
func isHTMLPage(b []byte) bool {
	b = bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n")
	for _, prefix := range []string{"<!doctype html", "<html"} {
		if len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix) {
			return true
		}
	}
	return false
}
