package sandbox

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/voiceinsights/callsummary/gen"
)

// A listFilter is the list's query, resolved: every filter the document
// names is applied (none is accepted and ignored), against the call's facts
// and its current annotation.
type listFilter struct {
	// Calls that started in [after, before].
	after, before time.Time
	state         gen.ListProcessingState
	sortBy        gen.SortBy
	preds         []predicate
}

type predicate func(c *callFacts, a *gen.Annotation) bool

// Twilio's defaults: the last four hours, complete summaries, newest first.
// Twilio does not document the list's default ProcessingState; complete is
// FetchSummary's default, so a call missing from the list is missing from a
// plain fetch too.
const (
	defaultStartTime = "4h"
	defaultEndTime   = "0m"
	defaultPageSize  = 50
	maxPageSize      = 1000
)

func newListFilter(p gen.ListSummariesParams, now time.Time) (*listFilter, error) {
	f := &listFilter{state: gen.ListProcessingStateCompleted, sortBy: gen.SortByStartTime}
	var err error
	if f.after, err = resolveListTime("StartTime", deref(p.StartTime), defaultStartTime, now); err != nil {
		return nil, err
	}
	if f.before, err = resolveListTime("EndTime", deref(p.EndTime), defaultEndTime, now); err != nil {
		return nil, err
	}
	if p.ProcessingState != nil {
		f.state = *p.ProcessingState
	}
	if p.SortBy != nil {
		f.sortBy = *p.SortBy
	}
	add := func(pr predicate) { f.preds = append(f.preds, pr) }

	// Parties. A '+' sent unescaped in a query arrives as a space: read it
	// as the '+' of an E.164 number, as it surely was.
	if p.From != nil {
		want := plusFromSpace(*p.From)
		add(func(c *callFacts, _ *gen.Annotation) bool { return c.from.number == want })
	}
	if p.To != nil {
		want := plusFromSpace(*p.To)
		add(func(c *callFacts, _ *gen.Annotation) bool { return c.to.number == want })
	}
	addFold(add, p.FromCarrier, func(c *callFacts) string { return c.from.carrier })
	addFold(add, p.ToCarrier, func(c *callFacts) string { return c.to.carrier })
	addFold(add, p.FromCountryCode, func(c *callFacts) string { return c.from.country })
	addFold(add, p.ToCountryCode, func(c *callFacts) string { return c.to.country })

	// The call.
	addBool(add, p.VerifiedCaller, func(c *callFacts) bool { return c.trust != nil && c.trust.verified })
	addBool(add, p.HasTag, func(c *callFacts) bool { return len(c.tags) > 0 })
	addBool(add, p.AbnormalSession, func(c *callFacts) bool { return c.lastSIP != 0 && c.lastSIP != 200 })
	addIn(add, p.CallType, func(c *callFacts) gen.CallType { return c.callType })
	addIn(add, p.CallState, func(c *callFacts) gen.CallState { return c.callState })
	addIn(add, p.Direction, func(c *callFacts) gen.CallDirection { return gen.CallDirection(c.direction) })
	if p.AnsweredBy != nil {
		want := *p.AnsweredBy
		add(func(c *callFacts, _ *gen.Annotation) bool { return c.answeredBy == want })
	}
	if p.Subaccount != nil {
		want := *p.Subaccount
		add(func(c *callFacts, _ *gen.Annotation) bool { return strings.EqualFold(c.account, want) })
	}

	// The annotation: a call without one matches none of these.
	if p.AnsweredByAnnotation != nil {
		want := gen.AnnotationAnsweredBy(*p.AnsweredByAnnotation)
		add(func(_ *callFacts, a *gen.Annotation) bool { return a != nil && deref(a.AnsweredBy) == want })
	}
	if p.ConnectivityIssueAnnotation != nil {
		want := p.ConnectivityIssueAnnotation
		add(func(_ *callFacts, a *gen.Annotation) bool {
			return a != nil && a.ConnectivityIssue != nil && slices.Contains(want, *a.ConnectivityIssue)
		})
	}
	if p.QualityIssueAnnotation != nil {
		want := p.QualityIssueAnnotation
		add(func(_ *callFacts, a *gen.Annotation) bool {
			return a != nil && slices.ContainsFunc(a.QualityIssues, func(q gen.QualityIssue) bool { return slices.Contains(want, q) })
		})
	}
	if p.SpamAnnotation != nil {
		want := *p.SpamAnnotation
		add(func(_ *callFacts, a *gen.Annotation) bool { return a != nil && a.Spam != nil && *a.Spam == want })
	}
	if p.CallScoreAnnotation != nil {
		want := p.CallScoreAnnotation
		add(func(_ *callFacts, a *gen.Annotation) bool {
			return a != nil && a.CallScore != nil && slices.Contains(want, *a.CallScore)
		})
	}

	// Trust. Absent booleans are false; strings compare without case, since
	// the filters' enums are lower case where summaries say BANKING.
	trust := func(get func(t *trustFacts) bool) func(c *callFacts) bool {
		return func(c *callFacts) bool { return c.trust != nil && get(c.trust) }
	}
	trustString := func(get func(t *trustFacts) string) func(c *callFacts) string {
		return func(c *callFacts) string {
			if c.trust == nil {
				return ""
			}
			return get(c.trust)
		}
	}
	addBool(add, p.BrandedEnabled, trust(func(t *trustFacts) bool { return t.brandedEnabled }))
	addBool(add, p.BrandedLogo, trust(func(t *trustFacts) bool { return t.brandedLogo }))
	addBool(add, p.VoiceIntegrityEnabled, trust(func(t *trustFacts) bool { return t.viEnabled }))
	addFold(add, p.BrandedBundleSID, trustString(func(t *trustFacts) string { return t.brandedBundle }))
	addFold(add, (*string)(p.BrandedType), trustString(func(t *trustFacts) string { return t.brandedType }))
	addFold(add, p.BrandedUseCase, trustString(func(t *trustFacts) string { return t.brandedUseCase }))
	addFold(add, p.BrandedCallReason, trustString(func(t *trustFacts) string { return t.brandedCallReason }))
	addFold(add, p.VoiceIntegrityBundleSID, trustString(func(t *trustFacts) string { return t.viBundle }))
	addFold(add, (*string)(p.VoiceIntegrityUseCase), trustString(func(t *trustFacts) string { return t.viUseCase }))
	addFold(add, (*string)(p.BusinessProfileIdentity), trustString(func(t *trustFacts) string { return t.bpIdentity }))
	addFold(add, (*string)(p.BusinessProfileIndustry), trustString(func(t *trustFacts) string { return t.bpIndustry }))
	addFold(add, p.BusinessProfileBundleSID, trustString(func(t *trustFacts) string { return t.bpBundle }))
	addFold(add, (*string)(p.BusinessProfileType), trustString(func(t *trustFacts) string { return t.bpType }))
	return f, nil
}

func addBool(add func(predicate), want *bool, get func(*callFacts) bool) {
	if want == nil {
		return
	}
	w := *want
	add(func(c *callFacts, _ *gen.Annotation) bool { return get(c) == w })
}

func addFold(add func(predicate), want *string, get func(*callFacts) string) {
	if want == nil {
		return
	}
	w := *want
	add(func(c *callFacts, _ *gen.Annotation) bool { return strings.EqualFold(get(c), w) })
}

func addIn[T comparable](add func(predicate), want []T, get func(*callFacts) T) {
	if want == nil {
		return
	}
	add(func(c *callFacts, _ *gen.Annotation) bool { return slices.Contains(want, get(c)) })
}

func plusFromSpace(s string) string {
	if strings.HasPrefix(s, " ") && len(s) > 1 && s[1] >= '0' && s[1] <= '9' {
		return "+" + s[1:]
	}
	return s
}

// match reports whether a call passes every filter but the processing state
// (see list.go), which depends on the instant as well.
func (f *listFilter) match(c *callFacts, a *gen.Annotation) bool {
	if c.start.IsZero() || c.start.Before(f.after) || c.start.After(f.before) {
		return false
	}
	for _, p := range f.preds {
		if !p(c, a) {
			return false
		}
	}
	return true
}

// resolveListTime reads StartTime or EndTime: a relative time before now
// (30m, 4h, 3d, 1w) or an ISO 8601 date or date-time, UTC unless it says
// otherwise.
func resolveListTime(name, value, def string, now time.Time) (time.Time, error) {
	if value == "" {
		value = def
	}
	if n := len(value); n >= 2 && strings.ContainsRune("mhdw", rune(value[n-1])) && allDigits(value[:n-1]) {
		unit := map[byte]time.Duration{'m': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[value[n-1]]
		count, err := strconv.ParseInt(value[:n-1], 10, 64)
		if err != nil || count > math.MaxInt64/int64(unit) {
			// More than 292 years back: the beginning of time will do.
			return time.Time{}.Add(1), nil
		}
		return now.Add(-time.Duration(count) * unit), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05Z0700", "2006-01-02T15:04Z0700"} {
		if t, err := time.Parse(layout, value); err == nil {
			return t, nil
		}
	}
	for _, layout := range []string{time.DateOnly, "2006-01-02T15:04:05", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, value, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &invalidParameterError{fmt.Sprintf("%s must be a relative time (30m, 4h, 3d, 1w) or an ISO 8601 date-time", name)}
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
