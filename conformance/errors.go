package conformance

import (
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// A Violation is one way a value broke the document: where (a JSON pointer
// into the body, or the name of a parameter or header) and why. It never
// holds the offending value.
type Violation struct {
	// Pointer is an RFC 6901 JSON pointer into the body ("" for the whole
	// body), or "parameter NAME" / "header NAME" / "status" outside it, or
	// "path" for a request no operation of the document matches.
	Pointer string
	// Reason says what rule was broken, without the value.
	Reason string
}

func (v Violation) String() string {
	p := v.Pointer
	if p == "" {
		p = "(body)"
	}
	return p + ": " + v.Reason
}

// A ValidationError lists every violation found in one request, response or
// body. Use errors.As to get it.
type ValidationError struct {
	// Subject names what was validated, e.g. "200 response" or "request".
	Subject    string
	Violations []Violation
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "conformance: %s violates the document (%d violation", e.Subject, len(e.Violations))
	if len(e.Violations) != 1 {
		b.WriteByte('s')
	}
	b.WriteString(")")
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return b.String()
}

// Pointers returns the JSON pointers of every violation, in order.
func (e *ValidationError) Pointers() []string {
	out := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		out[i] = v.Pointer
	}
	return out
}

func newValidationError(subject string, err error) *ValidationError {
	ve := &ValidationError{Subject: subject}
	collectViolations(err, "", &ve.Violations)
	if len(ve.Violations) == 0 {
		ve.Violations = []Violation{{Reason: "rejected"}}
	}
	return ve
}

// collectViolations flattens kin-openapi's error tree (MultiError,
// RequestError, ResponseError, SchemaError) into violations. It switches on
// concrete types: errors.As on a MultiError matches any element, which would
// lose where each violation was found.
func collectViolations(err error, where string, out *[]Violation) {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, inner := range e {
			collectViolations(inner, where, out)
		}
	case *openapi3filter.RequestError:
		if e.Parameter != nil {
			where = "parameter " + e.Parameter.Name
		}
		collectInner(e.Err, where, e.Reason, out)
	case *openapi3filter.ResponseError:
		if where == "" {
			where = responseLocation(e.Reason)
		}
		collectInner(e.Err, where, e.Reason, out)
	case *openapi3.SchemaError:
		// allOf (our nullable $refs) reports only where the combinator failed;
		// the violations that count are inside, with their full pointers.
		if e.SchemaField == "allOf" && e.Origin != nil {
			collectViolations(e.Origin, where, out)
			return
		}
		ptr := where
		if ptr == "" {
			ptr = pointer(e.JSONPointer())
		}
		reason := e.Reason
		if isPII(ptr) {
			reason = redact(reason, e.Value)
		}
		*out = append(*out, Violation{Pointer: ptr, Reason: reason})
	default:
		if inner := errors.Unwrap(err); inner != nil {
			collectViolations(inner, where, out)
			return
		}
		*out = append(*out, Violation{Pointer: where, Reason: err.Error()})
	}
}

// collectInner descends into a wrapped error, or records the wrapper's own
// reason when there is nothing inside it.
func collectInner(inner error, where, reason string, out *[]Violation) {
	if inner != nil {
		collectViolations(inner, where, out)
		return
	}
	*out = append(*out, Violation{Pointer: where, Reason: strings.TrimSpace(reason)})
}

// responseLocation names where outside the body a response broke the
// document. kin-openapi says so only in its reason text, so this matches the
// reasons openapi3filter.ValidateResponse writes; anything else is the body.
func responseLocation(reason string) string {
	switch {
	case reason == "status is not supported":
		return "status"
	case strings.Contains(reason, "header Content-Type"):
		return "header Content-Type"
	}
	// `response header "NAME" ...` and `unable to ... header "NAME" ...`
	if _, rest, ok := strings.Cut(reason, `header "`); ok {
		if name, _, ok := strings.Cut(rest, `"`); ok {
			return "header " + name
		}
	}
	return ""
}

func pointer(path []string) string {
	if len(path) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(escapePointer(p))
	}
	return b.String()
}

// redact removes a PII value from a reason, should a validator ever quote it.
func redact(reason string, value any) string {
	s, ok := value.(string)
	if !ok || s == "" {
		return reason
	}
	return strings.ReplaceAll(reason, s, "[redacted]")
}
