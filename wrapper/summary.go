package callsummary

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/safetext"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// Summary is one Call Summary. It embeds the generated type, so every
// documented field is s.Field (s.CallSID, s.CarrierEdge, …), and keeps the
// exact bytes received: fields this SDK does not know are in Raw.
//
// The fields are pointers, because Twilio leaves out or nulls what it did
// not measure, and an absent metric is not a zero one. The methods (Edges,
// Streams, WorstStream, HasTag, …) read them without nil checks.
type Summary struct {
	gen.CallSummary
	raw    []byte
	issues []DecodeIssue
}

// ParseSummary decodes a Call Summary body, e.g. one stored earlier from
// Raw. A value that does not fit its type (Twilio changed it) is left at
// its zero value and reported by DecodeIssues; everything else is decoded.
// Errors are *DecodeError, for a body that is not a JSON object.
func ParseSummary(data []byte) (*Summary, error) {
	return decodeSummary(http.StatusOK, bytes.Clone(data))
}

// decodeSummary keeps body as the summary's Raw bytes: the caller hands it
// over and must not modify it afterwards.
func decodeSummary(status int, body []byte) (*Summary, error) {
	if de := checkObject(status, body, ""); de != nil {
		return nil, de
	}
	s := &Summary{raw: body}
	if err := s.decode(status, body); err != nil {
		return nil, err
	}
	return s, nil
}

// decode fills s from body, a JSON object. The strict decode is the fast
// path; only when a value does not fit its type is the body decoded again,
// value by value, by the degrading decoder.
func (s *Summary) decode(status int, body []byte) *DecodeError {
	err := unmarshal(body, &s.CallSummary)
	if err == nil {
		return nil
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return newDecodeError(status, err)
	}
	s.CallSummary = gen.CallSummary{}
	issues, err := decodeLenient(body, &s.CallSummary)
	if err != nil {
		return newDecodeError(status, err)
	}
	s.issues = issues
	return nil
}

// DecodeIssues lists the values of the body that did not fit gen's types
// and were left at their zero value, in the order met; nil when everything
// fitted. Raw still holds them.
func (s *Summary) DecodeIssues() []DecodeIssue {
	if s == nil {
		return nil
	}
	return slices.Clone(s.issues)
}

// decodeObject decodes a 2xx body that must be a JSON object into v; what
// names it in a *DecodeError ("" is "summary"). A top-level null or array
// would decode into a zero value silently: it is refused, at the offset of
// the first byte that is not white space.
func decodeObject(status int, body []byte, what string, v any) error {
	if de := checkObject(status, body, what); de != nil {
		return de
	}
	if err := unmarshal(body, v); err != nil {
		de := newDecodeError(status, err)
		de.what = what
		return de
	}
	return nil
}

// checkObject refuses a body that is empty or does not start with '{',
// at the offset of its first byte that is not white space.
func checkObject(status int, body []byte, what string) *DecodeError {
	t := bytes.TrimLeft(body, " \t\r\n")
	switch at := int64(len(body) - len(t)); {
	case len(t) == 0:
		return &DecodeError{StatusCode: status, Offset: at, Err: errEmptyBody, what: what}
	case t[0] != '{':
		return &DecodeError{StatusCode: status, Offset: at, Err: errNotObject, what: what}
	}
	return nil
}

// unmarshal decodes every body the SDK reads, with the module's JSON engine
// (package internal/wirejson says which, and why).
func unmarshal(data []byte, v any) error { return wirejson.Unmarshal(data, v) }

// Raw returns a copy of the exact bytes received.
func (s *Summary) Raw() []byte {
	if s == nil {
		return nil
	}
	return bytes.Clone(s.raw)
}

// MarshalJSON returns the exact bytes received, so that encoding a Summary
// loses nothing, fields this SDK does not know included (an encoder that
// calls it may still drop white space). A Summary built by hand, with no
// bytes received, encodes its fields.
func (s *Summary) MarshalJSON() ([]byte, error) {
	if s == nil {
		return []byte("null"), nil
	}
	if s.raw != nil {
		return bytes.Clone(s.raw), nil
	}
	return wirejson.Marshal(&s.CallSummary)
}

// IsComplete reports whether processing_state is "complete".
func (s *Summary) IsComplete() bool {
	return s != nil && s.ProcessingState != nil && *s.ProcessingState == ProcessingStateComplete
}

// String reads like "CA62608e08adc29a8d6dbc9754e659f125 (client, completed,
// complete)": the call SID, call_type, call_state and processing_state,
// with "?" for what is absent. It never shows the parties.
func (s *Summary) String() string {
	if s == nil {
		return "<nil>"
	}
	str := func(v *string) string {
		if v == nil || *v == "" {
			return "?"
		}
		return safetext.Printable(*v)
	}
	return fmt.Sprintf("%s (%s, %s, %s)", str(s.CallSID),
		str((*string)(s.CallType)), str((*string)(s.CallState)), str((*string)(s.ProcessingState)))
}

// LogValue logs the call's identity, state, edges and tags. The parties
// (from, to: phone numbers, client names, IP addresses) are PII and appear
// only as "[REDACTED]".
func (s *Summary) LogValue() slog.Value {
	if s == nil {
		return slog.StringValue("<nil>")
	}
	attrs := make([]slog.Attr, 0, 10)
	add := func(key string, v *string) {
		if v != nil {
			attrs = append(attrs, slog.String(key, *v))
		}
	}
	add("call_sid", s.CallSID)
	add("account_sid", s.AccountSID)
	add("call_type", (*string)(s.CallType))
	add("call_state", (*string)(s.CallState))
	add("processing_state", (*string)(s.ProcessingState))
	if s.Duration != nil {
		attrs = append(attrs, slog.Int("duration", *s.Duration))
	}
	if s.From != nil {
		attrs = append(attrs, slog.String("from", redacted))
	}
	if s.To != nil {
		attrs = append(attrs, slog.String("to", redacted))
	}
	edges := s.Edges()
	names := make([]string, len(edges))
	for i, e := range edges {
		names[i] = e.Kind.String()
	}
	attrs = append(attrs, slog.Any("edges", names))
	if s.Tags != nil {
		attrs = append(attrs, slog.Any("tags", s.Tags))
	}
	return slog.GroupValue(attrs...)
}
