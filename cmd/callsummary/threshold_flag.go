package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/voiceinsights/callsummary/internal/safetext"
)

// maxThresholds bounds the --fail-if flags of one command.
const maxThresholds = 64

const failIfLong = `Thresholds that exit 3. stats, report, fetch and watch take --fail-if EXPR,
repeated for several. After the command's normal output, each threshold
breached is listed on stderr, one line each with its value (and its group, with
--by), and the command exits 3; nothing breached, 0. A bad expression is a usage error
(exit 2) before any request is sent. An error outranks a breach: a command that
fails exits 1 or 2 whatever its thresholds.

Grammar (spaces between tokens are optional):

  EXPR   = FIGURE OP NUMBER [UNIT]
         | verdict == VERDICT | verdict != VERDICT    (one call)
         | tag(TAG)                                   (one call: it has the tag)
  FIGURE = FUNCTION(NAME) | NAME
  OP     = <  <=  >  >=  ==  !=
  NUMBER = digits with an optional fraction: 30, 3.5, 0.05, .5
  UNIT   = %  ms  s

Figures of many calls (stats, watch: each group of --by is checked; report:
all its calls as one group):
  pN(METRIC)                           the N-th percentile of METRIC over the calls,
                                       N from 1 to 99: p50, p90, p99; for MOS, whose
                                       low values are the bad ones, p10 or p1
  share(X)                             the share of the calls with verdict or tag X, 0 to 1
  count(X)                             the number of calls with verdict or tag X
  calls                                the number of calls

Figures of one call (fetch), the values list shows in the call's row:
  mos       the lowest average MOS of any stream
  jitter    the highest average jitter, ms
  loss      the highest packet loss, percent
  rtt       the highest average RTT, ms
  pdd       the post-dial delay, ms
  duration  the call's duration, seconds
  verdict == poor, verdict != good, tag(high_jitter)

METRIC: mos, jitter (ms), loss (percent), rtt (ms), pdd (ms), duration (s); or
the statistics' names mos, jitter_ms, packet_loss_pct, rtt_ms, pdd_ms,
duration_s. Over many calls each call counts its worst stream (lowest MOS,
highest jitter, loss, RTT), as stats reports.
VERDICT: good, tagged, poor, unknown (fetch's verdict; stats' shares).
TAG: silence, high_jitter, high_packet_loss, high_pdd, high_latency, low_mos,
ice_failure. Another name of a tag's shape is checked as given, with a note:
Twilio may add tags.

Units. A number without a unit is in the figure's own unit: ms for jitter, rtt
and pdd; seconds for duration; percent for loss; a fraction from 0 to 1 for a
share; none for MOS and counts.
  %      hundredths of a share: share(poor) > 5% is share(poor) > 0.05. Loss is a
         percent already: loss > 5% and loss > 5 are the same. Nothing else takes %.
  ms, s  times: p90(pdd) > 2s is p90(pdd) > 2000; duration < 1500ms is duration < 1.5.
A share without % is from 0 to 1: share(poor) > 5 is refused (write 5% or 0.05).

Not measured is not breached. A figure a group does not have (no MOS among
carrier calls, a share of no calls) is not checked there; a note on stderr
says so (not under -q), and watch's rounds leave it out. A count or calls is
always measured: --fail-if 'calls < 1' breaches when no call came.

Quantiles come from DDSketch, within 1% (relative) of the exact value: a p90
within 1% of its limit may fall on either side. == and != compare exactly.

Exit status: 0 nothing breached; 1 Twilio said no; 2 usage error (a bad
expression among them; nothing was sent); 3 a threshold breached; 130
interrupted.`

const failIfExample = `  callsummary stats --since 1d --by call_type --fail-if 'p90(jitter) > 30' --fail-if 'share(poor) > 5%'
  callsummary fetch CA62608e08adc29a8d6dbc9754e659f125 --fail-if 'mos < 3.5' --fail-if 'verdict == poor'
  callsummary report --since 1d --html today.html --fail-if 'share(poor) > 5%'
  callsummary stats --since 1d --by call_type --fail-if 'p10(mos) < 3.5'
  callsummary watch --every 5m --fail-if 'count(poor) >= 3'`

// newFailIfTopic is 'callsummary help fail-if': a help topic, not a
// command.
func newFailIfTopic() *cobra.Command {
	return &cobra.Command{
		Use:     "fail-if",
		Short:   "The --fail-if threshold grammar of stats, report, fetch and watch (exit 3)",
		Long:    failIfLong,
		Example: failIfExample,
	}
}

// addFailIfFlag adds the repeatable --fail-if to cmd.
func addFailIfFlag(cmd *cobra.Command, raw *[]string, scope thresholdScope) {
	cmd.Flags().StringArrayVar(raw, "fail-if", nil,
		"exit 3 if this `threshold` is breached, e.g. "+exampleThreshold(scope)+" (repeatable; callsummary help fail-if)")
}

// parseThresholds reads every --fail-if before anything is sent; the
// first bad one is a usage error that quotes it.
func parseThresholds(e *env, raw []string, scope thresholdScope) ([]*threshold, error) {
	if len(raw) > maxThresholds {
		return nil, usagef("--fail-if given %d times: at most %d", len(raw), maxThresholds)
	}
	ths := make([]*threshold, 0, len(raw))
	for _, src := range raw {
		t, err := parseThreshold(src, scope)
		if err != nil {
			return nil, usagef("--fail-if '%s': %v", src, err)
		}
		if t.unknownTag {
			e.notef("note: --fail-if '%s': %s is not a tag this version knows (%s); checked as given", t, t.class, tagList())
		}
		ths = append(ths, t)
	}
	return ths, nil
}

// maxGroupsNamed bounds the groups a note lists.
const maxGroupsNamed = 5

// printChecks writes one line per breach on stderr, after prefix (watch's
// round), whatever -q says: they are why the command fails. Notes on what
// was not checked follow, unless -q or notes is false. Groups are the
// server's values: sanitized, and redacted (the client's Redact) in case
// a proxy echoed the credential into one. It returns how many thresholds
// were breached.
func (e *env) printChecks(c checkOutcome, prefix string, notes bool, redact func(string) string) int {
	breached := map[*threshold]bool{}
	for _, b := range c.breaches {
		breached[b.threshold] = true
		where := ""
		if b.group != "" {
			where = " (" + safetext.Printable(b.group) + ")"
		}
		fmt.Fprint(e.stderr, redact(fmt.Sprintf("callsummary: %s--fail-if '%s' breached: %s%s\n", prefix, b.threshold, b.value, where)))
	}
	if notes {
		for _, n := range c.notChecked {
			e.notef("%s", redact(fmt.Sprintf("note: %s--fail-if '%s' not checked: %s", prefix, n.threshold, notMeasured(n.groups))))
		}
	}
	return len(breached)
}

func notMeasured(groups []string) string {
	switch {
	case len(groups) == 0:
		return "no calls"
	case len(groups) == 1 && groups[0] == "":
		return "not measured"
	}
	named := groups[:min(len(groups), maxGroupsNamed)]
	clean := make([]string, len(named))
	for i, g := range named {
		clean[i] = safetext.Printable(g)
	}
	s := "not measured for " + strings.Join(clean, "; ")
	if more := len(groups) - len(named); more > 0 {
		s += fmt.Sprintf("; and %d more groups", more)
	}
	return s
}

// failOnBreach prints what checking found and returns the error that
// exits 3 when a threshold was breached, nil otherwise: the few lines a
// command adds after its output to support --fail-if. redact is the
// client's Redact (for files read from disk, the identity).
func (e *env) failOnBreach(c checkOutcome, redact func(string) string) error {
	if n := e.printChecks(c, "", true, redact); n > 0 {
		return breachError(n, len(c.thresholds))
	}
	return nil
}

func breachError(breached, of int) error {
	return &cliError{code: exitBreach, err: fmt.Errorf("%d of %d --fail-if thresholds breached", breached, of)}
}
