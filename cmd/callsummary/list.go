package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// listOptions are list's flags.
type listOptions struct {
	filterOptions
	target  targetOptions
	out     outputOptions
	showPII bool
	limit   int
	worst   int
	sort    string
	sortBy  string // the deprecated --sort-by
}

// Sort keys of --sort: start and end are Twilio's own order (newest first,
// streamed); the others rank the calls of the window, worst first.
const (
	sortStart  = "start"
	sortEnd    = "end"
	sortMOS    = "mos"
	sortLoss   = "loss"
	sortJitter = "jitter"
)

var sortKeys = []string{sortMOS, sortLoss, sortJitter, sortStart, sortEnd}

const listLong = `List calls' summaries, filtered as Twilio filters them, page by page: rows are
printed as each page arrives, so the first appear at once and -n stops fetching.

Quality at a glance: each row has the call's verdict (as fetch's report gives
it), its worst stream, its lowest MOS, highest packet loss and highest jitter.
--sort mos|loss|jitter ranks the calls of the window, worst first (this holds
the rows of the whole window, up to 100000; with -n N only the N worst);
--worst N lists the N calls the verdict rates worst, in constant memory.
--sort start or end is Twilio's order, newest first.

The parties are masked in text and csv output unless --show-pii; json and
ndjson print each summary's bytes as received, parties included. Lists match
any of their values. A value Twilio lists only in prose (a call type, a state,
a direction, ...) and this version does not know is sent as given, with a note.

` + listColumnsDoc

const listExample = `  callsummary list --since 1d --call-type sip,trunking --has-tag
  callsummary list --since 1w --worst 10
  callsummary list --sort mos -n 20 --fields call_sid,start,mos,verdict
  callsummary list --from-time 2026-11-26T00:00:00Z --to-time 2026-11-27T00:00:00Z -o csv
  callsummary list --annotated-score 1,2 -o ndjson | callsummary validate -`

func newListCmd(e *env) *cobra.Command {
	var o listOptions
	cmd := command(e, &cobra.Command{
		Use:     "list [flags]",
		Short:   "List calls' summaries, filtered, with their quality at a glance",
		Long:    listLong,
		Example: listExample,
		Args:    noArgs,
	}, func(cmd *cobra.Command, args []string) error { return runList(cmd, e, &o) })
	fs := cmd.Flags()
	fs.VarP(intRange{v: &o.limit, lo: 0, hi: math.MaxInt32, what: "0 (all) or more"}, "limit", "n", "list at most `N` calls (0: all); no further page is fetched")
	fs.Var(enumValue{v: &o.sort, known: sortKeys, hard: true}, "sort", "`order`: mos, loss or jitter (worst first), start or end (Twilio's, newest first)")
	fs.Var(intRange{v: &o.worst, lo: 1, hi: math.MaxInt32, what: "1 or more"}, "worst", "list the `N` calls of the window the verdict rates worst, worst first")
	addOutputFlags(cmd, &o.out, columnNames(listColumns()), textListColumns)
	fs.BoolVar(&o.showPII, "show-pii", false, "show the parties' numbers and names unmasked in text and csv")
	addFilterFlags(cmd, &o.filterOptions)
	fs.Var(enumValue{v: &o.sortBy, known: knownSortBy, hard: true}, "sort-by", "Twilio's sort `field`: start_time or end_time")
	_ = fs.MarkHidden("sort-by") // the old name of --sort start|end, kept for scripts
	_ = cmd.RegisterFlagCompletionFunc("sort", completeValues(sortKeys, false))
	addTargetFlags(fs, &o.target)
	return cmd
}

func runList(cmd *cobra.Command, e *env, o *listOptions) error {
	format, fields, err := o.out.resolve(cmd)
	if err != nil {
		return err
	}
	filter, err := o.filter(time.Now())
	if err != nil {
		return err
	}
	order, err := o.order()
	if err != nil {
		return err
	}
	noteUnknownValues(e, cmd.Flags())
	if o.sortBy != "" {
		e.notef("note: --sort-by is the old name of --sort: use --sort start or --sort end")
	}
	s, err := newSession(cmd.Context(), e, o.target)
	if err != nil {
		return err
	}
	defer s.done()
	w := &listWriter{format: format, noHeader: o.out.noHeader, cols: pickColumns(listColumns(), fields),
		showPII: o.showPII, sandbox: s.target.sandbox}
	var out io.Writer = e.stdout
	var rw *redactingWriter
	if format == formatText || format == formatCSV {
		rw = newRedactingWriter(e.stdout, s.client.Redact)
		out = rw
	}
	ranked, err := streamList(s.ctx, out, s.client, filter, order, w)
	if err == nil && rw != nil {
		err = rw.Flush()
	}
	if err != nil {
		return explainList(s.ctx, err, o.target, s.target)
	}
	if ranked != nil && ranked.seq > 0 && ranked.measured == 0 && o.sort != "" {
		e.notef("no call of the window has a %s to sort by (MOS is measured on client calls only): the rows are in Twilio's order", o.sort)
	}
	return nil
}

// order is how the rows are chosen and ranked: limit rows as they come,
// or the keep worst by rank (keep 0: all, up to maxRanked).
type order struct {
	limit int
	rank  func(g *glance) float64 // nil: as Twilio sends them
	keep  int
}

func (o *listOptions) order() (order, error) {
	switch {
	case o.worst > 0 && (o.limit > 0 || o.sort != ""):
		return order{}, usagef("--worst N lists the N worst calls by verdict: it replaces -n and --sort")
	case o.worst > 0:
		return order{rank: func(g *glance) float64 { return g.severity() }, keep: o.worst}, nil
	}
	rank, ok := map[string]func(g *glance) float64{
		// Higher is worse; a call without the metric ranks last.
		sortMOS:    func(g *glance) float64 { return orMissing(-g.mos, g.hasMOS) },
		sortLoss:   func(g *glance) float64 { return orMissing(g.loss, g.hasLoss) },
		sortJitter: func(g *glance) float64 { return orMissing(g.jitter, g.hasJitter) },
	}[o.sort]
	if !ok {
		return order{limit: o.limit}, nil
	}
	return order{rank: rank, keep: o.limit}, nil
}

func orMissing(v float64, ok bool) float64 {
	if !ok {
		return math.Inf(-1)
	}
	return v
}

// streamList writes the rows of each page, then flushes: the user sees a
// page as soon as it arrives, and a reader that goes away stops the
// listing. Ranked rows are written once the window is read.
func streamList(ctx context.Context, stdout io.Writer, c *callsummary.Client, filter callsummary.ListFilter, ord order, w *listWriter) (*ranking[[]byte], error) {
	out := bufio.NewWriter(stdout)
	var ranked *ranking[[]byte]
	if ord.rank != nil {
		ranked = newRanking[[]byte](ord.keep)
	}
	n := 0
	for page, err := range c.ListSummaryPages(ctx, filter) {
		if err != nil {
			_ = out.Flush()
			return ranked, err
		}
		if ranked == nil {
			// The header waits for the first page: a filter refused
			// before any request prints nothing on stdout.
			if err := w.begin(out); err != nil {
				return ranked, err
			}
		}
		for _, s := range page.Summaries {
			if ord.limit > 0 && n == ord.limit {
				break
			}
			row := newListRow(s, w.showPII, w.format == formatText)
			rec, err := w.record(row)
			if err != nil {
				return ranked, err
			}
			if ranked != nil {
				if err := ranked.add(ord.rank(&row.g), rec); err != nil {
					return ranked, err
				}
			} else if err := w.write(out, rec); err != nil {
				return ranked, err
			}
			n++
		}
		if err := out.Flush(); err != nil {
			return ranked, err
		}
		if ord.limit > 0 && n == ord.limit {
			break
		}
	}
	if err := w.begin(out); err != nil {
		return ranked, err
	}
	if ranked != nil {
		for _, rec := range ranked.worstFirst() {
			if err := w.write(out, rec); err != nil {
				return ranked, err
			}
		}
	}
	if err := w.end(out); err != nil {
		return ranked, err
	}
	return ranked, out.Flush()
}

// filter is the flags' callsummary.ListFilter, with list's order.
func (o *listOptions) filter(now time.Time) (callsummary.ListFilter, error) {
	switch {
	case o.sortBy != "" && o.sort != "":
		return callsummary.ListFilter{}, usagef("--sort-by is the old name of --sort start|end; give --sort alone")
	}
	f, err := o.filterOptions.filter(now)
	if err != nil {
		return f, err
	}
	switch {
	case o.sortBy != "":
		f.SortBy = gen.SortBy(o.sortBy)
	case o.sort == sortStart:
		f.SortBy = gen.SortByStartTime
	case o.sort == sortEnd:
		f.SortBy = gen.SortByEndTime
	}
	if o.pageSize == 0 && o.limit > 0 && o.limit < 50 && o.sort != sortMOS && o.sort != sortLoss && o.sort != sortJitter {
		f.PageSize = o.limit // Twilio's default page would fetch more than is shown
	}
	return f, nil
}

// explainList maps a listing's error to an exit code and advice.
func explainList(ctx context.Context, err error, o targetOptions, t target) error {
	var ae *callsummary.APIError
	switch {
	case errors.Is(err, callsummary.ErrInvalidFilter):
		return &cliError{code: exitUsage, err: inFlagTerms(err, filterFlags), help: true}
	case errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound:
		return &cliError{code: exitNo, err: err,
			advice: "the list resource was not found: check --base-url, --region and --edge (the list needs Voice Insights Advanced Features)"}
	}
	return explain(ctx, err, o, t, false, false)
}
