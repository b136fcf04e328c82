package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/fleet"
	"github.com/voiceinsights/callsummary/internal/safetext"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// watchOptions are watch's flags.
type watchOptions struct {
	filterOptions
	target    targetOptions
	format    string
	every     time.Duration
	overlap   time.Duration
	rounds    int
	stateFile string
	by        string
	failIf    []string
}

const (
	defaultWatchEvery = 5 * time.Minute
	// defaultWatchOverlap covers a call of Twilio's default 4-hour limit
	// whose complete summary comes 30 minutes after it ends, with room for
	// a late summary and a round's interval.
	defaultWatchOverlap = 5 * time.Hour
	// minTwilioWatchEvery keeps rounds, each listing the whole overlap
	// window, from spending Twilio's rate limit.
	minTwilioWatchEvery = time.Minute
)

var watchFormats = []string{formatText, formatNDJSON}

const watchLong = `Watch the calls as their summaries complete: every --every, a round lists the
complete summaries of the calls that started within --overlap (5h) and reports
those no earlier round reported: one line per round on stdout (its calls, the
share of poor and tagged calls, p50 MOS and p90 jitter, loss and RTT), and one
line per --fail-if breach on stderr. A breach does not stop the watch. With
-o ndjson, stdout gets each new summary's bytes instead, and the round lines go
to stderr (not under -q).

No call twice, none skipped. Twilio has no list of "summaries completed since":
its complete summary of a call appears about 30 minutes after the call ends, by
start time in the list. So each round lists again every call that started
within --overlap before the previous round, and skips the SIDs it has reported
(it remembers those of one overlap window: the set stays bounded). A call is
reported once, in the first round that sees its complete summary, provided
that summary appears less than --overlap after the call started, less the
interval: the default covers Twilio's 4-hour call limit and its 30-minute
delay. Shorten --overlap for fewer requests if your calls are short. The
first round, without a state file, reports the complete calls of the last
--overlap.

--state-file FILE keeps the reported SIDs and the window's start after each
round (written atomically, mode 0600): a watch stopped by Ctrl-C, a crash or a
reboot continues where it was, listing from the previous window's start, so
that the calls of the downtime are reported, and none twice (a round cut short
before its state was written is reported again). One watch per state file.

A round whose listing fails (a network error, Twilio's 5xx after the client's
retries) reports what it listed, says so on stderr, and the next round lists
from the same start; credentials or filters Twilio refuses end the watch.
--timeout bounds each round. The summaries are listed with list's filters
(no time filter: watch moves its own window) and --page-size 1000 unless given.

--by groups the calls of each round for --fail-if: every group is checked, and
a breach names its group. The grammar: callsummary help fail-if. A figure a
round lacks (no call came) is not checked; 'calls < 1' catches a silence.

Exit status: 130 on Ctrl-C, which is how a watch ends (its state saved after the
last whole round). With --rounds N, after N rounds: 0; 1 if a round's listing
failed (an error outranks a breach); 3 a --fail-if threshold breached in any
round. 1 Twilio refused (credentials, a filter), at once; 2 usage error
(nothing is sent). A failed round is said on stderr even with -q.`

const watchExample = `  callsummary watch --every 5m --fail-if 'share(poor) > 5%' --fail-if 'p90(jitter) > 30'
  callsummary watch --call-type sip,trunking --by call_type --fail-if 'count(poor) >= 3' --state-file watch.state
  callsummary watch -o ndjson --state-file watch.state | callsummary validate -`

func newWatchCmd(e *env) *cobra.Command {
	var o watchOptions
	cmd := command(e, &cobra.Command{
		Use:     "watch [flags]",
		Short:   "Report calls as their summaries complete, a round at a time, checking --fail-if thresholds",
		Long:    watchLong,
		Example: watchExample,
		Args:    noArgs,
	}, func(cmd *cobra.Command, args []string) error { return runWatch(cmd, e, &o) })
	fs := cmd.Flags()
	o.every, o.overlap = defaultWatchEvery, defaultWatchOverlap
	fs.Var(durationValue{v: &o.every, positive: true}, "every", "start a round every `interval` (Twilio: at least 1m)")
	fs.Var(durationValue{v: &o.overlap, positive: true}, "overlap", "list again the calls that started within this `window` before each round, to catch summaries that complete late")
	fs.StringVar(&o.stateFile, "state-file", "", "remember the reported calls in this `file` after each round, and resume from it")
	fs.Var(intRange{v: &o.rounds, lo: 0, hi: math.MaxInt32, what: "0 (until interrupted) or more"}, "rounds", "stop after `N` rounds (0: until Ctrl-C)")
	fs.StringVar(&o.by, "by", "", "group each round's calls by these `dimensions` for --fail-if, comma-separated (see stats)")
	_ = cmd.RegisterFlagCompletionFunc("by", completeValues(dimNames(), true))
	addFailIfFlag(cmd, &o.failIf, scopeFleet)
	o.format = formatText
	fs.VarP(enumValue{v: &o.format, known: watchFormats, hard: true}, "output", "o", "output `format`: text (a line per round) or ndjson (each new summary's bytes)")
	_ = cmd.RegisterFlagCompletionFunc("output", completeValues(watchFormats, false))
	addFilterFlags(cmd, &o.filterOptions)
	for _, name := range watchOwnFlags {
		_ = fs.MarkHidden(name) // refused with a reason when given
	}
	addTargetFlags(fs, &o.target)
	return cmd
}

// watchOwnFlags are list filters watch sets itself.
var watchOwnFlags = []string{"since", "until", "from-time", "to-time", "processing-state"}

func runWatch(cmd *cobra.Command, e *env, o *watchOptions) error {
	if f := changedAny(cmd, watchOwnFlags); f != "" {
		return usagef("--%s: watch lists the complete summaries of the calls that started within --overlap; it takes no time or state filter", f)
	}
	if o.overlap <= o.every {
		return usagef("--overlap %v is not longer than --every %v: a call that completes between rounds could be missed", o.overlap, o.every)
	}
	by, err := fleet.ParseDims(o.by)
	if err != nil {
		return usagef("--by %q: %s", o.by, strings.TrimPrefix(err.Error(), "fleet: "))
	}
	ths, err := parseThresholds(e, o.failIf, scopeFleet)
	if err != nil {
		return err
	}
	filter, err := o.filter(e.now())
	if err != nil {
		return err
	}
	filter.ProcessingState = callsummary.ListProcessingStateCompleted
	filter.SortBy = callsummary.SortByEndTime
	if filter.PageSize == 0 {
		filter.PageSize = callsummary.MaxPageSize // a round lists the whole window: the fewest requests
	}
	if err := filter.Validate(); err != nil { // before a state file is touched
		return &cliError{code: exitUsage, err: inFlagTerms(err, filterFlags), help: true}
	}
	st := newWatchState()
	if o.stateFile != "" {
		var resumed bool
		if st, resumed, err = loadWatchState(o.stateFile); err != nil {
			return &cliError{code: exitUsage, err: err}
		}
		if resumed {
			e.notef("resuming the watch recorded in %s: %d rounds, %d calls in the window", o.stateFile, st.Rounds, len(st.Seen))
		}
	}
	noteUnknownValues(e, cmd.Flags())
	perRound := o.target.timeout
	o.target.timeout = 0 // it bounds each round, not the watch
	s, err := newSession(cmd.Context(), e, o.target)
	if err != nil {
		return err
	}
	defer s.done()
	if s.target.twilio && o.every < minTwilioWatchEvery {
		return usagef("--every %v lists Twilio's window more than once a minute, which spends its rate limit: want %v or more", o.every, minTwilioWatchEvery)
	}
	w := &watcher{e: e, client: s.client, filter: filter, by: by, thresholds: ths, state: st,
		stateFile: o.stateFile, overlap: o.overlap, timeout: perRound, ndjson: o.format == formatNDJSON, target: o.target, resolved: s.target}
	if !w.ndjson && s.target.sandbox != "" {
		if _, err := fmt.Fprintf(e.stdout, "# %s\n", sandboxNotice(s.target.sandbox)); err != nil {
			return err
		}
	}
	breached := 0
	for n := 1; o.rounds == 0 || n <= o.rounds; n++ {
		at := e.now()
		b, err := w.round(s.ctx, at)
		if err != nil {
			return err
		}
		if b > 0 {
			breached++
		}
		if n == o.rounds {
			break
		}
		if err := e.sleep(s.ctx, at.Add(o.every).Sub(e.now())); err != nil {
			return err // Ctrl-C: run exits 130
		}
	}
	if w.failed > 0 {
		return &cliError{code: exitNo, err: fmt.Errorf("the listing failed in %d of %d rounds", w.failed, o.rounds)}
	}
	if breached > 0 {
		return &cliError{code: exitBreach, err: fmt.Errorf("--fail-if thresholds breached in %d of %d rounds", breached, o.rounds)}
	}
	return nil
}

// watcher runs rounds.
type watcher struct {
	e          *env
	client     *callsummary.Client
	filter     callsummary.ListFilter
	by         []fleet.Dim
	thresholds []*threshold
	state      *watchState
	stateFile  string
	overlap    time.Duration
	timeout    time.Duration
	ndjson     bool
	target     targetOptions
	resolved   target
	failed     int // rounds whose listing failed
}

// roundTally is what one round listed.
type roundTally struct {
	fresh     int64 // calls reported for the first time
	listed    int64 // summaries the listing returned
	partial   int64 // listed without processing_state complete: a later round takes them
	noSID     int64 // listed without a valid call SID: cannot be told apart, so left out
	outOfSpan int64 // listed though they started before the window: not what was asked
}

// watchFatal wraps what ends the watch though it happened while listing:
// stdout failing, more calls than watch can remember, more groups than an
// aggregator keeps. A later round would meet it again.
type watchFatal struct{ err error }

func (f *watchFatal) Error() string { return f.err.Error() }
func (f *watchFatal) Unwrap() error { return f.err }

// maxWatchListed bounds the summaries one round reads: a server that
// keeps sending calls already reported cannot hold a round forever.
const maxWatchListed = 2 * maxWatchSeen

// round lists the window at at, reports the calls no earlier round
// reported, checks the thresholds on them and saves the state. It
// returns how many thresholds were breached, and an error only for what
// ends the watch: an interruption, or a refusal a later round would meet
// too. A listing that fails otherwise is said on stderr, and the next
// round lists from the same start.
func (w *watcher) round(ctx context.Context, at time.Time) (int, error) {
	st := w.state
	st.Rounds++
	if st.Floor.IsZero() {
		st.Floor = at.Add(-w.overlap)
	}
	total, err := fleet.NewAggregator(nil)
	if err != nil {
		return 0, err
	}
	grouped := total
	if len(w.by) > 0 {
		if grouped, err = fleet.NewAggregator(w.by); err != nil {
			return 0, err
		}
	}
	tally, listErr := w.list(ctx, at, func(s *callsummary.Summary) error {
		if err := total.Add(s); err != nil {
			return err
		}
		if grouped != total {
			return grouped.Add(s)
		}
		return nil
	})
	if listErr == nil {
		st.advance(at, w.overlap)
	}
	if err := w.roundLine(at, tally, total.Result(), listErr); err != nil {
		return 0, err
	}
	n := 0
	if len(w.thresholds) > 0 {
		n = w.e.printChecks(checkFleet(w.thresholds, resultFor(grouped, w.thresholds)), fmt.Sprintf("round %d: ", st.Rounds), false, w.client.Redact)
	}
	// The state is written after the round's output: a crash in between
	// reports the round again, never skips it.
	if w.stateFile != "" {
		if err := st.save(w.stateFile); err != nil {
			return n, &cliError{code: exitNo, err: fmt.Errorf("saving the watch state: %w", err)}
		}
	}
	switch {
	case listErr == nil:
		return n, nil
	case ctx.Err() != nil:
		return n, ctx.Err()
	case errors.As(listErr, new(*watchFatal)):
		return n, &cliError{code: exitNo, err: listErr}
	case permanent(listErr):
		return n, explainList(ctx, listErr, w.target, w.resolved)
	}
	// An error, not a note: -q keeps it, and a watch that cannot list
	// must not look like one that found nothing.
	w.failed++
	fmt.Fprint(w.e.stderr, w.client.Redact(fmt.Sprintf("callsummary: round %d: %s; the next round lists from the same start\n",
		st.Rounds, safetext.Printable(message(listErr)))))
	return n, nil
}

// list reads the window page by page: each new complete call is written
// (with -o ndjson), remembered and given to add.
func (w *watcher) list(ctx context.Context, at time.Time, add func(*callsummary.Summary) error) (roundTally, error) {
	var tally roundTally
	if w.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, w.timeout)
		defer cancel()
	}
	st := w.state
	filter := w.filter
	filter.Start = callsummary.At(st.Floor)
	for page, err := range w.client.ListSummaryPages(ctx, filter) {
		if err != nil {
			return tally, err
		}
		for _, s := range page.Summaries {
			if tally.listed++; tally.listed > maxWatchListed {
				return tally, &watchFatal{fmt.Errorf("over %d summaries listed in one round: the server repeats itself", maxWatchListed)}
			}
			start := at // a summary without a start time stays remembered one window
			if s.StartTime != nil {
				start = *s.StartTime
			}
			switch {
			case !s.IsComplete():
				tally.partial++
				continue
			case s.CallSID == nil || callsummary.ValidateCallSID(*s.CallSID) != nil:
				tally.noSID++
				continue
			case start.Before(st.Floor):
				tally.outOfSpan++
				continue
			}
			if _, seen := st.Seen[*s.CallSID]; seen {
				continue
			}
			if len(st.Seen) >= maxWatchSeen {
				return tally, &watchFatal{errTooManyCalls}
			}
			if w.ndjson {
				if err := writeNDJSON(w.e.stdout, s); err != nil {
					return tally, &watchFatal{err}
				}
			}
			st.Seen[*s.CallSID] = start
			tally.fresh++
			if err := add(s); err != nil {
				return tally, &watchFatal{err}
			}
		}
	}
	return tally, nil
}

// permanent: a refusal the next round would meet too (credentials,
// filters, a resource not found), where retrying forever helps no one.
func permanent(err error) bool {
	var ae *callsummary.APIError
	if errors.Is(err, callsummary.ErrInvalidFilter) {
		return true
	}
	return errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500 && ae.StatusCode != http.StatusTooManyRequests
}

// roundLine writes the round's line: on stdout in text, else as a note.
func (w *watcher) roundLine(at time.Time, tally roundTally, r fleet.Result, listErr error) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s round %d: ", at.UTC().Format(time.RFC3339), w.state.Rounds)
	switch {
	case tally.fresh == 0:
		b.WriteString("no new calls")
	default:
		fmt.Fprintf(&b, "%d new call%s", tally.fresh, plural(int(tally.fresh)))
		if len(r.Groups) == 1 {
			b.WriteString(roundFigures(r.Groups[0]))
		}
	}
	if listErr != nil {
		b.WriteString(" (listing cut short)")
	}
	if skipped := tally.noSID + tally.outOfSpan; skipped > 0 {
		fmt.Fprintf(&b, "; %d listed summaries left out (no call SID, or started before the window)", skipped)
	}
	if w.ndjson {
		w.e.notef("%s", b.String())
		return nil
	}
	b.WriteByte('\n')
	_, err := w.e.stdout.Write([]byte(b.String()))
	return err
}

// roundFigures are the headline figures of a round's calls.
func roundFigures(g fleet.Group) string {
	var b strings.Builder
	fmt.Fprintf(&b, "; poor %s, tagged %s", roundPercent(g.VerdictShare(callsummary.VerdictPoor)),
		roundPercent(g.VerdictShare(callsummary.VerdictTagged)))
	for _, f := range []struct {
		name   string
		metric fleet.Metric
		p50    bool
		unit   string
	}{
		{"p50 mos", fleet.MetricMOS, true, ""},
		{"p90 jitter", fleet.MetricJitter, false, " ms"},
		{"p90 loss", fleet.MetricLoss, false, "%"},
		{"p90 rtt", fleet.MetricRTT, false, " ms"},
	} {
		q, ok := g.Quantiles[f.metric]
		if !ok {
			continue
		}
		v := q.P90
		if f.p50 {
			v = q.P50
		}
		fmt.Fprintf(&b, ", %s %s%s", f.name, sigDigits(v, 3), f.unit)
	}
	return b.String()
}

func roundPercent(share float64) string { return sigDigits(100*share, 3) + "%" }
