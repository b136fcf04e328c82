package wrapper

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/gen"
)

// Summary is one Call Summary. It embeds the generated type, so every
// documented field is s.Field (s.CallSid, s.CarrierEdge, …), and keeps the
// exact bytes received: fields this SDK does not know are in Raw.
type Summary struct {
	gen.CallSummary
	raw []byte
}

// ParseSummary decodes a Call Summary body, e.g. one stored earlier from
// Raw. Errors are *DecodeError.
func ParseSummary(data []byte) (*Summary, error) {
	return decodeSummary(http.StatusOK, bytes.Clone(data))
}

var (
	errEmptyBody = errors.New("empty body, not a JSON object")
	errNotObject = errors.New("body is not a JSON object")
)

// decodeSummary keeps body as the summary's Raw bytes: the caller hands it
// over and must not modify it afterwards.
func decodeSummary(status int, body []byte) (*Summary, error) {
	s := &Summary{raw: body}
	if err := decodeObject(status, body, "", &s.CallSummary); err != nil {
		return nil, err
	}
	return s, nil
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

// unmarshal decodes every body the SDK reads.
//
// Bodies are decoded with encoding/json/v2 (the module
// github.com/go-json-experiment/json, which is that package for Go 1.26 and
// an alias of the standard library's from Go 1.27): it decodes gen's types
// in about 60 % of encoding/json's time, with fewer allocations
// (bench/README.md). Two v2 defaults are relaxed to encoding/json's
// behaviour, so no body encoding/json accepts is refused: invalid UTF-8 is
// replaced with U+FFFD and a duplicated name keeps its last value. v2
// matches names exactly, where encoding/json ignores case: Twilio's names
// are lower snake case, as gen's tags are.
func unmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
}

// Raw returns a copy of the exact bytes received.
func (s *Summary) Raw() []byte {
	if s == nil {
		return nil
	}
	return bytes.Clone(s.raw)
}

// IsComplete reports whether processing_state is "complete".
func (s *Summary) IsComplete() bool {
	return s != nil && s.ProcessingState != nil && *s.ProcessingState == ProcessingStateComplete
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
	add("call_sid", s.CallSid)
	add("account_sid", s.AccountSid)
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
		attrs = append(attrs, slog.Any("tags", *s.Tags))
	}
	return slog.GroupValue(attrs...)
}
