package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// MaxViolations bounds the violations one validation keeps: past it, the
// walk stops and a last violation says so. A body with a million bad
// elements would otherwise cost a million errors (and gigabytes).
const MaxViolations = 100

// walker validates a decoded value against a schema with kin-openapi, one
// node at a time, and stops once it holds MaxViolations: kin-openapi's own
// walk (with MultiErrors) visits every element and keeps every error.
//
// At each object or array, kin-openapi checks the node itself (its type,
// nullability, enum, counts, required names) against a copy of the schema
// with the parts that would descend (properties, items, combinators)
// removed; the walker then descends into the members and elements with
// their own schemas. Scalars are checked by kin-openapi whole. The rules
// are kin-openapi's; only the order of the walk is the walker's.
type walker struct {
	opts []openapi3.SchemaValidationOption
	out  []Violation
	full bool // stopped at MaxViolations
}

// violations returns what the walk found, with the stop noted.
func (w *walker) violations() []Violation {
	if w.full {
		return append(w.out, Violation{Reason: fmt.Sprintf("more violations: the validation stopped after %d", MaxViolations)})
	}
	return w.out
}

func (w *walker) add(ptr, reason string) {
	if len(w.out) >= MaxViolations {
		w.full = true
		return
	}
	w.out = append(w.out, Violation{Pointer: ptr, Reason: reason})
}

// check runs kin-openapi on one node and records its errors at ptr (or
// deeper, where kin-openapi names a path inside the node).
func (w *walker) check(s *openapi3.Schema, value any, ptr string) {
	err := s.VisitJSON(value, w.opts...)
	if err == nil {
		return
	}
	var found []Violation
	collectViolations(err, "", &found)
	for _, v := range found {
		p := ptr + v.Pointer
		if isPII(p) {
			v.Reason = redact(v.Reason, value)
		}
		w.add(p, v.Reason)
	}
}

// walk validates value against s at ptr.
func (w *walker) walk(s *openapi3.Schema, value any, ptr string) {
	if s == nil || w.full {
		return
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.Not != nil {
		// Alternatives must be judged whole; the document uses none.
		w.check(s, value, ptr)
		return
	}
	shell := *s
	shell.AllOf, shell.Properties, shell.Items = nil, nil, nil
	shell.AdditionalProperties = openapi3.AdditionalProperties{}
	w.check(&shell, value, ptr)
	if value == nil && s.Nullable {
		return // null, and allowed: nothing below it
	}
	for _, sub := range s.AllOf {
		if sub != nil {
			w.walk(sub.Value, value, ptr)
		}
	}
	if value == nil {
		return
	}
	switch x := value.(type) {
	case map[string]any:
		w.members(s, x, ptr)
	case []any:
		if s.Items != nil {
			for i, e := range x {
				if w.full {
					return
				}
				w.walk(s.Items.Value, e, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
}

// members validates an object's members: a named property with its schema,
// any other with additionalProperties (a schema, or not allowed).
func (w *walker) members(s *openapi3.Schema, obj map[string]any, ptr string) {
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		if w.full {
			return
		}
		p := ptr + "/" + escapePointer(name)
		if ref := s.Properties[name]; ref != nil {
			w.walk(ref.Value, obj[name], p)
			continue
		}
		switch ap := s.AdditionalProperties; {
		case ap.Schema != nil:
			w.walk(ap.Schema.Value, obj[name], p)
		case ap.Has != nil && !*ap.Has && len(s.Properties) > 0:
			w.add(p, "property is not allowed")
		}
	}
}

// validate walks value against s and returns the violations as a
// *ValidationError, or nil.
func validate(s *openapi3.Schema, value any, subject string, opts []openapi3.SchemaValidationOption) error {
	w := &walker{opts: opts}
	w.walk(s, value, "")
	if len(w.out) == 0 {
		return nil
	}
	return &ValidationError{Subject: subject, Violations: w.violations()}
}
