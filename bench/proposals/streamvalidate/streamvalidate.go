// Package streamvalidate is a measurement prototype for a proposed change to
// package conformance, not part of the SDK: it compiles the CallSummary
// schema of the document once into a tree of checks and validates a body by
// walking its JSON tokens (encoding/json/v2's jsontext), without decoding it
// into map[string]any first, which is where most of Validator.ValidateSummary's
// time goes (see bench/README.md).
//
// It covers the keywords the document's CallSummary uses (type, nullable,
// enum, pattern, minLength, maxLength, minimum, maximum, format date-time,
// properties, required, additionalProperties, items, and allOf with one
// member as the document uses it) and refuses to compile any other, so it
// never passes silently what it cannot check. It reports the JSON pointer of
// each violation; the tests check it accepts and rejects exactly what
// conformance.Validator does on the document's examples and the negative set.
package streamvalidate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/go-json-experiment/json/jsontext"
)

type kind uint8

const (
	kObject kind = 1 << iota
	kArray
	kString
	kInteger
	kNumber
	kBoolean
)

type node struct {
	types          kind
	nullable       bool
	enum           map[string]bool
	pattern        *regexp.Regexp
	minLen, maxLen int // -1: none
	min, max       *float64
	dateTime       bool
	props          map[string]*node
	required       []string
	addl           *node
	addlForbidden  bool
	items          *node
}

// A Validator holds the compiled schema; it is safe for concurrent use.
type Validator struct{ root *node }

// Compile compiles schema (a resolved kin-openapi schema).
func Compile(schema *openapi3.Schema) (*Validator, error) {
	n, err := compile(schema, map[*openapi3.Schema]*node{})
	if err != nil {
		return nil, err
	}
	return &Validator{root: n}, nil
}

func compile(s *openapi3.Schema, memo map[*openapi3.Schema]*node) (*node, error) {
	if n, ok := memo[s]; ok {
		return n, nil
	}
	if len(s.AllOf) > 0 {
		if len(s.AllOf) != 1 || s.Type != nil || len(s.Properties) > 0 || s.AllOf[0].Value == nil {
			return nil, errors.New("streamvalidate: allOf is supported only as a single-member wrapper")
		}
		inner, err := compile(s.AllOf[0].Value, memo)
		if err != nil {
			return nil, err
		}
		c := *inner
		c.nullable = c.nullable || s.Nullable
		memo[s] = &c
		return &c, nil
	}
	if len(s.OneOf) > 0 || len(s.AnyOf) > 0 || s.Not != nil || s.MultipleOf != nil || s.MinItems != 0 ||
		s.MaxItems != nil || s.UniqueItems || s.MinProps != 0 || s.MaxProps != nil || s.ExclusiveMin.IsTrue() || s.ExclusiveMax.IsTrue() {
		return nil, errors.New("streamvalidate: schema uses a keyword this prototype does not implement")
	}
	n := &node{nullable: s.Nullable, minLen: -1, maxLen: -1, min: s.Min, max: s.Max}
	memo[s] = n
	if s.Type == nil || len(s.Type.Slice()) != 1 {
		return nil, errors.New("streamvalidate: every schema needs exactly one type")
	}
	switch t := s.Type.Slice()[0]; t {
	case openapi3.TypeObject:
		n.types = kObject
	case openapi3.TypeArray:
		n.types = kArray
	case openapi3.TypeString:
		n.types = kString
	case openapi3.TypeInteger:
		n.types = kInteger
	case openapi3.TypeNumber:
		n.types = kNumber | kInteger
	case openapi3.TypeBoolean:
		n.types = kBoolean
	default:
		return nil, fmt.Errorf("streamvalidate: type %q", t)
	}
	if len(s.Enum) > 0 {
		n.enum = map[string]bool{}
		for _, e := range s.Enum {
			str, ok := e.(string)
			if !ok {
				return nil, errors.New("streamvalidate: only string enums are supported")
			}
			n.enum[str] = true
		}
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return nil, err
		}
		n.pattern = re
	}
	if s.MinLength > 0 {
		n.minLen = int(s.MinLength)
	}
	if s.MaxLength != nil {
		n.maxLen = int(*s.MaxLength)
	}
	switch s.Format {
	case "date-time":
		n.dateTime = true
	case "date", "byte", "ipv4", "ipv6", "email", "uuid":
		// kin-openapi checks these (some only on request); the document
		// uses none of them on CallSummary.
		return nil, fmt.Errorf("streamvalidate: format %q", s.Format)
	}
	// Other formats (double, int32, uri, …) are annotations for kin-openapi
	// by default, as here.
	if len(s.Properties) > 0 {
		n.props = make(map[string]*node, len(s.Properties))
		for name, ref := range s.Properties {
			c, err := compile(ref.Value, memo)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			n.props[name] = c
		}
	}
	n.required = s.Required
	if ap := s.AdditionalProperties; ap.Schema != nil {
		c, err := compile(ap.Schema.Value, memo)
		if err != nil {
			return nil, err
		}
		n.addl = c
	} else if ap.Has != nil && !*ap.Has {
		n.addlForbidden = true
	}
	if s.Items != nil {
		c, err := compile(s.Items.Value, memo)
		if err != nil {
			return nil, err
		}
		n.items = c
	}
	return n, nil
}

// A Violation is one failed check.
type Violation struct{ Pointer, Reason string }

// Error lists every violation of a body.
type Error struct{ Violations []Violation }

func (e *Error) Error() string {
	parts := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		parts[i] = v.Pointer + ": " + v.Reason
	}
	return "streamvalidate: " + strings.Join(parts, "; ")
}

type walker struct {
	dec  *jsontext.Decoder
	ptr  []byte // the JSON pointer of the value being read
	key  []byte
	errs []Violation
}

// appendPointerToken appends key escaped as RFC 6901 says (~ as ~0, / as ~1).
func appendPointerToken(dst, key []byte) []byte {
	if bytes.IndexAny(key, "~/") < 0 {
		return append(dst, key...)
	}
	for _, c := range key {
		switch c {
		case '~':
			dst = append(dst, '~', '0')
		case '/':
			dst = append(dst, '~', '1')
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func (w *walker) fail(reason string) {
	w.errs = append(w.errs, Violation{Pointer: string(w.ptr), Reason: reason})
}

// Validate checks body against the compiled schema: nil, an *Error, or an
// error saying the body is not one JSON value.
func (v *Validator) Validate(body []byte) error {
	w := walker{dec: jsontext.NewDecoder(bytes.NewReader(body)), ptr: make([]byte, 0, 64), key: make([]byte, 0, 64)}
	if err := w.value(v.root); err != nil {
		return fmt.Errorf("streamvalidate: body is not JSON: %w", err)
	}
	if _, err := w.dec.ReadToken(); err != io.EOF {
		return errors.New("streamvalidate: body has data after its JSON value")
	}
	if len(w.errs) > 0 {
		return &Error{Violations: w.errs}
	}
	return nil
}

func (w *walker) value(n *node) error {
	switch w.dec.PeekKind() {
	case 'n':
		if _, err := w.dec.ReadToken(); err != nil {
			return err
		}
		if !n.nullable {
			w.fail("null is not allowed")
		}
	case 't', 'f':
		if _, err := w.dec.ReadToken(); err != nil {
			return err
		}
		if n.types&kBoolean == 0 {
			w.fail("a boolean is not allowed")
		}
	case '"':
		raw, err := w.dec.ReadValue()
		if err != nil {
			return err
		}
		if n.types&kString == 0 {
			w.fail("a string is not allowed")
			return nil
		}
		w.str(n, raw)
	case '0':
		tok, err := w.dec.ReadToken()
		if err != nil {
			return err
		}
		f, err := tok.Float()
		switch {
		case err != nil:
			w.fail("number out of range")
		case n.types&(kNumber|kInteger) == 0:
			w.fail("a number is not allowed")
		case n.types&kNumber == 0 && f != math.Trunc(f):
			w.fail("not an integer")
		case n.min != nil && f < *n.min:
			w.fail("below the minimum")
		case n.max != nil && f > *n.max:
			w.fail("above the maximum")
		}
	case '[':
		if n.types&kArray == 0 {
			w.fail("an array is not allowed")
			return w.dec.SkipValue()
		}
		if _, err := w.dec.ReadToken(); err != nil {
			return err
		}
		mark := len(w.ptr)
		for i := 0; w.dec.PeekKind() != ']'; i++ {
			w.ptr = strconv.AppendInt(append(w.ptr, '/'), int64(i), 10)
			var err error
			if n.items != nil {
				err = w.value(n.items)
			} else {
				err = w.dec.SkipValue()
			}
			w.ptr = w.ptr[:mark]
			if err != nil {
				return err
			}
		}
		_, err := w.dec.ReadToken()
		return err
	case '{':
		if n.types&kObject == 0 {
			w.fail("an object is not allowed")
			return w.dec.SkipValue()
		}
		return w.object(n)
	default:
		_, err := w.dec.ReadToken()
		if err == nil {
			err = errors.New("unexpected token")
		}
		return err
	}
	return nil
}

func (w *walker) object(n *node) error {
	if _, err := w.dec.ReadToken(); err != nil {
		return err
	}
	var seen []string
	mark := len(w.ptr)
	for w.dec.PeekKind() != '}' {
		name, err := w.dec.ReadValue()
		if err != nil {
			return err
		}
		// w.key is scratch space: it is done with before the recursion.
		w.key, err = jsontext.AppendUnquote(w.key[:0], name)
		if err != nil {
			return err
		}
		child, known := n.props[string(w.key)]
		if len(n.required) > 0 {
			seen = append(seen, string(w.key))
		}
		w.ptr = appendPointerToken(append(w.ptr, '/'), w.key)
		switch {
		case known:
			err = w.value(child)
		case n.addl != nil:
			err = w.value(n.addl)
		case n.addlForbidden:
			w.fail("property not allowed")
			err = w.dec.SkipValue()
		default:
			err = w.dec.SkipValue()
		}
		w.ptr = w.ptr[:mark]
		if err != nil {
			return err
		}
	}
	for _, r := range n.required {
		found := false
		for _, s := range seen {
			found = found || s == r
		}
		if !found {
			w.fail("property " + r + " is missing")
		}
	}
	_, err := w.dec.ReadToken()
	return err
}

func (w *walker) str(n *node, raw jsontext.Value) {
	s := raw[1 : len(raw)-1]
	if bytes.IndexByte(s, '\\') >= 0 {
		u, err := jsontext.AppendUnquote(nil, raw)
		if err != nil {
			w.fail("invalid string")
			return
		}
		s = u
	}
	if n.enum != nil && !n.enum[string(s)] {
		w.fail("not one of the enum's values")
	}
	if n.minLen >= 0 || n.maxLen >= 0 {
		l := utf8.RuneCount(s)
		if n.minLen >= 0 && l < n.minLen {
			w.fail("shorter than minLength")
		}
		if n.maxLen >= 0 && l > n.maxLen {
			w.fail("longer than maxLength")
		}
	}
	if n.pattern != nil && !n.pattern.Match(s) {
		w.fail("does not match the pattern")
	}
	if n.dateTime {
		if _, err := time.Parse(time.RFC3339Nano, string(s)); err != nil {
			w.fail("not an RFC 3339 date-time")
		}
	}
}
