package callsummary

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
	// ErrNotFound: HTTP 404 (Twilio 20404): an unknown or deleted call, or
	// no summary for it (yet, or any more); Twilio does not say which.
	ErrNotFound = errors.New("callsummary: not found")
	// ErrRateLimited: HTTP 429 (Twilio 20429), returned once retries are
	// exhausted or a Retry-After is too long to honour.
	ErrRateLimited = errors.New("callsummary: rate limited")
)

// Errors returned before any request is sent.
var (
	// ErrInvalidCallSID: the call SID does not match CallSIDPattern.
	ErrInvalidCallSID = errors.New("callsummary: invalid call SID")
	// ErrInvalidProcessingState: neither "complete" nor "partial".
	ErrInvalidProcessingState = errors.New("callsummary: invalid processing state")
	// ErrInvalidFilter: a ListFilter field holds a value the API does not
	// accept. The message names the field and what it accepts.
	ErrInvalidFilter = errors.New("callsummary: invalid list filter")
	// ErrInvalidAnnotation: an AnnotationUpdate field holds a value the API
	// does not accept.
	ErrInvalidAnnotation = errors.New("callsummary: invalid annotation update")
	// ErrInvalidCursor: a cursor given to FetchSummaryPage, or a
	// next_page_url sent by the server, is not a page of this client's
	// list: another scheme, host, port or path than the base URL's list
	// resource, or not a URL. It is never requested, so credentials never
	// go to another host.
	ErrInvalidCursor = errors.New("callsummary: cursor is not a page of this client's list")
)

// Errors of a response that is not what it should be.
var (
	// ErrResponseTooLarge: a response body exceeded MaxResponseBytes.
	ErrResponseTooLarge = errors.New("callsummary: response body too large")
	// ErrTooManyRedirects: more than 10 redirects in a row, a loop most
	// likely (a misconfigured proxy or base URL). Not retried.
	ErrTooManyRedirects = errors.New("callsummary: stopped after 10 redirects")
)

// Misuse of the API itself, reported instead of a panic.
var (
	errNilClient  = errors.New("callsummary: nil or zero Client; use NewClient")
	errNilContext = errors.New("callsummary: nil Context")
)

// Why a body is not a JSON object, or not a list page (in *DecodeError.Err).
var (
	errEmptyBody     = errors.New("empty body, not a JSON object")
	errNotObject     = errors.New("body is not a JSON object")
	errNoSummaries   = errors.New("no call_summaries array")
	errTwoLists      = errors.New("call_summaries given twice")
	errTrailingBytes = errors.New("data after the page object")
	errCutShort      = errors.New("unexpected end of the page")
)

// excerptBytes bounds APIError.Body: enough to recognise a proxy's HTML
// page, short enough for a log line.
const excerptBytes = 256

// maxRequestID bounds RequestID: Twilio's are 34 bytes (RQ and 32 hex
// digits); a longer header is a proxy's, cut to fit a log line.
const maxRequestID = 64

// APIError is a non-2xx response. It is always returned as a pointer: use
// errors.As(err, &apiErr) with apiErr of type *APIError.
//
// When the body is Twilio's JSON error, Code, Message, MoreInfo and Details
// come from it. Otherwise (an HTML page from a proxy, an empty body) Body
// holds a short excerpt and the status alone describes the failure. Every
// text taken from the response has the client's secret removed: a
// misbehaving proxy may echo request headers.
type APIError struct {
	StatusCode int            // HTTP status
	Code       int            // Twilio error code, e.g. 20404; 0 if absent
	Message    string         // Twilio's message
	MoreInfo   string         // link to the error code's documentation
	Details    map[string]any // extra detail some errors carry
	Body       string         // excerpt of a body that is not Twilio's JSON error
	// RequestID is Twilio's Twilio-Request-Id header (RQ…), the reference
	// Twilio support asks for; empty if the response had none.
	RequestID string
	// Header holds the response's headers, without Set-Cookie and with
	// the secret removed from every value.
	Header http.Header
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
	if e.RequestID != "" {
		b.WriteString(" (request ")
		b.WriteString(e.RequestID)
		b.WriteString(")")
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
// secret from any text taken from the response.
func newAPIError(resp *http.Response, body []byte, redact func(string) string) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		RequestID:  redact(excerpt([]byte(resp.Header.Get("Twilio-Request-Id")), maxRequestID)),
		Header:     redactHeader(resp.Header, redact),
	}
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
			e.Details = redactJSON(te.Details, redact).(map[string]any)
		}
		return e
	}
	e.Body = redact(excerpt(body, excerptBytes))
	return e
}

// redactHeader copies h without cookies, with redact applied to every value.
func redactHeader(h http.Header, redact func(string) string) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		if k == "Set-Cookie" {
			continue
		}
		c := make([]string, len(vs))
		for i, v := range vs {
			c[i] = redact(v)
		}
		out[k] = c
	}
	return out
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
