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

// The accepted values of the enums Twilio's own document makes hard enums
// (the only ones checked), for error messages. A test checks each list
// against openapi/insights.yaml.
const (
	wantListState         = "all, completed, partial, started"
	wantSortBy            = "end_time, start_time"
	wantAnsweredBy        = "fax, human, machine_end_beep, machine_end_other, machine_end_silence, machine_start, unknown"
	wantAnnotationAnsBy   = "human, machine, unknown_answered_by"
	wantConnectivity      = "caller_id, dropped_call, invalid_number, no_connectivity_issue, number_reachability, unknown_connectivity_issue"
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

// checkItems validates the elements of a list Twilio takes comma-separated
// and whose values it lists in prose only: any value is sent as given, but
// an empty one, or one holding a comma, would change the list itself.
func checkItems[T ~string](sentinel error, field string, vs []T) error {
	for i, v := range vs {
		if v == "" || strings.Contains(string(v), ",") {
			return fmt.Errorf("%w: %s[%d] %s: want a value without commas", sentinel, field, i, echo(string(v)))
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
