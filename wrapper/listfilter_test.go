package callsummary

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/openapi"
)

func TestListFilterEncoding(t *testing.T) {
	l := newListing(t, 1, 50)
	hs := newHarness(t, l.handler)
	start := time.Date(2026, 11, 20, 8, 30, 15, 500_000_000, time.FixedZone("CET", 3600))
	f := ListFilter{
		From: "+15555550100", To: "sip:bob@example.com", FromCarrier: "AT&T Wireless", ToCarrier: "Verizon",
		FromCountryCode: "US", ToCountryCode: "de",
		CallTypes:  []gen.CallType{gen.CallTypeSIP, gen.CallTypeTrunking},
		CallStates: []gen.CallState{gen.CallStateCompleted, gen.CallStateBusy},
		Directions: []gen.CallDirection{gen.CallDirectionOutboundAPI},
		Start:      At(start), End: Since(90 * time.Second),
		ProcessingState: gen.ListProcessingStateAll, SortBy: gen.SortByEndTime,
		Subaccount: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", AnsweredBy: gen.AnsweredByMachineStart,
		VerifiedCaller: new(true), HasTag: new(false), AbnormalSession: new(true),
		AnsweredByAnnotation:         gen.AnsweredByAnnotationHuman,
		ConnectivityIssueAnnotations: []gen.ConnectivityIssue{gen.ConnectivityIssueDroppedCall, gen.ConnectivityIssueCallerID},
		QualityIssueAnnotations:      []gen.QualityIssue{gen.QualityIssueEcho},
		SpamAnnotation:               new(false),
		CallScoreAnnotations:         []int{1, 2},
		BrandedEnabled:               new(true), BrandedLogo: new(false), BrandedType: gen.BrandedTypeInBand,
		BrandedBundleSID: "BU1", BrandedUseCase: "x", BrandedCallReason: "y",
		VoiceIntegrityEnabled: new(true), VoiceIntegrityBundleSID: "BU2",
		VoiceIntegrityUseCase:   gen.VoiceIntegrityUseCaseTherapyIndividualGroup,
		BusinessProfileIdentity: gen.BusinessProfileIdentityDirectCustomer,
		BusinessProfileIndustry: gen.BusinessProfileIndustryNotForProfit, BusinessProfileBundleSID: "BU3",
		BusinessProfileType: gen.BusinessProfileTypePrimary,
		PageSize:            1000,
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := collect(t, hs.c.ListSummaries(context.Background(), f)); err != nil {
		t.Fatal(err)
	}
	hs.wantHits(1)
	raw := hs.requests()[0].URL.RawQuery
	for _, frag := range []string{"CallType=sip,trunking", "CallState=completed,busy", "CallScoreAnnotation=1,2",
		"ConnectivityIssueAnnotation=dropped_call,caller_id"} {
		if !strings.Contains(raw, frag) {
			t.Errorf("query lacks %q (a comma list, commas unescaped): %s", frag, raw)
		}
	}
	q, _ := url.ParseQuery(raw)
	want := map[string]string{
		"From": "+15555550100", "To": "sip:bob@example.com", "FromCarrier": "AT&T Wireless", "ToCarrier": "Verizon",
		"FromCountryCode": "US", "ToCountryCode": "de", "Direction": "outbound_api",
		"StartTime":       "2026-11-20T07:30:15Z", // UTC, truncated to the second: a Start only widens
		"EndTime":         "1m",                   // 90 s rounds down for an End
		"ProcessingState": "all", "SortBy": "end_time", "Subaccount": "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"AnsweredBy": "machine_start", "VerifiedCaller": "true", "HasTag": "false", "AbnormalSession": "true",
		"AnsweredByAnnotation": "human", "QualityIssueAnnotation": "echo", "SpamAnnotation": "false",
		"BrandedEnabled": "true", "BrandedLogo": "false", "BrandedType": "in_band", "BrandedBundleSid": "BU1",
		"BrandedUseCase": "x", "BrandedCallReason": "y", "VoiceIntegrityEnabled": "true", "VoiceIntegrityBundleSid": "BU2",
		"VoiceIntegrityUseCase": "therapy_(individual+group)", "BusinessProfileIdentity": "direct_customer",
		"BusinessProfileIndustry": "not_for_profit", "BusinessProfileBundleSid": "BU3", "BusinessProfileType": "primary",
		"PageSize": "1000",
	}
	for k, v := range want {
		if got := q.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if extra := len(q) - len(want) - 4; extra != 0 { // + the four comma lists
		t.Errorf("query has %d unexpected parameters: %s", extra, raw)
	}
}

func TestListFilterZeroSendsNothing(t *testing.T) {
	l := newListing(t, 0, 50)
	hs := newHarness(t, l.handler)
	if _, err := collect(t, hs.c.ListSummaries(context.Background(), ListFilter{})); err != nil {
		t.Fatal(err)
	}
	if q := hs.requests()[0].URL.RawQuery; q != "" {
		t.Errorf("zero filter sent %q", q)
	}
}

func TestListFilterInvalid(t *testing.T) {
	hour := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name, wantMsg string
		f             ListFilter
	}{
		{"empty call type", "CallTypes[0] is empty", ListFilter{CallTypes: []gen.CallType{""}}},
		{"a comma in a call type", `CallTypes[1] (a 12-byte value, not shown): want a value without commas`, ListFilter{CallTypes: []gen.CallType{"carrier", "sip,trunking"}}},
		{"empty quality issue", "QualityIssueAnnotations[0] is empty", ListFilter{QualityIssueAnnotations: []gen.QualityIssue{""}}},
		{"processing state complete", `ProcessingState "complete": want one of all, completed`, ListFilter{ProcessingState: "complete"}},
		{"sort", "SortBy", ListFilter{SortBy: "duration"}},
		{"answered by", "AnsweredBy", ListFilter{AnsweredBy: "machine"}},
		{"score", "CallScoreAnnotations[1] is 6: want 1 to 5", ListFilter{CallScoreAnnotations: []int{5, 6}}},
		{"score zero", "CallScoreAnnotations[0] is 0", ListFilter{CallScoreAnnotations: []int{0}}},
		{"country", "FromCountryCode", ListFilter{FromCountryCode: "USA"}},
		{"subaccount", "Subaccount (5 bytes) is not an account SID", ListFilter{Subaccount: "AC123"}},
		{"page size high", "PageSize is 1001: want 1 to 1000", ListFilter{PageSize: 1001}},
		{"page size negative", "PageSize is -1", ListFilter{PageSize: -1}},
		{"negative since", "Start is Since(-1h0m0s)", ListFilter{Start: Since(-time.Hour)}},
		{"zero time", "End is At(time.Time{}), the zero time: want an instant", ListFilter{End: At(time.Time{})}},
		{"year 10000", "Start is At(10000-01-01T00:00:00Z): want a time in the years 1 to 9999", ListFilter{Start: At(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))}},
		{"start after end", "Start (2026-11-27T08:00:00Z) is not before End (2026-11-27T07:00:00Z)", ListFilter{Start: At(hour), End: At(hour.Add(-time.Hour))}},
		{"start equals end", "not before End", ListFilter{Start: Since(time.Hour), End: Since(time.Hour)}},
		{"relative start after end", "Start (1h) is not before End (2h)", ListFilter{Start: Since(time.Hour), End: Since(2 * time.Hour)}},
		{"start relative, end absolute", "not before End", ListFilter{Start: Since(time.Hour), End: At(time.Now().Add(-2 * time.Hour))}},
		{"secret-looking value not echoed", "(a 49-byte value, not shown)", ListFilter{SortBy: gen.SortBy(testSecret + ":" + testSecret)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hs := newHarness(t, func(http.ResponseWriter, *http.Request) {})
			_, err := collect(t, hs.c.ListSummaries(context.Background(), tt.f))
			if !errors.Is(err, ErrInvalidFilter) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Fatalf("err = %v; want ErrInvalidFilter saying %q", err, tt.wantMsg)
			}
			if _, err := hs.c.FetchSummaryPage(context.Background(), tt.f, ""); !errors.Is(err, ErrInvalidFilter) {
				t.Errorf("FetchSummaryPage: %v", err)
			}
			if err := tt.f.Validate(); !errors.Is(err, ErrInvalidFilter) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Validate: %v", err)
			}
			hs.wantHits(0)
		})
	}
}

func TestListTimeRounding(t *testing.T) {
	at := time.Date(2026, 11, 27, 8, 0, 0, 0, time.FixedZone("X", -5*3600))
	for _, tt := range []struct {
		t          ListTime
		start, end string
	}{
		{ListTime{}, "", ""},
		{Since(0), "0m", "0m"},
		{Since(30 * time.Second), "1m", "0m"},
		{Since(90 * time.Second), "2m", "1m"},
		{Since(30 * time.Minute), "30m", "30m"},
		{Since(90 * time.Minute), "90m", "90m"},
		{Since(4 * time.Hour), "4h", "4h"},
		{Since(4*time.Hour + time.Nanosecond), "241m", "4h"},
		{Since(36 * time.Hour), "36h", "36h"},
		{Since(72 * time.Hour), "3d", "3d"},
		{Since(7 * 24 * time.Hour), "1w", "1w"},
		{Since(28 * 24 * time.Hour), "4w", "4w"},
		{Since(8 * 24 * time.Hour), "8d", "8d"},
		{At(at), "2026-11-27T13:00:00Z", "2026-11-27T13:00:00Z"},
		{At(at.Add(time.Millisecond)), "2026-11-27T13:00:00Z", "2026-11-27T13:00:01Z"},
	} {
		if s, e := tt.t.param(true), tt.t.param(false); s != tt.start || e != tt.end {
			t.Errorf("%+v: start %q end %q; want %q %q", tt.t, s, e, tt.start, tt.end)
		}
		if tt.t.String() != tt.start {
			t.Errorf("String %q", tt.t.String())
		}
	}
	if d, ok := Since(time.Hour).Ago(); !ok || d != time.Hour {
		t.Error("Ago")
	}
	if got, ok := At(at).Time(); !ok || !got.Equal(at) {
		t.Error("Time")
	}
	if _, ok := Since(time.Hour).Time(); ok || !(ListTime{}).IsZero() || At(at).IsZero() {
		t.Error("kinds")
	}
}

// TestEnumListsMatchTheDocument keeps the accepted values quoted in error
// messages equal to the enums of openapi/insights.yaml.
func TestEnumListsMatchTheDocument(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		t.Fatal(err)
	}
	enumOf := func(s *openapi3.SchemaRef) string {
		if s.Value.Items != nil {
			s = s.Value.Items
		}
		var vals []string
		for _, v := range s.Value.Enum {
			vals = append(vals, v.(string))
		}
		slices.Sort(vals)
		return strings.Join(vals, ", ")
	}
	schemas := doc.Components.Schemas
	for name, want := range map[string]string{
		"ListProcessingState": wantListState, "SortBy": wantSortBy, "AnsweredBy": wantAnsweredBy,
		"AnnotationAnsweredBy": wantAnnotationAnsBy, "ConnectivityIssue": wantConnectivity,
	} {
		if got := enumOf(schemas[name]); got != want {
			t.Errorf("schema %s: document %q, wrapper %q", name, got, want)
		}
	}
}

// Values Twilio lists in prose only are sent as given: Twilio may accept a
// value this SDK does not know (its own trust example says BANKING).
func TestListFilterSendsUnknownProseValues(t *testing.T) {
	var query url.Values
	hs := newHarness(t, func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Query()
		serve(http.StatusOK, []byte(`{"call_summaries":[],"meta":{"next_page_url":null}}`))(w, r)
	})
	f := ListFilter{
		CallTypes: []CallType{"sip", "pstn"}, CallStates: []CallState{"done"}, Directions: []CallDirection{"outbound-api"},
		AnsweredByAnnotation: "unknown_answered_by", ConnectivityIssueAnnotations: []ConnectivityIssue{"slow"},
		QualityIssueAnnotations: []QualityIssue{"Echo"}, BrandedType: "in_brand", VoiceIntegrityUseCase: "therapy",
		BusinessProfileIndustry: "BANKING", BusinessProfileIdentity: "isv", BusinessProfileType: "corporate",
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if _, err := collect(t, hs.c.ListSummaries(context.Background(), f)); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"CallType": "sip,pstn", "CallState": "done", "Direction": "outbound-api", "AnsweredByAnnotation": "unknown_answered_by",
		"ConnectivityIssueAnnotation": "slow", "QualityIssueAnnotation": "Echo", "BrandedType": "in_brand",
		"VoiceIntegrityUseCase": "therapy", "BusinessProfileIndustry": "BANKING", "BusinessProfileIdentity": "isv",
		"BusinessProfileType": "corporate",
	} {
		if got := query.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}
