package callsummary

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/internal/safetext"
	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// ErrUnexpectedValue is the error every DecodeIssue wraps: a value of the
// body did not fit the type the document gives it.
var ErrUnexpectedValue = errors.New("callsummary: value does not fit its type")

// A DecodeIssue is a value of a body that did not fit gen's type, and so
// was left at its zero value while everything else was decoded. Twilio adds
// fields and changes types without notice; an issue says where the SDK
// could not follow.
type DecodeIssue struct {
	// Pointer is the RFC 6901 JSON Pointer of the value, relative to the
	// summary, e.g. "/sdk_edge/metrics/inbound/codec".
	Pointer string
	// Err says why, wrapping ErrUnexpectedValue: the JSON kind that arrived
	// and the type expected. It never holds the value, which may be PII or
	// a secret echoed by a proxy.
	Err error
}

func (d DecodeIssue) String() string { return d.Pointer + ": " + d.Err.Error() }

// maxDecodeIssues bounds the issues kept for one summary: past it, the
// degrading decoder stops descending, values that do not fit stay zero
// unreported, and a last issue says so. A body this far from the document
// is not a drift but another resource.
const maxDecodeIssues = 100

// decodeLenient decodes body, a JSON object, into v (a pointer to a gen
// struct) value by value: a value that does not fit its field is left at
// its zero value and reported, and every other field is filled. It is the
// slow path, taken only when the strict decode of the same body failed for
// a value, not for its syntax.
func decodeLenient(body []byte, v any) ([]DecodeIssue, error) {
	d := &lenient{}
	d.value(jsontext.Value(body), reflect.ValueOf(v).Elem(), "")
	if d.syntax != nil {
		return nil, d.syntax
	}
	if d.truncated {
		d.issues = append(d.issues, DecodeIssue{Err: fmt.Errorf("%w: more than %d values did not fit; the rest were not reported", ErrUnexpectedValue, maxDecodeIssues)})
	}
	return d.issues, nil
}

type lenient struct {
	issues    []DecodeIssue
	truncated bool  // more values did not fit than maxDecodeIssues
	syntax    error // the body is not JSON after all
}

// value decodes raw into dst, or descends into it when raw does not fit
// whole: an object member by member, an array element by element.
func (d *lenient) value(raw jsontext.Value, dst reflect.Value, ptr string) {
	err := wirejson.Unmarshal(raw, dst.Addr().Interface())
	if err == nil {
		return
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		d.syntax = err
		return
	}
	dst.SetZero()
	if d.full() {
		return
	}
	target := dst
	for target.Kind() == reflect.Pointer {
		if target.IsNil() {
			target.Set(reflect.New(target.Type().Elem()))
		}
		target = target.Elem()
	}
	switch kind := raw.Kind(); {
	case kind == '{' && target.Kind() == reflect.Struct:
		d.object(raw, target, ptr, d.structField(target))
	case kind == '{' && target.Kind() == reflect.Map && target.Type().Key().Kind() == reflect.String:
		if target.IsNil() {
			target.Set(reflect.MakeMap(target.Type()))
		}
		d.object(raw, target, ptr, d.mapEntry(target))
	case kind == '[' && target.Kind() == reflect.Slice:
		d.array(raw, target, ptr)
	default:
		dst.SetZero()
		d.report(ptr, raw, dst.Type(), err)
	}
}

// object walks raw's members, handing each to member; the ones member
// cannot place are unknown fields, which Raw keeps.
func (d *lenient) object(raw jsontext.Value, dst reflect.Value, ptr string, member func(name string, raw jsontext.Value, ptr string)) {
	dec := wirejson.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.ReadToken(); err != nil {
		d.syntax = err
		return
	}
	for dec.PeekKind() != '}' && d.syntax == nil {
		tok, err := dec.ReadToken()
		if err != nil {
			d.syntax = err
			return
		}
		name := tok.String() // valid only until the next read
		v, err := dec.ReadValue()
		if err != nil {
			d.syntax = err
			return
		}
		member(name, v, ptr+"/"+escapePointer(name))
	}
}

// structField decodes a member into the field whose JSON name it has.
func (d *lenient) structField(dst reflect.Value) func(string, jsontext.Value, string) {
	fields := jsonFields(dst.Type())
	return func(name string, raw jsontext.Value, ptr string) {
		if i, ok := fields[name]; ok {
			d.value(raw, dst.Field(i), ptr)
		}
	}
}

// mapEntry decodes a member into a new map entry. A map's keys are the
// server's to choose, unlike a struct's field names: in a pointer, a key is
// made printable and cut at maxKeyInPointer bytes.
func (d *lenient) mapEntry(dst reflect.Value) func(string, jsontext.Value, string) {
	return func(name string, raw jsontext.Value, ptr string) {
		e := reflect.New(dst.Type().Elem()).Elem()
		parent, _ := strings.CutSuffix(ptr, "/"+escapePointer(name))
		d.value(raw, e, parent+"/"+escapePointer(shortKey(name)))
		dst.SetMapIndex(reflect.ValueOf(name).Convert(dst.Type().Key()), e)
	}
}

// maxKeyInPointer bounds a map key quoted in a DecodeIssue's Pointer.
const maxKeyInPointer = 64

func shortKey(k string) string {
	k = safetext.MaskNumbers(safetext.Printable(k))
	if len(k) <= maxKeyInPointer {
		return k
	}
	cut := maxKeyInPointer
	for cut > 0 && !utf8.RuneStart(k[cut]) {
		cut--
	}
	return k[:cut] + "…"
}

// array decodes raw's elements one by one. An element that is an object
// keeps its place, with what of it fits; any other element that does not
// fit (or is null) is left out, so that a list of tags never holds a made-up
// "" and a list of a million wrong values costs no memory.
func (d *lenient) array(raw jsontext.Value, dst reflect.Value, ptr string) {
	dec := wirejson.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.ReadToken(); err != nil {
		d.syntax = err
		return
	}
	elem := dst.Type().Elem()
	base := elem
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	inPlace := base.Kind() == reflect.Struct && base != timeType
	s := reflect.MakeSlice(dst.Type(), 0, 0)
	for i := 0; dec.PeekKind() != ']' && d.syntax == nil; i++ {
		v, err := dec.ReadValue()
		if err != nil {
			d.syntax = err
			return
		}
		at := ptr + "/" + strconv.Itoa(i)
		if inPlace {
			s = reflect.Append(s, reflect.Zero(elem))
			d.value(v, s.Index(s.Len()-1), at)
			continue
		}
		e := reflect.New(elem)
		switch err := wirejson.Unmarshal(v, e.Interface()); {
		case v.Kind() == 'n':
			d.report(at, v, elem, nil)
		case err == nil:
			s = reflect.Append(s, e.Elem())
		case errors.As(err, new(*jsontext.SyntacticError)):
			d.syntax = err
			return
		default:
			d.report(at, v, elem, err)
		}
	}
	dst.Set(s)
}

func (d *lenient) full() bool {
	if len(d.issues) < maxDecodeIssues {
		return false
	}
	d.truncated = true
	return true
}

// report records that raw did not fit a value of type t at ptr. The reason
// is made of the JSON kind and the Go type, never of the value: the
// decoder's own message quotes it.
func (d *lenient) report(ptr string, raw jsontext.Value, t reflect.Type, err error) {
	if d.full() {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	why := fmt.Sprintf("got %s, want %s", jsonKind(raw), goKind(t))
	var sem *json.SemanticError
	switch {
	case raw.Kind() == '0' && isInteger(t) && bytes.ContainsAny(raw, ".eE"):
		why += " (a fraction or an exponent)"
	case raw.Kind() == '0' && (isInteger(t) || t.Kind() == reflect.Float64):
		why += " (out of range)"
	case errors.As(err, &sem) && t == timeType:
		why += " (not an RFC 3339 date-time)"
	}
	d.issues = append(d.issues, DecodeIssue{Pointer: ptr, Err: fmt.Errorf("%w: %s", ErrUnexpectedValue, why)})
}

// jsonFields maps a struct's JSON names to its field indexes.
func jsonFields(t reflect.Type) map[string]int {
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case !f.IsExported() || name == "-":
		case name == "":
			out[f.Name] = i
		default:
			out[name] = i
		}
	}
	return out
}

// escapePointer escapes a member name as RFC 6901 asks ("~" and "/").
func escapePointer(name string) string {
	if !strings.ContainsAny(name, "~/") {
		return name
	}
	return strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1")
}

func jsonKind(raw jsontext.Value) string {
	switch raw.Kind() {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 'n':
		return "null"
	}
	return "a value"
}

var timeType = reflect.TypeFor[time.Time]()

// goKind names a Go type in the document's words.
func goKind(t reflect.Type) string {
	switch {
	case t == timeType:
		return "a date-time"
	case isInteger(t):
		return "an integer (" + t.Kind().String() + ")"
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Struct:
		return "an object"
	case reflect.Map:
		return "an object of " + goKind(t.Elem())
	case reflect.Slice:
		return "an array"
	}
	return t.String()
}

func isInteger(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}
