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
}

const pageWhat = "summaries page"

// decodePage decodes a list page. The body must be a JSON object with a
// call_summaries array of objects; meta is optional (without it the page is
// the last); other keys are skipped. Errors are *DecodeError, at offsets in
// the page.
func decodePage(status int, body []byte) (*SummaryPage, error) {
	if de := checkObject(status, body, pageWhat); de != nil {
		return nil, de
	}
	pd := &pageDecoder{status: status, body: body}
	// The same leniency as unmarshal; duplicate call_summaries are
	// refused below, by name.
	pd.dec = wirejson.NewDecoder(bytes.NewReader(body))
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
		start := pd.next()
		switch k := dec.PeekKind(); k {
		case '{':
		case 0:
			_, err := dec.ReadToken()
			return fmt.Errorf("call_summaries[%d]: %w", i, pd.syntax(err))
		default: // null would decode into a zero summary
			return fmt.Errorf("call_summaries[%d]: %w", i, pd.fail(start, errNotObject))
		}
		s := &Summary{}
		if err := wirejson.UnmarshalDecode(dec, &s.CallSummary); err != nil {
			return fmt.Errorf("call_summaries[%d]: %w", i, pd.syntax(err))
		}
		s.raw = bytes.Clone(pd.body[start:dec.InputOffset()])
		p.Summaries = append(p.Summaries, s)
	}
	if _, err := dec.ReadToken(); err != nil { // ]
		return pd.syntax(err)
	}
	return nil
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
