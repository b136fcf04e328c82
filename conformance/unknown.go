package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// An Unknown is something a body holds that the document does not know: a
// property it does not name, or a value outside an enum it lists. Twilio
// adds both without notice; a drift report tells a user what to add to the
// document (and so to the SDK's types) to keep up.
type Unknown struct {
	// Pointer is where it was found: an RFC 6901 JSON pointer into the body.
	Pointer string
	// Property is true for a property the document does not name, false for
	// a value outside an enum.
	Property bool
	// Value is the enum value, when it looks like one (letters, digits and
	// "_-.", at most 64 bytes, no run of five digits); empty for a property,
	// whose value is never kept, and for anything else in an enum field
	// (Withheld), which may be PII a proxy or a bug put there.
	Value string
	// Withheld: the enum value was not kept because it does not look like
	// an enum value.
	Withheld bool
}

func (u Unknown) String() string {
	switch {
	case u.Property:
		return u.Pointer + ": property not in the document"
	case u.Withheld:
		return u.Pointer + ": value not in the document's enum (not shown: it does not look like an enum value)"
	}
	return fmt.Sprintf("%s: value %q not in the document's enum", u.Pointer, u.Value)
}

// enumLike reports whether s could be an enum value Twilio added, rather
// than data: a short token without a phone-number-like run of digits.
func enumLike(s string) bool {
	if s == "" || len(s) > maxEnumValue {
		return false
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if digits++; digits >= 5 {
				return false
			}
			continue
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_', r == '-', r == '.':
		default:
			return false
		}
		digits = 0
	}
	return true
}

// maxUnknowns bounds one report: a body that far from the document is
// another resource, and the report would be noise.
const maxUnknowns = 100

// maxEnumValue bounds an unknown enum value in a report.
const maxEnumValue = 64

// ReportUnknown lists the properties and enum values of a Call Summary
// body that the document does not know, sorted by pointer, at most 100. A body that breaks the document in another way (a wrong type, say)
// is not reported here: ValidateSummary says so. The error is for a body
// that is not JSON.
func (v *Validator) ReportUnknown(body []byte) ([]Unknown, error) {
	return v.ReportUnknownIn("CallSummary", body)
}

// ReportUnknownIn is ReportUnknown for a body of the named component schema
// (SummaryPage, Annotation, ...).
func (v *Validator) ReportUnknownIn(schema string, body []byte) ([]Unknown, error) {
	ref := v.doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("conformance: no schema %q in the document", schema)
	}
	if !jsontext.Value(body).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) {
		return nil, errors.New("conformance: body is not JSON")
	}
	var out []Unknown
	walkUnknown(ref.Value, jsontext.Value(body), "", &out)
	slices.SortStableFunc(out, func(a, b Unknown) int { return strings.Compare(a.Pointer, b.Pointer) })
	return out, nil
}

// walkUnknown walks a value's bytes beside its schema. Numbers are never
// converted, so a number too large for float64 is no obstacle.
func walkUnknown(s *openapi3.Schema, value jsontext.Value, ptr string, out *[]Unknown) {
	if s == nil || len(*out) >= maxUnknowns {
		return
	}
	s = resolved(s)
	switch value.Kind() {
	case '{':
		props := properties(s)
		if props == nil && s.AdditionalProperties.Schema == nil {
			return // a free-form object: nothing in it is unknown
		}
		eachMember(value, func(name string, v jsontext.Value) {
			p := ptr + "/" + escapePointer(name)
			switch child, ok := props[name]; {
			case ok:
				walkUnknown(child, v, p, out)
			case s.AdditionalProperties.Schema != nil:
				walkUnknown(s.AdditionalProperties.Schema.Value, v, p, out)
			case len(*out) < maxUnknowns:
				*out = append(*out, Unknown{Pointer: p, Property: true})
			}
		})
	case '[':
		if s.Items == nil {
			return
		}
		i := 0
		eachElement(value, func(v jsontext.Value) {
			walkUnknown(s.Items.Value, v, ptr+"/"+strconv.Itoa(i), out)
			i++
		})
	case '"':
		var x string
		if len(s.Enum) == 0 || wirejson.Unmarshal(value, &x) != nil || slices.Contains(s.Enum, any(x)) || len(*out) >= maxUnknowns {
			return
		}
		if !enumLike(x) {
			*out = append(*out, Unknown{Pointer: ptr, Withheld: true})
			return
		}
		*out = append(*out, Unknown{Pointer: ptr, Value: x})
	}
}

// eachMember calls fn with each member of an object's bytes.
func eachMember(obj jsontext.Value, fn func(name string, v jsontext.Value)) {
	dec := wirejson.NewDecoder(bytes.NewReader(obj))
	if _, err := dec.ReadToken(); err != nil {
		return
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return
		}
		name := tok.String() // valid only until the next read
		v, err := dec.ReadValue()
		if err != nil {
			return
		}
		fn(name, v)
	}
}

// eachElement calls fn with each element of an array's bytes.
func eachElement(arr jsontext.Value, fn func(v jsontext.Value)) {
	dec := wirejson.NewDecoder(bytes.NewReader(arr))
	if _, err := dec.ReadToken(); err != nil {
		return
	}
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			return
		}
		fn(v)
	}
}

// resolved follows the document's nullable wrappers (nullable: true with
// allOf: [$ref]) to the schema that says what the value is.
func resolved(s *openapi3.Schema) *openapi3.Schema {
	for len(s.AllOf) == 1 && len(s.Properties) == 0 && len(s.Enum) == 0 && s.AllOf[0].Value != nil {
		s = s.AllOf[0].Value
	}
	return s
}

// properties maps an object schema's property names to their schemas; nil
// when the schema names none.
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	if len(s.Properties) == 0 {
		return nil
	}
	out := make(map[string]*openapi3.Schema, len(s.Properties))
	for name, ref := range s.Properties {
		out[name] = ref.Value
	}
	return out
}

func escapePointer(name string) string {
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}
