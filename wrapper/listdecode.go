package callsummary

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/voiceinsights/callsummary/internal/wirejson"
)

// pageDecoder reads one list page with one jsontext.Decoder: each summary
// is decoded straight into its gen.CallSummary, and its exact bytes, found
// from the decoder's offsets, are copied out for Raw. The page is read
// once, not once whole and again summary by summary, and no summary
// shares memory with the page, so keeping one keeps nothing else.
type pageDecoder struct {
	status int
	body   []byte
	dec    *jsontext.Decoder
	// item by item: each summary read whole first, then decoded, so that
	// one that does not fit its types is decoded alone by the degrading
	// decoder and the rest of the page is not lost with it.
	itemByItem bool
}

// errItemDrift stops the one-pass decode of a page at an item that does
// not fit: the page is then decoded again item by item.
var errItemDrift = errors.New("an item does not fit")

const pageWhat = "summaries page"

// decodePage decodes a list page. The body must be a JSON object with a
// call_summaries array of objects; meta is optional (without it the page is
// the last); other keys are skipped. Errors are *DecodeError, at offsets in
// the page.
func decodePage(status int, body []byte) (*SummaryPage, error) {
	if de := checkObject(status, body, pageWhat); de != nil {
		return nil, de
	}
	// The same leniency as unmarshal; duplicate call_summaries are
	// refused below, by name.
	pd := &pageDecoder{status: status, body: body, dec: wirejson.NewDecoder(bytes.NewReader(body))}
	p, err := pd.page()
	if !errors.Is(err, errItemDrift) {
		return p, err
	}
	pd = &pageDecoder{status: status, body: body, dec: wirejson.NewDecoder(bytes.NewReader(body)), itemByItem: true}
	return pd.page()
}

func (pd *pageDecoder) page() (*SummaryPage, error) {
	dec := pd.dec
	if _, err := dec.ReadToken(); err != nil { // {
		return nil, pd.syntax(err)
	}
	p, found := &SummaryPage{}, false
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, pd.syntax(err)
		}
		switch tok.String() {
		case "call_summaries":
			if found {
				return nil, pd.fail(dec.InputOffset(), errTwoLists)
			}
			found = true
			if err := pd.summaries(p); err != nil {
				return nil, err
			}
		case "meta":
			var m *PageMeta
			if err := wirejson.UnmarshalDecode(dec, &m); err != nil {
				return nil, pd.syntax(err)
			}
			if m != nil {
				p.Meta = *m
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return nil, pd.syntax(err)
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil { // }
		return nil, pd.syntax(err)
	}
	end := dec.InputOffset()
	if _, err := dec.ReadToken(); err != io.EOF {
		rest := pd.body[end:]
		return nil, pd.fail(end+int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n"))), errTrailingBytes)
	}
	if !found {
		return nil, pd.fail(-1, errNoSummaries)
	}
	return p, nil
}

// summaries reads the call_summaries array into p.
func (pd *pageDecoder) summaries(p *SummaryPage) error {
	dec := pd.dec
	if k := dec.PeekKind(); k != '[' {
		if k == 0 { // invalid or cut short: let ReadToken say which
			_, err := dec.ReadToken()
			return pd.syntax(err)
		}
		return pd.fail(pd.next(), errNoSummaries)
	}
	if _, err := dec.ReadToken(); err != nil { // [
		return pd.syntax(err)
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		if dec.PeekKind() == 0 { // invalid or cut short: let ReadToken say which
			_, err := dec.ReadToken()
			return fmt.Errorf("call_summaries[%d]: %w", i, pd.syntax(err))
		}
		if len(p.Summaries) == MaxPageSize {
			return pd.fail(pd.next(), ErrPageTooLarge)
		}
		var s *Summary
		var err error
		if pd.itemByItem {
			s, err = pd.item()
		} else {
			s, err = pd.fastItem()
		}
		if err != nil {
			if errors.Is(err, errItemDrift) {
				return err
			}
			return fmt.Errorf("call_summaries[%d]: %w", i, err)
		}
		p.Summaries = append(p.Summaries, s)
	}
	if _, err := dec.ReadToken(); err != nil { // ]
		return pd.syntax(err)
	}
	return nil
}

// fastItem decodes the next item straight from the page's decoder, and
// copies its bytes out for Raw. An item that is not an object, or does not
// fit its types, is errItemDrift.
func (pd *pageDecoder) fastItem() (*Summary, error) {
	dec := pd.dec
	start := pd.next()
	if dec.PeekKind() != '{' {
		return nil, errItemDrift
	}
	s := &Summary{}
	if err := wirejson.UnmarshalDecode(dec, &s.CallSummary); err != nil {
		var syn *jsontext.SyntacticError
		if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, pd.syntax(err)
		}
		return nil, errItemDrift
	}
	s.raw = bytes.Clone(pd.body[start:dec.InputOffset()])
	return s, nil
}

// item reads the next item whole, then decodes it as ParseSummary does: a
// value that does not fit is left zero and reported in the summary's
// DecodeIssues. An item that is not an object at all is kept in Raw, with
// an issue at its root.
func (pd *pageDecoder) item() (*Summary, error) {
	raw, err := pd.dec.ReadValue()
	if err != nil {
		return nil, pd.syntax(err)
	}
	s := &Summary{raw: bytes.Clone(raw)}
	if raw.Kind() != '{' {
		s.issues = []DecodeIssue{{Err: fmt.Errorf("%w: got %s, want an object", ErrUnexpectedValue, jsonKind(raw))}}
		return s, nil
	}
	if de := s.decode(pd.status, s.raw); de != nil {
		de.what = pageWhat
		return nil, de
	}
	return s, nil
}

// next is the offset of the next value's first byte: the decoder's offset
// is before the white space and comma that precede it.
func (pd *pageDecoder) next() int64 {
	off := pd.dec.InputOffset()
	rest := pd.body[off:]
	return off + int64(len(rest)-len(bytes.TrimLeft(rest, " \t\r\n,")))
}

func (pd *pageDecoder) fail(off int64, err error) *DecodeError {
	return &DecodeError{StatusCode: pd.status, Offset: off, Err: err, what: pageWhat}
}

// syntax wraps the decoder's error; a page cut short says so.
func (pd *pageDecoder) syntax(err error) *DecodeError {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return pd.fail(int64(len(pd.body)), errCutShort)
	}
	de := newDecodeError(pd.status, err)
	de.what = pageWhat
	return de
}
