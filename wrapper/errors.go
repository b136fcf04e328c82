package wrapper

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/gen"
)

// Sentinels matched by errors.Is against an *APIError's HTTP status.
var (
	// ErrUnauthorized: HTTP 401 (Twilio 20003): wrong credentials, or
	// credentials from another region than the host's.
	ErrUnauthorized = errors.New("callsummary: unauthorized")
	// ErrForbidden: HTTP 403, e.g. Voice Insights Advanced Features inactive.
	ErrForbidden = errors.New("callsummary: forbidden")
	// ErrNotFound: HTTP 404 (Twilio 20404): unknown or deleted call, older
	// than 30 days, or a summary not generated yet.
	ErrNotFound = errors.New("callsummary: not found")
	// ErrRateLimited: HTTP 429 (Twilio 20429), returned once retries are
	// exhausted or a Retry-After is too long to honour.
	ErrRateLimited = errors.New("callsummary: rate limited")
)

// Errors returned before any request is sent.
var (
	// ErrInvalidCallSID: the call SID does not match ^CA[0-9a-fA-F]{32}$.
	ErrInvalidCallSID = errors.New("callsummary: invalid call SID")
	// ErrInvalidProcessingState: neither "complete" nor "partial".
	ErrInvalidProcessingState = errors.New("callsummary: invalid processing state")
	// ErrResponseTooLarge: a response body exceeded MaxResponseBytes.
	ErrResponseTooLarge = errors.New("callsummary: response body too large")
	// ErrTooManyRedirects: more than 10 redirects in a row, a loop most
	// likely (a misconfigured proxy or base URL). Not retried.
	ErrTooManyRedirects = errors.New("callsummary: stopped after 10 redirects")
)

// excerptBytes bounds APIError.Body: enough to recognise a proxy's HTML
// page, short enough for a log line.
const excerptBytes = 256

// APIError is a non-2xx response. It is always returned as a pointer: use
// errors.As(err, &apiErr) with apiErr of type *APIError.
//
// When the body is Twilio's JSON error, Code, Message, MoreInfo and Details
// come from it. Otherwise (an HTML page from a proxy, an empty body) Body
// holds a short excerpt and the status alone describes the failure.
type APIError struct {
	StatusCode int            // HTTP status
	Code       int            // Twilio error code, e.g. 20404; 0 if absent
	Message    string         // Twilio's message
	MoreInfo   string         // link to the error code's documentation
	Details    map[string]any // extra detail some errors carry
	Body       string         // excerpt of a body that is not Twilio's JSON error
}

// Error reads like "twilio: 404 Not Found (code 20404): message; see URL".
func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("twilio: ")
	b.WriteString(statusText(e.StatusCode))
	if e.Code != 0 {
		fmt.Fprintf(&b, " (code %d)", e.Code)
	}
	switch {
	case e.Message != "":
		b.WriteString(": ")
		b.WriteString(e.Message)
	case e.Body != "":
		fmt.Fprintf(&b, ": body %q", e.Body)
	}
	if e.MoreInfo != "" {
		b.WriteString("; see ")
		b.WriteString(e.MoreInfo)
	}
	return b.String()
}

// Is matches the sentinel that corresponds to the status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("HTTP %d", code)
}

// newAPIError builds the error of a non-2xx response. redact removes the
// secret from any text taken from the body: a misbehaving proxy may echo
// request headers.
func newAPIError(status int, body []byte, redact func(string) string) *APIError {
	e := &APIError{StatusCode: status}
	var te gen.Error
	if unmarshal(body, &te) == nil && (te.Code != nil || te.Message != nil) {
		if te.Code != nil {
			e.Code = *te.Code
		}
		if te.Message != nil {
			e.Message = redact(*te.Message)
		}
		if te.MoreInfo != nil {
			e.MoreInfo = redact(*te.MoreInfo)
		}
		if te.Details != nil {
			e.Details = redactJSON(*te.Details, redact).(map[string]any)
		}
		return e
	}
	e.Body = redact(excerpt(body, excerptBytes))
	return e
}

// redactJSON applies redact to every string of a decoded JSON value, keys
// included: %#v of an *APIError prints Details in full.
func redactJSON(v any, redact func(string) string) any {
	switch x := v.(type) {
	case string:
		return redact(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[redact(k)] = redactJSON(e, redact)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redactJSON(e, redact)
		}
		return out
	}
	return v
}

// excerpt returns at most n bytes of b as valid UTF-8 on one line, with an
// ellipsis when cut.
func excerpt(b []byte, n int) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) <= n {
		return strings.ToValidUTF8(s, "?")
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.ToValidUTF8(s[:cut], "?") + "…"
}

// DecodeError is a 2xx response whose body is not what was asked for: a
// Call Summary, a list page or an annotation. Err is the decoder's error:
// a *json.SemanticError (a value of the wrong type) or a
// *jsontext.SyntacticError (not JSON) of encoding/json/v2, as the module
// github.com/go-json-experiment/json spells them, or one of this package's
// own (an empty body, a body that is not a JSON object).
type DecodeError struct {
	StatusCode int
	// Offset is the byte offset in the body near which decoding failed,
	// or -1 when the decoder does not say.
	Offset int64
	// Pointer is the JSON Pointer (RFC 6901) of the value that could not
	// be decoded, such as "/sdk_edge/metrics/inbound/jitter/avg"; empty
	// when the failure is not inside a value (an empty body, say).
	Pointer string
	Err     error
	what    string // "summary" when empty
}

func (e *DecodeError) Error() string {
	what := e.what
	if what == "" {
		what = "summary"
	}
	// The decoder's own text already names the pointer.
	if e.Offset >= 0 {
		return fmt.Sprintf("callsummary: decoding %s (HTTP %d) at byte %d: %v", what, e.StatusCode, e.Offset, e.Err)
	}
	return fmt.Sprintf("callsummary: decoding %s (HTTP %d): %v", what, e.StatusCode, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

func newDecodeError(status int, err error) *DecodeError {
	de := &DecodeError{StatusCode: status, Offset: -1, Err: err}
	var sem *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(err, &syn):
		de.Offset, de.Pointer = syn.ByteOffset, string(syn.JSONPointer)
	case errors.As(err, &sem):
		de.Offset, de.Pointer = sem.ByteOffset, string(sem.JSONPointer)
	}
	return de
}
