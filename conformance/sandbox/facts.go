package sandbox

import (
	"strings"
	"time"

	"github.com/voiceinsights/callsummary/gen"
)

// callFacts are what the list's filters and sort read of one call. Fixtures
// derive them from their bytes, generated calls hold them directly, so one
// filter implementation serves both.
type callFacts struct {
	sid, account string
	// start and end are zero when the summary has no such time.
	start, end time.Time
	callType   gen.CallType
	callState  gen.CallState
	answeredBy gen.AnsweredBy
	// direction is properties.direction with underscores, as the Direction
	// filter spells it (Twilio's docs hyphenate it).
	direction string
	from, to  partyFacts
	tags      []string
	// lastSIP is properties.last_sip_response_num; 0 when absent.
	lastSIP int
	trust   *trustFacts // nil: no trust object
}

// partyFacts: number is the caller of from and the callee of to.
type partyFacts struct {
	number, carrier, country string
}

// trustFacts flattens the trust object. An absent boolean is false, which is
// how the list's boolean filters read it.
type trustFacts struct {
	verified bool

	brandedEnabled, brandedLogo                                   bool
	brandedBundle, brandedType, brandedUseCase, brandedCallReason string

	viEnabled           bool
	viBundle, viUseCase string

	bpBundle, bpIdentity, bpIndustry, bpType string
}

// factsOf reads the facts of a decoded summary.
func factsOf(s *gen.CallSummary) callFacts {
	f := callFacts{
		sid:        deref(s.CallSID),
		account:    deref(s.AccountSID),
		start:      deref(s.StartTime),
		end:        deref(s.EndTime),
		callType:   deref(s.CallType),
		callState:  deref(s.CallState),
		answeredBy: deref(s.AnsweredBy),
		from:       partyOf(s.From, true),
		to:         partyOf(s.To, false),
	}
	f.tags = s.Tags
	if p := s.Properties; p != nil {
		f.direction = strings.ReplaceAll(deref(p.Direction), "-", "_")
		f.lastSIP = deref(p.LastSIPResponseNum)
	}
	if t := s.Trust; t != nil {
		f.trust = trustOf(t)
	}
	return f
}

func partyOf(p *gen.Party, caller bool) partyFacts {
	if p == nil {
		return partyFacts{}
	}
	number := p.Callee
	if caller {
		number = p.Caller
	}
	return partyFacts{number: deref(number), carrier: deref(p.Carrier), country: deref(p.CountryCode)}
}

func trustOf(t *gen.Trust) *trustFacts {
	out := &trustFacts{}
	if v := t.VerifiedCaller; v != nil {
		out.verified = deref(v.Verified)
	}
	if b := t.Branded; b != nil {
		out.brandedEnabled, out.brandedLogo = deref(b.Enabled), deref(b.Logo)
		out.brandedBundle, out.brandedType = deref(b.BundleSID), deref(b.Type)
		out.brandedUseCase, out.brandedCallReason = deref(b.UseCase), deref(b.CallReason)
	}
	if v := t.VoiceIntegrity; v != nil {
		out.viEnabled, out.viBundle, out.viUseCase = deref(v.Enabled), deref(v.BundleSID), deref(v.UseCase)
	}
	if p := t.BusinessProfile; p != nil {
		out.bpBundle, out.bpIdentity = deref(p.BundleSID), deref(p.Identity)
		out.bpIndustry, out.bpType = deref(p.Industry), deref(p.Type)
	}
	return out
}

// deref returns *p, or the zero value for nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
