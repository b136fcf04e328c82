package conformance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/internal/safetext"
	"github.com/voiceinsights/callsummary/internal/wirejson"
	"github.com/voiceinsights/callsummary/openapi"
)

// maxValidatedBody bounds how much of a response body ValidateResponse reads:
// the same cap the wrapper applies to responses.
const maxValidatedBody = 10 << 20

// A Validator checks requests, responses and summary bodies against the
// embedded OpenAPI document. It parses the document and builds its router
// once, in NewValidator; it is safe for concurrent use.
type Validator struct {
	doc     *openapi3.T
	router  routers.Router
	summary *openapi3.Schema
	opts    []openapi3.SchemaValidationOption
	shells  *shells
}

// NewValidator parses and validates the embedded document (examples
// included) and prepares a router that matches requests on any host: Twilio's,
// a regional one, or a loopback test server.
func NewValidator() (*Validator, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Document())
	if err != nil {
		return nil, fmt.Errorf("conformance: load %s: %w", openapi.Name, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("conformance: invalid %s: %w", openapi.Name, err)
	}
	// The router matches servers by host; without servers it matches any host,
	// which is what a client pointed at a region, a proxy or a sandbox needs.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("conformance: build router: %w", err)
	}
	ref := doc.Components.Schemas["CallSummary"]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("conformance: %s has no CallSummary schema", openapi.Name)
	}
	return &Validator{
		shells:  &shells{},
		doc:     doc,
		router:  router,
		summary: ref.Value,
		// Values stay out of error text: from/to hold phone numbers (PII).
		opts: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
	}, nil
}

// ExampleNames lists the document's named examples (components/examples),
// sorted: summaries, list pages and annotations Example returns.
func (v *Validator) ExampleNames() []string {
	return slices.Sorted(maps.Keys(v.doc.Components.Examples))
}

// Example returns the value of the document's example name as JSON, with
// object keys sorted, and whether the document has it. The document's
// examples are what the sandbox serves and what the tests decode, so they
// are checked against their schemas when the document is loaded.
func (v *Validator) Example(name string) ([]byte, bool) {
	ref := v.doc.Components.Examples[name]
	if ref == nil || ref.Value == nil {
		return nil, false
	}
	b, err := wirejson.Marshal(ref.Value.Value)
	if err != nil { // a YAML value is always JSON: cannot happen
		return nil, false
	}
	return b, true
}

// ValidateSummary validates a Call Summary body on its own against the
// CallSummary schema. It returns nil, a *ValidationError listing every
// violation, or an error saying the body is not JSON.
func (v *Validator) ValidateSummary(body []byte) error {
	return v.ValidateSchema("CallSummary", body)
}

// ValidateSchema validates a JSON body against the named component schema.
func (v *Validator) ValidateSchema(name string, body []byte) error {
	schema := v.summary
	if name != "CallSummary" {
		ref := v.doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			return fmt.Errorf("conformance: no schema %q in %s", name, openapi.Name)
		}
		schema = ref.Value
	}
	value, err := decodeAny(body)
	if err != nil {
		return err
	}
	return validate(v.shells, schema, value, "response body", v.opts)
}

// decodeAny decodes a JSON body into the map[string]any/[]any/float64 tree
// kin-openapi walks, strictly: a body must be UTF-8 and its object names
// unique (RFC 8259 §8.1, RFC 7493 §2.3), which Twilio's bodies are; either
// fault is reported as not JSON. The client would still decode such a
// body, as encoding/json does, but a conformance check should say so. The
// strict reading is also the fast one: allowing duplicate names makes the
// decoder merge into maps, which costs more (bench/README.md).
func decodeAny(body []byte) (any, error) {
	var value any
	if err := wirejson.UnmarshalStrict(body, &value); err != nil {
		return nil, notJSON(err)
	}
	return value, nil
}

// Errors of a request that no operation of the document addresses.
var (
	// ErrNoOperation: no path of the document matches the request's.
	ErrNoOperation = errors.New("conformance: no operation of the document matches the request")
	// ErrMethodNotAllowed: a path matches, but not with the request's method.
	ErrMethodNotAllowed = errors.New("conformance: the document's path does not allow the request's method")
)

// findRoute returns the operation a request addresses, for any host; its
// errors wrap ErrNoOperation or ErrMethodNotAllowed.
func (v *Validator) findRoute(req *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := v.router.FindRoute(req)
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return nil, nil, fmt.Errorf("%w: %s %s", ErrMethodNotAllowed, req.Method, req.URL.Path)
	case err != nil:
		return nil, nil, fmt.Errorf("%w: %s %s", ErrNoOperation, req.Method, req.URL.Path)
	}
	return route, params, nil
}

// ValidateRequest validates a request's path, query and headers against the
// operation it addresses. Authentication is not checked here. A request no
// operation addresses fails with an error wrapping ErrNoOperation or
// ErrMethodNotAllowed.
func (v *Validator) ValidateRequest(req *http.Request) error {
	route, params, err := v.findRoute(req)
	if err != nil {
		return err
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options:    v.filterOptions(),
	}
	if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
		return newValidationError("request", err)
	}
	return nil
}

// ValidateResponse validates a response (status, headers, content type and
// body) against the operation its request addressed. It reads the body and
// puts an identical reader back, so the caller can still consume it.
// Statuses the document does not declare are violations. A body over 10 MiB
// is not validated (ErrBodyTooLarge); the reader put back still yields all
// of it.
func (v *Validator) ValidateResponse(req *http.Request, resp *http.Response) error {
	if req == nil || resp == nil {
		return errors.New("conformance: ValidateResponse needs a request and a response")
	}
	body, err := readAndRestore(resp)
	if err != nil {
		return err
	}
	return v.validateResponseBody(req, resp, body)
}

func (v *Validator) validateResponseBody(req *http.Request, resp *http.Response, body []byte) error {
	route, params, err := v.findRoute(req)
	if err != nil {
		return err
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      route,
			Options:    v.filterOptions(),
		},
		Status:  resp.StatusCode,
		Header:  resp.Header,
		Options: v.filterOptions(),
	}
	// openapi3filter checks the status and the headers; the body is
	// validated here, by the bounded walk.
	in.Options.ExcludeResponseBody = true
	subject := fmt.Sprintf("%d response", resp.StatusCode)
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		return newValidationError(subject, err)
	}
	return v.validateBody(route, resp, body, subject)
}

// validateBody checks a response's content type and body against the
// operation's response for its status, as openapi3filter would, but with
// the bounded walk. The body is decoded as leniently as the client decodes
// it (invalid UTF-8, duplicate names): ValidateSummary is the strict check.
func (v *Validator) validateBody(route *routers.Route, resp *http.Response, body []byte, subject string) error {
	ref := route.Operation.Responses.Status(resp.StatusCode)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil || len(ref.Value.Content) == 0 {
		return nil
	}
	mime := resp.Header.Get("Content-Type")
	content := ref.Value.Content.Get(mime)
	if content == nil {
		return &ValidationError{Subject: subject, Violations: []Violation{{
			Pointer: "header Content-Type", Reason: fmt.Sprintf("response header Content-Type has unexpected value: %q", mime)}}}
	}
	if content.Schema == nil || content.Schema.Value == nil {
		return nil
	}
	var value any
	if err := wirejson.Unmarshal(body, &value); err != nil {
		return &ValidationError{Subject: subject, Violations: []Violation{{Reason: notJSON(err).Error()}}}
	}
	return validate(v.shells, content.Schema.Value, value, subject, append(slices.Clone(v.opts), openapi3.VisitAsResponse()))
}

func (v *Validator) filterOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		MultiError:              true,
		IncludeResponseStatus:   true,
		AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: v.opts,
	}
}

// ErrBodyTooLarge reports a response body longer than the 10 MiB the wrapper
// accepts: it is not validated, and no more of it than the cap is read.
var ErrBodyTooLarge = fmt.Errorf("conformance: response body exceeds %d bytes", maxValidatedBody)

// readAndRestore reads at most maxValidatedBody+1 bytes of resp.Body and puts
// back a body that yields exactly what the original would have: the same
// bytes, then the rest of an oversized stream or the same read error. So a
// validator in the middle changes nothing the caller sees.
func readAndRestore(resp *http.Response) ([]byte, error) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, nil
	}
	orig := resp.Body
	body, err := io.ReadAll(io.LimitReader(orig, maxValidatedBody+1))
	switch {
	case err != nil:
		_ = orig.Close()
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body), errReader{err}))
		return nil, fmt.Errorf("conformance: read response body: %w", err)
	case len(body) > maxValidatedBody:
		// The rest stays unread: it may be endless.
		resp.Body = readCloser{io.MultiReader(bytes.NewReader(body), orig), orig}
		return nil, ErrBodyTooLarge
	}
	_ = orig.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// errReader replays a read error after the bytes read before it.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

type readCloser struct {
	io.Reader
	io.Closer
}

// piiFields are the top-level summary properties whose values are personal
// data: they never appear in a Violation.
var piiFields = []string{"from", "to"}

func isPII(pointer string) bool {
	first, _, _ := strings.Cut(strings.TrimPrefix(pointer, "/"), "/")
	return slices.Contains(piiFields, first)
}

// notJSON is the error of a body that cannot be validated, in words that
// never quote it: the decoder's own message does (a value may be PII).
func notJSON(err error) error {
	var syn *jsontext.SyntacticError
	var sem *json.SemanticError
	switch {
	case errors.As(err, &syn):
		return &bodyError{fmt.Sprintf("conformance: body is not JSON: %s at byte %d", syntaxReason(syn.Err), syn.ByteOffset), err}
	case errors.As(err, &sem):
		return &bodyError{fmt.Sprintf("conformance: body is not JSON this validator can read: a %s at %s does not fit %s",
			sem.JSONKind, safetext.Printable(string(sem.JSONPointer)), sem.GoType), err}
	}
	return &bodyError{"conformance: body is not JSON", err}
}

// bodyError is a body that could not be decoded; it unwraps to the
// decoder's error, whose text may quote the body.
type bodyError struct {
	msg string
	err error
}

func (e *bodyError) Error() string { return e.msg }
func (e *bodyError) Unwrap() error { return e.err }

// syntaxReason names a syntax error's kind, without the decoder's text,
// which quotes names and characters of the body.
func syntaxReason(err error) string {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "unexpected EOF"
	case errors.Is(err, jsontext.ErrDuplicateName):
		return "duplicate object member name"
	case strings.Contains(msg, "invalid UTF-8"):
		return "invalid UTF-8"
	case strings.HasPrefix(msg, "invalid character"):
		return "invalid character"
	}
	return "invalid syntax"
}
