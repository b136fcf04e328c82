// Package conformance checks that the wire, the SDK and the OpenAPI document
// agree.
//
// A Validator parses the embedded document once (kin-openapi, OpenAPI 3.0.3)
// and validates requests, responses and bare summary bodies; every violation
// comes back with its JSON pointer and reason, and never with the value of a
// PII field. ValidateSummary and ValidateSchema want strict JSON: UTF-8,
// with unique names in each object (RFC 8259 §8.1, RFC 7493). The client
// decodes either fault as encoding/json would, and ValidateResponse decodes
// as openapi3filter does, but a summary checked on its own reports it.
//
// A Transport (or Validator.Middleware, for the client's
// WithTransportMiddleware) validates every exchange of a client, in report
// or fail mode. The document's examples are available through
// Validator.Example.
//
// The fake Twilio to test against is package conformance/sandbox. This
// package imports kin-openapi, but no kin-openapi type is part of its API;
// the client packages (wrapper, gen) do not import it.
package conformance
