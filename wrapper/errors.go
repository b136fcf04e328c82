package callsummary

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/gen"
	"github.com/voiceinsights/callsummary/internal/safetext"
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
	// ErrWrongCall: the summary or annotation returned names another call
	// than the one asked for: a proxy or a cache mixed up responses.
	ErrWrongCall = errors.New("callsummary: the response is another call's")
	// ErrPageTooLarge: a list page holds more items than Twilio's largest
	// page (MaxPageSize). Returned inside a *DecodeError.
	ErrPageTooLarge = errors.New("callsummary: a list page holds more items than Twilio's largest page")
	// ErrPaginationLoop: a listing's next_page_url leads back to a page
	// already listed, or several pages in a row held no item yet linked
	// onward. Not retried: the listing ends.
	ErrPaginationLoop = errors.New("callsummary: the list's pages loop")
	// ErrTooManyRedirects: more than 10 redirects in a row, a loop most
	// likely (a misconfigured proxy or base URL). Not retried.
	ErrTooManyRedirects = errors.New("callsummary: stopped after 10 redirects")
	// ErrInsecureRedirect: a redirect led to plain http off loopback (or
	// to another scheme); it is not followed. Not retried.
	ErrInsecureRedirect = errors.New("callsummary: redirect refused")
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

// newAPIError builds the error of a non-2xx response. Every text taken
// from the response is redacted (whole, before any cut, so that a secret
// cannot straddle one), made printable and bounded.
func newAPIError(resp *http.Response, body []byte, redact func(string) string) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		RequestID:  cleanText(resp.Header.Get("Twilio-Request-Id"), maxRequestID, redact),
		Header:     redactHeader(resp.Header, redact),
	}
	var te gen.Error
	if unmarshal(body, &te) == nil && (te.Code != nil || te.Message != nil) {
		if te.Code != nil {
			e.Code = *te.Code
		}
		if te.Message != nil {
			e.Message = cleanText(*te.Message, maxMessage, redact)
		}
		if te.MoreInfo != nil {
			e.MoreInfo = cleanText(*te.MoreInfo, maxMessage, redact)
		}
		if te.Details != nil {
			e.Details = redactJSON(te.Details, redact).(map[string]any)
		}
		return e
	}
	e.Body = cleanText(string(body[:min(len(body), excerptBytes+excerptSlack)]), excerptBytes, redact)
	return e
}

// Bounds of the text an *APIError keeps from a response.
const (
	maxMessage    = 1024 // Twilio's messages are a sentence
	maxHeaders    = 64   // header names kept
	maxHeaderText = 1024 // bytes kept of one header value
	// excerptSlack is read past the excerpt's end before redacting, so
	// that a secret running over the cut is seen whole.
	excerptSlack = 1024
)

// cleanText is s on one line, redacted, without control characters, and cut
// to at most n bytes (with an ellipsis): redaction comes first, so that the
// cut cannot leave half a secret.
func cleanText(s string, n int, redact func(string) string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = safetext.Printable(redact(s))
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// redactHeader copies h without cookies, at most maxHeaders names, each
// value cleaned and bounded.
func redactHeader(h http.Header, redact func(string) string) http.Header {
	out := make(http.Header, min(len(h), maxHeaders))
	for _, k := range slices.Sorted(maps.Keys(h)) {
		if len(out) == maxHeaders {
			break
		}
		if k == "Set-Cookie" {
			continue
		}
		vs := h[k]
		c := make([]string, len(vs))
		for i, v := range vs {
			c[i] = cleanText(v, maxHeaderText, redact)
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

// DecodeError is a 2xx response whose body is not what was asked for at
// all: not JSON, empty, not a JSON object where a Call Summary, a list page
// or an annotation was asked for, or a list page whose paging information
// (meta) does not decode. (A summary whose values do not all fit is not an
// error: see Summary.DecodeIssues.) Err is the decoder's
// error: a *jsontext.SyntacticError or *json.SemanticError of
// encoding/json/v2, as the module github.com/go-json-experiment/json spells
// them, or one of this package's own (an empty body, a body that is not a
// JSON object).
type DecodeError struct {
	// StatusCode is the response's HTTP status; 0 when the body did not
	// come from a response (a line of a file), and Error then names none.
	StatusCode int
	// Offset is the byte offset in the body near which decoding failed,
	// or -1 when the decoder does not say.
	Offset int64
	// Pointer is the JSON Pointer (RFC 6901) of the value that could not
	// be decoded, such as "/meta" of a list page; empty when the failure
	// is not inside a value (an empty body, say).
	Pointer string
	Err     error
	what    string // "summary" when empty
}

// Error names what was decoded, where it failed and why, in words of its
// own: never the value, nor the decoder's message, which quotes it (a value
// may be PII, or a secret a proxy echoed). Err keeps the decoder's error.
func (e *DecodeError) Error() string {
	what := e.what
	if what == "" {
		what = "summary"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "callsummary: decoding %s", what)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " at byte %d", e.Offset)
	}
	if e.Pointer != "" {
		fmt.Fprintf(&b, " (%s)", cleanText(e.Pointer, maxPointerText, func(s string) string { return s }))
	}
	b.WriteString(": ")
	b.WriteString(e.reason())
	return b.String()
}

// maxPointerText bounds a pointer quoted in an error: its member names are
// the server's text.
const maxPointerText = 200

// reason says why decoding failed without quoting the body.
func (e *DecodeError) reason() string {
	var sem *json.SemanticError
	var syn *jsontext.SyntacticError
	switch {
	case errors.As(e.Err, &syn) && (errors.Is(syn.Err, io.ErrUnexpectedEOF) || errors.Is(syn.Err, io.EOF)):
		return "unexpected EOF: the body is cut short"
	case errors.As(e.Err, &syn):
		return "not valid JSON"
	case errors.As(e.Err, &sem) && sem.GoType != nil:
		return fmt.Sprintf("got a JSON %s, want %s", sem.JSONKind, goKind(sem.GoType))
	case errors.As(e.Err, &sem):
		return "a value does not fit its type"
	case e.Err == nil:
		return "failed"
	}
	return e.Err.Error() // one of this package's own, which quote nothing
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
	// A pointer names the server's members, which may hold a party's
	// number; the client also redacts its secret from it (scrubDecode).
	de.Pointer = safetext.MaskNumbers(de.Pointer)
	return de
}
