package callsummary

import (
	"fmt"
	"strings"
)

// enum is a generated enum type: gen gives each a Valid method.
type enum interface {
	~string
	Valid() bool
}

// The accepted values of the enums, for error messages. A test checks each
// list against openapi/insights.yaml.
const (
	wantCallType          = "carrier, client, sip, trunking, whatsapp"
	wantCallState         = "answered, busy, canceled, completed, fail, noanswer, ringing, undialed"
	wantDirection         = "inbound, outbound_api, outbound_dial, trunking_originating, trunking_terminating"
	wantListState         = "all, completed, partial, started"
	wantSortBy            = "end_time, start_time"
	wantAnsweredBy        = "fax, human, machine_end_beep, machine_end_other, machine_end_silence, machine_start, unknown"
	wantAnnotatedBy       = "human, machine"
	wantAnnotationAnsBy   = "human, machine, unknown_answered_by"
	wantConnectivity      = "caller_id, dropped_call, invalid_number, no_connectivity_issue, number_reachability, unknown_connectivity_issue"
	wantQualityIssue      = "choppy_robotic, dtmf, echo, latency, low_volume, no_quality_issue, owa, static_noise, unknown_quality_issue"
	wantBrandedType       = "in_band, out_of_band"
	wantProfileIdentity   = "direct_customer, isv_reseller_or_partner"
	wantProfileType       = "primary, secondary"
	wantIntegrityUseCase  = "one of the 44 VoiceIntegrityUseCase values, e.g. customer_support"
	wantIndustry          = "one of the 33 BusinessProfileIndustry values, e.g. banking"
	wantOneOfPrefix       = "one of "
	maxEchoedValueLength  = 40
	echoedValueCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+&/()."
)

// checkEnum validates an optional enum value ("" is unset).
func checkEnum[T enum](sentinel error, field string, v T, want string) error {
	if v == "" || v.Valid() {
		return nil
	}
	return invalid(sentinel, field, string(v), want)
}

// checkEnumPtr validates an optional value given by pointer: nil is unset,
// and a non-nil value must be valid ("" included).
func checkEnumPtr[T enum](sentinel error, field string, v *T, want string) error {
	if v == nil || (*v).Valid() {
		return nil
	}
	return invalid(sentinel, field, string(*v), want)
}

// checkEnums validates every element of a list; an element may not be "".
func checkEnums[T enum](sentinel error, field string, vs []T, want string) error {
	for i, v := range vs {
		if !v.Valid() {
			return invalid(sentinel, fmt.Sprintf("%s[%d]", field, i), string(v), want)
		}
	}
	return nil
}

func invalidFilter(field, got, want string) error {
	return invalid(ErrInvalidFilter, field, got, want)
}

// invalid says which field is wrong, with what, and what it accepts.
// The value is echoed only when it is short and plainly not a secret or
// PII (a token pasted into the wrong field must not reach a log).
func invalid(sentinel error, field, got, want string) error {
	if !strings.HasPrefix(want, wantOneOfPrefix) && strings.Contains(want, ", ") {
		want = wantOneOfPrefix + want
	}
	return fmt.Errorf("%w: %s %s: want %s", sentinel, field, echo(got), want)
}

func echo(s string) string {
	switch {
	case s == "":
		return "is empty"
	case len(s) <= maxEchoedValueLength && strings.Trim(s, echoedValueCharacters) == "":
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("(a %d-byte value, not shown)", len(s))
}
