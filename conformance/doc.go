// Package conformance checks that the wire, the SDK and the OpenAPI document
// agree, and gives users a Twilio they can test against offline.
//
// A Validator parses the embedded document once (kin-openapi, OpenAPI 3.0.3)
// and validates requests, responses and bare summary bodies; every violation
// comes back with its JSON pointer and reason, and never with the value of a
// PII field. ValidateSummary and ValidateSchema want strict JSON: UTF-8,
// with unique names in each object (RFC 8259 §8.1, RFC 7493). The wrapper
// decodes either fault as encoding/json would, and ValidateResponse decodes
// as openapi3filter does, but a summary checked on its own reports it.
//
// The sandbox server serves realistic summaries from the same document
// (fixtures, and a generated population of thousands of calls that the list
// endpoint filters and pages through), stores annotations, checks
// credentials like Twilio and can inject network faults.
//
// This package imports kin-openapi; the client packages (wrapper, gen) do not.
package conformance
