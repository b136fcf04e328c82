package sandbox

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/voiceinsights/callsummary/gen"
)

// Each filter narrows the listing to exactly the calls an independent,
// brute-force reading of the summaries selects: the test's predicates read
// the decoded JSON (gen's types), never the sandbox's own facts.
func TestListFiltersMatchABruteForceFilter(t *testing.T) {
	// 2,000 calls are enough for every case to select some, and keep 40
	// listings of the population quick under the race detector.
	srv := newListSandbox(t, WithPopulation(2000, DefaultPopulationSeed))
	const base = "StartTime=30d&ProcessingState=all&PageSize=1000"
	all := listAll(t, srv, nil, base)

	type pred func(s *gen.CallSummary) bool
	party := func(p *gen.Party) gen.Party { return deref(p) }
	tr := func(s *gen.CallSummary) gen.Trust { return deref(s.Trust) }
	ann := func(s *gen.CallSummary) gen.Annotation { return deref(s.Annotation) }
	props := func(s *gen.CallSummary) gen.CallProperties { return deref(s.Properties) }
	// Pick real values from the population, so each case selects some calls.
	var sample gen.CallSummary
	for _, s := range all {
		if strings.HasPrefix(deref(party(s.From).Caller), "+") && party(s.To).Carrier != nil && party(s.From).CountryCode != nil {
			sample = s
			break
		}
	}
	from, toCarrier := deref(party(sample.From).Caller), deref(party(sample.To).Carrier)
	fromCountry, to := deref(party(sample.From).CountryCode), deref(party(sample.To).Callee)

	cases := []struct {
		query string
		want  pred
	}{
		{"From=" + strings.ReplaceAll(from, "+", "%2B"), func(s *gen.CallSummary) bool { return deref(party(s.From).Caller) == from }},
		{"To=" + strings.ReplaceAll(to, "+", "%2B"), func(s *gen.CallSummary) bool { return deref(party(s.To).Callee) == to }},
		{"ToCarrier=" + strings.ReplaceAll(toCarrier, "&", "%26"), func(s *gen.CallSummary) bool { return deref(party(s.To).Carrier) == toCarrier }},
		{"FromCarrier=Twilio", func(s *gen.CallSummary) bool { return deref(party(s.From).Carrier) == "Twilio" }},
		{"FromCountryCode=" + fromCountry, func(s *gen.CallSummary) bool { return deref(party(s.From).CountryCode) == fromCountry }},
		{"ToCountryCode=gb", func(s *gen.CallSummary) bool { return deref(party(s.To).CountryCode) == "GB" }},
		{"VerifiedCaller=true", func(s *gen.CallSummary) bool {
			return deref(tr(s).VerifiedCaller).Verified != nil && *tr(s).VerifiedCaller.Verified
		}},
		{"VerifiedCaller=false", func(s *gen.CallSummary) bool { return s.Trust == nil || !deref(deref(tr(s).VerifiedCaller).Verified) }},
		{"HasTag=true", func(s *gen.CallSummary) bool { return len(s.Tags) > 0 }},
		{"HasTag=false", func(s *gen.CallSummary) bool { return len(s.Tags) == 0 }},
		{"StartTime=3d", func(s *gen.CallSummary) bool { return !s.StartTime.Before(testNow.AddDate(0, 0, -3)) }},
		{"StartTime=2026-11-20&EndTime=2026-11-21T12:00:00Z", func(s *gen.CallSummary) bool {
			return !s.StartTime.Before(date("2026-11-20T00:00:00Z")) && !s.StartTime.After(date("2026-11-21T12:00:00Z"))
		}},
		{"EndTime=1w", func(s *gen.CallSummary) bool { return !s.StartTime.After(testNow.AddDate(0, 0, -7)) }},
		{"CallType=sip,trunking", func(s *gen.CallSummary) bool {
			return slices.Contains([]gen.CallType{gen.CallTypeSIP, gen.CallTypeTrunking}, deref(s.CallType))
		}},
		{"CallState=busy,noanswer", func(s *gen.CallSummary) bool {
			return slices.Contains([]gen.CallState{gen.CallStateBusy, gen.CallStateNoanswer}, deref(s.CallState))
		}},
		{"Direction=outbound_api,trunking_terminating", func(s *gen.CallSummary) bool {
			d := strings.ReplaceAll(deref(props(s).Direction), "-", "_")
			return d == "outbound_api" || d == "trunking_terminating"
		}},
		{"AbnormalSession=true", func(s *gen.CallSummary) bool {
			n := props(s).LastSIPResponseNum
			return n != nil && *n != 200
		}},
		{"AnsweredBy=machine_start", func(s *gen.CallSummary) bool { return deref(s.AnsweredBy) == gen.AnsweredByMachineStart }},
		{"Subaccount=" + AccountSID, func(s *gen.CallSummary) bool { return deref(s.AccountSID) == AccountSID }},
		{"Subaccount=AC0123456789abcdef0123456789abcdef", func(*gen.CallSummary) bool { return false }},
		{"AnsweredByAnnotation=machine", func(s *gen.CallSummary) bool { return deref(ann(s).AnsweredBy) == gen.AnnotationAnsweredByMachine }},
		{"ConnectivityIssueAnnotation=dropped_call,invalid_number", func(s *gen.CallSummary) bool {
			c := deref(ann(s).ConnectivityIssue)
			return c == gen.ConnectivityIssueDroppedCall || c == gen.ConnectivityIssueInvalidNumber
		}},
		{"QualityIssueAnnotation=echo,low_volume", func(s *gen.CallSummary) bool {
			return slices.ContainsFunc(ann(s).QualityIssues, func(q gen.QualityIssue) bool {
				return q == gen.QualityIssueEcho || q == gen.QualityIssueLowVolume
			})
		}},
		{"SpamAnnotation=true", func(s *gen.CallSummary) bool { return deref(ann(s).Spam) }},
		{"SpamAnnotation=false", func(s *gen.CallSummary) bool { return ann(s).Spam != nil && !*ann(s).Spam }},
		{"CallScoreAnnotation=1,2", func(s *gen.CallSummary) bool { n := deref(ann(s).CallScore); return n == 1 || n == 2 }},
		{"BrandedEnabled=true", func(s *gen.CallSummary) bool { return deref(deref(tr(s).Branded).Enabled) }},
		{"BrandedLogo=true", func(s *gen.CallSummary) bool { return deref(deref(tr(s).Branded).Logo) }},
		{"BrandedType=out_of_band", func(s *gen.CallSummary) bool { return deref(deref(tr(s).Branded).Type) == "out_of_band" }},
		{"BrandedBundleSid=BU5ceeea51b1424478fc541dfef0e2b167", func(s *gen.CallSummary) bool {
			return deref(deref(tr(s).Branded).BundleSID) == "BU5ceeea51b1424478fc541dfef0e2b167"
		}},
		{"BrandedUseCase=Customer+Care", func(s *gen.CallSummary) bool { return deref(deref(tr(s).Branded).UseCase) == "Customer Care" }},
		{"BrandedCallReason=Branded+CTIA", func(s *gen.CallSummary) bool { return deref(deref(tr(s).Branded).CallReason) == "Branded CTIA" }},
		{"VoiceIntegrityEnabled=true", func(s *gen.CallSummary) bool { return deref(deref(tr(s).VoiceIntegrity).Enabled) }},
		{"VoiceIntegrityBundleSid=BU2468ace02468ace02468ace02468ace0", func(s *gen.CallSummary) bool {
			return deref(deref(tr(s).VoiceIntegrity).BundleSID) == "BU2468ace02468ace02468ace02468ace0"
		}},
		{"VoiceIntegrityUseCase=telehealth", func(s *gen.CallSummary) bool { return deref(deref(tr(s).VoiceIntegrity).UseCase) == "telehealth" }},
		{"BusinessProfileIdentity=isv_reseller_or_partner", func(s *gen.CallSummary) bool {
			return deref(deref(tr(s).BusinessProfile).Identity) == "isv_reseller_or_partner"
		}},
		{"BusinessProfileIndustry=banking", func(s *gen.CallSummary) bool {
			return strings.EqualFold(deref(deref(tr(s).BusinessProfile).Industry), "banking")
		}},
		{"BusinessProfileBundleSid=BU0a1b2c3d4e5f60718293a4b5c6d7e8f9", func(s *gen.CallSummary) bool {
			return deref(deref(tr(s).BusinessProfile).BundleSID) == "BU0a1b2c3d4e5f60718293a4b5c6d7e8f9"
		}},
		{"BusinessProfileType=secondary", func(s *gen.CallSummary) bool { return deref(deref(tr(s).BusinessProfile).Type) == "secondary" }},
		{"CallType=client&HasTag=true&Direction=inbound", func(s *gen.CallSummary) bool {
			return deref(s.CallType) == gen.CallTypeClient && len(s.Tags) > 0 && deref(props(s).Direction) == "inbound"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			var want []string
			for i := range all {
				if tc.want(&all[i]) {
					want = append(want, deref(all[i].CallSID))
				}
			}
			// Subaccount selects all calls (one account) or none, as it should.
			trivial := strings.HasPrefix(tc.query, "Subaccount=")
			if !trivial && (len(want) == 0 || len(want) == len(all)) {
				t.Fatalf("the brute-force filter selects %d of %d calls: the case tests nothing", len(want), len(all))
			}
			got := itemSIDs(listItems(t, srv, nil, mergeQuery(t, base, tc.query)))
			if !slices.Equal(got, want) {
				t.Errorf("listed %d calls, brute force %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}

// mergeQuery is base with extra's parameters added, or replacing base's.
func mergeQuery(t *testing.T, base, extra string) string {
	t.Helper()
	b, err1 := url.ParseQuery(base)
	e, err2 := url.ParseQuery(extra)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	maps.Copy(b, e)
	return b.Encode()
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
