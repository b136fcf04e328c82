package wrapper

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/voiceinsights/callsummary/gen"
)

var (
	errNoSummaries   = errors.New("no call_summaries array")
	errTwoLists      = errors.New("call_summaries given twice")
	errTrailingBytes = errors.New("data after the page object")
	errCutShort      = errors.New("unexpected end of the page")
)

// decodePage reads a list page with one json.Decoder: each summary is
// decoded straight into its gen.CallSummary, and its exact bytes, found
// from the decoder's offsets, are copied out for Raw. The page is read
// once, not once whole and again summary by summary, and no summary
// shares memory with the page, so keeping one keeps nothing else.
//
// The body must be a JSON object with a call_summaries array of objects;
// meta is optional (without it the page is the last); other keys are
// skipped. Errors are *DecodeError, at offsets in the page.
func decodePage(status int, body []byte) (*SummaryPage, error) {
	const what = "summaries page"
	fail := func(off int64, err error) *DecodeError {
		return &DecodeError{StatusCode: status, Offset: off, Err: err, what: what}
	}
	syntax := func(err error) *DecodeError {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) { // the decoder's words for a page cut short
			return fail(int64(len(body)), errCutShort)
		}
		de := newDecodeError(status, err)
		de.what = what
		return de
	}
	t := bytes.TrimLeft(body, " \t\r\n")
	switch at := int64(len(body) - len(t)); {
	case len(t) == 0:
		return nil, fail(at, errEmptyBody)
	case t[0] != '{':
		return nil, fail(at, errNotObject)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if _, err := dec.Token(); err != nil { // {
		return nil, syntax(err)
	}
	p, found := &SummaryPage{}, false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntax(err)
		}
		switch tok {
		case "call_summaries":
			if found {
				return nil, fail(dec.InputOffset(), errTwoLists)
			}
			found = true
			if err := decodeSummaries(dec, body, p, fail, syntax); err != nil {
				return nil, err
			}
		case "meta":
			var m *gen.PageMeta
			if err := dec.Decode(&m); err != nil {
				return nil, syntax(err)
			}
			if m != nil {
				p.Meta = *m
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, syntax(err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return nil, syntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail(dec.InputOffset(), errTrailingBytes)
	}
	if !found {
		return nil, fail(-1, errNoSummaries)
	}
	return p, nil
}

// decodeSummaries reads the call_summaries array into p.
func decodeSummaries(dec *json.Decoder, body []byte, p *SummaryPage, fail func(int64, error) *DecodeError, syntax func(error) *DecodeError) error {
	at := dec.InputOffset()
	tok, err := dec.Token()
	switch {
	case err != nil:
		return syntax(err)
	case tok != json.Delim('['):
		return fail(at, errNoSummaries)
	}
	for i := 0; dec.More(); i++ {
		start := dec.InputOffset()
		s := &Summary{}
		if err := dec.Decode(&s.CallSummary); err != nil {
			return fmt.Errorf("call_summaries[%d]: %w", i, syntax(err))
		}
		raw := bytes.TrimLeft(body[start:dec.InputOffset()], " \t\r\n,")
		if len(raw) == 0 || raw[0] != '{' { // null would decode into a zero summary
			return fmt.Errorf("call_summaries[%d]: %w", i, fail(start, errNotObject))
		}
		s.raw = bytes.Clone(raw)
		p.Summaries = append(p.Summaries, s)
	}
	if _, err := dec.Token(); err != nil { // ]
		return syntax(err)
	}
	return nil
}
