package conformance

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/voiceinsights/callsummary/internal/safetext"
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
	// Value is the enum value (printable, at most 64 bytes); empty for a
	// property, whose value is never kept: it may be PII.
	Value string
}

func (u Unknown) String() string {
	if u.Property {
		return u.Pointer + ": property not in the document"
	}
	return fmt.Sprintf("%s: value %q not in the document's enum", u.Pointer, u.Value)
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
	value, err := decodeAny(body)
	if err != nil {
		return nil, err
	}
	var out []Unknown
	walkUnknown(ref.Value, value, "", &out)
	return out, nil
}

func walkUnknown(s *openapi3.Schema, value any, ptr string, out *[]Unknown) {
	if s == nil || value == nil || len(*out) >= maxUnknowns {
		return
	}
	s = resolved(s)
	switch x := value.(type) {
	case map[string]any:
		props := properties(s)
		if props == nil {
			return // a free-form object (additionalProperties): nothing is unknown
		}
		for _, name := range slices.Sorted(maps.Keys(x)) {
			p := ptr + "/" + escapePointer(name)
			child, ok := props[name]
			if !ok {
				if s.AdditionalProperties.Schema != nil {
					walkUnknown(s.AdditionalProperties.Schema.Value, x[name], p, out)
					continue
				}
				*out = append(*out, Unknown{Pointer: p, Property: true})
				continue
			}
			walkUnknown(child, x[name], p, out)
		}
	case []any:
		if s.Items == nil {
			return
		}
		for i, e := range x {
			walkUnknown(s.Items.Value, e, ptr+"/"+strconv.Itoa(i), out)
		}
	case string:
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, any(x)) && len(*out) < maxUnknowns {
			v := safetext.Printable(x)
			if len(v) > maxEnumValue {
				v = v[:maxEnumValue] + "…"
			}
			*out = append(*out, Unknown{Pointer: ptr, Value: v})
		}
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
