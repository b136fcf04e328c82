package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// listOptions are list's flags.
type listOptions struct {
	target  targetOptions
	out     outputOptions
	showPII bool
	limit   int
	worst   int
	sort    string
	sortBy  string // the deprecated --sort-by

	since, until          string
	sinceAgo, untilAgo    time.Duration
	fromTime, toTime      string
	fromAt, toAt          time.Time
	callTypes, states     []string
	directions            []string
	connectivity, issues  []string
	scores                []int
	processingState       string
	answeredBy, annotated string
	industry, useCase     string
	brandedType, profile  string
	identity              string
	pageSize              int
	hasTag, verified      *bool
	abnormal, spam        *bool
	branded, integrity    *bool
	logo                  *bool
	from, to              string
	fromCarrier           string
	toCarrier             string
	fromCountry           string
	toCountry             string
	subaccount            string
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
	fs.Var(agoValue{&o.since, &o.sinceAgo}, "since", "calls that started at most this `duration` ago: 30m, 4h, 3d, 1w (Twilio's default: 4h)")
	fs.Var(timeValue{&o.fromTime, &o.fromAt}, "from-time", "calls that started after this `time` (RFC 3339, e.g. 2026-11-27T08:00:00Z)")
	fs.Var(agoValue{&o.until, &o.untilAgo}, "until", "calls that started at least this `duration` ago")
	fs.Var(timeValue{&o.toTime, &o.toAt}, "to-time", "calls that started before this `time` (RFC 3339)")
	enumFlags := []struct {
		list  *[]string
		value *string
		name  string
		known []string
		hard  bool
		usage string
	}{
		{list: &o.callTypes, name: "call-type", known: knownCallTypes, usage: "call `types`, comma-separated: "},
		{list: &o.states, name: "state", known: knownCallStates, usage: "call `states`, comma-separated: "},
		{list: &o.directions, name: "direction", known: knownDirections, usage: "`directions`, comma-separated: "},
		{value: &o.processingState, name: "processing-state", known: knownListStates, hard: true, usage: "`which` summaries: "},
		{value: &o.answeredBy, name: "answered-by", known: knownAnsweredBy, hard: true, usage: "Answering Machine Detection `result`: "},
		{value: &o.annotated, name: "annotated-by", known: knownAnnotatedBy, usage: "annotated `answerer`: "},
		{list: &o.connectivity, name: "annotated-connectivity", known: knownConnectivity, usage: "annotated connectivity `issues`, comma-separated: "},
		{list: &o.issues, name: "annotated-issue", known: knownQualityIssues, usage: "annotated quality `issues`, comma-separated: "},
		{value: &o.brandedType, name: "branded-type", known: knownBrandedTypes, usage: "branded call `type`: "},
		{value: &o.useCase, name: "voice-integrity-use-case", known: knownUseCases, usage: "Voice Integrity `use case`, e.g. customer_support (one of 44)"},
		{value: &o.identity, name: "business-identity", known: knownProfileIdentities, usage: "business profile `identity`: "},
		{value: &o.industry, name: "business-industry", known: knownIndustries, usage: "business profile `industry`, e.g. banking (one of 33)"},
		{value: &o.profile, name: "business-type", known: knownProfileTypes, usage: "business profile `type`: "},
	}
	for _, f := range enumFlags {
		usage := f.usage
		if strings.HasSuffix(usage, ": ") {
			usage += strings.Join(f.known, ", ")
		}
		var v pflag.Value = enumValue{v: f.value, known: f.known, hard: f.hard}
		if f.list != nil {
			v = enumList{items: f.list, known: f.known, hard: f.hard}
		}
		fs.Var(v, f.name, usage)
		_ = cmd.RegisterFlagCompletionFunc(f.name, completeValues(f.known, f.list != nil))
	}
	fs.StringVar(&o.from, "from", "", "calling `party`: E.164 number, SIP URI or client name")
	fs.StringVar(&o.to, "to", "", "called `party`")
	fs.StringVar(&o.fromCarrier, "from-carrier", "", "origination `carrier`, e.g. \"AT&T Wireless\"")
	fs.StringVar(&o.toCarrier, "to-carrier", "", "destination `carrier`")
	fs.Var(patternValue{&o.fromCountry, countryPattern, "two letters (ISO 3166-1 alpha-2), e.g. US"}, "from-country", "`country` code of the caller, e.g. US")
	fs.Var(patternValue{&o.toCountry, countryPattern, "two letters (ISO 3166-1 alpha-2), e.g. US"}, "to-country", "`country` code of the callee")
	addTriBool(fs, &o.hasTag, "has-tag", "only calls with (--has-tag=false: without) Voice Insights tags")
	addTriBool(fs, &o.verified, "verified-caller", "only calls whose caller was (=false: was not) verified with SHAKEN/STIR")
	addTriBool(fs, &o.abnormal, "abnormal-session", "only calls whose last SIP response was (=false: was not) other than 200")
	fs.Var(patternValue{&o.subaccount, accountSIDPattern, "an account SID: AC and 32 hex digits"}, "subaccount", "list the calls of a subaccount, by its account `SID` (AC and 32 hex digits)")
	fs.Var(scoreList{&o.scores}, "annotated-score", "annotated call `scores`, comma-separated, 1 to 5")
	addTriBool(fs, &o.spam, "annotated-spam", "only calls annotated as spam (=false: as not spam)")
	addTriBool(fs, &o.branded, "branded", "only Branded Calls (=false: not branded)")
	addTriBool(fs, &o.logo, "branded-logo", "only branded calls that showed (=false: did not show) the logo")
	addTriBool(fs, &o.integrity, "voice-integrity", "only calls from numbers with (=false: without) Voice Integrity")
	fs.Var(intRange{v: &o.pageSize, lo: 1, hi: callsummary.MaxPageSize, what: "1 to 1000"}, "page-size",
		"`N` calls per request, 1 to 1000 (default Twilio's 50, or -n if smaller)")
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
	if err := streamList(s.ctx, e.stdout, s.client, filter, order, w); err != nil {
		return explainList(s.ctx, err, o.target, s.target)
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
func streamList(ctx context.Context, stdout io.Writer, c *callsummary.Client, filter callsummary.ListFilter, ord order, w *listWriter) error {
	out := bufio.NewWriter(stdout)
	var ranked *ranking
	if ord.rank != nil {
		ranked = newRanking(ord.keep)
	}
	n := 0
	for page, err := range c.ListSummaryPages(ctx, filter) {
		if err != nil {
			_ = out.Flush()
			return err
		}
		if ranked == nil {
			// The header waits for the first page: a filter refused
			// before any request prints nothing on stdout.
			if err := w.begin(out); err != nil {
				return err
			}
		}
		for _, s := range page.Summaries {
			if ord.limit > 0 && n == ord.limit {
				break
			}
			row := newListRow(s, w.showPII, w.format == formatText)
			rec, err := w.record(row)
			if err != nil {
				return err
			}
			if ranked != nil {
				if err := ranked.add(ord.rank(&row.g), rec); err != nil {
					return err
				}
			} else if err := w.write(out, rec); err != nil {
				return err
			}
			n++
		}
		if err := out.Flush(); err != nil {
			return err
		}
		if ord.limit > 0 && n == ord.limit {
			break
		}
	}
	if err := w.begin(out); err != nil {
		return err
	}
	if ranked != nil {
		for _, rec := range ranked.worstFirst() {
			if err := w.write(out, rec); err != nil {
				return err
			}
		}
	}
	if err := w.end(out); err != nil {
		return err
	}
	return out.Flush()
}

// filter turns the flags into a callsummary.ListFilter. The flags have
// checked their own values; what is left is how they combine.
func (o *listOptions) filter(now time.Time) (callsummary.ListFilter, error) {
	f := callsummary.ListFilter{
		From: o.from, To: o.to, FromCarrier: o.fromCarrier, ToCarrier: o.toCarrier,
		FromCountryCode: o.fromCountry, ToCountryCode: o.toCountry,
		CallTypes:                    enums[gen.CallType](o.callTypes),
		CallStates:                   enums[gen.CallState](o.states),
		Directions:                   enums[gen.CallDirection](o.directions),
		ProcessingState:              gen.ListProcessingState(o.processingState),
		Subaccount:                   o.subaccount,
		AnsweredBy:                   gen.AnsweredBy(o.answeredBy),
		VerifiedCaller:               o.verified,
		HasTag:                       o.hasTag,
		AbnormalSession:              o.abnormal,
		AnsweredByAnnotation:         gen.AnsweredByAnnotation(o.annotated),
		ConnectivityIssueAnnotations: enums[gen.ConnectivityIssue](o.connectivity),
		QualityIssueAnnotations:      enums[gen.QualityIssue](o.issues),
		CallScoreAnnotations:         o.scores,
		SpamAnnotation:               o.spam,
		BrandedEnabled:               o.branded,
		BrandedLogo:                  o.logo,
		BrandedType:                  gen.BrandedType(o.brandedType),
		VoiceIntegrityEnabled:        o.integrity,
		VoiceIntegrityUseCase:        gen.VoiceIntegrityUseCase(o.useCase),
		BusinessProfileIdentity:      gen.BusinessProfileIdentity(o.identity),
		BusinessProfileIndustry:      gen.BusinessProfileIndustry(o.industry),
		BusinessProfileType:          gen.BusinessProfileType(o.profile),
		PageSize:                     o.pageSize,
	}
	switch {
	case o.sortBy != "" && o.sort != "":
		return f, usagef("--sort-by is the old name of --sort start|end; give --sort alone")
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
	var err error
	if f.Start, err = bound("--since", o.since, o.sinceAgo, "--from-time", o.fromTime, o.fromAt); err != nil {
		return f, err
	}
	if f.End, err = bound("--until", o.until, o.untilAgo, "--to-time", o.toTime, o.toAt); err != nil {
		return f, err
	}
	if !f.Start.IsZero() && !f.End.IsZero() && !instant(f.Start, now).Before(instant(f.End, now)) {
		return f, usagef("the window is empty: it starts (%s) at or after it ends (%s)",
			flagOf("--since", o.since, "--from-time", o.fromTime), flagOf("--until", o.until, "--to-time", o.toTime))
	}
	return f, nil
}

// instant is when a bound lies, read at now.
func instant(t callsummary.ListTime, now time.Time) time.Time {
	if d, ok := t.Ago(); ok {
		return now.Add(-d)
	}
	at, _ := t.Time()
	return at
}

func flagOf(agoFlag, ago, atFlag, at string) string {
	if ago != "" {
		return agoFlag + " " + ago
	}
	return atFlag + " " + at
}

// bound reads one end of the window from its relative or absolute flag.
func bound(agoFlag, ago string, d time.Duration, atFlag, at string, t time.Time) (callsummary.ListTime, error) {
	switch {
	case ago != "" && at != "":
		return callsummary.ListTime{}, usagef("%s and %s both set the same end of the window; give one", agoFlag, atFlag)
	case ago != "":
		return callsummary.Since(d), nil
	case at != "":
		return callsummary.At(t), nil
	}
	return callsummary.ListTime{}, nil
}

func enums[T ~string](items []string) []T {
	out := make([]T, len(items))
	for i, s := range items {
		out[i] = T(s)
	}
	return out
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

// scoreList is --annotated-score: call scores, comma-separated, each 1 to 5.
type scoreList struct{ items *[]int }

func (l scoreList) Type() string { return "scores" }

func (l scoreList) String() string {
	parts := make([]string, len(*l.items))
	for i, n := range *l.items {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func (l scoreList) Set(s string) error {
	for item := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(item))
		if err != nil || n < 1 || n > 5 {
			return errorString("want scores from 1 to 5, comma-separated")
		}
		*l.items = append(*l.items, n)
	}
	return nil
}
