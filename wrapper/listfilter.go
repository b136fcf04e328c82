package callsummary

import (
	"fmt"
	"regexp"
	"time"

	"github.com/voiceinsights/callsummary/gen"
)

// ListFilter selects the summaries ListSummaries returns. The zero value
// sends no filter: Twilio's defaults apply (calls that started in the last
// 4 hours). Zero fields are not sent. Lists are sent comma-separated
// (CallType=sip,trunking) and match any of their values. For the flags,
// new(true) or new(false) sends the value; nil does not.
//
// Every field is checked before a request is sent; a wrong one fails with
// ErrInvalidFilter, naming the field and what it accepts. Only
// ProcessingState, SortBy and AnsweredBy must hold a value of their enum:
// Twilio's own document makes those enums, and lists the other filters'
// values in prose only, so a value this SDK does not know (a new call
// type, say) is sent as given.
type ListFilter struct {
	// The parties: an E.164 number, a SIP URI or a Client name. PII: never
	// logged by this package.
	From, To string
	// Carriers, e.g. "AT&T Wireless".
	FromCarrier, ToCarrier string
	// ISO 3166-1 alpha-2 country codes, e.g. "US": two letters.
	FromCountryCode, ToCountryCode string

	CallTypes  []CallType
	CallStates []CallState
	Directions []CallDirection

	// Start and End bound when the calls started (see ListTime for how a
	// bound is rounded). Start must be before End.
	Start, End ListTime

	// ProcessingState: completed, started, partial or all. Note "completed",
	// where a summary's own processing_state says "complete".
	ProcessingState ListProcessingState
	SortBy          SortBy
	// Subaccount lists a subaccount's calls: ^AC[0-9a-fA-F]{32}$.
	Subaccount string
	// AnsweredBy is the Answering Machine Detection result.
	AnsweredBy AnsweredBy

	VerifiedCaller  *bool // verified with SHAKEN/STIR
	HasTag          *bool // has one or more Voice Insights tags
	AbnormalSession *bool // last SIP response was not 200 OK

	// Annotations (see UpdateAnnotation).
	AnsweredByAnnotation         AnsweredByAnnotation
	ConnectivityIssueAnnotations []ConnectivityIssue
	QualityIssueAnnotations      []QualityIssue
	SpamAnnotation               *bool
	CallScoreAnnotations         []int // each 1 to 5

	// Trusted communications.
	BrandedEnabled           *bool
	BrandedLogo              *bool
	BrandedType              BrandedType
	BrandedBundleSID         string
	BrandedUseCase           string
	BrandedCallReason        string
	VoiceIntegrityEnabled    *bool
	VoiceIntegrityBundleSID  string
	VoiceIntegrityUseCase    VoiceIntegrityUseCase
	BusinessProfileIdentity  BusinessProfileIdentity
	BusinessProfileIndustry  BusinessProfileIndustry
	BusinessProfileBundleSID string
	BusinessProfileType      BusinessProfileType

	// PageSize is the number of summaries per page, 1 to 1000; 0 leaves
	// Twilio's default (50). It changes the number of requests, not the
	// summaries listed. A page, like any response, is bounded by
	// MaxResponseBytes: 1000 summaries of 3 kB (the document's largest
	// example) are 3 MB; summaries over 10 kB each would need a smaller
	// page.
	PageSize int
}

// MaxPageSize is the largest PageSize Twilio accepts.
const MaxPageSize = 1000

var (
	accountSIDPattern = regexp.MustCompile(`^AC[0-9a-fA-F]{32}$`)
	countryCode       = regexp.MustCompile(`^[A-Za-z]{2}$`)
)

// Validate reports the first field the API would refuse, as
// ErrInvalidFilter, without sending anything: ListSummaries does the same
// before its first request. Relative bounds are compared at time.Now.
func (f ListFilter) Validate() error { return f.validate(time.Now()) }

// validate checks every field; now resolves relative bounds to compare
// Start with End. Only the values Twilio's own document gives as enums
// (ProcessingState, SortBy, AnsweredBy) are checked against a list: the
// other filters' values Twilio lists in prose only, and a value not known
// here is sent as given, since Twilio may accept it.
func (f *ListFilter) validate(now time.Time) error {
	e := ErrInvalidFilter
	for _, err := range []error{
		checkEnum(e, "ProcessingState", f.ProcessingState, wantListState),
		checkEnum(e, "SortBy", f.SortBy, wantSortBy),
		checkEnum(e, "AnsweredBy", f.AnsweredBy, wantAnsweredBy),
		checkItems(e, "CallTypes", f.CallTypes),
		checkItems(e, "CallStates", f.CallStates),
		checkItems(e, "Directions", f.Directions),
		checkItems(e, "ConnectivityIssueAnnotations", f.ConnectivityIssueAnnotations),
		checkItems(e, "QualityIssueAnnotations", f.QualityIssueAnnotations),
		f.Start.check("Start"),
		f.End.check("End"),
	} {
		if err != nil {
			return err
		}
	}
	for i, score := range f.CallScoreAnnotations {
		if score < 1 || score > 5 {
			return fmt.Errorf("%w: CallScoreAnnotations[%d] is %d: want 1 to 5", e, i, score)
		}
	}
	for _, c := range []struct{ field, v string }{{"FromCountryCode", f.FromCountryCode}, {"ToCountryCode", f.ToCountryCode}} {
		if c.v != "" && !countryCode.MatchString(c.v) {
			return invalidFilter(c.field, c.v, "an ISO 3166-1 alpha-2 code: two letters, e.g. US")
		}
	}
	switch {
	case f.Subaccount != "" && !accountSIDPattern.MatchString(f.Subaccount):
		return fmt.Errorf("%w: Subaccount (%d bytes) is not an account SID: want ^AC[0-9a-fA-F]{32}$", e, len(f.Subaccount))
	case f.PageSize < 0 || f.PageSize > MaxPageSize:
		return fmt.Errorf("%w: PageSize is %d: want 1 to %d, or 0 for Twilio's default", e, f.PageSize, MaxPageSize)
	case !f.Start.IsZero() && !f.End.IsZero() && !f.Start.resolve(now).Before(f.End.resolve(now)):
		return fmt.Errorf("%w: Start (%s) is not before End (%s)", e, f.Start.param(true), f.End.param(false))
	}
	return nil
}

// params validates f and maps it to the generated query parameters.
func (f *ListFilter) params(now time.Time) (*gen.ListSummariesParams, error) {
	if err := f.validate(now); err != nil {
		return nil, err
	}
	p := &gen.ListSummariesParams{
		From:                        optional(f.From),
		To:                          optional(f.To),
		FromCarrier:                 optional(f.FromCarrier),
		ToCarrier:                   optional(f.ToCarrier),
		FromCountryCode:             optional(f.FromCountryCode),
		ToCountryCode:               optional(f.ToCountryCode),
		VerifiedCaller:              f.VerifiedCaller,
		HasTag:                      f.HasTag,
		StartTime:                   optional(f.Start.param(true)),
		EndTime:                     optional(f.End.param(false)),
		CallType:                    optionalList(f.CallTypes),
		CallState:                   optionalList(f.CallStates),
		Direction:                   optionalList(f.Directions),
		ProcessingState:             optional(f.ProcessingState),
		SortBy:                      optional(f.SortBy),
		Subaccount:                  optional(f.Subaccount),
		AbnormalSession:             f.AbnormalSession,
		AnsweredBy:                  optional(f.AnsweredBy),
		AnsweredByAnnotation:        optional(f.AnsweredByAnnotation),
		ConnectivityIssueAnnotation: optionalList(f.ConnectivityIssueAnnotations),
		QualityIssueAnnotation:      optionalList(f.QualityIssueAnnotations),
		SpamAnnotation:              f.SpamAnnotation,
		CallScoreAnnotation:         optionalList(f.CallScoreAnnotations),
		BrandedEnabled:              f.BrandedEnabled,
		VoiceIntegrityEnabled:       f.VoiceIntegrityEnabled,
		BrandedBundleSID:            optional(f.BrandedBundleSID),
		BrandedLogo:                 f.BrandedLogo,
		BrandedType:                 optional(f.BrandedType),
		BrandedUseCase:              optional(f.BrandedUseCase),
		BrandedCallReason:           optional(f.BrandedCallReason),
		VoiceIntegrityBundleSID:     optional(f.VoiceIntegrityBundleSID),
		VoiceIntegrityUseCase:       optional(f.VoiceIntegrityUseCase),
		BusinessProfileIdentity:     optional(f.BusinessProfileIdentity),
		BusinessProfileIndustry:     optional(f.BusinessProfileIndustry),
		BusinessProfileBundleSID:    optional(f.BusinessProfileBundleSID),
		BusinessProfileType:         optional(f.BusinessProfileType),
	}
	if f.PageSize > 0 {
		p.PageSize = new(int64(f.PageSize))
	}
	return p, nil
}

// optional is nil for the zero value, so that it is not sent.
func optional[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// optionalList is nil for an empty list, else a copy of it.
func optionalList[T any](v []T) []T {
	if len(v) == 0 {
		return nil
	}
	return append([]T(nil), v...)
}
