package conformance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

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
	shells *shells
	opts   []openapi3.SchemaValidationOption
	out    []Violation
	full   bool // stopped at MaxViolations
	// path holds the escaped reference tokens from the root to the node
	// being walked, and keys the sorted member names of the objects being
	// walked, as a stack: the pointer is built only for a violation, and
	// neither costs an allocation per node.
	path []string
	keys []string
}

// violations returns what the walk found, with the stop noted.
func (w *walker) violations() []Violation {
	if w.full {
		return append(w.out, Violation{Reason: fmt.Sprintf("more violations: the validation stopped after %d", MaxViolations)})
	}
	return w.out
}

// pointer is the JSON pointer of the node being walked.
func (w *walker) pointer() string {
	if len(w.path) == 0 {
		return ""
	}
	return "/" + strings.Join(w.path, "/")
}

func (w *walker) add(ptr, reason string) {
	if len(w.out) >= MaxViolations {
		w.full = true
		return
	}
	w.out = append(w.out, Violation{Pointer: ptr, Reason: reason})
}

// check runs kin-openapi on the node being walked and records its errors
// there (or deeper, where kin-openapi names a path inside the node).
func (w *walker) check(s *openapi3.Schema, value any) {
	err := s.VisitJSON(value, w.opts...)
	if err == nil {
		return
	}
	var found []Violation
	collectViolations(err, "", &found)
	ptr := w.pointer()
	for _, v := range found {
		p := ptr + v.Pointer
		if isPII(p) {
			v.Reason = redact(v.Reason, value)
		}
		w.add(p, v.Reason)
	}
}

// walk validates value against s at the node being walked.
func (w *walker) walk(s *openapi3.Schema, value any) {
	if s == nil || w.full {
		return
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.Not != nil {
		// Alternatives must be judged whole; the document uses none.
		w.check(s, value)
		return
	}
	w.check(w.shells.of(s), value)
	if value == nil && s.Nullable {
		return // null, and allowed: nothing below it
	}
	for _, sub := range s.AllOf {
		if sub != nil {
			w.walk(sub.Value, value)
		}
	}
	if value == nil {
		return
	}
	switch x := value.(type) {
	case map[string]any:
		w.members(s, x)
	case []any:
		if s.Items != nil {
			for i, e := range x {
				if w.full {
					return
				}
				w.path = append(w.path, strconv.Itoa(i))
				w.walk(s.Items.Value, e)
				w.path = w.path[:len(w.path)-1]
			}
		}
	}
}

// members validates an object's members in name order: a named property
// with its schema, any other with additionalProperties (a schema, or not
// allowed).
func (w *walker) members(s *openapi3.Schema, obj map[string]any) {
	start := len(w.keys)
	for name := range obj {
		w.keys = append(w.keys, name)
	}
	end := len(w.keys)
	slices.Sort(w.keys[start:end])
	defer func() { w.keys = w.keys[:start] }()
	for i := start; i < end; i++ {
		if w.full {
			return
		}
		name := w.keys[i] // indexed anew: a member's walk may grow w.keys
		w.path = append(w.path, escapePointer(name))
		switch ap := s.AdditionalProperties; {
		case s.Properties[name] != nil:
			w.walk(s.Properties[name].Value, obj[name])
		case ap.Schema != nil:
			w.walk(ap.Schema.Value, obj[name])
		case ap.Has != nil && !*ap.Has && len(s.Properties) > 0:
			w.add(w.pointer(), "property is not allowed")
		}
		w.path = w.path[:len(w.path)-1]
	}
}

// validate checks value against s and returns the violations as a
// *ValidationError, or nil. A valid value, the usual case, costs one
// kin-openapi walk that stops at the first error; only a value that fails
// it is walked again node by node, with every error of a node kept
// (MultiErrors) up to MaxViolations.
func validate(sh *shells, s *openapi3.Schema, value any, subject string, opts []openapi3.SchemaValidationOption) error {
	first := s.VisitJSON(value, opts...)
	if first == nil {
		return nil
	}
	w := &walker{shells: sh, opts: append(slices.Clip(opts), openapi3.MultiErrors())}
	w.walk(s, value)
	if len(w.out) == 0 {
		// The node-by-node walk missed what the whole one found: report
		// kin-openapi's error rather than call the value valid.
		var found []Violation
		collectViolations(first, "", &found)
		for _, v := range found {
			if isPII(v.Pointer) {
				v.Reason = "does not match the schema" // the reason may quote a party
			}
			w.add(v.Pointer, v.Reason)
		}
		if len(w.out) == 0 {
			w.add("", "does not match the schema")
		}
	}
	return &ValidationError{Subject: subject, Violations: w.violations()}
}

// shells holds, for each schema of the document, the copy of it that
// checks a node alone (see walker). The document does not change once
// loaded, so each is made once, on first use, and shared by concurrent
// validations: copying a schema at every node was most of the walk's
// allocations.
type shells struct {
	m sync.Map // *openapi3.Schema → *openapi3.Schema
}

func (c *shells) of(s *openapi3.Schema) *openapi3.Schema {
	if sh, ok := c.m.Load(s); ok {
		return sh.(*openapi3.Schema)
	}
	shell := *s
	shell.AllOf, shell.Properties, shell.Items = nil, nil, nil
	shell.AdditionalProperties = openapi3.AdditionalProperties{}
	sh, _ := c.m.LoadOrStore(s, &shell)
	return sh.(*openapi3.Schema)
}
