package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/voiceinsights/callsummary/gen"
	callsummary "github.com/voiceinsights/callsummary/wrapper"
)

// filterOptions are the flags that filter the Call Summaries list, shared
// by list, export and stats: each is one of Twilio's query parameters.
type filterOptions struct {
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

// addFilterFlags adds the list filter flags to cmd.
func addFilterFlags(cmd *cobra.Command, o *filterOptions) {
	fs := cmd.Flags()
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
		"`N` calls per request, 1 to 1000 (default: Twilio's 50; list asks for no more than its --limit)")
}

// filter turns the flags into a callsummary.ListFilter. The flags have
// checked their own values; what is left is how they combine.
func (o *filterOptions) filter(now time.Time) (callsummary.ListFilter, error) {
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
