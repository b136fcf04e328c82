// Package wirejson is the module's one JSON engine: every body the client
// reads, every body the sandbox writes, the validator's decoding and the
// command line's output go through it.
//
// The engine is encoding/json/v2, from the module
// github.com/go-json-experiment/json: the standard library's encoding/json/v2
// for Go 1.26 (an alias of it from Go 1.27). It was chosen over
// encoding/json because it decodes gen's types faster and with fewer
// allocations (bench/README.md), reports the JSON Pointer and byte offset of
// a value that does not fit (the client's DecodeError), and reads a stream
// token by token, which lets a list page be decoded in one pass with each
// summary's exact bytes kept.
//
// The options here make it read and write as Twilio and gen expect:
// Unmarshal accepts whatever encoding/json accepts, and Marshal writes gen's
// types as their struct tags were generated to mean.
package wirejson

import (
	"bytes"
	"io"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// readOptions relax two of v2's defaults to encoding/json's behaviour, so
// that no body encoding/json accepts is refused: invalid UTF-8 is replaced
// with U+FFFD and a duplicated name keeps its last value. Names still match
// exactly (encoding/json ignores case): Twilio's names are lower snake case,
// as gen's tags are.
var readOptions = json.JoinOptions(
	jsontext.AllowInvalidUTF8(true),
	jsontext.AllowDuplicateNames(true),
)

// writeOptions write gen's types as oapi-codegen means its tags: omitempty
// omits a nil pointer, slice or map (and keeps a pointer to ""), a nil
// slice or map without omitempty is null, as Twilio writes an absent list.
// Map keys are sorted, so the same value always gives the same bytes, and
// "&", "<" and ">" are written as they are, as Twilio writes "AT&T".
var writeOptions = json.JoinOptions(
	jsonv1.OmitEmptyWithLegacySemantics(true),
	json.FormatNilSliceAsNull(true),
	json.FormatNilMapAsNull(true),
	json.Deterministic(true),
)

// Unmarshal decodes data into v.
func Unmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v, readOptions)
}

// UnmarshalStrict decodes data into v refusing invalid UTF-8 and duplicate
// names (RFC 8259 §8.1, RFC 7493 §2.3): for checks that must say so.
func UnmarshalStrict(data []byte, v any) error {
	return json.Unmarshal(data, v)
}

// NewDecoder reads a stream of JSON values from r with Unmarshal's leniency.
func NewDecoder(r io.Reader) *jsontext.Decoder {
	return jsontext.NewDecoder(r, readOptions)
}

// UnmarshalDecode decodes the next value of dec into v.
func UnmarshalDecode(dec *jsontext.Decoder, v any) error {
	return json.UnmarshalDecode(dec, v, readOptions)
}

// Marshal encodes v on one line.
func Marshal(v any) ([]byte, error) {
	return json.Marshal(v, writeOptions)
}

// MarshalIndent encodes v indented by two spaces, for people to read.
func MarshalIndent(v any) ([]byte, error) {
	return json.Marshal(v, writeOptions, jsontext.WithIndent("  "))
}

// MarshalWrite encodes v to w followed by a newline, as one NDJSON line.
func MarshalWrite(w io.Writer, v any) error {
	b, err := Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Compact returns b without insignificant white space; strings and numbers
// keep their exact bytes.
func Compact(b []byte) ([]byte, error) {
	v := jsontext.Value(bytes.Clone(b))
	if err := v.Compact(); err != nil {
		return nil, err
	}
	return v, nil
}

// Valid reports whether b is one JSON value (invalid UTF-8 and duplicate
// names allowed, as Unmarshal allows them).
func Valid(b []byte) bool {
	return jsontext.Value(b).IsValid(readOptions)
}

// UnmarshalRead decodes the JSON value r holds into v.
func UnmarshalRead(r io.Reader, v any) error {
	return json.UnmarshalRead(r, v, readOptions)
}

// UnmarshalExact is Unmarshal refusing a member v does not declare: for
// checks that a type covers every field of a body.
func UnmarshalExact(data []byte, v any) error {
	return json.Unmarshal(data, v, readOptions, json.RejectUnknownMembers(true))
}

// ResetDecoder makes d read afresh from r with Unmarshal's leniency, so
// that a decoder of many small values is allocated once.
func ResetDecoder(d *jsontext.Decoder, r io.Reader) {
	d.Reset(r, readOptions)
}
