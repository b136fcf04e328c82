package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// listOptions are list's flags beyond the filter itself.
type listOptions struct {
	target                 fetchOptions // --base-url, --region, --edge, --timeout, --show-pii
	limit                  int
	format                 string
	since, until           string
	fromTime, toTime       string
	callTypes, states      []string
	directions             []string
	connectivity, issues   []string
	scores                 []string
	processingState, sort  string
	answeredBy, annotated  string
	industry, useCase      string
	brandedType, profile   string
	identity               string
	pageSize               int
	hasTag, verified       *bool
	abnormal, spam         *bool
	branded, integrity     *bool
	logo                   *bool
	from, to               string
	fromCarrier, toCarrier string
	fromCountry, toCountry string
	subaccount             string
}

func runList(ctx context.Context, e *env, args []string) error {
	var o listOptions
	fs := newFlagSet("list")
	fs.IntVar(&o.limit, "limit", 0, "stop after `N` calls (0: all; no further page is fetched)")
	fs.StringVar(&o.format, "format", "table", "output `format`: table, json (one summary's bytes per line) or csv")
	fs.BoolVar(&o.target.showPII, "show-pii", false, "show the parties' numbers and names unmasked in table and csv")
	fs.StringVar(&o.since, "since", "", "calls that started at most this `duration` ago: 30m, 4h, 3d, 1w (Twilio's default: 4h)")
	fs.StringVar(&o.fromTime, "from-time", "", "calls that started after this `time` (RFC 3339, e.g. 2026-11-27T08:00:00Z)")
	fs.StringVar(&o.until, "until", "", "calls that started at least this `duration` ago")
	fs.StringVar(&o.toTime, "to-time", "", "calls that started before this `time` (RFC 3339)")
	fs.Var(listValue{&o.callTypes}, "call-type", "call `types`, comma-separated: carrier, client, sip, trunking, whatsapp")
	fs.Var(listValue{&o.states}, "state", "call `states`, comma-separated: answered, busy, canceled, completed, fail, noanswer, ringing, undialed")
	fs.Var(listValue{&o.directions}, "direction", "`directions`, comma-separated: inbound, outbound_api, outbound_dial, trunking_originating, trunking_terminating")
	fs.StringVar(&o.processingState, "processing-state", "", "`which` summaries: completed, started, partial or all")
	fs.StringVar(&o.sort, "sort-by", "", "sort `field`: start_time or end_time")
	fs.StringVar(&o.from, "from", "", "calling `party`: E.164 number, SIP URI or client name")
	fs.StringVar(&o.to, "to", "", "called `party`")
	fs.StringVar(&o.fromCarrier, "from-carrier", "", "origination `carrier`, e.g. \"AT&T Wireless\"")
	fs.StringVar(&o.toCarrier, "to-carrier", "", "destination `carrier`")
	fs.StringVar(&o.fromCountry, "from-country", "", "`country` code of the caller, e.g. US")
	fs.StringVar(&o.toCountry, "to-country", "", "`country` code of the callee")
	fs.Var(triBool(&o.hasTag), "has-tag", "only calls with (or, =false, without) Voice Insights tags")
	fs.Var(triBool(&o.verified), "verified-caller", "only calls whose caller was (=false: was not) verified with SHAKEN/STIR")
	fs.Var(triBool(&o.abnormal), "abnormal-session", "only calls whose last SIP response was (=false: was not) other than 200")
	fs.StringVar(&o.answeredBy, "answered-by", "", "Answering Machine Detection `result`, e.g. human, machine_start")
	fs.StringVar(&o.subaccount, "subaccount", "", "list a subaccount's calls (`AC…`)")
	fs.StringVar(&o.annotated, "annotated-by", "", "annotated answerer: human or machine")
	fs.Var(listValue{&o.connectivity}, "annotated-connectivity", "annotated connectivity `issues`, comma-separated, e.g. dropped_call")
	fs.Var(listValue{&o.issues}, "annotated-issue", "annotated quality `issues`, comma-separated, e.g. choppy_robotic,echo")
	fs.Var(listValue{&o.scores}, "annotated-score", "annotated call `scores`, comma-separated, e.g. 1,2")
	fs.Var(triBool(&o.spam), "annotated-spam", "only calls annotated as spam (=false: as not spam)")
	fs.Var(triBool(&o.branded), "branded", "only Branded Calls (=false: not branded)")
	fs.Var(triBool(&o.logo), "branded-logo", "only branded calls that showed (=false: did not show) the logo")
	fs.StringVar(&o.brandedType, "branded-type", "", "branded call `type`: in_band or out_of_band")
	fs.Var(triBool(&o.integrity), "voice-integrity", "only calls from numbers with (=false: without) Voice Integrity")
	fs.StringVar(&o.useCase, "voice-integrity-use-case", "", "Voice Integrity `use case`, e.g. customer_support")
	fs.StringVar(&o.identity, "business-identity", "", "business profile `identity`: direct_customer or isv_reseller_or_partner")
	fs.StringVar(&o.industry, "business-industry", "", "business profile `industry`, e.g. banking")
	fs.StringVar(&o.profile, "business-type", "", "business profile `type`: primary or secondary")
	fs.IntVar(&o.pageSize, "page-size", 0, "calls per request, 1 to 1000 (default Twilio's 50, or --limit if smaller)")
	fs.StringVar(&o.target.baseURL, "base-url", "", "send requests to this `URL` (a proxy, 'callsummary serve', a test server)")
	fs.StringVar(&o.target.region, "region", "", "Twilio `region`, e.g. ie1 (default $TWILIO_REGION, else us1)")
	fs.StringVar(&o.target.edge, "edge", "", "Twilio edge `location` for the host, e.g. dublin (default $TWILIO_EDGE, else the region's)")
	fs.DurationVar(&o.target.timeout, "timeout", 0, "give up after this `duration` (0: no limit beyond each request's own)")
	fs.details = `Rows are printed as each page arrives. The parties are masked in table and
csv output unless --show-pii; json prints each summary's bytes as received,
one per line (NDJSON), parties included. Lists match any of their values.

Credentials and the host are chosen as for fetch; with no credentials the
built-in sandbox answers, with its generated calls.

Examples:
  callsummary list --since 1d --call-type sip,trunking --has-tag
  callsummary list --from-time 2026-11-26T00:00:00Z --to-time 2026-11-27T00:00:00Z --format csv
  callsummary list --annotated-score 1,2 --format json --limit 100

Exit status: 0 ok; 1 Twilio said no (rows already printed stay printed);
2 usage error, e.g. an unknown call type (nothing is sent).`
	pos, err := fs.parse(e, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("list takes no arguments, only flags; got %q", pos[0])
	}
	filter, err := o.filter()
	if err != nil {
		return err
	}
	write, err := newRowWriter(o.format, o.target.showPII)
	if err != nil {
		return err
	}
	if o.limit < 0 {
		return usagef("--limit must not be negative")
	}
	if err := filter.Validate(); err != nil { // before a sandbox is started or anything sent
		return &cliError{code: exitUsage, err: err, help: true}
	}
	ctx, c, t, done, err := newCLIClient(ctx, e, o.target)
	if err != nil {
		return err
	}
	defer done()
	if err := streamList(ctx, e.stdout, c, filter, o.limit, write); err != nil {
		return explainList(ctx, err, o.target, t)
	}
	return nil
}

// newCLIClient resolves the target as fetch does, builds a client that
// reports retries on stderr, and bounds ctx by --timeout. done stops the
// sandbox, if one was started, and releases the timer.
func newCLIClient(ctx context.Context, e *env, o fetchOptions) (context.Context, *callsummary.Client, target, func(), error) {
	if o.timeout < 0 {
		return ctx, nil, target{}, nil, usagef("--timeout must not be negative")
	}
	t, err := resolveTarget(e, o)
	if err != nil {
		return ctx, nil, t, nil, err
	}
	c, err := callsummary.NewClient(append(slices.Clone(t.opts), callsummary.WithLogger(progressLogger(e.stderr)))...)
	if err != nil {
		t.close()
		return ctx, nil, t, nil, &cliError{code: exitUsage, err: err, help: true}
	}
	cancel := context.CancelFunc(func() {})
	if o.timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, o.timeout)
	}
	return ctx, c, t, func() { cancel(); t.close() }, nil
}

// streamList writes the rows of each page, then flushes: the user sees a
// page as soon as it arrives, and a broken pipe stops the listing.
func streamList(ctx context.Context, stdout io.Writer, c *callsummary.Client, filter callsummary.ListFilter, limit int, rows rowWriter) error {
	out := bufio.NewWriter(stdout)
	n, started := 0, false
	for page, err := range c.ListSummaryPages(ctx, filter) {
		if err != nil {
			_ = out.Flush()
			return err
		}
		if !started {
			// The header waits for the first page: a filter refused before
			// any request prints nothing on stdout.
			if err := rows.header(out); err != nil {
				return err
			}
			started = true
		}
		for _, s := range page.Summaries {
			if limit > 0 && n == limit {
				break
			}
			if err := rows.row(out, s); err != nil {
				return err
			}
			n++
		}
		if err := out.Flush(); err != nil {
			return err
		}
		if limit > 0 && n == limit {
			break
		}
	}
	return out.Flush()
}

// filter turns the flags into a callsummary.ListFilter. Flag syntax (times,
// durations, numbers) is checked here; the values themselves by the
// wrapper, whose ErrInvalidFilter becomes a usage error.
func (o *listOptions) filter() (callsummary.ListFilter, error) {
	f := callsummary.ListFilter{
		From: o.from, To: o.to, FromCarrier: o.fromCarrier, ToCarrier: o.toCarrier,
		FromCountryCode: o.fromCountry, ToCountryCode: o.toCountry,
		CallTypes:                    enums[gen.CallType](o.callTypes),
		CallStates:                   enums[gen.CallState](o.states),
		Directions:                   enums[gen.CallDirection](o.directions),
		ProcessingState:              gen.ListProcessingState(o.processingState),
		SortBy:                       gen.SortBy(o.sort),
		Subaccount:                   o.subaccount,
		AnsweredBy:                   gen.AnsweredBy(o.answeredBy),
		VerifiedCaller:               o.verified,
		HasTag:                       o.hasTag,
		AbnormalSession:              o.abnormal,
		AnsweredByAnnotation:         gen.AnsweredByAnnotation(o.annotated),
		ConnectivityIssueAnnotations: enums[gen.ConnectivityIssue](o.connectivity),
		QualityIssueAnnotations:      enums[gen.QualityIssue](o.issues),
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
	if o.pageSize == 0 && o.limit > 0 && o.limit < 50 {
		f.PageSize = o.limit // Twilio's default page would fetch more than is shown
	}
	for _, s := range o.scores {
		n, err := strconv.Atoi(s)
		if err != nil {
			return f, usagef("--annotated-score: %q is not a whole number (want 1 to 5)", s)
		}
		f.CallScoreAnnotations = append(f.CallScoreAnnotations, n)
	}
	var err error
	if f.Start, err = bound("--since", o.since, "--from-time", o.fromTime); err != nil {
		return f, err
	}
	if f.End, err = bound("--until", o.until, "--to-time", o.toTime); err != nil {
		return f, err
	}
	return f, nil
}

// bound reads one end of the window from its relative or absolute flag.
func bound(agoFlag, ago, atFlag, at string) (callsummary.ListTime, error) {
	switch {
	case ago != "" && at != "":
		return callsummary.ListTime{}, usagef("%s and %s both set the same bound; give one", agoFlag, atFlag)
	case ago != "":
		d, err := parseAgo(ago)
		if err != nil {
			return callsummary.ListTime{}, usagef("%s: %v", agoFlag, err)
		}
		return callsummary.Since(d), nil
	case at != "":
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			return callsummary.ListTime{}, usagef("%s: %q is not an RFC 3339 time such as 2026-11-27T08:00:00Z", atFlag, at)
		}
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
func explainList(ctx context.Context, err error, o fetchOptions, t target) error {
	var ae *callsummary.APIError
	switch {
	case errors.Is(err, callsummary.ErrInvalidFilter):
		return &cliError{code: exitUsage, err: err, help: true}
	case errors.As(err, &ae) && ae.StatusCode == http.StatusNotFound:
		return &cliError{code: exitNo, err: err,
			advice: "the list resource was not found: check --base-url, --region and --edge (the list needs Voice Insights Advanced Features)"}
	}
	return explain(ctx, err, o, t)
}

// rowWriter renders summaries in one output format.
type rowWriter struct {
	header func(w io.Writer) error
	row    func(w io.Writer, s *callsummary.Summary) error
}

type column struct {
	name  string
	width int
}

// listColumns are the table's and the csv's columns, widths for the table.
func listColumns() []column {
	return []column{
		{"CALL SID", 34}, {"START (UTC)", 20}, {"TYPE", 8}, {"STATE", 9}, {"DIRECTION", 20},
		{"PROCESSING", 10}, {"DURATION", 8}, {"FROM", 30}, {"TO", 30}, {"TAGS", 0},
	}
}

func newRowWriter(format string, showPII bool) (rowWriter, error) {
	switch format {
	case "table":
		return rowWriter{
			header: func(w io.Writer) error {
				cells := make([]string, len(listColumns()))
				for i, c := range listColumns() {
					cells[i] = c.name
				}
				return writeFixed(w, cells)
			},
			row: func(w io.Writer, s *callsummary.Summary) error { return writeFixed(w, listCells(s, showPII, "-")) },
		}, nil
	case "csv":
		return rowWriter{
			header: func(w io.Writer) error {
				cells := make([]string, len(listColumns()))
				for i, c := range listColumns() {
					cells[i] = strings.ToLower(strings.ReplaceAll(strings.TrimSuffix(c.name, " (UTC)"), " ", "_"))
				}
				return writeCSV(w, cells)
			},
			row: func(w io.Writer, s *callsummary.Summary) error { return writeCSV(w, listCells(s, showPII, "")) },
		}, nil
	case "json":
		return rowWriter{
			header: func(io.Writer) error { return nil },
			row:    writeNDJSON,
		}, nil
	}
	return rowWriter{}, usagef("--format %q: want table, json or csv", format)
}

// listCells are a summary's cells in listColumns order; none is the text
// of a missing value.
func listCells(s *callsummary.Summary, showPII bool, none string) []string {
	or := func(v string) string {
		if v == "" || v == "-" {
			return none
		}
		return v
	}
	party := func(p *gen.Party, from bool) string {
		a := partyAddress(p, from)
		if a == nil || *a == "" {
			return none
		}
		if showPII {
			return *a
		}
		return maskAddress(*a)
	}
	var props gen.CallProperties
	if s.Properties != nil {
		props = *s.Properties
	}
	tags := strings.Join(s.Tags, ",")
	return []string{
		or(str(s.CallSID)), or(timeStr(s.StartTime)), or(str((*string)(s.CallType))), or(str((*string)(s.CallState))),
		or(str((*string)(props.Direction))), or(str((*string)(s.ProcessingState))), or(intStr(s.Duration)),
		party(s.From, true), party(s.To, false), or(tags),
	}
}

// writeFixed writes one table line in fixed-width columns: every page is
// flushed as it arrives, so widths cannot depend on later rows.
func writeFixed(w io.Writer, cells []string) error {
	cols := listColumns()
	var b strings.Builder
	for i, c := range cells {
		if i == len(cells)-1 {
			b.WriteString(c)
			break
		}
		b.WriteString(c)
		if pad := cols[i].width - len([]rune(c)); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		b.WriteString("  ")
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

func writeCSV(w io.Writer, cells []string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(cells); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeNDJSON writes the summary's bytes as received on one line. Only a
// summary that arrived spread over lines is compacted, which changes
// white space and nothing else.
func writeNDJSON(w io.Writer, s *callsummary.Summary) error {
	raw := s.Raw()
	if bytes.ContainsAny(raw, "\r\n") {
		compact, err := wirejson.Compact(raw)
		if err != nil {
			return err
		}
		raw = compact
	}
	_, err := w.Write(append(raw, '\n'))
	return err
}
